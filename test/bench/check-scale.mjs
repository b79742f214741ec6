/**
 * Storage on git, three ratios measured in one run (issue #13):
 * 1. check --against main with one changed subject: 1,000 subjects x 5 versions vs 10 subjects (target
 *    <= 1.3: cost follows the change, not the registry), and the big check vs `node -e 0` (target <= 2.5).
 * 2. serve --ref: loading the 5,000 versions of a ref (one ls-tree + one cat-file batch, in process) vs
 *    `git ls-tree -r` + `git cat-file --batch` of the same files run by hand (target <= 1.5).
 * 3. The extra cost of --commit on register (register --commit minus register) vs `git add` + `git commit`
 *    of the same files in the 6,000-file repository (target <= 1.5).
 * SUBJECTS=N shrinks the big registry while developing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRegistry, git, GIT_ENV, schemaText, subjectPath, writeSubject } from './gen-registry.mjs';

const BIN = fileURLToPath(new URL('../../bin/llm-schema.js', import.meta.url));
const RUNS = Number(process.env.RUNS ?? 11);
const BIG = Number(process.env.SUBJECTS ?? 1000);

function time(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
async function timeAsync(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function runCli(cwd, args, expectCode = 0) {
  const r = spawnSync('node', [BIN, ...args], { cwd, env: { ...GIT_ENV, NO_COLOR: '1' }, encoding: 'utf8' });
  if (r.status !== expectCode) throw new Error(`llm-schema ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function setup(subjects) {
  const root = mkdtempSync(path.join(tmpdir(), `llms-bench-${subjects}-`));
  await generateRegistry(root, subjects, 5);
  git(root, 'checkout', '-q', '-b', 'feature');
  // One changed subject: a new compatible version of subject 3, committed on the branch.
  await writeSubject(root, 3, 5, { version: '1.5.0', text: schemaText(3, 4, 'nickname') });
  git(root, 'config', 'gc.auto', '0');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'one change');
  // The registry's commit may have started 'git gc --auto' in the background (over 6,700 loose objects):
  // wait for it, then pack everything now, so that no repack runs during the measurements and both
  // repositories are packed, as a clone is.
  for (let i = 0; i < 600 && existsSync(path.join(root, '.git', 'gc.pid')); i++) await new Promise((r) => setTimeout(r, 100));
  git(root, 'gc', '-q');
  return root;
}

function checkOnce(root) {
  return time(() => runCli(root, ['check', '--against', 'main']));
}

/** Both registries measured in alternation, so that load from other processes hits both alike. */
function measureChecks(small, big) {
  for (const root of [small, big]) {
    const out = JSON.parse(runCli(root, ['check', '--against', 'main', '--json']));
    if (!out.ok || out.subjects.length !== 1) throw new Error(`unexpected check result: ${JSON.stringify(out).slice(0, 300)}`);
    checkOnce(root); // warm the page cache
  }
  const s = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    s.push(checkOnce(small));
    b.push(checkOnce(big));
  }
  return { small: median(s), big: median(b), smallMin: Math.min(...s), bigMin: Math.min(...b) };
}

function nodeBaseline() {
  const t = [];
  for (let i = 0; i < RUNS; i++) t.push(time(() => spawnSync('node', ['-e', '0'])));
  return median(t);
}

/** serve --ref's load of every file of the ref, in process, vs git ls-tree -r + git cat-file --batch by hand. */
async function measureRefLoad(root) {
  const { openGit, GitTreeStorage } = await import(new URL('../../dist/storage/git.js', import.meta.url).href);
  const { buildSnapshot } = await import(new URL('../../dist/server/load.js', import.meta.url).href);
  const ctx = await openGit(root);
  const commit = git(root, 'rev-parse', 'main');
  const ours = [];
  const snap = [];
  const native = [];
  let versions = 0;
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timeAsync(() => new GitTreeStorage(ctx, commit).preload()));
    native.push(
      time(() => {
        const list = execFileSync('git', ['ls-tree', '-r', '-z', commit], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
        const oids = list
          .split('\0')
          .filter(Boolean)
          .map((l) => l.split(/\s/)[2]);
        execFileSync('git', ['cat-file', '--batch'], { cwd: root, input: oids.join('\n') + '\n', maxBuffer: 1 << 30 });
      }),
    );
    if (i < 3) {
      let s;
      snap.push(
        await timeAsync(async () => {
          const st = new GitTreeStorage(ctx, commit);
          await st.preload(); // as serve --ref does
          s = await buildSnapshot(root, st, 'bench', commit);
        }),
      );
      versions = [...s.files.keys()].filter((f) => /\d\.avsc$/.test(f)).length;
    }
  }
  ctx.objects.close?.();
  return { ours: median(ours), native: median(native), snapshot: median(snap), versions };
}

/** register --commit vs register (the extra cost of --commit), and git add + git commit of the same files. */
async function measureCommit(root) {
  git(root, 'checkout', '-q', 'main');
  const withCommit = [];
  const without = [];
  const native = [];
  const { writeFileSync } = await import('node:fs');
  for (let r = 0; r < 5; r++) {
    for (const [i, list, extra] of [
      [100 + r, withCommit, ['--commit']],
      [200 + r, without, []],
    ]) {
      const file = path.join(root, `new-${i}.avsc`);
      writeFileSync(file, schemaText(i, 4, 'extra'));
      list.push(time(() => runCli(root, ['register', `${subjectPath(i).ns}.${subjectPath(i).name}`, '--file', file, '-q', ...extra])));
      rmSync(file);
    }
    // The same change through the git binary alone: the files are written, then git add && git commit.
    const j = 300 + r;
    const files = await writeSubject(root, j, 5, { version: '1.5.0', text: schemaText(j, 4, 'extra') });
    native.push(
      time(() => {
        execFileSync('git', ['add', '--', ...files], { cwd: root, env: GIT_ENV });
        execFileSync('git', ['commit', '-q', '-m', 'register', '--', ...files], { cwd: root, env: GIT_ENV });
      }),
    );
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'the registrations without --commit');
  git(root, 'fsck', '--no-progress');
  return { withCommit: median(withCommit), without: median(without), native: median(native), files: git(root, 'ls-files').split('\n').length };
}

const small = await setup(10);
const big = await setup(BIG);
try {
  const { small: tSmall, big: tBig, smallMin, bigMin } = measureChecks(small, big);
  const tNode = nodeBaseline();
  console.log(`check --against main, one changed subject (median of ${RUNS}, whole process):`);
  console.log(`  10 subjects x 5 versions:     ${tSmall.toFixed(0)} ms`);
  console.log(`  ${BIG} subjects x 5 versions:  ${tBig.toFixed(0)} ms   (node -e 0: ${tNode.toFixed(0)} ms)`);
  console.log(`  ratio ${BIG} / 10 subjects: ${(tBig / tSmall).toFixed(2)}  (target <= 1.3; best runs ${(bigMin / smallMin).toFixed(2)})`);
  console.log(`  ratio big check / node -e 0: ${(tBig / tNode).toFixed(2)}  (target <= 2.5)`);
  const l = await measureRefLoad(big);
  console.log(`serve --ref load of ${l.versions} versions (median):`);
  console.log(
    `  llm-schema (ls-tree + one cat-file batch, in process): ${l.ours.toFixed(0)} ms; whole snapshot (parsed, indexed): ${l.snapshot.toFixed(0)} ms`,
  );
  console.log(`  git ls-tree -r + git cat-file --batch by hand:           ${l.native.toFixed(0)} ms`);
  console.log(`  ratio: ${(l.ours / l.native).toFixed(2)}  (target <= 1.5)`);
  const c = await measureCommit(big);
  const extra = c.withCommit - c.without;
  console.log(`register --commit in the ${c.files}-file repository (median of 5):`);
  console.log(`  register --commit ${c.withCommit.toFixed(0)} ms, register ${c.without.toFixed(0)} ms: --commit adds ${extra.toFixed(0)} ms`);
  console.log(`  git add + git commit of the same files: ${c.native.toFixed(0)} ms`);
  console.log(`  ratio: ${(extra / c.native).toFixed(2)}  (target <= 1.5)`);
} finally {
  rmSync(small, { recursive: true, force: true });
  rmSync(big, { recursive: true, force: true });
}

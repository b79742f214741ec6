/**
 * check --against main with one changed subject: a 1,000 subjects x 5 versions registry vs a 10-subject one
 * (target: ratio <= 1.5: cost follows the change, not the registry), with the native-git equivalent
 * (git diff --name-only + git show) for scale; then register --commit in the big repository next to
 * `git add && git commit`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRegistry, git, GIT_ENV, schemaText, subjectPath, writeSubject } from './gen-registry.mjs';

const BIN = fileURLToPath(new URL('../../bin/llm-schema.js', import.meta.url));
const RUNS = 11;

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

function measureNative(root) {
  const { ns, name } = subjectPath(3);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(
      time(() => {
        const base = execFileSync('git', ['merge-base', 'main', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
        const changed = execFileSync('git', ['diff', '--name-only', base], { cwd: root, encoding: 'utf8' }).trim().split('\n');
        for (const f of changed.filter((x) => x.startsWith(`schemas/${ns}/${name}/`))) {
          spawnSync('git', ['show', `${base}:${f}`], { cwd: root, encoding: 'utf8' });
        }
      }),
    );
  }
  return median(times);
}

async function measureCommit(root) {
  git(root, 'checkout', '-q', 'main');
  const ours = [];
  const native = [];
  for (let r = 0; r < 3; r++) {
    // llm-schema register --commit: a new version of one subject.
    const i = 10 + r;
    const file = path.join(root, `new-${i}.avsc`);
    (await import('node:fs')).writeFileSync(file, schemaText(i, 4, 'extra'));
    ours.push(time(() => runCli(root, ['register', `${subjectPath(i).ns}.${subjectPath(i).name}`, '--file', file, '--commit', '-q'])));
    rmSync(file);
    // The same change through the git binary: write the files, then git add && git commit.
    const j = 20 + r;
    const files = await writeSubject(root, j, 5, { version: '1.5.0', text: schemaText(j, 4, 'extra') });
    native.push(
      time(() => {
        execFileSync('git', ['add', ...files], { cwd: root, env: GIT_ENV });
        execFileSync('git', ['commit', '-q', '-m', 'register', '--', ...files], { cwd: root, env: GIT_ENV });
      }),
    );
  }
  // commitFiles alone, in this process (isomorphic-git already loaded): the cost of the commit itself.
  const { commitFiles } = await import(new URL('../../dist/storage/gitcommit.js', import.meta.url).href);
  const inproc = [];
  for (let r = 0; r < 3; r++) {
    const j = 30 + r;
    const files = await writeSubject(root, j, 5, { version: '1.5.0', text: schemaText(j, 4, 'extra') });
    inproc.push(time(() => {}) + (await timeAsync(() => commitFiles({ root, files, message: 'register', author: 'Bench <bench@example.com>' }))));
  }
  const status = git(root, 'status', '--porcelain');
  if (status) throw new Error(`the repository is not clean after the commits:\n${status}`);
  git(root, 'fsck');
  return { ours: median(ours), inproc: median(inproc), native: median(native), indexEntries: Number(git(root, 'ls-files').split('\n').length) };
}

const small = await setup(10);
const big = await setup(1000);
try {
  const { small: tSmall, big: tBig, smallMin, bigMin } = measureChecks(small, big);
  const nSmall = measureNative(small);
  const nBig = measureNative(big);
  console.log(`check --against main, one changed subject (median of ${RUNS}, whole process):`);
  console.log(`  10 subjects x 5 versions:     ${tSmall.toFixed(0)} ms   (native git diff --name-only + git show: ${nSmall.toFixed(0)} ms)`);
  console.log(`  1,000 subjects x 5 versions:  ${tBig.toFixed(0)} ms   (native git diff --name-only + git show: ${nBig.toFixed(0)} ms)`);
  console.log(`  ratio 1,000 / 10: ${(tBig / tSmall).toFixed(2)}  (target <= 1.5)`);
  // The best runs are the least disturbed by other processes on a shared machine.
  console.log(`  best of ${RUNS}: ${smallMin.toFixed(0)} ms vs ${bigMin.toFixed(0)} ms, ratio ${(bigMin / smallMin).toFixed(2)}`);
  const c = await measureCommit(big);
  console.log(`register --commit in the 1,000-subject repository (${c.indexEntries} files in the index, median of 3):`);
  console.log(`  llm-schema register --commit (whole process, isomorphic-git): ${c.ours.toFixed(0)} ms`);
  console.log(`  commitFiles alone (in process, the commit step of register --commit):  ${c.inproc.toFixed(0)} ms`);
  console.log(`  git add && git commit (git binary, files already written):    ${c.native.toFixed(0)} ms`);
} finally {
  rmSync(small, { recursive: true, force: true });
  rmSync(big, { recursive: true, force: true });
}

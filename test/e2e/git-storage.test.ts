/**
 * Storage on real git: repositories of every kind the git binary makes (SHA-1, SHA-256, packed, shallow,
 * partial, split index, worktrees, subfolders, hooks, signing, damaged), and the isomorphic-git fallback
 * with git hidden from PATH. Each test runs the built binary in a real repository in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { avro, cli, git, read, V1, V2_BREAKING, V2_COMPATIBLE, write } from './check-helpers.js';
import { getJson, startServe } from './serve-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'llms-gitst-'));
  dirs.push(d);
  return d;
}

const USER = 'schemas/app/user';
/** Compatible with V2_COMPATIBLE: registered as 1.2.0. */
const V3 = avro([
  { name: 'id', type: 'string' },
  { name: 'age', type: 'int', default: 0 },
  { name: 'nick', type: 'string', default: '' },
]);

/**
 * A repository with app.user 1.0.0 on main and a branch 'feature' holding a committed compatible 1.1.0.
 * `sub`: registry folder inside the repository; `format`: the object format.
 */
async function repo(opts: { sub?: string; format?: 'sha1' | 'sha256' } = {}): Promise<{ repo: string; reg: string }> {
  const r = temp();
  git(r, 'init', '-q', '-b', 'main', `--object-format=${opts.format ?? 'sha1'}`);
  git(r, 'config', 'gc.auto', '0');
  const reg = opts.sub ? path.join(r, opts.sub) : r;
  mkdirSync(reg, { recursive: true });
  ok(await cli(reg, ['init', '--yes', '--ci', 'none']));
  write(reg, 'v1.avsc', V1);
  ok(await cli(reg, ['register', 'app.user', '--file', 'v1.avsc']));
  git(r, 'add', '-A');
  git(r, 'commit', '-q', '-m', 'app.user 1.0.0');
  git(r, 'checkout', '-q', '-b', 'feature');
  write(reg, 'v2.avsc', V2_COMPATIBLE);
  ok(await cli(reg, ['register', 'app.user', '--file', 'v2.avsc']));
  git(r, 'add', '-A');
  git(r, 'commit', '-q', '-m', 'app.user 1.1.0');
  return { repo: r, reg };
}

function ok(r: { exitCode?: number; stderr: string; stdout: string }) {
  expect(r.exitCode, r.stderr + r.stdout).toBe(0);
  return r;
}

/** A git failure: exit 2, one line on stderr, naming git fsck or the command to run, never a crash. */
function gitInputError(r: { exitCode?: number; stderr: string }, re: RegExp = /git fsck/) {
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(re);
  expect(r.stderr).not.toMatch(/internal error|DataView|at .*\.js:\d+/);
}

async function checkAgainst(reg: string, ref: string) {
  const r = await cli(reg, ['check', '--against', ref, '--json']);
  return { ...r, out: r.stdout ? JSON.parse(r.stdout) : undefined };
}

describe.each(['sha1', 'sha256'] as const)('a %s repository', (format) => {
  it('check --against, --staged, --head, log, serve --ref and register --commit work, and git fsck stays clean', async () => {
    const { repo: r, reg } = await repo({ format, sub: 'reg' });
    const c = await checkAgainst(reg, 'main');
    ok(c);
    expect(c.out.subjects).toEqual(['app.user']);
    ok(await cli(reg, ['check', '--head']));

    // A breaking version, staged: --staged sees it, the working tree check too.
    write(reg, 'v3.avsc', V3);
    ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc']));
    write(reg, `${USER}/1.1.0.avsc`, V2_BREAKING); // an edit of a registered version
    git(r, 'add', '-A');
    const staged = await cli(reg, ['check', '--staged', '--json']);
    expect(staged.exitCode, staged.stderr).toBe(1);
    expect(JSON.parse(staged.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('VERSION_CHANGED');
    git(r, 'reset', '-q', '--hard');

    // register --commit makes a proper commit in this object format.
    write(reg, 'v3.avsc', V3);
    const reg3 = ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit', '--json']));
    const commit = JSON.parse(reg3.stdout).commit as string;
    expect(commit).toHaveLength(format === 'sha256' ? 64 : 40);
    expect(git(r, 'rev-parse', 'HEAD')).toBe(commit);
    expect(git(r, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'reg/schemas/app/user/1.2.0.avsc',
      'reg/schemas/app/user/subject.yaml',
    ]);
    git(r, 'fsck', '--strict', '--no-progress');
    expect(git(r, 'status', '--porcelain', '--', 'reg/schemas')).toBe('');

    const log = JSON.parse(ok(await cli(reg, ['log', 'app.user', '--json'])).stdout);
    expect(log.commits.map((x: { versions: string[] }) => x.versions)).toEqual([['1.2.0'], ['1.1.0'], ['1.0.0']]);

    const served = await startServe(reg, ['--ref', 'main']);
    try {
      const versions = await getJson(`${served.url}/subjects/app.user/versions`);
      expect(versions.body).toEqual([1]);
    } finally {
      await served.stop();
    }
  });
});

describe('packed, shallow and partial clones', () => {
  it('reads a repository packed with git gc --aggressive', async () => {
    const { repo: r, reg } = await repo();
    git(r, 'gc', '-q', '--aggressive', '--prune=now');
    expect(readdirSync(path.join(r, '.git/objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
    expect((await checkAgainst(reg, 'main')).out.subjects).toEqual(['app.user']);
    expect(JSON.parse(ok(await cli(reg, ['log', 'app.user', '--json'])).stdout).commits).toHaveLength(2);
  });

  it('a depth 2 clone compares with the merge base; a depth 1 clone says which git fetch makes it available', async () => {
    const { repo: src } = await repo();
    for (const depth of ['1', '2']) {
      const d = path.join(temp(), 'clone');
      git(path.dirname(d), 'clone', '-q', '--depth', depth, '-b', 'feature', `file://${src}`, d);
      git(d, 'fetch', '-q', '--depth', '1', 'origin', '+refs/heads/main:refs/remotes/origin/main');
      const c = await checkAgainst(d, 'origin/main');
      if (depth === '2') {
        ok(c);
        expect(c.out.subjects).toEqual(['app.user']);
      } else {
        gitInputError(c, /shallow clone: run 'git fetch --unshallow origin/);
      }
    }
  });

  it('a partial clone (--filter=blob:none) fetches the blobs it needs', async () => {
    const { repo: src } = await repo();
    git(src, 'config', 'uploadpack.allowFilter', 'true');
    const d = path.join(temp(), 'partial');
    git(path.dirname(d), 'clone', '-q', '--filter=blob:none', '--no-checkout', `file://${src}`, d);
    git(d, 'checkout', '-q', 'feature');
    expect(git(d, 'config', 'remote.origin.promisor')).toBe('true');
    const c = await checkAgainst(d, 'origin/main');
    ok(c);
    expect(c.out.subjects).toEqual(['app.user']);
    expect(JSON.parse(ok(await cli(d, ['log', 'app.user', '--json'])).stdout).commits).toHaveLength(2);
    const served = await startServe(d, ['--ref', 'origin/feature']);
    try {
      expect((await getJson(`${served.url}/subjects/app.user/versions`)).body).toEqual([1, 2]);
    } finally {
      await served.stop();
    }
  });
});

describe('index and work tree layouts', () => {
  it('a split index: check --staged and register --commit work and leave nothing staged', async () => {
    const { repo: r, reg } = await repo();
    git(r, 'config', 'core.splitIndex', 'true');
    git(r, 'update-index', '--split-index');
    expect(readdirSync(path.join(r, '.git')).some((f) => f.startsWith('sharedindex.'))).toBe(true);
    write(reg, `${USER}/1.0.0.avsc`, V2_BREAKING);
    git(r, 'add', '-A');
    const staged = await cli(reg, ['check', '--staged', '--json']);
    expect(staged.exitCode, staged.stderr).toBe(1);
    expect(JSON.parse(staged.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('VERSION_CHANGED');
    git(r, 'reset', '-q', '--hard');
    write(reg, 'v3.avsc', V3);
    ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit']));
    expect(git(r, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(git(r, 'ls-tree', '--name-only', 'HEAD', `${USER}/`)).toContain(`${USER}/1.2.0.avsc`);
    ok(await cli(reg, ['check', '--staged']));
  });

  it('a linked worktree with the registry in a subfolder: check and register --commit', async () => {
    const { repo: r } = await repo({ sub: 'tools/reg' });
    const wt = path.join(temp(), 'wt');
    git(r, 'worktree', 'add', '-q', '-b', 'wt', wt, 'feature');
    const reg = path.join(wt, 'tools/reg');
    expect((await checkAgainst(reg, 'main')).out.subjects).toEqual(['app.user']);
    write(reg, 'v3.avsc', V3);
    ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit']));
    expect(git(wt, 'log', '-1', '--format=%s')).toMatch(/register app\.user 1\.2\.0/);
    expect(git(r, 'log', '-1', '--format=%s', 'feature')).toMatch(/1\.1\.0/); // the main work tree's branch did not move
  });
});

describe('register --commit goes through git commit', () => {
  it('a failing pre-commit hook: exit 1, the files stay in place, and it says they are not committed', async () => {
    const { repo: r, reg } = await repo();
    const head = git(r, 'rev-parse', 'HEAD');
    const hook = path.join(r, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "policy says no" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    write(reg, 'v3.avsc', V3);
    const res = await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit']);
    expect(res.exitCode, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/NOT committed/);
    expect(res.stderr).toMatch(/hook/);
    expect(git(r, 'rev-parse', 'HEAD')).toBe(head);
    expect(read(reg, `${USER}/1.2.0.avsc`)).toBe(V3);
    expect(read(reg, `${USER}/subject.yaml`)).toMatch(/1\.2\.0/);
    // Nothing is staged as deleted: the user's next commit keeps the version.
    expect(git(r, 'status', '--porcelain', '--', USER)).not.toMatch(/^D/m);
  });

  it('runs commit-msg hooks and signs with commit.gpgsign (gpg.format ssh, a generated key)', async () => {
    const { repo: r, reg } = await repo();
    const key = path.join(temp(), 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', key]);
    git(r, 'config', 'gpg.format', 'ssh');
    git(r, 'config', 'user.signingkey', `${key}.pub`);
    git(r, 'config', 'commit.gpgsign', 'true');
    const hook = path.join(r, '.git/hooks/commit-msg');
    writeFileSync(hook, '#!/bin/sh\necho "Signed-off-by: Hook <hook@example.com>" >> "$1"\n');
    chmodSync(hook, 0o755);
    write(reg, 'v3.avsc', V3);
    ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit']));
    const raw = git(r, 'cat-file', 'commit', 'HEAD');
    expect(raw).toMatch(/^gpgsig -----BEGIN SSH SIGNATURE-----/m);
    expect(raw).toMatch(/Signed-off-by: Hook/);
    const signers = path.join(temp(), 'allowed');
    writeFileSync(signers, `ada@example.com ${readFileSync(`${key}.pub`, 'utf8')}`);
    git(r, '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', 'HEAD');
  });
});

describe('damaged repositories: exit 2, one line naming git fsck', () => {
  function looseObject(r: string, oid: string): string {
    return path.join(r, '.git/objects', oid.slice(0, 2), oid.slice(2));
  }

  it('a deleted object', async () => {
    const { repo: r, reg } = await repo();
    unlinkSync(looseObject(r, git(r, 'rev-parse', `main:${USER}/subject.yaml`)));
    gitInputError(await checkAgainst(reg, 'main'));
    gitInputError(await cli(reg, ['log', 'app.user']));
    ok(await cli(reg, ['list'])); // commands that do not need git keep working
  });

  it('a junk object', async () => {
    const { repo: r, reg } = await repo();
    const file = looseObject(r, git(r, 'rev-parse', `main:${USER}`));
    chmodSync(file, 0o644);
    writeFileSync(file, 'this is not a zlib stream');
    gitInputError(await checkAgainst(reg, 'main'));
  });

  it('a truncated index, and a missing HEAD', async () => {
    const { repo: r, reg } = await repo();
    truncateSync(path.join(r, '.git/index'), 40);
    gitInputError(await cli(reg, ['check', '--staged']));
    gitInputError(await cli(reg, ['check', '--against', 'main']));
    write(reg, 'v3.avsc', V3);
    const before = readdirSync(path.join(reg, USER)).sort();
    const c = await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit']);
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/NOT committed|git/);
    void before;
    ok(await cli(reg, ['check'])); // the whole-registry check does not need git
    unlinkSync(path.join(r, '.git/HEAD'));
    gitInputError(await cli(reg, ['check', '--against', 'main']));
  });
});

describe('isomorphic-git fallback (no git on PATH)', () => {
  it('check --against, check --staged, log and register --commit work without a git binary', async () => {
    const { repo: r, reg } = await repo();
    const bin = temp();
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const env = { PATH: bin };
    expect(existsSync(path.join(bin, 'git'))).toBe(false);
    const c = await cli(reg, ['check', '--against', 'main', '--json'], env);
    ok(c);
    expect(JSON.parse(c.stdout).subjects).toEqual(['app.user']);
    write(reg, `${USER}/1.0.0.avsc`, V2_BREAKING);
    git(r, 'add', '-A');
    const staged = await cli(reg, ['check', '--staged', '--json'], env);
    expect(staged.exitCode, staged.stderr).toBe(1);
    expect(JSON.parse(staged.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('VERSION_CHANGED');
    git(r, 'reset', '-q', '--hard');
    write(reg, 'v3.avsc', V3);
    const reg3 = ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit', '--json'], env));
    expect(git(r, 'rev-parse', 'HEAD')).toBe(JSON.parse(reg3.stdout).commit);
    git(r, 'fsck', '--strict', '--no-progress');
    const log = JSON.parse(ok(await cli(reg, ['log', 'app.user', '--json'], env)).stdout);
    expect(log.commits).toHaveLength(3);
  });
});

describe('a version file is never overwritten', () => {
  it('subject.yaml cut short after versions: is an input error for list, get and register; check reports it', async () => {
    const { reg } = await repo();
    const yaml = read(reg, `${USER}/subject.yaml`);
    write(reg, `${USER}/subject.yaml`, yaml.slice(0, yaml.indexOf('versions:') + 'versions:'.length) + '\n');
    const v1 = read(reg, `${USER}/1.0.0.avsc`);
    for (const args of [['list'], ['get', 'app.user', '--version', 'latest'], ['register', 'app.user', '--file', 'v2.avsc', '--version', '1.0.0']]) {
      const res = await cli(reg, args);
      expect(res.exitCode, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/subject\.yaml:\d+:\d+: lists no versions while version files exist \(1\.0\.0\.avsc, 1\.1\.0\.avsc\)/);
    }
    expect(read(reg, `${USER}/1.0.0.avsc`)).toBe(v1);
    const check = await cli(reg, ['check', '--json']);
    expect(check.exitCode).toBe(1);
    expect(JSON.parse(check.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('UNREGISTERED_FILE');
  });

  it('a subject.yaml that disagrees with the files (a listed file missing, a file not listed) is refused', async () => {
    const { reg } = await repo();
    write(reg, `${USER}/1.2.0.avsc`, V2_COMPATIBLE); // e.g. left by an interrupted register
    const res = await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--version', '1.2.0']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/subject\.yaml:\d+:\d+: does not list 1\.2\.0\.avsc/);
    unlinkSync(path.join(reg, `${USER}/1.2.0.avsc`));
    unlinkSync(path.join(reg, `${USER}/1.1.0.avsc`));
    const get = await cli(reg, ['get', 'app.user', '--version', '1.0.0']);
    expect(get.exitCode).toBe(2);
    expect(get.stderr).toMatch(/lists version 1\.1\.0 but 1\.1\.0\.avsc is missing/);
  });

  it('lock leftovers of a dead process are removed on the next lock and ignored by git', async () => {
    const { repo: r, reg } = await repo();
    const leftovers = ['..llm-schema.lock.tmp-999999-abcd1234', '.llm-schema.lock.stale-999999-abcd1234'];
    for (const f of leftovers) writeFileSync(path.join(reg, f), '999999 host x\n');
    expect(git(r, 'status', '--porcelain')).toBe('');
    write(reg, 'v3.avsc', V3);
    ok(await cli(reg, ['register', 'app.user', '--file', 'v3.avsc']));
    for (const f of leftovers) expect(existsSync(path.join(reg, f))).toBe(false);
  });
});

describe('a registry outside git', () => {
  it('works for everything but the git commands, which exit 2 with one line and write nothing', async () => {
    const reg = temp();
    ok(await cli(reg, ['init', '--yes', '--ci', 'none']));
    write(reg, 'v1.avsc', V1);
    ok(await cli(reg, ['register', 'app.user', '--file', 'v1.avsc']));
    ok(await cli(reg, ['check']));
    ok(await cli(reg, ['list']));
    for (const args of [
      ['check', '--against', 'main'],
      ['check', '--staged'],
      ['log', 'app.user'],
    ]) {
      gitInputError(await cli(reg, args), /not inside a git repository/);
    }
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    gitInputError(await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--commit']), /not inside a git repository/);
    expect(existsSync(path.join(reg, USER, '1.1.0.avsc'))).toBe(false);
  });
});

describe('a repository without commits', () => {
  it('check --staged checks the index; --head and --against say HEAD has no commits (exit 2)', async () => {
    const r = temp();
    git(r, 'init', '-q', '-b', 'main');
    ok(await cli(r, ['init', '--yes', '--ci', 'none']));
    write(r, 'v1.avsc', V1);
    ok(await cli(r, ['register', 'app.user', '--file', 'v1.avsc']));
    git(r, 'add', '-A');
    ok(await cli(r, ['check', '--staged']));
    for (const args of [
      ['check', '--head'],
      ['check', '--against', 'main'],
    ])
      gitInputError(await cli(r, args), /no commits yet/);
  });
});

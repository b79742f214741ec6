import { rmSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, git, json, makeRepo, read, registerAndCommit, V2_BREAKING, V2_COMPATIBLE, write } from './check-helpers.js';

const repos: string[] = [];
async function repo(sub = '') {
  const r = await makeRepo(sub);
  repos.push(r.repo);
  return r;
}
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

const USER = 'schemas/app/user';

describe('check --against (pull requests)', () => {
  it('passes a compatible change and names the subject it checked', async () => {
    const { repo: r, reg } = await repo();
    await registerAndCommit(r, reg, 'v2.avsc', V2_COMPATIBLE);
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(0);
    const out = json(res.stdout);
    expect(out.ok).toBe(true);
    expect(out.subjects).toEqual(['app.user']);
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const text = await cli(reg, ['check', '--against', 'main']);
    expect(text.stdout).toMatch(/ok: checked 1 changed subject/);
  });

  it('fails when a registered version is edited, naming the file', async () => {
    const { reg } = await repo();
    write(reg, `${USER}/1.0.0.avsc`, V2_COMPATIBLE);
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    const f = json(res.stdout).findings.find((x) => x.rule === 'VERSION_CHANGED');
    expect(f).toMatchObject({ subject: 'app.user', version: '1.0.0', file: `${USER}/1.0.0.avsc` });
  });

  it('fails when a registered version is deleted (file or entry)', async () => {
    const { reg } = await repo();
    unlinkSync(path.join(reg, `${USER}/1.0.0.avsc`));
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    expect(json(res.stdout).findings.map((f) => f.rule)).toContain('VERSION_DELETED');
    git(reg, 'checkout', '--', `${USER}/1.0.0.avsc`);
    write(reg, `${USER}/subject.yaml`, 'format: avro\nversions: []\n');
    const res2 = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res2.exitCode).toBe(1);
    const rules = json(res2.stdout).findings.map((f) => f.rule);
    expect(rules).toContain('VERSION_DELETED');
    expect(rules).toContain('UNREGISTERED_FILE');
  });

  it('fails on an incompatible version, and passes it as a notice when allow-breaking is in subject.yaml', async () => {
    const { repo: r, reg } = await repo();
    await registerAndCommit(r, reg, 'v2.avsc', V2_BREAKING, ['--allow-breaking', 'email is required from now on']);
    const approved = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(approved.exitCode).toBe(0);
    const notice = json(approved.stdout).findings.find((f) => f.rule === 'BREAKING_CHANGE_APPROVED');
    expect(notice).toMatchObject({ severity: 'notice', version: '2.0.0', file: `${USER}/subject.yaml` });
    expect(notice!.message).toContain('email is required from now on');
    // Without the approval, the same change fails, pointing at the version's line in subject.yaml.
    const yaml = read(reg, `${USER}/subject.yaml`);
    write(reg, `${USER}/subject.yaml`, yaml.replace(/^\s*allow-breaking:.*\n/m, ''));
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    const f = json(res.stdout).findings.find((x) => x.rule === 'INCOMPATIBLE_CHANGE')!;
    expect(f.version).toBe('2.0.0');
    const lines = read(reg, `${USER}/subject.yaml`).split('\n');
    expect(lines[f.line! - 1]).toMatch(/version: 2\.0\.0/);
    expect(f.message).toMatch(/allow-breaking/);
  });

  it('fails on a version number that understates the change', async () => {
    const { repo: r, reg } = await repo();
    await registerAndCommit(r, reg, 'v2.avsc', V2_COMPATIBLE);
    // Rename 1.1.0 (a compatible change to what validates: minor) to 1.0.1 (a patch).
    const dir = path.join(reg, USER);
    git(dir, 'mv', '1.1.0.avsc', '1.0.1.avsc');
    write(reg, `${USER}/subject.yaml`, read(reg, `${USER}/subject.yaml`).replace('version: 1.1.0', 'version: 1.0.1'));
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    const f = json(res.stdout).findings.find((x) => x.rule === 'VERSION_UNDERSTATED');
    expect(f).toMatchObject({ version: '1.0.1' });
    expect(f!.message).toMatch(/needs a minor bump/);
  });

  it('compares with the merge base when main moved on after the branch point', async () => {
    const { repo: r, reg } = await repo();
    await registerAndCommit(r, reg, 'v2.avsc', V2_COMPATIBLE);
    git(r, 'checkout', '-q', 'main');
    write(reg, 'other.avsc', V2_COMPATIBLE.replace('"User"', '"Other"'));
    const reg2 = await cli(reg, ['register', 'app.other', '--file', 'other.avsc']);
    expect(reg2.exitCode).toBe(0);
    git(r, 'add', '-A');
    git(r, 'commit', '-q', '-m', 'main moves on');
    git(r, 'checkout', '-q', 'feature');
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(0);
    // app.other exists only on main after the branch point: comparing with main's tip would call it deleted.
    expect(json(res.stdout).subjects).toEqual(['app.user']);
    const text = await cli(reg, ['check', '--against', 'main']);
    expect(text.stdout).toMatch(/merge base [0-9a-f]{7}/);
  });

  it('fails when a subject loosens its mode, unless compatibility-change gives a reason', async () => {
    const { reg } = await repo();
    const yaml = read(reg, `${USER}/subject.yaml`);
    write(reg, `${USER}/subject.yaml`, yaml.replace(/^format: avro$/m, 'format: avro\ncompatibility: NONE'));
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    expect(json(res.stdout).findings[0]).toMatchObject({ rule: 'COMPATIBILITY_LOOSENED', line: 2 });
    write(
      reg,
      `${USER}/subject.yaml`,
      yaml.replace(/^format: avro$/m, 'format: avro\ncompatibility: NONE\ncompatibility-change: consumers are migrated by hand'),
    );
    const ok = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(ok.exitCode).toBe(0);
    expect(json(ok.stdout).findings[0]).toMatchObject({ rule: 'COMPATIBILITY_CHANGE_APPROVED', severity: 'notice' });
  });

  it('reports a malformed new version with its line', async () => {
    const { reg } = await repo();
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    expect((await cli(reg, ['register', 'app.user', '--file', 'v2.avsc'])).exitCode).toBe(0);
    write(reg, `${USER}/1.1.0.avsc`, '{\n  "type": "record",\n  "name": \n}\n');
    const res = await cli(reg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    const f = json(res.stdout).findings.find((x) => x.rule === 'MALFORMED_SCHEMA')!;
    expect(f.file).toBe(`${USER}/1.1.0.avsc`);
    expect(f.line).toBeGreaterThan(1);
  });

  it('exits 2 on an unknown ref', async () => {
    const { reg } = await repo();
    const res = await cli(reg, ['check', '--against', 'no-such-branch']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/unknown git ref 'no-such-branch'/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('check --staged (pre-commit)', () => {
  it('reads the index, not the working tree', async () => {
    const { reg } = await repo();
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    expect((await cli(reg, ['register', 'app.user', '--file', 'v2.avsc'])).exitCode).toBe(0);
    git(reg, 'add', 'schemas');
    // An unstaged edit of a registered version: the working tree is bad, the index is good.
    write(reg, `${USER}/1.0.0.avsc`, V2_BREAKING);
    const staged = await cli(reg, ['check', '--staged', '--json']);
    expect(staged.exitCode).toBe(0);
    expect(json(staged.stdout).subjects).toEqual(['app.user']);
    const worktree = await cli(reg, ['check', '--against', 'HEAD', '--json']);
    expect(worktree.exitCode).toBe(1);
    expect(json(worktree.stdout).findings.map((f) => f.rule)).toContain('VERSION_CHANGED');
    // Staged bad edit, working tree restored: the index is bad.
    git(reg, 'add', `${USER}/1.0.0.avsc`);
    write(reg, `${USER}/1.0.0.avsc`, read(reg, 'v1.avsc'));
    const staged2 = await cli(reg, ['check', '--staged', '--json']);
    expect(staged2.exitCode).toBe(1);
    expect(json(staged2.stdout).findings.map((f) => f.rule)).toContain('VERSION_CHANGED');
    expect((await cli(reg, ['check', '--against', 'HEAD'])).exitCode).toBe(0);
  });
});

describe('check without --against (whole registry)', () => {
  it('finds hand-edited ids, unregistered files and broken references', async () => {
    const { reg } = await repo();
    expect((await cli(reg, ['check'])).exitCode).toBe(0);
    const yaml = read(reg, `${USER}/subject.yaml`);
    write(reg, `${USER}/subject.yaml`, yaml.replace(/id: \d+/, 'id: 12345'));
    write(reg, `${USER}/3.0.0.avsc`, V2_BREAKING);
    write(
      reg,
      'schemas/app/ref/subject.yaml',
      'format: avro\nversions:\n  - version: 1.0.0\n    id: 7\n    state: active\n    references:\n      - name: app.Missing\n        subject: app.missing\n        version: 1.0.0\n',
    );
    write(reg, 'schemas/app/ref/1.0.0.avsc', V2_BREAKING);
    const res = await cli(reg, ['check', '--json']);
    expect(res.exitCode).toBe(1);
    const rules = json(res.stdout).findings.map((f) => `${f.rule} ${f.subject}`);
    expect(rules).toContain('ID_MISMATCH app.user');
    expect(rules).toContain('UNREGISTERED_FILE app.user');
    expect(rules).toContain('BROKEN_REFERENCE app.ref');
  });

  it('reports a duplicate id held by two different schemas', async () => {
    const { reg } = await repo();
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    expect((await cli(reg, ['register', 'app.other', '--file', 'v2.avsc'])).exitCode).toBe(0);
    const userId = /id: (\d+)/.exec(read(reg, `${USER}/subject.yaml`))![1];
    const other = read(reg, 'schemas/app/other/subject.yaml');
    write(reg, 'schemas/app/other/subject.yaml', other.replace(/id: \d+/, `id: ${userId}`));
    const res = await cli(reg, ['check', '--json']);
    expect(res.exitCode).toBe(1);
    const rules = json(res.stdout).findings.map((f) => f.rule);
    expect(rules).toContain('DUPLICATE_ID');
  });
});

describe('shallow clones', () => {
  it('exits 2 with the git fetch command that makes the base available, which then works', async () => {
    const { repo: r, reg } = await repo();
    await registerAndCommit(r, reg, 'v2.avsc', V2_COMPATIBLE);
    const clone = r + '-clone';
    repos.push(clone);
    git(path.dirname(r), 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${r}`, clone);
    const res = await cli(clone, ['check', '--against', 'origin/main']);
    expect(res.exitCode).toBe(2);
    const m = /run '(git fetch [^']+)'/.exec(res.stderr);
    expect(m, res.stderr).not.toBeNull();
    git(clone, ...m![1].split(' ').slice(1));
    const after = await cli(clone, ['check', '--against', 'origin/main', '--json']);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(json(after.stdout).subjects).toEqual(['app.user']);
  });

  it('exits 2 with a fetch command when the ref is there but the merge base is not', async () => {
    const { repo: r, reg } = await repo();
    await registerAndCommit(r, reg, 'v2.avsc', V2_COMPATIBLE);
    const clone = r + '-clone2';
    repos.push(clone);
    git(path.dirname(r), 'clone', '-q', '--depth', '1', '--no-single-branch', '--branch', 'feature', `file://${r}`, clone);
    const res = await cli(clone, ['check', '--against', 'origin/main']);
    expect(res.exitCode).toBe(2);
    const m = /run '(git fetch [^']+)'/.exec(res.stderr);
    expect(m, res.stderr).not.toBeNull();
    expect(res.stderr).toMatch(/shallow/);
    git(clone, ...m![1].split(' ').slice(1));
    const after = await cli(clone, ['check', '--against', 'origin/main']);
    expect(after.exitCode, after.stderr).toBe(0);
  });
});

describe('registries in a subfolder and worktrees', () => {
  it('checks a registry in a subfolder of a linked worktree', async () => {
    const { repo: r, reg } = await repo('registry');
    await registerAndCommit(r, reg, 'v2.avsc', V2_BREAKING, ['--allow-breaking', 'planned']);
    const wt = r + '-wt';
    repos.push(wt);
    git(r, 'worktree', 'add', '-q', wt, '-b', 'wt-branch', 'feature');
    const wreg = path.join(wt, 'registry');
    const yaml = read(wreg, `${USER}/subject.yaml`);
    write(wreg, `${USER}/subject.yaml`, yaml.replace(/^\s*allow-breaking:.*\n/m, ''));
    const res = await cli(wreg, ['check', '--against', 'main', '--json']);
    expect(res.exitCode).toBe(1);
    const f = json(res.stdout).findings.find((x) => x.rule === 'INCOMPATIBLE_CHANGE')!;
    // Paths are relative to the repository top, as CI annotations need.
    expect(f.file).toBe(`registry/${USER}/subject.yaml`);
    git(wreg, 'add', '-A');
    const staged = await cli(wreg, ['check', '--staged', '--against', 'main']);
    expect(staged.exitCode).toBe(1);
  });
});

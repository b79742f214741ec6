import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, git, GIT_ENV, makeRepo, read, V2_COMPATIBLE, write } from './check-helpers.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});
async function repo(sub = '') {
  const r = await makeRepo(sub);
  repos.push(r.repo);
  return r;
}
/** `git commit` as a user runs it, hooks included. */
function commit(cwd: string, msg: string) {
  return execa('git', ['commit', '-q', '-m', msg], { cwd, reject: false, env: { ...GIT_ENV, NO_COLOR: '1' } });
}
const USER = 'schemas/app/user';

describe('hook install', () => {
  it('installs a pre-commit hook that blocks a bad commit and lets a good one through', async () => {
    const { repo: r, reg } = await repo();
    const res = await cli(reg, ['hook', 'install']);
    expect(res.exitCode).toBe(0);
    const hook = path.join(r, '.git/hooks/pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain('check --staged');
    // Bad: a registered version edited.
    write(reg, `${USER}/1.0.0.avsc`, V2_COMPATIBLE);
    git(r, 'add', '-A');
    const head = git(r, 'rev-parse', 'HEAD');
    const bad = await commit(r, 'edit a registered version');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/VERSION_CHANGED/);
    expect(git(r, 'rev-parse', 'HEAD')).toBe(head);
    // Good: undo the edit, register a compatible version.
    git(r, 'checkout', 'HEAD', '--', `${USER}/1.0.0.avsc`);
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    expect((await cli(reg, ['register', 'app.user', '--file', 'v2.avsc'])).exitCode).toBe(0);
    git(r, 'add', '-A');
    const good = await commit(r, 'register 1.1.0');
    expect(good.exitCode, good.stderr).toBe(0);
    expect(git(r, 'rev-parse', 'HEAD')).not.toBe(head);
  });

  it('checks what `git commit -a` commits (GIT_INDEX_FILE), not the plain index', async () => {
    const { repo: r, reg } = await repo();
    expect((await cli(reg, ['hook', 'install'])).exitCode).toBe(0);
    write(reg, `${USER}/1.0.0.avsc`, V2_COMPATIBLE); // tracked file, not staged
    const bad = await execa('git', ['commit', '-q', '-a', '-m', 'sneaky'], { cwd: r, reject: false, env: { ...GIT_ENV, NO_COLOR: '1' } });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/VERSION_CHANGED/);
  });

  it('is idempotent for its own hook and refuses a foreign hook without --force', async () => {
    const { repo: r, reg } = await repo();
    const hook = path.join(r, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho mine\n');
    chmodSync(hook, 0o755);
    const refused = await cli(reg, ['hook', 'install']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/--force/);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    const forced = await cli(reg, ['hook', 'install', '--force', '--json']);
    expect(forced.exitCode).toBe(0);
    expect(JSON.parse(forced.stdout).action).toBe('replaced');
    expect(readFileSync(hook + '.backup', 'utf8')).toBe('#!/bin/sh\necho mine\n');
    const again = await cli(reg, ['hook', 'install', '--json']);
    expect(JSON.parse(again.stdout).action).toBe('unchanged');
    const un = await cli(reg, ['hook', 'uninstall', '--json']);
    expect(JSON.parse(un.stdout).action).toMatch(/restored/);
    expect(readFileSync(hook, 'utf8')).toContain('echo mine');
  });

  it('writes into core.hooksPath, and works for a registry in a subfolder of a worktree', async () => {
    const { repo: r, reg } = await repo('reg');
    git(r, 'config', 'core.hooksPath', '.githooks');
    const wt = r + '-wt';
    repos.push(wt);
    git(r, 'worktree', 'add', '-q', wt, '-b', 'wt', 'feature');
    const wreg = path.join(wt, 'reg');
    const res = await cli(wreg, ['hook', 'install', '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const file = JSON.parse(res.stdout).hook as string;
    expect(file).toBe(path.join(wt, '.githooks', 'pre-commit'));
    expect(readFileSync(file, 'utf8')).toContain("--registry 'reg'");
    write(wreg, `${USER}/1.0.0.avsc`, V2_COMPATIBLE);
    git(wt, 'add', '-A');
    const bad = await commit(wt, 'bad');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/VERSION_CHANGED/);
    expect(existsSync(path.join(r, '.git/hooks/pre-commit'))).toBe(false);
    void reg;
  });
});

describe('pre-commit framework and templates', () => {
  it('publishes llm-schema-check in .pre-commit-hooks.yaml', () => {
    const text = readFileSync(new URL('../../.pre-commit-hooks.yaml', import.meta.url), 'utf8');
    expect(text).toMatch(/- id: llm-schema-check/);
    expect(text).toMatch(/entry: llm-schema check --staged/);
    expect(text).toMatch(/language: node/);
    expect(text).toMatch(/pass_filenames: false/);
  });

  it('init in a subfolder writes the CI templates at the repository top, with the registry and schemas folders filled in', async () => {
    const { repo: r } = await repo();
    const dir = path.join(r, 'fresh');
    mkdirSync(dir);
    const res = await cli(dir, ['init', '--yes', '--schemas-dir', 'defs', '--ci', 'github', 'gitlab', 'husky', 'lefthook', 'pre-commit']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(existsSync(path.join(dir, '.github'))).toBe(false);
    expect(read(r, '.github/workflows/llm-schema.yml')).toMatch(
      /fetch-depth: 0[\s\S]*npm ci[\s\S]*npx llm-schema check --registry fresh --against "origin\/\$BASE_REF" --format github/,
    );
    const gl = read(r, '.gitlab/llm-schema.gitlab-ci.yml');
    expect(gl).toMatch(/junit: llm-schema-junit\.xml/);
    expect(gl).toMatch(/codequality: gl-code-quality-report\.json/);
    expect(gl).toContain('npx llm-schema check --registry fresh ');
    expect(read(r, '.husky/pre-commit')).toContain('check --staged --quiet --registry fresh');
    expect(read(r, 'lefthook.yml')).toContain('fresh/{defs/**/*,llm-schema.yaml}');
    expect(read(r, '.pre-commit-config.yaml')).toContain('files: ^fresh/(defs/|llm-schema\\.yaml$)');
  });
});

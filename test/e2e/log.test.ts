import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, git, makeRepo, V2_COMPATIBLE, write } from './check-helpers.js';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

describe('register --commit and log', () => {
  it('commits just the new files with git config as author, leaving other staged work staged', async () => {
    const { repo: r, reg } = await makeRepo('reg');
    repos.push(r);
    git(r, 'config', 'user.name', 'Grace Config');
    git(r, 'config', 'user.email', 'grace@example.com');
    write(r, 'unrelated.txt', 'staged, not committed\n');
    git(r, 'add', 'unrelated.txt');
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    // No GIT_AUTHOR_* in the environment: the author comes from git config.
    const res = await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--commit', '--json'], {
      GIT_AUTHOR_NAME: '',
      GIT_AUTHOR_EMAIL: '',
      GIT_COMMITTER_NAME: '',
      GIT_COMMITTER_EMAIL: '',
    });
    expect(res.exitCode, res.stderr).toBe(0);
    const commit = git(r, 'rev-parse', 'HEAD');
    expect(JSON.parse(res.stdout).commit).toBe(commit);
    expect(git(r, 'log', '-1', '--format=%an <%ae>|%s')).toBe('Grace Config <grace@example.com>|llm-schema: register app.user 1.1.0');
    expect(git(r, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual([
      'reg/schemas/app/user/1.1.0.avsc',
      'reg/schemas/app/user/subject.yaml',
    ]);
    // The index knows the committed files; the unrelated file is still staged; the repository is sound.
    expect(git(r, 'status', '--porcelain', '--', 'reg/schemas')).toBe('');
    expect(git(r, 'diff', '--cached', '--name-only')).toBe('unrelated.txt');
    git(r, 'fsck', '--strict');
    expect(git(r, 'reflog', '-1', '--format=%gs')).toMatch(/^commit: llm-schema: register app\.user 1\.1\.0/);
  });

  it('takes --author and --commit-message, and refuses a malformed author', async () => {
    const { repo: r, reg } = await makeRepo();
    repos.push(r);
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    const res = await cli(reg, [
      'register',
      'app.user',
      '--file',
      'v2.avsc',
      '--commit',
      '--author',
      'Lin Given <lin@example.com>',
      '--commit-message',
      'add age',
    ]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(git(r, 'log', '-1', '--format=%an <%ae>|%s')).toBe('Lin Given <lin@example.com>|add age');
    write(reg, 'v3.avsc', V2_COMPATIBLE.replace('"age"', '"height"'));
    const bad = await cli(reg, ['register', 'app.user', '--file', 'v3.avsc', '--commit', '--author', 'nobody']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/invalid --author 'nobody': expected "Name <email>"/);
    expect(git(r, 'log', '-1', '--format=%s')).toBe('add age');
  });

  it('log lists versions newest first with commit, author, date and message', async () => {
    const { repo: r, reg } = await makeRepo();
    repos.push(r);
    write(reg, 'v2.avsc', V2_COMPATIBLE);
    expect((await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--commit', '--author', 'Lin Given <lin@example.com>'])).exitCode).toBe(0);
    expect((await cli(reg, ['deprecate', 'app.user', '--version', '1.0.0', '--reason', 'old'])).exitCode).toBe(0);
    git(r, 'commit', '-q', '-am', 'deprecate 1.0.0');
    write(r, 'elsewhere.txt', 'x');
    git(r, 'add', 'elsewhere.txt');
    git(r, 'commit', '-q', '-m', 'unrelated commit');
    const res = await cli(reg, ['log', '--namespace', 'app', '--name', 'user', '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.subject).toBe('app.user');
    const commits = out.commits as Array<{ commit: string; versions: string[]; deprecated: string[]; author: { name: string }; date: string; message: string }>;
    expect(commits.map((c) => c.message)).toEqual(['deprecate 1.0.0', 'llm-schema: register app.user 1.1.0', 'registry with app.user 1.0.0']);
    expect(commits[0].deprecated).toEqual(['1.0.0']);
    expect(commits[1]).toMatchObject({ versions: ['1.1.0'], author: { name: 'Lin Given' } });
    expect(commits[2].versions).toEqual(['1.0.0']);
    expect(commits[1].commit).toBe(git(r, 'rev-parse', 'HEAD~2'));
    expect(Date.parse(commits[0].date)).toBeGreaterThan(0);
    const text = await cli(reg, ['log', 'app.user']);
    const lines = text.stdout.trim().split('\n');
    expect(lines[1]).toMatch(
      /^1\.1\.0\s+[0-9a-f]{7}\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+Lin Given <lin@example\.com>\s+llm-schema: register app\.user 1\.1\.0$/,
    );
    const unknown = await cli(reg, ['log', 'app.nobody']);
    expect(unknown.exitCode).toBe(2);
    void path;
  });
});

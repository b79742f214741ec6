import { chmodSync, rmSync, statSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, git, json, makeRepo, must, read, V1, write } from './check-helpers.js';

// check --against reads the working tree through the index's stat data: these are the edits a
// shortcut could miss (an untouched subject folder, an edit that keeps the size, an untracked file).

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

async function repoWithTwoSubjects() {
  const { repo, reg } = await makeRepo();
  repos.push(repo);
  write(reg, 'order.avsc', V1.replace('"User"', '"Order"'));
  must(await cli(reg, ['register', '--namespace', 'shop', '--name', 'order', '--file', 'order.avsc']));
  rmSync(path.join(reg, 'order.avsc'));
  rmSync(path.join(reg, 'v1.avsc'), { force: true });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'shop.order');
  const clean = await cli(reg, ['check', '--against', 'HEAD', '--json']);
  expect(clean.exitCode).toBe(0);
  expect(json(clean.stdout).subjects).toEqual([]);
  return { repo, reg };
}

describe('check --against sees every working-tree edit', () => {
  it('an unstaged edit of another subject that keeps the file size and its mtime', async () => {
    const { reg } = await repoWithTwoSubjects();
    const rel = 'schemas/shop/order/1.0.0.avsc';
    const file = path.join(reg, rel);
    const before = statSync(file);
    const text = read(reg, rel);
    const edited = text.replace('"id"', '"ID"');
    expect(edited.length).toBe(text.length);
    write(reg, rel, edited);
    utimesSync(file, before.atime, before.mtime);
    const res = await cli(reg, ['check', '--against', 'HEAD', '--json']);
    expect(res.exitCode).toBe(1);
    const out = json(res.stdout);
    expect(out.subjects).toEqual(['shop.order']);
    expect(out.findings.find((f) => f.rule === 'VERSION_CHANGED')).toMatchObject({ subject: 'shop.order', version: '1.0.0', file: rel });
  });

  it('an untracked version file in an existing subject folder, even after the index was rewritten', async () => {
    const { repo, reg } = await repoWithTwoSubjects();
    write(reg, 'schemas/app/user/1.1.0.avsc', V1);
    await new Promise((r) => setTimeout(r, 20));
    write(reg, 'notes.txt', 'staged after the new file\n');
    git(repo, 'add', 'notes.txt');
    const res = await cli(reg, ['check', '--against', 'HEAD', '--json']);
    expect(res.exitCode).toBe(1);
    expect(json(res.stdout).findings.find((f) => f.rule === 'UNREGISTERED_FILE')).toMatchObject({ subject: 'app.user', file: 'schemas/app/user/1.1.0.avsc' });
  });

  it('a mode change alone is a change of the folder, not a change of the schema', async () => {
    const { reg } = await repoWithTwoSubjects();
    chmodSync(path.join(reg, 'schemas/shop/order/1.0.0.avsc'), 0o755);
    const res = await cli(reg, ['check', '--against', 'HEAD', '--json']);
    expect(res.exitCode).toBe(0);
    expect(json(res.stdout).subjects).toEqual(['shop.order']);
  });
});

describe('index version 4 (compressed paths)', () => {
  it('check --staged and --against read a v4 index like a v2 one', async () => {
    const { repo, reg } = await repoWithTwoSubjects();
    git(repo, 'update-index', '--index-version', '4');
    const clean = await cli(reg, ['check', '--staged', '--json']);
    expect(clean.exitCode, String(clean.stdout)).toBe(0);
    // An edit to a registered version, staged: found through the v4 index.
    const file = 'schemas/shop/order/1.0.0.avsc';
    write(reg, file, read(reg, file).replace('"id"', '"key"'));
    git(repo, 'add', '-A');
    const staged = await cli(reg, ['check', '--staged']);
    expect(staged.exitCode, String(staged.stdout)).toBe(1);
    expect(staged.stdout).toContain('VERSION_CHANGED');
    const against = await cli(reg, ['check', '--against', 'HEAD']);
    expect(against.exitCode).toBe(1);
    expect(against.stdout).toContain('VERSION_CHANGED');
  });
});

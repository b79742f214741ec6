import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitStorageError, GitTreeStorage, openGit } from '../../src/storage/git.js';

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('objects through one git cat-file --batch', () => {
  it('answers interleaved reads in order: big objects across many chunks, small ones, missing ones', async () => {
    const r = mkdtempSync(path.join(tmpdir(), 'llms-objects-'));
    dirs.push(r);
    git(r, 'init', '-q', '-b', 'main');
    const big = 'x'.repeat(3_000_000) + '\n'; // ~46 pipe chunks
    writeFileSync(path.join(r, 'big.txt'), big);
    for (let i = 0; i < 50; i++) writeFileSync(path.join(r, `f${i}.txt`), `file ${i}\n`.repeat(i + 1));
    writeFileSync(path.join(r, 'nl.txt'), '\n\n\n');
    writeFileSync(path.join(r, 'empty.txt'), '');
    git(r, 'add', '-A');
    git(r, 'commit', '-q', '-m', 'files');
    const ctx = await openGit(r);
    const head = git(r, 'rev-parse', 'HEAD');
    const s = new GitTreeStorage(ctx, head);
    const names = ['f0.txt', 'big.txt', 'nl.txt', ...Array.from({ length: 50 }, (_, i) => `f${i}.txt`), 'empty.txt', 'nothere.txt', 'big.txt'];
    const got = await Promise.all(names.map((n) => s.readFile(n)));
    expect(got[1]).toBe(big);
    expect(got[2]).toBe('\n\n\n');
    for (let i = 0; i < 50; i++) expect(got[3 + i]).toBe(`file ${i}\n`.repeat(i + 1));
    expect(got[53]).toBe('');
    expect(got[54]).toBeUndefined();
    expect(got[55]).toBe(big);
    // A missing object is a GitStorageError naming git fsck, and the reader keeps working after it.
    const missing = '0'.repeat(40);
    await expect(ctx.objects.blob(missing)).rejects.toThrow(GitStorageError);
    await expect(ctx.objects.blob(missing)).rejects.toThrow(/git fsck/);
    expect(await s.readFile('f3.txt')).toBe('file 3\n'.repeat(4));
    // The preloaded path gives the same files.
    const p = new GitTreeStorage(ctx, head);
    await p.preload();
    expect(await p.readFile('big.txt')).toBe(big);
    expect((await p.listDir('')).length).toBe(53);
  });
});

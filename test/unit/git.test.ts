import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GitIndexStorage,
  GitTreeStorage,
  WorkTreeStorage,
  mergeBase,
  openGit,
  readIndexFile,
  resolveRef,
  writeIndexFile,
} from '../../src/storage/git.js';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
function git(cwd: string, ...a: string[]): string {
  return execFileSync('git', a, { cwd, env: ENV, encoding: 'utf8' }).trim();
}
function write(root: string, rel: string, text: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'llms-git-'));
  git(repo, 'init', '-q', '-b', 'main');
  write(repo, 'reg/llm-schema.yaml', 'compatibility: BACKWARD\n');
  write(repo, 'reg/schemas/a/x/subject.yaml', 'format: json\nversions: []\n');
  write(repo, 'reg/schemas/a/x/1.0.0.json', '{}\n');
  write(repo, 'reg/schemas/b/y/subject.yaml', 'format: json\nversions: []\n');
  write(repo, 'other.txt', 'x\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'one');
  git(repo, 'tag', '-a', 'v1', '-m', 'tag');
  git(repo, 'checkout', '-q', '-b', 'feature');
  write(repo, 'reg/schemas/a/x/1.1.0.json', '{"type":"object"}\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'two');
  git(repo, 'checkout', '-q', 'main');
  write(repo, 'reg/schemas/b/y/1.0.0.json', '{}\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'three');
  git(repo, 'checkout', '-q', 'feature');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('git storage', () => {
  it('opens a registry in a subfolder and resolves refs of every kind', async () => {
    const g = await openGit(path.join(repo, 'reg'));
    expect(g.prefix).toBe('reg');
    expect(await resolveRef(g, 'HEAD')).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(await resolveRef(g, 'main')).toBe(git(repo, 'rev-parse', 'main'));
    expect(await resolveRef(g, 'v1')).toBe(git(repo, 'rev-parse', 'v1^{commit}'));
    expect(await resolveRef(g, 'HEAD~1')).toBe(git(repo, 'rev-parse', 'HEAD~1'));
    const sha = git(repo, 'rev-parse', 'main');
    expect(await resolveRef(g, sha.slice(0, 8))).toBe(sha);
    await expect(resolveRef(g, 'nope')).rejects.toThrow(/unknown git ref 'nope'/);
  });

  it('finds the merge base, not the tip of the other branch', async () => {
    const g = await openGit(repo);
    const base = await mergeBase(g, await resolveRef(g, 'main'), await resolveRef(g, 'HEAD'));
    expect(base).toBe(git(repo, 'merge-base', 'main', 'HEAD'));
    expect(base).not.toBe(git(repo, 'rev-parse', 'main'));
  });

  it('reads files and tree ids at a commit, relative to the registry root', async () => {
    const g = await openGit(path.join(repo, 'reg'));
    const s = new GitTreeStorage(g, await resolveRef(g, 'HEAD'));
    expect(await s.readFile('schemas/a/x/1.1.0.json')).toBe('{"type":"object"}\n');
    expect(await s.readFile('schemas/a/x/9.0.0.json')).toBeUndefined();
    expect((await s.listDir('schemas')).map((e) => e.name).sort()).toEqual(['a', 'b']);
    expect(await s.treeId('schemas/a')).toBe(git(repo, 'rev-parse', 'HEAD:reg/schemas/a'));
  });

  it('computes the same tree ids as git for the index and the working tree', async () => {
    const g = await openGit(path.join(repo, 'reg'));
    write(repo, 'reg/schemas/a/x/2.0.0.json', '{"type":"string"}\n');
    git(repo, 'add', 'reg/schemas/a/x/2.0.0.json');
    write(repo, 'reg/schemas/b/y/subject.yaml', 'format: json\nversions: [] # edited, not staged\n');
    const idx = new GitIndexStorage(g);
    const written = git(repo, 'write-tree', '--prefix=reg/schemas/');
    expect(await idx.treeId('schemas')).toBe(written);
    expect(await idx.readFile('schemas/a/x/2.0.0.json')).toBe('{"type":"string"}\n');
    expect(await idx.readFile('schemas/b/y/subject.yaml')).toBe('format: json\nversions: []\n');
    const wt = new WorkTreeStorage(g);
    expect(await wt.treeId('schemas/a')).toBe(await idx.treeId('schemas/a'));
    expect(await wt.treeId('schemas/b')).not.toBe(await idx.treeId('schemas/b'));
    git(repo, 'add', 'reg');
    expect(await new WorkTreeStorage(g).treeId('schemas')).toBe(git(repo, 'write-tree', '--prefix=reg/schemas/'));
    git(repo, 'commit', '-q', '-m', 'four');
  });

  it('takes index folder ids from the cache tree and still refuses an unresolved conflict', async () => {
    const r = mkdtempSync(path.join(tmpdir(), 'llms-conflict-'));
    try {
      git(r, 'init', '-q', '-b', 'main');
      write(r, 'reg/schemas/a/x/subject.yaml', 'format: json\nversions: []\n');
      write(r, 'reg/notes.txt', 'base\n');
      git(r, 'add', '.');
      git(r, 'commit', '-q', '-m', 'base');
      const g = await openGit(path.join(r, 'reg'));
      expect(await new GitIndexStorage(g).treeId('schemas')).toBe(git(r, 'rev-parse', 'HEAD:reg/schemas'));
      expect(await new GitIndexStorage(g).treeId('schemas/a/x')).toBe(git(r, 'rev-parse', 'HEAD:reg/schemas/a/x'));
      git(r, 'checkout', '-q', '-b', 'other');
      write(r, 'reg/notes.txt', 'other\n');
      git(r, 'commit', '-q', '-am', 'other');
      git(r, 'checkout', '-q', 'main');
      write(r, 'reg/notes.txt', 'main\n');
      git(r, 'commit', '-q', '-am', 'main');
      expect(() => git(r, 'merge', '-q', 'other')).toThrow();
      // The conflict is outside the schemas folder, whose cached id is still valid: refused all the same.
      expect(() => new GitIndexStorage(g)).toThrow(/unresolved merge conflict in reg\/notes\.txt/);
    } finally {
      rmSync(r, { recursive: true, force: true });
    }
  });

  it('rewrites the index so that git reads it back unchanged', () => {
    const file = path.join(repo, '.git', 'index');
    const before = git(repo, 'ls-files', '-s');
    const parsed = readIndexFile(file)!;
    writeIndexFile(file, parsed.entries);
    expect(git(repo, 'ls-files', '-s')).toBe(before);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(readFileSync(file).subarray(0, 4).toString()).toBe('DIRC');
  });

  it('works in a linked worktree', async () => {
    const wt = path.join(repo, '..', path.basename(repo) + '-wt');
    git(repo, 'worktree', 'add', '-q', wt, 'main');
    try {
      const g = await openGit(path.join(wt, 'reg'));
      expect(g.gitdir).not.toBe(g.commondir);
      expect(await resolveRef(g, 'HEAD')).toBe(git(repo, 'rev-parse', 'main'));
      const s = new GitTreeStorage(g, await resolveRef(g, 'HEAD'));
      expect(await s.readFile('schemas/b/y/1.0.0.json')).toBe('{}\n');
      expect(await new GitIndexStorage(g).treeId('schemas')).toBe(git(wt, 'write-tree', '--prefix=reg/schemas/'));
    } finally {
      git(repo, 'worktree', 'remove', '--force', wt);
    }
  });
});

describe('working-tree tree ids (stat data compared with the index, folders listed)', () => {
  let r: string;
  /** Git's own view of the working tree: `git add -A` into a copy of the index, then write-tree. */
  function gitView(): string {
    const tmp = path.join(r, '.git', 'index.test-copy');
    writeFileSync(tmp, readFileSync(path.join(r, '.git', 'index')));
    const env = { ...ENV, GIT_INDEX_FILE: tmp };
    execFileSync('git', ['add', '-A', 'reg'], { cwd: r, env });
    const id = execFileSync('git', ['write-tree', '--prefix=reg/schemas/'], { cwd: r, env, encoding: 'utf8' }).trim();
    rmSync(tmp);
    return id;
  }
  async function ours(): Promise<string | undefined> {
    return new WorkTreeStorage(await openGit(path.join(r, 'reg'))).treeId('schemas');
  }

  beforeAll(() => {
    r = mkdtempSync(path.join(tmpdir(), 'llms-wt-'));
    git(r, 'init', '-q', '-b', 'main');
    write(r, 'reg/llm-schema.yaml', 'compatibility: BACKWARD\n');
    for (const s of ['a/x', 'a/y', 'b/z']) {
      write(r, `reg/schemas/${s}/subject.yaml`, 'format: json\nversions: []\n');
      write(r, `reg/schemas/${s}/1.0.0.json`, '{"n":1}\n');
    }
    git(r, 'add', '.');
    git(r, 'commit', '-q', '-m', 'one');
  });
  afterAll(() => rmSync(r, { recursive: true, force: true }));

  it('takes the ids of a clean tree from the index (cache tree) and matches HEAD', async () => {
    expect(await ours()).toBe(git(r, 'rev-parse', 'HEAD:reg/schemas'));
  });

  it('sees an unstaged edit that keeps the size and the mtime, in a folder nothing else touched', async () => {
    const file = path.join(r, 'reg/schemas/b/z/1.0.0.json');
    const before = (await import('node:fs')).statSync(file);
    writeFileSync(file, '{"n":2}\n');
    (await import('node:fs')).utimesSync(file, before.atime, before.mtime);
    const id = await ours();
    expect(id).not.toBe(git(r, 'rev-parse', 'HEAD:reg/schemas'));
    expect(id).toBe(gitView());
    git(r, 'checkout', '--', 'reg/schemas/b/z/1.0.0.json');
    expect(await ours()).toBe(git(r, 'rev-parse', 'HEAD:reg/schemas'));
  });

  it('sees an untracked version file even when the index was written after it', async () => {
    write(r, 'reg/schemas/a/y/2.0.0.json', '{"n":3}\n');
    // Something else is staged afterwards: the index is now newer than the folder holding the new file.
    await new Promise((res) => setTimeout(res, 20));
    write(r, 'other.txt', 'x\n');
    git(r, 'add', 'other.txt');
    const id = await ours();
    expect(id).not.toBe(git(r, 'rev-parse', 'HEAD:reg/schemas'));
    expect(id).toBe(gitView());
    rmSync(path.join(r, 'reg/schemas/a/y/2.0.0.json'));
    expect(await ours()).toBe(git(r, 'rev-parse', 'HEAD:reg/schemas'));
  });

  it('gives file ids from the index when the file is unchanged, else from its content', async () => {
    const rel = 'reg/schemas/a/x/subject.yaml';
    const fresh = async () => new WorkTreeStorage(await openGit(path.join(r, 'reg')));
    expect(await (await fresh()).fileId('schemas/a/x/subject.yaml')).toBe(git(r, 'rev-parse', `:${rel}`));
    write(r, rel, 'format: json\nversions: [] # edited\n');
    expect(await (await fresh()).fileId('schemas/a/x/subject.yaml')).toBe(git(r, 'hash-object', rel));
    // The same answer through a pass over the folder (tree ids asked first).
    const s = await fresh();
    await s.treeId('schemas');
    expect(await s.fileId('schemas/a/x/subject.yaml')).toBe(git(r, 'hash-object', rel));
    expect(await s.fileId('schemas/a/x/nope.json')).toBeUndefined();
    git(r, 'checkout', '--', rel);
  });

  it('matches git after deletions, a new folder, a mode change and a file turned folder', async () => {
    rmSync(path.join(r, 'reg/schemas/a/x/1.0.0.json'));
    write(r, 'reg/schemas/c/new/1.0.0.json', '{}\n');
    (await import('node:fs')).chmodSync(path.join(r, 'reg/schemas/b/z/1.0.0.json'), 0o755);
    rmSync(path.join(r, 'reg/schemas/a/y/subject.yaml'));
    write(r, 'reg/schemas/a/y/subject.yaml/inner.txt', 'x\n');
    expect(await ours()).toBe(gitView());
    git(r, 'add', '-A', 'reg');
    expect(await ours()).toBe(git(r, 'write-tree', '--prefix=reg/schemas/'));
  });
});

describe('objects read directly (loose and packed, deltas applied)', () => {
  let r: string;
  beforeAll(() => {
    r = mkdtempSync(path.join(tmpdir(), 'llms-pack-'));
    git(r, 'init', '-q', '-b', 'main');
    // A file growing commit by commit: packed, later versions are deltas of earlier ones.
    let text = '';
    for (let i = 0; i < 12; i++) {
      text += `{"field${i}": ${'x'.repeat(40)} ${i}}\n`;
      write(r, 'reg/schemas/a/x/1.0.0.json', text);
      write(r, '.hidden', `dot ${i}\n`);
      git(r, 'add', '.');
      git(r, 'commit', '-q', '-m', `c${i}`);
    }
    // Criss-cross merges: two merge bases.
    git(r, 'checkout', '-q', '-b', 'side', 'HEAD~3');
    write(r, 'side.txt', '1\n');
    git(r, 'add', '.');
    git(r, 'commit', '-q', '-m', 's1');
    git(r, 'checkout', '-q', 'main');
    git(r, 'merge', '-q', '--no-edit', 'side');
    git(r, 'checkout', '-q', 'side');
    git(r, 'merge', '-q', '--no-edit', 'main~1');
    write(r, 'side2.txt', '2\n');
    git(r, 'add', '.');
    git(r, 'commit', '-q', '-m', 's2');
    git(r, 'checkout', '-q', 'main');
    write(r, 'main2.txt', '2\n');
    git(r, 'add', '.');
    git(r, 'commit', '-q', '-m', 'm2');
    git(r, 'gc', '-q', '--aggressive');
  });
  afterAll(() => rmSync(r, { recursive: true, force: true }));

  it('reads every version of a deltified file as git does', async () => {
    expect(git(r, 'count-objects', '-v')).toMatch(/^count: 0$/m); // all packed
    const g = await openGit(path.join(r, 'reg'));
    for (let i = 0; i < 12; i++) {
      const commit = git(r, 'rev-parse', `main~${i + 1}^{commit}`).trim();
      const s = new GitTreeStorage(g, commit);
      const expected = git(r, 'show', `${commit}:reg/schemas/a/x/1.0.0.json`);
      expect((await s.readFile('schemas/a/x/1.0.0.json'))?.trim()).toBe(expected);
      expect(await s.treeId('schemas/a')).toBe(git(r, 'rev-parse', `${commit}:reg/schemas/a`));
    }
    const top = new GitTreeStorage(await openGit(r), await resolveRef(await openGit(r), 'HEAD'));
    expect(await top.readFile('.hidden')).toBe('dot 11\n');
  });

  it('keeps reading with one context after a commit and a repack (a long-running server)', async () => {
    const g = await openGit(path.join(r, 'reg'));
    const before = new GitTreeStorage(g, await resolveRef(g, 'main'));
    expect(await before.readFile('schemas/a/x/1.0.0.json')).toContain('field11');
    write(r, 'reg/schemas/a/x/1.0.0.json', '{"after": "repack"}\n');
    git(r, 'commit', '-q', '-am', 'after');
    git(r, 'gc', '-q', '--prune=now');
    const after = new GitTreeStorage(g, await resolveRef(g, 'main'));
    expect(await after.readFile('schemas/a/x/1.0.0.json')).toBe('{"after": "repack"}\n');
    expect(await new GitTreeStorage(g, await resolveRef(g, 'main~1')).readFile('schemas/a/x/1.0.0.json')).toContain('field11');
  });

  it('finds one of the merge bases git finds, in a criss-cross history', async () => {
    const g = await openGit(r);
    const all = git(r, 'merge-base', '--all', 'main', 'side').split('\n');
    expect(all.length).toBe(2);
    expect(all).toContain(await mergeBase(g, await resolveRef(g, 'main'), await resolveRef(g, 'side')));
    expect(await mergeBase(g, await resolveRef(g, 'main~4'), await resolveRef(g, 'main'))).toBe(git(r, 'rev-parse', 'main~4'));
  });
});

/**
 * The registry as git holds it: at a commit (GitTreeStorage), in the index (GitIndexStorage) and in the
 * working tree with git tree ids (WorkTreeStorage). Objects are read with isomorphic-git (no git binary),
 * through ONE cache per repository, and only where something changed: every storage gives tree ids for
 * folders, so a reader compares ids and descends only into folders whose id differs.
 *
 * Worktrees (.git is a file), linked worktrees' common dir, and registries in a subfolder are supported.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import type { RegistryStorage } from './types.js';

type Git = typeof import('isomorphic-git');
let gitModule: Promise<Git> | undefined;
/** isomorphic-git, loaded on first use (it is heavy). */
export function loadGit(): Promise<Git> {
  // Under Node the package resolves to its CommonJS build; require() loads it without the ESM loader's
  // export scan of a 580 kB file (about 60 ms of cold start).
  if (!gitModule) gitModule = Promise.resolve().then(() => createRequire(import.meta.url)('isomorphic-git') as Git);
  return gitModule;
}

export interface GitContext {
  /** The work tree top. */
  dir: string;
  /** The repository's git dir for this work tree (HEAD, index): `.git`, or `.git/worktrees/<name>` in a linked worktree. */
  gitdir: string;
  /** Where objects and shared refs live (equal to gitdir except in a linked worktree). */
  commondir: string;
  /** The registry root relative to the work tree top: '' or 'a/b' (POSIX). */
  prefix: string;
  /** The shared isomorphic-git cache (pack indexes); pass it to every isomorphic-git call. */
  cache: object;
  /** True when the repository is a shallow clone. */
  shallow: boolean;
}

/** Find the git repository holding the registry root. InputError when there is none. */
export async function openGit(registryRoot: string): Promise<GitContext> {
  let root: string;
  try {
    root = fs.realpathSync(path.resolve(registryRoot));
  } catch {
    throw new InputError('no such folder', { file: registryRoot });
  }
  let dir = root;
  while (true) {
    const dotgit = path.join(dir, '.git');
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(dotgit);
    } catch {
      st = undefined;
    }
    if (st) {
      let gitdir = dotgit;
      if (st.isFile()) {
        const text = fs.readFileSync(dotgit, 'utf8');
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
        if (!m) throw new InputError("'.git' is a file without a 'gitdir:' line", { file: dotgit });
        gitdir = path.resolve(dir, m[1]);
      }
      let commondir = gitdir;
      try {
        const c = fs.readFileSync(path.join(gitdir, 'commondir'), 'utf8').trim();
        if (c) commondir = path.resolve(gitdir, c);
      } catch {
        /* not a linked worktree */
      }
      const prefix = path.relative(dir, root).split(path.sep).join('/');
      return { dir, gitdir, commondir, prefix, cache: {}, shallow: fs.existsSync(path.join(commondir, 'shallow')) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new InputError(`not inside a git repository (check --against, --staged, --head, log and --commit need git)`, { file: registryRoot });
}

function args(git: GitContext): { fs: typeof fs; dir: string; gitdir: string; cache: object } {
  return { fs, dir: git.dir, gitdir: git.commondir, cache: git.cache };
}

/** Read a (possibly symbolic) ref file in one git dir; undefined when absent. */
function readRefFile(gitdir: string, ref: string): string | undefined {
  try {
    return fs.readFileSync(path.join(gitdir, ref), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The name of the remote a ref like 'origin/main' names, when it is a configured remote. */
function remoteOf(git: GitContext, ref: string): { remote: string; branch: string } | undefined {
  const m = /^(?:refs\/remotes\/)?([^/]+)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  let config = '';
  try {
    config = fs.readFileSync(path.join(git.commondir, 'config'), 'utf8');
  } catch {
    /* none */
  }
  if (!config.includes(`[remote "${m[1]}"]`)) return undefined;
  return { remote: m[1], branch: m[2] };
}

/** The git command that makes a missing ref or history available in a shallow or partial clone. */
export function fetchHint(git: GitContext, ref: string): string {
  const r = remoteOf(git, ref);
  const unshallow = git.shallow ? ' --unshallow' : '';
  if (r) return `git fetch${unshallow} ${r.remote} +refs/heads/${r.branch}:refs/remotes/${r.remote}/${r.branch}`;
  return git.shallow ? `git fetch --unshallow origin` : `git fetch origin ${ref}`;
}

/**
 * The commit id a ref names: a branch, a remote branch (origin/main), a tag (annotated tags are peeled),
 * HEAD, a short or full sha, each optionally followed by ~N or ^ suffixes.
 */
export async function resolveRef(git: GitContext, ref: string): Promise<string> {
  const g = await loadGit();
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(ref)!;
  const base = m[1] || 'HEAD';
  let oid = await resolveBase(git, g, base, ref);
  for (const step of m[2].match(/[~^]\d*/g) ?? []) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (step[0] === '~') {
      for (let i = 0; i < n; i++) oid = await parentOf(git, g, oid, 0, ref);
    } else if (n > 0) {
      oid = await parentOf(git, g, oid, n - 1, ref);
    }
  }
  return oid;
}

async function parentOf(git: GitContext, g: Git, oid: string, index: number, ref: string): Promise<string> {
  const c = await readCommitSafe(git, g, oid, ref);
  const p = c.parent[index];
  if (!p) {
    if (git.shallow) throw new InputError(`'${ref}' goes past the history of this shallow clone: run '${fetchHint(git, ref)}'`);
    throw new InputError(`'${ref}' names no commit: ${oid.slice(0, 12)} has no such parent`);
  }
  return p;
}

async function readCommitSafe(git: GitContext, g: Git, oid: string, ref: string) {
  try {
    return (await g.readCommit({ ...args(git), oid })).commit;
  } catch {
    if (git.shallow) throw new InputError(`commit ${oid.slice(0, 12)} (from '${ref}') is not in this shallow clone: run '${fetchHint(git, ref)}'`);
    throw new InputError(`'${ref}' does not name a commit in this repository`);
  }
}

async function peel(git: GitContext, g: Git, oid: string, ref: string): Promise<string> {
  for (let i = 0; i < 10; i++) {
    let obj;
    try {
      obj = await g.readObject({ ...args(git), oid, format: 'parsed' });
    } catch {
      if (git.shallow) throw new InputError(`'${ref}' points to ${oid.slice(0, 12)}, which this shallow clone lacks: run '${fetchHint(git, ref)}'`);
      throw new InputError(`'${ref}' points to ${oid.slice(0, 12)}, which is not in this repository`);
    }
    if (obj.type === 'commit') return oid;
    if (obj.type === 'tag') {
      oid = (obj.object as { object: string }).object;
      continue;
    }
    throw new InputError(`'${ref}' names a ${obj.type}, not a commit`);
  }
  throw new InputError(`'${ref}': too many nested tags`);
}

async function resolveBase(git: GitContext, g: Git, ref: string, whole: string): Promise<string> {
  if (ref === 'HEAD' || ref === '@') {
    // HEAD is per work tree: read it from this work tree's gitdir.
    let head = readRefFile(git.gitdir, 'HEAD');
    for (let i = 0; head && head.startsWith('ref:') && i < 5; i++) {
      const target = head.slice(4).trim();
      head = readRefFile(git.gitdir, target) ?? readRefFile(git.commondir, target) ?? (await packedRef(git, target));
      if (head === undefined) throw new InputError(`HEAD points to '${target}', which has no commits yet`);
    }
    if (!head || !/^[0-9a-f]{40}$/.test(head)) throw new InputError('HEAD does not name a commit');
    return head;
  }
  if (/^[0-9a-f]{40}$/i.test(ref)) return peel(git, g, ref.toLowerCase(), whole);
  // A named ref first (a branch named like hex still wins, as in git), then an abbreviated sha.
  try {
    const oid = await g.resolveRef({ fs, dir: git.dir, gitdir: git.commondir, ref });
    return peel(git, g, oid, whole);
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
  if (/^[0-9a-f]{4,39}$/i.test(ref)) {
    try {
      const oid = await g.expandOid({ ...args(git), oid: ref.toLowerCase() });
      return peel(git, g, oid, whole);
    } catch (err) {
      if (err instanceof InputError) throw err;
    }
  }
  const hint = remoteOf(git, ref) || git.shallow ? `; run '${fetchHint(git, ref)}' to fetch it` : '';
  throw new InputError(`unknown git ref '${whole}': no branch, tag, remote branch or commit by that name${hint}`);
}

async function packedRef(git: GitContext, ref: string): Promise<string | undefined> {
  try {
    const text = fs.readFileSync(path.join(git.commondir, 'packed-refs'), 'utf8');
    for (const line of text.split('\n')) {
      const [oid, name] = line.split(' ');
      if (name === ref && /^[0-9a-f]{40}$/.test(oid)) return oid;
    }
  } catch {
    /* none */
  }
  return undefined;
}

/** The merge base of two commits (the best common ancestor), or undefined when they share no history. */
export async function mergeBase(git: GitContext, a: string, b: string): Promise<string | undefined> {
  if (a === b) return a;
  const g = await loadGit();
  try {
    const bases = await g.findMergeBase({ ...args(git), oids: [a, b] });
    return bases[0];
  } catch (err) {
    if (git.shallow) return undefined;
    throw new InputError(`cannot find the merge base of ${a.slice(0, 12)} and ${b.slice(0, 12)}: ${(err as Error).message}`);
  }
}

/** Read a commit's metadata. */
export async function readCommit(git: GitContext, oid: string) {
  const g = await loadGit();
  return (await g.readCommit({ ...args(git), oid })).commit;
}

// ---------------------------------------------------------------------------------------------------
// Tree ids: the git object id of a folder, computed for the index and the working tree the way git does,
// so that they compare equal to the ids of the commit trees.

export interface TreeEntryLike {
  name: string;
  mode: string;
  oid: string;
  isDir: boolean;
}

/** The git id of a tree object holding these entries (git's order: folders sort as 'name/'). */
export function hashTree(entries: TreeEntryLike[]): string {
  const sorted = [...entries].sort((a, b) => {
    const ka = a.isDir ? a.name + '/' : a.name;
    const kb = b.isDir ? b.name + '/' : b.name;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const parts: Buffer[] = [];
  for (const e of sorted) {
    parts.push(Buffer.from(`${e.isDir ? '40000' : e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
  }
  const body = Buffer.concat(parts);
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/** The git id of a blob with this content. */
export function hashBlob(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function joinPath(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return `${a}/${b}`;
}

function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------------
// A commit.

interface TreeItem {
  mode: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

/** The registry at a commit. Paths are relative to the registry root. */
export class GitTreeStorage implements RegistryStorage {
  readonly label: string;
  private readonly trees = new Map<string, Promise<Map<string, TreeItem> | undefined>>();

  constructor(readonly git: GitContext, readonly commit: string, label?: string) {
    this.label = label ?? commit.slice(0, 12);
  }

  /** The entries of a folder relative to the work tree top ('' is the top). */
  private tree(full: string): Promise<Map<string, TreeItem> | undefined> {
    let p = this.trees.get(full);
    if (!p) {
      p = this.loadTree(full);
      this.trees.set(full, p);
    }
    return p;
  }

  private async loadTree(full: string): Promise<Map<string, TreeItem> | undefined> {
    const g = await loadGit();
    let oid: string;
    if (full === '') {
      const c = await g.readCommit({ ...args(this.git), oid: this.commit });
      oid = c.commit.tree;
    } else {
      const slash = full.lastIndexOf('/');
      const parent = await this.tree(slash === -1 ? '' : full.slice(0, slash));
      const item = parent?.get(full.slice(slash + 1));
      if (!item || item.type !== 'tree') return undefined;
      oid = item.oid;
    }
    const t = await g.readTree({ ...args(this.git), oid });
    const out = new Map<string, TreeItem>();
    for (const e of t.tree) out.set(e.path, { mode: e.mode, oid: e.oid, type: e.type });
    return out;
  }

  private async item(p: string): Promise<TreeItem | undefined> {
    const full = joinPath(this.git.prefix, normalize(p));
    if (full === '') return undefined;
    const slash = full.lastIndexOf('/');
    const parent = await this.tree(slash === -1 ? '' : full.slice(0, slash));
    return parent?.get(full.slice(slash + 1));
  }

  async readFile(p: string): Promise<string | undefined> {
    const item = await this.item(p);
    if (!item || item.type !== 'blob') return undefined;
    const g = await loadGit();
    const { blob } = await g.readBlob({ ...args(this.git), oid: item.oid });
    return Buffer.from(blob).toString('utf8');
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    const t = await this.tree(joinPath(this.git.prefix, normalize(p)));
    if (!t) return [];
    return [...t].map(([name, e]) => ({ name, isDir: e.type === 'tree' }));
  }

  async treeId(p: string): Promise<string | undefined> {
    const n = normalize(p);
    if (n === '' && this.git.prefix === '') {
      const g = await loadGit();
      return (await g.readCommit({ ...args(this.git), oid: this.commit })).commit.tree;
    }
    const item = await this.item(n);
    return item?.type === 'tree' ? item.oid : undefined;
  }

  /** The blob id of a file, without reading it. */
  async fileId(p: string): Promise<string | undefined> {
    const item = await this.item(p);
    return item?.type === 'blob' ? item.oid : undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// The index.

export interface IndexEntry {
  path: string;
  oid: string;
  mode: number;
  ctimeS: number;
  ctimeNs: number;
  mtimeS: number;
  mtimeNs: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
  size: number;
  /** The 16-bit flags word (stage in bits 12-13, assume-valid in bit 15). */
  flags: number;
  /** Extended flags (index v3+), 0 when none. */
  extended: number;
}

export interface ParsedIndex {
  version: number;
  entries: IndexEntry[];
  /** Extensions by signature, raw. */
  extensions: Array<{ signature: string; data: Buffer }>;
  /** mtime of the index file in ms (for racy-clean detection). */
  mtimeMs: number;
}

/** The index file git uses now: $GIT_INDEX_FILE (set by git for hooks during 'commit -a' or 'commit <paths>'), else <gitdir>/index. */
export function indexPath(git: GitContext): string {
  const env = process.env.GIT_INDEX_FILE;
  return env ? path.resolve(git.dir, env) : path.join(git.gitdir, 'index');
}

/** Parse a git index file (versions 2, 3 and 4). Undefined when there is no index yet. */
export function readIndexFile(file: string): ParsedIndex | undefined {
  let buf: Buffer;
  let mtimeMs = 0;
  try {
    buf = fs.readFileSync(file);
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') throw new InputError('not a git index file', { file });
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) throw new InputError(`unsupported git index version ${version}`, { file });
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let off = 12;
  let prev = '';
  for (let i = 0; i < count; i++) {
    const start = off;
    const e: IndexEntry = {
      path: '',
      ctimeS: buf.readUInt32BE(off),
      ctimeNs: buf.readUInt32BE(off + 4),
      mtimeS: buf.readUInt32BE(off + 8),
      mtimeNs: buf.readUInt32BE(off + 12),
      dev: buf.readUInt32BE(off + 16),
      ino: buf.readUInt32BE(off + 20),
      mode: buf.readUInt32BE(off + 24),
      uid: buf.readUInt32BE(off + 28),
      gid: buf.readUInt32BE(off + 32),
      size: buf.readUInt32BE(off + 36),
      oid: buf.toString('hex', off + 40, off + 60),
      flags: buf.readUInt16BE(off + 60),
      extended: 0,
    };
    off += 62;
    if (version >= 3 && e.flags & 0x4000) {
      e.extended = buf.readUInt16BE(off);
      off += 2;
    }
    if (version === 4) {
      // Path compression: a varint N (bytes to drop from the previous path), then the NUL-terminated suffix.
      let b = buf[off++];
      let n = b & 0x7f;
      while (b & 0x80) {
        b = buf[off++];
        n = ((n + 1) << 7) | (b & 0x7f);
      }
      const end = buf.indexOf(0, off);
      e.path = prev.slice(0, prev.length - n) + buf.toString('utf8', off, end);
      off = end + 1;
    } else {
      const end = buf.indexOf(0, off);
      e.path = buf.toString('utf8', off, end);
      off = end + 1;
      // Entries are padded with NULs to a multiple of 8 bytes.
      const len = off - start;
      off = start + Math.ceil(len / 8) * 8;
    }
    prev = e.path;
    entries.push(e);
  }
  const extensions: Array<{ signature: string; data: Buffer }> = [];
  while (off + 8 <= buf.length - 20) {
    const signature = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32BE(off + 4);
    extensions.push({ signature, data: buf.subarray(off + 8, off + 8 + size) });
    off += 8 + size;
  }
  return { version, entries, extensions, mtimeMs };
}

/** Write a git index file (version 2, or 3 when an entry has extended flags), atomically. */
export function writeIndexFile(file: string, entries: IndexEntry[], extensions: Array<{ signature: string; data: Buffer }> = []): void {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : ((a.flags >> 12) & 3) - ((b.flags >> 12) & 3)));
  const version = sorted.some((e) => e.extended) ? 3 : 2;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.write('DIRC', 0, 'latin1');
  header.writeUInt32BE(version, 4);
  header.writeUInt32BE(sorted.length, 8);
  parts.push(header);
  for (const e of sorted) {
    const p = Buffer.from(e.path, 'utf8');
    const ext = e.extended ? 2 : 0;
    const len = 62 + ext + p.length + 1;
    const padded = Math.ceil(len / 8) * 8;
    const b = Buffer.alloc(padded);
    const u32 = (v: number, at: number) => b.writeUInt32BE(v >>> 0 & 0xffffffff, at);
    u32(e.ctimeS, 0);
    u32(e.ctimeNs, 4);
    u32(e.mtimeS, 8);
    u32(e.mtimeNs, 12);
    u32(e.dev, 16);
    u32(e.ino, 20);
    u32(e.mode, 24);
    u32(e.uid, 28);
    u32(e.gid, 32);
    u32(e.size, 36);
    b.write(e.oid, 40, 'hex');
    let flags = (e.flags & 0xf000) | Math.min(p.length, 0xfff);
    if (e.extended) flags |= 0x4000;
    else flags &= ~0x4000;
    b.writeUInt16BE(flags, 60);
    if (e.extended) b.writeUInt16BE(e.extended, 62);
    p.copy(b, 62 + ext);
    parts.push(b);
  }
  for (const x of extensions) {
    const h = Buffer.alloc(8);
    h.write(x.signature, 0, 'latin1');
    h.writeUInt32BE(x.data.length, 4);
    parts.push(h, x.data);
  }
  const body = Buffer.concat(parts);
  const sum = createHash('sha1').update(body).digest();
  const tmp = `${file}.llm-schema-${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([body, sum]));
  fs.renameSync(tmp, file);
}

interface DirNode {
  files: Map<string, { oid: string; mode: string }>;
  dirs: Map<string, DirNode>;
  id?: string;
}

function newDir(): DirNode {
  return { files: new Map(), dirs: new Map() };
}

function modeString(mode: number): string {
  return mode.toString(8).padStart(6, '0').replace(/^0+/, '') || '0';
}

function treeIdOf(node: DirNode): string | undefined {
  if (node.id !== undefined) return node.id || undefined;
  const entries: TreeEntryLike[] = [];
  for (const [name, f] of node.files) entries.push({ name, mode: f.mode, oid: f.oid, isDir: false });
  for (const [name, d] of node.dirs) {
    const id = treeIdOf(d);
    if (id) entries.push({ name, mode: '40000', oid: id, isDir: true });
  }
  node.id = entries.length ? hashTree(entries) : '';
  return node.id || undefined;
}

/** The registry as staged in the index. */
export class GitIndexStorage implements RegistryStorage {
  readonly label = 'index';
  private readonly root: DirNode;

  constructor(readonly git: GitContext, index?: ParsedIndex) {
    const parsed = index ?? readIndexFile(indexPath(git));
    this.root = newDir();
    const prefix = git.prefix ? git.prefix + '/' : '';
    for (const e of parsed?.entries ?? []) {
      if (prefix && !e.path.startsWith(prefix)) continue;
      const stage = (e.flags >> 12) & 3;
      if (stage !== 0) {
        throw new InputError(`the index has an unresolved merge conflict in ${e.path}: resolve it and 'git add' it first`);
      }
      const rel = e.path.slice(prefix.length);
      const parts = rel.split('/');
      let node = this.root;
      for (let i = 0; i < parts.length - 1; i++) {
        let next = node.dirs.get(parts[i]);
        if (!next) {
          next = newDir();
          node.dirs.set(parts[i], next);
        }
        node = next;
      }
      node.files.set(parts[parts.length - 1], { oid: e.oid, mode: modeString(e.mode) });
    }
  }

  private node(p: string): DirNode | undefined {
    const n = normalize(p);
    if (n === '') return this.root;
    let node: DirNode | undefined = this.root;
    for (const part of n.split('/')) {
      node = node.dirs.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  private file(p: string): { oid: string; mode: string } | undefined {
    const n = normalize(p);
    const slash = n.lastIndexOf('/');
    return this.node(slash === -1 ? '' : n.slice(0, slash))?.files.get(n.slice(slash + 1));
  }

  async readFile(p: string): Promise<string | undefined> {
    const f = this.file(p);
    if (!f) return undefined;
    const g = await loadGit();
    const { blob } = await g.readBlob({ ...args(this.git), oid: f.oid });
    return Buffer.from(blob).toString('utf8');
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    const node = this.node(p);
    if (!node) return [];
    return [...[...node.files.keys()].map((name) => ({ name, isDir: false })), ...[...node.dirs.keys()].map((name) => ({ name, isDir: true }))];
  }

  async treeId(p: string): Promise<string | undefined> {
    const node = this.node(p);
    return node ? treeIdOf(node) : undefined;
  }

  async fileId(p: string): Promise<string | undefined> {
    return this.file(p)?.oid;
  }
}

// ---------------------------------------------------------------------------------------------------
// The working tree, with tree ids: a file whose stat matches its index entry takes the staged blob id
// (as `git status` does); other files are hashed. Ignored and untracked files count, so an id may differ
// from git's where git would ignore a file: that only costs a closer look, never a missed change.

export class WorkTreeStorage implements RegistryStorage {
  readonly label = 'working tree';
  private readonly index: Map<string, IndexEntry>;
  private readonly indexMtimeMs: number;
  private readonly ids = new Map<string, string | undefined>();
  /** The registry root on disk. */
  readonly root: string;

  constructor(readonly git: GitContext, index?: ParsedIndex) {
    const parsed = index ?? readIndexFile(indexPath(git));
    this.index = new Map();
    for (const e of parsed?.entries ?? []) if (((e.flags >> 12) & 3) === 0) this.index.set(e.path, e);
    this.indexMtimeMs = parsed?.mtimeMs ?? 0;
    this.root = path.join(git.dir, ...(git.prefix ? git.prefix.split('/') : []));
  }

  async readFile(p: string): Promise<string | undefined> {
    try {
      return fs.readFileSync(path.join(this.root, normalize(p)), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
      throw err;
    }
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    try {
      return fs.readdirSync(path.join(this.root, normalize(p)), { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    }
  }

  async treeId(p: string): Promise<string | undefined> {
    return this.dirId(normalize(p));
  }

  async fileId(p: string): Promise<string | undefined> {
    const rel = normalize(p);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(this.root, rel));
    } catch {
      return undefined;
    }
    return st.isFile() || st.isSymbolicLink() ? this.blobId(rel, st).oid : undefined;
  }

  private blobId(rel: string, st: fs.Stats): { oid: string; mode: string } {
    const full = joinPath(this.git.prefix, rel);
    const e = this.index.get(full);
    const abs = path.join(this.root, rel);
    const mode = st.isSymbolicLink() ? '120000' : st.mode & 0o100 ? '100755' : '100644';
    if (e) {
      const mtimeS = Math.floor(st.mtimeMs / 1000);
      const same =
        e.size === (st.size >>> 0) &&
        e.mtimeS === mtimeS &&
        e.ino === (st.ino >>> 0) &&
        (e.mtimeNs === 0 || Math.abs(e.mtimeNs / 1e6 - (st.mtimeMs - mtimeS * 1000)) < 1) &&
        st.mtimeMs < this.indexMtimeMs; // racily clean entries are hashed
      if (same) return { oid: e.oid, mode: modeString(e.mode) };
    }
    const content = st.isSymbolicLink() ? Buffer.from(fs.readlinkSync(abs)) : fs.readFileSync(abs);
    return { oid: hashBlob(content), mode };
  }

  private dirId(rel: string): string | undefined {
    if (this.ids.has(rel)) return this.ids.get(rel);
    const abs = path.join(this.root, rel);
    const node = this.indexTree(rel);
    let id: string | undefined;
    // A folder untouched since the index was written (its mtime predates the index: no entry was added,
    // removed or renamed in it since) is read from the index: only its tracked files are stat'ed. Others are
    // listed. Like 'git diff', this does not see untracked files that predate the index in untouched folders.
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(abs);
    } catch {
      st = undefined;
    }
    if (!st || !st.isDirectory()) id = undefined;
    else if (node && st.mtimeMs < this.indexMtimeMs) id = this.fromIndex(rel, node);
    else id = this.fromListing(rel);
    this.ids.set(rel, id);
    return id;
  }

  private indexRoot?: Map<string, { files: Map<string, IndexEntry>; dirs: Set<string> }>;

  /** The index entries of a folder (files by name, subfolder names), from an index grouped once. */
  private indexTree(rel: string): { files: Map<string, IndexEntry>; dirs: Set<string> } | undefined {
    if (!this.indexRoot) {
      const groups = new Map<string, { files: Map<string, IndexEntry>; dirs: Set<string> }>();
      const prefix = this.git.prefix ? this.git.prefix + '/' : '';
      const group = (d: string) => {
        let g = groups.get(d);
        if (!g) {
          g = { files: new Map(), dirs: new Set() };
          groups.set(d, g);
        }
        return g;
      };
      for (const [full, e] of this.index) {
        if (prefix && !full.startsWith(prefix)) continue;
        const r = full.slice(prefix.length);
        const slash = r.lastIndexOf('/');
        const d = slash === -1 ? '' : r.slice(0, slash);
        group(d).files.set(r.slice(slash + 1), e);
        // Register the folder chain.
        let child = d;
        while (child) {
          const cs = child.lastIndexOf('/');
          const parent = cs === -1 ? '' : child.slice(0, cs);
          const g = group(parent);
          const name = child.slice(cs + 1);
          if (g.dirs.has(name)) break;
          g.dirs.add(name);
          child = parent;
        }
      }
      this.indexRoot = groups;
    }
    return this.indexRoot.get(rel);
  }

  private fromIndex(rel: string, node: { files: Map<string, IndexEntry>; dirs: Set<string> }): string | undefined {
    const entries: TreeEntryLike[] = [];
    for (const name of node.files.keys()) {
      const childRel = joinPath(rel, name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join(this.root, childRel));
      } catch {
        continue; // deleted
      }
      if (st.isDirectory()) {
        const id = this.dirId(childRel);
        if (id) entries.push({ name, mode: '40000', oid: id, isDir: true });
        continue;
      }
      const b = this.blobId(childRel, st);
      entries.push({ name, mode: b.mode, oid: b.oid, isDir: false });
    }
    for (const name of node.dirs) {
      if (node.files.has(name)) continue;
      const id = this.dirId(joinPath(rel, name));
      if (id) entries.push({ name, mode: '40000', oid: id, isDir: true });
    }
    return entries.length ? hashTree(entries) : undefined;
  }

  private fromListing(rel: string): string | undefined {
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(path.join(this.root, rel), { withFileTypes: true });
    } catch {
      return undefined;
    }
    const entries: TreeEntryLike[] = [];
    for (const d of dirents) {
      if (d.name === '.git') continue;
      const childRel = joinPath(rel, d.name);
      if (d.isDirectory()) {
        const id = this.dirId(childRel);
        if (id) entries.push({ name: d.name, mode: '40000', oid: id, isDir: true });
      } else if (d.isFile() || d.isSymbolicLink()) {
        const st = fs.lstatSync(path.join(this.root, childRel));
        const b = this.blobId(childRel, st);
        entries.push({ name: d.name, mode: b.mode, oid: b.oid, isDir: false });
      }
    }
    return entries.length ? hashTree(entries) : undefined;
  }
}

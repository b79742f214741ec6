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
import * as zlib from 'node:zlib';
import { InputError } from '../core/errors.js';
import type { RegistryStorage } from './types.js';
import { assertInsideSync, LinkEscapeError } from './fs.js';

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
  const c = commitDirect(git, oid) ?? (await readCommitSafe(git, g, oid, ref));
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
    const direct = readDirect(git, oid);
    if (direct?.type === 'commit') return oid;
    if (direct?.type === 'tag') {
      const m = /^object ([0-9a-f]{40})$/m.exec(direct.data.toString('utf8', 0, Math.min(direct.data.length, 200)));
      if (m) {
        oid = m[1];
        continue;
      }
    }
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

// ---------------------------------------------------------------------------------------------------
// Objects, read directly: a loose object is one file; a packed one is found by binary search in its
// pack's .idx and read from the .pack at its offset (deltas applied). Nothing is read or parsed for the
// objects not asked for, so a read costs the same in a 10-object and a 100,000-object repository.
// (isomorphic-git parses every pack index in full and loads whole pack files on first use.) Anything this
// reader does not handle (another hash, an unknown index version) falls back to isomorphic-git.

interface GitObject {
  type: 'commit' | 'tree' | 'blob' | 'tag';
  data: Buffer;
}

const OBJ_TYPES = ['', 'commit', 'tree', 'blob', 'tag', '', 'ofs-delta', 'ref-delta'] as const;

interface PackFile {
  idx: Buffer;
  version: 1 | 2;
  count: number;
  packPath: string;
  fd?: number;
  /** Objects at pack offsets, kept for delta chains that share a base. */
  byOffset: Map<number, GitObject>;
}

class ObjectStore {
  private packs?: PackFile[];
  private dirs?: string[];
  private readonly memo = new Map<string, GitObject>();

  constructor(private readonly commondir: string) {}

  /** The objects folder and its alternates. */
  private objectDirs(): string[] {
    if (!this.dirs) {
      const main = path.join(this.commondir, 'objects');
      const dirs = [main];
      try {
        for (const line of fs.readFileSync(path.join(main, 'info', 'alternates'), 'utf8').split('\n')) {
          const d = line.trim();
          if (d && !d.startsWith('#')) dirs.push(path.resolve(main, d));
        }
      } catch {
        /* none */
      }
      this.dirs = dirs;
    }
    return this.dirs;
  }

  private packList(refresh = false): PackFile[] {
    if (!this.packs || refresh) {
      const known = new Map((this.packs ?? []).map((p) => [p.packPath, p]));
      const packs: PackFile[] = [];
      for (const dir of this.objectDirs()) {
        let names: string[] = [];
        try {
          names = fs.readdirSync(path.join(dir, 'pack'));
        } catch {
          continue;
        }
        for (const name of names) {
          if (!name.endsWith('.idx')) continue;
          const packPath = path.join(dir, 'pack', name.slice(0, -4) + '.pack');
          const old = known.get(packPath);
          if (old) {
            packs.push(old);
            continue;
          }
          try {
            const idx = fs.readFileSync(path.join(dir, 'pack', name));
            const v2 = idx.readUInt32BE(0) === 0xff744f63;
            if (v2 && idx.readUInt32BE(4) !== 2) continue;
            const fan = v2 ? 8 : 0;
            packs.push({ idx, version: v2 ? 2 : 1, count: idx.readUInt32BE(fan + 255 * 4), packPath, byOffset: new Map() });
          } catch {
            /* unreadable: isomorphic-git may still find the object */
          }
        }
      }
      this.packs = packs;
    }
    return this.packs;
  }

  /** An object by id, or undefined when this reader cannot find it. */
  read(oid: string): GitObject | undefined {
    const known = this.memo.get(oid);
    if (known) return known;
    const obj = this.find(oid);
    // Objects never change: a bounded memo (a long-running server reads commit after commit).
    if (obj && obj.type !== 'blob') {
      if (this.memo.size >= 4096) this.memo.clear();
      this.memo.set(oid, obj);
    }
    return obj;
  }

  private find(oid: string): GitObject | undefined {
    if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
    for (const dir of this.objectDirs()) {
      let raw: Buffer;
      try {
        raw = fs.readFileSync(path.join(dir, oid.slice(0, 2), oid.slice(2)));
      } catch {
        continue;
      }
      const data = zlib.inflateSync(raw);
      const sp = data.indexOf(32);
      const nul = data.indexOf(0, sp);
      const type = data.toString('latin1', 0, sp) as GitObject['type'];
      return { type, data: data.subarray(nul + 1) };
    }
    const key = Buffer.from(oid, 'hex');
    for (let attempt = 0; attempt < 2; attempt++) {
      for (const pack of this.packList(attempt > 0)) {
        const at = packOffset(pack, key);
        if (at !== undefined) return this.readPacked(pack, at);
      }
      // Not found: a fetch or a repack since the packs were listed may have made new ones: list them again.
    }
    return undefined;
  }

  private readPacked(pack: PackFile, offset: number): GitObject | undefined {
    const known = pack.byOffset.get(offset);
    if (known) return known;
    if (pack.fd === undefined) pack.fd = fs.openSync(pack.packPath, 'r');
    let head = Buffer.allocUnsafe(64);
    const got = fs.readSync(pack.fd, head, 0, 64, offset);
    head = head.subarray(0, got);
    let p = 0;
    let c = head[p++];
    const type = OBJ_TYPES[(c >> 4) & 7];
    let size = c & 15;
    let mul = 16;
    while (c & 0x80) {
      c = head[p++];
      size += (c & 0x7f) * mul;
      mul *= 128;
    }
    let base: GitObject | undefined;
    if (type === 'ofs-delta') {
      c = head[p++];
      let rel = c & 0x7f;
      while (c & 0x80) {
        c = head[p++];
        rel = (rel + 1) * 128 + (c & 0x7f);
      }
      base = this.readPacked(pack, offset - rel);
    } else if (type === 'ref-delta') {
      base = this.read(head.toString('hex', p, p + 20));
      p += 20;
    } else if (!type) {
      return undefined;
    }
    if ((type === 'ofs-delta' || type === 'ref-delta') && !base) return undefined;
    const data = inflateAt(pack.fd, offset + p, size);
    const obj: GitObject = base ? { type: base.type, data: applyDelta(base.data, data) } : { type: type as GitObject['type'], data };
    if (pack.byOffset.size >= 4096) pack.byOffset.clear();
    pack.byOffset.set(offset, obj);
    return obj;
  }
}

/** The offset of an object in a pack, by binary search in the pack's index; undefined when absent. */
function packOffset(pack: PackFile, key: Buffer): number | undefined {
  const idx = pack.idx;
  const fan = pack.version === 2 ? 8 : 0;
  const first = key[0];
  let lo = first ? idx.readUInt32BE(fan + (first - 1) * 4) : 0;
  let hi = idx.readUInt32BE(fan + first * 4) - 1;
  const shas = fan + 1024;
  const stride = pack.version === 2 ? 20 : 24;
  const skip = pack.version === 2 ? 0 : 4;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = shas + mid * stride + skip;
    const c = idx.compare(key, 0, 20, at, at + 20);
    if (c === 0) {
      if (pack.version === 1) return idx.readUInt32BE(shas + mid * 24);
      const offs = shas + pack.count * 24;
      const o = idx.readUInt32BE(offs + mid * 4);
      if (!(o & 0x80000000)) return o;
      const large = offs + pack.count * 4 + (o & 0x7fffffff) * 8;
      return idx.readUInt32BE(large) * 2 ** 32 + idx.readUInt32BE(large + 4);
    }
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Inflate the zlib stream at `pos` holding `size` bytes, reading only a window of the file around it. */
function inflateAt(fd: number, pos: number, size: number): Buffer {
  let window = size + (size >> 8) + 64;
  for (;;) {
    const buf = Buffer.allocUnsafe(window);
    const n = fs.readSync(fd, buf, 0, window, pos);
    try {
      const out = zlib.inflateSync(buf.subarray(0, n));
      if (out.length !== size) throw new Error(`a packed object inflated to ${out.length} bytes, not ${size}`);
      return out;
    } catch (err) {
      if (n < window || !/unexpected end/.test((err as Error).message)) throw err;
      window *= 2;
    }
  }
}

/** Apply a git delta to its base. */
function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let p = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    let c: number;
    do {
      c = delta[p++];
      v += (c & 0x7f) * mul;
      mul *= 128;
    } while (c & 0x80);
    return v;
  };
  const srcSize = varint();
  if (srcSize !== base.length) throw new Error('a delta does not match its base');
  const out = Buffer.allocUnsafe(varint());
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++];
    if (op & 0x80) {
      let off = 0;
      let len = 0;
      if (op & 0x01) off |= delta[p++];
      if (op & 0x02) off |= delta[p++] << 8;
      if (op & 0x04) off |= delta[p++] << 16;
      if (op & 0x08) off = (off | (delta[p++] << 24)) >>> 0;
      if (op & 0x10) len |= delta[p++];
      if (op & 0x20) len |= delta[p++] << 8;
      if (op & 0x40) len |= delta[p++] << 16;
      if (len === 0) len = 0x10000;
      base.copy(out, o, off, off + len);
      o += len;
    } else if (op) {
      delta.copy(out, o, p, p + op);
      o += op;
      p += op;
    } else {
      throw new Error('a delta holds an unknown instruction');
    }
  }
  if (o !== out.length) throw new Error('a delta did not fill its result');
  return out;
}

const stores = new WeakMap<object, ObjectStore>();
/** The object reader of a repository, shared like isomorphic-git's cache. */
function store(git: GitContext): ObjectStore {
  let s = stores.get(git.cache);
  if (!s) {
    s = new ObjectStore(git.commondir);
    stores.set(git.cache, s);
  }
  return s;
}

/** An object through the direct reader; undefined when it cannot say (the caller then asks isomorphic-git). */
function readDirect(git: GitContext, oid: string): GitObject | undefined {
  try {
    return store(git).read(oid);
  } catch {
    return undefined;
  }
}

interface CommitInfo {
  tree: string;
  parent: string[];
  /** Committer time (seconds). */
  time: number;
}

function parseCommit(data: Buffer): CommitInfo {
  const end = data.indexOf('\n\n');
  const head = data.toString('utf8', 0, end === -1 ? data.length : end);
  let tree = '';
  const parent: string[] = [];
  let time = 0;
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5, 45);
    else if (line.startsWith('parent ')) parent.push(line.slice(7, 47));
    else if (line.startsWith('committer ')) {
      const m = / (\d+) [+-]\d{4}$/.exec(line);
      if (m) time = Number(m[1]);
    }
  }
  return { tree, parent, time };
}

function parseTree(data: Buffer): Map<string, TreeItem> {
  const out = new Map<string, TreeItem>();
  let p = 0;
  while (p < data.length) {
    const sp = data.indexOf(32, p);
    const nul = data.indexOf(0, sp);
    const mode = data.toString('latin1', p, sp);
    const name = data.toString('utf8', sp + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 21);
    p = nul + 21;
    const type = mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    out.set(name, { mode: mode.padStart(6, '0'), oid, type });
  }
  return out;
}

/** A commit through the direct reader, else undefined. */
function commitDirect(git: GitContext, oid: string): CommitInfo | undefined {
  const o = readDirect(git, oid);
  return o?.type === 'commit' ? parseCommit(o.data) : undefined;
}

/** The commits a shallow clone has without their parents. */
function shallowSet(git: GitContext): Set<string> {
  if (!git.shallow) return new Set();
  try {
    return new Set(fs.readFileSync(path.join(git.commondir, 'shallow'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
  } catch {
    return new Set();
  }
}

/**
 * git's merge-base: paint the ancestors of each side by committer date until only commits reachable
 * from both remain; those not reachable from another such commit are the bases. Undefined when a commit
 * cannot be read directly (then isomorphic-git answers), or [] when the histories do not meet.
 */
function mergeBasesDirect(git: GitContext, a: string, b: string): string[] | undefined {
  const P1 = 1;
  const P2 = 2;
  const STALE = 4;
  const shallow = shallowSet(git);
  const flags = new Map<string, number>();
  const info = new Map<string, CommitInfo>();
  const get = (oid: string): CommitInfo | undefined => {
    let c = info.get(oid);
    if (!c) {
      c = commitDirect(git, oid);
      if (!c) return undefined;
      if (shallow.has(oid)) c = { ...c, parent: [] };
      info.set(oid, c);
    }
    return c;
  };
  const queue: string[] = [];
  const push = (oid: string) => {
    const t = info.get(oid)!.time;
    let i = queue.length;
    while (i > 0 && info.get(queue[i - 1])!.time > t) i--; // ascending: the newest is popped from the end
    queue.splice(i, 0, oid);
  };
  if (!get(a) || !get(b)) return undefined;
  flags.set(a, P1);
  flags.set(b, (flags.get(b) ?? 0) | P2);
  push(a);
  if (b !== a) push(b);
  const results: string[] = [];
  const nonStale = () => queue.some((o) => !((flags.get(o) ?? 0) & STALE));
  while (queue.length && nonStale()) {
    const oid = queue.pop()!;
    let f = (flags.get(oid) ?? 0) & (P1 | P2 | STALE);
    if (f === (P1 | P2)) {
      if (!results.includes(oid)) results.push(oid);
      f |= STALE;
    }
    for (const parent of get(oid)!.parent) {
      const pf = flags.get(parent) ?? 0;
      if ((pf & f) === f) continue;
      if (!get(parent)) return undefined;
      flags.set(parent, pf | f);
      push(parent);
    }
  }
  // Drop bases reachable from another base.
  if (results.length < 2) return results;
  const reachable = (from: string, target: string): boolean | undefined => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) {
      const o = todo.pop()!;
      if (o === target) return true;
      if (seen.has(o)) continue;
      seen.add(o);
      const c = get(o);
      if (!c) return undefined;
      todo.push(...c.parent);
    }
    return false;
  };
  const out: string[] = [];
  for (const r of results) {
    let redundant = false;
    for (const other of results) {
      if (other === r) continue;
      const x = reachable(other, r);
      if (x === undefined) return undefined;
      if (x) redundant = true;
    }
    if (!redundant) out.push(r);
  }
  return out;
}

/** A blob's text, through the direct reader when it can. */
async function readBlobText(git: GitContext, oid: string): Promise<string> {
  const direct = readDirect(git, oid);
  if (direct?.type === 'blob') return direct.data.toString('utf8');
  const g = await loadGit();
  const { blob } = await g.readBlob({ ...args(git), oid });
  return Buffer.from(blob).toString('utf8');
}

/** The merge base of two commits (the best common ancestor), or undefined when they share no history. */
export async function mergeBase(git: GitContext, a: string, b: string): Promise<string | undefined> {
  if (a === b) return a;
  const direct = mergeBasesDirect(git, a, b);
  if (direct) return direct[0];
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
  const s = p.replace(/\\/g, '/').replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
  return s === '.' ? '' : s; // '.gitignore' keeps its dot
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
    let oid: string;
    if (full === '') {
      oid = await this.rootTree();
    } else {
      const slash = full.lastIndexOf('/');
      const parent = await this.tree(slash === -1 ? '' : full.slice(0, slash));
      const item = parent?.get(full.slice(slash + 1));
      if (!item || item.type !== 'tree') return undefined;
      oid = item.oid;
    }
    const direct = readDirect(this.git, oid);
    if (direct?.type === 'tree') return parseTree(direct.data);
    const g = await loadGit();
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

  async readFile(p: string, hops = 0): Promise<string | undefined> {
    const item = await this.item(p);
    if (!item || item.type !== 'blob') return undefined;
    if (item.mode === '120000') {
      // A symbolic link: its blob is the target path. Followed only to a file of this tree inside the
      // registry; anything else is never read (LinkEscapeError, as in the working tree).
      const target = await readBlobText(this.git, item.oid);
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(normalize(p)), target));
      if (hops >= 8 || target.startsWith('/') || resolved === '..' || resolved.startsWith('../')) throw new LinkEscapeError(normalize(p));
      return this.readFile(resolved, hops + 1);
    }
    return readBlobText(this.git, item.oid);
  }

  private async rootTree(): Promise<string> {
    const direct = commitDirect(this.git, this.commit);
    if (direct) return direct.tree;
    const g = await loadGit();
    return (await g.readCommit({ ...args(this.git), oid: this.commit })).commit.tree;
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    const t = await this.tree(joinPath(this.git.prefix, normalize(p)));
    if (!t) return [];
    return [...t].map(([name, e]) => ({ name, isDir: e.type === 'tree' }));
  }

  async treeId(p: string): Promise<string | undefined> {
    const n = normalize(p);
    if (n === '' && this.git.prefix === '') return this.rootTree();
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
  const header = readIndexHeader(file);
  if (!header) return undefined;
  const { buf, version, count, mtimeMs } = header;
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
      ({ path: e.path, off } = readV4Path(buf, off, prev));
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

/**
 * The registry as staged in the index. Folder ids come from git's cache tree where git left a valid one
 * (after a commit, and for every folder a 'git add' did not touch); the entries are grouped into
 * folders only when something asks for them.
 */
export class GitIndexStorage implements RegistryStorage {
  readonly label = 'index';
  private tree?: DirNode;
  private readonly cacheTree: CacheTree;

  constructor(readonly git: GitContext, private readonly index?: ParsedIndex) {
    if (index) {
      this.build(index);
      const ext = index.extensions.find((x) => x.signature === 'TREE');
      this.cacheTree = new CacheTree(ext?.data ?? Buffer.alloc(0), git.prefix);
      return;
    }
    const lean = indexLookup(indexPath(git));
    if (!lean) {
      // No index, or version 4: grouped now (which also finds conflicts).
      this.build(readIndexFile(indexPath(git)));
      this.cacheTree = new CacheTree(Buffer.alloc(0), git.prefix);
      return;
    }
    const prefix = Buffer.from(git.prefix ? git.prefix + '/' : '', 'utf8');
    let end = 12;
    for (let i = 0; i < lean.count; i++) {
      const o = lean.offs[i];
      const flags = lean.view.getUint16(o + 60);
      const name = o + 62 + (lean.version >= 3 && flags & 0x4000 ? 2 : 0);
      const len = flags & 0xfff;
      const nameEnd = len < 0xfff ? name + len : lean.buf.indexOf(0, name);
      end = o + ((nameEnd - o + 8) & ~7);
      if (!((flags >> 12) & 3)) continue;
      if (prefix.length && (nameEnd - name < prefix.length || lean.buf.compare(prefix, 0, prefix.length, name, name + prefix.length) !== 0)) continue;
      throw new InputError(`the index has an unresolved merge conflict in ${lean.buf.toString('utf8', name, nameEnd)}: resolve it and 'git add' it first`);
    }
    let data: Buffer = Buffer.alloc(0);
    for (let off = end; off + 8 <= lean.buf.length - 20; ) {
      const size = lean.view.getUint32(off + 4);
      if (lean.buf.toString('latin1', off, off + 4) === 'TREE') data = lean.buf.subarray(off + 8, off + 8 + size);
      off += 8 + size;
    }
    this.cacheTree = new CacheTree(data, git.prefix);
  }

  private get root(): DirNode {
    if (!this.tree) this.build(this.index ?? readIndexFile(indexPath(this.git)));
    return this.tree!;
  }

  private build(parsed: ParsedIndex | undefined): void {
    const tree = newDir();
    const prefix = this.git.prefix ? this.git.prefix + '/' : '';
    for (const e of parsed?.entries ?? []) {
      if (prefix && !e.path.startsWith(prefix)) continue;
      const stage = (e.flags >> 12) & 3;
      if (stage !== 0) {
        throw new InputError(`the index has an unresolved merge conflict in ${e.path}: resolve it and 'git add' it first`);
      }
      const rel = e.path.slice(prefix.length);
      const parts = rel.split('/');
      let node = tree;
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
    this.tree = tree;
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
    return readBlobText(this.git, f.oid);
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    const node = this.node(p);
    if (!node) return [];
    return [...[...node.files.keys()].map((name) => ({ name, isDir: false })), ...[...node.dirs.keys()].map((name) => ({ name, isDir: true }))];
  }

  async treeId(p: string): Promise<string | undefined> {
    const rel = normalize(p);
    const cached = this.cacheTree.id(rel);
    if (cached !== undefined) return cached;
    const node = this.node(rel);
    return node ? this.idOf(rel, node) : undefined;
  }

  /** A folder's id: git's cached one, else hashed from its entries (subfolders likewise). */
  private idOf(rel: string, node: DirNode): string | undefined {
    if (node.id !== undefined) return node.id || undefined;
    const cached = this.cacheTree.id(rel);
    if (cached !== undefined) {
      node.id = cached;
      return cached;
    }
    const entries: TreeEntryLike[] = [];
    for (const [name, f] of node.files) entries.push({ name, mode: f.mode, oid: f.oid, isDir: false });
    for (const [name, d] of node.dirs) {
      const id = this.idOf(rel ? `${rel}/${name}` : name, d);
      if (id) entries.push({ name, mode: '40000', oid: id, isDir: true });
    }
    node.id = entries.length ? hashTree(entries) : '';
    return node.id || undefined;
  }

  async fileId(p: string): Promise<string | undefined> {
    return this.file(p)?.oid;
  }
}

// ---------------------------------------------------------------------------------------------------
// The working tree, with tree ids computed the way `git status` sees it, in one flat pass over the index:
// every tracked file is lstat'ed and compared with its index entry's cached stat data (a match takes the
// staged blob id; anything else is hashed), and every tracked folder is listed once so that untracked
// files are seen wherever they are. A folder whose files all match and which holds nothing untracked
// takes its id from the index's cache tree (git's TREE extension) when git left one, else the id is
// built from the index entries. Ignored files count, so an id may differ from git's where git would
// ignore a file: that only costs a closer look, never a missed change.
//
// The pass is scoped to the folder asked for (the schemas folder), so a registry at the top of a big
// application repository does not stat the application's files.

const NOENT = { throwIfNoEntry: false } as const;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const S_IFGITLINK = 0o160000;

/** The parts of an index file every reader here needs. */
interface IndexHeader {
  buf: Buffer;
  view: DataView;
  version: number;
  count: number;
  mtimeMs: number;
}

/** The index as the working-tree pass needs it: paths, and where each entry sits in the file (no object per entry). */
interface IndexScan extends IndexHeader {
  /** Stage-0 entries in the scope, in index order (git's tree order), relative to the registry root. */
  paths: string[];
  /** Byte offset of each entry in buf. */
  offs: number[];
  /** Folders (relative to the registry root) holding unmerged entries. */
  conflicted: Set<string>;
  /** Tree ids of folders from the index's cache-tree extension (valid entries only). */
  cacheTree: CacheTree;
  /** False when the entries cannot be taken as the list of tracked files (a split index): every folder is listed. */
  complete: boolean;
}

function readIndexHeader(file: string): IndexHeader | undefined {
  let buf: Buffer;
  let mtimeMs: number;
  try {
    buf = fs.readFileSync(file);
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') throw new InputError('not a git index file', { file });
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const version = view.getUint32(4);
  if (version < 2 || version > 4) throw new InputError(`unsupported git index version ${version}`, { file });
  return { buf, view, version, count: view.getUint32(8), mtimeMs };
}

/** Read the index for the working-tree pass, keeping the entries under `scope` (registry-relative, '' for all). */
function scanIndex(file: string, prefix: string, scope: string): IndexScan {
  const pre = prefix ? prefix + '/' : '';
  const within = pre + (scope ? scope + '/' : '');
  const h = readIndexHeader(file);
  const paths: string[] = [];
  const offs: number[] = [];
  const conflicted = new Set<string>();
  if (!h) {
    const buf = Buffer.alloc(0);
    return { buf, view: new DataView(buf.buffer, buf.byteOffset, 0), version: 2, count: 0, mtimeMs: 0, paths, offs, conflicted, cacheTree: new CacheTree(Buffer.alloc(0), prefix), complete: true };
  }
  const { buf, view, version, count } = h;
  const withinBytes = within ? Buffer.from(within, 'utf8') : undefined;
  let off = 12;
  let prev = '';
  for (let i = 0; i < count; i++) {
    const start = off;
    const flags = view.getUint16(off + 60);
    off += 62;
    if (version >= 3 && flags & 0x4000) off += 2;
    let p: string;
    if (version === 4) {
      ({ path: p, off } = readV4Path(buf, off, prev));
      prev = p;
    } else {
      const len = flags & 0xfff;
      const end = len < 0xfff ? off + len : buf.indexOf(0, off);
      const name = off;
      off = start + ((end - start + 8) & ~7);
      // Out of scope: skipped on the bytes, without decoding the path.
      if (withinBytes && (end - name < withinBytes.length || buf.compare(withinBytes, 0, withinBytes.length, name, name + withinBytes.length) !== 0)) continue;
      p = buf.toString('utf8', name, end);
    }
    if (within && !p.startsWith(within)) continue;
    const rel = pre ? p.slice(pre.length) : p;
    if (flags & 0x3000) {
      const slash = rel.lastIndexOf('/');
      conflicted.add(slash === -1 ? '' : rel.slice(0, slash));
      continue;
    }
    paths.push(rel);
    offs.push(start);
  }
  let cacheTree = new CacheTree(Buffer.alloc(0), prefix);
  let complete = true;
  while (off + 8 <= buf.length - 20) {
    const signature = buf.toString('latin1', off, off + 4);
    const size = view.getUint32(off + 4);
    if (signature === 'TREE') cacheTree = new CacheTree(buf.subarray(off + 8, off + 8 + size), prefix);
    else if (signature === 'link') complete = false;
    off += 8 + size;
  }
  return { ...h, paths, offs, conflicted, cacheTree, complete };
}

interface CacheNode {
  /** Where the node's id is (-1 when git marked it invalid). */
  idAt: number;
  /** Where its first subtree starts, and how many there are. */
  childAt: number;
  subtrees: number;
  /** Subtree positions by name, once looked at. */
  children?: Map<string, number>;
}

/**
 * git's cache tree (the index's TREE extension), read lazily: only the nodes on the paths asked for are
 * decoded; the subtrees passed over on the way are skipped on their bytes.
 */
class CacheTree {
  private readonly nodes = new Map<number, CacheNode>();

  constructor(private readonly data: Buffer, private readonly prefix: string) {}

  /** The tree id of a folder (relative to the registry root), when git left a valid one. */
  id(rel: string): string | undefined {
    try {
      if (!this.data.length) return undefined;
      const full = this.prefix ? (rel ? `${this.prefix}/${rel}` : this.prefix) : rel;
      let pos = 0;
      if (full) {
        for (const name of full.split('/')) {
          const node = this.node(pos);
          if (!node.children) {
            node.children = new Map();
            let at = node.childAt;
            for (let k = 0; k < node.subtrees; k++) {
              const nul = this.data.indexOf(0, at);
              node.children.set(this.data.toString('utf8', at, nul), at);
              at = this.skip(at);
            }
          }
          const next = node.children.get(name);
          if (next === undefined) return undefined;
          pos = next;
        }
      }
      const node = this.node(pos);
      return node.idAt < 0 ? undefined : this.data.toString('hex', node.idAt, node.idAt + 20);
    } catch {
      return undefined; // unreadable: the id is computed instead
    }
  }

  private node(pos: number): CacheNode {
    let n = this.nodes.get(pos);
    if (!n) {
      const d = this.data;
      let p = d.indexOf(0, pos) + 1;
      let count = 0;
      let negative = false;
      if (d[p] === 45) {
        negative = true;
        p++;
      }
      while (d[p] >= 48 && d[p] <= 57) count = count * 10 + d[p++] - 48;
      p++; // ' '
      let subtrees = 0;
      while (d[p] >= 48 && d[p] <= 57) subtrees = subtrees * 10 + d[p++] - 48;
      p++; // '\n'
      const valid = !negative && count >= 0;
      n = { idAt: valid ? p : -1, childAt: valid ? p + 20 : p, subtrees };
      this.nodes.set(pos, n);
    }
    return n;
  }

  /** The position after a node and all its subtrees. */
  private skip(pos: number): number {
    const n = this.node(pos);
    let at = n.childAt;
    for (let k = 0; k < n.subtrees; k++) at = this.skip(at);
    return at;
  }
}

const CLEAN = 0;
const CHANGED = 1;
const MISSING = 2;
const FOLDER = 3;
const UNKNOWN = 255;

/** True for entries git takes as they are in the index: assume-valid, skip-worktree, gitlinks, sparse folders. */
function entryStaged(x: IndexHeader, o: number): boolean {
  const flags = x.view.getUint16(o + 60);
  if (flags & 0x8000) return true;
  if (x.version >= 3 && flags & 0x4000 && x.view.getUint16(o + 62) & 0x4000) return true;
  const type = x.view.getUint32(o + 24) & S_IFMT;
  return type === S_IFGITLINK || type === S_IFDIR;
}

function entryOid(x: IndexHeader, o: number): string {
  return x.buf.toString('hex', o + 40, o + 60);
}

/**
 * How the file at `abs` stands against the index entry at offset `o`: CLEAN, MISSING, FOLDER, or its
 * blob id and mode when its content or mode differs.
 */
function compareEntry(x: IndexHeader, o: number, abs: string, known?: fs.Stats): number | { oid: string; mode: string } {
  if (entryStaged(x, o)) return CLEAN;
  const v = x.view;
  // An intent-to-add entry ('git add -N') records no content: its file is always hashed.
  const intentToAdd = x.version >= 3 && v.getUint16(o + 60) & 0x4000 && v.getUint16(o + 62) & 0x2000;
  const st = known ?? fs.lstatSync(abs, NOENT);
  if (!st) return MISSING;
  const type = st.mode & S_IFMT;
  if (type === S_IFDIR) return FOLDER;
  if (type !== S_IFREG && type !== S_IFLNK) return MISSING;
  const mode = v.getUint32(o + 24);
  if (
    !intentToAdd &&
    type === (mode & S_IFMT) &&
    st.size >>> 0 === v.getUint32(o + 36) &&
    st.ino >>> 0 === v.getUint32(o + 20) &&
    sameTime(v.getUint32(o + 8), v.getUint32(o + 12), st.mtimeMs) &&
    sameTime(v.getUint32(o), v.getUint32(o + 4), st.ctimeMs) &&
    (type === S_IFLNK || ((mode & 0o100) !== 0) === ((st.mode & 0o100) !== 0)) &&
    st.mtimeMs < x.mtimeMs // racily clean entries are hashed
  ) {
    return CLEAN;
  }
  const b = hashPath(abs, st);
  if (!intentToAdd && b.oid === entryOid(x, o) && b.mode === modeString(mode)) return CLEAN;
  return b;
}

function hashPath(abs: string, st: fs.Stats): { oid: string; mode: string } {
  if ((st.mode & S_IFMT) === S_IFLNK) return { oid: hashBlob(fs.readlinkSync(abs, { encoding: 'buffer' })), mode: '120000' };
  return { oid: hashBlob(fs.readFileSync(abs)), mode: st.mode & 0o100 ? '100755' : '100644' };
}

/** Index time (seconds, nanoseconds) against a stat time in ms; seconds only when the index holds no nanoseconds. */
function sameTime(s: number, ns: number, ms: number): boolean {
  if (ns === 0) return Math.floor(ms / 1000) === s;
  return Math.abs(s * 1000 + ns / 1e6 - ms) < 0.002;
}

interface Folder {
  parent: Folder | undefined;
  /** Index range of the entries under this folder. */
  start: number;
  end: number;
  /** Direct children in the index (files and folders), and entries on disk. */
  children: number;
  onDisk: number;
  /** Absent from the working tree (or no longer a folder). */
  absent: boolean;
  /** Read from disk: it holds something the index does not know, or lacks a tracked entry. */
  listed: boolean;
  /** Something under it differs from the index. */
  touched: boolean;
}

function touch(f: Folder | undefined): void {
  while (f && !f.touched) {
    f.touched = true;
    f = f.parent;
  }
}

function within(rel: string, scope: string): boolean {
  return !scope || rel === scope || (rel.length > scope.length && rel.startsWith(scope) && rel.charCodeAt(scope.length) === 47);
}

interface PassSetup {
  /** The registry root on disk. */
  root: string;
  indexFile: string;
  /** The registry root relative to the work tree top. */
  prefix: string;
  /** The folder (registry-relative) the pass covers; '' for the whole registry. */
  scope: string;
  /** True when the registry root is the work tree top (its '.git' is not content). */
  top: boolean;
}

/** The working-tree tree ids of one folder and everything under it. */
class WorkTreePass {
  private readonly rootSlash: string;
  private scanCache?: IndexScan;
  private states?: Uint8Array;
  private readonly changed = new Map<number, { oid: string; mode: string }>();
  private folders?: Map<string, Folder>;
  readonly ids = new Map<string, string | undefined>();

  constructor(private readonly setup: PassSetup) {
    this.rootSlash = setup.root.endsWith(path.sep) ? setup.root : setup.root + path.sep;
  }

  get scope(): string {
    return this.setup.scope;
  }

  private get index(): IndexScan {
    if (!this.scanCache) {
      this.scanCache = scanIndex(this.setup.indexFile, this.setup.prefix, this.setup.scope);
      this.states = new Uint8Array(this.scanCache.paths.length).fill(UNKNOWN);
    }
    return this.scanCache;
  }

  private abs(rel: string): string {
    return rel ? this.rootSlash + rel : this.setup.root;
  }

  /** The position of a path among the index entries, or -1 (a miss only costs a hash). */
  private find(rel: string): number {
    const paths = this.index.paths;
    let lo = 0;
    let hi = paths.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = paths[mid];
      if (p === rel) return mid;
      if (p < rel) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private mode(i: number): number {
    return this.index.view.getUint32(this.index.offs[i] + 24);
  }

  private state(i: number, st?: fs.Stats): number {
    const states = this.states!;
    let s = states[i];
    if (s === UNKNOWN) {
      const r = compareEntry(this.index, this.index.offs[i], this.rootSlash + this.index.paths[i], st);
      if (typeof r === 'number') s = r;
      else {
        this.changed.set(i, r);
        s = CHANGED;
      }
      states[i] = s;
    }
    return s;
  }

  /** A file's blob id and mode as `git add` would store it, or undefined when it is not a file. */
  fileEntry(rel: string, known?: fs.Stats): { oid: string; mode: string } | undefined {
    const at = this.find(rel);
    if (at >= 0) {
      const s = this.state(at, known);
      if (s === CLEAN) return { oid: entryOid(this.index, this.index.offs[at]), mode: modeString(this.mode(at)) };
      if (s === CHANGED) return this.changed.get(at)!;
      if (s === MISSING) return undefined;
    }
    const st = known ?? fs.lstatSync(this.abs(rel), NOENT);
    if (!st || ((st.mode & S_IFMT) !== S_IFREG && (st.mode & S_IFMT) !== S_IFLNK)) return undefined;
    return hashPath(this.abs(rel), st);
  }

  /**
   * One pass over the index: stat every tracked file, list every tracked folder, and mark the folders
   * where the working tree differs from the index (their ids are computed; the others' come from the index).
   */
  private scan(): Map<string, Folder> {
    if (this.folders) return this.folders;
    const x = this.index;
    const scope = this.setup.scope;
    const folders = new Map<string, Folder>();
    const n = x.paths.length;
    const root: Folder = { parent: undefined, start: 0, end: n, children: 0, onDisk: 0, absent: false, listed: false, touched: false };
    folders.set('', root);
    this.visit('', root);
    const stack: Array<{ rel: string; f: Folder }> = [{ rel: '', f: root }];
    let dir = '';
    let cur = root;
    for (let i = 0; i < n; i++) {
      const p = x.paths[i];
      const slash = p.lastIndexOf('/', p.length - 2); // a sparse folder entry ends with '/'
      const d = slash === -1 ? '' : p.slice(0, slash);
      if (d !== dir) {
        while (stack.length > 1) {
          const top = stack[stack.length - 1].rel;
          if (d === top || d.startsWith(top + '/')) break;
          stack.pop()!.f.end = i;
        }
        let top = stack[stack.length - 1];
        while (top.rel !== d) {
          const next = d.indexOf('/', top.rel ? top.rel.length + 1 : 0);
          const rel = next === -1 ? d : d.slice(0, next);
          const f: Folder = { parent: top.f, start: i, end: n, children: 0, onDisk: 0, absent: top.f.absent, listed: false, touched: false };
          top.f.children++;
          folders.set(rel, f);
          if (!f.absent) this.visit(rel, f);
          top = { rel, f };
          stack.push(top);
        }
        dir = d;
        cur = top.f;
      }
      cur.children++;
      const s = cur.absent ? MISSING : this.state(i);
      if (s !== CLEAN) {
        if (s !== CHANGED) cur.listed = true; // gone, or a folder now: the listing says what is there
        touch(cur);
      }
    }
    for (const { f } of stack) f.end = n;
    for (const [rel, f] of folders) {
      // Folders above the scope hold more than the scope's entries: never taken from the index.
      if (!within(rel, scope)) f.listed = true;
      else if (!f.absent && f.onDisk !== f.children) f.listed = true;
      if (f.listed) touch(f);
    }
    for (const c of x.conflicted) {
      let rel = c;
      while (!folders.has(rel)) rel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      folders.get(rel)!.listed = true;
      touch(folders.get(rel)!);
    }
    this.folders = folders;
    return folders;
  }

  /** List a tracked folder once (absent when it is gone or no longer a folder). */
  private visit(rel: string, f: Folder): void {
    if (!within(rel, this.setup.scope)) return; // above the scope: listed when asked
    try {
      const names = fs.readdirSync(this.abs(rel));
      f.onDisk = rel === '' && this.setup.top && names.includes('.git') ? names.length - 1 : names.length;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      f.absent = true;
      if (f.parent) {
        f.parent.listed = true;
        touch(f.parent);
      }
    }
  }

  dirId(rel: string): string | undefined {
    if (this.ids.has(rel)) return this.ids.get(rel);
    const folders = this.scan();
    const f = folders.get(rel);
    let id: string | undefined;
    if (!f) {
      const st = fs.lstatSync(this.abs(rel), NOENT);
      id = st && (st.mode & S_IFMT) === S_IFDIR ? this.fromListing(rel, undefined) : undefined;
    } else if (f.absent) {
      id = undefined;
    } else if (!f.touched && this.index.complete && (id = this.index.cacheTree.id(rel)) !== undefined) {
      // taken from the cache tree
    } else if (f.listed || !this.index.complete) {
      id = this.fromListing(rel, f);
    } else {
      id = this.fromIndex(rel, f);
    }
    this.ids.set(rel, id);
    return id;
  }

  /** A folder's id from its index entries (which all still stand, or were hashed) and its subfolders' ids. */
  private fromIndex(rel: string, f: Folder): string | undefined {
    const x = this.index;
    const skip = rel ? rel.length + 1 : 0;
    const heads: string[] = [];
    const oids: Array<string | number> = []; // a hex id, or the offset of an index entry whose id to copy
    for (let i = f.start; i < f.end; i++) {
      const p = x.paths[i];
      const slash = p.indexOf('/', skip);
      if (slash !== -1 && slash !== p.length - 1) {
        const child = p.slice(0, slash);
        const id = this.dirId(child);
        if (id) {
          heads.push(`40000 ${child.slice(skip)}\0`);
          oids.push(id);
        }
        i = this.folders!.get(child)!.end - 1;
        continue;
      }
      const name = slash === -1 ? p.slice(skip) : p.slice(skip, slash);
      const s = this.state(i);
      if (s === CLEAN) {
        heads.push(`${modeString(this.mode(i))} ${name}\0`);
        oids.push(x.offs[i]);
      } else if (s === CHANGED) {
        const b = this.changed.get(i)!;
        heads.push(`${b.mode} ${name}\0`);
        oids.push(b.oid);
      }
    }
    if (!heads.length) return undefined;
    let size = 0;
    for (const h of heads) size += Buffer.byteLength(h) + 20;
    const body = Buffer.allocUnsafe(size);
    let at = 0;
    for (let k = 0; k < heads.length; k++) {
      at += body.write(heads[k], at, 'utf8');
      const oid = oids[k];
      if (typeof oid === 'number') x.buf.copy(body, at, oid + 40, oid + 60);
      else body.write(oid, at, 'hex');
      at += 20;
    }
    return createHash('sha1').update(`tree ${size}\0`).update(body).digest('hex');
  }

  /** A folder's id from what is on disk (tracked files compared with the index, the rest hashed). */
  private fromListing(rel: string, f: Folder | undefined): string | undefined {
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(this.abs(rel), { withFileTypes: true });
    } catch {
      return undefined;
    }
    const x = this.index;
    const entries: TreeEntryLike[] = [];
    const seen = new Set<string>();
    for (const d of dirents) {
      if (d.name === '.git') continue;
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      seen.add(d.name);
      const at = this.find(childRel);
      if (at >= 0 && (this.mode(at) & S_IFMT) === S_IFGITLINK) {
        entries.push({ name: d.name, mode: '160000', oid: entryOid(x, x.offs[at]), isDir: false });
      } else if (d.isDirectory()) {
        const id = this.dirId(childRel);
        if (id) entries.push({ name: d.name, mode: '40000', oid: id, isDir: true });
      } else if (d.isFile() || d.isSymbolicLink()) {
        const st = fs.lstatSync(this.abs(childRel), NOENT);
        const b = st && this.fileEntry(childRel, st);
        if (b) entries.push({ name: d.name, mode: b.mode, oid: b.oid, isDir: false });
      }
    }
    // Entries git keeps without a file (skip-worktree, sparse folders) stay as staged.
    if (f) {
      const skip = rel ? rel.length + 1 : 0;
      for (let i = f.start; i < f.end; i++) {
        const p = x.paths[i];
        const slash = p.indexOf('/', skip);
        const sparseDir = slash === p.length - 1;
        if (slash !== -1 && !sparseDir) {
          i = this.folders!.get(p.slice(0, slash))!.end - 1;
          continue;
        }
        const name = sparseDir ? p.slice(skip, -1) : p.slice(skip);
        if (seen.has(name) || !entryStaged(x, x.offs[i])) continue;
        const mode = this.mode(i);
        entries.push({ name, mode: modeString(mode), oid: entryOid(x, x.offs[i]), isDir: (mode & S_IFMT) === S_IFDIR });
      }
    }
    return entries.length ? hashTree(entries) : undefined;
  }
}

/** Index entries by path, for single-file lookups without the whole pass (index versions 2 and 3). */
interface IndexLookup extends IndexHeader {
  offs: Int32Array;
}

function indexLookup(file: string): IndexLookup | undefined {
  const h = readIndexHeader(file);
  if (!h || h.version === 4) return undefined;
  const offs = new Int32Array(h.count);
  let off = 12;
  for (let i = 0; i < h.count; i++) {
    offs[i] = off;
    const flags = h.view.getUint16(off + 60);
    const start = off + 62 + (h.version >= 3 && flags & 0x4000 ? 2 : 0);
    const len = flags & 0xfff;
    const end = len < 0xfff ? start + len : h.buf.indexOf(0, start);
    off = off + ((end - off + 8) & ~7);
  }
  return { ...h, offs };
}

/** The offset of the stage-0 entry for a full path, or -1. */
function lookupEntry(x: IndexLookup, full: Buffer): number {
  const nameAt = (o: number) => o + 62 + (x.version >= 3 && x.view.getUint16(o + 60) & 0x4000 ? 2 : 0);
  const nameEnd = (o: number, s: number) => {
    const len = x.view.getUint16(o + 60) & 0xfff;
    return len < 0xfff ? s + len : x.buf.indexOf(0, s);
  };
  let lo = 0;
  let hi = x.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const o = x.offs[mid];
    const s = nameAt(o);
    const c = x.buf.compare(full, 0, full.length, s, nameEnd(o, s));
    if (c === 0) {
      // Entries of one path are ordered by stage: step to the first, take stage 0 only.
      let k = mid;
      while (k > 0) {
        const p = x.offs[k - 1];
        const ps = nameAt(p);
        if (x.buf.compare(full, 0, full.length, ps, nameEnd(p, ps)) !== 0) break;
        k--;
      }
      const first = x.offs[k];
      return (x.view.getUint16(first + 60) >> 12) & 3 ? -1 : first;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export class WorkTreeStorage implements RegistryStorage {
  readonly label = 'working tree';
  /** The registry root on disk. */
  readonly root: string;
  private readonly rootSlash: string;
  private readonly passes: WorkTreePass[] = [];
  private lookup?: IndexLookup | null;

  constructor(readonly git: GitContext) {
    this.root = path.join(git.dir, ...(git.prefix ? git.prefix.split('/') : []));
    this.rootSlash = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
  }

  private setup(scope: string): PassSetup {
    return { root: this.root, indexFile: indexPath(this.git), prefix: this.git.prefix, scope, top: this.git.prefix === '' };
  }

  /**
   * A pass whose scope covers `rel`. A new one covers `rel` and the scopes asked before (their common
   * folder), so that questions about sibling folders one by one cost a few passes, not one each.
   */
  private local(rel: string): WorkTreePass {
    for (const p of this.passes) if (within(rel, p.scope)) return p;
    let scope = rel;
    for (const p of this.passes) scope = commonFolder(scope, p.scope);
    const p = new WorkTreePass(this.setup(scope));
    this.passes.unshift(p);
    return p;
  }

  private abs(rel: string): string {
    return rel ? this.rootSlash + rel : this.root;
  }

  async readFile(p: string): Promise<string | undefined> {
    // A link leading out of the registry is never read (LinkEscapeError: check reports it).
    assertInsideSync(this.root, clean(p), this.abs(clean(p)));
    try {
      return fs.readFileSync(this.abs(clean(p)), 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
      throw err;
    }
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    try {
      return fs.readdirSync(this.abs(clean(p)), { withFileTypes: true }).map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    }
  }

  async treeId(p: string): Promise<string | undefined> {
    const rel = clean(p);
    return this.local(rel).dirId(rel);
  }

  async fileId(p: string): Promise<string | undefined> {
    const rel = clean(p);
    // A pass over its folder already compared it; else one index entry is looked up (no pass for one file).
    for (const pass of this.passes) if (within(rel, pass.scope)) return pass.fileEntry(rel)?.oid;
    if (this.lookup === undefined) this.lookup = indexLookup(indexPath(this.git)) ?? null;
    if (!this.lookup) {
      const slash = rel.lastIndexOf('/');
      return this.local(slash === -1 ? '' : rel.slice(0, slash)).fileEntry(rel)?.oid;
    }
    const full = Buffer.from(this.git.prefix ? `${this.git.prefix}/${rel}` : rel, 'utf8');
    const o = lookupEntry(this.lookup, full);
    const abs = this.abs(rel);
    if (o >= 0) {
      const r = compareEntry(this.lookup, o, abs);
      if (r === CLEAN) return entryOid(this.lookup, o);
      if (typeof r !== 'number') return r.oid;
      if (r !== FOLDER) return undefined;
    }
    const st = fs.lstatSync(abs, NOENT);
    if (!st || ((st.mode & S_IFMT) !== S_IFREG && (st.mode & S_IFMT) !== S_IFLNK)) return undefined;
    return hashPath(abs, st).oid;
  }
}

function commonFolder(a: string, b: string): string {
  const x = a.split('/');
  const y = b.split('/');
  let k = 0;
  while (k < x.length && k < y.length && x[k] === y[k]) k++;
  return x.slice(0, k).join('/');
}

/** A registry-relative path as given by callers, normalized only when it needs it. */
function clean(p: string): string {
  return p.includes('\\') || p.charCodeAt(0) === 46 || p.endsWith('/') || p.includes('//') ? normalize(p) : p;
}

/**
 * An index v4 entry path: path compression stores a varint N (bytes to drop from the previous path),
 * then the NUL-terminated suffix. Returns the path and the offset after it.
 */
function readV4Path(buf: Buffer, off: number, prev: string): { path: string; off: number } {
  let b = buf[off++];
  let n = b & 0x7f;
  while (b & 0x80) {
    b = buf[off++];
    n = ((n + 1) << 7) | (b & 0x7f);
  }
  const end = buf.indexOf(0, off);
  return { path: prev.slice(0, prev.length - n) + buf.toString('utf8', off, end), off: end + 1 };
}

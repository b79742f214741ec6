/**
 * The registry at a commit, in the index and in the working tree, read by the git binary: a long-lived
 * `git cat-file --batch` per repository, `git merge-base`, `git diff --name-only -z`, `git ls-files -z`; so
 * SHA-256, partial and shallow clones, split indexes and worktrees work as git makes them work.
 * isomorphic-git is the fallback when no `git` is on PATH (gitiso.ts). The index and the working tree take
 * the base commit's folder ids where git reports no change, so readers descend only into changed folders.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../model/errors.js';
import { assertInsideSync, LinkEscapeError } from './fsutil.js';
import { FsStorage, MemoryStorage } from './fs.js';
import { GitStorageError, type CommitInfo, type GitContext, type ObjectReader, type TreeItem } from './gitcontext.js';
import type { ReadOnlyStorage } from './types.js';

export { GitStorageError, type CommitInfo, type GitContext, type ObjectReader, type TreeItem };

const FSCK = "run 'git fsck' to see what is wrong";

/** Environment for git children: paths git set for a hook (GIT_DIR, GIT_INDEX_FILE, ...) made absolute. */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const k of ['GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR']) {
    const v = env[k];
    if (v && !path.isAbsolute(v)) env[k] = path.resolve(v);
  }
  // As git does: with GIT_DIR and no GIT_WORK_TREE the current folder is the work tree top (a hook's case).
  if (env.GIT_DIR && !env.GIT_WORK_TREE) env.GIT_WORK_TREE = process.cwd();
  // An empty identity variable means unset here (git would refuse an empty name).
  for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) if (env[k] === '') delete env[k];
  return env;
}

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')}: ${firstLine(stderr) || `exit ${code}`}`);
  }
}

export function firstLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
}

/** Run git with an argument array (never a shell); stdout as text (or bytes). Rejects with GitCommandError. */
export function runGit(cwd: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<string>;
export function runGit(cwd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; raw: true }): Promise<Buffer>;
export function runGit(cwd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; raw?: boolean } = {}): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    const encoding = opts.raw ? 'buffer' : 'utf8';
    const child = execFile('git', args, { cwd, env: opts.env ?? gitEnv(), maxBuffer: 1 << 30, encoding }, (err, stdout, stderr) => {
      const text = String(stderr);
      if (err)
        reject(
          new GitCommandError(args, (err as NodeJS.ErrnoException).code ?? null, text || ((err as NodeJS.ErrnoException).code === 'ENOENT' ? err.message : '')),
        );
      else resolve(stdout);
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** A git failure as the one line a user sees: what is wrong and the command that shows it. */
export function gitInputError(err: unknown, what?: string): InputError {
  if (err instanceof InputError) return err;
  if (err instanceof GitCommandError) {
    return new GitStorageError(
      `${what ? what + ': ' : ''}'git ${err.args.slice(0, 3).join(' ')}' failed: ${firstLine(err.stderr) || `exit ${err.code}`}; ${FSCK}`,
    );
  }
  return new GitStorageError(`${what ? what + ': ' : ''}${(err as Error).message}; ${FSCK}`);
}

let hasGitBinary: boolean | undefined;

/** Find the git repository holding the registry root. InputError when there is none or it is damaged. */
export async function openGit(registryRoot: string): Promise<GitContext> {
  if (!fs.existsSync(registryRoot)) throw new InputError('no such folder', { file: registryRoot });
  const root = fs.realpathSync(path.resolve(registryRoot));
  if (hasGitBinary !== false && process.env.LLM_SCHEMA_GIT !== 'isomorphic') {
    try {
      const out = await runGit(root, [
        'rev-parse',
        '--show-toplevel',
        '--absolute-git-dir',
        '--git-common-dir',
        '--is-shallow-repository',
        '--show-object-format',
        '--show-prefix',
      ]);
      hasGitBinary = true;
      const [dir, gitdir, common, shallow, format, prefix] = out.split('\n');
      const hash = format === 'sha256' ? 'sha256' : 'sha1';
      const commondir = path.resolve(root, common);
      return { dir, gitdir, commondir, prefix: (prefix ?? '').replace(/\/$/, ''), shallow: shallow === 'true', hash, engine: 'git', objects: new CatFile(dir) };
    } catch (err) {
      if (!(err instanceof GitCommandError) || err.code !== 'ENOENT') {
        const msg = err instanceof GitCommandError ? firstLine(err.stderr) : String(err);
        if (/not a git repository/i.test(msg) && !hasDotGit(root)) throw notInGit(registryRoot);
        throw new GitStorageError(`the git repository here is damaged or unreadable ('git rev-parse' says: ${msg}); ${FSCK}`, { file: registryRoot });
      }
      hasGitBinary = false;
    }
  }
  const { openIso } = await import('./gitiso.js');
  const ctx = await openIso(root);
  if (!ctx) throw notInGit(registryRoot);
  return ctx;
}

function notInGit(root: string): InputError {
  return new InputError('not inside a git repository (check --against, --staged, --head, log and --commit need git)', { file: root });
}

function hasDotGit(dir: string): boolean {
  return fs.existsSync(path.join(dir, '.git')) || (path.dirname(dir) !== dir && hasDotGit(path.dirname(dir)));
}

/** The git command that makes a missing ref or history available in a shallow or partial clone. */
export function fetchHint(git: GitContext, ref: string): string {
  const m = /^(?:refs\/remotes\/)?([^/]+)\/(.+)$/.exec(ref);
  const unshallow = git.shallow ? ' --unshallow' : '';
  if (m && m[1] !== 'refs') return `git fetch${unshallow} ${m[1]} +refs/heads/${m[2]}:refs/remotes/${m[1]}/${m[2]}`;
  return git.shallow ? 'git fetch --unshallow origin' : `git fetch origin ${ref}`;
}

/** The commit id a ref names (any revision git understands; annotated tags are peeled). */
export async function resolveRef(git: GitContext, ref: string): Promise<string> {
  if (ref.startsWith('-')) throw new InputError(`unknown git ref '${ref}'`);
  if (git.engine === 'iso') return (await import('./gitiso.js')).isoResolve(git, ref);
  try {
    return (await runGit(git.dir, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch (err) {
    const msg = err instanceof GitCommandError ? firstLine(err.stderr) : '';
    if (ref === 'HEAD' || ref === '@') {
      const target = (await runGit(git.dir, ['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
      // the branch's own id, read from the ref files without touching the object (show-ref --verify also
      // fails when the commit is missing, e.g. a pack file removed: that is a damaged repository, not an
      // unborn branch)
      const id = target ? (await runGit(git.dir, ['rev-parse', '-q', '--verify', '--end-of-options', target]).catch(() => '')).trim() : '';
      const unborn = target && !id && !/bad object|corrupt|invalid/i.test(msg);
      if (unborn) throw new InputError(`HEAD points to '${target}', which has no commits yet`);
      if (id)
        throw new GitStorageError(
          `HEAD ('${target}') names commit ${id.slice(0, 12)}, which is missing from the repository or cannot be read (the repository is corrupt: a pack file or object removed?); ${FSCK}`,
        );
      throw new GitStorageError(`HEAD does not name a readable commit ('git rev-parse HEAD' says: ${msg}); ${FSCK}`);
    }
    if (/bad object|corrupt|invalid object|unable to read|loose object/i.test(msg)) throw gitInputError(err, `'${ref}'`);
    const hint = git.shallow || /\//.test(ref) ? `; run '${fetchHint(git, ref)}' to fetch it` : '';
    throw new InputError(`unknown git ref '${ref}': no branch, tag, remote branch or commit by that name${hint}`);
  }
}

/** HEAD, a ref and their merge base from one `git rev-parse` (`ref...HEAD`); undefined when that does not answer. */
export async function refsAndBase(git: GitContext, ref: string): Promise<{ head: string; target: string; base: string } | undefined> {
  if (git.engine !== 'git' || ref.startsWith('-')) return undefined;
  const out = await runGit(git.dir, ['rev-parse', '--end-of-options', 'HEAD^{commit}', `${ref}^{commit}`, `${ref}^{commit}...HEAD^{commit}`]).catch(() => '');
  const ids = out.split('\n').filter((l) => /^\^?[0-9a-f]{40,64}$/.test(l));
  const base = ids.find((l) => l.startsWith('^'))?.slice(1);
  return base && ids.length >= 5 ? { head: ids[0], target: ids[1], base } : undefined;
}

/** The merge base of two commits (the best common ancestor), or undefined when they share no history. */
export async function mergeBase(git: GitContext, a: string, b: string): Promise<string | undefined> {
  if (a === b) return a;
  if (git.engine === 'iso') return (await import('./gitiso.js')).isoMergeBase(git, a, b);
  try {
    return (await runGit(git.dir, ['merge-base', a, b])).trim() || undefined;
  } catch (err) {
    if (err instanceof GitCommandError && err.code === 1 && !err.stderr.trim()) return undefined;
    throw gitInputError(err, `cannot find the merge base of ${a.slice(0, 12)} and ${b.slice(0, 12)}`);
  }
}

/**
 * Refuse an index whose trailing checksum does not match (cut short, overwritten): git itself reads such
 * an index without complaint and would commit what it misread.
 */
export function verifyIndex(git: GitContext): void {
  const file = process.env.GIT_INDEX_FILE ? path.resolve(process.env.GIT_INDEX_FILE) : path.join(git.gitdir, 'index');
  if (!fs.existsSync(file)) return; // no index yet
  const buf = fs.readFileSync(file);
  const len = git.hash === 'sha256' ? 32 : 20;
  const sum = buf.subarray(buf.length - len);
  if (buf.length >= 12 + len && sum.every((b) => b === 0)) return; // index.skipHash
  if (
    buf.length < 12 + len ||
    !createHash(git.hash ?? 'sha1')
      .update(buf.subarray(0, buf.length - len))
      .digest()
      .equals(sum)
  ) {
    throw new GitStorageError(
      `the git index ${file} is damaged (cut short or overwritten: its checksum does not match); ${FSCK}, and 'git reset' to rebuild the index from HEAD`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// One `git cat-file --batch` per repository: the requests made in one tick go in one write and are
// answered in order. The child keeps Node alive only while answers are due.

type Waiter = { spec: string; resolve(v: { type: string; data: Buffer } | undefined): void; reject(e: Error): void };

class CatFile implements ObjectReader {
  private proc?: ChildProcess;
  private readonly waiting: Waiter[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private pending: string[] = [];
  private stderr = '';

  constructor(private readonly cwd: string) {}

  private start(): ChildProcess {
    const p = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    p.stdout!.on('data', (c: Buffer) => this.drain(c));
    p.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    p.stdin!.on('error', () => {});
    const fail = (e: Error) => {
      this.proc = undefined;
      for (const w of this.waiting.splice(0)) w.reject(gitInputError(e, `cannot read git object '${w.spec}'`));
    };
    p.on('error', fail);
    p.on('close', (code) => fail(new GitCommandError(['cat-file', '--batch'], code, this.stderr || 'ended early')));
    return p;
  }

  private idle(p: ChildProcess): void {
    const busy = this.waiting.length > 0;
    for (const x of [p, p.stdout, p.stderr, p.stdin] as Array<{ ref?(): void; unref?(): void } | null>) busy ? x?.ref?.() : x?.unref?.();
  }

  private drain(chunk: Buffer): void {
    let buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.waiting.length) {
      const nl = buf.indexOf(10);
      if (nl < 0) break;
      const m = /^(\S+) (\S+) (\d+)$/.exec(buf.toString('utf8', 0, nl));
      const end = m ? nl + 1 + Number(m[3]) + 1 : nl + 1; // '<spec> missing' / 'ambiguous': a header alone
      if (buf.length < end) break;
      this.waiting.shift()!.resolve(m ? { type: m[2], data: Buffer.from(buf.subarray(nl + 1, end - 1)) } : undefined);
      buf = buf.subarray(end);
    }
    this.buf = buf;
    if (this.proc) this.idle(this.proc);
  }

  read(spec: string): Promise<{ type: string; data: Buffer } | undefined> {
    if (/[\n\r]/.test(spec)) return Promise.resolve(undefined);
    const p = (this.proc ??= this.start());
    return new Promise((resolve, reject) => {
      this.waiting.push({ spec, resolve, reject });
      this.idle(p);
      if (this.pending.push(spec) === 1) {
        queueMicrotask(() => {
          p.stdin!.write(this.pending.join('\n') + '\n');
          this.pending = [];
        });
      }
    });
  }

  private async typed(oid: string, type: string): Promise<Buffer> {
    const o = await this.read(oid);
    if (!o)
      throw new GitStorageError(
        `git object ${oid.slice(0, 12)} is missing from the repository (a damaged repository or a partial clone that cannot fetch it); ${FSCK}`,
      );
    if (o.type !== type) throw new GitStorageError(`git object ${oid.slice(0, 12)} is a ${o.type}, not a ${type}; ${FSCK}`);
    return o.data;
  }

  async blob(oid: string): Promise<Buffer | undefined> {
    return this.typed(oid, 'blob');
  }

  async tree(oid: string): Promise<Map<string, TreeItem>> {
    const data = await this.typed(oid, 'tree');
    // Entries are '<mode> <name>\0' and the raw id (20 bytes for SHA-1, 32 for SHA-256).
    const hashLen = oid.length / 2;
    const out = new Map<string, TreeItem>();
    for (let off = 0; off < data.length;) {
      const sp = data.indexOf(32, off);
      const nul = data.indexOf(0, sp);
      if (sp < 0 || nul < 0 || nul + 1 + hashLen > data.length) throw new GitStorageError(`git tree ${oid.slice(0, 12)} is malformed; ${FSCK}`);
      const mode = data.toString('latin1', off, sp);
      const type = mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
      out.set(data.toString('utf8', sp + 1, nul), { mode, oid: data.toString('hex', nul + 1, nul + 1 + hashLen), type });
      off = nul + 1 + hashLen;
    }
    return out;
  }

  async commit(oid: string): Promise<CommitInfo> {
    return parseCommit(await this.typed(oid, 'commit'), oid);
  }
}

function parseCommit(data: Buffer, oid: string): CommitInfo {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const person = (key: string) => {
    const m = new RegExp(`^${key} (.*) <([^>]*)> (\\d+)`, 'm').exec(head);
    return { name: m?.[1] ?? '', email: m?.[2] ?? '', timestamp: Number(m?.[3] ?? 0) };
  };
  const tree = /^tree ([0-9a-f]+)$/m.exec(head)?.[1];
  if (!tree) throw new GitStorageError(`git commit ${oid.slice(0, 12)} is malformed; ${FSCK}`);
  const parent = [...head.matchAll(/^parent ([0-9a-f]+)$/gm)].map((m) => m[1]);
  return { tree, parent, author: person('author'), committer: person('committer'), message: end < 0 ? '' : text.slice(end + 2) };
}

// ---------------------------------------------------------------------------------------------------
// A commit.

function normalize(p: string): string {
  const s = p
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '');
  return s === '.' ? '' : s;
}

function join(a: string, b: string): string {
  return !a ? b : !b ? a : `${a}/${b}`;
}

/** The registry at a commit. Paths are relative to the registry root. */
export class GitTreeStorage implements ReadOnlyStorage {
  readonly label: string;
  private readonly trees = new Map<string, Promise<Map<string, TreeItem> | undefined>>();
  private blobs?: Map<string, Buffer>;

  constructor(
    readonly git: GitContext,
    readonly commit: string,
    label?: string,
  ) {
    this.label = label ?? commit.slice(0, 12);
  }

  /** Read every file under the registry root at once: one `git ls-tree -r` and one `git cat-file --batch` run. */
  async preload(): Promise<void> {
    if (this.git.engine !== 'git') return;
    const prefix = this.git.prefix;
    const inside = prefix ? prefix + '/' : '';
    let list: string;
    let buf: Buffer;
    const dirs = new Map<string, Map<string, TreeItem>>();
    const oids: string[] = [];
    try {
      list = await runGit(this.git.dir, ['ls-tree', '-r', '-t', '-z', '--full-tree', this.commit, '--', ...(prefix ? [prefix] : [])]);
      for (let off = 0; off < list.length;) {
        const end = list.indexOf('\0', off);
        const tab = list.indexOf('\t', off);
        const [mode, type, oid] = list.slice(off, tab).split(' ');
        const full = list.slice(tab + 1, end);
        off = end + 1;
        if (type === 'tree') dirs.set(full, dirs.get(full) ?? new Map());
        if (!full.startsWith(inside)) continue; // an ancestor of the registry root
        const slash = full.lastIndexOf('/');
        const parent = slash < 0 ? '' : full.slice(0, slash);
        if (!dirs.has(parent)) dirs.set(parent, new Map());
        dirs.get(parent)!.set(full.slice(slash + 1), { mode, oid, type: type as TreeItem['type'] });
        if (type === 'blob') oids.push(oid);
      }
      buf = await runGit(this.git.dir, ['cat-file', '--batch'], { input: oids.join('\n') + '\n', raw: true });
    } catch (err) {
      throw gitInputError(err, `cannot read ${this.label}`);
    }
    const blobs = new Map<string, Buffer>();
    for (let off = 0, i = 0; i < oids.length; i++) {
      const nl = buf.indexOf(10, off);
      const [oid, type, size] = buf.toString('latin1', off, nl).split(' ');
      if (type !== 'blob') throw new GitStorageError(`git object ${oid.slice(0, 12)} is missing from the repository; ${FSCK}`);
      blobs.set(oid, buf.subarray(nl + 1, nl + 1 + Number(size)));
      off = nl + 1 + Number(size) + 1;
    }
    for (const [d, m] of dirs) if (d === prefix || d.startsWith(inside)) this.trees.set(d, Promise.resolve(m));
    this.blobs = blobs;
  }

  private tree(full: string): Promise<Map<string, TreeItem> | undefined> {
    if (!this.trees.has(full)) this.trees.set(full, this.loadTree(full));
    return this.trees.get(full)!;
  }

  private async loadTree(full: string): Promise<Map<string, TreeItem> | undefined> {
    const item = full === '' ? { type: 'tree', oid: await this.rootTree() } : await this.item(full, true);
    return item?.type === 'tree' ? this.git.objects.tree(item.oid) : undefined;
  }

  private rootTree(): Promise<string> {
    return this.git.objects.commit(this.commit).then((c) => c.tree);
  }

  private async item(p: string, isFull = false): Promise<TreeItem | undefined> {
    const full = isFull ? p : join(this.git.prefix, normalize(p));
    if (full === '') return undefined;
    const slash = full.lastIndexOf('/');
    return (await this.tree(slash === -1 ? '' : full.slice(0, slash)))?.get(full.slice(slash + 1));
  }

  async readFile(p: string, hops = 0): Promise<string | undefined> {
    const item = await this.item(p);
    if (!item || item.type !== 'blob') return undefined;
    const data = this.blobs?.get(item.oid) ?? (await this.git.objects.blob(item.oid));
    if (item.mode === '120000') {
      // A symbolic link: its blob is the target path. Followed only to a file of this tree inside the
      // registry; anything else is never read (LinkEscapeError, as in the working tree).
      const target = data?.toString('utf8') ?? '';
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(normalize(p)), target));
      if (hops >= 8 || target.startsWith('/') || resolved === '..' || resolved.startsWith('../')) throw new LinkEscapeError(normalize(p));
      return this.readFile(resolved, hops + 1);
    }
    return data?.toString('utf8');
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    const t = await this.tree(join(this.git.prefix, normalize(p)));
    return t ? [...t].map(([name, e]) => ({ name, isDir: e.type === 'tree' })) : [];
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
// The index and the working tree: their files, and ids taken from a base commit where git reports no change.

/** Registry-relative folders (with their ancestors) holding a changed path, from git's list of changed paths. */
function changedFolders(prefix: string, paths: string[]): { dirs: Set<string>; files: Set<string> } {
  const dirs = new Set<string>();
  const files = new Set<string>();
  const cut = prefix ? prefix.length + 1 : 0;
  for (const full of paths) {
    if (!full || (prefix && !full.startsWith(prefix + '/'))) continue;
    const rel = full.slice(cut);
    files.add(rel);
    dirs.add('');
    for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) dirs.add(rel.slice(0, i));
  }
  return { dirs, files };
}

abstract class ChangedSide {
  private changes?: Promise<{ dirs: Set<string>; files: Set<string> } | undefined>;
  constructor(
    readonly git: GitContext,
    readonly base?: GitTreeStorage,
  ) {}
  /** Paths (from the work tree top) that differ from the base commit; undefined when unknown. */
  protected abstract changedPaths(base: string): Promise<string[] | undefined>;
  protected abstract exists(rel: string): Promise<boolean>;

  private changed() {
    if (!this.changes) {
      const base = this.base;
      this.changes =
        base && this.git.engine === 'git' ? this.changedPaths(base.commit).then((p) => p && changedFolders(this.git.prefix, p)) : Promise.resolve(undefined);
    }
    return this.changes;
  }

  async treeId(p: string): Promise<string | undefined> {
    const rel = normalize(p);
    const c = await this.changed();
    if (!c) return undefined;
    return c.dirs.has(rel) ? `${this.constructor.name}:${rel}` : this.base!.treeId(rel);
  }

  async fileId(p: string): Promise<string | undefined> {
    const rel = normalize(p);
    const c = await this.changed();
    const id = c && !c.files.has(rel) ? await this.base!.fileId(rel) : undefined;
    if (id) return id;
    return (await this.exists(rel)) ? `${this.constructor.name}:${rel}` : undefined;
  }
}

/** The registry as staged in the index (`git ls-files --stage`; conflicts refused). */
export class GitIndexStorage extends ChangedSide implements ReadOnlyStorage {
  readonly label = 'index';
  private entries?: Promise<Map<string, string>>;

  private index(): Promise<Map<string, string>> {
    if (!this.entries) this.entries = this.git.engine === 'iso' ? import('./gitiso.js').then((m) => m.isoIndex(this.git)) : this.loadIndex();
    return this.entries;
  }

  private async loadIndex(): Promise<Map<string, string>> {
    verifyIndex(this.git);
    const prefix = this.git.prefix;
    let out: string;
    try {
      out = await runGit(this.git.dir, ['ls-files', '--stage', '-z', '--full-name', '--', ...(prefix ? [prefix] : [])]);
    } catch (err) {
      throw gitInputError(err, 'cannot read the index');
    }
    const files = new Map<string, string>();
    for (const rec of out.split('\0')) {
      if (!rec) continue;
      const tab = rec.indexOf('\t');
      const [, oid, stage] = rec.slice(0, tab).split(' ');
      const full = rec.slice(tab + 1);
      if (stage !== '0') throw new InputError(`the index has an unresolved merge conflict in ${full}: resolve it and 'git add' it first`);
      files.set(prefix ? full.slice(prefix.length + 1) : full, oid);
    }
    return files;
  }

  protected async changedPaths(base: string): Promise<string[] | undefined> {
    await this.index(); // conflicts first
    try {
      const out = await runGit(this.git.dir, [
        'diff',
        '--cached',
        '--name-only',
        '--no-renames',
        '-z',
        base,
        '--',
        ...(this.git.prefix ? [this.git.prefix] : []),
      ]);
      return out.split('\0');
    } catch (err) {
      throw gitInputError(err, 'cannot compare the index with HEAD');
    }
  }

  protected async exists(rel: string): Promise<boolean> {
    return (await this.index()).has(rel);
  }

  async readFile(p: string): Promise<string | undefined> {
    const oid = (await this.index()).get(normalize(p));
    return oid ? (await this.git.objects.blob(oid))?.toString('utf8') : undefined;
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    return new MemoryStorage(await this.index()).listDir(p); // paths -> blob ids: the same folder listing
  }
}

/** The registry on disk, with folder ids from what `git diff` and `git ls-files --others` report against the base. */
export class WorkTreeStorage extends ChangedSide implements ReadOnlyStorage {
  readonly label = 'working tree';
  readonly root: string;
  private readonly files: FsStorage;

  constructor(git: GitContext, base?: GitTreeStorage) {
    super(git, base);
    this.root = path.join(git.dir, ...(git.prefix ? git.prefix.split('/') : []));
    this.files = new FsStorage(this.root);
  }

  protected async changedPaths(base: string): Promise<string[] | undefined> {
    verifyIndex(this.git);
    const spec = ['--', ...(this.git.prefix ? [this.git.prefix] : [])];
    try {
      const [tracked, others] = await Promise.all([
        runGit(this.git.dir, ['diff', '--name-only', '--no-renames', '-z', base, ...spec]),
        runGit(this.git.dir, ['ls-files', '-z', '--full-name', '--others', '--exclude-standard', ...spec]),
      ]);
      return [...tracked.split('\0'), ...others.split('\0')];
    } catch (err) {
      throw gitInputError(err, 'cannot compare the working tree with git');
    }
  }

  protected async exists(rel: string): Promise<boolean> {
    return fs.existsSync(path.join(this.root, rel));
  }

  /** A synchronous read: `check` reads every subject.yaml to scan ids, and fs/promises costs ~5x per small file. */
  async readFile(p: string): Promise<string | undefined> {
    // A link leading out of the registry is never read (LinkEscapeError: check reports it).
    assertInsideSync(this.root, normalize(p), path.join(this.root, normalize(p)));
    try {
      return fs.readFileSync(path.join(this.root, normalize(p)), 'utf8');
    } catch (err) {
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code!)) return undefined;
      throw err;
    }
  }

  listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    return this.files.listDir(normalize(p));
  }
}

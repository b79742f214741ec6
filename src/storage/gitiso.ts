/** The fallback when no `git` is on PATH (isomorphic-git): slower, and commits without hooks or signing. */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { removeStaleTemps, writeFileAtomic } from './fsutil.js';
import { InputError } from '../model/errors.js';
import { GitStorageError, type CommitInfo, type GitContext, type ObjectReader, type TreeItem } from './gitcontext.js';

type Iso = typeof import('isomorphic-git');
let iso: Iso | undefined;
/** isomorphic-git, loaded on first use (its CommonJS build: no ESM export scan of a 580 kB file). */
export function loadIso(): Iso {
  if (!iso) iso = createRequire(import.meta.url)('isomorphic-git') as Iso;
  return iso;
}

const FSCK = "run 'git fsck' where git is installed to see what is wrong";

function args(git: GitContext): { fs: typeof fs; dir: string; gitdir: string; cache: object } {
  return { fs, dir: git.dir, gitdir: git.commondir, cache: (git as GitContext & { cache: object }).cache };
}

function damaged(what: string, err: unknown): InputError {
  return new GitStorageError(`${what}: ${(err as Error).message.split('\n')[0]}; ${FSCK}`);
}

/** The repository holding `root` (walking up to a '.git' folder or file), or undefined. */
export async function openIso(root: string): Promise<GitContext | undefined> {
  for (let dir = root; ; dir = path.dirname(dir)) {
    const dotgit = path.join(dir, '.git');
    const st = fs.statSync(dotgit, { throwIfNoEntry: false });
    if (st) {
      let gitdir = dotgit;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotgit, 'utf8'));
        if (!m) throw new InputError("'.git' is a file without a 'gitdir:' line", { file: dotgit });
        gitdir = path.resolve(dir, m[1]);
      }
      const common = fs.existsSync(path.join(gitdir, 'commondir')) ? fs.readFileSync(path.join(gitdir, 'commondir'), 'utf8').trim() : '';
      const commondir = path.resolve(gitdir, common || '.'); // a linked worktree's shared git dir
      const prefix = path.relative(dir, root).split(path.sep).join('/');
      const ctx = { dir, gitdir, commondir, prefix, shallow: fs.existsSync(path.join(commondir, 'shallow')), engine: 'iso' as const, cache: {} };
      return Object.assign(ctx, { objects: new IsoReader(ctx as unknown as GitContext) });
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

class IsoReader implements ObjectReader {
  constructor(private readonly git: GitContext) {}
  async blob(oid: string): Promise<Buffer | undefined> {
    try {
      return Buffer.from((await loadIso().readBlob({ ...args(this.git), oid })).blob);
    } catch (err) {
      throw damaged(`cannot read git object ${oid.slice(0, 12)}`, err);
    }
  }
  async tree(oid: string): Promise<Map<string, TreeItem>> {
    try {
      const t = await loadIso().readTree({ ...args(this.git), oid });
      return new Map(t.tree.map((e) => [e.path, { mode: e.mode, oid: e.oid, type: e.type }]));
    } catch (err) {
      throw damaged(`cannot read git tree ${oid.slice(0, 12)}`, err);
    }
  }
  async commit(oid: string): Promise<CommitInfo> {
    try {
      const c = (await loadIso().readCommit({ ...args(this.git), oid })).commit;
      return { tree: c.tree, parent: c.parent, author: c.author, committer: c.committer, message: c.message };
    } catch (err) {
      throw damaged(`cannot read git commit ${oid.slice(0, 12)}`, err);
    }
  }
}

/** A ref (branch, tag, remote branch, HEAD, a full or short id; no ~N/^N steps without git) to a commit id. */
export async function isoResolve(git: GitContext, ref: string): Promise<string> {
  const g = loadIso();
  const name = ref === '@' ? 'HEAD' : ref;
  let oid = await g.resolveRef({ fs, dir: git.dir, gitdir: name === 'HEAD' ? git.gitdir : git.commondir, ref: name }).catch(() => undefined);
  if (!oid && /^[0-9a-f]{4,64}$/i.test(name)) oid = await g.expandOid({ ...args(git), oid: name.toLowerCase() }).catch(() => undefined);
  if (!oid)
    throw new InputError(name === 'HEAD' ? 'HEAD has no commits yet' : `unknown git ref '${ref}': no branch, tag, remote branch or commit by that name`);
  for (let i = 0; i < 10; i++) {
    const o = (await g.readObject({ ...args(git), oid, format: 'parsed' }).catch((err: unknown) => {
      throw damaged(`'${ref}' points to ${oid!.slice(0, 12)}, which cannot be read`, err);
    })) as { type: string; object: unknown };
    if (o.type === 'commit') return oid;
    if (o.type !== 'tag') break;
    oid = (o.object as { object: string }).object;
  }
  throw new InputError(`'${ref}' does not name a commit`);
}

export async function isoMergeBase(git: GitContext, a: string, b: string): Promise<string | undefined> {
  try {
    return (await loadIso().findMergeBase({ ...args(git), oids: [a, b] }))[0];
  } catch (err) {
    if (git.shallow) return undefined;
    throw damaged(`cannot find the merge base of ${a.slice(0, 12)} and ${b.slice(0, 12)}`, err);
  }
}

/** The index's stage-0 entries under the registry root: registry-relative path -> blob id. */
export async function isoIndex(git: GitContext): Promise<Map<string, string>> {
  const g = loadIso();
  const out = new Map<string, string>();
  const prefix = git.prefix ? git.prefix + '/' : '';
  try {
    await g.walk({
      ...args(git),
      gitdir: git.gitdir,
      trees: [g.STAGE()],
      map: async (file, [e]) => {
        if (!e || file === '.') return true;
        if (prefix && !(file + '/').startsWith(prefix) && !file.startsWith(prefix)) return null;
        if ((await e.type()) === 'blob' && file.startsWith(prefix)) out.set(file.slice(prefix.length), (await e.oid())!);
        return true;
      },
    });
  } catch (err) {
    throw damaged('cannot read the index', err);
  }
  return out;
}

/**
 * node:fs for isomorphic-git, with every writeFile atomic (temporary file, fsync, rename): it writes the
 * index, objects and refs in place, so a killed commit left a 0-byte or torn .git/index (and could leave a
 * torn object that later writes skip because the file exists).
 */
function atomicFs(): import('isomorphic-git').PromiseFsClient {
  const p = fs.promises;
  const promises: Record<string, unknown> = {};
  for (const k of ['readFile', 'mkdir', 'rmdir', 'unlink', 'stat', 'lstat', 'readdir', 'readlink', 'symlink', 'chmod', 'rm'] as const) {
    promises[k] = (p[k] as (...a: unknown[]) => unknown).bind(p);
  }
  promises.writeFile = async (file: string, data: string | Uint8Array, options?: { mode?: number } | string) => {
    const mode = typeof options === 'object' && options ? options.mode : undefined;
    await writeFileAtomic(file, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), { mode });
  };
  return { promises } as unknown as import('isomorphic-git').PromiseFsClient;
}

/** Stage and commit files (work-tree-relative paths) with isomorphic-git. */
export async function isoCommit(git: GitContext, files: string[], message: string, author: { name: string; email: string }): Promise<string> {
  const g = loadIso();
  // Honour git's own lock: a git process holding the index is never raced.
  const indexLock = path.join(git.gitdir, 'index.lock');
  if (fs.existsSync(indexLock)) {
    throw new InputError(`git's index is locked (${indexLock}): a git command is running, or one was killed; remove the file if no git is running`);
  }
  await removeStaleTemps(git.gitdir, 'index');
  const a = { fs: atomicFs(), dir: git.dir, gitdir: git.gitdir, cache: (git as GitContext & { cache: object }).cache };
  for (const filepath of files) await g.add({ ...a, filepath });
  return g.commit({ ...a, message, author });
}

/** user.name / user.email from the repository's config (isomorphic-git reads only that file). */
export async function isoAuthor(git: GitContext): Promise<{ name?: string; email?: string }> {
  const g = loadIso();
  const get = (p: string) => g.getConfig({ fs, dir: git.dir, gitdir: git.commondir, path: p }).catch(() => undefined) as Promise<string | undefined>;
  return { name: await get('user.name'), email: await get('user.email') };
}

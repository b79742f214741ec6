/**
 * Commit a few files with isomorphic-git, fast in a big repository: the new tree is the parent commit's
 * tree with only the folders on the changed paths rewritten (never a tree built from the whole index),
 * and the index gets just the committed entries updated. Other staged changes stay staged and are not
 * committed (like `git commit -- <paths>`). The branch moves under git's own lock protocol.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, LlmSchemaError, UsageError } from '../core/errors.js';
import { loadGit, openGit, readIndexFile, resolveRef, writeIndexFile, type GitContext, type IndexEntry } from './git.js';

export interface CommitFilesOptions {
  /** Any folder inside the repository. */
  root: string;
  /** Absolute paths of the files to commit (a path that no longer exists is committed as a deletion). */
  files: string[];
  message: string;
  /** "Name <email>"; default: $GIT_AUTHOR_NAME/$GIT_AUTHOR_EMAIL, else git config user.name/user.email. */
  author?: string;
}

interface Person {
  name: string;
  email: string;
  timestamp: number;
  timezoneOffset: number;
}

/**
 * Check before writing anything that a commit could be made here: a repository, and an author. Throws
 * the same errors commitFiles would, so `register --commit` refuses before it touches the registry.
 */
export async function checkCanCommit(root: string, author?: string): Promise<{ name: string; email: string }> {
  return authorOf(await openGit(root), author);
}

export async function commitFiles(opts: CommitFilesOptions): Promise<{ commit: string; author: string }> {
  const git = await openGit(opts.root);
  const g = await loadGit();
  const when = Math.floor(Date.now() / 1000);
  const tz = new Date().getTimezoneOffset();
  const who = authorOf(git, opts.author);
  const author: Person = { ...who, timestamp: when, timezoneOffset: tz };
  const committer: Person = {
    name: process.env.GIT_COMMITTER_NAME || who.name,
    email: process.env.GIT_COMMITTER_EMAIL || who.email,
    timestamp: when,
    timezoneOffset: tz,
  };
  const base = { fs, dir: git.dir, gitdir: git.commondir, cache: git.cache };

  // The changed files, relative to the work tree top.
  const changes = new Map<string, { oid: string; mode: string; stat: fs.Stats } | null>();
  for (const abs of opts.files) {
    const rel = path.relative(git.dir, path.resolve(abs)).split(path.sep).join('/');
    if (!rel || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) throw new UsageError(`cannot commit ${abs}: it is outside the repository at ${git.dir}`);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      changes.set(rel, null);
      continue;
    }
    const content = stat.isSymbolicLink() ? Buffer.from(fs.readlinkSync(abs)) : fs.readFileSync(abs);
    const oid = await g.writeBlob({ ...base, blob: content });
    const mode = stat.isSymbolicLink() ? '120000' : stat.mode & 0o100 ? '100755' : '100644';
    changes.set(rel, { oid, mode, stat });
  }

  // The parent and the branch HEAD names.
  const headRef = headTarget(git);
  let parent: string | undefined;
  try {
    parent = await resolveRef(git, 'HEAD');
  } catch (err) {
    if (!(err instanceof InputError && /no commits yet/.test(err.message))) throw err;
  }
  const parentTree = parent ? (await g.readCommit({ ...base, oid: parent })).commit.tree : undefined;

  // Rewrite only the folders on changed paths, bottom-up.
  const byDir = new Map<string, Map<string, { oid: string; mode: string } | null>>();
  const dirsWithChanges = new Set<string>(['']);
  for (const [rel, c] of changes) {
    const slash = rel.lastIndexOf('/');
    const dir = slash === -1 ? '' : rel.slice(0, slash);
    if (!byDir.has(dir)) byDir.set(dir, new Map());
    byDir.get(dir)!.set(rel.slice(slash + 1), c && { oid: c.oid, mode: c.mode });
    const parts = dir ? dir.split('/') : [];
    for (let i = 1; i <= parts.length; i++) dirsWithChanges.add(parts.slice(0, i).join('/'));
  }
  const rewrite = async (dir: string, oid: string | undefined): Promise<string | undefined> => {
    const entries = new Map<string, { mode: string; path: string; oid: string; type: 'blob' | 'tree' | 'commit' }>();
    if (oid) for (const e of (await g.readTree({ ...base, oid })).tree) entries.set(e.path, e);
    for (const [name, c] of byDir.get(dir) ?? []) {
      if (c) entries.set(name, { mode: c.mode, path: name, oid: c.oid, type: 'blob' });
      else if (entries.get(name)?.type === 'blob') entries.delete(name);
    }
    // Child folders on a changed path (existing or new).
    const children = new Set<string>();
    for (const d of dirsWithChanges) {
      if (d === '' || d === dir) continue;
      const parentDir = d.lastIndexOf('/') === -1 ? '' : d.slice(0, d.lastIndexOf('/'));
      if (parentDir === dir) children.add(d.slice(d.lastIndexOf('/') + 1));
    }
    for (const name of children) {
      const existing = entries.get(name);
      const childOid = await rewrite(dir ? `${dir}/${name}` : name, existing?.type === 'tree' ? existing.oid : undefined);
      if (childOid) entries.set(name, { mode: '040000', path: name, oid: childOid, type: 'tree' });
      else entries.delete(name);
    }
    if (entries.size === 0) return undefined;
    return g.writeTree({ ...base, tree: [...entries.values()] });
  };
  const tree = (await rewrite('', parentTree)) ?? (await g.writeTree({ ...base, tree: [] }));
  if (tree === parentTree) throw new UsageError('nothing to commit: the files are already committed as they are');

  const message = opts.message.endsWith('\n') ? opts.message : opts.message + '\n';
  const commit = await g.writeCommit({ ...base, commit: { message, tree, parent: parent ? [parent] : [], author, committer } });

  // Move the branch (or a detached HEAD) from parent to commit, refusing if it moved meanwhile.
  updateRef(git, headRef, parent, commit, `${committer.name} <${committer.email}> ${when} ${tzString(tz)}`, `commit: ${message.split('\n')[0]}`);

  // Record the committed content in the index, touching only those entries.
  updateIndex(git, changes);
  return { commit, author: `${author.name} <${author.email}>` };
}

/** The ref HEAD points to ('refs/heads/main'), or 'HEAD' when detached. */
function headTarget(git: GitContext): string {
  const head = fs.readFileSync(path.join(git.gitdir, 'HEAD'), 'utf8').trim();
  return head.startsWith('ref:') ? head.slice(4).trim() : 'HEAD';
}

function refDir(git: GitContext, ref: string): string {
  return ref === 'HEAD' ? git.gitdir : git.commondir;
}

function updateRef(git: GitContext, ref: string, old: string | undefined, next: string, who: string, msg: string): void {
  const file = path.join(refDir(git, ref), ref);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = file + '.lock';
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch {
    throw new LlmSchemaError(`cannot lock ${ref}: ${lock} exists (another git process is running?); the files were written but not committed`, 2);
  }
  try {
    const current = currentRef(git, ref);
    if ((current ?? undefined) !== old) {
      throw new LlmSchemaError(`${ref} moved while committing (now ${current?.slice(0, 7)}); the files were written but not committed: commit them again`, 2);
    }
    fs.writeSync(fd, next + '\n');
    fs.closeSync(fd);
    fs.renameSync(lock, file);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed */
    }
    fs.rmSync(lock, { force: true });
    throw err;
  }
  // Reflogs, as git keeps them: the branch's (when it has one) and HEAD's.
  const line = `${old ?? '0'.repeat(40)} ${next} ${who}\t${msg}\n`;
  const logs = [path.join(git.gitdir, 'logs', 'HEAD')];
  if (ref !== 'HEAD') logs.push(path.join(git.commondir, 'logs', ref));
  for (const log of logs) {
    try {
      if (fs.existsSync(log) || log.endsWith(`${path.sep}HEAD`)) {
        fs.mkdirSync(path.dirname(log), { recursive: true });
        fs.appendFileSync(log, line);
      }
    } catch {
      /* reflogs are a convenience */
    }
  }
}

function currentRef(git: GitContext, ref: string): string | undefined {
  try {
    const v = fs.readFileSync(path.join(refDir(git, ref), ref), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(v)) return v;
  } catch {
    /* maybe packed */
  }
  try {
    for (const line of fs.readFileSync(path.join(git.commondir, 'packed-refs'), 'utf8').split('\n')) {
      const [oid, name] = line.split(' ');
      if (name === ref) return oid;
    }
  } catch {
    /* none */
  }
  return undefined;
}

function updateIndex(git: GitContext, changes: Map<string, { oid: string; mode: string; stat: fs.Stats } | null>): void {
  const file = path.join(git.gitdir, 'index');
  const lock = file + '.lock';
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch {
    throw new LlmSchemaError(`committed, but cannot lock the index (${lock} exists): run 'git reset -q -- <files>' to refresh it`, 2);
  }
  fs.closeSync(fd);
  try {
    const parsed = readIndexFile(file);
    if (parsed?.extensions.some((x) => x.signature === 'link' || x.signature === 'sdir')) {
      throw new LlmSchemaError(`committed, but the index is split or sparse, which llm-schema does not rewrite: run 'git reset -q -- <files>'`, 2);
    }
    const entries = new Map<string, IndexEntry>();
    for (const e of parsed?.entries ?? []) entries.set(key(e.path, (e.flags >> 12) & 3), e);
    for (const [rel, c] of changes) {
      for (const stage of [0, 1, 2, 3]) entries.delete(key(rel, stage));
      if (!c) continue;
      const st = c.stat;
      const ms = (t: number) => ({ s: Math.floor(t / 1000), ns: Math.round((t % 1000) * 1e6) >>> 0 });
      const ct = ms(st.ctimeMs);
      const mt = ms(st.mtimeMs);
      entries.set(key(rel, 0), {
        path: rel, oid: c.oid, mode: parseInt(c.mode, 8), ctimeS: ct.s, ctimeNs: ct.ns, mtimeS: mt.s, mtimeNs: mt.ns,
        dev: st.dev >>> 0, ino: st.ino >>> 0, uid: st.uid >>> 0, gid: st.gid >>> 0, size: st.size >>> 0, flags: 0, extended: 0,
      });
    }
    // Extensions (cache tree, untracked cache, offsets) would be stale: git rebuilds them when it needs them.
    writeIndexFile(lock, [...entries.values()]);
    fs.renameSync(lock, file);
  } catch (err) {
    fs.rmSync(lock, { force: true });
    throw err;
  }
}

/** The author: --author, else $GIT_AUTHOR_NAME/EMAIL, else git config (repository, then global). */
function authorOf(git: GitContext, given?: string): { name: string; email: string } {
  if (given !== undefined) {
    const m = /^\s*([^<>]*?)\s*<([^<>]*)>\s*$/.exec(given);
    if (!m || !m[1] || !m[2]) throw new UsageError(`invalid --author '${given}': expected "Name <email>"`);
    return { name: m[1], email: m[2] };
  }
  let name = process.env.GIT_AUTHOR_NAME;
  let email = process.env.GIT_AUTHOR_EMAIL;
  const files = [
    path.join(git.gitdir, 'config.worktree'),
    path.join(git.commondir, 'config'),
    path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'git', 'config'),
    path.join(os.homedir(), '.gitconfig'),
  ];
  if (process.env.GIT_CONFIG_GLOBAL) files.splice(2, 2, process.env.GIT_CONFIG_GLOBAL);
  for (const f of files) {
    if (name && email) break;
    const user = readUserSection(f);
    name = name || user.name;
    email = email || user.email;
  }
  if (!name || !email) {
    throw new UsageError(
      `who is committing? set git config user.name and user.email (git config --global user.name "Your Name"; git config --global user.email you@example.com), or pass --author "Name <email>"`,
    );
  }
  return { name, email };
}

function readUserSection(file: string): { name?: string; email?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const out: { name?: string; email?: string } = {};
  let inUser = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[\s*([^\]\s"]+)(?:\s+"[^"]*")?\s*\]/.exec(line);
    if (sec) {
      inUser = sec[1].toLowerCase() === 'user' && !line.includes('"');
      continue;
    }
    if (!inUser) continue;
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let v = kv[2].replace(/\s+[#;].*$/, '').trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    const k = kv[1].toLowerCase();
    if (k === 'name') out.name = v;
    if (k === 'email') out.email = v;
  }
  return out;
}

function key(p: string, stage: number): string {
  return `${p}\u0000${stage}`;
}

function tzString(offsetMinutes: number): string {
  const sign = offsetMinutes <= 0 ? '+' : '-';
  const a = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

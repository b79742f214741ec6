/**
 * A subject's history from git: the commits that changed its folder, newest first, each with what it did
 * (created, registered versions, deprecated versions, metadata), following git's history simplification.
 * `llm-schema log` prints it; `serve --ref` shows each version's registering commit in the web UI.
 */
import { parseSubject } from './subject.js';
import type { SubjectMeta } from '../model/types.js';
import { GitStorageError, type CommitInfo, type GitContext } from '../storage/git.js';

export interface LogEntry {
  commit: string;
  author: { name: string; email: string };
  date: string;
  message: string;
  /** Versions this commit registered. */
  versions: string[];
  /** Versions this commit deprecated. */
  deprecated: string[];
  change: 'created' | 'registered' | 'deprecated' | 'metadata' | 'deleted' | 'files';
}

export interface SubjectHistory {
  commits: LogEntry[];
  /** The walk hit a shallow clone's boundary. */
  truncated: boolean;
}

/** The history of the subject folder SUBJECTDIR (registry-relative) from commit START, at most LIMIT entries. */
export async function subjectHistory(git: GitContext, subjectDir: string, start: string, limit = Infinity): Promise<SubjectHistory> {
  const dir = [git.prefix, subjectDir].filter(Boolean).join('/');
  const parts = dir.split('/');

  // Tree ids along the subject's path, memoised by tree id.
  const trees = new Map<string, Map<string, { oid: string; type: string }>>();
  const readTree = async (oid: string) => {
    let t = trees.get(oid);
    if (!t) {
      t = await git.objects.tree(oid);
      trees.set(oid, t);
    }
    return t;
  };
  const subjectTree = async (tree: string): Promise<string | undefined> => {
    let oid = tree;
    for (const p of parts) {
      const e = (await readTree(oid)).get(p);
      if (!e || e.type !== 'tree') return undefined;
      oid = e.oid;
    }
    return oid;
  };
  const metaAt = async (treeOid: string | undefined): Promise<SubjectMeta | undefined> => {
    if (!treeOid) return undefined;
    const e = (await readTree(treeOid)).get('subject.yaml');
    if (!e) return undefined;
    try {
      const blob = await git.objects.blob(e.oid);
      return blob ? parseSubject(blob.toString('utf8'), 'subject.yaml') : undefined;
    } catch (err) {
      if (err instanceof GitStorageError) throw err; // a damaged repository, not a bad subject.yaml
      return undefined;
    }
  };

  type C = { oid: string; commit: CommitInfo; sub?: string };
  const commits = new Map<string, Promise<C | undefined>>();
  let truncated = false;
  const load = (oid: string) => {
    let p = commits.get(oid);
    if (!p) {
      p = (async () => {
        try {
          const commit = await git.objects.commit(oid);
          return { oid, commit, sub: await subjectTree(commit.tree) };
        } catch (err) {
          if (!git.shallow) throw err; // a missing commit outside a shallow clone is damage, not the end of history
          truncated = true; // a shallow clone's boundary
          return undefined;
        }
      })();
      commits.set(oid, p);
    }
    return p;
  };

  const queue: C[] = [];
  const seen = new Set<string>();
  const push = async (oid: string) => {
    if (seen.has(oid)) return;
    seen.add(oid);
    const c = await load(oid);
    if (c) queue.push(c);
  };
  await push(start);
  const out: LogEntry[] = [];
  while (queue.length && out.length < limit) {
    queue.sort((a, b) => b.commit.committer.timestamp - a.commit.committer.timestamp);
    const c = queue.shift()!;
    const parents = (await Promise.all(c.commit.parent.map(load))).filter((p): p is C => !!p);
    const same = parents.find((p) => p.sub === c.sub);
    if (same) {
      // Unchanged here: follow the parent it came from (git's history simplification).
      if (c.sub !== undefined || same.sub !== undefined) await push(same.oid);
      continue;
    }
    if (c.sub === undefined && parents.every((p) => p.sub === undefined) && c.commit.parent.length) continue;
    const meta = await metaAt(c.sub);
    const prev = parents[0] ? await metaAt(parents[0].sub) : undefined;
    const before = new Map((prev?.versions ?? []).map((v) => [v.version, v]));
    const versions = (meta?.versions ?? []).filter((v) => !before.has(v.version)).map((v) => v.version);
    const deprecated = (meta?.versions ?? []).filter((v) => v.state === 'deprecated' && before.get(v.version)?.state === 'active').map((v) => v.version);
    const change: LogEntry['change'] =
      c.sub === undefined
        ? 'deleted'
        : !prev
          ? 'created'
          : versions.length
            ? 'registered'
            : deprecated.length
              ? 'deprecated'
              : meta && prev && JSON.stringify(meta) !== JSON.stringify(prev)
                ? 'metadata'
                : 'files';
    const a = c.commit.author;
    out.push({
      commit: c.oid,
      author: { name: a.name, email: a.email },
      date: new Date(a.timestamp * 1000).toISOString(),
      message: c.commit.message.replace(/\n+$/, ''),
      versions,
      deprecated,
      change,
    });
    for (const p of parents) if (p.sub !== undefined) await push(p.oid);
  }
  return { commits: out, truncated };
}

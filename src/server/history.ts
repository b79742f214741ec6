/**
 * The web UI shows, serving a git ref, the commit that registered each version. That history is read from
 * git when a snapshot is loaded (started by the source, in the background), never on a request.
 */
import type { GitContext } from '../storage/git.js';

/**
 * What the walk reads of a snapshot: the commit it was loaded from and each subject's folder. A structural type,
 * not snapshot.ts's Snapshot: the snapshot's routes (the UI's) read this module, so importing it back is a cycle.
 */
interface Snapshot {
  commit?: string;
  subjects: Map<string, { subject: string; info: { file: string } }>;
}

export interface RegisteringCommit {
  commit: string;
  author: { name: string; email: string };
  date: string;
  message: string;
}

/** Per snapshot served from a git ref: subject -> version -> the commit that registered it. */
const histories = new WeakMap<Snapshot, Promise<Map<string, Map<string, RegisteringCommit>>>>();
const NO_HISTORY: Promise<Map<string, Map<string, RegisteringCommit>>> = Promise.resolve(new Map());

export function registeringCommits(snap: Snapshot): Promise<Map<string, Map<string, RegisteringCommit>>> {
  return histories.get(snap) ?? NO_HISTORY;
}

/**
 * Serving a git ref: start computing, when the snapshot is loaded, the commit that registered each version
 * (the `llm-schema log` walk from the served commit), so that the UI's subject answers never read git on a
 * request; they wait for this walk at most. Unreadable history (a shallow clone's edge, a repository gone)
 * leaves versions without one.
 */
export function loadHistory(snap: Snapshot, git: GitContext): void {
  if (!snap.commit) return;
  const commit = snap.commit;
  const p = (async () => {
    const out = new Map<string, Map<string, RegisteringCommit>>();
    const { subjectHistory } = await import('../core/history.js');
    for (const s of snap.subjects.values()) {
      const found = new Map<string, RegisteringCommit>();
      try {
        const dir = s.info.file.slice(0, s.info.file.lastIndexOf('/'));
        const { commits } = await subjectHistory(git, dir, commit);
        // Newest first: the oldest commit that lists a version is the one that registered it.
        for (const c of commits) for (const v of c.versions) found.set(v, { commit: c.commit, author: c.author, date: c.date, message: c.message });
      } catch {
        // no history to show for this subject
      }
      out.set(s.subject, found);
    }
    return out;
  })();
  p.catch(() => {});
  histories.set(snap, p);
}

/**
 * The check use-case's setup: which sides `check` compares, from its options. It opens git (when there is a
 * repository, or when an option needs one), finds HEAD, the ref and their merge base, and builds the storages:
 * the side checked (working tree, index or HEAD), the side it is compared with, and a cheap working-tree
 * reader for ids. `checkRegistry` is the whole use-case (setup, then core/check.ts's runCheck) that the CLI
 * calls; adapters pick a reporter and an exit code. Never prints, never exits.
 */
import * as path from 'node:path';
import { InputError, UsageError } from '../../model/errors.js';
import type { GitContext } from '../../storage/gitcontext.js';
import type { RegistryStorage } from '../../storage/types.js';
import { runCheck, type CheckOptions, type CheckResult } from '../check.js';

export interface CheckRequest {
  /** The registry root on disk. */
  root: string;
  /** Compare with the merge base of this ref and HEAD (a branch, origin/main, a tag, a commit). */
  against?: string;
  /** Check the index (pre-commit) instead of the working tree; against HEAD unless `against` is given. */
  staged?: boolean;
  /** Check the HEAD commit instead of the working tree. */
  head?: boolean;
  /** The comparison policy for every subject. */
  policy?: string;
}

/** The sides of one check, ready for runCheck, and the words saying what is compared with what. */
export interface CheckSetup extends CheckOptions {
  /** e.g. "working tree against origin/main (merge base 1a2b3c4)", "whole registry, index". */
  comparison: string;
}

/** Open git as the options need, and build the storages of both sides. */
export async function prepareCheck(req: CheckRequest): Promise<CheckSetup> {
  const { root, against, staged, head: atHead } = req;
  if (staged && atHead) throw new UsageError('--staged and --head pick different sides to check: give one');
  const needGit = !!(against || staged || atHead);
  const checked = staged ? 'index' : atHead ? 'HEAD' : 'working tree';
  let gitMod: typeof import('../../storage/git.js') | undefined;
  let git: GitContext | undefined;
  try {
    gitMod = await import('../../storage/git.js');
    git = await gitMod.openGit(root);
  } catch (err) {
    if (needGit) throw err;
  }
  if (!git || !gitMod) {
    // No repository: the whole registry as it is on disk.
    const { FsStorage } = await import('../../storage/fs.js');
    return { root, head: new FsStorage(root), filePath: (rel) => displayFromCwd(root, rel), comparison: 'whole registry, working tree', policy: req.policy };
  }
  const g = gitMod;
  const prefix = git.prefix;
  const filePath = (rel: string) => (prefix ? `${prefix}/${rel}` : rel);
  // HEAD, the ref and their merge base in one git call; else one by one, for precise messages.
  const quick = against ? await g.refsAndBase(git, against) : undefined;
  const headOid = quick?.head ?? (needGit ? await headCommit(g, git, !against && !atHead) : undefined);
  let base: import('../../storage/git.js').GitTreeStorage | undefined;
  let comparison: string;
  if (against) {
    const target = quick?.target ?? (await g.resolveRef(git, against));
    const mb = quick?.base ?? (await g.mergeBase(git, target, headOid!));
    if (!mb) {
      if (git.shallow) {
        throw new InputError(
          `the merge base of '${against}' and HEAD is not in this shallow clone: run '${g.fetchHint(git, against)}' (in GitHub Actions: actions/checkout with fetch-depth: 0)`,
        );
      }
      throw new InputError(`'${against}' and HEAD share no history: there is no merge base to compare with`);
    }
    base = new g.GitTreeStorage(git, mb, against);
    comparison = `${checked} against ${against}${mb === target ? '' : ` (merge base ${mb.slice(0, 7)})`}`;
  } else if (staged && headOid) {
    base = new g.GitTreeStorage(git, headOid, 'HEAD');
    comparison = 'index against HEAD';
  } else {
    comparison = `whole registry, ${checked}`;
  }
  // The index and the working tree take folder ids from a commit where git reports no change.
  const idBase = base ?? (headOid ? new g.GitTreeStorage(git, headOid, 'HEAD') : undefined);
  const fast = new g.WorkTreeStorage(git, idBase);
  let head: RegistryStorage;
  if (staged) head = new g.GitIndexStorage(git, idBase);
  else if (atHead) head = new g.GitTreeStorage(git, headOid!, 'HEAD');
  else head = fast;
  return { root, head, base, fast, filePath, comparison, policy: req.policy };
}

/** The check use-case: set up the sides, then check. */
export async function checkRegistry(req: CheckRequest): Promise<{ result: CheckResult; comparison: string }> {
  const { comparison, ...options } = await prepareCheck(req);
  return { result: await runCheck(options), comparison };
}

/** HEAD's commit; undefined (when allowed) for a repository without commits. */
async function headCommit(gitMod: typeof import('../../storage/git.js'), git: GitContext, optional: boolean): Promise<string | undefined> {
  try {
    return await gitMod.resolveRef(git, 'HEAD');
  } catch (err) {
    if (optional && err instanceof InputError && /no commits yet/.test(err.message)) return undefined;
    throw err;
  }
}

function displayFromCwd(root: string, rel: string): string {
  const abs = path.join(root, rel);
  const r = path.relative(process.cwd(), abs);
  return r && !r.startsWith('..') ? r.split(path.sep).join('/') : abs;
}

/**
 * The register --commit use-case: `git add` + `git commit -- <paths>`, so the repository's hooks, signing
 * (commit.gpgsign), user.*, split index and object format apply as to any commit. Other staged changes
 * stay staged and are not committed. Without a git binary, isomorphic-git commits (no hooks, no signing).
 */
import * as path from 'node:path';
import { InputError, RefusedError, UsageError } from '../model/errors.js';
import { firstLine, GitCommandError, gitEnv, openGit, runGit, verifyIndex, type GitContext } from '../storage/git.js';
import type { SubjectRef } from './names.js';
import type { RegistryReads } from './registry/reads.js';

export interface CommitFilesOptions {
  /** Any folder inside the repository; absolute paths of the files to commit. */
  root: string;
  files: string[];
  message: string;
  /** "Name <email>"; default: git's own (user.name / user.email, $GIT_AUTHOR_*). */
  author?: string;
}

const WHO =
  'who is committing? set git config user.name and user.email (git config --global user.name "Your Name"; git config --global user.email you@example.com), or pass --author "Name <email>"';

function parseAuthor(given: string): { name: string; email: string } {
  const m = /^\s*([^<>]*?)\s*<([^<>]*)>\s*$/.exec(given);
  if (!m || !m[1] || !m[2]) throw new UsageError(`invalid --author '${given}': expected "Name <email>"`);
  return { name: m[1], email: m[2] };
}

async function authorOf(git: GitContext, given?: string): Promise<{ name: string; email: string }> {
  if (given !== undefined) return parseAuthor(given);
  if (git.engine === 'iso') {
    const cfg = await (await import('../storage/gitiso.js')).isoAuthor(git);
    const name = process.env.GIT_AUTHOR_NAME || cfg.name;
    const email = process.env.GIT_AUTHOR_EMAIL || cfg.email;
    if (!name || !email) throw new UsageError(WHO);
    return { name, email };
  }
  const ident = await runGit(git.dir, ['var', 'GIT_AUTHOR_IDENT']).catch(() => Promise.reject(new UsageError(WHO)));
  return parseAuthor(ident.replace(/\s+\d+\s+[-+]\d{4}\s*$/, ''));
}

/**
 * Check before writing anything that a commit could be made here: a repository, and an author. Throws
 * the same errors commitFiles would, so `register --commit` refuses before it touches the registry.
 */
export async function checkCanCommit(root: string, author?: string): Promise<{ name: string; email: string }> {
  return authorOf((opened = { root, git: await openGit(root) }).git, author);
}

/** The repository checkCanCommit opened (one `git rev-parse` per register --commit, not two). */
let opened: { root: string; git: GitContext } | undefined;

export async function commitFiles(opts: CommitFilesOptions): Promise<{ commit: string; author: string }> {
  const git = opened?.root === opts.root ? opened.git : await openGit(opts.root);
  const rels = opts.files.map((abs) => {
    const rel = path.relative(git.dir, path.resolve(abs)).split(path.sep).join('/');
    if (!rel || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel))
      throw new UsageError(`cannot commit ${abs}: it is outside the repository at ${git.dir}`);
    return rel;
  });
  const listed = rels.join(', ');
  const notCommitted = `the registered files are in place but NOT committed (${listed})`;
  if (git.engine === 'iso') {
    const who = await authorOf(git, opts.author);
    try {
      const commit = await (await import('../storage/gitiso.js')).isoCommit(git, rels, opts.message, who);
      return { commit, author: `${who.name} <${who.email}>` };
    } catch (err) {
      throw new InputError(`${notCommitted}: isomorphic-git could not commit: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const who = opts.author !== undefined ? parseAuthor(opts.author) : undefined;
  try {
    verifyIndex(git);
    await runGit(git.dir, ['add', '--', ...rels]);
  } catch (err) {
    throw new InputError(
      `${notCommitted}: ${err instanceof GitCommandError ? `'git add' failed: ${gitSays(err)}; run 'git status' to see why` : (err as Error).message}`,
    );
  }
  try {
    await runGit(git.dir, ['commit', '-q', '-m', opts.message, ...(who ? [`--author=${who.name} <${who.email}>`] : []), '--', ...rels], {
      env: { ...gitEnv(), GIT_EDITOR: 'true' },
    });
  } catch (err) {
    const says = gitSays(err);
    // git commit exits 1 when a hook (pre-commit, commit-msg) refuses, 128 when it fails (signing, locks).
    if (err instanceof GitCommandError && err.code === 1) {
      throw new RefusedError(`${notCommitted}, but staged: the commit was refused by a git hook (${says}); fix that and run 'git commit'`);
    }
    throw new InputError(`${notCommitted}, but staged: 'git commit' failed: ${says}; run 'git commit' to see why`);
  }
  const [commit, author] = (await runGit(git.dir, ['log', '-1', '--format=%H%n%an <%ae>'])).split('\n');
  return { commit, author };
}

/**
 * Commit a registration (register --commit's afterWrite, still under the registry lock): the subject whole,
 * since subject.yaml lists every version, so every version file it lists goes with it (an earlier registration
 * left uncommitted would otherwise be missing from the commit).
 */
export async function commitRegistered(
  registry: RegistryReads,
  ref: SubjectRef,
  registered: { subject: string; version: string; written: string[] },
  opts: { message?: string; author?: string } = {},
): Promise<{ commit: string; author: string }> {
  const meta = await registry.getSubject(ref);
  const files = new Set(registered.written);
  for (const v of meta.versions) files.add(registry.versionFile(ref, v.version, meta.format));
  return commitFiles({
    root: registry.root,
    files: [...files].map((f) => path.join(registry.root, f)),
    message: opts.message ?? `llm-schema: register ${registered.subject} ${registered.version}`,
    author: opts.author,
  });
}

function gitSays(err: unknown): string {
  return err instanceof GitCommandError ? firstLine(err.stderr) || `exit ${err.code}` : (err as Error).message;
}

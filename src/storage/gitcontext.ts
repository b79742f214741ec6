/**
 * What the git readers share: a repository opened for reading (either engine) and its object reads. Both
 * engines (git.ts: the git binary; gitiso.ts: isomorphic-git) stand on this file, so neither imports the other's
 * types (issue 24: the git <-> gitiso cycle).
 */
import { InputError } from '../model/errors.js';

export interface GitContext {
  /** The work tree top; this work tree's git dir (HEAD, index); the common one (objects, shared refs). */
  dir: string;
  gitdir: string;
  commondir: string;
  /** The registry root relative to the work tree top: '' or 'a/b' (POSIX). */
  prefix: string;
  shallow: boolean;
  hash?: 'sha1' | 'sha256';
  /** 'git': the git binary; 'iso': isomorphic-git (no git on PATH). */
  engine: 'git' | 'iso';
  objects: ObjectReader;
}

export interface TreeItem {
  mode: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

type Person = { name: string; email: string; timestamp: number };
export interface CommitInfo {
  tree: string;
  parent: string[];
  author: Person;
  committer: Person;
  message: string;
}

/** Object reads by id; a missing or damaged object is a GitStorageError. */
export interface ObjectReader {
  blob(oid: string): Promise<Buffer | undefined>;
  tree(oid: string): Promise<Map<string, TreeItem>>;
  commit(oid: string): Promise<CommitInfo>;
}

/** A git repository that cannot be read as asked (damaged, missing objects): an input error, exit 2. */
export class GitStorageError extends InputError {}

/**
 * Where the registry is read from, and (for the working tree only) written to. The same core code reads the
 * working tree, a git commit, the git index or memory, so `check --against`, `check --staged` and `serve --ref`
 * share one path. Paths are POSIX-style and relative to the registry root.
 */
import type { Lock } from './fsutil.js';

export interface RegistryStorage {
  /** A label for messages: 'working tree', 'HEAD', 'index', a commit id. */
  readonly label: string;
  /** File contents, or undefined when the file does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** Names of the entries in a folder (files and folders), or [] when it does not exist. */
  listDir(path: string): Promise<Array<{ name: string; isDir: boolean }>>;
  /**
   * An opaque id for a folder's content when the storage can give one cheaply (a git tree id), so
   * that readers can skip folders that did not change. Undefined when unknown.
   */
  treeId?(path: string): Promise<string | undefined>;
  /** How to write this storage; only a writable one has it (see WritableStorage). */
  readonly writer?: RegistryWriter;
}

/**
 * The writes of a registry: what register, deprecate, config and alias do to the files, and nothing else. Every
 * write is whole or absent (temporary file, fsync, rename); one writer at a time holds the lock.
 */
export interface RegistryWriter {
  /** Take the registry's write lock (across processes; a dead holder's lock is taken over). */
  lock(): Promise<Lock>;
  /** Write a file whole. `exclusive`: never replace one; fails with code EEXIST when it exists. */
  writeFile(path: string, content: string, options?: { exclusive?: boolean }): Promise<void>;
  /** Remove a file; nothing happens when it is not there. */
  removeFile(path: string): Promise<void>;
  /** Every name in a folder, the pending marks and temporary files readers skip included; [] when it does not exist. */
  listAll(path: string): Promise<string[]>;
  /** Remove what dead writers left in a folder: their temporary files (only those of the file `only`, when given). */
  removeStaleTemps(path: string, only?: string): Promise<void>;
}

/** A storage that can be written: the working tree. */
export interface WritableStorage extends RegistryStorage {
  readonly writer: RegistryWriter;
}

/** A storage that is read-only by type (a git commit, the index, memory, a snapshot): it has no writer. */
export interface ReadOnlyStorage extends RegistryStorage {
  readonly writer?: undefined;
}

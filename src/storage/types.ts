/**
 * Where the registry is read from. The same core code reads the working tree, a git commit, the git
 * index or memory, so `check --against`, `check --staged` and `serve --ref` share one path.
 * Paths are POSIX-style and relative to the registry root.
 */
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
}

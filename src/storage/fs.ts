import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { acquireLock, assertInsideSync, removeStaleTemps, writeFileAtomic, type Lock } from './fsutil.js';
import type { ReadOnlyStorage, RegistryWriter, WritableStorage } from './types.js';

/** The registry as it is on disk (the working tree). Symbolic links are followed only within the registry. */
export class FsStorage implements WritableStorage {
  readonly label = 'working tree';
  readonly writer: RegistryWriter;
  constructor(readonly root: string) {
    this.writer = new FsWriter(root);
  }

  async readFile(p: string): Promise<string | undefined> {
    const full = path.resolve(this.root, p);
    assertInsideSync(this.root, p, full);
    try {
      return await fsp.readFile(full, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    try {
      const full = path.resolve(this.root, p);
      // A linked folder leading out of the registry is not listed (its files are never read either).
      if (p !== '' && p !== '.') {
        try {
          assertInsideSync(this.root, p, full);
        } catch {
          return [];
        }
      }
      const entries = await fsp.readdir(full, { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    }
  }
}

/** The working tree's writes: atomic files under the registry root, and the lock file `.llm-schema.lock` beside llm-schema.yaml. */
export class FsWriter implements RegistryWriter {
  constructor(readonly root: string) {}

  lock(): Promise<Lock> {
    return acquireLock(path.join(this.root, '.llm-schema.lock'));
  }

  writeFile(p: string, content: string, options: { exclusive?: boolean } = {}): Promise<void> {
    return writeFileAtomic(path.join(this.root, p), content, options);
  }

  async removeFile(p: string): Promise<void> {
    await fsp.unlink(path.join(this.root, p)).catch(() => {});
  }

  async listAll(p: string): Promise<string[]> {
    return fsp.readdir(path.join(this.root, p)).catch(() => [] as string[]);
  }

  removeStaleTemps(p: string, only?: string): Promise<void> {
    return removeStaleTemps(path.join(this.root, p), only);
  }
}

/** An in-memory registry, for tests and for building snapshots (read-only). */
export class MemoryStorage implements ReadOnlyStorage {
  readonly label: string;
  constructor(
    readonly files: Map<string, string>,
    label = 'memory',
  ) {
    this.label = label;
  }
  async readFile(p: string): Promise<string | undefined> {
    return this.files.get(normalize(p));
  }
  async listDir(p: string): Promise<Array<{ name: string; isDir: boolean }>> {
    const prefix = normalize(p) === '' ? '' : normalize(p) + '/';
    const seen = new Map<string, boolean>();
    for (const f of this.files.keys()) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) seen.set(rest, false);
      else seen.set(rest.slice(0, slash), true);
    }
    return [...seen].map(([name, isDir]) => ({ name, isDir }));
  }
}

function normalize(p: string): string {
  return p.replace(/^\.\/?/, '').replace(/\/+$/, '');
}

import { promises as fsp, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors.js';
import type { RegistryStorage } from './types.js';

/**
 * A file of the registry that is a symbolic link (or lies under one) leading out of the registry: it is
 * never read. `check` reports it as SYMLINK_OUTSIDE_REGISTRY; `serve` logs it and leaves the version out.
 */
export class LinkEscapeError extends InputError {
  static readonly rule = 'SYMLINK_OUTSIDE_REGISTRY';
  constructor(readonly relPath: string) {
    super(`${relPath} is a symbolic link that leads out of the registry; it is not read (rule SYMLINK_OUTSIDE_REGISTRY)`, { file: relPath });
  }
}

const realRoots = new Map<string, string>();

/**
 * Throws LinkEscapeError when `full` (the registry file `rel`) resolves through symbolic links to a place
 * outside `root`. Synchronous, for storages that read synchronously; one realpath call when no link is
 * on the way.
 */
export function assertInsideSync(root: string, rel: string, full: string): void {
  let real: string;
  try {
    real = realpathSync.native(full);
  } catch {
    return; // missing or a dangling link: the read reports it as missing
  }
  if (real === full) return;
  let realRoot = realRoots.get(root);
  if (realRoot === undefined) {
    try {
      realRoot = realpathSync.native(root);
    } catch {
      realRoot = path.resolve(root);
    }
    realRoots.set(root, realRoot);
  }
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)) throw new LinkEscapeError(rel);
}

/** The registry as it is on disk (the working tree). Symbolic links are followed only within the registry. */
export class FsStorage implements RegistryStorage {
  readonly label = 'working tree';
  private realRoot?: Promise<string>;
  constructor(readonly root: string) {}

  /** Throws LinkEscapeError when p resolves (through links) to a place outside the registry root. */
  private async contain(p: string, full: string): Promise<void> {
    let real: string;
    try {
      real = await fsp.realpath(full);
    } catch {
      return; // missing (or a dangling link): the read below reports it as missing
    }
    if (real === full) return; // no link on the way (the common case: one realpath call)
    this.realRoot ??= fsp.realpath(this.root).catch(() => path.resolve(this.root));
    const root = await this.realRoot;
    if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) throw new LinkEscapeError(p);
  }

  async readFile(p: string): Promise<string | undefined> {
    const full = path.resolve(this.root, p);
    await this.contain(p, full);
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
      if (p !== '' && p !== '.' && (await this.contain(p, full).then(() => false, () => true))) return [];
      const entries = await fsp.readdir(full, { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDir: e.isDirectory() }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw err;
    }
  }
}

/** An in-memory registry, for tests and for building snapshots. */
export class MemoryStorage implements RegistryStorage {
  readonly label: string;
  constructor(readonly files: Map<string, string>, label = 'memory') {
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

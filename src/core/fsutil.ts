import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, promises as fsp, realpathSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, LlmSchemaError } from '../model/errors.js';

/**
 * Write a file atomically: write a temporary file beside it, flush it to disk, rename it over the
 * target. A crash leaves the old or the new content, never a torn file.
 */
export async function writeFileAtomic(file: string, content: string, options: { exclusive?: boolean; mode?: number } = {}): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', options.mode ?? 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (options.exclusive) {
      // link() fails if the target exists: an atomic "create with this content".
      await fsp.link(tmp, file);
      await fsp.unlink(tmp);
    } else {
      await fsp.rename(tmp, file);
    }
  } catch (err) {
    await fsp.unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Remove temporary files left by a killed writer (never the live ones of a running process). */
export async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\..+\.tmp-(\d+)-[0-9a-f]+$/.exec(n);
    if (m && !isAlive(Number(m[1]))) await fsp.unlink(path.join(dir, n)).catch(() => {});
  }
}

/** Remove `<lock>.tmp-<pid>-*` and `<lock>.stale-<pid>-*` files whose process is gone (a killed locker's). */
async function removeLockLeftovers(lockFile: string): Promise<void> {
  const dir = path.dirname(lockFile);
  const base = path.basename(lockFile);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    const m = /\.lock\.(?:tmp|stale)-(\d+)-[0-9a-f]+$/.exec(n);
    if (m && n.includes(base) && !isAlive(Number(m[1]))) await fsp.unlink(path.join(dir, n)).catch(() => {});
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Lock {
  release(): Promise<void>;
  /** True while the lock file still names this holder. */
  held(): Promise<boolean>;
}

/**
 * An exclusive lock on the registry: a lock file created atomically (link of a complete temp file),
 * naming the holder's pid and host. A lock whose holder is dead (killed, crashed) is taken over, so a
 * killed process never blocks later commands. Waits up to timeoutMs for a live holder.
 */
export async function acquireLock(lockFile: string, timeoutMs = 30_000): Promise<Lock> {
  const host = os.hostname();
  const token = `${process.pid} ${host} ${randomBytes(6).toString('hex')}\n`;
  const dir = path.dirname(lockFile);
  const tmp = path.join(dir, `.${path.basename(lockFile)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await removeLockLeftovers(lockFile);
  await fsp.writeFile(tmp, token);
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  try {
    while (true) {
      try {
        await fsp.link(tmp, lockFile);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const current = await fsp.readFile(lockFile, 'utf8').catch(() => undefined);
      if (current !== undefined) {
        const [pidText, holderHost] = current.split(' ');
        const pid = Number(pidText);
        if (holderHost === host && !isAlive(pid)) {
          // Take over a dead holder's lock: rename is atomic, so only one process moves this file.
          const stale = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
          try {
            await fsp.rename(lockFile, stale);
            const moved = await fsp.readFile(stale, 'utf8').catch(() => '');
            if (moved !== current) {
              // Someone else replaced it meanwhile with a live lock: put it back if we can.
              await fsp.link(stale, lockFile).catch(() => {});
            }
            await fsp.unlink(stale).catch(() => {});
          } catch {
            /* another process got there first */
          }
          continue;
        }
        if (Date.now() > deadline) {
          throw new LlmSchemaError(`the registry is locked by process ${pid} on ${holderHost} (${lockFile}); try again when it finishes`, 2);
        }
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  } finally {
    await fsp.unlink(tmp).catch(() => {});
  }
  return {
    async held() {
      return (await fsp.readFile(lockFile, 'utf8').catch(() => '')) === token;
    },
    async release() {
      if ((await fsp.readFile(lockFile, 'utf8').catch(() => '')) === token) await fsp.unlink(lockFile).catch(() => {});
    },
  };
}

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

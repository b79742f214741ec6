import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, promises as fsp, realpathSync, statSync, unlinkSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsProblem, InputError, InterruptedError, LlmSchemaError, processRole } from '../model/errors.js';

/** A file could not be written; nothing of it is left behind (exit 2, one line naming the file). */
export class WriteFileError extends LlmSchemaError {
  constructor(
    readonly file: string,
    /** The file system's error code (ENOSPC, EACCES...). */
    readonly errno: string | undefined,
    reason: string,
    /** Whether the file was there before (said in the message); undefined: not said. */
    existed?: boolean,
  ) {
    super(`cannot write ${displayPath(file)}: ${reason}${existed === undefined ? '' : existed ? '; it is unchanged' : '; it was not created'}`, 2);
    this.withCode('WRITE_FAILED', { file: displayPath(file), errno, reason });
  }
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return fsProblem(e?.code) ?? (e?.code ? `${e.code}` : String(e?.message ?? err));
}

/** Write every byte of buf to fd (writeSync may write less than asked: a full disk, a signal). */
function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO', syscall: 'write' });
    off += n;
  }
}

/** Flush a folder's entries (a rename or link in it) to disk, where the platform allows it. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* not supported here (Windows, some network file systems): the rename itself is still atomic */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Write a file atomically: write a temporary file beside it (every byte, checked), flush it to disk,
 * rename it over the target, flush the folder. A crash leaves the old or the new content, never a torn
 * file; a failed write (a full disk) removes the temporary file, leaves the target as it was and throws
 * WriteFileError naming the target.
 */
export async function writeFileAtomic(file: string, content: string | Buffer, options: { exclusive?: boolean; mode?: number } = {}): Promise<void> {
  const dir = path.dirname(file);
  const existed =
    !options.exclusive &&
    (await fsp.stat(file).then(
      () => true,
      () => false,
    ));
  const fail = (err: unknown): never => {
    if (err instanceof LlmSchemaError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && options.exclusive) throw err;
    throw new WriteFileError(file, code, reasonOf(err), existed);
  };
  await fsp.mkdir(dir, { recursive: true }).catch(fail);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', options.mode ?? 0o644);
  } catch (err) {
    return fail(err);
  }
  try {
    try {
      writeAll(fd, buf);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (statSync(tmp).size !== buf.length) throw Object.assign(new Error('short write'), { code: 'EIO', syscall: 'write' });
    if (options.exclusive) {
      // link() fails if the target exists: an atomic "create with this content".
      await fsp.link(tmp, file);
      await fsp.unlink(tmp).catch(() => {});
    } else {
      await fsp.rename(tmp, file);
    }
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone (renamed or never made) */
    }
    return fail(err);
  }
  fsyncDir(dir);
}

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type GuardedSignal = keyof typeof SIGNALS;

export interface WriteGuard {
  /** Before each step that changes files: throws InterruptedError (with the unchanged message) when a signal came. */
  checkpoint(): void;
  /** The signal received so far, if any. */
  readonly signal?: GuardedSignal;
}

/**
 * Run a short sequence of writes with SIGINT, SIGTERM and SIGHUP held back: a signal is noted, and the next
 * checkpoint() throws InterruptedError saying `unchanged` (the caller undoes what it started, in its catch).
 * A signal after the last checkpoint lets the writes finish, then reports `completed` (when given) with the
 * signal's exit code. Either way: one line on stderr, exit 128 + the signal number, no torn state.
 */
export async function withWriteGuard<T>(unchanged: string, fn: (guard: WriteGuard) => Promise<T>, completed?: (value: T) => string): Promise<T> {
  let got: GuardedSignal | undefined;
  const handlers = new Map<GuardedSignal, () => void>();
  for (const sig of Object.keys(SIGNALS) as GuardedSignal[]) {
    const h = () => {
      got ??= sig;
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  const interrupted = (what: string) => new InterruptedError(`interrupted (${got}); ${what}`, 128 + SIGNALS[got!]);
  const guard: WriteGuard = {
    checkpoint() {
      if (got) throw interrupted(unchanged);
    },
    get signal() {
      return got;
    },
  };
  let done: string | undefined;
  try {
    const value = await fn(guard);
    done = completed ? completed(value) : 'the write had completed';
    if (got) throw interrupted(done);
    return value;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    // The writes are done; a signal noticed from now on (the rest is printing and releasing the lock) still
    // says, truthfully, what happened. Only in the CLI's process, which ends right after: a library user's
    // long-running process keeps its own signal handling, and handlers are installed once, not per write.
    if (done !== undefined && !got && processRole.cli) {
      lastDone = done;
      if (!trailingInstalled) {
        trailingInstalled = true;
        for (const sig of Object.keys(SIGNALS) as GuardedSignal[]) {
          process.once(sig, () => {
            process.stderr.write(`llm-schema: interrupted (${sig}); ${lastDone}\n`);
            process.exit(128 + SIGNALS[sig]);
          });
        }
      }
    }
  }
}

let trailingInstalled = false;
let lastDone = '';

/**
 * Remove temporary files left by a killed writer (never the live ones of a running process); only those of
 * the file `only` when given.
 */
export async function removeStaleTemps(dir: string, only?: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.(.+)\.tmp-(\d+)-[0-9a-f]+$/.exec(n);
    if (m && (only === undefined || m[1] === only) && !isAlive(Number(m[2]))) await fsp.unlink(path.join(dir, n)).catch(() => {});
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
export async function acquireLock(lockFile: string, timeoutMs = 30_000, what = 'the registry'): Promise<Lock> {
  const host = os.hostname();
  const token = `${process.pid} ${host} ${randomBytes(6).toString('hex')}\n`;
  const dir = path.dirname(lockFile);
  const tmp = path.join(dir, `.${path.basename(lockFile)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await removeLockLeftovers(lockFile);
  try {
    await fsp.writeFile(tmp, token);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => {});
    throw new WriteFileError(lockFile, (err as NodeJS.ErrnoException).code, reasonOf(err));
  }
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
          throw new LlmSchemaError(`${what} is locked by process ${pid} on ${holderHost} (${lockFile}); try again when it finishes`, 2);
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

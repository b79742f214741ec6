/**
 * `serve`: load the first snapshot, listen, reload on change (polled) and on SIGHUP, stop gracefully on
 * SIGTERM/SIGINT. The CLI command and tests call startServe; the core never listens by itself.
 */
import { UsageError } from '../model/errors.js';
import { RegistryServer, type AccessLogger, type ServerOptions } from './http.js';
import { GitRefSource, Reloader, WorkingTreeSource, type SnapshotSource } from './source.js';
import type { Snapshot } from './snapshot.js';

export { RegistryServer } from './http.js';
export { buildSnapshot } from './load.js';
export type { Snapshot } from './snapshot.js';

export interface ServeOptions extends ServerOptions {
  root: string;
  /** Serve this git ref instead of the working tree. */
  ref?: string;
  /** How often to look for changes, in ms (0: never; SIGHUP still reloads). */
  pollIntervalMs?: number;
}

export interface RunningServer {
  server: RegistryServer;
  url: string;
  host: string;
  port: number;
  snapshot: Snapshot;
  reloader: Reloader;
  /** A one-line description of what is served. */
  describe(): string;
  /** Reload now (as SIGHUP does). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<RunningServer> {
  const source: SnapshotSource = options.ref ? new GitRefSource(options.root, options.ref) : new WorkingTreeSource(options.root);
  const token = await source.fingerprint();
  const first = await source.load(token);
  const server = new RegistryServer(first, options);
  let address: { host: string; port: number };
  try {
    address = await server.listen();
  } catch (err) {
    await server.jobs.close();
    const e = err as NodeJS.ErrnoException;
    const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 8080}`;
    if (e.code === 'EADDRINUSE') throw new UsageError(`cannot listen on ${where}: the port is already in use (pick another with --port)`);
    if (e.code === 'EACCES') throw new UsageError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges)`);
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${where}: no such address on this machine (--host)`);
    throw err;
  }
  const logger: AccessLogger | undefined = options.logger;
  const logSkipped = (snap: Snapshot) => {
    for (const k of snap.skipped ?? []) {
      // A version file, or a whole subject (its subject.yaml: no version), that is a link out of the registry.
      logger?.warn(
        k.version
          ? { event: 'version_skipped', rule: 'SYMLINK_OUTSIDE_REGISTRY', subject: k.subject, version: k.version, file: k.file }
          : { event: 'subject_skipped', rule: 'SYMLINK_OUTSIDE_REGISTRY', subject: k.subject, file: k.file },
        `not serving ${k.subject}${k.version ? ` ${k.version}` : ''}: ${k.reason}`,
      );
    }
  };
  logSkipped(first);
  const reloader = new Reloader(source, first, token, {
    loaded(next, previous) {
      server.swap(next);
      logSkipped(next);
      server.metrics.reloads.ok++;
      server.metrics.lastReloadError = undefined;
      logger?.info(
        {
          event: 'reload',
          snapshot: next.seq,
          previous: previous.seq,
          subjects: next.subjects.size,
          versions: next.versionCount,
          ...(next.commit ? { commit: next.commit } : {}),
        },
        'snapshot reloaded',
      );
    },
    failed(error, tok) {
      server.metrics.reloads.failed++;
      server.metrics.lastReloadError = { message: error.message, at: new Date().toISOString(), ...(options.ref && tok ? { commit: tok } : {}) };
      logger?.error(
        { event: 'reload_failed', error: error.message, ...(options.ref && tok ? { commit: tok } : {}), serving: server.snapshot.seq },
        `reload failed; still serving snapshot ${server.snapshot.seq}`,
      );
    },
  });
  reloader.start(options.pollIntervalMs ?? 2000);
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const describeSource = (s: Snapshot) => (s.commit ? `${s.source} @ ${s.commit.slice(0, 12)}` : s.source);
  return {
    server,
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    host: address.host,
    port: address.port,
    snapshot: first,
    reloader,
    describe: () => {
      const s = server.snapshot;
      return `${s.subjects.size} subjects, ${s.versionCount} versions, ${describeSource(s)}`;
    },
    reload: () => reloader.check(true),
    close: async () => {
      reloader.stop();
      await server.close();
    },
  };
}

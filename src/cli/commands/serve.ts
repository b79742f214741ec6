import type { Command } from 'commander';
import { InputError, UsageError } from '../../model/errors.js';
import { Context } from '../context.js';
import { run } from '../main.js';

interface Opts {
  port: string;
  host: string;
  ref?: string;
  pollInterval: string;
  maxBody: string;
  jobTimeout: string;
  headersTimeout: string;
  requestTimeout: string;
  accessLog: boolean;
  authFile?: string;
  metricsPublic?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  corsOrigin: string[];
  allowedHost: string[];
  ui: boolean;
}

function int(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`invalid ${flag} '${value}': expected a whole number from ${min} to ${max}`);
  return n;
}

export function define(program: Command): void {
  program
    .command('serve')
    .description('serve the registry read-only over HTTP (own JSON API and a Confluent-compatible API)')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--ref <ref>', 'serve this git ref (branch, tag, commit) instead of the working tree; reloaded when it moves')
    .option('--poll-interval <ms>', 'how often to look for changes (0: only on SIGHUP)', '2000')
    .option('--max-body <bytes>', 'largest request body accepted', String(1024 * 1024))
    .option('--job-timeout <ms>', 'time budget for one validation, compatibility, lookup or search request', '5000')
    .option('--headers-timeout <ms>', 'time a client has to send the request headers', '10000')
    .option('--request-timeout <ms>', 'time a client has to send the whole request', '30000')
    .option('--no-access-log', 'do not log each request')
    .option('--auth-file <file>', 'require credentials: users with hashed passwords or tokens and their namespaces (see `llm-schema auth`); reloaded on SIGHUP')
    .option('--metrics-public', 'with --auth-file: leave GET /metrics open for scrapers')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option(
      '--cors-origin <origin>',
      "allow browser requests from this origin (repeatable, or '*')",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--allowed-host <name>',
      "also answer requests for this host name (repeatable; '.example.com' allows its subdomains too; '*' any name). Bound to loopback (the default), serve answers only 127.0.0.1, localhost and [::1] and refuses other Host headers with 403, against DNS rebinding",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--no-ui', 'do not serve the read-only web UI at /ui/')
    .action((_o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          const port = int(o.port, '--port', 0, 65535);
          const pollIntervalMs = int(o.pollInterval, '--poll-interval', 0, 86_400_000);
          const maxBody = int(o.maxBody, '--max-body', 1, 1024 * 1024 * 1024);
          const jobTimeoutMs = int(o.jobTimeout, '--job-timeout', 1, 600_000);
          const headersTimeoutMs = int(o.headersTimeout, '--headers-timeout', 1, 600_000);
          const requestTimeoutMs = Math.max(int(o.requestTimeout, '--request-timeout', 1, 3_600_000), headersTimeoutMs);
          const root = ctx.registryRoot();
          if (!root) throw new UsageError("no registry found: no llm-schema.yaml in this folder or above (run 'llm-schema init', or pass --registry DIR)");

          if (!!o.tlsCert !== !!o.tlsKey) throw new UsageError('--tls-cert and --tls-key go together: give both');
          if (o.metricsPublic && !o.authFile) throw new UsageError('--metrics-public only makes sense with --auth-file');
          for (const origin of o.corsOrigin) {
            if (origin !== '*' && !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/.test(origin)) {
              throw new UsageError(`invalid --cors-origin '${origin}': expected '*' or scheme://host[:port], e.g. https://app.example.com`);
            }
          }
          for (const name of o.allowedHost) {
            if (
              name !== '*' &&
              !/^(\.?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])$/.test(name)
            ) {
              throw new UsageError(
                `invalid --allowed-host '${name}': expected a host name (registry.example.com), '.example.com' for a domain and its subdomains, or '*'`,
              );
            }
          }
          let tls: { cert: Buffer; key: Buffer } | undefined;
          if (o.tlsCert && o.tlsKey) {
            const { readFile } = await import('node:fs/promises');
            const read = async (file: string, what: string) => {
              try {
                const b = await readFile(file);
                if (!b.toString('latin1').includes('-----BEGIN ')) throw new InputError(`not a PEM ${what} (no -----BEGIN line)`, { file });
                return b;
              } catch (err) {
                if (err instanceof InputError) throw err;
                throw new InputError(`cannot read the ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
              }
            };
            tls = { cert: await read(o.tlsCert, 'certificate'), key: await read(o.tlsKey, 'private key') };
            const { createSecureContext } = await import('node:tls');
            try {
              createSecureContext(tls);
            } catch (err) {
              throw new InputError(`the certificate and the private key ${o.tlsKey} cannot be used together: ${(err as Error).message}`, { file: o.tlsCert });
            }
            // OpenSSL accepts a key of another type than the certificate's (an EC key beside an RSA
            // certificate) and every handshake then fails: check that the key is the certificate's own.
            const { X509Certificate, createPrivateKey } = await import('node:crypto');
            let matches: boolean;
            try {
              matches = new X509Certificate(tls.cert).checkPrivateKey(createPrivateKey(tls.key));
            } catch (err) {
              throw new InputError(`the certificate and the private key ${o.tlsKey} cannot be used together: ${(err as Error).message}`, { file: o.tlsCert });
            }
            if (!matches)
              throw new InputError(`the private key ${o.tlsKey} does not belong to this certificate: every TLS handshake would fail`, { file: o.tlsCert });
          }
          let auth: import('../../server/auth.js').Authenticator | undefined;
          if (o.authFile) {
            const { Authenticator } = await import('../../server/auth.js');
            auth = new Authenticator(o.authFile);
            await auth.load();
          }

          const { default: pino } = await import('pino');
          // Events (start, reloads, failures, shutdown) are rare and written at once; access logs are
          // buffered (flushed every second and at exit) so that logging every request stays cheap.
          const level = o.quiet ? 'warn' : 'info';
          const base = { pid: process.pid };
          const logger = pino({ level, base }, pino.destination({ dest: 2, sync: true }));
          const accessDest = pino.destination({ dest: 2, sync: false, minLength: 16_000 });
          const accessLogger = pino({ level, base }, accessDest);
          const flushTimer = setInterval(() => accessDest.flush(), 1000);
          flushTimer.unref();
          const flush = () => {
            clearInterval(flushTimer);
            try {
              accessDest.flushSync();
            } catch {
              // not open yet: nothing buffered
            }
          };

          const { startServe } = await import('../../server/index.js');
          const running = await startServe({
            root,
            ref: o.ref,
            host: o.host,
            port,
            pollIntervalMs,
            maxBody,
            jobTimeoutMs,
            headersTimeoutMs,
            requestTimeoutMs,
            logger,
            accessLogger,
            accessSink: o.quiet ? undefined : accessDest,
            accessLog: o.accessLog && !o.quiet,
            auth,
            metricsPublic: !!o.metricsPublic,
            tls,
            corsOrigins: o.corsOrigin,
            allowedHosts: o.allowedHost,
            ui: o.ui,
          });
          if (auth) logger.info({ event: 'auth', file: o.authFile, users: auth.size }, `credentials required: ${auth.size} users`);
          const loopback = /^(127\.|::1$|localhost$|::ffff:127\.)/.test(running.host) || o.host === 'localhost';
          if (!loopback && !auth)
            logger.warn(
              { event: 'open_to_network', host: running.host },
              'listening beyond this machine without --auth-file: anyone who can reach the port reads every schema',
            );
          if (!loopback && auth && !tls)
            logger.warn(
              { event: 'cleartext_credentials', host: running.host },
              'credentials travel in clear text without --tls-cert/--tls-key (or a TLS proxy in front)',
            );
          if (ctx.out.json) {
            const s = running.snapshot;
            ctx.out.line(
              JSON.stringify({
                url: running.url,
                host: running.host,
                port: running.port,
                subjects: s.subjects.size,
                versions: s.versionCount,
                source: s.source,
                ...(s.commit ? { commit: s.commit } : {}),
              }),
            );
          } else {
            ctx.out.line(`llm-schema serve: listening on ${running.url} (${running.describe()})`);
          }
          ctx.out.flush();
          logger.info({ event: 'listening', url: running.url, snapshot: running.snapshot.seq }, 'listening');

          await new Promise<void>((resolve) => {
            let stopping = false;
            const onHup = () => {
              logger.info({ event: 'sighup' }, 'reloading on SIGHUP');
              void running.reload();
              if (auth) {
                const a = auth;
                a.load().then(
                  () => logger.info({ event: 'auth_reload', users: a.size }, `auth file reloaded: ${a.size} users`),
                  (err: Error) =>
                    logger.error({ event: 'auth_reload_failed', error: err.message }, 'auth file reload failed; the previous users stay in force'),
                );
              }
            };
            const stop = (signal: string) => {
              if (stopping) return;
              stopping = true;
              logger.info({ event: 'shutdown', signal }, 'stopping: finishing requests in flight');
              void running.close().then(() => {
                process.off('SIGHUP', onHup);
                process.off('SIGTERM', onTerm);
                process.off('SIGINT', onInt);
                logger.info({ event: 'stopped' }, 'stopped');
                flush();
                resolve();
              });
            };
            const onTerm = () => stop('SIGTERM');
            const onInt = () => stop('SIGINT');
            process.on('SIGHUP', onHup);
            process.on('SIGTERM', onTerm);
            process.on('SIGINT', onInt);
          });
        },
      ),
    );
}

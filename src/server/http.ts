/**
 * The read-only HTTP server: node:http, no framework. GET answers come precomputed from the current
 * snapshot (one Map lookup by path); POST reads (validate, compatibility, lookup) run in a worker with a
 * time budget; every write is refused with 422 / 42205 as in Confluent's read-only mode. Paths are looked up in the snapshot, never joined into
 * file paths.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Authenticator, Principal } from './auth.js';
import { Gate, header, pathSegments } from './gate.js';
import { JobRunner } from './jobs.js';
import { Metrics } from './metrics.js';
import { errorResult, type Job, type JobResult } from './ops.js';
import {
  confluentSchemas,
  confluentSubjectNames,
  confluentVersionBody,
  CONFLUENT_TYPE,
  idSubjects,
  JSON_TYPE,
  prepare,
  resolveSubject,
  type Prepared,
  type Snapshot,
  type SubjectData,
} from './snapshot.js';

export interface AccessLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ServerOptions {
  host?: string;
  port?: number;
  /** Largest request body in bytes (default 1 MiB); larger ones get 413 and the connection is closed. */
  maxBody?: number;
  /** Time allowed to receive the request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Time allowed to receive the whole request (default 30 s). */
  requestTimeoutMs?: number;
  /** Budget for one validation / compatibility / lookup / search job (default 5 s). */
  jobTimeoutMs?: number;
  /** Run jobs in-process instead of in a worker (tests). */
  inlineJobs?: boolean;
  logger?: AccessLogger;
  /** Where access logs go (default: logger). */
  accessLogger?: AccessLogger;
  /**
   * A raw sink for access-log lines (a pino destination): each line is built by hand in pino's JSON shape,
   * which costs a fraction of a logger call on the hot path. Preferred over accessLogger when given.
   */
  accessSink?: { write(line: string): unknown };
  /** Log every request (default true when a logger is given). */
  accessLog?: boolean;
  /** Users and their namespaces (--auth-file): every route but /health needs credentials. */
  auth?: Authenticator;
  /** With auth: leave GET /metrics open. */
  metricsPublic?: boolean;
  /** CORS: origins allowed ('*' for any). */
  corsOrigins?: string[];
  /** Serve HTTPS with this PEM certificate (chain) and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Serve the read-only web UI under /ui/ (default true; `serve --no-ui` turns it off). */
  ui?: boolean;
  /**
   * Host names (Host header, port aside) answered besides the loopback names and the bound address;
   * '.example.com' also allows its subdomains, '*' turns the check off. The check is on when bound to a
   * loopback address or when names are given (DNS rebinding: a browser page on attacker.example that
   * resolves to 127.0.0.1 sends Host: attacker.example).
   */
  allowedHosts?: string[];
}

/** Routes whose answer depends on the query string: the precomputed answer is used only without one. */
const QUERY_ROUTES = new Set([
  '/subjects',
  '/schemas',
  '/subjects/{s}/versions',
  '/subjects/{s}/versions/{v}',
  '/subjects/{s}/versions/{v}/schema',
  '/schemas/ids/{id}',
  '/schemas/ids/{id}/schema',
  '/schemas/ids/{id}/subjects',
  '/schemas/ids/{id}/versions',
  '/schemas/guids/{guid}',
  '/subjects/{s}/versions/{v}/referencedby',
]);
/** List routes: offset/limit and deletedOnly apply. */
const LIST_ROUTES = new Set([
  '/subjects',
  '/schemas',
  '/subjects/{s}/versions',
  '/schemas/ids/{id}/subjects',
  '/schemas/ids/{id}/versions',
  '/subjects/{s}/versions/{v}/referencedby',
]);

const READ_POSTS = 'POST is accepted only for /schemas/validate, /schemas/compatibility, /schemas/render, /subjects/{subject} (lookup) and /compatibility/...';
const WRITE_REFUSED = 'this registry is read-only: it is served from git by llm-schema serve; register schemas with `llm-schema register` and merge them';

const notFound = prepare(404, { error_code: 404, message: 'HTTP 404 Not Found' }, CONFLUENT_TYPE, 'unknown');
const badPath = prepare(400, { error_code: 400, message: 'malformed URL: bad percent-encoding' }, CONFLUENT_TYPE, 'unknown');
// Confluent's read-only mode: every write is 422 with 42205 (operation not permitted).
const writeRefused = prepare(422, { error_code: 42205, message: WRITE_REFUSED }, CONFLUENT_TYPE, 'write');
const modeReadOnly = prepare(200, { mode: 'READONLY' }, CONFLUENT_TYPE, '/mode/{s}');
const optionsAnswer: Prepared = { status: 204, headers: { Allow: 'GET, HEAD, POST, OPTIONS', 'Content-Length': 0 }, body: Buffer.alloc(0), route: 'OPTIONS' };

class BodyError extends Error {
  constructor(
    readonly prepared: Prepared,
    readonly closeConnection: boolean,
  ) {
    super(String(prepared.status));
  }
}

/** Precomputed answers' headers as flat [name, value, ...] arrays, built on first use. */
const flatHeaders = new WeakMap<Prepared, string[]>();

export class RegistryServer {
  private current: Snapshot;
  readonly server: http.Server;
  readonly metrics = new Metrics();
  readonly jobs: JobRunner;
  private readonly maxBody: number;
  private readonly logger?: AccessLogger;
  private readonly accessLog: boolean;
  private readonly accessSink?: { write(line: string): unknown };
  private readonly bootId = randomBytes(4).toString('hex');
  private counter = 0;
  private closing = false;
  private inFlight = 0;
  /** Auth and CORS, when configured: consulted before routing and on every answer. */
  readonly gate?: Gate;

  constructor(
    snapshot: Snapshot,
    private options: ServerOptions = {},
  ) {
    this.current = snapshot;
    this.maxBody = options.maxBody ?? 1024 * 1024;
    this.logger = options.accessLogger ?? options.logger;
    this.accessLog = options.accessLog ?? !!this.logger;
    this.accessSink = options.accessSink;
    this.jobs = new JobRunner({ timeoutMs: options.jobTimeoutMs, inline: options.inlineJobs });
    if (options.auth || options.corsOrigins?.length) {
      this.gate = new Gate({ auth: options.auth, metricsPublic: options.metricsPublic, corsOrigins: options.corsOrigins });
    }
    const serverOptions: http.ServerOptions = {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      connectionsCheckingInterval: Math.min(1000, options.headersTimeoutMs ?? 1000),
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    };
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = options.tls
      ? (https.createServer(
          // A client that connects and never completes the handshake is cut as one that never sends its
          // headers is (tls' own default waits 120 s).
          { ...serverOptions, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: options.headersTimeoutMs ?? 10_000 },
          onRequest,
        ) as unknown as http.Server)
      : http.createServer(serverOptions, onRequest);
    // Expect: 100-continue: refuse an oversized body before the client sends it.
    this.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const declared = Number(req.headers['content-length']);
      if (!(Number.isFinite(declared) && declared > this.maxBody) && req.method === 'POST') res.writeContinue();
      this.handle(req, res);
    });
    // TLS: sockets past their handshake. A client error on any other (a handshake that failed or timed
    // out) cannot be answered in HTTP: the connection is cut.
    const secured = new WeakSet<object>();
    if (options.tls) this.server.on('secureConnection', (socket: object) => secured.add(socket));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (options.tls && !secured.has(socket)) {
        socket.destroy();
      } else if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
        const status =
          err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : err.code === 'HPE_HEADER_OVERFLOW'
              ? '431 Request Header Fields Too Large'
              : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      } else {
        socket.destroy();
      }
    });
  }

  /** The Host names answered (set by listen()); undefined: every name. */
  private hosts?: HostCheck;
  /** The last Host header found allowed: most requests repeat it, and then cost one comparison. */
  private lastHost?: string;

  private refuseHost(req: http.IncomingMessage, res: http.ServerResponse, given: string): void {
    const start = process.hrtime.bigint();
    const reqId = `${this.bootId}-${++this.counter}`;
    res.setHeader('X-Request-Id', reqId);
    // Cut the connection after the answer: it was opened for another name.
    res.setHeader('Connection', 'close');
    const shown = given.length > 100 ? `${given.slice(0, 100)}...` : given;
    const p = prepare(
      403,
      {
        error_code: 40303,
        message: `requests for host '${shown}' are refused: this server answers only to its own address, localhost and the host names its operator allowed (a protection against DNS rebinding)`,
      },
      JSON_TYPE,
      'host_refused',
    );
    res.writeHead(p.status, p.headers);
    res.end(p.body);
    this.done(req, res, p.route, start, reqId);
  }

  /** The snapshot new requests see. */
  get snapshot(): Snapshot {
    return this.current;
  }

  /** Swap in a new snapshot: requests already running keep the one they started with. */
  swap(snapshot: Snapshot): void {
    this.current = snapshot;
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port ?? 8080, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', onError);
        const a = this.server.address() as AddressInfo;
        this.hosts = HostCheck.for(a.address, this.options.allowedHosts ?? []);
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  /** Stop accepting, let in-flight requests finish (up to graceMs), then stop the worker. */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this.server.closeAllConnections(), graceMs);
      force.unref();
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    await this.jobs.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.hosts !== undefined) {
      const h = header(req, 'host');
      if (h !== undefined && h !== this.lastHost) {
        if (!this.hosts.allows(h)) return this.refuseHost(req, res, h);
        this.lastHost = h;
      }
    }
    const gate = this.gate;
    if (gate === undefined) return this.serve(req, res);
    // Auth and CORS first: an early answer (401, 403, a preflight) or on to routing, as the user.
    const start = process.hrtime.bigint();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const go = (a: true | Prepared) => {
      if (a === true) {
        // Jobs (POSTs, search) need the user; precomputed GETs do not pay for the async context.
        const who = gate.principalOf(req);
        if (who && !who.filter.all && (req.method === 'POST' || rawPath === '/search')) gate.current.run(who, () => this.serve(req, res));
        else this.serve(req, res);
        return;
      }
      const reqId = `${this.bootId}-${++this.counter}`;
      res.setHeader('X-Request-Id', reqId);
      this.send(req, res, a);
      this.done(req, res, a.route, start, reqId);
    };
    const admitted = gate.admit(req, res, req.method ?? 'GET', rawPath, this.current);
    if (admitted instanceof Promise) {
      admitted
        .then(go, () => go(prepare(500, { error_code: 50001, message: 'internal error while checking credentials' }, CONFLUENT_TYPE, 'unauthorized')))
        .catch((err: Error) => {
          // Never an unhandled rejection (it would end the process): cut this request only.
          this.logger?.error({ event: 'request_failed', error: err?.message }, 'request failed');
          req.socket.destroy();
        });
    } else {
      go(admitted);
    }
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const start = process.hrtime.bigint();
    const snap = this.current; // one snapshot for the whole request
    // rawHeaders, not req.headers: the headers object is built lazily, and most requests never need it.
    const given = header(req, 'x-request-id');
    const reqId = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : `${this.bootId}-${++this.counter}`;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && rawPath.indexOf('%') === -1) {
      const p = snap.get.get(rawPath);
      if (p !== undefined && (q === -1 || !QUERY_ROUTES.has(p.route))) {
        this.sendFast(req, res, p, reqId);
        this.done(req, res, p.route, start, reqId);
        return;
      }
    }
    res.setHeader('X-Request-Id', reqId);
    this.inFlight++;
    this.route(req, res, snap, method, rawPath, q === -1 ? '' : url.slice(q + 1))
      .catch((err) => errorResult(500, 50001, `internal error: ${(err as Error).message}`))
      .then((answer) => {
        this.inFlight--;
        if (res.headersSent) return;
        const p = 'headers' in answer ? (answer as Prepared) : prepare(answer.status, answer.body, CONFLUENT_TYPE, 'job');
        this.send(req, res, p);
        this.done(req, res, p.route, start, reqId);
      });
  }

  /**
   * The hot path for precomputed answers: headers as a flat array (no setHeader, no per-request header
   * object), built once per answer and reused.
   */
  private sendFast(req: http.IncomingMessage, res: http.ServerResponse, p: Prepared, reqId: string): void {
    if (this.gate) p = this.gate.filter(req, p, this.current);
    if (p.etag !== undefined) {
      const inm = header(req, 'if-none-match');
      if (inm !== undefined && etagMatches(inm, p.etag)) {
        res.writeHead(304, ['ETag', p.etag, 'Cache-Control', 'no-cache', 'X-Request-Id', reqId, ...(this.closing ? ['Connection', 'close'] : [])]);
        res.end();
        return;
      }
    }
    let flat = flatHeaders.get(p);
    if (!flat) {
      flat = Object.entries(p.headers).flatMap(([k, v]) => [k, String(v)]);
      flatHeaders.set(p, flat);
    }
    res.writeHead(p.status, this.closing ? [...flat, 'X-Request-Id', reqId, 'Connection', 'close'] : [...flat, 'X-Request-Id', reqId]);
    res.end(p.body);
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, p: Prepared): void {
    if (this.gate) p = this.gate.filter(req, p, this.current);
    // Shutting down: a connection whose request started before is not kept alive after its answer.
    if (this.closing) res.setHeader('Connection', 'close');
    if (p.etag !== undefined) {
      const inm = req.headers['if-none-match'];
      if (inm !== undefined && etagMatches(inm, p.etag)) {
        res.writeHead(304, { ETag: p.etag, 'Cache-Control': 'no-cache' });
        res.end();
        return;
      }
    }
    res.writeHead(p.status, p.headers);
    res.end(p.body);
  }

  private done(req: http.IncomingMessage, res: http.ServerResponse, route: string, start: bigint, reqId: string): void {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const method = req.method ?? 'GET';
    this.metrics.observe(method, route, res.statusCode, seconds);
    if (!this.accessLog) return;
    const ms = Math.round(seconds * 1e6) / 1e3;
    // The user a request was admitted as (never the secret); absent without --auth-file.
    const user = this.gate?.userOf(req);
    if (this.accessSink) {
      // pino's line shape, by hand: req_id is [A-Za-z0-9._:-] and route/method are ours; url and remote are escaped.
      this.accessSink.write(
        `{"level":30,"time":${Date.now()},"pid":${process.pid},"req_id":"${reqId}","method":${JSON.stringify(method)},"url":${JSON.stringify(req.url ?? '')},"route":${JSON.stringify(route)},"status":${res.statusCode},"ms":${ms},"remote":${JSON.stringify(req.socket.remoteAddress ?? '')}${user !== undefined ? `,"user":${JSON.stringify(user)}` : ''}}\n`,
      );
    } else if (this.logger) {
      this.logger.info({
        req_id: reqId,
        method,
        url: req.url,
        route,
        status: res.statusCode,
        ms,
        remote: req.socket.remoteAddress,
        ...(user !== undefined ? { user } : {}),
      });
    }
  }

  /** Everything that is not a precomputed GET. Returns the answer; never throws on bad input. */
  private async route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    snap: Snapshot,
    method: string,
    rawPath: string,
    query: string,
  ): Promise<Prepared | JobResult> {
    if ((method === 'GET' || method === 'HEAD') && this.options.ui !== false && (rawPath === '/ui' || rawPath.startsWith('/ui/'))) {
      const { uiAnswer } = await import('./ui/index.js');
      // With --auth-file the UI shows only what the signed-in user may read (aliases as their subjects).
      const who = this.gate?.principalOf(req);
      const viewer = who && !who.filter.all ? { key: who.name, may: (s: string) => who.filter.subject(snap.aliases.get(s) ?? s) } : undefined;
      return uiAnswer(snap, rawPath, header(req, 'accept-encoding'), viewer);
    }
    const segs = pathSegments(rawPath);
    if (!segs) return badPath;
    if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop();
    const params = new URLSearchParams(query);
    const C = CONFLUENT_TYPE;

    if (method === 'GET' || method === 'HEAD') {
      // A percent-encoded or trailing-slash path that names a precomputed answer. A decoded '/' never
      // becomes a path separator: such a segment names nothing.
      if (!segs.some((s) => s.includes('/'))) {
        const key = '/' + segs.join('/');
        const p = snap.get.get(key);
        if (p !== undefined && (query === '' || !QUERY_ROUTES.has(p.route))) return p;
        if (p !== undefined) {
          const viewer = this.viewer(req);
          const may = viewer === undefined || viewer?.filter.all ? undefined : (s: string) => viewer !== null && viewer.filter.subject(s);
          return withQuery(snap, key, p, params, segs, may);
        }
      }
      const [a, b, c, d, e] = segs;
      switch (a) {
        case 'contexts':
          return notFound;
        case 'subjects': {
          const subject = resolveSubject(snap, b);
          if (!subject) return err(404, 40401, `Subject '${b}' not found.`, '/subjects/{s}');
          if (c === 'metadata' && segs.length === 3) return latestWithMetadata(subject, params, snap);
          if (c !== 'versions' || segs.length > 5 || (segs.length === 5 && e !== 'schema' && e !== 'referencedby')) return notFound;
          if (segs.length === 3) return snap.get.get(`/subjects/${b}/versions`)!;
          if (!validConfluentVersion(d))
            return err(
              422,
              42202,
              `The specified version '${d}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
              '/subjects/{s}/versions/{v}',
            );
          return err(404, 40402, `Version ${d} not found.`, '/subjects/{s}/versions/{v}');
        }
        case 'schemas': {
          if (b === 'guids' && segs.length === 3) return err(404, 40403, `Schema ${c} not found`, '/schemas/guids/{guid}');
          if (b === 'ids' && segs.length >= 3 && segs.length <= 4) {
            if (segs.length === 4 && !['schema', 'subjects', 'versions'].includes(d)) return notFound;
            return err(404, 40403, `Schema ${c} not found`, '/schemas/ids/{id}');
          }
          // The web UI's diff view and provider view, over the code `diff --json`, `export` and `lint` run.
          if ((segs.length === 4 && d === 'diff') || (segs.length === 5 && e === 'export')) {
            const diff = d === 'diff';
            const route = diff ? '/schemas/{ns}/{name}/diff' : '/schemas/{ns}/{name}/{version}/export';
            if (!snap.subjects.has(`${b}.${c}`) || b.includes('/') || c.includes('/'))
              return err(404, 40401, `Subject '${b}.${c}' not found.`, route, JSON_TYPE);
            const version = /^(latest|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/;
            if (diff) {
              const from = params.get('from');
              const to = params.get('to') ?? 'latest';
              const mode = params.get('mode') ?? undefined;
              if (!from || !version.test(from) || !version.test(to))
                return err(422, 42202, 'diff needs ?from=VERSION[&to=VERSION] (MAJOR.MINOR.PATCH or latest)', route, JSON_TYPE);
              return this.job(snap, { kind: 'diff', namespace: b, name: c, from, to, mode }, route, JSON_TYPE);
            }
            if (!version.test(d)) return err(422, 42202, `invalid version '${d}': expected MAJOR.MINOR.PATCH or latest`, route, JSON_TYPE);
            const target = params.get('target');
            if (!target) return err(422, 422, 'export needs ?target=openai|anthropic|gemini', route, JSON_TYPE);
            return this.job(snap, { kind: 'provider', namespace: b, name: c, version: d, target }, route, JSON_TYPE);
          }
          if (segs.length === 3 || segs.length === 4) {
            const subject = snap.subjects.get(`${b}.${c}`);
            if (!subject || b.includes('/') || c.includes('/')) return err(404, 40401, `Subject '${b}.${c}' not found.`, '/schemas/{ns}/{name}', JSON_TYPE);
            if (d !== 'latest' && !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(d))
              return err(422, 42202, `invalid version '${d}': expected MAJOR.MINOR.PATCH or latest`, '/schemas/{ns}/{name}/{version}', JSON_TYPE);
            return err(404, 40402, `Version ${d} of '${b}.${c}' not found.`, '/schemas/{ns}/{name}/{version}', JSON_TYPE);
          }
          return notFound;
        }
        case 'config': {
          if (segs.length !== 2) return notFound;
          const own = resolveSubject(snap, b)?.info.meta.compatibility;
          if (own) return prepare(200, { compatibilityLevel: own }, C, '/config/{s}');
          if (params.get('defaultToGlobal') === 'true') return prepare(200, { compatibilityLevel: snap.config.compatibility }, C, '/config/{s}');
          return err(404, 40408, `Subject '${b}' does not have subject-level compatibility configured`, '/config/{s}');
        }
        case 'mode': {
          if (segs.length !== 2) return notFound;
          // The whole registry is read-only: a subject has no mode of its own, and its effective mode is READONLY.
          if (resolveSubject(snap, b) || params.get('defaultToGlobal') === 'true') return modeReadOnly;
          return err(404, 40409, `Subject '${b}' does not have subject-level mode configured`, '/mode/{s}');
        }
        case 'health': {
          if (segs.length !== 1) return notFound;
          // 'degraded': still serving the last good snapshot, but the newest content failed to load.
          const status = this.metrics.lastReloadError ? 'degraded' : 'ok';
          const viewer = this.viewer(req);
          // With --auth-file, /health is open: without credentials it says only ok or degraded.
          if (viewer === null) return prepare(200, { status }, JSON_TYPE, '/health');
          const counts = this.counts(snap, viewer);
          const reloadError = this.metrics.lastReloadError;
          return prepare(
            200,
            {
              status,
              // The error can name any file of the registry: its text only for a user who may read all of it.
              ...(reloadError ? { last_reload_error: viewer === undefined || viewer.filter.all ? reloadError : { at: reloadError.at } } : {}),
              source: snap.source,
              ...(snap.commit ? { commit: snap.commit } : {}),
              subjects: counts.subjects,
              versions: counts.versions,
              snapshot: snap.seq,
              loaded_at: snap.loadedAt.toISOString(),
              uptime_seconds: Math.round((Date.now() - this.metrics.started) / 1000),
            },
            JSON_TYPE,
            '/health',
          );
        }
        case 'metrics':
          if (segs.length !== 1) return notFound;
          return prepare(200, this.renderMetrics(snap, this.viewer(req)), 'text/plain; version=0.0.4; charset=utf-8', '/metrics', { raw: true });
        case 'search': {
          if (segs.length !== 1) return notFound;
          const q = params.get('q')?.trim();
          if (!q) return err(422, 422, 'search needs words: /search?q=words', '/search', JSON_TYPE);
          if (q.length > 1000) return err(422, 422, 'search words are limited to 1000 characters', '/search', JSON_TYPE);
          return this.job(snap, { kind: 'search', q }, '/search', JSON_TYPE);
        }
        default:
          return notFound;
      }
    }

    if (method === 'POST') {
      const [a, b, c, d, e] = segs;
      let route: string | undefined;
      let type = C;
      if (a === 'schemas' && (b === 'validate' || b === 'compatibility' || b === 'render') && segs.length === 2) {
        route = `/schemas/${b}`;
        type = JSON_TYPE;
      } else if (a === 'subjects' && segs.length === 2) {
        route = '/subjects/{s}';
      } else if (a === 'compatibility' && b === 'subjects' && d === 'versions' && (segs.length === 4 || segs.length === 5)) {
        route = segs.length === 5 ? '/compatibility/subjects/{s}/versions/{v}' : '/compatibility/subjects/{s}/versions';
      }
      if (!route) return this.refuse(req, res);
      let body: Record<string, unknown>;
      try {
        body = await this.readJson(req, type, route);
      } catch (e2) {
        if (e2 instanceof BodyError) {
          if (e2.closeConnection) this.linger(req, res);
          return e2.prepared;
        }
        throw e2;
      }
      switch (route) {
        case '/schemas/validate':
          return this.job(snap, { kind: 'validate', namespace: body.namespace, name: body.name, version: body.version, data: body.data }, route, type);
        case '/schemas/render':
          return this.job(snap, { kind: 'render', namespace: body.namespace, name: body.name, version: body.version, input: body.input }, route, type);
        case '/schemas/compatibility':
          return this.job(
            snap,
            { kind: 'compat', namespace: body.namespace, name: body.name, schema: body.schema, mode: body.mode, policy: body.policy },
            route,
            type,
          );
        case '/subjects/{s}': {
          const subject = resolveSubject(snap, b);
          if (!subject) return err(404, 40401, `Subject '${b}' not found.`, route);
          return this.job(snap, { kind: 'lookup', subject: subject.subject, body }, route, type);
        }
        default: {
          if (e !== undefined && !validConfluentVersion(e)) {
            return err(
              422,
              42202,
              `The specified version '${e}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
              route,
            );
          }
          const verbose = params.get('verbose') === 'true';
          const subject = resolveSubject(snap, c);
          if (!subject && e !== undefined && e !== 'latest' && e !== '-1') return err(404, 40401, `Subject '${c}' not found.`, route);
          // An unknown subject accepts any parsable schema (Confluent: is_compatible true); the job still parses it.
          return this.job(snap, { kind: 'ccompat', subject: subject?.subject ?? c, version: e, body, verbose, unknownSubject: !subject }, route, type);
        }
      }
    }
    if (method === 'OPTIONS') return optionsAnswer;
    return this.refuse(req, res);
  }

  /** 422 / 42205 for every write (Confluent's read-only mode), without reading the body. */
  private refuse(req: http.IncomingMessage, res: http.ServerResponse): Prepared {
    const cl = req.headers['content-length'];
    if ((cl !== undefined && cl !== '0') || req.headers['transfer-encoding'] !== undefined) this.linger(req, res);
    return writeRefused;
  }

  /**
   * After an early answer (413, 415, 405) to a request whose body was not read: discard what the client
   * is still sending for a short while, then cut the connection. Closing at once would make the kernel
   * answer the client's next bytes with a reset, which can destroy the answer before the client reads it.
   */
  private linger(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.once('finish', () => {
      if (req.complete) return;
      const limit = Math.max(this.maxBody, 4 * 1024 * 1024);
      let discarded = 0;
      const cut = () => req.socket.destroy();
      const timer = setTimeout(cut, 2000);
      timer.unref();
      req.on('data', (c: Buffer) => {
        discarded += c.length;
        if (discarded > limit) {
          clearTimeout(timer);
          cut();
        }
      });
      req.once('end', () => clearTimeout(timer));
      req.resume();
    });
  }

  private async job(snap: Snapshot, job: Job, route: string, type: string): Promise<Prepared> {
    // A user limited to some namespaces: the job checks the subjects its body names.
    const who = this.gate?.current.getStore();
    const r = await this.jobs.run(snap, who && !who.filter.all ? { ...job, namespaces: who.filter.patterns } : job);
    return prepare(r.status, r.body, type, route);
  }

  /** Read a JSON object body: bounded in size (413, reading stops), JSON only (415), well-formed (400). */
  private readJson(req: http.IncomingMessage, type: string, route: string): Promise<Record<string, unknown>> {
    const ct = String(req.headers['content-type'] ?? '').toLowerCase();
    if (ct !== '' && !/^application\/([a-z0-9.+-]*\+)?json\b|^application\/vnd\.schemaregistry(\.v1)?\+json\b|^application\/octet-stream\b/.test(ct)) {
      return Promise.reject(new BodyError(err(415, 415, `unsupported Content-Type '${ct}': send application/json or ${CONFLUENT_TYPE}`, route, type), true));
    }
    const max = this.maxBody;
    const tooLarge = () => new BodyError(err(413, 413, `request body larger than ${max} bytes`, route, type), true);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return Promise.reject(tooLarge());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > max) {
          failed = true;
          req.pause();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', (e) => {
        if (!failed) reject(e);
      });
      req.on('end', () => {
        if (failed) return;
        const text = Buffer.concat(chunks).toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          reject(new BodyError(err(400, 400, `malformed JSON in the request body: ${(e as Error).message}`, route, type), false));
          return;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          reject(new BodyError(err(422, 422, 'the request body must be a JSON object', route, type), false));
          return;
        }
        resolve(value as Record<string, unknown>);
      });
    });
  }

  /**
   * Who a request reads as: undefined without --auth-file (everything is readable), null with it but no
   * valid credentials (open routes only), else the user.
   */
  private viewer(req: http.IncomingMessage): Principal | null | undefined {
    if (!this.gate?.auth) return undefined;
    return this.gate.principalOf(req) ?? null;
  }

  private countCache = new Map<string, { subjects: number; versions: number }>();

  /** Subjects and versions the viewer may read (registry-wide only without --auth-file or for '*'). */
  private counts(snap: Snapshot, viewer: Principal | null | undefined): { subjects: number; versions: number } {
    if (viewer === undefined || viewer?.filter.all) return { subjects: snap.subjects.size, versions: snap.versionCount };
    if (viewer === null) return { subjects: 0, versions: 0 };
    const key = `${snap.seq}\u0000${viewer.name}`;
    let c = this.countCache.get(key);
    if (!c) {
      c = { subjects: 0, versions: 0 };
      for (const s of snap.subjects.values()) {
        if (!viewer.filter.subject(s.subject)) continue;
        c.subjects++;
        c.versions += s.versions.length;
      }
      if (this.countCache.size > 1000) this.countCache.clear();
      this.countCache.set(key, c);
    }
    return c;
  }

  private renderMetrics(snap: Snapshot, viewer: Principal | null | undefined): string {
    const mem = process.memoryUsage();
    const counts = this.counts(snap, viewer);
    // An anonymous scraper (--metrics-public) sees no registry counts: they would tell about namespaces it may not read.
    const registryGauges: Record<string, { help: string; value: number }> =
      viewer === null
        ? {}
        : {
            llm_schema_subjects: { help: 'Subjects in the served snapshot (that the scraping user may read).', value: counts.subjects },
            llm_schema_versions: { help: 'Schema versions in the served snapshot (that the scraping user may read).', value: counts.versions },
          };
    return this.metrics.render({
      ...registryGauges,
      llm_schema_snapshot_loaded_timestamp_seconds: { help: 'When the served snapshot was loaded.', value: Math.floor(snap.loadedAt.getTime() / 1000) },
      llm_schema_job_timeouts_total: { help: 'Validation or compatibility requests stopped for taking too long.', value: this.jobs.timeouts },
      llm_schema_jobs_slow_lane_total: { help: 'Jobs that ran long and moved, with their thread, to the slow lane.', value: this.jobs.demotions },
      llm_schema_requests_in_flight: { help: 'Requests being answered that are not precomputed.', value: this.inFlight },
      process_resident_memory_bytes: { help: 'Resident memory size in bytes.', value: mem.rss },
      process_start_time_seconds: { help: 'Start time of the process since unix epoch in seconds.', value: Math.floor(this.metrics.started / 1000) },
    });
  }
}

/**
 * A precomputed answer under query parameters: pagination (offset, limit), deleted / deletedOnly (nothing is
 * ever deleted here), subjectPrefix (':*:' = every context), latestOnly, format=serialized (Protobuf),
 * fetchMaxId, and subject on an id's lists.
 */
function withQuery(snap: Snapshot, key: string, p: Prepared, params: URLSearchParams, segs: string[], may?: (subject: string) => boolean): Prepared {
  const C = CONFLUENT_TYPE;
  const route = p.route;
  const serialized = params.get('format') === 'serialized';
  if (LIST_ROUTES.has(route)) {
    const offset = intParam(params, 'offset', 0);
    const limit = intParam(params, 'limit', -1);
    if (offset === undefined || limit === undefined) return err(400, 400, 'offset and limit must be integers (limit -1: no limit)', route);
    let list: unknown[];
    if (params.get('deletedOnly') === 'true') list = [];
    else if (route === '/subjects' || route === '/schemas') {
      const prefix = params.get('subjectPrefix') ?? '';
      const all = prefix === '' || prefix === ':*:';
      const subjects = [...snap.subjects.values()];
      if (route === '/subjects') list = confluentSubjectNames(subjects).filter((n) => all || n.startsWith(prefix));
      else {
        const kept = subjects.filter((s: SubjectData) => all || s.names.some((n) => n.startsWith(prefix)));
        list = confluentSchemas(snap, kept, { latestOnly: params.get('latestOnly') === 'true', serialized });
      }
    } else {
      list = JSON.parse(p.body.toString('utf8')) as unknown[];
      const only = params.get('subject');
      if (only && segs[1] === 'ids') {
        const d = snap.ids.get(Number(segs[2]))!;
        const target = resolveSubject(snap, only);
        list = route === '/schemas/ids/{id}/subjects' ? idSubjects(snap, d, (s) => s === target) : d.uses.filter((u) => u.subject === target?.subject);
      }
    }
    const page = list.slice(offset, limit < 0 ? undefined : offset + limit);
    return prepare(200, page, C, route);
  }
  let answer = p;
  if (serialized) {
    const ser = snap.serialized.get(key);
    if (ser) answer = ser;
    else if (formatOf(snap, segs) === 'protobuf') return err(422, 42201, 'this Protobuf schema cannot be given as a serialized descriptor', route);
  }
  if (route === '/schemas/ids/{id}' && params.get('fetchMaxId') === 'true') {
    const body = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    // The largest id the user may read (an id is readable when one of the subjects using it is).
    let max = 0;
    for (const [id, d] of snap.ids) if (id > max && (!may || d.uses.some((u) => may(u.subject)))) max = id;
    body.maxId = max;
    return prepare(200, body, C, route);
  }
  return answer;
}

function formatOf(snap: Snapshot, segs: string[]): string | undefined {
  if (segs[0] === 'subjects') return resolveSubject(snap, segs[1])?.info.meta.format;
  if (segs[1] === 'ids') return snap.ids.get(Number(segs[2]))?.first.format;
  if (segs[1] === 'guids') return snap.guids.get(segs[2])?.first.format;
  return undefined;
}

/** offset / limit: an integer (limit -1 = all), or undefined when malformed. */
function intParam(params: URLSearchParams, name: string, dflt: number): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return dflt;
  if (!/^-?\d{1,10}$/.test(v)) return undefined;
  const n = Number(v);
  if (name === 'offset' && n < 0) return undefined;
  return n;
}

/**
 * Confluent's GET /subjects/{s}/metadata: the latest version whose metadata properties hold every given
 * key=value pair (key and value parameters repeat in pairs).
 */
function latestWithMetadata(s: SubjectData, params: URLSearchParams, snap: Snapshot): Prepared {
  const route = '/subjects/{s}/metadata';
  const keys = params.getAll('key');
  const values = params.getAll('value');
  if (keys.length !== values.length) return err(422, 422, "metadata lookups need 'key' and 'value' parameters in pairs", route);
  const serialized = params.get('format') === 'serialized';
  for (let i = s.versions.length - 1; i >= 0; i--) {
    const v = s.versions[i];
    if (keys.every((k, j) => v.metadata.properties[k] === values[j])) {
      return prepare(200, confluentVersionBody(v, serialized, snap.ids.get(v.entry.id)?.guid), CONFLUENT_TYPE, route);
    }
  }
  return err(
    404,
    40403,
    `Schema not found: no version of '${s.subject}' has the metadata ${keys.map((k, j) => `${k}=${values[j]}`).join(', ') || '(any)'}`,
    route,
  );
}

function err(status: number, code: number, message: string, route: string, type = CONFLUENT_TYPE): Prepared {
  return prepare(status, { error_code: code, message }, type, route);
}

/** 'latest', -1, or 1..2^31-1. */
function validConfluentVersion(v: string): boolean {
  if (v === 'latest' || v === '-1') return true;
  if (!/^[1-9]\d{0,9}$/.test(v)) return false;
  return Number(v) <= 0x7fffffff;
}

function etagMatches(header: string, etag: string): boolean {
  if (header === etag || header.trim() === '*') return true;
  for (const part of header.split(',')) {
    const t = part.trim();
    if (t === etag || t === `W/${etag}`) return true;
  }
  return false;
}

/** Loopback addresses: 127.0.0.0/8, ::1 and IPv4-mapped 127.x. */
export function isLoopback(address: string): boolean {
  return /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)$/i.test(address);
}

/** The host names a server answers to (the Host header's name; any port). */
export class HostCheck {
  private exact = new Set<string>();
  private suffixes: string[] = [];

  private constructor(bound: string, allowed: string[]) {
    for (const n of ['localhost', '127.0.0.1', '[::1]', bound.includes(':') ? `[${bound.toLowerCase()}]` : bound.toLowerCase()]) this.exact.add(n);
    // *.localhost always resolves to loopback in browsers (RFC 6761).
    this.suffixes.push('.localhost');
    for (const raw of allowed) {
      const n = raw.toLowerCase().replace(/\.$/, '');
      if (n.startsWith('.')) {
        this.suffixes.push(n);
        this.exact.add(n.slice(1));
      } else {
        this.exact.add(n.includes(':') && !n.startsWith('[') ? `[${n}]` : n);
      }
    }
  }

  /** The check for a server bound to `bound`: undefined (every name answered) off loopback without names, or with '*'. */
  static for(bound: string, allowed: string[]): HostCheck | undefined {
    if (allowed.includes('*')) return undefined;
    if (!isLoopback(bound) && allowed.length === 0) return undefined;
    return new HostCheck(bound, allowed);
  }

  allows(hostHeader: string): boolean {
    let name = hostHeader.trim().toLowerCase();
    if (name.startsWith('[')) {
      const end = name.indexOf(']');
      if (end < 0) return false;
      const rest = name.slice(end + 1);
      if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return false;
      name = name.slice(0, end + 1);
    } else {
      const colon = name.indexOf(':');
      if (colon >= 0) {
        if (!/^:\d{1,5}$/.test(name.slice(colon))) return false;
        name = name.slice(0, colon);
      }
    }
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (this.exact.has(name)) return true;
    return this.suffixes.some((sfx) => name.endsWith(sfx) && name.length > sfx.length);
  }
}

export { READ_POSTS };

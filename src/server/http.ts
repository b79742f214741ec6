/**
 * The read-only HTTP server: node:http, no framework. What it answers is the route table (./routes/);
 * this file is the transport: Host check, CORS and authentication (./gate.ts), the precomputed GET fast
 * path (one Map lookup by path), request bodies, access logs and metrics. POST reads (validate,
 * compatibility, lookup) run in a worker with a time budget; every write is refused with 422 / 42205 as
 * in Confluent's read-only mode. Paths are looked up in the snapshot, never joined into file paths.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Authenticator } from './auth.js';
import { Gate, header, type Admission } from './gate.js';
import { JobRunner } from './jobs.js';
import { Metrics } from './metrics.js';
import { errorResult, type Job, type JobResult } from './ops.js';
import { CONFLUENT_TYPE, JSON_TYPE, prepare, type Prepared } from './answer.js';
import { contentTypeOf, dispatch, pathSegments, ROUTES, Router, uiMalformed, type Match, type Services, type Viewer } from './routes/index.js';
import { WRITE_REFUSED } from './errors.js';
import type { Snapshot } from './snapshot.js';

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

const notFound = prepare(404, { error_code: 404, message: 'HTTP 404 Not Found' }, CONFLUENT_TYPE, 'unknown');
const badPath = prepare(400, { error_code: 400, message: 'malformed URL: bad percent-encoding' }, CONFLUENT_TYPE, 'unknown');
const methodNotAllowed = prepare(405, { error_code: 405, message: 'HTTP 405 Method Not Allowed' }, CONFLUENT_TYPE, 'unknown');
// Confluent's read-only mode: every write is 422 with 42205 (operation not permitted), labelled with its route.
const refusals = new Map<string, Prepared>();
function refusal(pattern: string): Prepared {
  let p = refusals.get(pattern);
  if (!p) refusals.set(pattern, (p = prepare(422, { error_code: 42205, message: WRITE_REFUSED }, CONFLUENT_TYPE, pattern)));
  return p;
}
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
  /** The route table this server answers (without the UI's rows with --no-ui). */
  readonly router: Router;
  /** What route handlers may use of the server. */
  private readonly services: Services & { runJob(snap: Snapshot, job: Job): Promise<JobResult> };

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
    this.router = new Router(options.ui === false ? ROUTES.filter((r) => r.family !== 'ui') : ROUTES);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const server = this;
    this.services = {
      metrics: this.metrics,
      jobs: this.jobs,
      get inFlight() {
        return server.inFlight;
      },
      runJob: (snap, job) => server.jobs.run(snap, job),
    };
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
    if (gate === undefined) return this.serve(req, res, undefined, undefined);
    // CORS and authentication first: an early answer (a preflight, 401) or on, as the user. The path is
    // parsed and matched once, here: the route says whether it is open.
    const start = process.hrtime.bigint();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const match = this.match(method, rawPath);
    const route = match === 'malformed' ? undefined : match?.route;
    const open = route?.open === 'always' || (route?.open === 'metrics-public' && gate.metricsPublic);
    const go = (a: Admission) => {
      if (!('status' in a)) return this.serve(req, res, a.viewer, match);
      const reqId = `${this.bootId}-${++this.counter}`;
      res.setHeader('X-Request-Id', reqId);
      this.send(req, res, a);
      this.done(req, res, a.route, start, reqId);
    };
    const admitted = gate.admit(req, res, method, { open, contentType: contentTypeOf(route?.family) });
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

  /** The route a request path names (segments decoded once), 'malformed' for a bad escape, undefined for none. */
  private match(method: string, rawPath: string): Match | 'malformed' | undefined {
    const segs = pathSegments(rawPath);
    if (!segs) return 'malformed';
    return this.router.match(method, segs);
  }

  /**
   * Answer a request as `viewer`. A GET whose answer was precomputed is one Map lookup by the raw path
   * (unless the query string or a limited viewer's list needs the route); everything else is matched
   * (unless the gate did already) and dispatched.
   */
  private serve(req: http.IncomingMessage, res: http.ServerResponse, viewer: Viewer, matched: Match | 'malformed' | undefined): void {
    const start = process.hrtime.bigint();
    const snap = this.current; // one snapshot for the whole request
    // rawHeaders, not req.headers: the headers object is built lazily, and most requests never need it.
    const given = header(req, 'x-request-id');
    const reqId = typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : `${this.bootId}-${++this.counter}`;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && rawPath.indexOf('%') === -1 && (viewer === undefined || viewer?.filter.all)) {
      const p = snap.get.get(rawPath);
      if (p !== undefined && (q === -1 || !this.router.byPattern.get(p.route)?.query)) {
        this.sendFast(req, res, p, reqId);
        this.done(req, res, p.route, start, reqId);
        return;
      }
    }
    res.setHeader('X-Request-Id', reqId);
    this.inFlight++;
    this.answer(req, res, snap, method, rawPath, q === -1 ? '' : url.slice(q + 1), viewer, matched)
      .catch((err) => {
        const r = errorResult(500, 50001, `internal error: ${(err as Error).message}`);
        return prepare(r.status, r.body, CONFLUENT_TYPE, 'unknown');
      })
      .then((p) => {
        this.inFlight--;
        if (res.headersSent) return;
        this.send(req, res, p);
        this.done(req, res, p.route, start, reqId);
      });
  }

  /**
   * The hot path for precomputed answers: headers as a flat array (no setHeader, no per-request header
   * object), built once per answer and reused.
   */
  private sendFast(req: http.IncomingMessage, res: http.ServerResponse, p: Prepared, reqId: string): void {
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

  /** Everything that is not a precomputed GET for everyone: the matched route's answer, or 404 / 405-ish refusals. */
  private async answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    snap: Snapshot,
    method: string,
    rawPath: string,
    query: string,
    viewer: Viewer,
    matched: Match | 'malformed' | undefined,
  ): Promise<Prepared> {
    const match = matched ?? this.match(method, rawPath);
    if (match === 'malformed') {
      if ((method === 'GET' || method === 'HEAD') && this.options.ui !== false && rawPath.startsWith('/ui/')) {
        return uiMalformed(snap, header(req, 'accept-encoding'));
      }
      return badPath;
    }
    if (match === undefined) {
      if (method === 'OPTIONS') return optionsAnswer;
      // As Confluent (Jersey): a path no route has is 404; a path with routes for other methods is 405.
      const segs = pathSegments(rawPath);
      const allowed = segs ? this.router.allowed(segs) : [];
      if (method !== 'GET' && method !== 'HEAD') this.discardBody(req, res);
      if (allowed.length === 0 || (allowed.includes('GET') && method === 'HEAD')) return notFound;
      return { ...methodNotAllowed, headers: { ...methodNotAllowed.headers, Allow: [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', ') } };
    }
    if (match.route.refuses) {
      // A write (Confluent's read-only mode): refused without reading the body.
      this.discardBody(req, res);
      return refusal(match.route.pattern);
    }
    return dispatch({
      snap,
      method,
      match,
      query,
      viewer,
      header: (name) => header(req, name),
      services: this.services,
      readBody: (route) =>
        this.readJson(req, contentTypeOf(route.family), route.pattern).catch((e) => {
          if (!(e instanceof BodyError)) throw e;
          if (e.closeConnection) this.linger(req, res);
          return e.prepared;
        }),
    });
  }

  /** An answer given without reading the request's body (a write refused, 404, 405): the body is discarded. */
  private discardBody(req: http.IncomingMessage, res: http.ServerResponse): void {
    const cl = req.headers['content-length'];
    if ((cl !== undefined && cl !== '0') || req.headers['transfer-encoding'] !== undefined) this.linger(req, res);
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
}

function err(status: number, code: number, message: string, route: string, type = CONFLUENT_TYPE): Prepared {
  return prepare(status, { error_code: code, message }, type, route);
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

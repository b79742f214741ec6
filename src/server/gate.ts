/**
 * What stands in front of the routes when serve is put on a network: CORS (preflights and headers),
 * authentication (HTTP basic and bearer against an auth file), authorization by namespace (403 on a
 * subject outside the user's namespaces) and per-user filtering of list answers. The router itself
 * does not know about users: the server calls admit() first and filter() on each answer.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type * as http from 'node:http';
import type { Authenticator, Principal } from './auth.js';
import { CONFLUENT_TYPE, JSON_TYPE, prepare, type Prepared, type Snapshot } from './snapshot.js';

export interface GateOptions {
  auth?: Authenticator;
  /** Leave GET /metrics open (for scrapers) when auth is on. */
  metricsPublic?: boolean;
  /** Origins allowed by CORS; '*' for any. Empty: no CORS headers. */
  corsOrigins?: string[];
}

/** Routes whose answers list subjects: filtered per user. */
const LIST_ROUTES = new Set(['/subjects', '/schemas', '/registry', '/search', '/schemas/ids/{id}/subjects', '/schemas/ids/{id}/versions']);
/** First path segments of the own (application/json) API; the rest is Confluent's. */
const OWN_FIRST = new Set(['health', 'registry', 'search', 'metrics', 'ui']);
const CHALLENGES = ['Basic realm="llm-schema", charset="UTF-8"', 'Bearer realm="llm-schema"'];
const ALLOW_HEADERS = 'Authorization, Content-Type, If-None-Match, X-Request-Id';
const EXPOSE_HEADERS = 'ETag, X-Request-Id, WWW-Authenticate';

/** admit(): true to go on routing; a Prepared to answer at once (401, 403, a preflight). */
export type Admission = true | Prepared;

export class Gate {
  readonly auth?: Authenticator;
  private readonly metricsPublic: boolean;
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;
  private readonly principals = new WeakMap<http.IncomingMessage, Principal>();
  private readonly filtered = new WeakMap<Prepared, Map<string, Prepared>>();
  /** The principal of the request being routed (read where jobs are built). */
  readonly current = new AsyncLocalStorage<Principal | undefined>();

  constructor(options: GateOptions) {
    this.auth = options.auth;
    this.metricsPublic = !!options.metricsPublic;
    this.anyOrigin = (options.corsOrigins ?? []).includes('*');
    this.origins = new Set((options.corsOrigins ?? []).filter((o) => o !== '*').map((o) => o.replace(/\/+$/, '').toLowerCase()));
  }

  get cors(): boolean {
    return this.anyOrigin || this.origins.size > 0;
  }

  /** The user a request was admitted as (for the access log). */
  userOf(req: http.IncomingMessage): string | undefined {
    return this.principals.get(req)?.name;
  }

  principalOf(req: http.IncomingMessage): Principal | undefined {
    return this.principals.get(req);
  }

  admit(req: http.IncomingMessage, res: http.ServerResponse, method: string, rawPath: string, snap: Snapshot): Admission | Promise<Admission> {
    if (this.cors) {
      const origin = header(req, 'origin');
      if (origin !== undefined && this.originAllowed(origin)) {
        res.setHeader('Access-Control-Allow-Origin', this.anyOrigin && !this.auth ? '*' : origin);
        res.setHeader('Vary', 'Origin');
        if (method === 'OPTIONS' && header(req, 'access-control-request-method') !== undefined) {
          // A preflight carries no credentials: it is answered without them.
          const asked = header(req, 'access-control-request-headers');
          return {
            status: 204,
            headers: {
              'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
              'Access-Control-Allow-Headers': asked !== undefined && /^[A-Za-z0-9!#$%&'*+.^_`|~, -]{1,1000}$/.test(asked) ? asked : ALLOW_HEADERS,
              'Access-Control-Max-Age': 600,
              'Content-Length': 0,
            },
            body: Buffer.alloc(0),
            route: 'preflight',
          };
        }
        res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      }
    }
    if (!this.auth) return true;
    if (rawPath === '/health' || (this.metricsPublic && rawPath === '/metrics')) {
      // Open routes: answered to anyone, with detail only for a user who sent valid credentials.
      const given = header(req, 'authorization');
      if (given === undefined) return true;
      const found = this.auth.authenticate(given, req.socket);
      const remember = (p: Principal | null | 'busy'): Admission => {
        if (p && p !== 'busy') this.principals.set(req, p);
        return true;
      };
      return found instanceof Promise ? found.then(remember) : remember(found);
    }
    const found = this.auth.authenticate(header(req, 'authorization'), req.socket);
    if (found instanceof Promise) return found.then((p) => (p === 'busy' ? this.busy(res, rawPath) : this.decide(req, res, p, rawPath, snap)));
    return this.decide(req, res, found, rawPath, snap);
  }

  /** 429: this client has too many credential checks waiting (a flood of made-up credentials); nothing was checked. */
  private busy(res: http.ServerResponse, rawPath: string): Admission {
    res.setHeader('Retry-After', '1');
    return errorAnswer(rawPath, 429, 42901, 'Too many credential checks are waiting from this address; retry later', 'busy');
  }

  private decide(req: http.IncomingMessage, res: http.ServerResponse, p: Principal | null, rawPath: string, snap: Snapshot): Admission {
    if (!p) {
      res.setHeader('WWW-Authenticate', CHALLENGES);
      const given = header(req, 'authorization') !== undefined;
      return errorAnswer(
        rawPath,
        401,
        40101,
        given ? 'Unauthorized: the credentials are not valid' : 'Unauthorized: send HTTP basic credentials or a bearer token',
        'unauthorized',
      );
    }
    this.principals.set(req, p);
    if (p.filter.all) return true;
    const subject = subjectOfPath(rawPath, snap);
    if (subject === undefined) return true;
    if (typeof subject === 'number') {
      const uses = snap.ids.get(subject)?.uses;
      if (!uses || uses.some((u) => p.filter.subject(u.subject))) return true;
      return errorAnswer(rawPath, 403, 40301, `User '${p.name}' may not read schema ${subject}`, 'forbidden');
    }
    const real = snap.aliases.get(subject) ?? snap.subjects.get(subject)?.subject ?? subject;
    if (subject.startsWith('ns:') ? p.filter.namespace(subject.slice(3)) : p.filter.subject(real)) return true;
    const what = subject.startsWith('ns:') ? `namespace '${subject.slice(3)}'` : `subject '${subject}'`;
    return errorAnswer(rawPath, 403, 40301, `User '${p.name}' may not read ${what}`, 'forbidden');
  }

  private originAllowed(origin: string): boolean {
    return this.anyOrigin || this.origins.has(origin.toLowerCase());
  }

  /** A list answer with only what the request's user may read (cached per answer and user). */
  filter(req: http.IncomingMessage, p: Prepared, snap: Snapshot): Prepared {
    if (!this.auth || p.status !== 200 || !LIST_ROUTES.has(p.route)) return p;
    const who = this.principals.get(req);
    if (!who || who.filter.all) return p;
    let perUser = this.filtered.get(p);
    if (!perUser) this.filtered.set(p, (perUser = new Map()));
    let out = perUser.get(who.name);
    if (!out) {
      // An alias (orders-value) is readable exactly when the subject it stands for is.
      out = filterAnswer(p, (s) => who.filter.subject(snap.aliases.get(s) ?? s));
      perUser.set(who.name, out);
    }
    return out;
  }
}

/** A request header by lower-case name, read from rawHeaders (first occurrence; no req.headers object built). */
export function header(req: http.IncomingMessage, name: string): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i];
    if (k.length === name.length && k.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

function errorAnswer(rawPath: string, status: number, code: number, message: string, route: string): Prepared {
  const first = rawPath.split('/')[1] ?? '';
  const own = OWN_FIRST.has(first) || (first === 'schemas' && !['ids', 'types', 'guids'].includes(rawPath.split('/')[2] ?? ''));
  return prepare(status, { error_code: code, message }, own ? JSON_TYPE : CONFLUENT_TYPE, route);
}

/** A request path's segments, percent-decoded; undefined when an escape is malformed (the router answers 400). */
export function pathSegments(rawPath: string): string[] | undefined {
  try {
    return rawPath
      .split('/')
      .slice(1)
      .map((s) => (s.indexOf('%') === -1 ? s : decodeURIComponent(s)));
  } catch {
    return undefined;
  }
}

/**
 * The subject (full name), 'ns:<namespace>', or schema id a path reads; undefined for paths that read
 * no one subject (lists, config, health...).
 */
export function subjectOfPath(rawPath: string, snap: Snapshot): string | number | undefined {
  const segs = pathSegments(rawPath);
  if (!segs) return undefined; // the router answers 400
  const [a, b, c] = segs;
  switch (a) {
    case 'subjects':
    case 'config':
    case 'mode':
      return b !== undefined && b !== '' ? b : undefined;
    case 'compatibility':
      return b === 'subjects' && c !== undefined && c !== '' ? c : undefined;
    case 'schemas':
      if (b === 'ids') {
        const id = Number(c);
        return Number.isInteger(id) && id > 0 ? id : undefined;
      }
      // A guid reads the schema of one id: authorised like that id (an unknown guid is the router's 404).
      if (b === 'guids') return c !== undefined ? snap.guids.get(c)?.id : undefined;
      if (b === undefined || b === '' || b === 'types' || b === 'validate' || b === 'compatibility' || b === 'render') return undefined;
      if (c !== undefined && c !== '') return snap.subjects.has(`${b}.${c}`) ? `${b}.${c}` : `ns:${b}`;
      return `ns:${b}`;
    default:
      return undefined;
  }
}

/** Keep only the subjects `ok` allows in a list answer: arrays of names or of objects with 'subject'. */
export function filterAnswer(p: Prepared, ok: (subject: string) => boolean): Prepared {
  let value: unknown;
  try {
    value = JSON.parse(p.body.toString('utf8'));
  } catch {
    return p;
  }
  const keep = (x: unknown): boolean => {
    if (typeof x === 'string') return ok(x);
    if (x && typeof x === 'object' && typeof (x as { subject?: unknown }).subject === 'string') return ok((x as { subject: string }).subject);
    if (x && typeof x === 'object' && typeof (x as { namespace?: unknown }).namespace === 'string' && typeof (x as { name?: unknown }).name === 'string') {
      return ok(`${(x as { namespace: string }).namespace}.${(x as { name: string }).name}`);
    }
    return true;
  };
  let out: unknown = value;
  if (Array.isArray(value)) out = value.filter(keep);
  else if (value && typeof value === 'object') {
    const o = { ...(value as Record<string, unknown>) };
    for (const k of ['subjects', 'results', 'schemas']) if (Array.isArray(o[k])) o[k] = (o[k] as unknown[]).filter(keep);
    out = o;
  }
  const type = String(p.headers['Content-Type'] ?? CONFLUENT_TYPE);
  return prepare(200, out, type, p.route, { etag: p.etag !== undefined });
}

/**
 * What stands in front of the routes when serve is put on a network: CORS (preflights and headers) and
 * authentication (HTTP basic and bearer against an auth file). It knows no paths: the matched route says
 * whether it is open, and access to what a request reads is decided in dispatch (routes/index.ts) from
 * the route table.
 */
import type * as http from 'node:http';
import { prepare, type Prepared } from './answer.js';
import type { Authenticator, Principal } from './auth.js';

export interface GateOptions {
  auth?: Authenticator;
  /** Leave GET /metrics open (for scrapers) when auth is on. */
  metricsPublic?: boolean;
  /** Origins allowed by CORS; '*' for any. Empty: no CORS headers. */
  corsOrigins?: string[];
}

const CHALLENGES = ['Basic realm="llm-schema", charset="UTF-8"', 'Bearer realm="llm-schema"'];
const ALLOW_HEADERS = 'Authorization, Content-Type, If-None-Match, X-Request-Id';
const EXPOSE_HEADERS = 'ETag, X-Request-Id, WWW-Authenticate';

/**
 * admit(): who the request reads as (undefined without --auth-file, null: no valid credentials on an open
 * route), or an answer to send at once (a preflight, 401, 429).
 */
export type Admission = { viewer: Principal | null | undefined } | Prepared;

/** How the matched route is reached: open without credentials, and the content type of its errors. */
export interface Entry {
  open: boolean;
  contentType: string;
}

export class Gate {
  readonly auth?: Authenticator;
  readonly metricsPublic: boolean;
  private readonly anyOrigin: boolean;
  private readonly origins: Set<string>;
  private readonly principals = new WeakMap<http.IncomingMessage, Principal>();

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

  admit(req: http.IncomingMessage, res: http.ServerResponse, method: string, entry: Entry): Admission | Promise<Admission> {
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
    if (!this.auth) return { viewer: undefined };
    const remember = (p: Principal | null): Admission => {
      if (p) this.principals.set(req, p);
      return { viewer: p };
    };
    if (entry.open) {
      // Open routes: answered to anyone, with detail only for a user who sent valid credentials.
      const given = header(req, 'authorization');
      if (given === undefined) return { viewer: null };
      const found = this.auth.authenticate(given, req.socket);
      return found instanceof Promise ? found.then((p) => remember(p === 'busy' ? null : p)) : remember(found);
    }
    const decide = (p: Principal | null | 'busy'): Admission => {
      if (p === 'busy') return this.busy(res, entry);
      if (p) return remember(p);
      res.setHeader('WWW-Authenticate', CHALLENGES);
      const given = header(req, 'authorization') !== undefined;
      return prepare(
        401,
        { error_code: 40101, message: given ? 'Unauthorized: the credentials are not valid' : 'Unauthorized: send HTTP basic credentials or a bearer token' },
        entry.contentType,
        'unauthorized',
      );
    };
    const found = this.auth.authenticate(header(req, 'authorization'), req.socket);
    return found instanceof Promise ? found.then(decide) : decide(found);
  }

  /** 429: this client has too many credential checks waiting (a flood of made-up credentials); nothing was checked. */
  private busy(res: http.ServerResponse, entry: Entry): Prepared {
    res.setHeader('Retry-After', '1');
    return prepare(429, { error_code: 42901, message: 'Too many credential checks are waiting from this address; retry later' }, entry.contentType, 'busy');
  }

  private originAllowed(origin: string): boolean {
    return this.anyOrigin || this.origins.has(origin.toLowerCase());
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

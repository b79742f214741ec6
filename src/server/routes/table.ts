/**
 * A route is one row: method, path pattern, API family, what it reads (for access), whether it lists
 * subjects, what it precomputes per snapshot, and its handler. The router (a trie of the patterns), the
 * auth gate's decisions, list filtering, precompute and the metrics labels are all derived from the rows
 * in ./index.ts. A path is split and percent-decoded once; a match hands the handler typed params.
 */
import type { JobRunner } from '../jobs.js';
import type { Metrics } from '../metrics.js';
import type { Job, JobResult } from '../ops.js';
import { CONFLUENT_TYPE, JSON_TYPE, prepare, type Prepared } from '../answer.js';
import { stripContext, type Snapshot, type SubjectData } from '../snapshot.js';

/** own: the JSON API; confluent: Confluent's API (its content type and error bodies); ui: the web UI; ops: health and metrics. */
export type Family = 'own' | 'confluent' | 'ui' | 'ops';

/** What a request reads, for access: a subject by any name Confluent routes answer to, a namespace, or a schema id. */
export type Touch = { subject: string } | { namespace: string } | { id: number };

/** What a user may read (a NamespaceFilter). */
export interface Access {
  readonly all: boolean;
  subject(fullName: string): boolean;
  namespace(ns: string): boolean;
}

/** A signed-in user. */
export interface Reader {
  name: string;
  filter: Access;
}

/**
 * Who a request reads as: undefined without --auth-file (everything is readable), null with it but
 * without valid credentials (open routes only), else the user.
 */
export type Viewer = Reader | null | undefined;

/** The server's parts a handler may use. */
export interface Services {
  readonly metrics: Metrics;
  readonly jobs: JobRunner;
  /** Requests being answered that are not precomputed. */
  readonly inFlight: number;
}

export interface Call<P extends string = string> {
  snap: Snapshot;
  route: Route<P>;
  params: Record<P, string>;
  /** The decoded path ('/a/b'), the key of precomputed answers; undefined when a segment held an encoded '/'. */
  key: string | undefined;
  query: URLSearchParams;
  /** The request had a query string. */
  hasQuery: boolean;
  viewer: Viewer;
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  services: Services;
  /** The snapshot's precomputed answer for this path, when there is one (the handler runs for a query, a list for a limited viewer...). */
  precomputed?: Prepared;
  /** POST routes: the JSON object body. */
  body: Record<string, unknown>;
  /** The subject a name (or alias) stands for, when it exists and the viewer may read it. */
  visible(name: string): SubjectData | undefined;
  /** Keep a subject (or alias) in a list: the viewer may read it. */
  keep(name: string): boolean;
  /** An error answer in the route's family's shape, labelled with its pattern. */
  error(status: number, code: number, message: string): Prepared;
  /** A JSON answer of the route (raw: the value as text; type: another content type). */
  ok(value: unknown, options?: { etag?: boolean; status?: number; raw?: boolean; type?: string }): Prepared;
  /** Run a job in the worker pool; its result as an answer of the route. */
  job(job: Job): Promise<Prepared>;
  /** Run a job; its result as data (to filter before it is serialised). */
  jobResult(job: Job): Promise<JobResult>;
}

export interface Route<P extends string = string> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path pattern: literal segments, `{param}`, and a last `{rest*}` for any remaining segments. Also the metrics label. */
  pattern: string;
  family: Family;
  /** What the request reads, from its params (checked before the handler runs). */
  touches?: (params: Record<P, string>, snap: Snapshot) => Touch | undefined;
  /** POST routes: what the body names (checked after it is read, before the handler runs). */
  bodyTouches?: (body: Record<string, unknown>, snap: Snapshot) => Touch[];
  /** A subject the viewer may not read is answered as an unknown one (the web UI), not with 403. */
  hides?: boolean;
  /** The answer lists subjects: built per viewer from typed data (never from a serialized answer). */
  lists?: boolean;
  /** The answer depends on the query string (the precomputed one serves requests without one). */
  query?: boolean;
  /** Answered without credentials under --auth-file: always (/health) or with --metrics-public (/metrics). */
  open?: 'always' | 'metrics-public';
  /** A write of Confluent's API: refused (422 / 42205) before anything else, its body never read. */
  refuses?: boolean;
  /** Every answer of this route that depends only on the path, by path, computed once per snapshot. */
  precompute?: (snap: Snapshot, put: Put) => void;
  handle(call: Call<P>): Prepared | Promise<Prepared>;
}

/** Store a precomputed answer (and its Protobuf format=serialized variant) under a decoded path. */
export type Put = (path: string, answer: Prepared, serialized?: Prepared) => void;

/** A route row, typed by the params its pattern names. */
export function route<const S extends string>(r: Route<ParamsOf<S>> & { pattern: S }): Route {
  return r as unknown as Route;
}

type ParamsOf<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? (P extends `${infer R}*` ? R : P) | ParamsOf<Rest> : never;

export function contentTypeOf(family: Family | undefined): string {
  return family === 'confluent' || family === undefined ? CONFLUENT_TYPE : JSON_TYPE;
}

/**
 * The one place that decides access: may this viewer read what the request touches? Aliases are read as
 * the subjects they stand for; an id when one of the subjects using it may be read (an unknown one: yes,
 * the route answers 404).
 */
export function mayRead(viewer: Viewer, touch: Touch, snap: Snapshot): boolean {
  if (viewer === undefined) return true;
  if (viewer === null) return false;
  const f = viewer.filter;
  if (f.all) return true;
  if ('subject' in touch) return f.subject(snap.aliases.get(touch.subject) ?? touch.subject);
  if ('namespace' in touch) return f.namespace(touch.namespace);
  const uses = snap.ids.get(touch.id)?.uses;
  return !uses || uses.some((u) => f.subject(u.subject));
}

/** The 403 message for a touch. */
export function forbiddenMessage(viewer: Reader, touch: Touch): string {
  if ('id' in touch) return `User '${viewer.name}' may not read schema ${touch.id}`;
  if ('namespace' in touch) return `User '${viewer.name}' may not read namespace '${touch.namespace}'`;
  return `User '${viewer.name}' may not read subject '${touch.subject}'`;
}

/** A request path's segments, percent-decoded; undefined when an escape is malformed. */
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

export interface Match {
  route: Route;
  params: Record<string, string>;
  /** The decoded path (trailing slash dropped when that is what matched); undefined when a segment held '/'. */
  key: string | undefined;
}

interface Node {
  literal: Map<string, Node>;
  param?: { name: string; node: Node };
  rest?: { name: string; route: Route };
  route?: Route;
}

const newNode = (): Node => ({ literal: new Map() });

/** The routes of a table by method, as tries: literal segments before params before a rest. */
export class Router {
  private readonly tries = new Map<string, Node>();
  readonly byPattern = new Map<string, Route>();

  constructor(readonly routes: readonly Route[]) {
    for (const r of routes) {
      // By pattern, the GET row first: precomputed answers (GET only) look up their route here.
      if (r.method === 'GET' || !this.byPattern.has(r.pattern)) this.byPattern.set(r.pattern, r);
      let node = this.tries.get(r.method);
      if (!node) this.tries.set(r.method, (node = newNode()));
      const segs = r.pattern.split('/').slice(1);
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i];
        const m = /^\{([A-Za-z]+)(\*?)\}$/.exec(s);
        if (m && m[2]) {
          if (i !== segs.length - 1) throw new Error(`route ${r.pattern}: a rest parameter must be last`);
          if (node.rest) throw new Error(`route ${r.pattern}: clashes with ${node.rest.route.pattern}`);
          node.rest = { name: m[1], route: r };
          node = undefined as unknown as Node;
          break;
        }
        if (m) {
          if (node.param && node.param.name !== m[1]) throw new Error(`route ${r.pattern}: parameter {${m[1]}} where another route has {${node.param.name}}`);
          node.param ??= { name: m[1], node: newNode() };
          node = node.param.node;
        } else {
          let next = node.literal.get(s);
          if (!next) node.literal.set(s, (next = newNode()));
          node = next;
        }
      }
      if (node) {
        if (node.route) throw new Error(`route ${r.method} ${r.pattern} is in the table twice`);
        node.route = r;
      }
    }
  }

  /** The route for a method (HEAD as GET) and decoded segments; a trailing slash is tried without it. */
  match(method: string, segs: string[]): Match | undefined {
    const root = this.tries.get(method === 'HEAD' ? 'GET' : method);
    if (!root) return undefined;
    const params: Record<string, string> = {};
    let found = walk(root, segs, 0, params);
    let used = segs;
    if (!found && segs.length > 1 && segs[segs.length - 1] === '') {
      used = segs.slice(0, -1);
      found = walk(root, used, 0, params);
    }
    if (!found) return undefined;
    // The default context: a subject named ':.:x' is 'x' (in the key too, so precomputed answers serve it).
    if (params.s !== undefined && params.s.startsWith(':.:')) {
      const i = found.pattern.split('/').slice(1).indexOf('{s}');
      params.s = stripContext(params.s);
      if (i >= 0) used = used.map((seg, j) => (j === i ? params.s : seg));
    }
    // A subject name may hold '/' (an alias such as 'common/money.proto'); any other segment holding one has no key.
    const sAt = params.s !== undefined ? found.pattern.split('/').slice(1).indexOf('{s}') : -1;
    const key = used.some((seg, j) => j !== sAt && seg.includes('/')) ? undefined : '/' + used.join('/');
    return { route: found, params, key };
  }

  /** The methods whose routes (not a catch-all) match a path: for a 405's Allow, or none for a 404. */
  allowed(segs: string[]): string[] {
    const out: string[] = [];
    for (const method of this.tries.keys()) {
      const m = this.match(method, segs);
      if (m && !/\*\}$/.test(m.route.pattern)) out.push(method);
    }
    return out;
  }
}

function walk(node: Node, segs: string[], i: number, params: Record<string, string>): Route | undefined {
  if (i === segs.length) {
    if (node.route) return node.route;
    if (node.rest) {
      params[node.rest.name] = '';
      return node.rest.route;
    }
    return undefined;
  }
  const s = segs[i];
  const lit = node.literal.get(s);
  if (lit) {
    const r = walk(lit, segs, i + 1, params);
    if (r) return r;
  }
  if (node.param && s !== '') {
    const r = walk(node.param.node, segs, i + 1, params);
    if (r) {
      params[node.param.name] = s;
      return r;
    }
  }
  if (node.rest) {
    params[node.rest.name] = segs.slice(i).join('/');
    return node.rest.route;
  }
  return undefined;
}

/** A JSON answer (helpers for rows). */
export function answer(status: number, value: unknown, family: Family, label: string, options: { etag?: boolean; raw?: boolean } = {}): Prepared {
  return prepare(status, value, contentTypeOf(family), label, options);
}

export type { JobResult };

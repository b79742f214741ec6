/**
 * The route table and what is derived from it: the router, the precomputed answers of a snapshot, and
 * dispatch, where access is decided (once, on what the match and the body name) before a handler runs,
 * and where lists are built for a limited viewer from typed data.
 */
import { prepare, type Prepared } from '../answer.js';
import type { Job, JobResult } from '../ops.js';
import { resolveSubject, type Snapshot } from '../snapshot.js';
import type { UiViewer } from '../ui/index.js';
import { CONFLUENT_ROUTES } from './confluent.js';
import { HEALTH_ROUTES } from './health.js';
import { OWN_ROUTES } from './own.js';
import {
  contentTypeOf,
  forbiddenMessage,
  mayRead,
  pathSegments,
  Router,
  type Call,
  type Match,
  type Route,
  type Services,
  type Touch,
  type Viewer,
} from './table.js';
import { UI_ROUTES, uiMalformed } from './ui.js';

export { Router, pathSegments, mayRead, contentTypeOf, type Match, type Route, type Services, type Viewer, type Touch } from './table.js';
export { uiMalformed } from './ui.js';

/**
 * Every route, UI included (the server leaves the UI's out with --no-ui). Matching does not depend on the
 * order (literal segments beat parameters); precompute does: a later row's answer replaces an earlier one
 * at the same path, and Confluent's /schemas/ids/{id} must win over the own /schemas/{ns}/{name} of a
 * subject in a namespace named 'ids', as the router's literal-first matching says.
 */
export const ROUTES: readonly Route[] = [...OWN_ROUTES, ...CONFLUENT_ROUTES, ...HEALTH_ROUTES, ...UI_ROUTES];

/** Every answer that depends only on the path, into the snapshot (called once per snapshot, when it is built). */
export function precomputeRoutes(snap: Snapshot): void {
  const put = (path: string, answer: Prepared, serialized?: Prepared) => {
    snap.get.set(path, answer);
    if (serialized) snap.serialized.set(path, serialized);
  };
  for (const r of ROUTES) r.precompute?.(snap, put);
}

export interface Dispatch {
  snap: Snapshot;
  method: string;
  match: Match;
  /** The query string, without '?'. */
  query: string;
  viewer: Viewer;
  header(name: string): string | undefined;
  services: Services & { runJob?(snap: Snapshot, job: Job): Promise<JobResult> };
  /** POST routes: the body, or an answer instead of it (413, 415, 400). */
  readBody?(route: Route): Promise<Record<string, unknown> | Prepared>;
}

/** Lists built for limited viewers (no query string), by snapshot, then viewer and path. */
const listed = new WeakMap<Snapshot, Map<string, Prepared>>();

/** The answer of a matched route. */
export async function dispatch(d: Dispatch): Promise<Prepared> {
  const { snap, viewer, match } = d;
  const route = match.route;
  const params = match.params;
  const denied = (touch: Touch): Prepared =>
    prepare(403, { error_code: 40301, message: viewer ? forbiddenMessage(viewer, touch) : 'Forbidden' }, contentTypeOf(route.family), route.pattern);
  const touch = route.touches?.(params, snap);
  if (touch && !route.hides && !mayRead(viewer, touch, snap)) return denied(touch);
  const limited = viewer !== undefined && !viewer?.filter.all;
  let precomputed: Prepared | undefined;
  if (route.method === 'GET' && match.key !== undefined) {
    precomputed = snap.get.get(match.key);
    if (precomputed !== undefined && precomputed.route !== route.pattern) precomputed = undefined;
    if (precomputed !== undefined && !(d.query !== '' && route.query) && !(limited && route.lists)) return precomputed;
  }
  let cacheKey: string | undefined;
  if (limited && route.lists && route.family !== 'ui' && d.query === '' && match.key !== undefined && viewer) {
    cacheKey = `${viewer.name}\u0000${match.key}`;
    const hit = listed.get(snap)?.get(cacheKey);
    if (hit) return hit;
  }
  let body: Record<string, unknown> = {};
  if (route.method !== 'GET' && d.readBody) {
    const read = await d.readBody(route);
    if ('headers' in read && 'body' in read && Buffer.isBuffer(read.body)) return read as Prepared;
    body = read as Record<string, unknown>;
    for (const t of route.bodyTouches?.(body, snap) ?? []) if (!mayRead(viewer, t, snap)) return denied(t);
  }
  const type = contentTypeOf(route.family);
  const runJob = async (job: Job): Promise<JobResult> => {
    if (!d.services?.runJob) throw new Error('no job runner');
    return d.services.runJob(snap, job);
  };
  const call: Call = {
    snap,
    route,
    params,
    key: match.key,
    query: new URLSearchParams(d.query),
    hasQuery: d.query !== '',
    viewer,
    header: d.header,
    services: d.services,
    precomputed,
    body,
    keep: (name) => mayRead(viewer, { subject: name }, snap),
    visible: (name) => {
      const s = resolveSubject(snap, name);
      return s && mayRead(viewer, { subject: s.subject }, snap) ? s : undefined;
    },
    error: (status, code, message) => prepare(status, { error_code: code, message }, type, route.pattern),
    ok: (value, options = {}) => prepare(options.status ?? 200, value, options.type ?? type, route.pattern, { etag: options.etag, raw: options.raw }),
    jobResult: runJob,
    job: async (job) => {
      const r = await runJob(job);
      return prepare(r.status, r.body, type, route.pattern);
    },
  };
  const handled = await route.handle(call);
  // Metrics label every answer with the route's pattern (shared answers, such as the UI's page shell, are not changed).
  const out = handled.route === route.pattern ? handled : { ...handled, route: route.pattern };
  if (cacheKey !== undefined && out.status === 200) {
    let m = listed.get(snap);
    if (!m) listed.set(snap, (m = new Map()));
    if (m.size > 10_000) m.clear();
    m.set(cacheKey, out);
  }
  return out;
}

let uiRouter: Router | undefined;

/**
 * The answer for a GET under /ui outside a server (tests), through the UI's route rows as the server answers it:
 * `viewer`, when given, may read only some subjects; the others look like they do not exist.
 */
export async function uiAnswer(snap: Snapshot, rawPath: string, acceptEncoding: string | undefined, viewer?: UiViewer): Promise<Prepared> {
  uiRouter ??= new Router(UI_ROUTES);
  const segs = pathSegments(rawPath);
  if (!segs) return uiMalformed(snap, acceptEncoding);
  const match = uiRouter.match('GET', segs);
  if (!match) throw new Error(`not a UI path: ${rawPath}`);
  const reader: Viewer = viewer && { name: viewer.key, filter: { all: false, subject: (s) => viewer.may(s), namespace: () => false } };
  return dispatch({
    snap,
    method: 'GET',
    match,
    query: '',
    viewer: reader,
    header: (name) => (name === 'accept-encoding' ? acceptEncoding : undefined),
    services: undefined as never,
  });
}

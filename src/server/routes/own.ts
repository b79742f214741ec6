/**
 * The own JSON API: the registry summary, subjects and versions by namespace and name (semver), search,
 * and the POST reads (validate, compatibility, render) and the web UI's diff and provider views, which
 * run as jobs in the worker pool.
 */
import { checkName, checkNamespace } from '../../core/names.js';
import { JSON_TYPE as J, prepare } from '../answer.js';
import { ownVersionBody, subjectSummary, versionSummary, type Snapshot } from '../snapshot.js';
import { route, type Route, type Touch } from './table.js';

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const VERSION = /^(latest|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/;

const namespaceTouch = (p: { ns: string }): Touch => ({ namespace: p.ns });

/**
 * The subject a body names by `namespace` and `name`, when both are valid (an invalid one is the job's 422,
 * which names the field).
 */
function bodySubject(body: Record<string, unknown>): Touch[] {
  const { namespace, name } = body;
  if (typeof namespace !== 'string' || typeof name !== 'string') return [];
  try {
    return [{ subject: `${checkNamespace(namespace)}.${checkName(name)}` }];
  } catch {
    return [];
  }
}

const exists = (snap: Snapshot, ns: string, name: string) => snap.subjects.get(`${ns}.${name}`);

export const OWN_ROUTES: Route[] = [
  route({
    method: 'GET',
    pattern: '/registry',
    family: 'own',
    lists: true,
    precompute: (snap, put) =>
      put(
        '/registry',
        prepare(200, { subjects: snap.subjectNames.map((n) => subjectSummary(snap.subjects.get(n)!.info, snap.config)) }, J, '/registry', { etag: true }),
      ),
    handle: (c) =>
      c.ok({ subjects: c.snap.subjectNames.filter((n) => c.keep(n)).map((n) => subjectSummary(c.snap.subjects.get(n)!.info, c.snap.config)) }, { etag: true }),
  }),
  route({
    method: 'GET',
    pattern: '/schemas/{ns}/{name}',
    family: 'own',
    touches: namespaceTouch,
    precompute: (snap, put) => {
      for (const s of snap.subjects.values()) {
        put(
          `/schemas/${s.namespace}/${s.name}`,
          prepare(200, { ...subjectSummary(s.info, snap.config), versions: s.versions.map(versionSummary) }, J, '/schemas/{ns}/{name}', { etag: true }),
        );
      }
    },
    handle: (c) => c.precomputed ?? c.error(404, 40401, `Subject '${c.params.ns}.${c.params.name}' not found.`),
  }),
  route({
    method: 'GET',
    pattern: '/schemas/{ns}/{name}/{version}',
    family: 'own',
    touches: namespaceTouch,
    precompute: (snap, put) => {
      for (const s of snap.subjects.values()) {
        for (const v of s.versions) {
          const own = prepare(200, ownVersionBody(s, v), J, '/schemas/{ns}/{name}/{version}', { etag: true });
          put(`/schemas/${s.namespace}/${s.name}/${v.entry.version}`, own);
          // 'latest' is the greatest semver (own API) and, as in Confluent, the last registered (Confluent API).
          if (v === s.latest) put(`/schemas/${s.namespace}/${s.name}/latest`, own);
        }
      }
    },
    handle: (c) => {
      if (c.precomputed) return c.precomputed;
      const { ns, name, version } = c.params;
      if (!exists(c.snap, ns, name)) return c.error(404, 40401, `Subject '${ns}.${name}' not found.`);
      if (version !== 'latest' && !SEMVER.test(version)) return c.error(422, 42202, `invalid version '${version}': expected MAJOR.MINOR.PATCH or latest`);
      return c.error(404, 40402, `Version ${version} of '${ns}.${name}' not found.`);
    },
  }),
  route({
    // The web UI's diff view, over the code `diff --json` runs.
    method: 'GET',
    pattern: '/schemas/{ns}/{name}/diff',
    family: 'own',
    touches: namespaceTouch,
    query: true,
    handle: (c) => {
      const { ns, name } = c.params;
      if (!exists(c.snap, ns, name)) return c.error(404, 40401, `Subject '${ns}.${name}' not found.`);
      const from = c.query.get('from');
      const to = c.query.get('to') ?? 'latest';
      const mode = c.query.get('mode') ?? undefined;
      if (!from || !VERSION.test(from) || !VERSION.test(to)) return c.error(422, 42202, 'diff needs ?from=VERSION[&to=VERSION] (MAJOR.MINOR.PATCH or latest)');
      return c.job({ kind: 'diff', namespace: ns, name, from, to, mode });
    },
  }),
  route({
    // The web UI's provider view, over the code `export` and `lint` run.
    method: 'GET',
    pattern: '/schemas/{ns}/{name}/{version}/export',
    family: 'own',
    touches: namespaceTouch,
    query: true,
    handle: (c) => {
      const { ns, name, version } = c.params;
      if (!exists(c.snap, ns, name)) return c.error(404, 40401, `Subject '${ns}.${name}' not found.`);
      if (!VERSION.test(version)) return c.error(422, 42202, `invalid version '${version}': expected MAJOR.MINOR.PATCH or latest`);
      const target = c.query.get('target');
      if (!target) return c.error(422, 422, 'export needs ?target=openai|anthropic|gemini');
      return c.job({ kind: 'provider', namespace: ns, name, version, target });
    },
  }),
  route({
    method: 'GET',
    pattern: '/search',
    family: 'own',
    lists: true,
    query: true,
    handle: async (c) => {
      const q = c.query.get('q')?.trim();
      if (!q) return c.error(422, 422, 'search needs words: /search?q=words');
      if (q.length > 1000) return c.error(422, 422, 'search words are limited to 1000 characters');
      const r = await c.jobResult({ kind: 'search', q });
      if (r.status !== 200) return c.ok(r.body, { status: r.status });
      const body = r.body as { query: string; results: Array<{ subject: string }> };
      return c.ok({ ...body, results: body.results.filter((x) => c.keep(x.subject)) });
    },
  }),
  route({
    method: 'POST',
    pattern: '/schemas/validate',
    family: 'own',
    bodyTouches: bodySubject,
    handle: (c) => c.job({ kind: 'validate', namespace: c.body.namespace, name: c.body.name, version: c.body.version, data: c.body.data }),
  }),
  route({
    method: 'POST',
    pattern: '/schemas/compatibility',
    family: 'own',
    bodyTouches: bodySubject,
    handle: (c) => c.job({ kind: 'compat', namespace: c.body.namespace, name: c.body.name, schema: c.body.schema, mode: c.body.mode, policy: c.body.policy }),
  }),
  route({
    method: 'POST',
    pattern: '/schemas/render',
    family: 'own',
    bodyTouches: bodySubject,
    handle: (c) => c.job({ kind: 'render', namespace: c.body.namespace, name: c.body.name, version: c.body.version, input: c.body.input }),
  }),
];

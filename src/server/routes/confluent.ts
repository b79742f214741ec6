/**
 * Confluent's read API (subject = `<namespace>.<name>` or an alias, version = registration number), so
 * Kafka serializers can fetch schemas: its paths, content type, error bodies and query parameters.
 * Writes are refused by the router (422 / 42205), not here.
 */
import { COMPATIBILITY_MODES } from '../../model/types.js';
import { CONFLUENT_TYPE as C, prepare, type Prepared } from '../answer.js';
import {
  confluentIdBody,
  confluentSchemas,
  confluentSubjectNames,
  confluentVersionBody,
  idSubjects,
  resolveSubject,
  stripContext,
  type IdData,
  type Snapshot,
  type SubjectData,
} from '../snapshot.js';
import type { ConfluentSchemaBody } from '../ops.js';
import { notRegistered, WRITE_REFUSED } from '../errors.js';
import { route, type Call, type Route, type Touch } from './table.js';

const subjectTouch = (p: { s: string }): Touch => ({ subject: p.s });
/** A guid reads the schema of one id: authorised like that id (an unknown guid touches nothing, and is a 404). */
const guidTouch = (p: { guid: string }, snap: Snapshot): Touch | undefined => {
  const id = snap.guids.get(p.guid)?.id;
  return id === undefined ? undefined : { id };
};
const idTouch = (p: { id: string }): Touch | undefined => {
  const id = Number(p.id);
  return Number.isInteger(id) && id > 0 ? { id } : undefined;
};

/** The subjects a Confluent body's references name (each read as the subject an alias stands for). */
function referenceTouches(body: Record<string, unknown>): Touch[] {
  const refs = (body as ConfluentSchemaBody).references;
  if (!Array.isArray(refs)) return [];
  return refs
    .filter((r): r is { subject: string } => !!r && typeof (r as { subject?: unknown }).subject === 'string')
    .map((r) => ({ subject: stripContext(r.subject) }));
}

/**
 * Confluent's write routes, refused here (422 / 42205) without reading a body; other paths and methods are
 * 404 / 405. POST /subjects/{s}/versions is a row of its own (a registered schema answers as a lookup).
 */
const WRITES: Array<['POST' | 'PUT' | 'DELETE', string]> = [
  ['DELETE', '/subjects/{s}'],
  ['DELETE', '/subjects/{s}/versions/{v}'],
  ['DELETE', '/config'],
  ['DELETE', '/config/{s}'],
  ['PUT', '/mode'],
  ['DELETE', '/mode'],
  ['PUT', '/mode/{s}'],
  ['DELETE', '/mode/{s}'],
  ['POST', '/associations'],
  ['DELETE', '/associations/resources/{resource}'],
  ['DELETE', '/associations/subjects/{s}'],
];

/**
 * PUT /config[/{s}]: a level the subject (or registry) already has is answered as Confluent answers the
 * update, and nothing changes (kafkajs's register() sets the level it expects after a first registration);
 * any other level is a write, refused (42205), naming the command that sets it.
 */
function putConfig(c: Call, current: string, subject?: string): Prepared {
  const level = c.body.compatibility ?? c.body.compatibilityLevel;
  if (typeof level !== 'string' || !(COMPATIBILITY_MODES as readonly string[]).includes(level.toUpperCase()))
    return c.error(
      422,
      42203,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    );
  if (level.toUpperCase() === current) return c.ok({ compatibility: current });
  return c.error(
    422,
    42205,
    `${WRITE_REFUSED}; this level is set with \`llm-schema config ${subject ? subject + ' ' : ''}--compatibility ${level.toUpperCase()}\``,
  );
}

/** 'latest', -1, or 1..2^31-1. */
export function validConfluentVersion(v: string): boolean {
  if (v === 'latest' || v === '-1') return true;
  if (!/^[1-9]\d{0,9}$/.test(v)) return false;
  return Number(v) <= 0x7fffffff;
}

const invalidVersion = (c: Call, v: string) =>
  c.error(422, 42202, `The specified version '${v}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);

/** offset / limit: an integer (limit -1 = all), or undefined when malformed. */
function intParam(params: URLSearchParams, name: string, dflt: number): number | undefined {
  const v = params.get(name);
  if (v === null || v === '') return dflt;
  if (!/^-?\d{1,10}$/.test(v)) return undefined;
  const n = Number(v);
  if (name === 'offset' && n < 0) return undefined;
  return n;
}

/** A Confluent list answer: deletedOnly (nothing is ever deleted here), then offset and limit. */
function page(c: Call, list: () => unknown[]): Prepared {
  const offset = intParam(c.query, 'offset', 0);
  const limit = intParam(c.query, 'limit', -1);
  if (offset === undefined || limit === undefined) return c.error(400, 400, 'offset and limit must be integers (limit -1: no limit)');
  const all = c.query.get('deletedOnly') === 'true' ? [] : list();
  return c.ok(all.slice(offset, limit < 0 ? undefined : offset + limit), { etag: !c.hasQuery });
}

/** The precomputed answer, or its Protobuf format=serialized variant (422 for a Protobuf schema that has none). */
function maybeSerialized(c: Call, format: string | undefined): Prepared {
  const p = c.precomputed!;
  if (c.query.get('format') !== 'serialized' || c.key === undefined) return p;
  const ser = c.snap.serialized.get(c.key);
  if (ser) return ser;
  if (format === 'protobuf') return c.error(422, 42201, 'this Protobuf schema cannot be given as a serialized descriptor');
  return p;
}

/** The subjects of a list whose prefix matches subjectPrefix (':*:' or none: every one) and the viewer may read. */
function subjectsFor(c: Call): SubjectData[] {
  const prefix = stripContext(c.query.get('subjectPrefix') ?? '');
  const all = prefix === '' || prefix === ':*:';
  const out: SubjectData[] = [];
  for (const s of c.snap.subjects.values()) if (c.keep(s.subject) && (all || s.names.some((n) => n.startsWith(prefix)))) out.push(s);
  return out;
}

function idOf(c: Call<'id'>): IdData | undefined {
  return c.snap.ids.get(Number(c.params.id));
}

/**
 * Confluent's GET /subjects/{s}/metadata: the latest version whose metadata properties hold every given
 * key=value pair (key and value parameters repeat in pairs).
 */
function latestWithMetadata(c: Call, s: SubjectData): Prepared {
  const keys = c.query.getAll('key');
  const values = c.query.getAll('value');
  if (keys.length !== values.length) return c.error(422, 422, "metadata lookups need 'key' and 'value' parameters in pairs");
  const serialized = c.query.get('format') === 'serialized';
  for (let i = s.versions.length - 1; i >= 0; i--) {
    const v = s.versions[i];
    if (keys.every((k, j) => v.metadata.properties[k] === values[j])) return c.ok(confluentVersionBody(v, serialized));
  }
  return c.error(
    404,
    40403,
    `Schema not found: no version of '${s.subject}' has the metadata ${keys.map((k, j) => `${k}=${values[j]}`).join(', ') || '(any)'}`,
  );
}

/** Which schema ids refer to each version (Confluent's referencedby), by `subject@version`. */
function referencedBy(snap: Snapshot): Map<string, number[]> {
  const by = new Map<string, Set<number>>();
  for (const s of snap.subjects.values()) {
    for (const v of s.versions) {
      for (const r of v.entry.references ?? []) {
        const key = `${r.subject}@${r.version}`;
        if (!by.has(key)) by.set(key, new Set());
        by.get(key)!.add(v.entry.id);
      }
    }
  }
  return new Map([...by].map(([k, ids]) => [k, [...ids].sort((a, b) => a - b)]));
}

/** The ids whose versions refer to one version. */
function referrersOf(snap: Snapshot, subject: string, version: string): number[] {
  const ids = new Set<number>();
  for (const s of snap.subjects.values()) {
    for (const v of s.versions) if (v.entry.references?.some((r) => r.subject === subject && r.version === version)) ids.add(v.entry.id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Each version's numbers Confluent answers to: its registration number, and -1 / latest for the last one. */
function numbersOf(s: SubjectData, v: SubjectData['versions'][number]): string[] {
  return v === s.versions[s.versions.length - 1] ? [String(v.index), '-1', 'latest'] : [String(v.index)];
}

/** GET /subjects/{s}/versions/{v}[/...] not precomputed: an unknown subject, a malformed or unknown version. */
function versionMissing(c: Call<'s' | 'v'>): Prepared {
  if (!c.visible(c.params.s)) return c.error(404, 40401, `Subject '${c.params.s}' not found.`);
  if (!validConfluentVersion(c.params.v)) return invalidVersion(c, c.params.v);
  return c.error(404, 40402, `Version ${c.params.v} not found.`);
}

export const CONFLUENT_ROUTES: Route[] = [
  route({
    method: 'GET',
    pattern: '/',
    family: 'confluent',
    precompute: (_snap, put) => put('/', prepare(200, {}, C, '/')),
    handle: (c) => c.ok({}),
  }),
  route({
    method: 'GET',
    pattern: '/subjects',
    family: 'confluent',
    lists: true,
    query: true,
    precompute: (snap, put) => put('/subjects', prepare(200, confluentSubjectNames(snap.subjects.values()), C, '/subjects', { etag: true })),
    handle: (c) => {
      const prefix = stripContext(c.query.get('subjectPrefix') ?? '');
      const all = prefix === '' || prefix === ':*:';
      return page(c, () => confluentSubjectNames(subjectsFor(c)).filter((n) => all || n.startsWith(prefix)));
    },
  }),
  route({
    method: 'GET',
    pattern: '/schemas',
    family: 'confluent',
    lists: true,
    query: true,
    precompute: (snap, put) => put('/schemas', prepare(200, confluentSchemas(snap, [...snap.subjects.values()], {}), C, '/schemas', { etag: true })),
    handle: (c) =>
      page(c, () =>
        confluentSchemas(c.snap, subjectsFor(c), { latestOnly: c.query.get('latestOnly') === 'true', serialized: c.query.get('format') === 'serialized' }),
      ),
  }),
  route({
    method: 'GET',
    pattern: '/contexts',
    family: 'confluent',
    precompute: (_snap, put) => put('/contexts', prepare(200, ['.'], C, '/contexts')),
    handle: (c) => c.ok(['.']),
  }),
  route({
    method: 'GET',
    pattern: '/schemas/types',
    family: 'confluent',
    precompute: (_snap, put) => put('/schemas/types', prepare(200, ['JSON', 'PROTOBUF', 'AVRO'], C, '/schemas/types')),
    handle: (c) => c.ok(['JSON', 'PROTOBUF', 'AVRO']),
  }),
  route({
    method: 'GET',
    pattern: '/config',
    family: 'confluent',
    precompute: (snap, put) => put('/config', prepare(200, { compatibilityLevel: snap.config.compatibility }, C, '/config')),
    handle: (c) => c.ok({ compatibilityLevel: c.snap.config.compatibility }),
  }),
  route({
    method: 'GET',
    pattern: '/config/{s}',
    family: 'confluent',
    touches: subjectTouch,
    handle: (c) => {
      const own = c.visible(c.params.s)?.info.meta.compatibility;
      if (own) return c.ok({ compatibilityLevel: own });
      if (c.query.get('defaultToGlobal') === 'true') return c.ok({ compatibilityLevel: c.snap.config.compatibility });
      return c.error(404, 40408, `Subject '${c.params.s}' does not have subject-level compatibility configured`);
    },
  }),
  route({
    method: 'PUT',
    pattern: '/config',
    family: 'confluent',
    handle: (c) => putConfig(c, c.snap.config.compatibility),
  }),
  route({
    method: 'PUT',
    pattern: '/config/{s}',
    family: 'confluent',
    touches: subjectTouch,
    handle: (c) => {
      const s = c.visible(c.params.s);
      return putConfig(c, s?.info.meta.compatibility ?? c.snap.config.compatibility, s?.subject ?? c.params.s);
    },
  }),
  route({
    method: 'GET',
    pattern: '/mode',
    family: 'confluent',
    precompute: (_snap, put) => put('/mode', prepare(200, { mode: 'READONLY' }, C, '/mode')),
    handle: (c) => c.ok({ mode: 'READONLY' }),
  }),
  route({
    method: 'GET',
    pattern: '/mode/{s}',
    family: 'confluent',
    touches: subjectTouch,
    // The whole registry is read-only: a subject has no mode of its own, and its effective mode is READONLY.
    handle: (c) =>
      c.visible(c.params.s) || c.query.get('defaultToGlobal') === 'true'
        ? c.ok({ mode: 'READONLY' })
        : c.error(404, 40409, `Subject '${c.params.s}' does not have subject-level mode configured`),
  }),
  route({
    method: 'GET',
    pattern: '/subjects/{s}/versions',
    family: 'confluent',
    touches: subjectTouch,
    query: true,
    precompute: (snap, put) => {
      for (const s of snap.subjects.values()) {
        const list = prepare(
          200,
          s.versions.map((v) => v.index),
          C,
          '/subjects/{s}/versions',
          { etag: true },
        );
        for (const name of s.names) put(`/subjects/${name}/versions`, list);
      }
    },
    handle: (c) => {
      const s = c.visible(c.params.s);
      if (!s) return c.error(404, 40401, `Subject '${c.params.s}' not found.`);
      return page(c, () => s.versions.map((v) => v.index));
    },
  }),
  route({
    method: 'GET',
    pattern: '/subjects/{s}/versions/{v}',
    family: 'confluent',
    touches: subjectTouch,
    query: true,
    precompute: (snap, put) => {
      for (const s of snap.subjects.values()) {
        for (const v of s.versions) {
          const body = prepare(200, confluentVersionBody(v, false), C, '/subjects/{s}/versions/{v}', { etag: true });
          const ser = v.serialized === undefined ? undefined : prepare(200, confluentVersionBody(v, true), C, '/subjects/{s}/versions/{v}', { etag: true });
          // Every Confluent route answers by alias exactly as by the subject's own name.
          for (const name of s.names) for (const n of numbersOf(s, v)) put(`/subjects/${name}/versions/${n}`, body, ser);
        }
      }
    },
    handle: (c) => (c.precomputed ? maybeSerialized(c, c.visible(c.params.s)?.info.meta.format) : versionMissing(c)),
  }),
  route({
    method: 'GET',
    pattern: '/subjects/{s}/versions/{v}/schema',
    family: 'confluent',
    touches: subjectTouch,
    query: true,
    precompute: (snap, put) => {
      for (const s of snap.subjects.values()) {
        for (const v of s.versions) {
          const raw = prepare(200, v.schema, C, '/subjects/{s}/versions/{v}/schema', { etag: true, raw: true });
          const ser = v.serialized === undefined ? undefined : prepare(200, v.serialized, C, '/subjects/{s}/versions/{v}/schema', { etag: true, raw: true });
          for (const name of s.names) for (const n of numbersOf(s, v)) put(`/subjects/${name}/versions/${n}/schema`, raw, ser);
        }
      }
    },
    handle: (c) => (c.precomputed ? maybeSerialized(c, c.visible(c.params.s)?.info.meta.format) : versionMissing(c)),
  }),
  route({
    method: 'GET',
    pattern: '/subjects/{s}/versions/{v}/referencedby',
    family: 'confluent',
    touches: subjectTouch,
    query: true,
    precompute: (snap, put) => {
      const by = referencedBy(snap);
      for (const s of snap.subjects.values()) {
        for (const v of s.versions) {
          const list = prepare(200, by.get(`${s.subject}@${v.entry.version}`) ?? [], C, '/subjects/{s}/versions/{v}/referencedby');
          for (const name of s.names) for (const n of numbersOf(s, v)) put(`/subjects/${name}/versions/${n}/referencedby`, list);
        }
      }
    },
    handle: (c) => {
      if (!c.precomputed) return versionMissing(c);
      const s = c.visible(c.params.s)!;
      const v = c.params.v === 'latest' || c.params.v === '-1' ? s.versions[s.versions.length - 1] : s.versions[Number(c.params.v) - 1];
      return page(c, () => referrersOf(c.snap, s.subject, v.entry.version));
    },
  }),
  route({
    method: 'GET',
    pattern: '/subjects/{s}/metadata',
    family: 'confluent',
    touches: subjectTouch,
    query: true,
    handle: (c) => {
      const s = c.visible(c.params.s);
      return s ? latestWithMetadata(c, s) : c.error(404, 40401, `Subject '${c.params.s}' not found.`);
    },
  }),
  route({
    // Any other path under a subject: 40401 for an unknown subject (as Confluent), else 404.
    method: 'GET',
    pattern: '/subjects/{s}/{rest*}',
    family: 'confluent',
    touches: subjectTouch,
    handle: (c) =>
      // GET /subjects/{s} itself: Confluent has only POST (lookup) and DELETE there.
      c.params.rest === ''
        ? c.error(405, 405, 'HTTP 405 Method Not Allowed')
        : c.visible(c.params.s)
          ? c.error(404, 404, 'HTTP 404 Not Found')
          : c.error(404, 40401, `Subject '${c.params.s}' not found.`),
  }),
  route({
    method: 'GET',
    pattern: '/schemas/ids/{id}',
    family: 'confluent',
    touches: idTouch,
    query: true,
    precompute: (snap, put) => {
      for (const d of snap.ids.values()) {
        const ser = d.first.serialized === undefined ? undefined : prepare(200, confluentIdBody(d, true), C, '/schemas/ids/{id}', { etag: true });
        put(`/schemas/ids/${d.id}`, prepare(200, confluentIdBody(d), C, '/schemas/ids/{id}', { etag: true }), ser);
      }
    },
    handle: (c) => {
      const d = idOf(c);
      if (!d || !c.precomputed) return c.error(404, 40403, `Schema ${c.params.id} not found`);
      if (c.query.get('fetchMaxId') !== 'true') return maybeSerialized(c, d.first.format);
      const serialized = c.query.get('format') === 'serialized';
      if (serialized && d.first.format === 'protobuf' && d.first.serialized === undefined) return maybeSerialized(c, d.first.format);
      // The largest id the viewer may read (an id is readable when one of the subjects using it is).
      let max = 0;
      for (const [id, x] of c.snap.ids) if (id > max && x.uses.some((u) => c.keep(u.subject))) max = id;
      return c.ok({ ...confluentIdBody(d, serialized), maxId: max });
    },
  }),
  route({
    method: 'GET',
    pattern: '/schemas/ids/{id}/schema',
    family: 'confluent',
    touches: idTouch,
    query: true,
    precompute: (snap, put) => {
      for (const d of snap.ids.values()) {
        const v = d.first;
        const ser = v.serialized === undefined ? undefined : prepare(200, v.serialized, C, '/schemas/ids/{id}/schema', { etag: true, raw: true });
        put(`/schemas/ids/${d.id}/schema`, prepare(200, v.schema, C, '/schemas/ids/{id}/schema', { etag: true, raw: true }), ser);
      }
    },
    handle: (c) => (c.precomputed ? maybeSerialized(c, idOf(c)?.first.format) : c.error(404, 40403, `Schema ${c.params.id} not found`)),
  }),
  route({
    method: 'GET',
    pattern: '/schemas/ids/{id}/subjects',
    family: 'confluent',
    touches: idTouch,
    lists: true,
    query: true,
    precompute: (snap, put) => {
      for (const d of snap.ids.values()) put(`/schemas/ids/${d.id}/subjects`, prepare(200, idSubjects(snap, d), C, '/schemas/ids/{id}/subjects'));
    },
    handle: (c) => {
      const d = idOf(c);
      if (!d) return c.error(404, 40403, `Schema ${c.params.id} not found`);
      const only = c.query.get('subject');
      const target = only ? resolveSubject(c.snap, stripContext(only)) : undefined;
      return page(c, () => idSubjects(c.snap, d, (s) => c.keep(s.subject) && (!only || s === target)));
    },
  }),
  route({
    method: 'GET',
    pattern: '/schemas/ids/{id}/versions',
    family: 'confluent',
    touches: idTouch,
    lists: true,
    query: true,
    precompute: (snap, put) => {
      for (const d of snap.ids.values()) put(`/schemas/ids/${d.id}/versions`, prepare(200, d.uses, C, '/schemas/ids/{id}/versions'));
    },
    handle: (c) => {
      const d = idOf(c);
      if (!d) return c.error(404, 40403, `Schema ${c.params.id} not found`);
      const only = c.query.get('subject');
      const target = only ? resolveSubject(c.snap, stripContext(only))?.subject : undefined;
      return page(c, () => d.uses.filter((u) => c.keep(u.subject) && (!only || u.subject === target)));
    },
  }),
  route({
    method: 'GET',
    pattern: '/schemas/guids/{guid}',
    family: 'confluent',
    // A guid reads the schema of one id: authorised like that id (an unknown guid is a 404).
    touches: guidTouch,
    query: true,
    precompute: (snap, put) => {
      for (const [guid, d] of snap.guids) {
        const ser =
          d.first.serialized === undefined ? undefined : prepare(200, { ...confluentIdBody(d, true), guid }, C, '/schemas/guids/{guid}', { etag: true });
        put(`/schemas/guids/${guid}`, prepare(200, { ...confluentIdBody(d), guid }, C, '/schemas/guids/{guid}', { etag: true }), ser);
      }
    },
    handle: (c) =>
      c.precomputed ? maybeSerialized(c, c.snap.guids.get(c.params.guid)?.first.format) : c.error(404, 40403, `Schema ${c.params.guid} not found`),
  }),
  route({
    // The ids a guid stands for, per context: one context here, the default one.
    method: 'GET',
    pattern: '/schemas/guids/{guid}/ids',
    family: 'confluent',
    touches: guidTouch,
    precompute: (snap, put) => {
      for (const [guid, d] of snap.guids) put(`/schemas/guids/${guid}/ids`, prepare(200, [{ context: '.', id: d.id }], C, '/schemas/guids/{guid}/ids'));
    },
    handle: (c) => c.precomputed ?? c.error(404, 40403, `Schema ${c.params.guid} not found`),
  }),
  // Associations (subjects bound to topics and other resources): this registry holds none, and answers as a
  // Confluent registry without any: empty lists.
  route({
    method: 'GET',
    pattern: '/associations/subjects/{s}',
    family: 'confluent',
    touches: subjectTouch,
    query: true,
    handle: (c) => c.ok([]),
  }),
  route({
    method: 'GET',
    pattern: '/associations/resources/{resource}',
    family: 'confluent',
    query: true,
    handle: (c) => c.ok([]),
  }),
  route({
    method: 'GET',
    pattern: '/associations/resources/{resource}/{name}',
    family: 'confluent',
    query: true,
    handle: (c) => c.ok([]),
  }),
  route({
    // Register, in read-only mode: a schema already registered under the subject answers as a lookup does
    // (so producers that auto-register by default work); any other is refused (422 / 42205).
    method: 'POST',
    pattern: '/subjects/{s}/versions',
    family: 'confluent',
    touches: subjectTouch,
    bodyTouches: referenceTouches,
    handle: (c) => {
      const subject = c.visible(c.params.s);
      if (!subject) return c.error(422, 42205, notRegistered(c.params.s));
      return c.job({ kind: 'lookup', subject: subject.subject, body: c.body, register: true, asked: c.params.s });
    },
  }),
  ...WRITES.map(([method, pattern]) => route({ method, pattern, family: 'confluent', refuses: true, handle: (c) => c.error(422, 42205, WRITE_REFUSED) })),
  route({
    // Lookup: is this schema registered under the subject? (Also what a producer's auto-register amounts to.)
    method: 'POST',
    pattern: '/subjects/{s}',
    family: 'confluent',
    touches: subjectTouch,
    bodyTouches: referenceTouches,
    handle: (c) => {
      const subject = c.visible(c.params.s);
      if (!subject) return c.error(404, 40401, `Subject '${c.params.s}' not found.`);
      return c.job({ kind: 'lookup', subject: subject.subject, body: c.body });
    },
  }),
  route({
    method: 'POST',
    pattern: '/compatibility/subjects/{s}/versions',
    family: 'confluent',
    touches: subjectTouch,
    bodyTouches: referenceTouches,
    handle: (c) => confluentCompat(c),
  }),
  route({
    method: 'POST',
    pattern: '/compatibility/subjects/{s}/versions/{v}',
    family: 'confluent',
    touches: subjectTouch,
    bodyTouches: referenceTouches,
    handle: (c) => confluentCompat(c, c.params.v),
  }),
];

function confluentCompat(c: Call, version?: string): Prepared | Promise<Prepared> {
  if (version !== undefined && !validConfluentVersion(version)) return invalidVersion(c, version);
  const verbose = c.query.get('verbose') === 'true';
  const name = c.params.s;
  const subject = c.visible(name);
  // Confluent: an unknown subject with a numeric version is an unknown version (40402).
  if (!subject && version !== undefined && version !== 'latest' && version !== '-1') return c.error(404, 40402, `Version ${version} not found.`);
  // An unknown subject accepts any parsable schema (Confluent: is_compatible true); the job still parses it.
  return c.job({ kind: 'ccompat', subject: subject?.subject ?? name, version, body: c.body, verbose, unknownSubject: !subject });
}

/**
 * A snapshot: the whole registry read once, immutable, with every GET response precomputed as bytes
 * (with its ETag). The server swaps the current snapshot atomically on reload, so a request that
 * started on one snapshot finishes on it, and no request does file I/O or serialises a schema.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { Registry, type SubjectInfo, type VersionInfo } from '../core/registry.js';
import { CONFIG_FILE } from '../core/config.js';
import { SUBJECT_FILE } from '../core/subject.js';
import type { FormatName, RegistryConfig, SchemaReference, VersionEntry } from '../core/types.js';
import { greatest } from '../core/version.js';
import type { RegistryStorage } from '../storage/types.js';

export const CONFLUENT_TYPE = 'application/vnd.schemaregistry.v1+json';
export const JSON_TYPE = 'application/json';

/** A response ready to send: status, headers (with length and ETag) and body bytes. */
export interface Prepared {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
  etag?: string;
  /** Route template, the label used in metrics. */
  route: string;
}

/** A version as served: the registry's VersionInfo facts (index = Confluent's version number) plus the answer's parts. */
export interface VersionData extends Pick<VersionInfo, 'subject' | 'namespace' | 'name' | 'format' | 'entry' | 'index'> {
  /** The schema text without its trailing newline. */
  schema: string;
  /** Confluent-shaped references (version as the referenced subject's registration number). */
  references?: Array<{ name: string; subject: string; version: number }>;
}

export interface SubjectData {
  subject: string;
  namespace: string;
  name: string;
  info: SubjectInfo;
  versions: VersionData[];
  latest?: VersionData;
}

export interface IdData {
  id: number;
  /** The first registration of the schema with this id (subjects sorted, then registration order). */
  first: VersionData;
  uses: Array<{ subject: string; version: number }>;
}

export interface Snapshot {
  /** Increasing number, one per load. */
  seq: number;
  /** 'working tree' or the ref name. */
  source: string;
  commit?: string;
  loadedAt: Date;
  root: string;
  config: RegistryConfig;
  /** Every file of the registry (config, subject.yaml, version files) by registry-relative path. */
  files: Map<string, string>;
  subjects: Map<string, SubjectData>;
  /** Sorted full subject names. */
  subjectNames: string[];
  ids: Map<number, IdData>;
  versionCount: number;
  /** GET responses by exact decoded pathname, for routes whose answer ignores the query string. */
  get: Map<string, Prepared>;
}

const SCHEMA_TYPE: Record<FormatName, string | undefined> = { avro: undefined, json: 'JSON', protobuf: 'PROTOBUF', prompt: 'PROMPT' };
export const FORMAT_OF_TYPE: Record<string, FormatName> = { AVRO: 'avro', JSON: 'json', PROTOBUF: 'protobuf' };

export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/** A JSON (or raw) response with its bytes, length and, when asked, an ETag. */
export function prepare(status: number, value: unknown, contentType: string, route: string, options: { etag?: boolean; raw?: boolean } = {}): Prepared {
  const text = options.raw ? String(value) : JSON.stringify(value);
  const body = Buffer.from(text, 'utf8');
  const headers: Record<string, string | number> = { 'Content-Type': contentType, 'Content-Length': body.length };
  let etag: string | undefined;
  if (options.etag) {
    etag = etagOf(body);
    headers.ETag = etag;
    headers['Cache-Control'] = 'no-cache';
  }
  return { status, headers, body, etag, route };
}

export function confluentVersionBody(v: VersionData): Record<string, unknown> {
  const out: Record<string, unknown> = { subject: v.subject, version: v.index, id: v.entry.id };
  const t = SCHEMA_TYPE[v.format];
  if (t) out.schemaType = t;
  out.schema = v.schema;
  if (v.references?.length) out.references = v.references;
  return out;
}

export function schemaTypeOf(format: FormatName): string | undefined {
  return SCHEMA_TYPE[format];
}

/** Own-API summary of a subject (the same shape as the library's SubjectSummary, plus mode and version details). */
export function subjectSummary(s: SubjectInfo, config: RegistryConfig): Record<string, unknown> {
  const meta = s.meta;
  return {
    subject: s.subject,
    namespace: s.namespace,
    name: s.name,
    format: meta.format,
    compatibility: meta.compatibility ?? config.compatibility,
    description: meta.description,
    owners: meta.owners ?? [],
    tags: meta.tags ?? [],
    kind: meta.kind,
    latest: greatest(meta.versions.map((v) => v.version)),
    versions: meta.versions.map((v) => v.version),
  };
}

function ownVersionBody(s: SubjectData, v: VersionData): Record<string, unknown> {
  const meta = s.info.meta;
  let schema: unknown = v.schema;
  if (v.format === 'json' || v.format === 'avro') {
    try {
      schema = JSON.parse(v.schema);
    } catch {
      schema = v.schema;
    }
  }
  return {
    subject: v.subject,
    namespace: v.namespace,
    name: v.name,
    version: v.entry.version,
    index: v.index,
    id: v.entry.id,
    format: v.format,
    state: v.entry.state,
    ...(v.entry.reason ? { reason: v.entry.reason } : {}),
    ...(v.entry.references?.length ? { references: v.entry.references } : {}),
    ...(v.entry.registered ? { registered: v.entry.registered } : {}),
    description: meta.description,
    owners: meta.owners ?? [],
    tags: meta.tags ?? [],
    kind: meta.kind,
    schema,
  };
}

let seqCounter = 0;

/**
 * Read the whole registry through storage (working tree or a git commit) and precompute every answer.
 * Throws (InputError ...) when the registry cannot be read; the caller keeps its last good snapshot.
 */
export async function buildSnapshot(root: string, storage: RegistryStorage, source: string, commit?: string): Promise<Snapshot> {
  const registry = await Registry.open(root, storage);
  const files = new Map<string, string>();
  files.set(CONFIG_FILE, (await storage.readFile(CONFIG_FILE)) ?? '');
  const infos = await registry.listSubjects();
  const subjects = new Map<string, SubjectData>();
  let versionCount = 0;
  for (const info of infos) {
    const dir = registry.subjectDir(info);
    const subjectText = await storage.readFile(`${dir}/${SUBJECT_FILE}`);
    if (subjectText !== undefined) files.set(`${dir}/${SUBJECT_FILE}`, subjectText);
    const data: SubjectData = { subject: info.subject, namespace: info.namespace, name: info.name, info, versions: [] };
    const texts = await Promise.all(info.meta.versions.map((e) => storage.readFile(registry.versionFile(info, e.version, info.meta.format))));
    for (let i = 0; i < info.meta.versions.length; i++) {
      const entry = info.meta.versions[i];
      const file = registry.versionFile(info, entry.version, info.meta.format);
      const text = texts[i];
      if (text === undefined) throw new InputError(`version file is missing for ${info.subject} ${entry.version}`, { file: registry.display(file) });
      files.set(file, text);
      data.versions.push({
        subject: info.subject,
        namespace: info.namespace,
        name: info.name,
        format: info.meta.format,
        entry,
        index: i + 1,
        schema: text.replace(/\r?\n$/, ''),
      });
      versionCount++;
    }
    const latestVersion = greatest(info.meta.versions.map((v) => v.version));
    data.latest = data.versions.find((v) => v.entry.version === latestVersion);
    subjects.set(info.subject, data);
  }
  // Confluent references name the referenced version by its registration number.
  for (const s of subjects.values()) {
    for (const v of s.versions) {
      if (!v.entry.references?.length) continue;
      v.references = v.entry.references.map((r: SchemaReference) => {
        const target = subjects.get(r.subject)?.versions.find((x) => x.entry.version === r.version);
        return { name: r.name, subject: r.subject, version: target?.index ?? 0 };
      });
    }
  }
  const subjectNames = [...subjects.keys()];
  const ids = new Map<number, IdData>();
  for (const name of subjectNames) {
    for (const v of subjects.get(name)!.versions) {
      let d = ids.get(v.entry.id);
      if (!d) ids.set(v.entry.id, (d = { id: v.entry.id, first: v, uses: [] }));
      d.uses.push({ subject: v.subject, version: v.index });
    }
  }
  const snap: Snapshot = {
    seq: ++seqCounter,
    source,
    commit,
    loadedAt: new Date(),
    root,
    config: registry.config,
    files,
    subjects,
    subjectNames,
    ids,
    versionCount,
    get: new Map(),
  };
  precompute(snap);
  return snap;
}

/** Every GET answer that depends only on the path, as bytes. */
function precompute(snap: Snapshot): void {
  const get = snap.get;
  const C = CONFLUENT_TYPE;
  get.set('/', prepare(200, {}, C, '/'));
  get.set('/subjects', prepare(200, snap.subjectNames, C, '/subjects', { etag: true }));
  get.set('/schemas/types', prepare(200, ['JSON', 'PROTOBUF', 'AVRO'], C, '/schemas/types'));
  get.set('/config', prepare(200, { compatibilityLevel: snap.config.compatibility }, C, '/config'));
  get.set('/mode', prepare(200, { mode: 'READONLY' }, C, '/mode'));
  get.set(
    '/schemas',
    prepare(200, { subjects: snap.subjectNames.map((n) => subjectSummary(snap.subjects.get(n)!.info, snap.config)) }, JSON_TYPE, '/schemas', { etag: true }),
  );
  // Which schema ids refer to each version (Confluent's referencedby).
  const referencedBy = new Map<string, Set<number>>();
  for (const s of snap.subjects.values()) {
    for (const v of s.versions) {
      for (const r of v.entry.references ?? []) {
        const key = `${r.subject}@${r.version}`;
        if (!referencedBy.has(key)) referencedBy.set(key, new Set());
        referencedBy.get(key)!.add(v.entry.id);
      }
    }
  }
  for (const s of snap.subjects.values()) {
    const base = `/subjects/${s.subject}/versions`;
    get.set(base, prepare(200, s.versions.map((v) => v.index), C, '/subjects/{s}/versions', { etag: true }));
    get.set(`/schemas/${s.namespace}/${s.name}`, prepare(200, {
      ...subjectSummary(s.info, snap.config),
      versions: s.versions.map((v) => ({
        version: v.entry.version,
        index: v.index,
        id: v.entry.id,
        state: v.entry.state,
        ...(v.entry.reason ? { reason: v.entry.reason } : {}),
        ...(v.entry.registered ? { registered: v.entry.registered } : {}),
      })),
    }, JSON_TYPE, '/schemas/{ns}/{name}', { etag: true }));
    for (const v of s.versions) {
      const body = prepare(200, confluentVersionBody(v), C, '/subjects/{s}/versions/{v}', { etag: true });
      const raw = prepare(200, v.schema, C, '/subjects/{s}/versions/{v}/schema', { etag: true, raw: true });
      const refBy = prepare(200, [...(referencedBy.get(`${s.subject}@${v.entry.version}`) ?? [])].sort((a, b) => a - b), C, '/subjects/{s}/versions/{v}/referencedby');
      const own = prepare(200, ownVersionBody(s, v), JSON_TYPE, '/schemas/{ns}/{name}/{version}', { etag: true });
      const names = [String(v.index)];
      if (v === s.versions[s.versions.length - 1]) names.push('-1');
      for (const n of names) {
        get.set(`${base}/${n}`, body);
        get.set(`${base}/${n}/schema`, raw);
        get.set(`${base}/${n}/referencedby`, refBy);
      }
      get.set(`/schemas/${s.namespace}/${s.name}/${v.entry.version}`, own);
      if (v === s.latest) {
        // 'latest' is the greatest semver (own API) and, as in Confluent, the last registered (Confluent API).
        get.set(`/schemas/${s.namespace}/${s.name}/latest`, own);
      }
    }
    const last = s.versions[s.versions.length - 1];
    if (last) {
      get.set(`${base}/latest`, get.get(`${base}/${last.index}`)!);
      get.set(`${base}/latest/schema`, get.get(`${base}/${last.index}/schema`)!);
      get.set(`${base}/latest/referencedby`, get.get(`${base}/${last.index}/referencedby`)!);
    }
  }
  for (const d of snap.ids.values()) {
    const base = `/schemas/ids/${d.id}`;
    const v = d.first;
    const body: Record<string, unknown> = {};
    const t = SCHEMA_TYPE[v.format];
    if (t) body.schemaType = t;
    body.schema = v.schema;
    if (v.references?.length) body.references = v.references;
    get.set(base, prepare(200, body, C, '/schemas/ids/{id}', { etag: true }));
    get.set(`${base}/schema`, prepare(200, v.schema, C, '/schemas/ids/{id}/schema', { etag: true, raw: true }));
    get.set(`${base}/subjects`, prepare(200, [...new Set(d.uses.map((u) => u.subject))], C, '/schemas/ids/{id}/subjects'));
    get.set(`${base}/versions`, prepare(200, d.uses, C, '/schemas/ids/{id}/versions'));
  }
}

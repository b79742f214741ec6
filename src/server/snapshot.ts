/**
 * A snapshot: the whole registry read once, immutable, with every GET response precomputed as bytes
 * (with its ETag). The server swaps the current snapshot atomically on reload, so a request that
 * started on one snapshot finishes on it, and no request does file I/O or serialises a schema.
 */
import { createHash } from 'node:crypto';
import { confluentGuid } from './guid.js';
import type { Prepared } from './answer.js';
import { InputError } from '../model/errors.js';
import { Registry, type SubjectInfo, type VersionInfo } from '../core/registry.js';
import { CONFIG_FILE } from '../core/config.js';
import { SUBJECT_FILE } from '../core/subject.js';
import type { FormatName, RegistryConfig, SchemaReference, VersionEntry } from '../model/types.js';
import { confluentNumbers } from '../core/ids.js';
import { greatest } from '../core/version.js';
import type { RegistryStorage } from '../storage/types.js';
import { LinkEscapeError } from '../storage/fsutil.js';

export { CONFLUENT_TYPE, JSON_TYPE, etagOf, prepare, type Prepared } from './answer.js';

/** A version as served: the registry's VersionInfo facts (index = Confluent's version number) plus the answer's parts. */
export interface VersionData extends Pick<VersionInfo, 'subject' | 'namespace' | 'name' | 'format' | 'entry' | 'index'> {
  /** The schema text without its trailing newline. */
  schema: string;
  /** Confluent-shaped references (version as the referenced subject's registration number). */
  references?: Array<{ name: string; subject: string; version: number }>;
  /** Confluent `metadata`: the subject's and version's facts as string properties. */
  metadata: { properties: Record<string, string> };
  /** Protobuf: base64 FileDescriptorProto (Confluent's `format=serialized`). */
  serialized?: string;
  /** Confluent's guid of this version's schema and references (./guid.ts). */
  guid: string;
}

export interface SubjectData {
  subject: string;
  namespace: string;
  name: string;
  info: SubjectInfo;
  versions: VersionData[];
  latest?: VersionData;
  /** The names Confluent routes answer to: the subject's own, then its aliases. */
  names: string[];
}

export interface IdData {
  id: number;
  /** The first registration of the schema with this id (subjects sorted, then registration order). */
  first: VersionData;
  uses: Array<{ subject: string; version: number }>;
  /** Confluent's guid (./guid.ts) of the first registration's schema and references. */
  guid: string;
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
  /** The registry the snapshot was read from (its config and paths; reads go through its storage). */
  registry: Registry;
  /** Every file of the registry (config, subject.yaml, version files) by registry-relative path. */
  files: Map<string, string>;
  subjects: Map<string, SubjectData>;
  /** Sorted full subject names. */
  subjectNames: string[];
  /** Alias -> subject. */
  aliases: Map<string, string>;
  guids: Map<string, IdData>;
  ids: Map<number, IdData>;
  versionCount: number;
  /** Versions left out: files that are links out of the registry. */
  skipped?: SkippedVersion[];
  /** GET responses by exact decoded pathname, for routes whose answer ignores the query string. */
  get: Map<string, Prepared>;
  /** Protobuf answers with format=serialized, by the same pathnames. */
  serialized: Map<string, Prepared>;
}

export interface SkippedVersion {
  subject: string;
  /** Empty when the whole subject is left out (its subject.yaml is a link out of the registry). */
  version: string;
  file: string;
  reason: string;
}

const SCHEMA_TYPE: Record<FormatName, string | undefined> = { avro: undefined, json: 'JSON', protobuf: 'PROTOBUF', prompt: 'PROMPT' };
export const FORMAT_OF_TYPE: Record<string, FormatName> = { AVRO: 'avro', JSON: 'json', PROTOBUF: 'protobuf' };

export function confluentVersionBody(v: VersionData, serialized = false): Record<string, unknown> {
  const out: Record<string, unknown> = { subject: v.subject, version: v.index, id: v.entry.id, guid: v.guid };
  const t = SCHEMA_TYPE[v.format];
  if (t) out.schemaType = t;
  out.schema = serialized && v.serialized !== undefined ? v.serialized : v.schema;
  if (v.references?.length) out.references = v.references;
  out.metadata = v.metadata;
  return out;
}

/** Confluent's answer for a schema id (no subject or version). */
export function confluentIdBody(d: IdData, serialized = false): Record<string, unknown> {
  const v = d.first;
  const body: Record<string, unknown> = {};
  const t = SCHEMA_TYPE[v.format];
  if (t) body.schemaType = t;
  body.schema = serialized && v.serialized !== undefined ? v.serialized : v.schema;
  if (v.references?.length) body.references = v.references;
  body.metadata = v.metadata;
  body.guid = d.guid;
  return body;
}

/** A subject resolved by its name or one of its aliases. */
export function resolveSubject(snap: Snapshot, name: string): SubjectData | undefined {
  const s = snap.subjects.get(name);
  if (s) return s;
  const target = snap.aliases.get(name);
  return target === undefined ? undefined : snap.subjects.get(target);
}

/**
 * Every name Confluent's GET /subjects lists (subjects and aliases, sorted), built from per-subject pieces
 * so a caller can filter by subject first.
 */
export function confluentSubjectNames(subjects: Iterable<SubjectData>): string[] {
  const out: string[] = [];
  for (const s of subjects) out.push(...s.names);
  return out.sort();
}

/** Metadata properties of a version (Confluent's `metadata.properties`, strings only). */
function metadataOf(info: SubjectInfo, entry: VersionEntry): { properties: Record<string, string> } {
  const m = info.meta;
  const p: Record<string, string> = { 'llm-schema.version': entry.version, 'llm-schema.state': entry.state };
  if (entry.state === 'deprecated') p['llm-schema.deprecated'] = entry.reason ?? 'deprecated';
  if (m.description) p['llm-schema.description'] = m.description;
  if (m.owners?.length) p['llm-schema.owners'] = m.owners.join(',');
  if (m.tags?.length) p['llm-schema.tags'] = m.tags.join(',');
  if (m.kind) p['llm-schema.kind'] = m.kind;
  if (entry.registered) p['llm-schema.registered'] = entry.registered;
  return { properties: p };
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
    aliases: meta.aliases ?? [],
    latest: greatest(meta.versions.map((v) => v.version)),
    versions: meta.versions.map((v) => v.version),
  };
}

/** A version as the own API lists it under its subject (the web UI adds references and the registering commit). */
export function versionSummary(v: VersionData): Record<string, unknown> {
  return {
    version: v.entry.version,
    index: v.index,
    id: v.entry.id,
    state: v.entry.state,
    ...(v.entry.reason ? { reason: v.entry.reason } : {}),
    ...(v.entry.registered ? { registered: v.entry.registered } : {}),
  };
}

/** A version as the own API answers it (GET /schemas/{ns}/{name}/{version}). */
export function ownVersionBody(s: SubjectData, v: VersionData): Record<string, unknown> {
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
/** Serialized Protobuf descriptors by version content, shared by successive snapshots. */
const descriptorCache = new Map<string, string>();

/**
 * Read the whole registry through storage (working tree or a git commit) and precompute every answer.
 * Throws (InputError ...) when the registry cannot be read; the caller keeps its last good snapshot.
 */
/**
 * Read a registry into a snapshot (its data, no answers yet). load.ts's buildSnapshot adds the routes' precomputed
 * answers; the routes read this module, so it cannot call them itself without an import cycle.
 */
export async function readSnapshot(root: string, storage: RegistryStorage, source: string, commit?: string): Promise<Snapshot> {
  const registry = await Registry.open(root, storage);
  const files = new Map<string, string>();
  files.set(CONFIG_FILE, (await storage.readFile(CONFIG_FILE)) ?? '');
  const skipped: SkippedVersion[] = [];
  // A subject whose subject.yaml is a link out of the registry is left out (and reported), never read.
  const infos = await registry.listSubjects(undefined, (subject, err) => skipped.push({ subject, version: '', file: err.relPath, reason: err.message }));
  const subjects = new Map<string, SubjectData>();
  let versionCount = 0;
  for (const info of infos) {
    const dir = registry.subjectDir(info);
    const subjectText = await storage.readFile(`${dir}/${SUBJECT_FILE}`);
    if (subjectText !== undefined) files.set(`${dir}/${SUBJECT_FILE}`, subjectText);
    const data: SubjectData = {
      subject: info.subject,
      namespace: info.namespace,
      name: info.name,
      info,
      versions: [],
      names: [info.subject, ...(info.meta.aliases ?? [])],
    };
    // A version file that is a link out of the registry is left out (and reported), never read.
    const texts = await Promise.all(
      info.meta.versions.map((e) =>
        storage.readFile(registry.versionFile(info, e.version, info.meta.format)).catch((err) => {
          if (!(err instanceof LinkEscapeError)) throw err;
          skipped.push({ subject: info.subject, version: e.version, file: err.relPath, reason: err.message });
          return null;
        }),
      ),
    );
    const numbers = confluentNumbers(info.meta.versions);
    for (let i = 0; i < info.meta.versions.length; i++) {
      const entry = info.meta.versions[i];
      const file = registry.versionFile(info, entry.version, info.meta.format);
      const text = texts[i];
      if (text === null) continue;
      if (text === undefined) throw new InputError(`version file is missing for ${info.subject} ${entry.version}`, { file: registry.display(file) });
      files.set(file, text);
      data.versions.push({
        subject: info.subject,
        namespace: info.namespace,
        name: info.name,
        format: info.meta.format,
        entry,
        index: numbers[i],
        schema: text.replace(/\r?\n$/, ''),
        metadata: metadataOf(info, entry),
        guid: '',
      });
      versionCount++;
    }
    const latestVersion = data.versions.length ? greatest(data.versions.map((v) => v.entry.version)) : undefined;
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
  for (const s of subjects.values()) for (const v of s.versions) v.guid = confluentGuid(v.schema, v.references);
  // Protobuf: the FileDescriptorProto Confluent's clients ask for (format=serialized), built once per version
  // and kept across reloads (a registered version never changes; the key holds its id, text and references).
  for (const s of subjects.values()) {
    if (s.info.meta.format !== 'protobuf') continue;
    for (const v of s.versions) {
      const refs = (v.entry.references ?? []).map(
        (r) => `${r.name}=${r.subject}@${r.version}#${subjects.get(r.subject)?.versions.find((x) => x.entry.version === r.version)?.entry.id ?? ''}`,
      );
      const key = createHash('sha1')
        .update(`${s.subject}@${v.entry.version}#${v.entry.id}\0${v.schema}\0${refs.join(',')}`)
        .digest('base64');
      const cached = descriptorCache.get(key);
      if (cached !== undefined) {
        v.serialized = cached;
        continue;
      }
      try {
        const { schema } = await registry.loadSchema(s.info, v.entry.version);
        const { serializedDescriptor } = await import('../formats/protobuf/descriptor.js');
        v.serialized = await serializedDescriptor(schema, { name: `${s.namespace}/${s.name}/${v.entry.version}.proto` });
        if (descriptorCache.size >= 50_000) descriptorCache.clear();
        descriptorCache.set(key, v.serialized);
      } catch {
        // an unreadable schema is reported by check; format=serialized answers 422 for it
      }
    }
  }
  // Aliases: each names one subject (check and register refuse clashes; the first one wins here).
  const aliases = new Map<string, string>();
  for (const s of subjects.values()) {
    s.names = s.names.filter((n, i) => i === 0 || (!subjects.has(n) && !aliases.has(n)));
    for (const a of s.names.slice(1)) aliases.set(a, s.subject);
  }
  const subjectNames = [...subjects.keys()];
  const ids = new Map<number, IdData>();
  const guids = new Map<string, IdData>();
  for (const name of subjectNames) {
    for (const v of subjects.get(name)!.versions) {
      let d = ids.get(v.entry.id);
      if (!d) {
        ids.set(v.entry.id, (d = { id: v.entry.id, first: v, uses: [], guid: v.guid }));
      }
      if (!guids.has(v.guid)) guids.set(v.guid, d);
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
    registry,
    files,
    subjects,
    subjectNames,
    aliases,
    guids,
    ids,
    versionCount,
    skipped,
    get: new Map(),
    serialized: new Map(),
  };
  return snap;
}

/** The subjects (and their aliases) that hold an id, optionally only those passing a per-subject filter. */
export function idSubjects(snap: Snapshot, d: IdData, keep: (s: SubjectData) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const u of d.uses) {
    const s = snap.subjects.get(u.subject);
    if (!s || !keep(s)) continue;
    for (const n of s.names) if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Confluent's GET /schemas: every version of the given subjects (subject order, then version). */
export function confluentSchemas(
  snap: Snapshot,
  subjects: SubjectData[],
  options: { latestOnly?: boolean; serialized?: boolean },
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const s of [...subjects].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))) {
    const versions = options.latestOnly ? s.versions.slice(-1) : s.versions;
    for (const v of versions) out.push(confluentVersionBody(v, options.serialized));
  }
  return out;
}

/**
 * A subject name without Confluent's default context prefix (':.:orders-value' is 'orders-value'), as
 * Confluent strips it. Other contexts (':.ctx:x') stay: no subject or alias is named so, so they answer
 * as an unknown subject, as Confluent answers one in an unknown context.
 */
export function stripContext(name: string): string {
  return name.startsWith(':.:') ? name.slice(3) : name;
}

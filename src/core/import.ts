/**
 * `llm-schema import`: bring a live Confluent-compatible registry (Confluent, Karapace, Apicurio's ccompat API,
 * another `serve`) into the git registry through its read API, keeping its ids and version numbers (recorded as
 * `imported:` per version in subject.yaml, never recomputed) so that messages already in Kafka still decode.
 *
 * Everything is read and planned first; a conflict (an id the registry holds for another schema, a subject
 * version imported or registered with other content) stops the import before anything is written. Writes then
 * go through the registry writer under the registry lock, one version at a time (its file, then subject.yaml:
 * an interrupt leaves whole versions, and a re-run imports the rest). Never prints, never exits.
 */
import { getHandler, EXTENSIONS } from '../formats/index.js';
import { InputError, LlmSchemaError, RefusedError, UsageError } from '../model/errors.js';
import type { CompatibilityMode, FormatName, ParsedSchema, ResolvedReference, SchemaReference, SubjectMeta, VersionEntry } from '../model/types.js';
import { parseYaml } from '../model/yaml.js';
import { withWriteGuard } from '../storage/fsutil.js';
import { compareWithSubject } from './comparison.js';
import { checkMode } from './config.js';
import { confluentNumbers } from './ids.js';
import { checkName, checkNamespace, subjectName, type SubjectRef } from './names.js';
import type { Registry } from './registry.js';
import { withTransitiveReferences } from './registry/reads.js';
import { repairSubject, writeVersion, writerOf } from './registry/writes.js';
import { checkAlias, PENDING_PREFIX, serializeSubject } from './subject.js';

const FORMAT_OF_TYPE: Record<string, FormatName> = { AVRO: 'avro', JSON: 'json', PROTOBUF: 'protobuf' };
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/json';

/** A `--map` rule: an exact source subject or a regular expression, to `namespace.name` (regex: `$1` groups). */
export interface MapRule {
  subject?: string;
  pattern?: RegExp;
  target: string;
}

export interface ImportOptions {
  /** The source registry's base URL (userinfo there is basic auth). */
  url: string;
  user?: string;
  password?: string;
  token?: string;
  /** Only subjects whose name starts with this (Confluent's `subjectPrefix`). */
  subjectPrefix?: string;
  /** The namespace of subjects whose names are not `<namespace>.<name>`. */
  namespace?: string;
  map?: MapRule[];
  dryRun?: boolean;
  /** Progress while reading and writing (the CLI's spinner). */
  onProgress?: (text: string) => void;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

export interface ImportAction {
  /** The subject and version number in the source registry. */
  source: string;
  number: number;
  id: number;
  subject: string;
  version: string;
  format: FormatName;
  references?: SchemaReference[];
  /** Set when the subject is created by this import. */
  newSubject?: { aliases: string[]; compatibility?: CompatibilityMode };
  /** Set when llm-schema judges the version incompatible under the subject's mode (the source accepted it). */
  allowBreaking?: string;
}

export interface ImportResult {
  /** The source URL without credentials. */
  from: string;
  dryRun: boolean;
  /** Source subjects and versions read. */
  subjects: number;
  /** Source subjects that are aliases of others (recorded as aliases). */
  aliases: number;
  versions: number;
  /** Versions already imported (identical): left alone. */
  unchanged: number;
  actions: ImportAction[];
  /** Registry-relative files written. */
  written: string[];
}

/** A conflict between the source and the registry: exit 1, naming it. */
export class ImportConflictError extends RefusedError {}

interface SourceVersion {
  subject: string;
  number: number;
  id: number;
  format: FormatName;
  schema: string;
  references: Array<{ name: string; subject: string; version: number }>;
}

/** Parse a `--map` YAML file's text: `subject: namespace.name` or `/regex/: namespace.name` (also `namespace/name`). */
export function parseMapFile(text: string, file: string): MapRule[] {
  const raw = parseYaml(text, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError('the map must be a YAML mapping of subject (or /regex/) to namespace.name', { file });
  const out: MapRule[] = [];
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new InputError(`'${k}' must map to a string namespace.name`, { file });
    const target = v.includes('/') ? v.replace(/\/(?=[^/]*$)/, '.') : v;
    const m = /^\/(.+)\/([imsu]*)$/.exec(k);
    if (m) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(`^(?:${m[1]})$`, m[2]);
      } catch (err) {
        throw new InputError(`'${k}' is not a valid regular expression: ${(err as Error).message}`, { file });
      }
      out.push({ pattern, target });
    } else out.push({ subject: k, target });
  }
  return out;
}

function splitTarget(full: string, why: string): SubjectRef {
  const i = full.lastIndexOf('.');
  if (i <= 0 || i === full.length - 1) throw new UsageError(`${why}: '${full}' is not <namespace>.<name>`);
  try {
    return { namespace: checkNamespace(full.slice(0, i)), name: checkName(full.slice(i + 1)) };
  } catch (err) {
    throw new UsageError(`${why}: ${(err as Error).message}`);
  }
}

/** Where a source subject goes: a --map rule, else its own name when it is `<namespace>.<name>`, else --namespace. */
export function targetOf(subject: string, options: Pick<ImportOptions, 'map' | 'namespace'>): SubjectRef {
  for (const r of options.map ?? []) {
    if (r.subject === subject) return splitTarget(r.target, `--map maps '${subject}'`);
    if (r.pattern?.test(subject)) return splitTarget(subject.replace(r.pattern, r.target), `--map maps '${subject}'`);
  }
  const i = subject.lastIndexOf('.');
  if (i > 0) {
    try {
      return { namespace: checkNamespace(subject.slice(0, i)), name: checkName(subject.slice(i + 1)) };
    } catch {
      // not <namespace>.<name>: below
    }
  }
  if (options.namespace === undefined) {
    throw new UsageError(
      `subject '${subject}' is not <namespace>.<name>: pass --namespace NS (it becomes NS.<name>, with '${subject}' as its alias) or --map FILE`,
    );
  }
  let name = subject.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (name.length > 128) name = name.slice(0, 128);
  if (!name) throw new UsageError(`subject '${subject}' gives no name: map it with --map FILE`);
  return { namespace: checkNamespace(options.namespace), name: checkName(name) };
}

/** The source registry's read API. */
class Source {
  readonly base: string;
  readonly display: string;
  private readonly headers: Record<string, string>;
  constructor(
    url: string,
    auth: { user?: string; password?: string; token?: string },
    private readonly timeoutMs: number,
  ) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new UsageError(`invalid --from '${url}': expected an http(s) URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`invalid --from '${url}': expected an http(s) URL`);
    this.headers = { accept: ACCEPT };
    let user = auth.user;
    let password = auth.password;
    if (u.username && user === undefined) {
      user = decodeURIComponent(u.username);
      password = decodeURIComponent(u.password);
    }
    u.username = '';
    u.password = '';
    if (auth.token) this.headers.authorization = `Bearer ${auth.token}`;
    else if (user !== undefined) this.headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    this.base = u.toString().replace(/\/+$/, '');
    this.display = this.base;
  }

  /** GET a path; undefined for a 404 when `missingOk`. */
  async get(path: string, missingOk = false): Promise<unknown> {
    const url = this.base + path;
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new UsageError(`cannot read ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await res.text();
    if (res.status === 404 && missingOk) return undefined;
    if (res.status === 401 || res.status === 403)
      throw new UsageError(`${url} answered ${res.status}: pass credentials with --user NAME:PASSWORD, --token TOKEN (or $LLM_SCHEMA_IMPORT_TOKEN)`);
    if (!res.ok) throw new UsageError(`${url} answered ${res.status}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new UsageError(`${url} answered with no JSON: is --from a Confluent-compatible schema registry?`);
    }
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Read the source registry (the subjects to import, every version), then plan and (unless dry) write. */
export async function importRegistry(registry: Registry, options: ImportOptions): Promise<ImportResult> {
  const source = new Source(options.url, options, options.timeoutMs ?? 30_000);
  const progress = options.onProgress ?? (() => {});
  if (!options.dryRun) writerOf(registry, 'import into'); // a read-only registry refuses before anything is read

  // 1. Read.
  progress(`reading ${source.display}`);
  const globalConfig = (await source.get('/config', true)) as { compatibilityLevel?: string; compatibility?: string } | undefined;
  const globalLevel = levelOf(globalConfig);
  const listed = await source.get(options.subjectPrefix ? `/subjects?subjectPrefix=${enc(options.subjectPrefix)}` : '/subjects');
  if (!Array.isArray(listed) || listed.some((s) => typeof s !== 'string')) throw new UsageError(`${source.display}/subjects is not a list of subject names`);
  const subjects = (listed as string[]).filter((s) => !options.subjectPrefix || s.startsWith(options.subjectPrefix)).sort();
  const levels = new Map<string, CompatibilityMode | undefined>();
  // An alias is not a subject of its own: it becomes an alias of its subject's target. A registry says so in the
  // alias's config (Confluent's subject aliases: `alias`) or by answering its versions under the subject they
  // belong to (`serve` does).
  const aliasOf = new Map<string, string>();
  const fetched = new Map<string, SourceVersion[]>();
  let n = 0;
  for (const s of subjects) {
    n++;
    progress(`reading ${s} (${n}/${subjects.length})`);
    const own = (await source.get(`/config/${enc(s)}?defaultToGlobal=false`, true)) as Record<string, unknown> | undefined;
    if (typeof own?.alias === 'string' && own.alias !== s && subjects.includes(own.alias)) {
      aliasOf.set(s, own.alias);
      continue;
    }
    levels.set(s, levelOf(own) ?? globalLevel);
    const numbers = await source.get(`/subjects/${enc(s)}/versions`);
    if (!Array.isArray(numbers) || numbers.some((x) => !Number.isInteger(x)))
      throw new UsageError(`${source.display}/subjects/${s}/versions is not a list of version numbers`);
    const list: SourceVersion[] = [];
    for (const v of [...(numbers as number[])].sort((a, b) => a - b)) {
      const body = (await source.get(`/subjects/${enc(s)}/versions/${v}`)) as Record<string, unknown>;
      const named = typeof body?.subject === 'string' ? body.subject.replace(/^:\.:/, '') : s;
      if (named !== s && subjects.includes(named)) {
        aliasOf.set(s, named);
        break;
      }
      list.push(sourceVersion(s, v, body, source.display));
    }
    if (!aliasOf.has(s)) fetched.set(s, list);
  }
  const real = subjects.filter((s) => !aliasOf.has(s));
  const targets = new Map<string, SubjectRef>();
  for (const s of real) targets.set(s, targetOf(s, options));
  const extraAliases = new Map<string, string[]>();
  for (const [a, s] of aliasOf) {
    if (aliasOf.has(s)) continue; // an alias of an alias: Confluent does not follow those either
    extraAliases.set(s, [...(extraAliases.get(s) ?? []), a]);
  }
  const versions = real.flatMap((s) => fetched.get(s) ?? []);

  // References through an alias name the subject it stands for.
  for (const v of versions) for (const r of v.references) r.subject = aliasOf.get(r.subject) ?? r.subject;

  // 2. Plan (everything checked before anything is written).
  const plan = await planImport(registry, source.display, versions, targets, levels, extraAliases);
  const result: ImportResult = {
    from: source.display,
    dryRun: !!options.dryRun,
    subjects: real.length,
    aliases: aliasOf.size,
    versions: versions.length,
    unchanged: versions.length - plan.length,
    actions: plan.map((p) => p.action),
    written: [],
  };
  if (options.dryRun || !plan.length) return result;

  // 3. Write, under the lock, one version at a time.
  const writer = writerOf(registry, 'import into');
  const lock = await writer.lock();
  try {
    const repaired = new Set<string>();
    let i = 0;
    for (const p of plan) {
      i++;
      const a = p.action;
      progress(`writing ${a.subject} ${a.version} (${i}/${plan.length})`);
      const ref = p.ref;
      if (!repaired.has(a.subject)) {
        await repairSubject(registry, ref);
        repaired.add(a.subject);
      }
      if (!(await lock.held()))
        throw new LlmSchemaError(
          `lost the registry lock while importing; ${result.written.length / 2} versions were imported, run the import again for the rest`,
          2,
        );
      const existing = await registry.readSubject(ref);
      let meta: SubjectMeta;
      if (existing) meta = existing;
      else {
        meta = { format: a.format, versions: [] };
        if (a.newSubject?.compatibility) meta.compatibility = a.newSubject.compatibility;
      }
      if (a.newSubject?.aliases.length) meta.aliases = [...new Set([...(meta.aliases ?? []), ...a.newSubject.aliases])];
      if (existing && meta.versions.some((e) => e.version === a.version)) {
        throw new ImportConflictError(`conflict: ${a.subject} ${a.version} appeared while importing; nothing more was written`);
      }
      const entry: VersionEntry = { version: a.version, id: a.id, state: 'active', registered: new Date().toISOString() };
      if (a.references?.length) entry.references = a.references;
      if (a.allowBreaking) entry.allowBreaking = a.allowBreaking;
      entry.imported = { from: source.display, subject: a.source, number: a.number };
      const next: SubjectMeta = { ...meta, versions: [...meta.versions, entry] };
      const versionRel = registry.versionFile(ref, a.version, a.format);
      const subjectRel = registry.subjectFile(ref);
      const mark = `${registry.subjectDir(ref)}/${PENDING_PREFIX}${a.version}${EXTENSIONS[a.format]}`;
      const text = p.text.endsWith('\n') ? p.text : p.text + '\n';
      await withWriteGuard(
        `${a.subject} ${a.version} was not imported (${result.written.length / 2} versions before it were); run the import again for the rest`,
        async (guard) => {
          await writeVersion(writer, guard, {
            mark,
            markText: `${JSON.stringify({ pid: process.pid, version: a.version, imported: true })}\n`,
            versionRel,
            text,
            subjectRel,
            subjectText: serializeSubject(next),
            display: registry.display(versionRel),
            unwritten: 'nothing more was written',
          });
          result.written.push(versionRel, subjectRel);
        },
        () => `${a.subject} ${a.version} was imported before the interrupt took effect; run the import again for the rest`,
      );
    }
  } finally {
    await lock.release();
  }
  return result;
}

function levelOf(body: unknown): CompatibilityMode | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  const level = o.compatibilityLevel ?? o.compatibility;
  if (typeof level !== 'string') return undefined;
  try {
    return checkMode(level.toUpperCase());
  } catch {
    return undefined; // a level this registry has no name for: the registry's default applies
  }
}

function sourceVersion(subject: string, number: number, body: Record<string, unknown>, from: string): SourceVersion {
  const where = `${from}/subjects/${subject}/versions/${number}`;
  if (!body || typeof body !== 'object' || typeof body.schema !== 'string') throw new UsageError(`${where} has no schema`);
  const id = body.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0 || id > 0x7fffffff) throw new UsageError(`${where} has no positive int32 id`);
  const type = body.schemaType === undefined || body.schemaType === null ? 'AVRO' : String(body.schemaType).toUpperCase();
  const format = FORMAT_OF_TYPE[type];
  if (!format) throw new UsageError(`${where}: schemaType '${String(body.schemaType)}' is not AVRO, PROTOBUF or JSON`);
  const references: SourceVersion['references'] = [];
  for (const r of (Array.isArray(body.references) ? body.references : []) as Array<Record<string, unknown>>) {
    if (!r || typeof r.name !== 'string' || typeof r.subject !== 'string' || !Number.isInteger(Number(r.version)))
      throw new UsageError(`${where}: a reference needs name, subject and version`);
    references.push({ name: r.name, subject: r.subject, version: Number(r.version) });
  }
  return { subject, number: typeof body.version === 'number' ? body.version : number, id, format, schema: body.schema, references };
}

interface Planned {
  ref: SubjectRef;
  text: string;
  action: ImportAction;
}

/** What the import adds, in an order where referenced versions come first; throws on any conflict. */
async function planImport(
  registry: Registry,
  from: string,
  versions: SourceVersion[],
  targets: Map<string, SubjectRef>,
  levels: Map<string, CompatibilityMode | undefined>,
  extraAliases: Map<string, string[]>,
): Promise<Planned[]> {
  const key = (s: string, n: number) => `${s}#${n}`;
  const byKey = new Map(versions.map((v) => [key(v.subject, v.number), v]));
  // Two source subjects mapped to one target would merge their histories.
  const owner = new Map<string, string>();
  for (const [s, ref] of targets) {
    const t = subjectName(ref);
    if (owner.has(t)) throw new UsageError(`subjects '${owner.get(t)}' and '${s}' both map to '${t}': give them distinct names with --map`);
    owner.set(t, s);
  }

  // Every id the registry already holds, with what it holds (format and canonical content).
  const held = new Map<number, { canonical: string; where: string }>();
  const loaded = new Map<string, { schema: ParsedSchema; canonical: string }>();
  const metas = new Map<string, SubjectMeta | undefined>();
  for (const info of await registry.listSubjects()) {
    metas.set(info.subject, info.meta);
    const handler = await getHandler(info.meta.format);
    for (const e of info.meta.versions) {
      let canonical: string;
      try {
        const { schema } = await registry.loadSchema(info, e.version);
        canonical = `${info.meta.format}\0${handler.canonical(schema)}`;
        loaded.set(`${info.subject}@${e.version}`, { schema, canonical });
      } catch (err) {
        if (!(err instanceof LlmSchemaError)) throw err;
        // A version that does not load (check names it) still holds its id: nothing else may claim it.
        canonical = `\0unreadable ${info.subject}@${e.version}`;
      }
      if (!held.has(e.id)) held.set(e.id, { canonical, where: `${info.subject} ${e.version}` });
    }
  }
  const metaOf = async (ref: SubjectRef) => {
    const n = subjectName(ref);
    if (!metas.has(n)) metas.set(n, await registry.readSubject(ref));
    return metas.get(n);
  };

  const out: Planned[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  /** Target subject@semver of each source version (planned or already there). */
  const placed = new Map<string, { subject: string; version: string }>();
  /** Planned versions per target subject, in order (for compatibility with what comes before). */
  const plannedHistory = new Map<string, Array<{ version: string; schema: ParsedSchema }>>();
  const aliasOwners = new Map<string, string>();

  const visit = async (v: SourceVersion, chain: string[]): Promise<void> => {
    const k = key(v.subject, v.number);
    if (state.get(k) === 'done') return;
    if (state.get(k) === 'visiting') throw new UsageError(`${from}: reference cycle through ${[...chain, `${v.subject} ${v.number}`].join(' -> ')}`);
    state.set(k, 'visiting');
    const where = `${v.subject} version ${v.number}`;
    // References first (they may be in other subjects, imported now or already).
    const references: SchemaReference[] = [];
    for (const r of v.references) {
      const dep = byKey.get(key(r.subject, r.version));
      if (dep) {
        await visit(dep, [...chain, `${v.subject} ${v.number}`]);
        const p = placed.get(key(r.subject, r.version))!;
        references.push({ name: r.name, subject: p.subject, version: p.version });
        continue;
      }
      // Not imported now: it must already be in the registry (imported before).
      const found = await findImported(registry, metaOf, r.subject, r.version, targets);
      if (!found)
        throw new UsageError(
          `${where} references ${r.subject} version ${r.version}, which is neither imported now nor in the registry (widen --subject-prefix)`,
        );
      references.push({ name: r.name, ...found });
    }
    const ref = targets.get(v.subject)!;
    const target = subjectName(ref);
    const handler = await getHandler(v.format);
    const resolved = await resolveRefs(registry, references, loaded);
    let schema: ParsedSchema;
    try {
      schema = await handler.parse(v.schema, { file: `${from}/subjects/${v.subject}/versions/${v.number}`, references: resolved, sealed: true });
    } catch (err) {
      if (!(err instanceof LlmSchemaError)) throw err;
      throw new UsageError(`${err.message} (${where} is not a valid ${v.format} schema)`);
    }
    const canonical = `${v.format}\0${handler.canonical(schema)}`;
    const version = `${v.number}.0.0`;
    const meta = await metaOf(ref);
    if (meta && meta.format !== v.format)
      throw new ImportConflictError(`conflict: ${target} holds ${meta.format} schemas and ${where} is ${v.format}; nothing was written`);
    const already =
      meta?.versions.find((e) => e.imported?.subject === v.subject && e.imported.number === v.number) ?? meta?.versions.find((e) => e.version === version);
    if (already) {
      const mine = loaded.get(`${target}@${already.version}`)?.canonical;
      if (mine !== canonical || already.id !== v.id) {
        throw new ImportConflictError(
          `conflict: ${where} (id ${v.id}) differs from ${target} ${already.version} (id ${already.id}) already in the registry` +
            (mine !== canonical ? ' (other content)' : ' (other id)') +
            '; nothing was written',
        );
      }
      placed.set(k, { subject: target, version: already.version });
      loaded.set(`${target}@${already.version}`, { schema, canonical });
      state.set(k, 'done');
      return;
    }
    const holder = held.get(v.id);
    if (holder && holder.canonical !== canonical)
      throw new ImportConflictError(`conflict: id ${v.id} of ${where} is held by ${holder.where}, a different schema; nothing was written`);
    if (!holder) held.set(v.id, { canonical, where: `${target} ${version}` });
    // Versions only grow: a source number below what the subject holds cannot keep its place.
    const last = meta ? confluentNumbers(meta.versions).at(-1) : undefined;
    const planned = plannedHistory.get(target) ?? [];
    if (last !== undefined && !planned.length && v.number <= last)
      throw new ImportConflictError(`conflict: ${where} is new but ${target} already has version number ${last} or above; nothing was written`);

    // Compatibility under the subject's mode with what comes before: the source accepted it, llm-schema may not.
    const mode = meta?.compatibility ?? levels.get(v.subject) ?? registry.config.compatibility;
    const history = [
      ...(meta?.versions ?? []).flatMap((e) => {
        const got = loaded.get(`${target}@${e.version}`);
        return got ? [{ version: e.version, schema: got.schema }] : [];
      }),
      ...planned,
    ];
    let allowBreaking: string | undefined;
    if (history.length) {
      const against = mode.endsWith('_TRANSITIVE') ? history : history.slice(-1);
      try {
        const { report } = await compareWithSubject({ handler, registry, meta: meta ?? { format: v.format, versions: [] }, mode, against, candidate: schema });
        if (!report.compatible) allowBreaking = `imported: ${v.subject} version ${v.number} as ${from} accepted it`;
      } catch (err) {
        if (!(err instanceof LlmSchemaError)) throw err;
        allowBreaking = `imported: ${v.subject} version ${v.number} as ${from} accepted it`;
      }
    }
    planned.push({ version, schema });
    plannedHistory.set(target, planned);
    loaded.set(`${target}@${version}`, { schema, canonical });

    const action: ImportAction = { source: v.subject, number: v.number, id: v.id, subject: target, version, format: v.format };
    if (references.length) action.references = references;
    if (allowBreaking) action.allowBreaking = allowBreaking;
    if (planned.length === 1) {
      const aliases = [v.subject, ...(extraAliases.get(v.subject) ?? [])].filter((a) => a !== target && !meta?.aliases?.includes(a)).map(checkAlias);
      for (const a of aliases) {
        const other = aliasOwners.get(a);
        if (other && other !== target) throw new UsageError(`alias '${a}' would name both ${other} and ${target}`);
        aliasOwners.set(a, target);
      }
      if (aliases.length) {
        const clashes = await registry.aliasClashes(ref, [...(meta?.aliases ?? []), ...aliases]);
        if (clashes.length) throw new ImportConflictError(`conflict: ${clashes[0]}; nothing was written`);
      }
      const compatibility = !meta && mode !== registry.config.compatibility ? mode : undefined;
      if (aliases.length || compatibility) action.newSubject = { aliases, ...(compatibility ? { compatibility } : {}) };
    }
    out.push({ ref, text: v.schema, action });
    placed.set(k, { subject: target, version });
    state.set(k, 'done');
  };

  for (const v of versions) await visit(v, []);
  return out;
}

/** A source subject version already in the registry (imported before): its subject and semver. */
async function findImported(
  registry: Registry,
  metaOf: (ref: SubjectRef) => Promise<SubjectMeta | undefined>,
  sourceSubject: string,
  number: number,
  targets: Map<string, SubjectRef>,
): Promise<{ subject: string; version: string } | undefined> {
  let ref = targets.get(sourceSubject);
  if (!ref) {
    for (const info of await registry.listSubjects()) {
      if (info.subject === sourceSubject || info.meta.aliases?.includes(sourceSubject)) ref = info;
    }
  }
  if (!ref) return undefined;
  const meta = await metaOf(ref);
  const e = meta?.versions.find((x) => x.imported?.subject === sourceSubject && x.imported.number === number);
  return e ? { subject: subjectName(ref), version: e.version } : undefined;
}

/** References resolved from what the plan parsed (or the registry holds), handed on as the registry does. */
async function resolveRefs(registry: Registry, refs: SchemaReference[], loaded: Map<string, { schema: ParsedSchema }>): Promise<ResolvedReference[]> {
  const out: ResolvedReference[] = [];
  for (const r of refs) {
    const got = loaded.get(`${r.subject}@${r.version}`);
    if (got) out.push({ ...r, schema: got.schema });
    else out.push(...(await registry.resolveReferences([r])));
  }
  return withTransitiveReferences(out);
}

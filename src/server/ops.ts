/**
 * The server's requests that need a format handler (validate, compatibility, lookup, search). They run
 * over one snapshot's files (an in-memory registry), in a worker thread so that a slow schema or a huge
 * record cannot stall the server: the main thread bounds each job in time.
 */
import { type VersionedSchema } from '../core/compat.js';
import { compareWithSubject } from '../core/comparison.js';
import { checkMode } from '../core/config.js';
import { diffVersions, viewOf } from '../core/diff.js';
import { confluentNumbers, entryByConfluentNumber } from '../core/ids.js';
import { diffJson } from '../report/changes.js';
import { checkName, checkNamespace, parseSubjectName, type SubjectRef } from '../core/names.js';
import { Registry } from '../core/registry.js';
import type { CompatibilityMode, DataValidator, FormatHandler, FormatName, ParsedSchema, SchemaReference } from '../model/types.js';
import { getHandler } from '../formats/index.js';
import { MemoryStorage } from '../storage/fs.js';
import { httpError, httpText, notRegistered } from './errors.js';
import { FORMAT_OF_TYPE, schemaTypeOf, stripContext, subjectSummary } from './snapshot.js';
import { confluentGuid } from './guid.js';
import { matchesInlined } from './inlined.js';

export type Job =
  | { kind: 'validate'; namespace: unknown; name: unknown; version?: unknown; data: unknown }
  | { kind: 'compat'; namespace: unknown; name: unknown; schema: unknown; mode?: unknown; policy?: unknown }
  | { kind: 'lookup'; subject: string; body: ConfluentSchemaBody; register?: boolean; asked?: string }
  | { kind: 'ccompat'; subject: string; version?: string; body: ConfluentSchemaBody; verbose: boolean; unknownSubject?: boolean }
  | { kind: 'search'; q: string }
  | { kind: 'render'; namespace: unknown; name: unknown; version?: unknown; input: unknown }
  | { kind: 'diff'; namespace: string; name: string; from: string; to: string; mode?: string }
  | { kind: 'provider'; namespace: string; name: string; version: string; target: string };

export interface ConfluentSchemaBody {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
}

export interface JobResult {
  status: number;
  body: unknown;
}

/** An HTTP error with Confluent's body shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorResult(status: number, code: number, message: string): JobResult {
  return { status, body: { error_code: code, message } };
}

/** Budget for one compatibility comparison inside a job (the job itself is bounded by the runner). */
const COMPARE_BUDGET_MS = 1500;

/** One snapshot's registry in memory, with parsed schemas and validators cached. */
export class JobContext {
  readonly registry: Registry;
  private parsed = new Map<string, Promise<{ schema: ParsedSchema; handler: FormatHandler; version: string; index: number; id: number }>>();
  private validators = new Map<string, DataValidator>();
  private searches = new Map<string, unknown>();
  private descriptors = new Map<string, string>();

  private constructor(registry: Registry) {
    this.registry = registry;
  }

  static async create(root: string, files: Map<string, string>, label: string): Promise<JobContext> {
    const registry = await Registry.open(root, new MemoryStorage(files, label));
    registry.verifyFiles = false; // the snapshot's files were checked against subject.yaml when it was built
    return new JobContext(registry);
  }

  /** A registered version, parsed (with references), cached by subject and version. */
  load(ref: SubjectRef, version: string) {
    const key = `${ref.namespace}.${ref.name}@${version}`;
    let p = this.parsed.get(key);
    if (!p) {
      p = this.registry.loadSchema(ref, version).then(({ info, schema, handler }) => ({
        schema,
        handler,
        version: info.entry.version,
        index: info.index,
        id: info.entry.id,
      }));
      this.parsed.set(key, p);
      p.catch(() => this.parsed.delete(key));
    }
    return p;
  }

  /** A registered version's parsed schema, through the cache (what the comparison use-case loads history with). */
  readonly loadParsed = async (ref: SubjectRef, version: string): Promise<ParsedSchema> => (await this.load(ref, version)).schema;

  async history(ref: SubjectRef): Promise<VersionedSchema[]> {
    const meta = await this.registry.getSubject(ref);
    const out: VersionedSchema[] = [];
    for (const e of meta.versions) out.push({ version: e.version, schema: (await this.load(ref, e.version)).schema });
    return out;
  }

  /** Run a job. Access was decided before it was sent (routes/index.ts: the subjects its path and body name). */
  async run(job: Job): Promise<JobResult> {
    return scrubResult(await this.runJob(job), this.registry.root);
  }

  private async runJob(job: Job): Promise<JobResult> {
    try {
      switch (job.kind) {
        case 'validate':
          return await this.validate(job);
        case 'compat':
          return await this.compat(job);
        case 'lookup':
          return await this.lookup(job);
        case 'ccompat':
          return await this.confluentCompat(job);
        case 'search':
          return await this.search(job.q);
        case 'render':
          return await this.render(job);
        case 'diff':
          return await this.diff(job);
        case 'provider':
          return await this.provider(job);
      }
    } catch (err) {
      return toResult(err);
    }
  }

  private subjectRef(namespace: unknown, name: unknown): SubjectRef {
    if (typeof namespace !== 'string' || typeof name !== 'string') throw new HttpError(422, 422, "'namespace' and 'name' must be strings");
    let ref: SubjectRef;
    try {
      ref = { namespace: checkNamespace(namespace), name: checkName(name) };
    } catch (err) {
      throw new HttpError(422, 422, httpText(err));
    }
    return ref;
  }

  private async validate(job: Extract<Job, { kind: 'validate' }>): Promise<JobResult> {
    const ref = this.subjectRef(job.namespace, job.name);
    if (!('data' in job) || job.data === undefined) throw new HttpError(422, 422, "the request needs 'data': the record to validate");
    if (job.version !== undefined && typeof job.version !== 'string') throw new HttpError(422, 42202, "'version' must be a string such as 1.0.0 or latest");
    const loaded = await this.load(ref, (job.version as string | undefined) ?? 'latest');
    const key = `${ref.namespace}.${ref.name}@${loaded.version}`;
    let validator = this.validators.get(key);
    if (!validator) {
      validator = loaded.handler.compile(loaded.schema);
      this.validators.set(key, validator);
    }
    const errors = validator.validate(job.data);
    return { status: 200, body: { is_valid: !errors, errors: errors ?? [], subject: `${ref.namespace}.${ref.name}`, version: loaded.version } };
  }

  /** POST /schemas/render: a prompt rendered after its input is validated (422 with the errors when invalid). */
  private async render(job: Extract<Job, { kind: 'render' }>): Promise<JobResult> {
    const ref = this.subjectRef(job.namespace, job.name);
    if (job.input === undefined) throw new HttpError(422, 422, "the request needs 'input': the template variables");
    if (job.version !== undefined && typeof job.version !== 'string') throw new HttpError(422, 42202, "'version' must be a string such as 1.0.0 or latest");
    const meta = await this.registry.getSubject(ref);
    if (meta.format !== 'prompt') throw new HttpError(422, 422, `'${ref.namespace}.${ref.name}' holds ${meta.format} schemas: only prompt subjects render`);
    const loaded = await this.load(ref, (job.version as string | undefined) ?? 'latest');
    const { renderPrompt, RenderInputError } = await import('../formats/prompt/render.js');
    try {
      const request = await renderPrompt(
        loaded.schema as import('../formats/prompt/render.js').PromptSource,
        job.input,
        `${ref.namespace}.${ref.name} ${loaded.version}`,
      );
      return { status: 200, body: { subject: `${ref.namespace}.${ref.name}`, version: loaded.version, ...request } };
    } catch (err) {
      if (err instanceof RenderInputError) return { status: 422, body: { error_code: 422, message: err.message, errors: err.errors } };
      throw err;
    }
  }

  private async compat(job: Extract<Job, { kind: 'compat' }>): Promise<JobResult> {
    const ref = this.subjectRef(job.namespace, job.name);
    if (job.schema === undefined || job.schema === null) throw new HttpError(422, 42201, "the request needs 'schema': the candidate schema (text or JSON)");
    let mode: CompatibilityMode | undefined;
    if (job.mode !== undefined && job.mode !== null) {
      try {
        mode = checkMode(String(job.mode));
      } catch (err) {
        throw new HttpError(422, 42203, (err as Error).message);
      }
    }
    if (job.policy !== undefined && job.policy !== null && typeof job.policy !== 'string') throw new HttpError(422, 422, "'policy' must be a string");
    const meta = await this.registry.getSubject(ref);
    const handler = await getHandler(meta.format);
    const candidate = await this.parseCandidate(handler, job.schema, []);
    const { report } = await compareWithSubject({
      handler,
      registry: this.registry,
      subject: ref,
      meta,
      candidate,
      mode,
      policy: (job.policy ?? undefined) as string | undefined,
      budgetMs: COMPARE_BUDGET_MS,
      load: this.loadParsed,
    });
    return { status: 200, body: { is_compatible: report.compatible, mode: report.mode, undecided: report.undecided, changes: report.changes } };
  }

  private async parseCandidate(handler: FormatHandler, schema: unknown, references: SchemaReference[]): Promise<ParsedSchema> {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    try {
      const resolved = await this.registry.resolveReferences(references);
      // untrusted: imports and $refs resolve only against the references (and google/protobuf), never the disk.
      const parsed = await handler.parse(text, { file: 'schema', references: resolved, untrusted: true });
      // JSON Schema resolves its $refs when compiled: one that names nothing makes the schema invalid now.
      if (handler.format === 'json') handler.compile(parsed);
      return parsed;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(422, 42201, `Invalid schema: ${httpText(err)}`);
    }
  }

  /** A Confluent request body: the format it names and its references in our shape (semver versions). */
  private async confluentCandidate(
    ref: SubjectRef,
    body: ConfluentSchemaBody,
    allowUnmatched = false,
  ): Promise<{ format: FormatName; handler: FormatHandler; schema?: ParsedSchema; references: SchemaReference[]; descriptor?: string }> {
    if (typeof body.schema !== 'string') throw new HttpError(422, 42201, "Invalid schema: 'schema' must be a string");
    const type = body.schemaType === undefined || body.schemaType === null ? 'AVRO' : String(body.schemaType).toUpperCase();
    const format = FORMAT_OF_TYPE[type];
    if (!format) throw new HttpError(422, 42201, `Invalid schema: unknown schemaType '${String(body.schemaType)}'`);
    const references: SchemaReference[] = [];
    if (body.references !== undefined && body.references !== null) {
      if (!Array.isArray(body.references)) throw new HttpError(422, 42201, "Invalid schema: 'references' must be a list");
      for (const r of body.references as Array<Record<string, unknown>>) {
        if (!r || typeof r.name !== 'string' || typeof r.subject !== 'string')
          throw new HttpError(422, 42201, 'Invalid schema: each reference needs name, subject and version');
        let target: SubjectRef;
        try {
          const named = stripContext(r.subject);
          target = (await this.aliasTargets()).get(named) ?? parseSubjectName(named);
        } catch {
          throw new HttpError(422, 42201, `Invalid schema: reference to unknown subject '${r.subject}'`);
        }
        const meta = await this.registry.readSubject(target);
        const n = Number(r.version);
        // -1 (or 'latest', or none): the latest registered version, as Confluent resolves it.
        const latest = r.version === -1 || r.version === '-1' || r.version === 'latest' || r.version === undefined || r.version === null;
        const entry = meta && (latest ? meta.versions.at(-1) : Number.isInteger(n) ? entryByConfluentNumber(meta.versions, n) : undefined);
        if (!entry) throw new HttpError(422, 42201, `Invalid schema: reference '${r.name}' names an unknown version of '${r.subject}'`);
        references.push({ name: r.name, subject: `${target.namespace}.${target.name}`, version: entry.version });
      }
    }
    const handler = await getHandler(format);
    if (format === 'protobuf') {
      // Confluent's Protobuf clients may send a base64 FileDescriptorProto instead of .proto text.
      const { decodeDescriptor, normalizeDescriptor } = await import('../formats/protobuf/descriptor.js');
      const decoded = await decodeDescriptor(body.schema);
      if (decoded) {
        const descriptor = normalizeDescriptor(decoded);
        const match = await this.versionByDescriptor(ref, descriptor);
        if (match) return { format, handler, schema: match.schema, references, descriptor };
        if (allowUnmatched) return { format, handler, references, descriptor }; // a lookup: no such version
        // A new schema: its imports resolved from the references, its own types from the descriptor.
        const { parseDescriptor } = await import('../formats/protobuf/descriptor.js');
        try {
          const resolved = await this.registry.resolveReferences(references);
          const schema = await parseDescriptor(decoded, { file: 'schema', references: resolved });
          return { format, handler, schema, references, descriptor };
        } catch (err) {
          if (err instanceof HttpError) throw err;
          throw new HttpError(422, 42201, `Invalid schema: ${httpText(err)}`);
        }
      }
    }
    const schema = await this.parseCandidate(handler, body.schema, references);
    return { format, handler, schema, references };
  }

  private aliasMap?: Promise<Map<string, SubjectRef>>;
  /** Subject aliases (Confluent names such as orders-value) -> the subject. */
  private aliasTargets(): Promise<Map<string, SubjectRef>> {
    this.aliasMap ??= this.registry.listSubjects().then((all) => {
      const m = new Map<string, SubjectRef>();
      for (const s of all) for (const a of s.meta.aliases ?? []) if (!m.has(a)) m.set(a, { namespace: s.namespace, name: s.name });
      return m;
    });
    return this.aliasMap;
  }

  /** The registered version of a subject whose descriptor matches (normalized), if any. */
  private async versionByDescriptor(ref: SubjectRef, descriptor: string): Promise<{ schema: ParsedSchema; version: string } | undefined> {
    const meta = await this.registry.readSubject(ref).catch(() => undefined);
    if (!meta || meta.format !== 'protobuf') return undefined;
    const { decodeDescriptor, normalizeDescriptor, serializedDescriptor } = await import('../formats/protobuf/descriptor.js');
    for (let i = meta.versions.length - 1; i >= 0; i--) {
      const e = meta.versions[i];
      const key = `${ref.namespace}.${ref.name}@${e.version}`;
      let mine = this.descriptors.get(key);
      if (mine === undefined) {
        const loaded = await this.load(ref, e.version);
        const d = await decodeDescriptor(await serializedDescriptor(loaded.schema, { name: 'x.proto' }));
        mine = d ? normalizeDescriptor(d) : '';
        this.descriptors.set(key, mine);
      }
      if (mine === descriptor) return { schema: (await this.load(ref, e.version)).schema, version: e.version };
    }
    return undefined;
  }

  /**
   * POST /subjects/{s}/versions in read-only mode: a lookup, whose "not found" is the refusal of a write
   * (422 / 42205, naming the command that registers it), as Confluent's read-only mode answers.
   */
  private async lookup(job: Extract<Job, { kind: 'lookup' }>): Promise<JobResult> {
    if (!job.register) return this.lookupInner(job);
    try {
      return await this.lookupInner(job);
    } catch (err) {
      if (err instanceof HttpError && (err.code === 40403 || err.code === 40401)) throw new HttpError(422, 42205, notRegistered(job.asked ?? job.subject));
      throw err;
    }
  }

  private async lookupInner(job: Extract<Job, { kind: 'lookup' }>): Promise<JobResult> {
    const ref = parseSubjectName(job.subject);
    const meta = await this.registry.getSubject(ref);
    const cand = await this.confluentCandidate(ref, job.body, true);
    if (cand.format !== meta.format || !cand.schema) throw new HttpError(404, 40403, 'Schema not found');
    const canonical = cand.handler.canonical(cand.schema);
    // References compare by what they resolve to, transitively (Confluent stores direct references; an
    // older registry lists every transitive one): the same closure of import names / $refs to versions.
    const refKey = await this.referenceClosure(cand.references);
    // Newest first: re-registered content answers with its latest registration, as Confluent does.
    let match = -1;
    for (let i = meta.versions.length - 1; i >= 0 && match < 0; i--) {
      const e = meta.versions[i];
      const loaded = await this.load(ref, e.version);
      const eRefKey = await this.referenceClosure(e.references ?? []);
      if (eRefKey === refKey && loaded.handler.canonical(loaded.schema) === canonical) match = i;
    }
    // No exact match: a schema posted with its references inlined (none listed) matches a stored version with
    // references when both resolve to the same schema (./inlined.ts).
    if (match < 0 && !cand.references.length) {
      for (let i = meta.versions.length - 1; i >= 0 && match < 0; i--) {
        if (!meta.versions[i].references?.length) continue;
        const loaded = await this.load(ref, meta.versions[i].version);
        if (await matchesInlined(cand.handler, cand.schema, loaded.schema, COMPARE_BUDGET_MS)) match = i;
      }
    }
    if (match >= 0) {
      const i = match;
      const e = meta.versions[i];
      const loaded = await this.load(ref, e.version);
      const body: Record<string, unknown> = { subject: job.subject, version: confluentNumbers(meta.versions)[i], id: e.id };
      const t = schemaTypeOf(meta.format);
      if (t) body.schemaType = t;
      body.schema = loaded.schema.text.replace(/\r?\n$/, '');
      const refs = await Promise.all(
        (e.references ?? []).map(async (r) => {
          const tm = await this.registry.readSubject(parseSubjectName(r.subject));
          const at = tm?.versions.findIndex((x) => x.version === r.version) ?? -1;
          return { name: r.name, subject: r.subject, version: at < 0 ? 0 : confluentNumbers(tm!.versions)[at] };
        }),
      );
      if (refs.length) body.references = refs;
      body.guid = confluentGuid(body.schema as string, refs);
      return { status: 200, body };
    }
    throw new HttpError(404, 40403, 'Schema not found');
  }

  /** Every reference a list reaches (direct and through the referenced versions), as a comparable key. */
  private async referenceClosure(refs: SchemaReference[]): Promise<string> {
    const seen = new Map<string, string>();
    const queue = [...refs];
    while (queue.length) {
      const r = queue.shift()!;
      if (seen.has(r.name)) continue;
      seen.set(r.name, `${r.subject}@${r.version}`);
      const meta = await this.registry.readSubject(parseSubjectName(r.subject)).catch(() => undefined);
      queue.push(...(meta?.versions.find((v) => v.version === r.version)?.references ?? []));
    }
    return JSON.stringify([...seen].sort());
  }

  private async confluentCompat(job: Extract<Job, { kind: 'ccompat' }>): Promise<JobResult> {
    try {
      return await this.confluentCompatInner(job);
    } catch (err) {
      // Confluent: with verbose=true an unparsable schema is an answer (false, with the reason), not an error.
      if (job.verbose && err instanceof HttpError && err.code === 42201) {
        return { status: 200, body: { is_compatible: false, messages: [err.message] } };
      }
      throw err;
    }
  }

  private async confluentCompatInner(job: Extract<Job, { kind: 'ccompat' }>): Promise<JobResult> {
    if (job.unknownSubject) {
      // Confluent: nothing registered under the subject, so any valid schema is compatible.
      const fake = { namespace: '_', name: '_' };
      await this.confluentCandidate(fake, job.body);
      return { status: 200, body: job.verbose ? { is_compatible: true, messages: [] } : { is_compatible: true } };
    }
    const ref = parseSubjectName(job.subject);
    const meta = await this.registry.getSubject(ref);
    let against: VersionedSchema[] | undefined;
    if (job.version !== undefined && job.version !== 'latest' && job.version !== '-1') {
      const n = Number(job.version);
      const e = meta.versions[n - 1];
      if (!e) throw new HttpError(404, 40402, `Version ${job.version} not found.`);
      against = [{ version: e.version, schema: await this.loadParsed(ref, e.version) }];
    } else if (meta.versions.length === 0 && job.version !== undefined) {
      throw new HttpError(404, 40402, `Version ${job.version} not found.`);
    }
    const cand = await this.confluentCandidate(ref, job.body);
    if (cand.format !== meta.format) {
      const msg = `the format changed from ${meta.format} to ${cand.format}`;
      return { status: 200, body: job.verbose ? { is_compatible: false, messages: [msg] } : { is_compatible: false } };
    }
    if (!cand.schema) throw new HttpError(422, 42201, 'Invalid schema: the serialized descriptor matches no registered version');
    const { report } = await compareWithSubject({
      handler: cand.handler,
      registry: this.registry,
      subject: ref,
      meta,
      against,
      candidate: cand.schema,
      budgetMs: COMPARE_BUDGET_MS,
      load: this.loadParsed,
    });
    if (!job.verbose) return { status: 200, body: { is_compatible: report.compatible } };
    const messages = report.changes.filter((c) => c.breaking).map((c) => `${c.rule} at ${c.path || '/'}: ${c.message} (against version ${c.against})`);
    return { status: 200, body: { is_compatible: report.compatible, messages } };
  }

  /**
   * `diff` between two registered versions, exactly as `llm-schema diff --json` reports it (the same
   * diffReport), plus both sources pretty-printed and a side-by-side line diff for the web UI.
   */
  private async diff(job: Extract<Job, { kind: 'diff' }>): Promise<JobResult> {
    const ref = this.subjectRef(job.namespace, job.name);
    const meta = await this.registry.getSubject(ref);
    let mode: CompatibilityMode | undefined;
    if (job.mode !== undefined) {
      try {
        mode = checkMode(job.mode.toUpperCase());
      } catch (err) {
        throw new HttpError(422, 42203, (err as Error).message);
      }
    }
    const subject = `${ref.namespace}.${ref.name}`;
    // The same use-case and the same document as `diff --json` (core/diff.ts; the labels are the versions).
    const d = await diffVersions({
      registry: this.registry,
      subject: ref,
      from: job.from,
      to: job.to,
      meta,
      mode,
      budgetMs: COMPARE_BUDGET_MS,
      load: (r, v) => this.load(r, v),
    });
    const view = viewOf(d);
    const report = JSON.parse(diffJson(view)) as Record<string, unknown>;
    const { sideBySide, prettySource } = await import('./ui/linediff.js');
    const oldText = prettySource(d.old.text, meta.format);
    const newText = prettySource(d.new.text, meta.format);
    return {
      status: 200,
      body: {
        ...report,
        subject,
        from: d.fromVersion,
        to: d.toVersion,
        format: meta.format,
        policy: d.comparison.policy ?? null,
        source: { old: oldText, new: newText, rows: sideBySide(oldText, newText) },
      },
    };
  }

  /** A version's provider export (as `export --target`) and its lint findings (as `lint --target`). */
  private async provider(job: Extract<Job, { kind: 'provider' }>): Promise<JobResult> {
    const ref = this.subjectRef(job.namespace, job.name);
    if (!['openai', 'anthropic', 'gemini'].includes(job.target))
      throw new HttpError(422, 422, `unknown target '${job.target}': expected openai, anthropic or gemini`);
    const target = job.target as 'openai' | 'anthropic' | 'gemini';
    const meta = await this.registry.getSubject(ref);
    if (meta.format !== 'json')
      throw new HttpError(422, 422, `provider exports take JSON Schema subjects; '${ref.namespace}.${ref.name}' holds ${meta.format} schemas`);
    const loaded = await this.registry.loadSchema(ref, job.version);
    const { bundleSchema, exportSchema, lintSchema, PROFILES } = await import('../providers/index.js');
    const profile = PROFILES[target];
    const schema = bundleSchema(loaded.schema.value, loaded.schema.references ?? []);
    const own = schema !== null && typeof schema === 'object' ? (schema as Record<string, unknown>) : {};
    const description = typeof own.description === 'string' ? own.description : (meta.description ?? (typeof own.title === 'string' ? own.title : undefined));
    const result = await exportSchema(target, { schema, name: ref.name, description, kind: meta.kind });
    const findings = lintSchema(schema, target, { kind: meta.kind });
    return {
      status: 200,
      body: {
        subject: `${ref.namespace}.${ref.name}`,
        version: loaded.info.entry.version,
        target,
        output: result.output,
        notes: result.notes,
        lint: {
          profile: { provider: profile.provider, asOf: profile.asOf, source: profile.source },
          errors: findings.filter((f) => f.severity === 'error').length,
          findings,
        },
      },
    };
  }

  private async search(q: string): Promise<JobResult> {
    const words = q.split(/\s+/).filter(Boolean);
    const key = words.join(' ').toLowerCase();
    let body = this.searches.get(key);
    if (!body) {
      const found = await this.registry.search(words);
      body = { query: q, results: found.map((s) => ({ ...subjectSummary(s, this.registry.config), matches: s.matches })) };
      if (this.searches.size > 500) this.searches.clear();
      this.searches.set(key, body);
    }
    return { status: 200, body };
  }
}

/**
 * Error messages never show where the server keeps its files: the registry root and the working folder
 * are cut out of every message (what remains is relative to the registry).
 */
export function scrubResult(result: JobResult, root: string): JobResult {
  if (result.status < 400) return result;
  const body = result.body as { message?: unknown };
  if (!body || typeof body.message !== 'string') return result;
  return { status: result.status, body: { ...body, message: scrubPaths(body.message, root) } };
}

export function scrubPaths(message: string, root: string): string {
  let out = message;
  for (const dir of new Set([root, process.cwd()].filter((d) => d && d !== '/').sort((a, b) => b.length - a.length))) {
    out = out
      .split(dir.endsWith('/') ? dir : dir + '/')
      .join('')
      .split(dir)
      .join('.');
  }
  return out;
}

/** Map core errors to Confluent-shaped HTTP errors: by their code (src/server/errors.ts), never their text. */
export function toResult(err: unknown): JobResult {
  if (err instanceof HttpError) return errorResult(err.status, err.code, err.message);
  const typed = httpError(err);
  if (typed) return errorResult(typed.status, typed.code, typed.message);
  if (err instanceof RangeError) return errorResult(422, 422, 'the input is nested too deeply to process');
  return errorResult(500, 50001, `internal error: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * The server's requests that need a format handler (validate, compatibility, lookup, search). They run
 * over one snapshot's files (an in-memory registry), in a worker thread so that a slow schema or a huge
 * record cannot stall the server: the main thread bounds each job in time.
 */
import { checkCompatibility, type CompatReport, type VersionedSchema } from '../core/compat.js';
import { checkMode } from '../core/config.js';
import { LlmSchemaError, NotFoundError } from '../core/errors.js';
import { checkName, checkNamespace, parseSubjectName, type SubjectRef } from '../core/names.js';
import { Registry } from '../core/registry.js';
import type { CompatibilityMode, DataValidator, FormatHandler, FormatName, ParsedSchema, SchemaReference } from '../core/types.js';
import { getHandler } from '../formats/index.js';
import { MemoryStorage } from '../storage/fs.js';
import { FORMAT_OF_TYPE, schemaTypeOf, subjectSummary } from './snapshot.js';

export type Job =
  | { kind: 'validate'; namespace: unknown; name: unknown; version?: unknown; data: unknown }
  | { kind: 'compat'; namespace: unknown; name: unknown; schema: unknown; mode?: unknown; policy?: unknown }
  | { kind: 'lookup'; subject: string; body: ConfluentSchemaBody }
  | { kind: 'ccompat'; subject: string; version?: string; body: ConfluentSchemaBody; verbose: boolean }
  | { kind: 'search'; q: string };

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
  constructor(readonly status: number, readonly code: number, message: string) {
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
        schema, handler, version: info.entry.version, index: info.index, id: info.entry.id,
      }));
      this.parsed.set(key, p);
      p.catch(() => this.parsed.delete(key));
    }
    return p;
  }

  async history(ref: SubjectRef): Promise<VersionedSchema[]> {
    const meta = await this.registry.getSubject(ref);
    const out: VersionedSchema[] = [];
    for (const e of meta.versions) out.push({ version: e.version, schema: (await this.load(ref, e.version)).schema });
    return out;
  }

  async run(job: Job): Promise<JobResult> {
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
      }
    } catch (err) {
      return toResult(err);
    }
  }

  private subjectRef(namespace: unknown, name: unknown): SubjectRef {
    if (typeof namespace !== 'string' || typeof name !== 'string') throw new HttpError(422, 422, "'namespace' and 'name' must be strings");
    try {
      return { namespace: checkNamespace(namespace), name: checkName(name) };
    } catch (err) {
      throw new HttpError(422, 422, (err as Error).message);
    }
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
    const meta = await this.registry.getSubject(ref);
    const resolved = this.registry.resolveMode(meta);
    const handler = await getHandler(meta.format);
    const candidate = await this.parseCandidate(handler, job.schema, []);
    const history = await this.history(ref);
    const report = checkCompatibility(handler, candidate, history, mode ?? resolved.mode, {
      policy: typeof job.policy === 'string' ? job.policy : resolved.policy,
      budgetMs: COMPARE_BUDGET_MS,
    });
    return { status: 200, body: { is_compatible: report.compatible, mode: report.mode, undecided: report.undecided, changes: report.changes } };
  }

  private async parseCandidate(handler: FormatHandler, schema: unknown, references: SchemaReference[]): Promise<ParsedSchema> {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    try {
      const resolved = await this.registry.resolveReferences(references);
      const parsed = await handler.parse(text, { file: 'schema', references: resolved });
      return parsed;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(422, 42201, `Invalid schema: ${(err as Error).message}`);
    }
  }

  /** A Confluent request body: the format it names and its references in our shape (semver versions). */
  private async confluentCandidate(ref: SubjectRef, body: ConfluentSchemaBody): Promise<{ format: FormatName; handler: FormatHandler; schema: ParsedSchema; references: SchemaReference[] }> {
    if (typeof body.schema !== 'string') throw new HttpError(422, 42201, "Invalid schema: 'schema' must be a string");
    const type = body.schemaType === undefined || body.schemaType === null ? 'AVRO' : String(body.schemaType).toUpperCase();
    const format = FORMAT_OF_TYPE[type];
    if (!format) throw new HttpError(422, 42201, `Invalid schema: unknown schemaType '${String(body.schemaType)}'`);
    const references: SchemaReference[] = [];
    if (body.references !== undefined && body.references !== null) {
      if (!Array.isArray(body.references)) throw new HttpError(422, 42201, "Invalid schema: 'references' must be a list");
      for (const r of body.references as Array<Record<string, unknown>>) {
        if (!r || typeof r.name !== 'string' || typeof r.subject !== 'string') throw new HttpError(422, 42201, 'Invalid schema: each reference needs name, subject and version');
        let target: SubjectRef;
        try {
          target = parseSubjectName(r.subject);
        } catch {
          throw new HttpError(422, 42201, `Invalid schema: reference to unknown subject '${r.subject}'`);
        }
        const meta = await this.registry.readSubject(target);
        const n = Number(r.version);
        const entry = meta && (r.version === -1 || r.version === 'latest' ? meta.versions.at(-1) : Number.isInteger(n) ? meta.versions[n - 1] : undefined);
        if (!entry) throw new HttpError(422, 42201, `Invalid schema: reference '${r.name}' names an unknown version of '${r.subject}'`);
        references.push({ name: r.name, subject: r.subject, version: entry.version });
      }
    }
    void ref;
    const handler = await getHandler(format);
    const schema = await this.parseCandidate(handler, body.schema, references);
    return { format, handler, schema, references };
  }

  private async lookup(job: Extract<Job, { kind: 'lookup' }>): Promise<JobResult> {
    const ref = parseSubjectName(job.subject);
    const meta = await this.registry.getSubject(ref);
    const cand = await this.confluentCandidate(ref, job.body);
    if (cand.format !== meta.format) throw new HttpError(404, 40403, 'Schema not found');
    const canonical = cand.handler.canonical(cand.schema);
    const refKey = JSON.stringify(cand.references.map((r) => [r.name, r.subject, r.version]).sort());
    // Newest first: re-registered content answers with its latest registration, as Confluent does.
    for (let i = meta.versions.length - 1; i >= 0; i--) {
      const e = meta.versions[i];
      const loaded = await this.load(ref, e.version);
      const eRefKey = JSON.stringify((e.references ?? []).map((r) => [r.name, r.subject, r.version]).sort());
      if (eRefKey !== refKey || loaded.handler.canonical(loaded.schema) !== canonical) continue;
      const body: Record<string, unknown> = { subject: job.subject, version: i + 1, id: e.id };
      const t = schemaTypeOf(meta.format);
      if (t) body.schemaType = t;
      body.schema = loaded.schema.text.replace(/\r?\n$/, '');
      if (e.references?.length) {
        body.references = await Promise.all(e.references.map(async (r) => {
          const tm = await this.registry.readSubject(parseSubjectName(r.subject));
          return { name: r.name, subject: r.subject, version: (tm?.versions.findIndex((x) => x.version === r.version) ?? -1) + 1 };
        }));
      }
      return { status: 200, body };
    }
    throw new HttpError(404, 40403, 'Schema not found');
  }

  private async confluentCompat(job: Extract<Job, { kind: 'ccompat' }>): Promise<JobResult> {
    const ref = parseSubjectName(job.subject);
    const meta = await this.registry.getSubject(ref);
    const { mode, policy } = this.registry.resolveMode(meta);
    let history = await this.history(ref);
    if (job.version !== undefined && job.version !== 'latest' && job.version !== '-1') {
      const n = Number(job.version);
      const e = meta.versions[n - 1];
      if (!e) throw new HttpError(404, 40402, `Version ${job.version} not found.`);
      history = history.filter((h) => h.version === e.version);
    } else if (history.length === 0 && job.version !== undefined) {
      throw new HttpError(404, 40402, `Version ${job.version} not found.`);
    }
    let cand;
    try {
      cand = await this.confluentCandidate(ref, job.body);
    } catch (err) {
      throw err;
    }
    let report: CompatReport;
    if (cand.format !== meta.format) {
      report = { compatible: false, mode, undecided: false, changes: [] };
      const msg = `the format changed from ${meta.format} to ${cand.format}`;
      return { status: 200, body: job.verbose ? { is_compatible: false, messages: [msg] } : { is_compatible: false } };
    }
    report = checkCompatibility(cand.handler, cand.schema, history, mode, { policy, budgetMs: COMPARE_BUDGET_MS });
    if (!job.verbose) return { status: 200, body: { is_compatible: report.compatible } };
    const messages = report.changes
      .filter((c) => c.breaking)
      .map((c) => `${c.rule} at ${c.path || '/'}: ${c.message} (against version ${c.against})`);
    return { status: 200, body: { is_compatible: report.compatible, messages } };
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

/** Map core errors to Confluent-shaped HTTP errors. */
export function toResult(err: unknown): JobResult {
  if (err instanceof HttpError) return errorResult(err.status, err.code, err.message);
  if (err instanceof NotFoundError) {
    if (err.what === 'subject') return errorResult(404, 40401, err.message);
    if (err.what === 'version') return errorResult(404, 40402, err.message);
    return errorResult(404, 40403, err.message);
  }
  if (err instanceof LlmSchemaError) {
    // A version string that is not semver, an invalid name, an unsupported format.
    if (/invalid version/.test(err.message)) return errorResult(422, 42202, err.message);
    return errorResult(422, 422, err.message);
  }
  if (err instanceof RangeError) return errorResult(422, 422, 'the input is nested too deeply to process');
  return errorResult(500, 50001, `internal error: ${(err as Error)?.message ?? String(err)}`);
}

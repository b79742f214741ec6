/**
 * The registry use-cases: read subjects and versions through a storage, register, deprecate, configure.
 * Never prints, never exits.
 */
import * as path from 'node:path';
import { getHandler, EXTENSIONS } from '../formats/index.js';
import { FsStorage } from '../storage/fs.js';
import type { RegistryStorage } from '../storage/types.js';
import { checkPolicy } from './policy.js';
import { checkCompatibility, requiredBump, type CompatReport, type VersionedSchema } from './compat.js';
import { CONFIG_FILE, parseConfig, serializeConfig } from './config.js';
import { InputError, LlmSchemaError, NotFoundError, RefusedError, UsageError } from './errors.js';
import { acquireLock, removeStaleTemps, writeFileAtomic } from './fsutil.js';
import { schemaId } from './ids.js';
import { checkName, checkNamespace, parseSubjectName, subjectName, type SubjectRef } from './names.js';
import { parseSubject, serializeSubject, SUBJECT_FILE, verifySubjectFiles } from './subject.js';
import type {
  Change,
  CompareOptions,
  CompatibilityMode,
  FormatHandler,
  FormatName,
  ParsedSchema,
  ParseOptions,
  RegistryConfig,
  ResolvedReference,
  SchemaReference,
  SubjectKind,
  SubjectMeta,
  VersionEntry,
} from './types.js';
import { bump as bumpVersion, bumpBetween, checkVersion, compareVersions, greatest, type Bump } from './version.js';

export interface SubjectInfo extends SubjectRef {
  subject: string;
  meta: SubjectMeta;
  /** Path of subject.yaml relative to the registry root. */
  file: string;
}

export interface VersionInfo {
  subject: string;
  namespace: string;
  name: string;
  format: FormatName;
  entry: VersionEntry;
  /** 1-based position in registration order (Confluent's version number). */
  index: number;
  /** Path of the version file relative to the registry root. */
  file: string;
  text: string;
}

export interface RegisterInput extends SubjectRef {
  /** Schema source text. */
  text: string;
  /** Where the text came from, for messages. */
  file?: string;
  format: FormatName;
  version?: string;
  description?: string;
  owners?: string[];
  tags?: string[];
  kind?: SubjectKind;
  references?: SchemaReference[];
  /** Approve an intentional break: recorded with the version in subject.yaml. */
  allowBreaking?: string;
  dryRun?: boolean;
  policy?: string;
  parseOptions?: ParseOptions;
}

export type RegisterOutcome = 'registered' | 'unchanged';

export interface RegisterResult {
  outcome: RegisterOutcome;
  subject: string;
  version: string;
  id: number;
  file: string;
  /** The bump that the change needed, relative to the latest version. */
  bump: Bump | 'none' | 'initial';
  previous?: string;
  mode: CompatibilityMode;
  compat?: CompatReport;
  changes: Change[];
  dryRun: boolean;
  /** Files written (relative to the root); empty on dry run or no-op. */
  written: string[];
  /** With an unchanged schema: whether the metadata given (description, owners, tags, kind) changed the subject. */
  metadataUpdated?: boolean;
}

export class Registry {
  readonly root: string;
  readonly config: RegistryConfig;
  readonly storage: RegistryStorage;

  private constructor(root: string, config: RegistryConfig, storage: RegistryStorage) {
    this.root = root;
    this.config = config;
    this.storage = storage;
  }

  /** Open the registry whose config is at root/llm-schema.yaml, reading through storage (the working tree by default). */
  static async open(root: string, storage: RegistryStorage = new FsStorage(root)): Promise<Registry> {
    const text = await storage.readFile(CONFIG_FILE);
    const file = path.join(root, CONFIG_FILE);
    if (text === undefined) {
      throw new InputError(`no ${CONFIG_FILE} here: run 'llm-schema init' or pass --registry DIR`, { file });
    }
    return new Registry(root, parseConfig(text, file), storage);
  }

  /** Display path of a registry-relative path. */
  display(rel: string): string {
    const abs = path.join(this.root, rel);
    const fromCwd = path.relative(process.cwd(), abs);
    return fromCwd && !fromCwd.startsWith('..') ? fromCwd : abs;
  }

  subjectDir(ref: SubjectRef): string {
    return `${this.config.schemas}/${ref.namespace}/${ref.name}`;
  }

  private subjectFile(ref: SubjectRef): string {
    return `${this.subjectDir(ref)}/${SUBJECT_FILE}`;
  }

  versionFile(ref: SubjectRef, version: string, format: FormatName): string {
    return `${this.subjectDir(ref)}/${version}${EXTENSIONS[format]}`;
  }

  /** The subject's metadata, or undefined when the subject does not exist. */
  async readSubject(ref: SubjectRef): Promise<SubjectMeta | undefined> {
    checkNamespace(ref.namespace);
    checkName(ref.name);
    const rel = this.subjectFile(ref);
    const text = await this.storage.readFile(rel);
    if (text === undefined) return undefined;
    return this.parseChecked(ref, text, rel);
  }

  /**
   * Whether subject.yaml must agree with the version files (every reader; `check` turns off the
   * exception because it reports the same as findings).
   */
  verifyFiles = true;

  /** Parse subject.yaml and check it against the version files beside it. */
  private async parseChecked(ref: SubjectRef, text: string, rel: string): Promise<SubjectMeta> {
    const meta = parseSubject(text, this.display(rel));
    if (this.verifyFiles) {
      const names = (await this.storage.listDir(this.subjectDir(ref))).filter((f) => !f.isDir).map((f) => f.name);
      verifySubjectFiles(meta, names, EXTENSIONS[meta.format], this.display(rel), text);
    }
    return meta;
  }

  async getSubject(ref: SubjectRef): Promise<SubjectMeta> {
    const meta = await this.readSubject(ref);
    if (!meta) throw new NotFoundError(`unknown subject '${subjectName(ref)}'`, 'subject');
    return meta;
  }

  /** All subjects, sorted by full name; optionally only one namespace (and its sub-namespaces). */
  async listSubjects(namespace?: string): Promise<SubjectInfo[]> {
    if (namespace !== undefined) checkNamespace(namespace);
    const out: SubjectInfo[] = [];
    const nsDirs = await this.storage.listDir(this.config.schemas);
    for (const ns of nsDirs) {
      if (!ns.isDir || ns.name.startsWith('.')) continue;
      if (namespace !== undefined && ns.name !== namespace && !ns.name.startsWith(namespace + '.')) continue;
      const names = await this.storage.listDir(`${this.config.schemas}/${ns.name}`);
      for (const n of names) {
        if (!n.isDir || n.name.startsWith('.')) continue;
        const ref = { namespace: ns.name, name: n.name };
        const file = this.subjectFile(ref);
        const text = await this.storage.readFile(file);
        if (text === undefined) continue; // a folder without subject.yaml is not a subject (e.g. a killed first register)
        out.push({ ...ref, subject: subjectName(ref), meta: await this.parseChecked(ref, text, file), file });
      }
    }
    return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  }

  /** Resolve 'latest' or a version string against the subject. */
  resolveVersion(ref: SubjectRef, meta: SubjectMeta, version: string): VersionEntry {
    if (meta.versions.length === 0) throw new NotFoundError(`subject '${subjectName(ref)}' has no versions`, 'version');
    if (version === 'latest') {
      const v = greatest(meta.versions.map((e) => e.version))!;
      return meta.versions.find((e) => e.version === v)!;
    }
    checkVersion(version);
    const e = meta.versions.find((x) => x.version === version);
    if (!e) {
      throw new NotFoundError(
        `unknown version '${version}' of '${subjectName(ref)}' (registered: ${meta.versions.map((x) => x.version).join(', ')})`,
        'version',
      );
    }
    return e;
  }

  async getVersion(ref: SubjectRef, version = 'latest'): Promise<VersionInfo> {
    const meta = await this.getSubject(ref);
    const entry = this.resolveVersion(ref, meta, version);
    const file = this.versionFile(ref, entry.version, meta.format);
    const text = await this.storage.readFile(file);
    if (text === undefined) throw new InputError(`version file is missing for ${subjectName(ref)} ${entry.version}`, { file: this.display(file) });
    return {
      subject: subjectName(ref),
      namespace: ref.namespace,
      name: ref.name,
      format: meta.format,
      entry,
      index: meta.versions.indexOf(entry) + 1,
      file,
      text,
    };
  }

  /** Parse a registered version, with its references resolved. */
  async loadSchema(ref: SubjectRef, version = 'latest', parseOptions: ParseOptions = {}): Promise<{ info: VersionInfo; schema: ParsedSchema; handler: FormatHandler }> {
    const info = await this.getVersion(ref, version);
    const handler = await getHandler(info.format);
    const references = await this.resolveReferences(info.entry.references ?? [], new Set([`${info.subject}@${info.entry.version}`]));
    const schema = await handler.parse(info.text, { ...parseOptions, file: this.display(info.file), references, sealed: true });
    return { info, schema, handler };
  }

  /** Load referenced schemas (recursively), refusing cycles and missing targets. */
  async resolveReferences(refs: SchemaReference[], seen = new Set<string>()): Promise<ResolvedReference[]> {
    const out: ResolvedReference[] = [];
    for (const r of refs) {
      const key = `${r.subject}@${r.version}`;
      if (seen.has(key)) throw new InputError(`reference cycle through ${r.subject} ${r.version}`);
      const target = parseSubjectName(r.subject);
      const meta = await this.readSubject(target);
      if (!meta) throw new NotFoundError(`reference '${r.name}' names unknown subject '${r.subject}'`, 'subject');
      const entry = meta.versions.find((v) => v.version === r.version);
      if (!entry) throw new NotFoundError(`reference '${r.name}' names unknown version ${r.version} of '${r.subject}'`, 'version');
      const file = this.versionFile(target, entry.version, meta.format);
      const text = await this.storage.readFile(file);
      if (text === undefined) throw new InputError(`version file is missing for ${r.subject} ${r.version}`, { file: this.display(file) });
      const nested = await this.resolveReferences(entry.references ?? [], new Set([...seen, key]));
      const handler = await getHandler(meta.format);
      const schema = await handler.parse(text, { file: this.display(file), references: nested, sealed: true });
      out.push({ ...r, schema });
    }
    return out;
  }

  /**
   * The comparison policy for a subject, checked against its format: the one given (a flag), else the
   * subject's `policy:`, else the registry's (applied to the formats that have it: `policy: lenient` in
   * llm-schema.yaml does not apply to Protobuf subjects), else the format's default. Unknown policies are
   * refused naming the flag or the YAML file.
   */
  policyFor(handler: FormatHandler, ref: SubjectRef | undefined, meta: SubjectMeta | undefined, given?: string): string | undefined {
    if (given !== undefined) return checkPolicy(handler, given);
    if (meta?.policy !== undefined) return checkPolicy(handler, meta.policy, ref ? this.display(this.subjectFile(ref)) : SUBJECT_FILE);
    const registryPolicy = this.config.policy;
    if (registryPolicy !== undefined) {
      if (handler.policies?.includes(registryPolicy) || !KNOWN_POLICIES.includes(registryPolicy)) {
        return checkPolicy(handler, registryPolicy, this.display(CONFIG_FILE));
      }
    }
    return checkPolicy(handler, undefined);
  }

  /** The mode and policy that apply to a subject: its own, else the registry's. */
  resolveMode(meta: SubjectMeta | undefined): { mode: CompatibilityMode; policy?: string } {
    return { mode: meta?.compatibility ?? this.config.compatibility, policy: meta?.policy ?? this.config.policy };
  }

  /**
   * The versions a check under `mode` compares with, parsed, in registration order: every version for the
   * transitive modes, else only the latest (by version number). Pass no mode for every version.
   */
  async history(ref: SubjectRef, meta: SubjectMeta, mode?: CompatibilityMode): Promise<VersionedSchema[]> {
    const latest = greatest(meta.versions.map((e) => e.version));
    const entries = !mode || mode.endsWith('_TRANSITIVE') ? [...meta.versions] : meta.versions.filter((e) => e.version === latest);
    // The latest version is compared last (checkCompatibility treats the last entry as the latest).
    entries.sort((a, b) => (a.version === latest ? 1 : b.version === latest ? -1 : 0));
    const out: VersionedSchema[] = [];
    for (const e of entries) {
      const { schema } = await this.loadSchema(ref, e.version);
      out.push({ version: e.version, schema });
    }
    return out;
  }

  /** Check a candidate schema against a subject under its mode (or the given one). */
  async compat(ref: SubjectRef, candidate: ParsedSchema, options: { mode?: CompatibilityMode; policy?: string; budgetMs?: number } = {}): Promise<CompatReport> {
    const meta = await this.getSubject(ref);
    const resolved = this.resolveMode(meta);
    const mode = options.mode ?? resolved.mode;
    const handler = await getHandler(candidate.format);
    const history = await this.history(ref, meta, mode);
    return checkCompatibility(handler, candidate, history, mode, { policy: this.policyFor(handler, ref, meta, options.policy), budgetMs: options.budgetMs });
  }

  /**
   * Register a schema version. Under the registry lock: identical content is a no-op reporting the
   * existing version; otherwise the version is chosen (or checked, when given) from the change, the
   * candidate is checked under the subject's mode, and the version file then subject.yaml are written
   * atomically.
   */
  async register(input: RegisterInput): Promise<RegisterResult> {
    const ref = { namespace: checkNamespace(input.namespace), name: checkName(input.name) };
    if (input.version !== undefined) checkVersion(input.version);
    if (!(this.storage instanceof FsStorage)) throw new UsageError(`cannot register into ${this.storage.label}: it is read-only`);
    const handler = await getHandler(input.format);
    const references = await this.resolveReferences(input.references ?? []);
    const candidate = await handler.parse(input.text, { ...input.parseOptions, file: input.file, references, sealed: true });
    handler.compile(candidate, input.parseOptions); // refuse schemas that cannot be compiled (unresolved $ref, ...)
    const canonical = handler.canonical(candidate);
    const id = schemaId(input.format, canonical, input.references);

    const lock = input.dryRun ? undefined : await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      if (!input.dryRun) await removeStaleTemps(path.join(this.root, this.subjectDir(ref)));
      const existing = await this.readSubject(ref);
      const meta: SubjectMeta = existing ?? { format: input.format, versions: [] };
      const { mode } = this.resolveMode(existing);
      const compareOptions: CompareOptions = { policy: this.policyFor(handler, ref, existing, input.policy) };
      const subject = subjectName(ref);

      if (existing && existing.format !== input.format) {
        throw new RefusedError(
          `refused: '${subject}' holds ${existing.format} schemas and this one is ${input.format}; a change of format is incompatible (FORMAT_CHANGED)`,
        );
      }
      // Identical content already registered: a no-op that reports the existing version.
      if (existing && existing.format === input.format) {
        for (const e of existing.versions) {
          if (e.id !== id) continue;
          const { schema } = await this.loadSchema(ref, e.version);
          if (handler.canonical(schema) === canonical) {
            // The content is registered; metadata flags given with it still update the subject.
            const updated = withMetadata(existing, input);
            const changed = serializeSubject(updated) !== serializeSubject(existing);
            const written: string[] = [];
            if (changed && !input.dryRun) {
              await writeFileAtomic(path.join(this.root, this.subjectFile(ref)), serializeSubject(updated));
              written.push(this.subjectFile(ref));
            }
            return {
              outcome: 'unchanged', subject, version: e.version, id: e.id, file: this.versionFile(ref, e.version, meta.format),
              bump: 'none', mode, changes: [], dryRun: !!input.dryRun, written, metadataUpdated: changed,
            };
          }
        }
      }
      if (input.version && meta.versions.some((e) => e.version === input.version)) {
        throw new InputError(
          `version ${input.version} of '${subject}' is already registered with other content; registered versions never change: register a new version`,
        );
      }

      let version: string;
      let bump: RegisterResult['bump'];
      let changes: Change[] = [];
      let compat: CompatReport | undefined;
      const previous = greatest(meta.versions.map((e) => e.version));
      if (!previous) {
        version = input.version ?? '1.0.0';
        bump = 'initial';
      } else {
        const history = await this.history(ref, meta, mode);
        const latest = history[history.length - 1];
        const decision = requiredBump(handler, latest.schema, candidate, mode, compareOptions);
        changes = decision.changes;
        bump = decision.bump === 'none' ? 'patch' : decision.bump;
        compat = checkCompatibility(handler, candidate, history, mode, compareOptions);
        if (!compat.compatible && !input.allowBreaking) {
          const reasons = compat.changes.filter((c) => c.breaking).map((c) => `${c.rule} at ${c.path || '/'}: ${c.message}`);
          throw new RefusedError(
            `refused: the schema is incompatible with '${subject}' under ${mode}` +
              (compat.undecided ? ' (the checker could not decide some changes)' : '') +
              `; to approve an intentional break, pass --allow-breaking "<reason>" (recorded in subject.yaml)`,
            reasons,
          );
        }
        if (input.version) {
          const given = bumpBetween(previous, input.version);
          if (given === null) {
            throw new RefusedError(
              `refused: version ${input.version} is not above the latest version ${previous} of '${subject}': versions only grow; this change needs at least ${bumpVersion(previous, bump)}`,
            );
          }
          if (rank(given) < rank(bump)) {
            throw new RefusedError(
              `refused: version ${input.version} understates the change from ${previous}: it needs a ${bump} bump (${decision.reason}), e.g. ${bumpVersion(previous, bump)}`,
              changes.filter((c) => c.breaksBackward || c.breaksForward || c.category !== 'annotation').map((c) => `${c.rule} at ${c.path || '/'}: ${c.message}`),
            );
          }
          version = input.version;
        } else {
          version = bumpVersion(previous, bump);
          while (meta.versions.some((e) => e.version === version)) version = bumpVersion(version, 'patch');
        }
      }

      const entry: VersionEntry = { version, id, state: 'active', registered: new Date().toISOString() };
      if (input.references?.length) entry.references = input.references;
      if (input.allowBreaking && compat && !compat.compatible) entry.allowBreaking = input.allowBreaking;
      const next: SubjectMeta = withMetadata({ ...meta, versions: [...meta.versions, entry] }, input);
      if (!existing) next.format = input.format;

      const versionRel = this.versionFile(ref, version, input.format);
      const result: RegisterResult = {
        outcome: 'registered', subject, version, id, file: versionRel, bump, previous, mode, compat, changes,
        dryRun: !!input.dryRun, written: [],
      };
      if (input.dryRun) return result;

      if (!(await lock!.held())) throw new LlmSchemaError('lost the registry lock while registering; nothing was written', 2);
      const text = input.text.endsWith('\n') ? input.text : input.text + '\n';
      const absVersion = path.join(this.root, versionRel);
      // The version file first, created exclusively: a version file is never replaced (an unlisted one
      // left by an interrupted register was refused when subject.yaml was read above) ...
      try {
        await writeFileAtomic(absVersion, text, { exclusive: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        throw new InputError(`${this.display(versionRel)} already exists: refusing to overwrite a version file; nothing was written`);
      }
      // ... then the metadata that makes it a registered version.
      await writeFileAtomic(path.join(this.root, this.subjectFile(ref)), serializeSubject(next));
      result.written = [versionRel, this.subjectFile(ref)];
      return result;
    } finally {
      await lock?.release();
    }
  }

  /** Change subject metadata under the lock (deprecate, compatibility). */
  private async updateSubject(ref: SubjectRef, change: (meta: SubjectMeta) => SubjectMeta): Promise<SubjectMeta> {
    const lock = await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      const meta = await this.getSubject(ref);
      const next = change(structuredClone(meta));
      await writeFileAtomic(path.join(this.root, this.subjectFile(ref)), serializeSubject(next));
      return next;
    } finally {
      await lock.release();
    }
  }

  async deprecate(ref: SubjectRef, version: string, reason?: string): Promise<VersionEntry> {
    let out!: VersionEntry;
    await this.updateSubject(ref, (meta) => {
      const e = this.resolveVersion(ref, meta, version);
      e.state = 'deprecated';
      if (reason) e.reason = reason;
      out = e;
      return meta;
    });
    return out;
  }

  /** Set a subject's mode; a reason is recorded as `compatibility-change` (what `check` asks for when a mode loosens). */
  async setSubjectCompatibility(ref: SubjectRef, mode: CompatibilityMode, reason?: string): Promise<void> {
    await this.updateSubject(ref, (meta) => ({ ...meta, compatibility: mode, ...(reason ? { compatibilityChange: reason } : {}) }));
  }

  async setDefaultCompatibility(mode: CompatibilityMode, reason?: string): Promise<void> {
    const lock = await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      const file = path.join(this.root, CONFIG_FILE);
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(file, 'utf8');
      const cfg = parseConfig(text, file);
      // Keep every other key the user wrote, in place.
      const { parseDocument } = await import('yaml');
      const doc = parseDocument(text);
      if (doc.contents && typeof doc.contents === 'object' && 'set' in doc.contents) {
        doc.set('compatibility', mode);
        if (reason) doc.set('compatibility-change', reason);
        await writeFileAtomic(file, doc.toString());
      } else {
        await writeFileAtomic(file, serializeConfig({ ...cfg, compatibility: mode }, reason ? { 'compatibility-change': reason } : {}));
      }
      (this.config as RegistryConfig).compatibility = mode;
    } finally {
      await lock.release();
    }
  }

  /** Subjects matching every word in their name, description, tags, owners, kind or field names. */
  async search(words: string[]): Promise<Array<SubjectInfo & { matches: string[] }>> {
    const terms = words.map((w) => w.toLowerCase()).filter(Boolean);
    const out: Array<SubjectInfo & { matches: string[] }> = [];
    for (const s of await this.listSubjects()) {
      const fields: Array<[string, string[]]> = [
        ['name', [s.subject]],
        ['description', s.meta.description ? [s.meta.description] : []],
        ['tag', s.meta.tags ?? []],
        ['owner', s.meta.owners ?? []],
        ['kind', s.meta.kind ? [s.meta.kind] : []],
      ];
      let fieldNames: string[] | undefined;
      const matches = new Set<string>();
      let all = true;
      for (const t of terms) {
        let hit = false;
        for (const [label, values] of fields) {
          if (values.some((v) => v.toLowerCase().includes(t))) {
            matches.add(label);
            hit = true;
          }
        }
        if (!hit) {
          if (fieldNames === undefined) fieldNames = await this.fieldNamesOf(s);
          const f = fieldNames.find((n) => n.toLowerCase().includes(t));
          if (f) {
            matches.add(`field ${f}`);
            hit = true;
          }
        }
        if (!hit) {
          all = false;
          break;
        }
      }
      if (all && terms.length) out.push({ ...s, matches: [...matches] });
    }
    return out;
  }

  private async fieldNamesOf(s: SubjectInfo): Promise<string[]> {
    if (s.meta.versions.length === 0) return [];
    try {
      const { schema, handler } = await this.loadSchema(s, 'latest');
      return handler.fieldNames?.(schema) ?? [];
    } catch {
      return [];
    }
  }
}

/** The subject with the metadata given to register (description, owners, tags, kind) applied. */
function withMetadata(meta: SubjectMeta, input: RegisterInput): SubjectMeta {
  const next: SubjectMeta = { ...meta };
  if (input.description !== undefined) next.description = input.description;
  if (input.owners?.length) next.owners = [...new Set([...(meta.owners ?? []), ...input.owners])];
  if (input.tags?.length) next.tags = [...new Set([...(meta.tags ?? []), ...input.tags])];
  if (input.kind) next.kind = input.kind;
  return next;
}

/** Every policy some format has (a registry-wide policy applies to the formats that have it). */
const KNOWN_POLICIES = ['semantic', 'lenient', 'wire', 'strict'];

function rank(b: Bump | 'none' | 'initial'): number {
  return b === 'major' ? 3 : b === 'minor' ? 2 : b === 'patch' ? 1 : 0;
}

export { compareVersions };

/**
 * The registry use-cases: read subjects and versions through a storage, register, deprecate, configure.
 * Never prints, never exits.
 */
import { openContentModelHint } from './hints.js';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { getHandler, EXTENSIONS } from '../formats/index.js';
import { FsStorage } from '../storage/fs.js';
import type { RegistryStorage } from '../storage/types.js';
import { type CompatReport, type VersionedSchema } from './compat.js';
import { allPolicies, bumpOf, compareWithSubject, resolvePolicy, settleComparison, verdictOf } from './comparison.js';
import { CONFIG_FILE, parseConfig, serializeConfig } from './config.js';
import { InputError, LlmSchemaError, NotFoundError, RefusedError, UsageError } from '../model/errors.js';
import { acquireLock, LinkEscapeError, removeStaleTemps, withWriteGuard, writeFileAtomic } from './fsutil.js';
import { schemaId } from './ids.js';
import { checkName, checkNamespace, parseSubjectName, subjectName, type SubjectRef } from './names.js';
import { checkAlias, parseSubject, pendingFiles, PENDING_PREFIX, serializeSubject, SUBJECT_FILE, VERSION_FILE_NAME, verifySubjectFiles } from './subject.js';
import type {
  Change,
  CompatibilityMode,
  FormatHandler,
  FormatName,
  ParsedSchema,
  ParseOptions,
  RegistryConfig,
  ResolvedReference,
  SchemaDiagnostic,
  SchemaReference,
  SubjectKind,
  SubjectMeta,
  VersionEntry,
} from '../model/types.js';
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
  /** Prompts: the bump a change of the template text alone needs (default patch). */
  textChange?: Bump;
  /**
   * Run after the files are written, still holding the registry lock (`register --commit`: the commit, so
   * that a concurrent register never finds git's index locked).
   */
  afterWrite?: (result: RegisterResult) => Promise<void>;
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
  /** Warnings about the schema on its own (handler.lint: prompt inputs the template never uses). */
  warnings: SchemaDiagnostic[];
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
    if (!meta) throw new NotFoundError(`unknown subject '${subjectName(ref)}'${await this.subjectSuggestion(ref)}`, 'subject');
    return meta;
  }

  /** " (did you mean ...?)" for an unknown subject, from the subject folders (no subject.yaml is parsed). */
  private async subjectSuggestion(ref: SubjectRef): Promise<string> {
    try {
      const names: string[] = [];
      for (const ns of await this.storage.listDir(this.config.schemas)) {
        if (!ns.isDir || ns.name.startsWith('.')) continue;
        for (const n of await this.storage.listDir(`${this.config.schemas}/${ns.name}`)) {
          if (n.isDir && !n.name.startsWith('.')) names.push(`${ns.name}.${n.name}`);
        }
      }
      const { didYouMean } = await import('./suggest.js');
      return didYouMean(subjectName(ref), names);
    } catch {
      return '';
    }
  }

  /**
   * All subjects, sorted by full name; optionally only one namespace (and its sub-namespaces). A subject whose
   * subject.yaml is a link out of the registry throws LinkEscapeError, or is left out and given to `skip`.
   */
  async listSubjects(namespace?: string, skip?: (subject: string, err: LinkEscapeError) => void): Promise<SubjectInfo[]> {
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
        let text: string | undefined;
        try {
          text = await this.storage.readFile(file);
        } catch (err) {
          if (!(skip && err instanceof LinkEscapeError)) throw err;
          skip(subjectName(ref), err);
          continue;
        }
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
    try {
      checkVersion(version);
    } catch (err) {
      // 'v1.0.0', '1.0': name the registered version that was meant.
      const hint = closestVersion(
        version,
        meta.versions.map((x) => x.version),
      );
      if (hint && err instanceof UsageError) throw new UsageError(err.message + hint).withCode(err.code, { ...err.args, hint });
      throw err;
    }
    const e = meta.versions.find((x) => x.version === version);
    if (!e) {
      throw new NotFoundError(
        `unknown version '${version}' of '${subjectName(ref)}'${closestVersion(
          version,
          meta.versions.map((x) => x.version),
        )} (registered: ${meta.versions.map((x) => x.version).join(', ')})`,
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
  async loadSchema(
    ref: SubjectRef,
    version = 'latest',
    parseOptions: ParseOptions = {},
  ): Promise<{ info: VersionInfo; schema: ParsedSchema; handler: FormatHandler }> {
    const info = await this.getVersion(ref, version);
    const handler = await getHandler(info.format);
    const references = await this.resolveReferences(info.entry.references ?? [], new Set([`${info.subject}@${info.entry.version}`]));
    const schema = await handler.parse(info.text, { ...parseOptions, file: this.display(info.file), references, sealed: true, trusted: true });
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
    // Direct references are enough (as Confluent stores them): what they reference comes with them, handed
    // on as if listed, so chains of imports and $refs load; a name listed directly wins.
    const names = new Set(out.map((r) => r.name));
    for (const r of [...out]) {
      for (const n of r.schema.references ?? []) {
        if (names.has(n.name)) continue;
        names.add(n.name);
        out.push(n);
      }
    }
    return out;
  }

  /** The mode that applies to a subject: its own, else the registry's (the policy: core/comparison.ts). */
  resolveMode(meta: SubjectMeta | undefined): { mode: CompatibilityMode } {
    return { mode: meta?.compatibility ?? this.config.compatibility };
  }

  /**
   * The versions a check under `mode` compares with, parsed, in registration order: every version for the
   * transitive modes, else only the latest (by version number). Pass no mode for every version.
   */
  async history(
    ref: SubjectRef,
    meta: SubjectMeta,
    mode?: CompatibilityMode,
    load: (ref: SubjectRef, version: string) => Promise<ParsedSchema> = async (r, v) => (await this.loadSchema(r, v)).schema,
  ): Promise<VersionedSchema[]> {
    const latest = greatest(meta.versions.map((e) => e.version));
    const entries = !mode || mode.endsWith('_TRANSITIVE') ? [...meta.versions] : meta.versions.filter((e) => e.version === latest);
    // The latest version is compared last (checkCompatibility treats the last entry as the latest).
    entries.sort((a, b) => (a.version === latest ? 1 : b.version === latest ? -1 : 0));
    const out: VersionedSchema[] = [];
    for (const e of entries) {
      out.push({ version: e.version, schema: await load(ref, e.version) });
    }
    return out;
  }

  /** Check a candidate schema against a subject under its mode (or the given one): core/comparison.ts. */
  async compat(
    ref: SubjectRef,
    candidate: ParsedSchema,
    options: { mode?: CompatibilityMode; policy?: string; budgetMs?: number } = {},
  ): Promise<CompatReport> {
    const handler = await getHandler(candidate.format);
    return (await compareWithSubject({ handler, registry: this, subject: ref, ...options, candidate })).report;
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
    const diagnostics = handler.lint?.(candidate) ?? [];
    const lintErrors = diagnostics.filter((d) => d.severity === 'error');
    if (lintErrors.length) {
      throw new RefusedError(
        `refused: ${input.file ?? 'the schema'} has ${lintErrors.length} error${lintErrors.length === 1 ? '' : 's'}: ${lintErrors[0].message}`,
        lintErrors.map((d) => `${d.rule}${d.line ? ` at line ${d.line}` : ''}: ${d.message}`),
      );
    }
    const warnings = diagnostics.filter((d) => d.severity === 'warning');
    const canonical = handler.canonical(candidate);
    const id = schemaId(input.format, canonical, input.references);

    const lock = input.dryRun ? undefined : await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      if (!input.dryRun) await this.repairSubject(ref);
      const existing = await this.readSubject(ref);
      const meta: SubjectMeta = existing ?? { format: input.format, versions: [] };
      const { mode } = this.resolveMode(existing);
      // An explicit --policy that the format does not have is refused even for a first version.
      const policy = await resolvePolicy(handler, { given: input.policy, registry: this, subject: ref, meta: existing });
      const subject = subjectName(ref);

      // A new subject's name must not be another subject's alias (Confluent routes answer by both).
      if (!existing || existing.aliases?.length) {
        const clashes = await this.aliasClashes(ref, existing?.aliases ?? []);
        if (clashes.length) throw new RefusedError(`refused: ${clashes[0]}`, clashes.slice(1));
      }
      if (existing && existing.format !== input.format) {
        throw new RefusedError(
          `refused: '${subject}' holds ${existing.format} schemas and this one is ${input.format}; a change of format is incompatible (SCHEMA_FORMAT_CHANGED)`,
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
            const same: RegisterResult = {
              outcome: 'unchanged',
              subject,
              version: e.version,
              id: e.id,
              file: this.versionFile(ref, e.version, meta.format),
              bump: 'none',
              mode,
              changes: [],
              dryRun: !!input.dryRun,
              written,
              metadataUpdated: changed,
              warnings,
            };
            if (written.length && input.afterWrite) await input.afterWrite(same);
            return same;
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
        const comparison = await settleComparison({ handler, registry: this, subject: ref, meta, mode, policy });
        const decision = bumpOf(comparison, candidate);
        changes = decision.changes;
        bump = decision.bump === 'none' ? 'patch' : decision.bump;
        if (input.textChange && rank(input.textChange) > rank(bump) && changes.some((c) => c.rule === 'TEMPLATE_TEXT_CHANGED')) bump = input.textChange;
        compat = verdictOf(comparison, candidate);
        if (!compat.compatible && !input.allowBreaking) {
          const reasons = compat.changes
            .filter((c) => c.breaking)
            .map(
              (c) =>
                `${c.rule} at ${c.path || '/'}: ${c.message}` +
                (c.witness ? ` (e.g. ${JSON.stringify(c.witness.value).slice(0, 120)} is valid only under the ${c.witness.validUnder} version)` : ''),
            );
          const hint = openContentModelHint(
            subject,
            compat.changes.filter((c) => c.breaking).map((c) => c.rule),
            comparison.policy,
          );
          if (hint) reasons.push(hint);
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
              changes
                .filter((c) => c.breaksBackward || c.breaksForward || c.category !== 'annotation')
                .map((c) => `${c.rule} at ${c.path || '/'}: ${c.message}`),
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
      if (!existing && input.format === 'prompt' && !input.kind) next.kind = 'prompt';

      const versionRel = this.versionFile(ref, version, input.format);
      const result: RegisterResult = {
        outcome: 'registered',
        subject,
        version,
        id,
        file: versionRel,
        bump,
        previous,
        mode,
        compat,
        changes,
        dryRun: !!input.dryRun,
        written: [],
        warnings,
      };
      if (input.dryRun) return result;

      if (!(await lock!.held())) throw new LlmSchemaError('lost the registry lock while registering; nothing was written', 2);
      const text = input.text.endsWith('\n') ? input.text : input.text + '\n';
      const absVersion = path.join(this.root, versionRel);
      const absSubject = path.join(this.root, this.subjectFile(ref));
      const mark = path.join(path.dirname(absVersion), PENDING_PREFIX + path.basename(absVersion));
      let after = false;
      await withWriteGuard(
        `the registry is unchanged (${subject} ${version} was not registered)`,
        async (guard) => {
          let created = false;
          try {
            // 1. The mark: until subject.yaml lists the version, its file is pending (readers leave it out;
            // the next write to the subject removes it if this process dies before step 3).
            guard.checkpoint();
            await writeFileAtomic(mark, `${JSON.stringify({ pid: process.pid, version, registered: entry.registered })}\n`);
            // 2. The version file, created exclusively: a version file is never replaced.
            guard.checkpoint();
            try {
              await writeFileAtomic(absVersion, text, { exclusive: true });
              created = true;
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
              throw new InputError(`${this.display(versionRel)} already exists: refusing to overwrite a version file; nothing was written`);
            }
            // 3. The metadata that makes it a registered version (the rename is the commit point).
            guard.checkpoint();
            await writeFileAtomic(absSubject, serializeSubject(next));
          } catch (err) {
            // Undo: the registry is as it was.
            if (created) await fsp.unlink(absVersion).catch(() => {});
            await fsp.unlink(mark).catch(() => {});
            throw err;
          }
          await fsp.unlink(mark).catch(() => {});
          result.written = [versionRel, this.subjectFile(ref)];
          // Still under the lock (and the guard): e.g. the git commit of the new files.
          if (input.afterWrite) {
            after = true;
            await input.afterWrite(result);
          }
        },
        () => `${subject} ${version} was registered before the interrupt took effect${after ? '; see git status for the commit' : ''}`,
      );
      return result;
    } finally {
      await lock?.release();
    }
  }

  /**
   * Under the registry lock, before a write to a subject: remove what a killed writer left in its folder
   * (temporary files of dead processes; version files a register marked pending and never listed).
   */
  private async repairSubject(ref: SubjectRef): Promise<void> {
    const dir = path.join(this.root, this.subjectDir(ref));
    await removeStaleTemps(dir);
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    const pending = pendingFiles(names);
    if (!pending.size) return;
    const text = await fsp.readFile(path.join(dir, SUBJECT_FILE), 'utf8').catch(() => undefined);
    let listed: Set<string>;
    try {
      const meta = text === undefined ? undefined : parseSubject(text, SUBJECT_FILE);
      listed = new Set((meta?.versions ?? []).map((v) => `${v.version}${EXTENSIONS[meta!.format]}`));
    } catch {
      return; // a subject.yaml that does not parse: its readers say so; nothing is removed
    }
    for (const f of pending) {
      if (VERSION_FILE_NAME.test(f) && !listed.has(f)) await fsp.unlink(path.join(dir, f)).catch(() => {});
      await fsp.unlink(path.join(dir, PENDING_PREFIX + f)).catch(() => {});
    }
  }

  /**
   * Alias clashes (rule ALIAS_CLASH): the subject's name or one of its aliases equals another subject's name
   * or alias. `others` defaults to every subject of the registry.
   */
  async aliasClashes(ref: SubjectRef, aliases: string[]): Promise<string[]> {
    const subject = subjectName(ref);
    const owner = new Map<string, string>();
    // Every subject folder; a subject.yaml that does not parse is skipped here (check reports it), and one
    // without the word 'aliases' is not parsed at all.
    for (const ns of await this.storage.listDir(this.config.schemas)) {
      if (!ns.isDir || ns.name.startsWith('.')) continue;
      for (const n of await this.storage.listDir(`${this.config.schemas}/${ns.name}`)) {
        if (!n.isDir || n.name.startsWith('.')) continue;
        const other = `${ns.name}.${n.name}`;
        if (other === subject) continue;
        const text = await this.storage.readFile(this.subjectFile({ namespace: ns.name, name: n.name }));
        if (text === undefined) continue;
        owner.set(other, `the subject '${other}'`);
        if (!text.includes('aliases')) continue;
        let found: string[] = [];
        try {
          found = parseSubject(text, SUBJECT_FILE).aliases ?? [];
        } catch {
          continue;
        }
        for (const a of found) if (!owner.has(a)) owner.set(a, `an alias of '${other}'`);
      }
    }
    const out: string[] = [];
    if (owner.has(subject)) {
      out.push(`ALIAS_CLASH: the subject name '${subject}' is already ${owner.get(subject)}`);
    }
    for (const a of aliases) {
      if (a === subject) out.push(`ALIAS_CLASH: the alias '${a}' is the subject's own name`);
      else if (owner.has(a)) out.push(`ALIAS_CLASH: the alias '${a}' is already ${owner.get(a)}`);
    }
    return out;
  }

  /** Add and remove aliases of a subject (refused with ALIAS_CLASH when one is taken). Returns the new list. */
  async setSubjectAliases(ref: SubjectRef, add: string[], remove: string[]): Promise<string[]> {
    for (const a of add) checkAlias(a);
    let out: string[] = [];
    const lock = await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      await this.repairSubject(ref);
      const meta = await this.getSubject(ref);
      const current = meta.aliases ?? [];
      for (const r of remove) {
        if (!current.includes(r)) throw new UsageError(`'${subjectName(ref)}' has no alias '${r}'`);
      }
      out = [...current.filter((a) => !remove.includes(a))];
      for (const a of add) if (!out.includes(a)) out.push(a);
      const clashes = await this.aliasClashes(
        ref,
        out.filter((a) => !current.includes(a)),
      );
      if (clashes.length) throw new RefusedError(`refused: ${clashes[0]}`, clashes.slice(1));
      const next: SubjectMeta = { ...meta, aliases: out };
      if (!out.length) delete next.aliases;
      await withWriteGuard(`${this.display(this.subjectFile(ref))} is unchanged`, async (guard) => {
        guard.checkpoint();
        await writeFileAtomic(path.join(this.root, this.subjectFile(ref)), serializeSubject(next));
      });
    } finally {
      await lock.release();
    }
    return out;
  }

  /** Change subject metadata under the lock (deprecate, compatibility). */
  private async updateSubject(ref: SubjectRef, change: (meta: SubjectMeta) => SubjectMeta): Promise<SubjectMeta> {
    const lock = await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      await this.repairSubject(ref);
      const meta = await this.getSubject(ref);
      const next = change(structuredClone(meta));
      await withWriteGuard(`${this.display(this.subjectFile(ref))} is unchanged`, async (guard) => {
        guard.checkpoint();
        await writeFileAtomic(path.join(this.root, this.subjectFile(ref)), serializeSubject(next));
      });
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
    await this.setSubjectConfig(ref, { compatibility: mode }, reason);
  }

  /**
   * Set a subject's mode and/or policy. A reason is recorded as `compatibility-change` (what `check` asks for when a
   * mode or policy loosens); a change without one drops an earlier reason, which described an earlier change.
   */
  async setSubjectConfig(ref: SubjectRef, change: { compatibility?: CompatibilityMode; policy?: string }, reason?: string): Promise<void> {
    await this.updateSubject(ref, (meta) => {
      const next: SubjectMeta = { ...meta, ...change };
      if (reason) next.compatibilityChange = reason;
      else delete next.compatibilityChange;
      return next;
    });
  }

  /** Set the registry's default policy (`policy:` in llm-schema.yaml), with the same reason rule as the mode. */
  async setDefaultPolicy(policy: string, reason?: string): Promise<void> {
    const known = [...(await allPolicies())];
    if (!known.includes(policy)) throw new UsageError(`unknown policy '${policy}': expected ${known.join(', ')}`);
    await this.updateConfigFile({ policy }, reason);
    (this.config as RegistryConfig).policy = policy;
  }

  async setDefaultCompatibility(mode: CompatibilityMode, reason?: string): Promise<void> {
    await this.updateConfigFile({ compatibility: mode }, reason);
    (this.config as RegistryConfig).compatibility = mode;
  }

  private async updateConfigFile(change: { compatibility?: CompatibilityMode; policy?: string }, reason?: string): Promise<void> {
    const lock = await acquireLock(path.join(this.root, '.llm-schema.lock'));
    try {
      const file = path.join(this.root, CONFIG_FILE);
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(file, 'utf8');
      const cfg = parseConfig(text, file);
      // Keep every other key the user wrote, in place.
      const { parseDocument } = await import('yaml');
      const doc = parseDocument(text);
      let out: string;
      if (doc.contents && typeof doc.contents === 'object' && 'set' in doc.contents) {
        for (const [k, v] of Object.entries(change)) if (v !== undefined) doc.set(k, v);
        if (reason) doc.set('compatibility-change', reason);
        else doc.delete('compatibility-change');
        out = doc.toString();
      } else {
        out = serializeConfig({ ...cfg, ...change }, reason ? { 'compatibility-change': reason } : {});
      }
      await removeStaleTemps(this.root, CONFIG_FILE);
      await withWriteGuard(`${this.display(CONFIG_FILE)} is unchanged`, async (guard) => {
        guard.checkpoint();
        await writeFileAtomic(file, out);
      });
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

/** " (did you mean '1.0.0'?)" for '1.0', 'v1.0.0', '1.0.O' and other near misses. */
function closestVersion(given: string, versions: string[]): string {
  const bare = given.replace(/^v/i, '');
  const padded = /^\d+(\.\d+)?$/.test(bare) ? (bare + '.0.0').split('.').slice(0, 3).join('.') : bare;
  const exact = versions.find((v) => v === padded);
  if (exact) return ` (did you mean '${exact}'?)`;
  const near = versions.filter((v) => v.length === padded.length && [...v].filter((ch, i) => ch !== padded[i]).length === 1);
  return near.length === 1 ? ` (did you mean '${near[0]}'?)` : '';
}

function rank(b: Bump | 'none' | 'initial'): number {
  return b === 'major' ? 3 : b === 'minor' ? 2 : b === 'patch' ? 1 : 0;
}

export { compareVersions };

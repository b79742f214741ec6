/**
 * The registry's reads: subjects, versions, references, the history a comparison needs, and alias clashes,
 * all through a RegistryStorage (working tree, git commit, index, memory). Never writes, prints or exits.
 */
import * as path from 'node:path';
import { getHandler, EXTENSIONS } from '../../formats/index.js';
import { InputError, NotFoundError, UsageError } from '../../model/errors.js';
import type {
  CompatibilityMode,
  FormatHandler,
  FormatName,
  ParsedSchema,
  ParseOptions,
  RegistryConfig,
  ResolvedReference,
  SchemaReference,
  SubjectMeta,
  VersionEntry,
} from '../../model/types.js';
import { LinkEscapeError } from '../../storage/fsutil.js';
import type { RegistryStorage } from '../../storage/types.js';
import type { VersionedSchema } from '../compat.js';
import { confluentNumbers } from '../ids.js';
import { checkName, checkNamespace, parseSubjectName, subjectName, type SubjectRef } from '../names.js';
import { parseSubject, SUBJECT_FILE, verifySubjectFiles } from '../subject.js';
import { checkVersion, greatest } from '../version.js';

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

/** The read half of Registry (core/registry.ts): what comparisons, checks and reporters need of a registry. */
export class RegistryReads {
  readonly root: string;
  readonly config: RegistryConfig;
  readonly storage: RegistryStorage;

  protected constructor(root: string, config: RegistryConfig, storage: RegistryStorage) {
    this.root = root;
    this.config = config;
    this.storage = storage;
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

  /** Path of a subject's subject.yaml relative to the registry root. */
  subjectFile(ref: SubjectRef): string {
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
      const { didYouMean } = await import('../suggest.js');
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
      index: confluentNumbers(meta.versions)[meta.versions.indexOf(entry)],
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
    return withTransitiveReferences(out);
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

/**
 * Direct references are enough (as Confluent stores them): what each resolved reference references comes with it,
 * handed on as if listed, so chains of imports and $refs load; a name listed directly wins.
 */
export function withTransitiveReferences(direct: ResolvedReference[]): ResolvedReference[] {
  const out = [...direct];
  const names = new Set(out.map((r) => r.name));
  for (const r of direct) {
    for (const n of r.schema.references ?? []) {
      if (names.has(n.name)) continue;
      names.add(n.name);
      out.push(n);
    }
  }
  return out;
}

/**
 * The check use-case: is the registry consistent, and does a change to it (working tree, index or a commit
 * against a base commit) keep the promises of a registry: registered versions never change, new versions
 * respect their subject's mode and state their change in their number, ids and references hold.
 * Findings are data; reporters (src/report) turn them into words. Never prints, never exits.
 */
import { openContentModelHint } from './hints.js';
import { getHandler, EXTENSIONS } from '../formats/index.js';
import type { RegistryStorage } from '../storage/types.js';
import { directions, type VersionedSchema } from './compat.js';
import { indexRules, type RuleSpec } from '../model/rule-spec.js';
import { bumpOf, resolvePolicy, settleComparison, verdictOf } from './comparison.js';
import { CONFIG_FILE, parseConfig } from './config.js';
import { formatWhere, InputError, LlmSchemaError } from '../model/errors.js';
import { recordedIdStands, schemaId } from './ids.js';
import { checkName, checkNamespace, subjectName, type SubjectRef } from './names.js';
import { Registry } from './registry.js';
import { parseSubject, PENDING_PREFIX, SUBJECT_FILE } from './subject.js';
import type { CompatibilityMode, FormatHandler, ParsedSchema, RegistryConfig, SubjectMeta, VersionEntry } from '../model/types.js';
import { bumpBetween, compareVersions, type Bump } from './version.js';
import { parseYaml } from '../model/yaml.js';
import { LinkEscapeError } from '../storage/fsutil.js';
import { loosenedFrom, policyInForce } from './policy.js';

export type CheckSeverity = 'error' | 'warning' | 'notice';

/** One finding: data, turned into words by a reporter. */
export interface Finding {
  rule: string;
  severity: CheckSeverity;
  /** `<namespace>.<name>`, when the finding is about a subject. */
  subject?: string;
  version?: string;
  /** Path for display and annotations (relative to the repository top in git, else to the registry root). */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  args?: Record<string, unknown>;
}

/** A check rule: a RuleSpec (rule-spec.ts, the shared RuleSpec) with its fixed severity. */
export type RuleInfo = RuleSpec & { readonly severity: CheckSeverity };

const C = (id: string, severity: CheckSeverity, purpose: string): RuleInfo => ({ id, format: 'check', severity, purpose });

/** Every check rule, once: its stable id, default severity and purpose. IDs never change. */
export const CHECK_RULE_SPECS: readonly RuleInfo[] = [
  C('MALFORMED_CONFIG', 'error', 'llm-schema.yaml must parse and hold valid settings'),
  C('MALFORMED_METADATA', 'error', 'subject.yaml must parse and hold valid metadata'),
  C('MALFORMED_SCHEMA', 'error', 'every version file must be a valid schema of its format'),
  C('TEMPLATE_CHECK_FAILED', 'error', "a new prompt version's template uses only variables its input schema declares, with types that fit"),
  C('INVALID_SUBJECT_NAME', 'error', 'subject folders must be valid namespaces and names'),
  C('VERSION_CHANGED', 'error', 'a registered version (its file, id or references) never changes'),
  C('VERSION_DELETED', 'error', 'a registered version is never deleted'),
  C('SUBJECT_DELETED', 'error', 'a subject with registered versions is never deleted'),
  C('SUBJECT_FORMAT_CHANGED', 'error', "a subject's format never changes once it has versions"),
  C('VERSION_FILE_MISSING', 'error', 'every version listed in subject.yaml has its file'),
  C('SYMLINK_OUTSIDE_REGISTRY', 'error', 'a version file or subject.yaml is never a symbolic link leading out of the registry (it is never read)'),
  C('UNREGISTERED_FILE', 'error', 'every version file is listed in subject.yaml'),
  C('ID_MISMATCH', 'error', "a version's recorded id matches its content"),
  C('DUPLICATE_ID', 'error', 'two different schemas never hold one id'),
  C('BROKEN_REFERENCE', 'error', 'references name registered subjects and versions'),
  C('INCOMPATIBLE_CHANGE', 'error', "a new version is compatible under its subject's mode"),
  C('BREAKING_CHANGE_APPROVED', 'notice', 'an intentional break approved with allow-breaking in subject.yaml'),
  C('VERSION_NOT_ABOVE_LATEST', 'error', 'a version registered later has a greater number: versions only grow'),
  C('VERSION_UNDERSTATED', 'error', 'a version number states its change (major for breaking, minor for validation, patch for annotations)'),
  C('COMPATIBILITY_LOOSENED', 'error', 'a looser compatibility mode needs a compatibility-change reason'),
  C('ALIAS_CLASH', 'error', "a subject alias is unique and never another subject's name (Confluent routes answer by both)"),
  C('COMPATIBILITY_CHANGE_APPROVED', 'notice', 'a looser compatibility mode approved with compatibility-change'),
];

/** The check rules by id (what the reporters look purposes up in). */
export const CHECK_RULES: Readonly<Record<string, RuleInfo>> = Object.fromEntries(indexRules(CHECK_RULE_SPECS)) as Record<string, RuleInfo>;

const SEVERITY_RANK: Record<CheckSeverity, number> = { error: 0, warning: 1, notice: 2 };

export interface CheckOptions {
  /** The registry root on disk (for messages and Registry.open). */
  root: string;
  /** The side being checked: working tree, index or a commit. */
  head: RegistryStorage;
  /** The side it is compared with (the merge base); without it the whole registry is checked. */
  base?: RegistryStorage;
  /** Display path of a registry-relative path (defaults to the path itself). */
  filePath?: (rel: string) => string;
  /**
   * A storage whose reads are cheap (the working tree), used to scan ids of unchanged subjects when its
   * tree ids match the head's. Optional.
   */
  fast?: RegistryStorage;
  policy?: string;
}

export interface CheckResult {
  mode: 'diff' | 'full';
  /** Labels of the compared sides. */
  head: string;
  base?: string;
  /** Subjects examined (changed ones in diff mode, every one in full mode), sorted. */
  subjects: string[];
  findings: Finding[];
  errors: number;
  warnings: number;
  notices: number;
}

interface Side {
  storage: RegistryStorage;
  registry?: Registry;
  config?: RegistryConfig;
  configRaw?: Record<string, unknown>;
}

type Storage = RegistryStorage & { fileId?(p: string): Promise<string | undefined> };

/** Run the check. Malformed input becomes findings; only I/O failures throw. */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const c = new Checker(opts);
  return c.run();
}

class Checker {
  private readonly findings: Finding[] = [];
  private readonly subjects = new Set<string>();
  private readonly examined: Array<{ subject: string; file: string; text: string; aliases: string[]; isNew: boolean }> = [];
  private readonly display: (rel: string) => string;
  /** New ids seen in this run: id -> where (for duplicate detection). */
  private readonly newIds: Array<{ id: number; subject: string; version: string; ref: SubjectRef; file: string; line?: number }> = [];

  constructor(private readonly opts: CheckOptions) {
    this.display = opts.filePath ?? ((rel) => rel);
  }

  private add(f: Omit<Finding, 'severity'> & { severity?: CheckSeverity }): void {
    const severity = f.severity ?? CHECK_RULES[f.rule]?.severity ?? 'error';
    this.findings.push({ ...f, severity });
  }

  async run(): Promise<CheckResult> {
    const head = await this.openSide(this.opts.head, true);
    const base = this.opts.base ? await this.openSide(this.opts.base, false) : undefined;
    if (head.registry) {
      if (base) await this.diff(base, head);
      else await this.full(head);
      await this.duplicateIds(head);
      await this.aliasClashes(head);
    }
    const findings = this.findings.sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        (a.file ?? '').localeCompare(b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        a.rule.localeCompare(b.rule),
    );
    return {
      mode: base ? 'diff' : 'full',
      head: this.opts.head.label,
      base: this.opts.base?.label,
      subjects: [...this.subjects].sort(),
      findings,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      notices: findings.filter((f) => f.severity === 'notice').length,
    };
  }

  private async openSide(storage: RegistryStorage, report: boolean): Promise<Side> {
    const text = await storage.readFile(CONFIG_FILE);
    if (text === undefined) {
      if (report) {
        throw new InputError(`no ${CONFIG_FILE} in ${storage.label}: is this the registry root? (pass --registry DIR)`);
      }
      return { storage };
    }
    try {
      const config = parseConfig(text, CONFIG_FILE);
      let configRaw: Record<string, unknown> = {};
      try {
        configRaw = (parseYaml(text, CONFIG_FILE) ?? {}) as Record<string, unknown>;
      } catch {
        /* parseConfig already accepted it */
      }
      const registry = await Registry.open(this.opts.root, storage);
      registry.verifyFiles = false; // disagreements between subject.yaml and the files are findings here
      return { storage, registry, config, configRaw };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (report) this.add({ rule: 'MALFORMED_CONFIG', file: this.display(CONFIG_FILE), line: err.line, column: err.column, message: bare(err) });
      return { storage };
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Diff mode: only subjects whose folders changed.

  private async diff(base: Side, head: Side): Promise<void> {
    const hc = head.config!;
    // A looser registry-wide default.
    if (base.config && looser(base.config.compatibility, hc.compatibility)) {
      const reason = ack(base.configRaw, head.configRaw);
      const text = await head.storage.readFile(CONFIG_FILE);
      this.add({
        rule: reason ? 'COMPATIBILITY_CHANGE_APPROVED' : 'COMPATIBILITY_LOOSENED',
        file: this.display(CONFIG_FILE),
        line: lineOf(text, /^compatibility\s*:/m),
        message: reason
          ? `the default compatibility changed from ${base.config.compatibility} to ${hc.compatibility}: approved (${reason})`
          : `the default compatibility loosened from ${base.config.compatibility} to ${hc.compatibility}; if intended, approve it with 'llm-schema config --compatibility ${hc.compatibility} --reason "<why>"' (writes compatibility-change to ${CONFIG_FILE})`,
        args: { from: base.config.compatibility, to: hc.compatibility, reason },
      });
    }
    const changed = await this.changedSubjects(base, head);
    for (const dir of changed) await this.subjectDiff(base, head, dir);
  }

  /** Subject folders ('<ns>/<name>') that differ between the sides, found by comparing tree ids top-down. */
  private async changedSubjects(base: Side, head: Side): Promise<string[]> {
    const bs = base.config?.schemas;
    const hs = head.config!.schemas;
    const out = new Set<string>();
    const differs = async (rel: string): Promise<boolean> => {
      if (bs !== hs) return true;
      const [a, b] = await Promise.all([base.storage.treeId?.(`${bs}/${rel}`), head.storage.treeId?.(`${hs}/${rel}`)]);
      return a === undefined || b === undefined || a !== b;
    };
    const idsKnown = !!(base.storage.treeId && head.storage.treeId) && bs === hs;
    if (idsKnown) {
      const [a, b] = await Promise.all([base.storage.treeId!(bs!), head.storage.treeId!(hs)]);
      if (a !== undefined && a === b) return [];
    }
    const dirs = async (side: Side, schemas: string | undefined, rel: string) =>
      schemas === undefined
        ? []
        : (await side.storage.listDir(rel ? `${schemas}/${rel}` : schemas)).filter((e) => e.isDir && !e.name.startsWith('.')).map((e) => e.name);
    const nss = new Set([...(await dirs(base, bs, '')), ...(await dirs(head, hs, ''))]);
    for (const ns of [...nss].sort()) {
      if (idsKnown && !(await differs(ns))) continue;
      const names = new Set([...(await dirs(base, bs, ns)), ...(await dirs(head, hs, ns))]);
      for (const name of [...names].sort()) {
        if (idsKnown && !(await differs(`${ns}/${name}`))) continue;
        out.add(`${ns}/${name}`);
      }
    }
    return [...out];
  }

  private async subjectDiff(base: Side, head: Side, dir: string): Promise<void> {
    const [namespace, name] = dir.split('/');
    const subject = `${namespace}.${name}`;
    this.subjects.add(subject);
    const ref = { namespace, name };
    const headDir = `${head.config!.schemas}/${dir}`;
    const yamlRel = `${headDir}/${SUBJECT_FILE}`;
    if (!validName(ref)) {
      this.add({ rule: 'INVALID_SUBJECT_NAME', subject, file: this.display(headDir), message: `'${dir}' is not <namespace>/<name> with valid parts` });
      return;
    }
    const baseMeta = base.config ? await this.readMeta(base, `${base.config.schemas}/${dir}/${SUBJECT_FILE}`, subject, false) : undefined;
    const headMeta = await this.readMeta(head, yamlRel, subject, true);
    if (headMeta === null) return; // malformed or a link out of the registry: reported
    const headText = await head.storage.readFile(yamlRel);

    if (baseMeta && baseMeta.meta.versions.length && !headMeta) {
      this.add({
        rule: 'SUBJECT_DELETED',
        subject,
        file: this.display(yamlRel),
        message: `subject ${subject} was deleted, with its registered versions ${baseMeta.meta.versions.map((v) => v.version).join(', ')}; registered versions are never removed (deprecate them instead)`,
      });
      return;
    }
    if (!headMeta) {
      // Files without metadata: nothing is registered here.
      const files = await head.storage.listDir(headDir);
      for (const f of files) {
        if (!f.isDir && versionFromFile(f.name)) {
          const unstaged = await this.unstagedEntry(head, yamlRel, f.name);
          this.add({
            rule: 'UNREGISTERED_FILE',
            subject,
            file: this.display(`${headDir}/${f.name}`),
            message:
              unstaged ??
              this.pendingLeftover(files, headDir, f.name, subject) ??
              `${f.name} is not listed in ${SUBJECT_FILE} (there is no ${SUBJECT_FILE}): register it with 'llm-schema register'`,
          });
        }
      }
      return;
    }
    const meta = headMeta.meta;
    const bmeta = baseMeta?.meta;
    this.examined.push({ subject, file: yamlRel, text: headText ?? '', aliases: meta.aliases ?? [], isNew: !bmeta });

    if (bmeta && bmeta.versions.length && bmeta.format !== meta.format) {
      this.add({
        rule: 'SUBJECT_FORMAT_CHANGED',
        subject,
        file: this.display(yamlRel),
        line: lineOf(headText, /^format\s*:/m),
        message: `the format of ${subject} changed from ${bmeta.format} to ${meta.format}; a subject's format never changes: create a new subject`,
      });
      return;
    }

    // Registered versions: unchanged and present.
    const baseVersions = new Set<string>();
    for (const be of bmeta?.versions ?? []) {
      baseVersions.add(be.version);
      const he = meta.versions.find((e) => e.version === be.version);
      const baseFile = `${base.config!.schemas}/${dir}/${be.version}${EXTENSIONS[bmeta!.format]}`;
      const headFile = `${headDir}/${be.version}${EXTENSIONS[meta.format]}`;
      if (!he) {
        this.add({
          rule: 'VERSION_DELETED',
          subject,
          version: be.version,
          file: this.display(yamlRel),
          message: `registered version ${be.version} of ${subject} was removed from ${SUBJECT_FILE}; registered versions are never deleted (deprecate it instead)`,
        });
        continue;
      }
      // A registered version's entry in subject.yaml edited: its id or its references.
      const entryChanged = (message: string, args?: Finding['args']) =>
        this.add({
          rule: 'VERSION_CHANGED',
          subject,
          version: be.version,
          file: this.display(yamlRel),
          line: lineOfVersion(headText, be.version),
          message,
          ...(args ? { args } : {}),
        });
      if (he.id !== be.id) {
        entryChanged(`the id of registered version ${be.version} changed from ${be.id} to ${he.id}; ids are never recomputed`, { from: be.id, to: he.id });
      }
      if (refsKey(he) !== refsKey(be)) entryChanged(`the references of registered version ${be.version} changed; register a new version instead`);
      const same = await sameFile(base.storage as Storage, baseFile, head.storage as Storage, headFile);
      if (same === 'missing') {
        this.add({
          rule: 'VERSION_DELETED',
          subject,
          version: be.version,
          file: this.display(headFile),
          message: `the file of registered version ${be.version} of ${subject} was deleted; registered versions are never deleted`,
        });
      } else if (same === 'changed') {
        this.add({
          rule: 'VERSION_CHANGED',
          subject,
          version: be.version,
          file: this.display(headFile),
          line: 1,
          message: `registered version ${be.version} of ${subject} was edited; registered versions never change: revert the edit and register the change as a new version`,
        });
      }
    }

    // A looser mode or policy for this subject (lenient over semantic, wire over strict) is approved the same way.
    const loosened = (key: 'compatibility' | 'policy', from: string, to: string) => {
      const reason = ack(baseMeta?.raw, headMeta.raw);
      const flag = key === 'compatibility' ? '--compatibility' : '--policy';
      this.add({
        rule: reason ? 'COMPATIBILITY_CHANGE_APPROVED' : 'COMPATIBILITY_LOOSENED',
        subject,
        file: this.display(yamlRel),
        line: lineOf(headText, new RegExp(`^${key}\\s*:`, 'm')),
        message: reason
          ? `the ${key} of ${subject} changed from ${from} to ${to}: approved (${reason})`
          : `the ${key} of ${subject} loosened from ${from} to ${to}; if intended, approve it with 'llm-schema config ${subject} ${flag} ${to} --reason "<why>"' (writes compatibility-change to its ${SUBJECT_FILE})`,
        args: { from, to, reason },
      });
    };
    const baseMode = bmeta ? (bmeta.compatibility ?? base.config!.compatibility) : undefined;
    const headMode = meta.compatibility ?? head.config!.compatibility;
    if (baseMode && bmeta?.compatibility !== meta.compatibility && looser(baseMode, headMode)) loosened('compatibility', baseMode, headMode);
    const policyHandler = await getHandler(meta.format);
    const headPolicy = policyInForce(policyHandler, meta.policy, head.config!.policy);
    const from = bmeta ? loosenedFrom(policyInForce(policyHandler, bmeta.policy, base.config!.policy), headPolicy) : undefined;
    if (from) loosened('policy', from, headPolicy!);

    await this.checkVersions(head, ref, meta, headDir, headText ?? '', (e) => !baseVersions.has(e.version));
  }

  /**
   * A version file a register marked pending and never listed (it was interrupted): the message naming the
   * exact fix, else undefined.
   */
  private pendingLeftover(files: Array<{ name: string }>, dir: string, name: string, subject: string): string | undefined {
    if (!files.some((f) => f.name === PENDING_PREFIX + name)) return undefined;
    return `${name} was left by an interrupted register and was never registered: the next register, deprecate or config of ${subject} removes it, or run: rm '${this.display(`${dir}/${name}`)}' '${this.display(`${dir}/${PENDING_PREFIX}${name}`)}'`;
  }

  /** Parse subject.yaml; null when malformed or a link out of the registry (reported when `report`), undefined when absent. */
  private async readMeta(
    side: Side,
    rel: string,
    subject: string,
    report: boolean,
  ): Promise<{ meta: SubjectMeta; raw: Record<string, unknown> } | null | undefined> {
    let text: string | undefined;
    try {
      text = await side.storage.readFile(rel);
    } catch (err) {
      if (!(err instanceof LinkEscapeError)) throw err;
      if (report) {
        this.add({
          rule: LinkEscapeError.rule,
          subject,
          file: this.display(rel),
          message: `the ${SUBJECT_FILE} of ${subject} is a symbolic link leading out of the registry; it is never read: replace the link with the file`,
        });
      }
      return null;
    }
    if (text === undefined) return undefined;
    try {
      const meta = parseSubject(text, rel);
      let raw: Record<string, unknown> = {};
      try {
        raw = parseYaml(text, rel) as Record<string, unknown>;
      } catch {
        /* parsed above */
      }
      return { meta, raw };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (report) this.add({ rule: 'MALFORMED_METADATA', subject, file: this.display(rel), line: err.line, column: err.column, message: bare(err) });
      return null;
    }
  }

  /**
   * When the index is checked and the working tree's subject.yaml does list this version file, the fix is to stage
   * it (the usual slip: `git add` of the new version file only). The message saying so, else undefined.
   */
  private async unstagedEntry(side: Side, yamlRel: string, fileName: string): Promise<string | undefined> {
    const work = this.opts.fast;
    if (!work || work === side.storage || side.storage.label !== 'index') return undefined;
    const version = versionFromFile(fileName);
    if (!version) return undefined;
    const text = await work.readFile(yamlRel).catch(() => undefined);
    const escaped = version.replace(/[.+]/g, '\\$&');
    if (!text || !new RegExp(`^\\s*-?\\s*version:\\s*["']?${escaped}["']?\\s*$`, 'm').test(text)) return undefined;
    return `${fileName} is staged but ${SUBJECT_FILE}, which lists it, is not: run 'git add ${this.display(yamlRel)}'`;
  }

  // -------------------------------------------------------------------------------------------------
  // Versions: files, parse, ids, references, compatibility and bumps.

  private async checkVersions(
    side: Side,
    ref: SubjectRef,
    meta: SubjectMeta,
    dir: string,
    yamlText: string,
    isNew: (e: VersionEntry) => boolean,
  ): Promise<void> {
    const subject = subjectName(ref);
    const registry = side.registry!;
    const yamlRel = `${dir}/${SUBJECT_FILE}`;
    const ext = EXTENSIONS[meta.format];
    const listed = new Set(meta.versions.map((e) => `${e.version}${ext}`));
    const files = await side.storage.listDir(dir);
    for (const f of files) {
      if (f.isDir || f.name === SUBJECT_FILE || listed.has(f.name)) continue;
      if (!versionFromFile(f.name)) continue;
      const unstaged = await this.unstagedEntry(side, yamlRel, f.name);
      this.add({
        rule: 'UNREGISTERED_FILE',
        subject,
        file: this.display(`${dir}/${f.name}`),
        message:
          unstaged ??
          this.pendingLeftover(files, dir, f.name, subject) ??
          `${f.name} is not listed in ${SUBJECT_FILE}: register it with 'llm-schema register' (which records its id and checks it), or remove it`,
      });
    }
    const { mode } = registry.resolveMode(meta);
    const handler = await getHandler(meta.format);
    let policy: string | undefined;
    try {
      policy = await resolvePolicy(handler, { given: this.opts.policy, registry, subject: ref, meta });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      this.add({ rule: 'MALFORMED_METADATA', subject, file: err.file ?? this.display(yamlRel), message: bare(err) });
      return;
    }
    const history: VersionedSchema[] = [];
    for (const e of meta.versions) {
      const rel = `${dir}/${e.version}${ext}`;
      const line = lineOfVersion(yamlText, e.version);
      const checkThis = isNew(e);
      let text: string | undefined;
      try {
        text = await side.storage.readFile(rel);
      } catch (err) {
        if (!(err instanceof LinkEscapeError)) throw err;
        this.add({
          rule: LinkEscapeError.rule,
          subject,
          version: e.version,
          file: this.display(rel),
          message: `version ${e.version} of ${subject} is a symbolic link leading out of the registry; it is never read: replace the link with the file`,
        });
        continue;
      }
      if (text === undefined) {
        this.add({
          rule: 'VERSION_FILE_MISSING',
          subject,
          version: e.version,
          file: this.display(yamlRel),
          line,
          message: `version ${e.version} is listed in ${SUBJECT_FILE} but ${e.version}${ext} is missing`,
        });
        continue;
      }
      // References.
      let references;
      try {
        references = await registry.resolveReferences(e.references ?? [], new Set([`${subject}@${e.version}`]));
      } catch (err) {
        if (!(err instanceof LlmSchemaError)) throw err;
        if (checkThis)
          this.add({ rule: 'BROKEN_REFERENCE', subject, version: e.version, file: this.display(yamlRel), line, message: `version ${e.version}: ${bare(err)}` });
        continue;
      }
      let schema: ParsedSchema;
      try {
        schema = await handler.parse(text, { file: rel, references });
        if (checkThis) handler.compile(schema);
      } catch (err) {
        if (!(err instanceof LlmSchemaError)) throw err;
        const ie = err as InputError;
        this.add({ rule: 'MALFORMED_SCHEMA', subject, version: e.version, file: this.display(rel), line: ie.line, column: ie.column, message: bare(err) });
        continue;
      }
      if (checkThis) {
        for (const d of handler.lint?.(schema) ?? []) {
          this.add({
            rule: 'TEMPLATE_CHECK_FAILED',
            severity: d.severity === 'error' ? undefined : 'warning',
            subject,
            version: e.version,
            file: this.display(rel),
            line: d.line,
            column: d.column,
            message: `version ${e.version}: ${d.message} (${d.rule})`,
            args: { check: d.rule, path: d.path },
          });
        }
        const canonical = handler.canonical(schema);
        const id = schemaId(meta.format, canonical, e.references);
        if (id !== e.id && !recordedIdStands(e)) {
          this.add({
            rule: 'ID_MISMATCH',
            subject,
            version: e.version,
            file: this.display(yamlRel),
            line,
            message: `version ${e.version} records id ${e.id}, but its content gives ${id}: register versions with 'llm-schema register' instead of writing subject.yaml by hand`,
            args: { recorded: e.id, computed: id },
          });
        }
        this.newIds.push({ id: e.id, subject, version: e.version, ref, file: yamlRel, line });
        if (history.length) await this.compat(handler, subject, e, schema, history, mode, policy, yamlRel, rel, line);
      }
      history.push({ version: e.version, schema });
    }
  }

  private async compat(
    handler: FormatHandler,
    subject: string,
    e: VersionEntry,
    schema: ParsedSchema,
    history: VersionedSchema[],
    mode: CompatibilityMode,
    policy: string | undefined,
    yamlRel: string,
    rel: string,
    line: number | undefined,
  ): Promise<void> {
    // The earlier versions in registration order, under the subject's settled mode and policy.
    const comparison = await settleComparison({ handler, against: history, mode, policy });
    const report = verdictOf(comparison, schema);
    const breaking = report.changes.filter((c) => c.breaking);
    // Without --against every version is judged under the subject's mode of today, which may be tighter
    // than the mode it was registered under: such findings are warnings (check --against judges each new
    // version as an error when it is added).
    const historical = !this.opts.base;
    const severity: CheckSeverity | undefined = historical ? 'warning' : undefined;
    const why = historical ? ` (judged under today's mode ${mode}; it may have been registered under another)` : '';
    if (!report.compatible) {
      if (e.allowBreaking) {
        this.add({
          rule: 'BREAKING_CHANGE_APPROVED',
          subject,
          version: e.version,
          file: this.display(yamlRel),
          line,
          message: `version ${e.version} breaks ${mode} (${breaking
            .map((c) => c.rule)
            .filter(uniq)
            .join(', ')}): approved in ${SUBJECT_FILE} (${e.allowBreaking})`,
          args: { mode, reason: e.allowBreaking, changes: breaking.map((c) => ({ rule: c.rule, path: c.path, against: c.against })) },
        });
      } else {
        for (const c of breaking) {
          this.add({
            rule: 'INCOMPATIBLE_CHANGE',
            subject,
            version: e.version,
            severity,
            file: this.display(c.line !== undefined ? rel : yamlRel),
            line: c.line ?? line,
            column: c.line !== undefined ? c.column : undefined,
            message:
              `${e.version} is incompatible with ${c.against} under ${mode}${why}: ${c.rule} at ${c.path || '/'}: ${c.message}` +
              (c.witness ? ` (e.g. ${JSON.stringify(c.witness.value).slice(0, 80)} is valid only under the ${c.witness.validUnder} schema)` : '') +
              (openContentModelHint(subject, [c.rule], policy) ? `. ${openContentModelHint(subject, [c.rule], policy)}` : '') +
              `. To approve an intentional break, add 'allow-breaking: <reason>' to version ${e.version} in ${SUBJECT_FILE}`,
            args: { mode, change: c.rule, path: c.path, against: c.against, undecided: !!c.undecided },
          });
        }
      }
    }
    // The number must state the change, relative to the greatest earlier version.
    const prev = [...history].sort((a, b) => compareVersions(a.version, b.version)).at(-1)!;
    const given = bumpBetween(prev.version, e.version);
    if (given === null) {
      this.add({
        rule: 'VERSION_NOT_ABOVE_LATEST',
        subject,
        version: e.version,
        severity,
        file: this.display(yamlRel),
        line,
        message: `version ${e.version} is registered after ${prev.version} but is not above it: versions only grow`,
        args: { latest: prev.version },
      });
      return;
    }
    const decision = bumpOf(comparison, schema, prev.schema);
    if (decision.bump !== 'none' && rank(given) < rank(decision.bump)) {
      this.add({
        rule: 'VERSION_UNDERSTATED',
        subject,
        version: e.version,
        severity,
        file: this.display(yamlRel),
        line,
        message: `version ${e.version} understates the change from ${prev.version}: it needs a ${decision.bump} bump (${decision.reason})${why}`,
        args: { from: prev.version, given, required: decision.bump },
      });
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Full mode: every subject.

  private async full(head: Side): Promise<void> {
    const schemas = head.config!.schemas;
    for (const ns of await head.storage.listDir(schemas)) {
      if (!ns.isDir || ns.name.startsWith('.')) continue;
      for (const n of await head.storage.listDir(`${schemas}/${ns.name}`)) {
        if (!n.isDir || n.name.startsWith('.')) continue;
        const dir = `${schemas}/${ns.name}/${n.name}`;
        const subject = `${ns.name}.${n.name}`;
        this.subjects.add(subject);
        const ref = { namespace: ns.name, name: n.name };
        if (!validName(ref)) {
          this.add({
            rule: 'INVALID_SUBJECT_NAME',
            subject,
            file: this.display(dir),
            message: `'${ns.name}/${n.name}' is not <namespace>/<name> with valid parts`,
          });
          continue;
        }
        const rel = `${dir}/${SUBJECT_FILE}`;
        const m = await this.readMeta(head, rel, subject, true);
        if (m === null) continue;
        if (m === undefined) {
          const files = await head.storage.listDir(dir);
          for (const f of files) {
            if (!f.isDir && versionFromFile(f.name)) {
              this.add({
                rule: 'UNREGISTERED_FILE',
                subject,
                file: this.display(`${dir}/${f.name}`),
                message:
                  this.pendingLeftover(files, dir, f.name, subject) ??
                  `${f.name} is not listed in any ${SUBJECT_FILE} (the folder has none): register it with 'llm-schema register'`,
              });
            }
          }
          continue;
        }
        const text = (await head.storage.readFile(rel)) ?? '';
        this.examined.push({ subject, file: rel, text, aliases: m.meta.aliases ?? [], isNew: true });
        await this.checkVersions(head, ref, m.meta, dir, text, () => true);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Duplicate ids: every id in the registry is scanned cheaply (subject.yaml text, from the working tree
  // where it matches); only ids that collide with a checked version are loaded and compared.

  /**
   * Aliases: unique, and never another subject's name. Only examined subjects are judged; the others' names
   * and aliases are read when an examined subject is new or has aliases (subject.yaml texts without
   * 'aliases' are not parsed).
   */
  private async aliasClashes(head: Side): Promise<void> {
    const judged = this.examined.filter((x) => x.isNew || x.aliases.length);
    if (!judged.length) return;
    const owners = new Map<string, string[]>(); // name or alias -> subjects holding it
    const hold = (key: string, subject: string) => {
      const l = owners.get(key) ?? [];
      if (!l.includes(subject)) l.push(subject);
      owners.set(key, l);
    };
    const schemas = head.config!.schemas;
    for (const ns of await head.storage.listDir(schemas)) {
      if (!ns.isDir || ns.name.startsWith('.')) continue;
      for (const n of await head.storage.listDir(`${schemas}/${ns.name}`)) {
        if (!n.isDir || n.name.startsWith('.')) continue;
        const subject = `${ns.name}.${n.name}`;
        hold(subject, subject);
        const known = this.examined.find((x) => x.subject === subject);
        let aliases = known?.aliases;
        if (!aliases) {
          const text = await readUnlessLinkOut(head.storage, `${schemas}/${ns.name}/${n.name}/${SUBJECT_FILE}`);
          if (text === undefined || !text.includes('aliases')) continue;
          try {
            aliases = parseSubject(text, SUBJECT_FILE).aliases ?? [];
          } catch {
            continue; // malformed: reported when that subject is examined
          }
        }
        for (const a of aliases) hold(a, subject);
      }
    }
    for (const x of judged) {
      const others = (key: string) => (owners.get(key) ?? []).filter((s) => s !== x.subject);
      const taken = others(x.subject);
      if (taken.length) {
        this.add({
          rule: 'ALIAS_CLASH',
          subject: x.subject,
          file: this.display(x.file),
          message: `the subject name ${x.subject} is also an alias of ${taken.join(', ')}: Confluent routes could not tell them apart`,
        });
      }
      for (const a of x.aliases) {
        const t = others(a);
        if (a === x.subject) {
          this.add({
            rule: 'ALIAS_CLASH',
            subject: x.subject,
            file: this.display(x.file),
            line: lineOf(x.text, new RegExp(`^\\s*-\\s*['"]?${a.replace(/[.]/g, '\\.')}`, 'm')),
            message: `the alias ${a} is the subject's own name`,
          });
        } else if (t.length) {
          this.add({
            rule: 'ALIAS_CLASH',
            subject: x.subject,
            file: this.display(x.file),
            line: lineOf(x.text, new RegExp(`^\\s*-\\s*['"]?${a.replace(/[.]/g, '\\.')}`, 'm')),
            message: `the alias ${a} is also ${t.includes(a) ? 'a subject' : `an alias of ${t.join(', ')}`}: an alias names one subject only`,
            args: { alias: a, others: t },
          });
        }
      }
    }
  }

  private async duplicateIds(head: Side): Promise<void> {
    if (!this.newIds.length) return;
    const wanted = new Set(this.newIds.map((x) => x.id));
    const wantedText = [...wanted].map(String);
    const holders = new Map<number, Array<{ ref: SubjectRef; version: string }>>();
    const schemas = head.config!.schemas;
    const fast = this.opts.fast;
    for (const ns of await head.storage.listDir(schemas)) {
      if (!ns.isDir || ns.name.startsWith('.')) continue;
      for (const n of await head.storage.listDir(`${schemas}/${ns.name}`)) {
        if (!n.isDir || n.name.startsWith('.')) continue;
        const dir = `${schemas}/${ns.name}/${n.name}`;
        let text: string | undefined;
        if (fast && fast !== head.storage && fast.treeId && head.storage.treeId) {
          const [a, b] = await Promise.all([fast.treeId(dir), head.storage.treeId(dir)]);
          if (a !== undefined && a === b) text = await readUnlessLinkOut(fast, `${dir}/${SUBJECT_FILE}`);
        }
        if (text === undefined) text = await readUnlessLinkOut(head.storage, `${dir}/${SUBJECT_FILE}`);
        if (text === undefined) continue;
        // Most files hold none of the wanted ids: a substring test skips them without parsing.
        let maybe = false;
        for (const w of wantedText) if (text.includes(w)) maybe = true;
        if (!maybe) continue;
        for (const { id, version } of scanIds(text)) {
          if (!wanted.has(id)) continue;
          const list = holders.get(id) ?? [];
          list.push({ ref: { namespace: ns.name, name: n.name }, version });
          holders.set(id, list);
        }
      }
    }
    const registry = head.registry!;
    const canon = new Map<string, string | undefined>();
    const canonicalOf = async (ref: SubjectRef, version: string): Promise<string | undefined> => {
      const key = `${subjectName(ref)}@${version}`;
      if (!canon.has(key)) {
        try {
          const { schema, handler } = await registry.loadSchema(ref, version);
          canon.set(key, `${schema.format}\0${handler.canonical(schema)}`);
        } catch {
          canon.set(key, undefined);
        }
      }
      return canon.get(key);
    };
    const reported = new Set<string>();
    for (const x of this.newIds) {
      const others = (holders.get(x.id) ?? []).filter((h) => !(subjectName(h.ref) === x.subject && h.version === x.version));
      if (!others.length) continue;
      const mine = await canonicalOf(x.ref, x.version);
      if (mine === undefined) continue;
      for (const o of others) {
        const theirs = await canonicalOf(o.ref, o.version);
        if (theirs === undefined || theirs === mine) continue;
        const key = [`${x.subject}@${x.version}`, `${subjectName(o.ref)}@${o.version}`].sort().join(' ');
        if (reported.has(key)) continue;
        reported.add(key);
        this.add({
          rule: 'DUPLICATE_ID',
          subject: x.subject,
          version: x.version,
          file: this.display(x.file),
          line: x.line,
          message: `id ${x.id} of ${x.subject} ${x.version} is also held by ${subjectName(o.ref)} ${o.version}, a different schema`,
          args: { id: x.id, other: { subject: subjectName(o.ref), version: o.version } },
        });
      }
    }
  }
}

// -----------------------------------------------------------------------------------------------------

function bare(err: Error): string {
  const e = err as InputError;
  const prefix = formatWhere({ file: e.file, line: e.line, column: e.column });
  return prefix && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

function validName(ref: SubjectRef): boolean {
  try {
    checkNamespace(ref.namespace);
    checkName(ref.name);
    return true;
  } catch {
    return false;
  }
}

const VERSION_FILE = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.(json|avsc|proto|prompt)$/;
function versionFromFile(name: string): string | undefined {
  return VERSION_FILE.exec(name)?.[1];
}

function refsKey(e: VersionEntry): string {
  return JSON.stringify((e.references ?? []).map((r) => [r.name, r.subject, r.version]));
}

function uniq<T>(v: T, i: number, a: T[]): boolean {
  return a.indexOf(v) === i;
}

function rank(b: Bump | 'none'): number {
  return b === 'major' ? 3 : b === 'minor' ? 2 : b === 'patch' ? 1 : 0;
}

/** True when `to` drops a promise `from` made: a direction, or transitivity. */
export function looser(from: CompatibilityMode, to: CompatibilityMode): boolean {
  if (from === to || from === 'NONE') return false;
  if (to === 'NONE') return true;
  const a = directions(from);
  const b = directions(to);
  return (a.backward && !b.backward) || (a.forward && !b.forward) || (a.transitive && !b.transitive);
}

/** Policies that check less than another one of the same format. */

/** The acknowledgement of a mode change: a compatibility-change reason that is new in this change. */
function ack(base: Record<string, unknown> | undefined, head: Record<string, unknown> | undefined): string | undefined {
  const h = head?.['compatibility-change'];
  if (h === undefined || h === null || String(h).trim() === '') return undefined;
  const b = base?.['compatibility-change'];
  return b !== undefined && b !== null && String(b) === String(h) ? undefined : String(h);
}

async function sameFile(a: Storage, pa: string, b: Storage, pb: string): Promise<'same' | 'changed' | 'missing'> {
  if (a.fileId && b.fileId) {
    const [x, y] = await Promise.all([a.fileId(pa), b.fileId(pb)]);
    if (y === undefined) return 'missing';
    if (x === y) return 'same';
  }
  const [ta, tb] = await Promise.all([a.readFile(pa), b.readFile(pb)]);
  if (tb === undefined) return 'missing';
  return ta === tb ? 'same' : 'changed';
}

/** 1-based line of the first match, or undefined. */
export function lineOf(text: string | undefined, re: RegExp): number | undefined {
  if (!text) return undefined;
  const m = re.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line of a version's entry in subject.yaml. */
export function lineOfVersion(text: string | undefined, version: string): number | undefined {
  const v = version.replace(/[.+-]/g, (c) => `\\${c}`);
  return lineOf(text, new RegExp(`^[ \\t-]*version\\s*:\\s*['"]?${v}['"]?\\s*(#.*)?$`, 'm'));
}

/** (id, version) pairs from subject.yaml text, without a YAML parse (ids are integers, versions semver). */
export function scanIds(text: string): Array<{ id: number; version: string }> {
  const out: Array<{ id: number; version: string }> = [];
  const at = text.search(/^versions\s*:/m);
  if (at === -1) return out;
  let version: string | undefined;
  let id: number | undefined;
  const flush = () => {
    if (version !== undefined && id !== undefined) out.push({ id, version });
    version = undefined;
    id = undefined;
  };
  for (const raw of text.slice(at).split('\n').slice(1)) {
    if (/^\S/.test(raw)) break; // the next top-level key
    const item = /^\s*-\s+(.*)$/.exec(raw);
    const body = item ? item[1] : raw.trim();
    if (item) flush();
    const mv = /^version\s*:\s*['"]?([0-9A-Za-z.+-]+)['"]?/.exec(body);
    if (mv) version = mv[1];
    const mi = /^id\s*:\s*(\d+)/.exec(body);
    if (mi) id = Number(mi[1]);
  }
  flush();
  return out;
}

/** A file's text, or undefined when it is missing or a link out of the registry (readMeta reports that). */
async function readUnlessLinkOut(storage: RegistryStorage, rel: string): Promise<string | undefined> {
  try {
    return await storage.readFile(rel);
  } catch (err) {
    if (err instanceof LinkEscapeError) return undefined;
    throw err;
  }
}

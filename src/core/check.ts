/**
 * The check use-case: is the registry consistent, and does a change to it (working tree, index or a commit
 * against a base commit) keep the promises of a registry: registered versions never change, new versions
 * respect their subject's mode and state their change in their number, ids and references hold.
 * This file is the walker: it opens both sides, finds the subjects and versions to look at, and calls the rule
 * families of check/rules/*.ts, each of which declares its rules (id, purpose, severity) beside the handler that
 * emits them. Findings are data; reporters (src/report) turn them into words. Never prints, never exits.
 */
import { getHandler, EXTENSIONS } from '../formats/index.js';
import type { RegistryStorage } from '../storage/types.js';
import type { VersionedSchema } from './compat.js';
import { indexRules } from '../model/rule-spec.js';
import { resolvePolicy } from './comparison.js';
import { CONFIG_FILE, parseConfig } from './config.js';
import { InputError, LlmSchemaError } from '../model/errors.js';
import { subjectName, type SubjectRef } from './names.js';
import { Registry } from './registry.js';
import { SUBJECT_FILE } from './subject.js';
import type { ParsedSchema, SubjectMeta, VersionEntry } from '../model/types.js';
import { parseYaml } from '../model/yaml.js';
import { LinkEscapeError } from '../storage/fsutil.js';
import { loosenedFrom, policyInForce } from './policy.js';
import {
  lineOfVersion,
  versionFromFile,
  type CheckOptions,
  type CheckResult,
  type CheckRun,
  type CheckSeverity,
  type Finding,
  type RuleInfo,
  type Side,
} from './check/types.js';
import { ALL_CHECK_RULES } from './check/rules/index.js';
import { aliasClashes, type Examined } from './check/rules/aliases.js';
import { compatibility } from './check/rules/compatibility.js';
import { defaultLoosened, looser, loosened, malformedConfig } from './check/rules/config.js';
import { linkOut, unregisteredFile, versionFileMissing } from './check/rules/files.js';
import { duplicateIds, idMatches, type NewId } from './check/rules/ids.js';
import { brokenReference } from './check/rules/references.js';
import { formatChanged, invalidName, malformedMetadata, readMeta, subjectDeleted } from './check/rules/subjects.js';
import { malformedSchema, registeredVersions, templateChecks } from './check/rules/versions.js';

export type { CheckOptions, CheckResult, CheckSeverity, Finding, RuleInfo } from './check/types.js';
export { lineOf, lineOfVersion } from './check/types.js';
export { looser } from './check/rules/config.js';
export { scanIds } from './check/rules/ids.js';

/** Every check rule, once: its stable id, default severity and purpose, as declared by its family. IDs never change. */
export const CHECK_RULE_SPECS: readonly RuleInfo[] = ALL_CHECK_RULES.map((r) => ({ id: r.id, format: 'check', severity: r.severity, purpose: r.purpose }));

/** The check rules by id (what the reporters look purposes up in). */
export const CHECK_RULES: Readonly<Record<string, RuleInfo>> = Object.fromEntries(indexRules(CHECK_RULE_SPECS)) as Record<string, RuleInfo>;

const SEVERITY_RANK: Record<CheckSeverity, number> = { error: 0, warning: 1, notice: 2 };

/** Run the check. Malformed input becomes findings; only I/O failures throw. */
export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const c = new Checker(opts);
  return c.run();
}

class Checker implements CheckRun {
  private readonly findings: Finding[] = [];
  private readonly subjects = new Set<string>();
  private readonly examined: Examined[] = [];
  readonly display: (rel: string) => string;
  /** New ids seen in this run: id -> where (for duplicate detection). */
  private readonly newIds: NewId[] = [];

  constructor(readonly opts: CheckOptions) {
    this.display = opts.filePath ?? ((rel) => rel);
  }

  add(f: Omit<Finding, 'severity'> & { severity?: CheckSeverity }): void {
    const severity = f.severity ?? CHECK_RULES[f.rule]?.severity ?? 'error';
    this.findings.push({ ...f, severity });
  }

  async run(): Promise<CheckResult> {
    const head = await this.openSide(this.opts.head, true);
    const base = this.opts.base ? await this.openSide(this.opts.base, false) : undefined;
    if (head.registry) {
      if (base) await this.diff(base, head);
      else await this.full(head);
      await duplicateIds(this, head, this.newIds);
      await aliasClashes(this, head, this.examined);
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
      if (report) malformedConfig(this, err);
      return { storage };
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Diff mode: only subjects whose folders changed.

  private async diff(base: Side, head: Side): Promise<void> {
    await defaultLoosened(this, base, head);
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
    if (invalidName(this, ref, headDir)) return;
    const baseMeta = base.config ? await readMeta(this, base, `${base.config.schemas}/${dir}/${SUBJECT_FILE}`, subject, false) : undefined;
    const headMeta = await readMeta(this, head, yamlRel, subject, true);
    if (headMeta === null) return; // malformed or a link out of the registry: reported
    const headText = await head.storage.readFile(yamlRel);

    if (baseMeta && baseMeta.meta.versions.length && !headMeta) {
      subjectDeleted(this, subject, yamlRel, baseMeta.meta);
      return;
    }
    if (!headMeta) {
      // Files without metadata: nothing is registered here.
      const files = await head.storage.listDir(headDir);
      for (const f of files) {
        if (!f.isDir && versionFromFile(f.name)) {
          await unregisteredFile(
            this,
            head,
            files,
            headDir,
            f.name,
            subject,
            `${f.name} is not listed in ${SUBJECT_FILE} (there is no ${SUBJECT_FILE}): register it with 'llm-schema register'`,
          );
        }
      }
      return;
    }
    const meta = headMeta.meta;
    const bmeta = baseMeta?.meta;
    this.examined.push({ subject, file: yamlRel, text: headText ?? '', aliases: meta.aliases ?? [], isNew: !bmeta });
    if (formatChanged(this, subject, yamlRel, headText, bmeta, meta)) return;

    // Registered versions: unchanged and present.
    const baseVersions = await registeredVersions(this, base, head, dir, headText, bmeta, meta);

    // A looser mode or policy for this subject (lenient over semantic, wire over strict) is approved the same way.
    const where = { subject, yamlRel, headText, baseRaw: baseMeta?.raw, headRaw: headMeta.raw };
    const baseMode = bmeta ? (bmeta.compatibility ?? base.config!.compatibility) : undefined;
    const headMode = meta.compatibility ?? head.config!.compatibility;
    if (baseMode && bmeta?.compatibility !== meta.compatibility && looser(baseMode, headMode)) loosened(this, where, 'compatibility', baseMode, headMode);
    const policyHandler = await getHandler(meta.format);
    const headPolicy = policyInForce(policyHandler, meta.policy, head.config!.policy);
    const from = bmeta ? loosenedFrom(policyInForce(policyHandler, bmeta.policy, base.config!.policy), headPolicy) : undefined;
    if (from) loosened(this, where, 'policy', from, headPolicy!);

    await this.checkVersions(head, ref, meta, headDir, headText ?? '', (e) => !baseVersions.has(e.version));
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
      await unregisteredFile(
        this,
        side,
        files,
        dir,
        f.name,
        subject,
        `${f.name} is not listed in ${SUBJECT_FILE}: register it with 'llm-schema register' (which records its id and checks it), or remove it`,
      );
    }
    const { mode } = registry.resolveMode(meta);
    const handler = await getHandler(meta.format);
    let policy: string | undefined;
    try {
      policy = await resolvePolicy(handler, { given: this.opts.policy, registry, subject: ref, meta });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      malformedMetadata(this, subject, err.file ?? this.display(yamlRel), err);
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
        linkOut(this, subject, rel, e.version);
        continue;
      }
      if (text === undefined) {
        versionFileMissing(this, subject, e.version, ext, yamlRel, yamlText);
        continue;
      }
      // References.
      let references;
      try {
        references = await registry.resolveReferences(e.references ?? [], new Set([`${subject}@${e.version}`]));
      } catch (err) {
        if (!(err instanceof LlmSchemaError)) throw err;
        if (checkThis) brokenReference(this, subject, e.version, dir, yamlText, err);
        continue;
      }
      let schema: ParsedSchema;
      try {
        schema = await handler.parse(text, { file: rel, references });
        if (checkThis) handler.compile(schema);
      } catch (err) {
        if (!(err instanceof LlmSchemaError)) throw err;
        malformedSchema(this, subject, e.version, rel, err as InputError);
        continue;
      }
      if (checkThis) {
        templateChecks(this, handler, schema, subject, e.version, rel);
        idMatches(this, e, meta.format, handler.canonical(schema), { subject, yamlRel, line });
        this.newIds.push({ id: e.id, subject, version: e.version, ref, file: yamlRel, line });
        if (history.length) await compatibility(this, handler, subject, e, schema, history, mode, policy, yamlRel, rel, line);
      }
      history.push({ version: e.version, schema });
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
        if (invalidName(this, ref, dir)) continue;
        const rel = `${dir}/${SUBJECT_FILE}`;
        const m = await readMeta(this, head, rel, subject, true);
        if (m === null) continue;
        if (m === undefined) {
          const files = await head.storage.listDir(dir);
          for (const f of files) {
            if (!f.isDir && versionFromFile(f.name)) {
              await unregisteredFile(
                this,
                undefined,
                files,
                dir,
                f.name,
                subject,
                `${f.name} is not listed in any ${SUBJECT_FILE} (the folder has none): register it with 'llm-schema register'`,
              );
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
}

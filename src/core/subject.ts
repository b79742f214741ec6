import { checkMode } from './config.js';
import { InputError, UsageError } from '../model/errors.js';
import { checkVersion } from './version.js';
import { SUBJECT_KINDS, type FormatName, type SchemaReference, type SubjectKind, type SubjectMeta, type VersionEntry } from '../model/types.js';
import { parseYaml, toYaml } from '../model/yaml.js';

export const SUBJECT_FILE = 'subject.yaml';

const FORMATS: FormatName[] = ['json', 'avro', 'protobuf', 'prompt'];
/** LLM targets a subject may name (the reply targets of src/providers/form.ts). */
const TARGETS = ['openai', 'anthropic', 'anthropic-strict', 'gemini'];

export function checkKind(kind: string, file?: string): SubjectKind {
  if ((SUBJECT_KINDS as readonly string[]).includes(kind)) return kind as SubjectKind;
  const msg = `unknown kind '${kind}': expected one of ${SUBJECT_KINDS.join(', ')}`;
  throw new InputError(msg, { file });
}

const ALIAS = /^[A-Za-z0-9._:/-]+$/;

/**
 * An alias is any Confluent subject name (letters, digits, '.', '-', '_', ':', '/'), so Kafka's naming strategies
 * (`orders-value`, `com.acme.Order`, `orders-com.acme.Order`) find a subject. Confluent's context prefix
 * (`:.ctx:name`) is refused: this registry has one context, the default one.
 */
export function checkAlias(alias: string): string {
  if (typeof alias !== 'string' || alias === '') throw new UsageError('an alias must not be empty');
  if (alias.length > 255) throw new UsageError(`invalid alias '${alias.slice(0, 40)}…': at most 255 characters`);
  if (alias.startsWith(':.')) {
    throw new UsageError(`invalid alias '${alias}': Confluent context prefixes (':.context:') are not supported; this registry has only the default context`);
  }
  if (!ALIAS.test(alias)) throw new UsageError(`invalid alias '${alias}': letters, digits, '.', '-', '_', ':' and '/' only`);
  // '/' lets an imported file's path name its subject (Confluent's default reference name: common/money.proto).
  if (alias.split('/').some((seg) => seg === '' || seg === '.' || seg === '..'))
    throw new UsageError(`invalid alias '${alias}': empty, '.' or '..' path segments`);
  if (alias === '.' || alias === '..') throw new UsageError(`invalid alias '${alias}'`);
  return alias;
}

/** Parse and check subject.yaml. Every problem names the file. */
export function parseSubject(text: string, file: string): SubjectMeta {
  const raw = parseYaml(text, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('subject metadata must be a YAML mapping', { file });
  const o = raw as Record<string, unknown>;
  const bad = (msg: string) => new InputError(msg, { file });
  if (!FORMATS.includes(o.format as FormatName)) throw bad(`'format' must be one of ${FORMATS.join(', ')}`);
  const meta: SubjectMeta = { format: o.format as FormatName, versions: [] };
  if (o.compatibility !== undefined && o.compatibility !== null) meta.compatibility = checkMode(String(o.compatibility), file);
  if (o['compatibility-change'] !== undefined && o['compatibility-change'] !== null) meta.compatibilityChange = String(o['compatibility-change']);
  if (o.policy !== undefined && o.policy !== null) meta.policy = String(o.policy);
  if (o.description !== undefined && o.description !== null && o.description !== '') meta.description = String(o.description);
  for (const key of ['owners', 'tags'] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(`'${key}' must be a list of strings`);
    if (v.length) meta[key] = v as string[];
  }
  if (o.kind !== undefined && o.kind !== null) meta.kind = checkKind(String(o.kind), file);
  if (o.aliases !== undefined && o.aliases !== null) {
    const v = o.aliases;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad("'aliases' must be a list of strings");
    const seenAlias = new Set<string>();
    for (const a of v as string[]) {
      try {
        checkAlias(a);
      } catch (err) {
        throw bad((err as Error).message);
      }
      if (seenAlias.has(a)) throw bad(`alias '${a}' is listed twice`);
      seenAlias.add(a);
    }
    if (v.length) meta.aliases = v as string[];
  }
  if (o.targets !== undefined && o.targets !== null) {
    const t = typeof o.targets === 'string' ? [o.targets] : o.targets;
    if (!Array.isArray(t) || t.some((x) => typeof x !== 'string' || !TARGETS.includes(x))) throw bad(`'targets' must be a list of ${TARGETS.join(', ')}`);
    if (t.length) meta.targets = t as string[];
  }
  const versions = o.versions ?? [];
  if (!Array.isArray(versions)) throw bad("'versions' must be a list");
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (typeof v !== 'object' || v === null) throw bad(`versions[${i}] must be a mapping`);
    const e = v as Record<string, unknown>;
    let version: string;
    try {
      version = checkVersion(String(e.version));
    } catch {
      throw bad(`versions[${i}].version ${JSON.stringify(e.version)} is not MAJOR.MINOR.PATCH`);
    }
    if (seen.has(version)) throw bad(`version ${version} is listed twice`);
    seen.add(version);
    const id = e.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0 || id > 0x7fffffff) throw bad(`versions[${i}].id must be a positive int32`);
    const state = e.state ?? 'active';
    if (state !== 'active' && state !== 'deprecated') throw bad(`versions[${i}].state must be active or deprecated`);
    const entry: VersionEntry = { version, id, state };
    if (e.reason !== undefined && e.reason !== null) entry.reason = String(e.reason);
    if (e.registered !== undefined && e.registered !== null)
      entry.registered = e.registered instanceof Date ? e.registered.toISOString() : String(e.registered);
    if (e['allow-breaking'] !== undefined && e['allow-breaking'] !== null) entry.allowBreaking = String(e['allow-breaking']);
    if (e.imported !== undefined && e.imported !== null) {
      const im = e.imported as Record<string, unknown>;
      const n = im?.number;
      if (
        typeof im !== 'object' ||
        typeof im.from !== 'string' ||
        typeof im.subject !== 'string' ||
        typeof n !== 'number' ||
        !Number.isInteger(n) ||
        n <= 0 ||
        n > 0x7fffffff
      )
        throw bad(`versions[${i}].imported needs from, subject and a positive version number`);
      entry.imported = { from: im.from, subject: im.subject, number: n };
    }
    if (e.references !== undefined && e.references !== null) {
      if (!Array.isArray(e.references)) throw bad(`versions[${i}].references must be a list`);
      entry.references = e.references.map((r, j) => {
        const ro = r as Record<string, unknown>;
        if (!ro || typeof ro.name !== 'string' || typeof ro.subject !== 'string' || ro.version === undefined) {
          throw bad(`versions[${i}].references[${j}] needs name, subject and version`);
        }
        return { name: ro.name, subject: ro.subject, version: String(ro.version) } satisfies SchemaReference;
      });
    }
    meta.versions.push(entry);
  });
  return meta;
}

export function serializeSubject(meta: SubjectMeta): string {
  const out: Record<string, unknown> = { format: meta.format };
  if (meta.compatibility) out.compatibility = meta.compatibility;
  if (meta.compatibilityChange) out['compatibility-change'] = meta.compatibilityChange;
  if (meta.policy) out.policy = meta.policy;
  // Always written, empty or not, so every subject.yaml shows what can be filled in.
  out.description = meta.description ?? '';
  out.owners = meta.owners ?? [];
  out.tags = meta.tags ?? [];
  if (meta.kind) out.kind = meta.kind;
  if (meta.aliases?.length) out.aliases = meta.aliases;
  if (meta.targets?.length) out.targets = meta.targets;
  out.versions = meta.versions.map((v) => {
    const e: Record<string, unknown> = { version: v.version, id: v.id, state: v.state };
    if (v.reason) e.reason = v.reason;
    if (v.registered) e.registered = v.registered;
    if (v.references?.length) e.references = v.references;
    if (v.allowBreaking) e['allow-breaking'] = v.allowBreaking;
    if (v.imported) e.imported = { from: v.imported.from, subject: v.imported.subject, number: v.imported.number };
    return e;
  });
  return toYaml(out);
}

/** A version file's name: `<MAJOR>.<MINOR>.<PATCH>[-pre].<ext>`; gives the version. */
export const VERSION_FILE_NAME = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.(json|avsc|proto|prompt)$/;

/**
 * `register` marks the version file it is about to add with `.pending-<file>` beside it, and removes the mark
 * once subject.yaml lists the version. A version file with its mark and not listed is not registered (a
 * register in progress, or one that was interrupted): readers leave it out, the next write to the subject
 * removes it, `check` names it.
 */
export const PENDING_PREFIX = '.pending-';

/** Version files marked pending (see PENDING_PREFIX) among a folder's names. */
export function pendingFiles(fileNames: string[]): Set<string> {
  return new Set(fileNames.filter((n) => n.startsWith(PENDING_PREFIX)).map((n) => n.slice(PENDING_PREFIX.length)));
}

/**
 * subject.yaml and the version files beside it must agree: every listed version has its file and every
 * version file is listed (but those a register has not finished: PENDING_PREFIX). Anything else (a
 * subject.yaml cut short, emptied or edited by hand) is an input error naming the file and line, so that
 * no command reads a subject wrongly or writes over a version file it does not know about.
 */
export function verifySubjectFiles(meta: SubjectMeta, fileNames: string[], ext: string, file: string, text: string): void {
  const listed = new Set(meta.versions.map((v) => `${v.version}${ext}`));
  const present = new Set(fileNames);
  const pending = pendingFiles(fileNames);
  const versionsLine = lineMatching(text, /^versions\s*:/m);
  const unlisted = fileNames.filter((n) => VERSION_FILE_NAME.test(n) && !listed.has(n) && !pending.has(n)).sort();
  if (unlisted.length && !meta.versions.length) {
    throw new InputError(
      `lists no versions while version files exist (${unlisted.join(', ')}): it is cut short or emptied; restore it from git ('git checkout -- ${file}') before anything else`,
      { file, line: versionsLine ?? Math.max(1, text.split('\n').length - (text.endsWith('\n') ? 1 : 0)) },
    );
  }
  if (unlisted.length) {
    throw new InputError(
      `does not list ${unlisted.join(', ')}, which exist beside it: it was cut short or reverted, so restore it from git ('git checkout -- ${file}'); remove such a file only if git shows it was never registered`,
      { file, line: versionsLine ?? 1 },
    );
  }
  for (const v of meta.versions) {
    if (!present.has(`${v.version}${ext}`)) {
      throw new InputError(`lists version ${v.version} but ${v.version}${ext} is missing beside it: restore it from git ('git checkout -- <file>')`, {
        file,
        line: lineMatching(text, new RegExp(`version\\s*:\\s*['"]?${v.version.replace(/\./g, '\\.')}['"]?\\s*$`, 'm')) ?? versionsLine ?? 1,
      });
    }
  }
}

function lineMatching(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : undefined;
}

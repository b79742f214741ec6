/**
 * Check rules about versions: a registered version never changes and is never deleted, a new version parses
 * (a prompt's template fits its input schema), and its number is above the latest and states its change.
 */
import { EXTENSIONS } from '../../../formats/index.js';
import type { InputError } from '../../../model/errors.js';
import type { FormatHandler, ParsedSchema, SubjectMeta, VersionEntry } from '../../../model/types.js';
import type { VersionedSchema } from '../../compat.js';
import { bumpOf, type Comparison } from '../../comparison.js';
import { SUBJECT_FILE } from '../../subject.js';
import { bumpBetween, compareVersions, type Bump } from '../../version.js';
import { bare, lineOfVersion, type CheckRule, type CheckRun, type CheckSeverity, type Finding, type Side, type Storage } from '../types.js';

export const VERSION_RULES: readonly CheckRule[] = [
  { id: 'MALFORMED_SCHEMA', severity: 'error', purpose: 'every version file must be a valid schema of its format', handler: malformedSchema },
  {
    id: 'TEMPLATE_CHECK_FAILED',
    severity: 'error',
    purpose: "a new prompt version's template uses only variables its input schema declares, with types that fit",
    handler: templateChecks,
  },
  { id: 'VERSION_CHANGED', severity: 'error', purpose: 'a registered version (its file, id or references) never changes', handler: registeredVersions },
  { id: 'VERSION_DELETED', severity: 'error', purpose: 'a registered version is never deleted', handler: registeredVersions },
  {
    id: 'VERSION_NOT_ABOVE_LATEST',
    severity: 'error',
    purpose: 'a version registered later has a greater number: versions only grow',
    handler: versionNumber,
  },
  {
    id: 'VERSION_UNDERSTATED',
    severity: 'error',
    purpose: 'a version number states its change (major for breaking, minor for validation, patch for annotations)',
    handler: versionNumber,
  },
];

/**
 * The base's registered versions of a subject, each still listed with the same id and references, and its file
 * unchanged. Returns the base's versions (the rest of the head's are new).
 */
export async function registeredVersions(
  run: CheckRun,
  base: Side,
  head: Side,
  dir: string,
  headText: string | undefined,
  bmeta: SubjectMeta | undefined,
  meta: SubjectMeta,
): Promise<Set<string>> {
  const subject = dir.replace('/', '.');
  const headDir = `${head.config!.schemas}/${dir}`;
  const yamlRel = `${headDir}/${SUBJECT_FILE}`;
  const baseVersions = new Set<string>();
  for (const be of bmeta?.versions ?? []) {
    baseVersions.add(be.version);
    const he = meta.versions.find((e) => e.version === be.version);
    const baseFile = `${base.config!.schemas}/${dir}/${be.version}${EXTENSIONS[bmeta!.format]}`;
    const headFile = `${headDir}/${be.version}${EXTENSIONS[meta.format]}`;
    if (!he) {
      run.add({
        rule: 'VERSION_DELETED',
        subject,
        version: be.version,
        file: run.display(yamlRel),
        message: `registered version ${be.version} of ${subject} was removed from ${SUBJECT_FILE}; registered versions are never deleted (deprecate it instead)`,
      });
      continue;
    }
    // A registered version's entry in subject.yaml edited: its id or its references.
    const entryChanged = (message: string, args?: Finding['args']) =>
      run.add({
        rule: 'VERSION_CHANGED',
        subject,
        version: be.version,
        file: run.display(yamlRel),
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
      run.add({
        rule: 'VERSION_DELETED',
        subject,
        version: be.version,
        file: run.display(headFile),
        message: `the file of registered version ${be.version} of ${subject} was deleted; registered versions are never deleted`,
      });
    } else if (same === 'changed') {
      run.add({
        rule: 'VERSION_CHANGED',
        subject,
        version: be.version,
        file: run.display(headFile),
        line: 1,
        message: `registered version ${be.version} of ${subject} was edited; registered versions never change: revert the edit and register the change as a new version`,
      });
    }
  }
  return baseVersions;
}

/** A version file that does not parse (or compile) as a schema of its format. */
export function malformedSchema(run: CheckRun, subject: string, version: string, rel: string, err: InputError): void {
  run.add({ rule: 'MALFORMED_SCHEMA', subject, version, file: run.display(rel), line: err.line, column: err.column, message: bare(err) });
}

/** A new version's format-specific checks (a prompt's template against its input schema). */
export function templateChecks(run: CheckRun, handler: FormatHandler, schema: ParsedSchema, subject: string, version: string, rel: string): void {
  for (const d of handler.lint?.(schema) ?? []) {
    run.add({
      rule: 'TEMPLATE_CHECK_FAILED',
      severity: d.severity === 'error' ? undefined : 'warning',
      subject,
      version,
      file: run.display(rel),
      line: d.line,
      column: d.column,
      message: `version ${version}: ${d.message} (${d.rule})`,
      args: { check: d.rule, path: d.path },
    });
  }
}

/** The number must state the change, relative to the greatest earlier version. */
export function versionNumber(
  run: CheckRun,
  c: { subject: string; e: VersionEntry; schema: ParsedSchema; history: VersionedSchema[]; comparison: Comparison; yamlRel: string; line: number | undefined },
  severity: CheckSeverity | undefined,
  why: string,
): void {
  const { subject, e, schema, history, comparison, yamlRel, line } = c;
  const prev = [...history].sort((a, b) => compareVersions(a.version, b.version)).at(-1)!;
  const given = bumpBetween(prev.version, e.version);
  if (given === null) {
    run.add({
      rule: 'VERSION_NOT_ABOVE_LATEST',
      subject,
      version: e.version,
      severity,
      file: run.display(yamlRel),
      line,
      message: `version ${e.version} is registered after ${prev.version} but is not above it: versions only grow`,
      args: { latest: prev.version },
    });
    return;
  }
  const decision = bumpOf(comparison, schema, prev.schema);
  if (decision.bump !== 'none' && rank(given) < rank(decision.bump)) {
    run.add({
      rule: 'VERSION_UNDERSTATED',
      subject,
      version: e.version,
      severity,
      file: run.display(yamlRel),
      line,
      message: `version ${e.version} understates the change from ${prev.version}: it needs a ${decision.bump} bump (${decision.reason})${why}`,
      args: { from: prev.version, given, required: decision.bump },
    });
  }
}

function refsKey(e: VersionEntry): string {
  return JSON.stringify((e.references ?? []).map((r) => [r.name, r.subject, r.version]));
}

function rank(b: Bump | 'none'): number {
  return b === 'major' ? 3 : b === 'minor' ? 2 : b === 'patch' ? 1 : 0;
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

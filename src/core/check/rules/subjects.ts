/**
 * Check rules about subjects: folder names, subject.yaml, and what never happens to a subject with
 * registered versions (deleted, its format changed).
 */
import { InputError } from '../../../model/errors.js';
import type { SubjectMeta } from '../../../model/types.js';
import { parseYaml } from '../../../model/yaml.js';
import { LinkEscapeError } from '../../../storage/fsutil.js';
import { checkName, checkNamespace, type SubjectRef } from '../../names.js';
import { parseSubject } from '../../subject.js';
import { bare, lineOf, type CheckRule, type CheckRun, type Side } from '../types.js';
import { linkOut } from './files.js';

export const SUBJECT_RULES: readonly CheckRule[] = [
  { id: 'MALFORMED_METADATA', severity: 'error', purpose: 'subject.yaml must parse and hold valid metadata', handler: malformedMetadata },
  { id: 'INVALID_SUBJECT_NAME', severity: 'error', purpose: 'subject folders must be valid namespaces and names', handler: invalidName },
  { id: 'SUBJECT_DELETED', severity: 'error', purpose: 'a subject with registered versions is never deleted', handler: subjectDeleted },
  { id: 'SUBJECT_FORMAT_CHANGED', severity: 'error', purpose: "a subject's format never changes once it has versions", handler: formatChanged },
];

/** A subject folder that is not <namespace>/<name> with valid parts (reported; true), else false. */
export function invalidName(run: CheckRun, ref: SubjectRef, dir: string): boolean {
  try {
    checkNamespace(ref.namespace);
    checkName(ref.name);
    return false;
  } catch {
    run.add({
      rule: 'INVALID_SUBJECT_NAME',
      subject: `${ref.namespace}.${ref.name}`,
      file: run.display(dir),
      message: `'${ref.namespace}/${ref.name}' is not <namespace>/<name> with valid parts`,
    });
    return true;
  }
}

/** subject.yaml (or a setting it names, e.g. a policy) is not valid metadata. */
export function malformedMetadata(run: CheckRun, subject: string, file: string, err: InputError): void {
  run.add({ rule: 'MALFORMED_METADATA', subject, file, line: err.line, column: err.column, message: bare(err) });
}

/** Parse subject.yaml; null when malformed or a link out of the registry (reported when `report`), undefined when absent. */
export async function readMeta(
  run: CheckRun,
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
    if (report) linkOut(run, subject, rel);
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
    if (report) malformedMetadata(run, subject, run.display(rel), err);
    return null;
  }
}

export function subjectDeleted(run: CheckRun, subject: string, yamlRel: string, base: SubjectMeta): void {
  run.add({
    rule: 'SUBJECT_DELETED',
    subject,
    file: run.display(yamlRel),
    message: `subject ${subject} was deleted, with its registered versions ${base.versions.map((v) => v.version).join(', ')}; registered versions are never removed (deprecate them instead)`,
  });
}

/** The subject's format changed (reported; true), else false. */
export function formatChanged(
  run: CheckRun,
  subject: string,
  yamlRel: string,
  headText: string | undefined,
  base: SubjectMeta | undefined,
  head: SubjectMeta,
): boolean {
  if (!base?.versions.length || base.format === head.format) return false;
  run.add({
    rule: 'SUBJECT_FORMAT_CHANGED',
    subject,
    file: run.display(yamlRel),
    line: lineOf(headText, /^format\s*:/m),
    message: `the format of ${subject} changed from ${base.format} to ${head.format}; a subject's format never changes: create a new subject`,
  });
  return true;
}

/** Check rules about references between subjects: they name registered subjects and versions. */
import { SUBJECT_FILE } from '../../subject.js';
import { bare, lineOfVersion, type CheckRule, type CheckRun } from '../types.js';

export const REFERENCE_RULES: readonly CheckRule[] = [
  { id: 'BROKEN_REFERENCE', severity: 'error', purpose: 'references name registered subjects and versions', handler: brokenReference },
];

/** A new version's references do not resolve. */
export function brokenReference(run: CheckRun, subject: string, version: string, dir: string, yamlText: string, err: Error): void {
  run.add({
    rule: 'BROKEN_REFERENCE',
    subject,
    version,
    file: run.display(`${dir}/${SUBJECT_FILE}`),
    line: lineOfVersion(yamlText, version),
    message: `version ${version}: ${bare(err)}`,
  });
}

/**
 * Check rules about compatibility: a new version is compatible with the earlier ones under its subject's mode
 * and policy, unless the break is approved with allow-breaking in subject.yaml.
 */
import { openContentModelHint } from '../../hints.js';
import type { VersionedSchema } from '../../compat.js';
import { settleComparison, verdictOf } from '../../comparison.js';
import { SUBJECT_FILE } from '../../subject.js';
import type { CompatibilityMode, FormatHandler, ParsedSchema, VersionEntry } from '../../../model/types.js';
import type { CheckRule, CheckRun, CheckSeverity } from '../types.js';
import { versionNumber } from './versions.js';

export const COMPATIBILITY_RULES: readonly CheckRule[] = [
  { id: 'INCOMPATIBLE_CHANGE', severity: 'error', purpose: "a new version is compatible under its subject's mode", handler: compatibility },
  {
    id: 'BREAKING_CHANGE_APPROVED',
    severity: 'notice',
    purpose: 'an intentional break approved with allow-breaking in subject.yaml',
    handler: compatibility,
  },
];

/** A new version against the earlier ones in registration order, then its number (versions.ts) against the change. */
export async function compatibility(
  run: CheckRun,
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
  const historical = !run.opts.base;
  const severity: CheckSeverity | undefined = historical ? 'warning' : undefined;
  const why = historical ? ` (judged under today's mode ${mode}; it may have been registered under another)` : '';
  if (!report.compatible) {
    if (e.allowBreaking) {
      run.add({
        rule: 'BREAKING_CHANGE_APPROVED',
        subject,
        version: e.version,
        file: run.display(yamlRel),
        line,
        message: `version ${e.version} breaks ${mode} (${breaking
          .map((c) => c.rule)
          .filter(uniq)
          .join(', ')}): approved in ${SUBJECT_FILE} (${e.allowBreaking})`,
        args: { mode, reason: e.allowBreaking, changes: breaking.map((c) => ({ rule: c.rule, path: c.path, against: c.against })) },
      });
    } else {
      for (const c of breaking) {
        run.add({
          rule: 'INCOMPATIBLE_CHANGE',
          subject,
          version: e.version,
          severity,
          file: run.display(c.line !== undefined ? rel : yamlRel),
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
  versionNumber(run, { subject, e, schema, history, comparison, yamlRel, line }, severity, why);
}

function uniq<T>(v: T, i: number, a: T[]): boolean {
  return a.indexOf(v) === i;
}

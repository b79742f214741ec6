/**
 * The rules of `validate` as the shared reporters name them: one per way a record fails (its outcome), each
 * a stable literal id. A failing record is one finding of its outcome's rule, at its file and line; an
 * invalid record's schema errors (path, message, ajv keyword) are the finding's facts. Ids never change.
 */
import type { Finding } from '../model/finding.js';
import { indexRules, type RuleSpec } from '../model/rule-spec.js';
import type { RecordOutcome, RecordResult } from './validate-record.js';

const V = (id: string, purpose: string): RuleSpec => ({ id, format: 'validate', severity: 'error', purpose });

export const VALIDATE_RULE_SPECS: readonly RuleSpec[] = [
  V('DATA_INVALID', 'every record must be valid against the schema'),
  V('DATA_UNREADABLE', 'every data file and line must be readable as JSON, JSON Lines or YAML'),
  V('DATA_NO_JSON', 'every text reply must hold a JSON value (with --extract)'),
  V('DATA_UNPARSEABLE', "the JSON in a text reply must parse (with --extract, after --repair's fixes)"),
  V('DATA_TIMEOUT', 'validating a record must finish within the pattern time limit'),
  V('DATA_REFUSED', 'a provider reply must not be a refusal (with --envelope)'),
  V('DATA_TRUNCATED', 'a provider reply must not be cut off (stop reason length / max_tokens; with --envelope)'),
];

export const VALIDATE_RULES: ReadonlyMap<string, RuleSpec> = indexRules(VALIDATE_RULE_SPECS);

/** The rule of each failing outcome. */
export const RULE_OF_OUTCOME: Readonly<Record<Exclude<RecordOutcome, 'valid'>, string>> = {
  invalid: 'DATA_INVALID',
  unreadable: 'DATA_UNREADABLE',
  'no-json': 'DATA_NO_JSON',
  unparseable: 'DATA_UNPARSEABLE',
  timeout: 'DATA_TIMEOUT',
  refused: 'DATA_REFUSED',
  truncated: 'DATA_TRUNCATED',
};

/** A failing record in the one finding shape: its outcome's rule, its file and line, its errors as facts. */
export function recordFinding(r: RecordResult, maxErrors = 10): Finding | undefined {
  if (r.outcome === 'valid') return undefined;
  const errors = r.errors.slice(0, maxErrors).map((e) => `${e.path || '(root)'} ${e.message}`);
  if (r.errors.length > maxErrors) errors.push(`and ${r.errors.length - maxErrors} more errors`);
  const message = r.reason ?? (errors.join('; ') || r.outcome);
  const data: Record<string, unknown> = { outcome: r.outcome };
  if (r.errors.length) data.errors = r.errors.map((e) => ({ path: e.path, message: e.message, ...(e.keyword ? { keyword: e.keyword } : {}) }));
  if (r.repaired?.length) data.repaired = r.repaired;
  return {
    rule: RULE_OF_OUTCOME[r.outcome],
    severity: 'error',
    location: { file: r.file, ...(r.line !== undefined ? { line: r.line } : {}) },
    message,
    data,
  };
}

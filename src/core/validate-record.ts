/**
 * Validating one record, and the pieces the main thread and the worker threads share (validate.ts,
 * validate-parallel.ts, validate-worker.ts all import this leaf; it imports none of them).
 */
import { availableParallelism, loadavg } from 'node:os';
import { TIMEOUT_KEYWORD, type DataError, type DataRecord, type DataValidator, type FormatName } from '../model/types.js';

/**
 * 'timeout': the record could not be validated within the time limit (a pattern that needs backtracking);
 * 'refused' and 'truncated': a provider's reply envelope says the model refused, or stopped at its token limit.
 */
export type RecordOutcome = 'valid' | 'invalid' | 'unreadable' | 'no-json' | 'unparseable' | 'timeout' | 'refused' | 'truncated';

export interface RecordResult {
  file: string;
  line?: number;
  outcome: RecordOutcome;
  errors: DataError[];
  /** For unreadable / extraction outcomes: the reason. */
  reason?: string;
  /** With --extract --repair: what the repair pass fixed in this record. */
  repaired?: string[];
  /** With --extract: what the reader should know (other JSON candidates passed over). */
  warnings?: string[];
}

export interface WorkerSchema {
  format: FormatName;
  text: string;
  file?: string;
  protoPaths?: string[];
  message?: string;
  /** The pattern guard's limit for the worker's run (validateInputs' patternTimeoutMs). */
  patternTimeoutMs?: number;
  /** JSON Schema: false when `format` is an annotation only (validate --no-assert-format). */
  assertFormat?: boolean;
}

/**
 * How many threads to validate with: LLM_SCHEMA_WORKERS when set, else one per core (at most 4), but a
 * single one on an oversubscribed machine (load average above the core count), where extra threads
 * only add start-up cost.
 */
export function threadCount(): number {
  const env = Number(process.env.LLM_SCHEMA_WORKERS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
  const cores = availableParallelism();
  if (loadavg()[0] > cores) return 1;
  return Math.max(1, Math.min(cores, 4));
}

export function check(file: string, rec: DataRecord, validator: DataValidator): RecordResult {
  if (rec.error !== undefined) return { file, line: rec.line, outcome: 'unreadable', errors: [], reason: rec.error };
  const errors = validator.validate(rec.value);
  if (errors?.length === 1 && errors[0].keyword === TIMEOUT_KEYWORD) return { file, line: rec.line, outcome: 'timeout', errors: [], reason: errors[0].message };
  return errors ? { file, line: rec.line, outcome: 'invalid', errors } : { file, line: rec.line, outcome: 'valid', errors: [] };
}

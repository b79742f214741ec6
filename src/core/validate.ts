/**
 * Validating data records against one schema: the loop shared by the CLI, with the outcome of every
 * record as data. Large JSON Lines files are split across worker threads by byte range.
 */
import { promises as fsp } from 'node:fs';
import { expandInputs, jsonlRecord, readLineBatches, readRecords, type DataSource } from './data.js';
import { InputError, UsageError } from '../model/errors.js';
import { TIMEOUT_KEYWORD, type DataRecord, type DataValidator, type FormatHandler, type ParsedSchema } from '../model/types.js';
import { check, threadCount, type RecordOutcome, type RecordResult, type WorkerSchema } from './validate-record.js';
import { guardPatterns } from '../formats/jsonschema/regex-guard.js';

// The record-level pieces live in validate-record.ts (shared with the worker threads, no import cycle).
export { check, threadCount, type RecordOutcome, type RecordResult, type WorkerSchema } from './validate-record.js';

export interface ValidateRunOptions {
  data: string[];
  handler: FormatHandler;
  schema: ParsedSchema;
  validator: DataValidator;
  /** Pull JSON out of text replies first. */
  extract?: boolean;
  repair?: boolean;
  /** With repair: close replies cut off mid-JSON (default true). */
  repairTruncated?: boolean;
  /** With extract: the field of each JSON record holding the reply text. */
  field?: string;
  /** With extract: several JSON candidates in a reply: take the first, or the last that fits (default). */
  pick?: 'first' | 'last';
  /** With extract: does a candidate have the schema's shape (used to pick among several)? */
  fits?: (value: unknown) => boolean;
  /** Use worker threads for large JSON Lines files (default: on for JSON Schema). */
  parallel?: boolean;
  /** How the schema can be rebuilt in a worker thread (only for schemas without registry references). */
  workerSchema?: WorkerSchema;
  /**
   * Time limit (ms) of one test of a pattern that needs backtracking and that the linear-time engine cannot
   * run (a lookaround or backreference with nested repetition): past it the record's outcome is 'timeout'.
   * Undefined: no limit (such a pattern may run for ever on hostile data).
   */
  patternTimeoutMs?: number;
}

export interface ValidateSummary {
  passed: number;
  failed: number;
  files: number;
  byOutcome: Record<RecordOutcome, number>;
  /** Records the repair pass fixed, by verdict. */
  repaired: { passed: number; failed: number };
}

/** Files above this size are validated in parallel when the machine has more than one core. */
export const PARALLEL_THRESHOLD = 8 << 20;

/** The extraction module, loaded only with --extract. */
type ExtractModule = typeof import('./extract.js');

/**
 * Validate every record of every input, calling onResult for each failure (and, when wanted, each
 * success) in input order. Returns the counts.
 */
export async function validateInputs(opts: ValidateRunOptions, onResult: (r: RecordResult) => void, reportValid = false): Promise<ValidateSummary> {
  const prevGuard = guardPatterns(opts.patternTimeoutMs);
  try {
    return await validateAll(opts, onResult, reportValid);
  } finally {
    guardPatterns(prevGuard);
  }
}

async function validateAll(opts: ValidateRunOptions, onResult: (r: RecordResult) => void, reportValid: boolean): Promise<ValidateSummary> {
  const sources = await expandInputs(opts.data, { binaryExts: opts.handler.binaryDataExtensions, text: opts.extract && !opts.field });
  const summary: ValidateSummary = {
    passed: 0,
    failed: 0,
    files: sources.length,
    byOutcome: { valid: 0, invalid: 0, unreadable: 0, 'no-json': 0, unparseable: 0, timeout: 0, refused: 0, truncated: 0 },
    repaired: { passed: 0, failed: 0 },
  };
  const count = (r: RecordResult) => {
    summary.byOutcome[r.outcome]++;
    if (r.outcome === 'valid') {
      summary.passed++;
      if (r.repaired?.length) summary.repaired.passed++;
      if (reportValid || r.repaired?.length || r.warnings?.length) onResult(r);
    } else {
      summary.failed++;
      if (r.repaired?.length) summary.repaired.failed++;
      onResult(r);
    }
  };
  let extract: ExtractModule | undefined;
  if (opts.extract) extract = await import('./extract.js');

  for (const src of sources) {
    const name = src.file === '-' ? '<stdin>' : src.file;
    if (src.kind === 'binary') {
      if (!opts.handler.readDataFile) throw new InputError(`${opts.handler.format} schemas cannot read this file type`, { file: name });
      for await (const rec of opts.handler.readDataFile(src.file, opts.schema)) count(check(name, rec, opts.validator));
      continue;
    }
    if (!extract && opts.parallel && src.kind === 'jsonl' && opts.workerSchema && (await worthParallel(src))) {
      const { validateParallel } = await import('./validate-parallel.js');
      await validateParallel(src.file, name, { ...opts.workerSchema, patternTimeoutMs: opts.patternTimeoutMs }, count, opts.validator);
      continue;
    }
    if (!extract && src.kind === 'jsonl') {
      // The hot path: one await per chunk, a plain loop per line.
      for await (const batch of readLineBatches(src.file)) for (const l of batch) count(check(name, jsonlRecord(l.line, l.text), opts.validator));
      continue;
    }
    for await (const rec of readRecords(src)) {
      if (extract) count(extracted(name, rec, opts, extract));
      else count(check(name, rec, opts.validator));
    }
  }
  return summary;
}

async function worthParallel(src: DataSource): Promise<boolean> {
  if (src.file === '-' || threadCount() < 2) return false;
  const st = await fsp.stat(src.file);
  return st.size >= PARALLEL_THRESHOLD;
}

function extracted(file: string, rec: DataRecord, opts: ValidateRunOptions, extract: ExtractModule): RecordResult {
  if (rec.error !== undefined) return { file, line: rec.line, outcome: 'unreadable', errors: [], reason: rec.error };
  let text: unknown = rec.value;
  if (opts.field !== undefined) {
    if (typeof text !== 'object' || text === null || Array.isArray(text)) {
      return { file, line: rec.line, outcome: 'unreadable', errors: [], reason: `record is not an object with a '${opts.field}' field` };
    }
    text = getField(text as Record<string, unknown>, opts.field);
    if (typeof text !== 'string') {
      return { file, line: rec.line, outcome: 'unreadable', errors: [], reason: `field '${opts.field}' is ${text === undefined ? 'missing' : 'not a string'}` };
    }
  } else if (typeof text !== 'string') {
    throw new UsageError('--extract reads text replies: give .txt files, stdin, or JSON Lines with --field NAME');
  }
  const x = extract.extractJson(text as string, { repair: opts.repair, repairTruncated: opts.repairTruncated, pick: opts.pick, fits: opts.fits });
  if (x.kind === 'none') return { file, line: rec.line, outcome: 'no-json', errors: [], reason: 'no JSON found' };
  if (x.kind === 'unparseable') {
    const where = x.line !== undefined ? ` (reply line ${x.line}, column ${x.column ?? 1})` : '';
    return { file, line: rec.line, outcome: 'unparseable', errors: [], reason: `JSON does not parse: ${x.reason}${where}` };
  }
  const errors = opts.validator.validate(x.value);
  const repaired = x.repairs.length ? { repaired: x.repairs } : {};
  const warnings = x.others?.length ? { warnings: [extract.othersWarning(x)] } : {};
  if (errors?.length === 1 && errors[0].keyword === TIMEOUT_KEYWORD)
    return { file, line: rec.line, outcome: 'timeout', errors: [], reason: errors[0].message, ...repaired, ...warnings };
  return errors
    ? { file, line: rec.line, outcome: 'invalid', errors, ...repaired, ...warnings }
    : { file, line: rec.line, outcome: 'valid', errors: [], ...repaired, ...warnings };
}

/** A dotted path into a record: `response.text` or a plain key. */
export function getField(o: Record<string, unknown>, field: string): unknown {
  if (field in o) return o[field];
  let cur: unknown = o;
  for (const part of field.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

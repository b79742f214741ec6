/**
 * Replies as they come: JSON Lines logs of provider response objects (--envelope), of records holding the
 * reply in a field (--field, text or an object), split into passing and failing lines (--valid-out,
 * --quarantine). Streamed line by line from raw bytes, so `--valid-out` holds the passing input lines byte
 * for byte and memory stays flat on any size of input; the split files are written to temporary files and
 * renamed into place at the end.
 */
import { createReadStream, createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import { jsonlRecord, expandInputs, readRecords } from '../core/data.js';
import { getField, type RecordResult, type ValidateSummary } from '../core/validate.js';
import { extractJson, othersWarning, type ExtractOptions } from '../core/extract.js';
import { InputError, UsageError } from '../model/errors.js';
import { TIMEOUT_KEYWORD, type DataValidator } from '../model/types.js';
import { readEnvelope, type EnvelopeKind } from './envelope.js';

export interface ReplyRunOptions {
  data: string[];
  validator: DataValidator;
  envelope?: EnvelopeKind;
  /** The field holding the reply (dotted path); with an envelope, the field holding the envelope. */
  field?: string;
  /** Pull JSON out of text replies (always on for envelopes). */
  extract?: boolean;
  repair?: boolean;
  /** Let a reply the provider cut off (stop reason length / max_tokens) be repaired into a pass. */
  repairTruncated?: boolean;
  pick?: ExtractOptions['pick'];
  fits?: ExtractOptions['fits'];
  validOut?: string;
  quarantine?: string;
}

/** Validate every record; each result goes to onResult (all of them: the caller prints what it wants). */
export async function validateReplies(opts: ReplyRunOptions, onResult: (r: RecordResult) => void): Promise<ValidateSummary> {
  const sources = await expandInputs(opts.data, {});
  const split = opts.validOut !== undefined || opts.quarantine !== undefined;
  if (split) {
    const bad = sources.find((s) => s.kind !== 'jsonl');
    if (bad) throw new UsageError(`--valid-out and --quarantine split JSON Lines input (.jsonl, .ndjson); '${bad.file}' is not`);
  }
  const summary: ValidateSummary = {
    passed: 0,
    failed: 0,
    files: sources.length,
    byOutcome: { valid: 0, invalid: 0, unreadable: 0, 'no-json': 0, unparseable: 0, timeout: 0, refused: 0, truncated: 0 },
    repaired: { passed: 0, failed: 0 },
  };
  const ok = opts.validOut !== undefined ? await SplitFile.open(opts.validOut) : undefined;
  const bad = opts.quarantine !== undefined ? await SplitFile.open(opts.quarantine) : undefined;
  try {
    for (const src of sources) {
      const name = src.file === '-' ? '<stdin>' : src.file;
      if (src.kind === 'jsonl') {
        for await (const { line, bytes } of rawLines(src.file)) {
          const text = bytes.toString('utf8');
          const r = judge(name, line, jsonlRecordValue(line, text), opts);
          count(summary, r);
          onResult(r);
          if (r.outcome === 'valid') await ok?.write(Buffer.concat([bytes, NL]));
          else await bad?.write(Buffer.from(quarantineLine(r, sources.length > 1 ? name : undefined) + '\n'));
        }
      } else {
        for await (const rec of readRecords(src)) {
          const r = judge(name, rec.line, rec, opts);
          count(summary, r);
          onResult(r);
        }
      }
    }
    await ok?.commit();
    await bad?.commit();
  } finally {
    await ok?.abort();
    await bad?.abort();
  }
  return summary;
}

const NL = Buffer.from('\n');

function jsonlRecordValue(line: number, text: string): { line?: number; value?: unknown; error?: string } {
  return jsonlRecord(line, text);
}

function count(summary: ValidateSummary, r: RecordResult): void {
  summary.byOutcome[r.outcome]++;
  if (r.outcome === 'valid') {
    summary.passed++;
    if (r.repaired?.length) summary.repaired.passed++;
  } else {
    summary.failed++;
    if (r.repaired?.length) summary.repaired.failed++;
  }
}

/** One line of the quarantine file: where the input line was, its outcome and why. */
export function quarantineLine(r: RecordResult, file?: string): string {
  const reasons = r.reason !== undefined ? [r.reason] : r.errors.map((e) => `${e.path || '(root)'} ${e.message}`);
  return JSON.stringify({ ...(file !== undefined ? { file } : {}), line: r.line, outcome: r.outcome, reasons });
}

/** The outcome of one record. */
export function judge(file: string, line: number | undefined, rec: { value?: unknown; error?: string }, opts: ReplyRunOptions): RecordResult {
  const base = { file, ...(line !== undefined ? { line } : {}) };
  if (rec.error !== undefined) return { ...base, outcome: 'unreadable', errors: [], reason: rec.error };
  let value = rec.value;
  if (opts.field !== undefined) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ...base, outcome: 'unreadable', errors: [], reason: `record is not an object with a '${opts.field}' field` };
    value = getField(value as Record<string, unknown>, opts.field);
    if (value === undefined) return { ...base, outcome: 'unreadable', errors: [], reason: `field '${opts.field}' is missing` };
  }
  let text: string | undefined;
  let truncated: string | undefined;
  if (opts.envelope) {
    const env = readEnvelope(opts.envelope, value);
    if (env.notEnvelope) return { ...base, outcome: 'unreadable', errors: [], reason: env.notEnvelope };
    if (env.refused !== undefined) return { ...base, outcome: 'refused', errors: [], reason: `refused: ${env.refused}` };
    truncated = env.truncated;
    if (truncated && !opts.repairTruncated)
      return { ...base, outcome: 'truncated', errors: [], reason: `truncated (${truncated}); --repair-truncated to repair it` };
    if (env.hasValue) value = env.value;
    else if (env.text !== undefined) text = env.text;
    else return { ...base, outcome: 'no-json', errors: [], reason: 'no JSON found (the response holds no text and no tool call)' };
  } else if (typeof value === 'string' && (opts.extract || opts.field !== undefined)) text = value;
  else if (opts.extract && typeof value !== 'string' && opts.field === undefined)
    throw new UsageError('--extract reads text replies: give .txt files, stdin, or JSON Lines with --field NAME');

  let repaired: string[] = [];
  let warnings: string[] = [];
  if (text !== undefined) {
    const repairTruncated = truncated ? true : opts.repairTruncated !== false && !opts.envelope;
    const x = extractJson(text, { repair: opts.repair || !!truncated, repairTruncated, pick: opts.pick, fits: opts.fits });
    if (x.kind === 'none') return { ...base, outcome: 'no-json', errors: [], reason: 'no JSON found' };
    if (x.kind === 'unparseable') {
      const where = x.line !== undefined ? ` (reply line ${x.line}, column ${x.column ?? 1})` : '';
      return { ...base, outcome: 'unparseable', errors: [], reason: `JSON does not parse: ${x.reason}${where}` };
    }
    value = x.value;
    repaired = x.repairs;
    if (x.others?.length) warnings = [othersWarning(x)];
  }
  if (truncated) warnings.push(`the provider cut this reply off (${truncated}); repaired under --repair-truncated`);
  const errors = opts.validator.validate(value);
  const extra = { ...(repaired.length ? { repaired } : {}), ...(warnings.length ? { warnings } : {}) };
  if (errors?.length === 1 && errors[0].keyword === TIMEOUT_KEYWORD) return { ...base, outcome: 'timeout', errors: [], reason: errors[0].message, ...extra };
  return errors ? { ...base, outcome: 'invalid', errors, ...extra } : { ...base, outcome: 'valid', errors: [], ...extra };
}

/** Lines of a file as raw bytes (without the '\n'; a '\r' before it is kept), 1-based, blank lines skipped. */
export async function* rawLines(file: string): AsyncGenerator<{ line: number; bytes: Buffer }> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
  let rest: Buffer = Buffer.alloc(0);
  let lineNo = 0;
  try {
    for await (const chunk of stream) {
      const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let from = 0;
      let nl = buf.indexOf(10, from);
      while (nl !== -1) {
        lineNo++;
        const bytes = buf.subarray(from, nl);
        if (!blank(bytes)) yield { line: lineNo, bytes: Buffer.from(bytes) };
        from = nl + 1;
        nl = buf.indexOf(10, from);
      }
      rest = Buffer.from(buf.subarray(from));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('no such file', { file });
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new InputError('is a folder', { file });
    throw err;
  }
  if (rest.length) {
    lineNo++;
    if (!blank(rest)) yield { line: lineNo, bytes: rest };
  }
}

function blank(b: Buffer): boolean {
  for (const c of b) if (c !== 32 && c !== 9 && c !== 13) return false;
  return true;
}

/** An output file written to a temporary name beside it and renamed into place on commit (atomic). */
class SplitFile {
  private done = false;
  private constructor(
    private readonly target: string,
    private readonly tmp: string,
    private readonly out: WriteStream,
  ) {}

  static async open(target: string): Promise<SplitFile> {
    const abs = path.resolve(target);
    const st = await fsp.stat(abs).catch(() => undefined);
    if (st?.isDirectory()) throw new InputError('is a folder; give a file name', { file: target });
    const dir = path.dirname(abs);
    const dst = await fsp.stat(dir).catch(() => undefined);
    if (!dst?.isDirectory()) throw new InputError('its folder does not exist', { file: target });
    const tmp = path.join(dir, `.${path.basename(abs)}.${process.pid}.${Date.now()}.tmp`);
    const out = createWriteStream(tmp);
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (e) => reject(new InputError(`cannot write: ${e.message}`, { file: target })));
    });
    return new SplitFile(abs, tmp, out);
  }

  async write(b: Buffer): Promise<void> {
    if (!this.out.write(b)) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const fh = await fsp.open(this.tmp, 'r+');
    await fh.sync();
    await fh.close();
    await fsp.rename(this.tmp, this.target);
    this.done = true;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.out.destroy();
    await fsp.rm(this.tmp, { force: true });
  }
}

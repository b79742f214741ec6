/**
 * Validate a large JSON Lines file on every core: the file is cut into byte ranges at line ends; the
 * main thread validates the first range while workers take the others. Results come back in file order.
 */
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { readLineBatches, jsonlRecord } from './data.js';
import { check, threadCount, type RecordResult, type WorkerSchema } from './validate-record.js';
import type { DataError, DataValidator } from '../model/types.js';
import { InputError } from '../model/errors.js';

export interface WorkerInput {
  file: string;
  name: string;
  start: number;
  end: number;
  schema: WorkerSchema;
}

/** Build the validator for a worker (or the main thread's share) from the schema's source. */
export async function workerValidator(schema: WorkerSchema): Promise<DataValidator> {
  const { getHandler } = await import('../formats/index.js');
  const handler = await getHandler(schema.format);
  const options = { file: schema.file, protoPaths: schema.protoPaths, message: schema.message, assertFormat: schema.assertFormat };
  return handler.compile(await handler.parse(schema.text, options), options);
}

export interface WorkerFailure {
  line: number;
  outcome: RecordResult['outcome'];
  errors: DataError[];
  reason?: string;
}

export interface WorkerDone {
  done: true;
  passed: number;
  lines: number;
  /** The range stopped at an input error (invalid UTF-8) on this line of the range. */
  inputError?: { line: number; message: string };
}

/**
 * Byte offsets that cut the file into n ranges, each ending just after a newline. The first range (the
 * main thread's, which needs no start-up) gets `firstShare` of the file; the others share the rest evenly.
 */
export async function splitAtLines(file: string, n: number, firstShare = 1 / n): Promise<number[]> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const cuts = [0];
    const buf = Buffer.alloc(1 << 16);
    for (let i = 1; i < n; i++) {
      const share = firstShare + ((1 - firstShare) * (i - 1)) / (n - 1);
      let pos = Math.max(Math.floor(size * share), cuts[cuts.length - 1]);
      while (pos < size) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) break;
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl !== -1) {
          pos += nl + 1;
          break;
        }
        pos += bytesRead;
      }
      if (pos >= size) break;
      cuts.push(pos);
    }
    cuts.push(size);
    return cuts;
  } finally {
    await fh.close();
  }
}

export async function validateParallel(
  file: string,
  name: string,
  schema: WorkerSchema,
  count: (r: RecordResult) => void,
  /** The caller's compiled validator, reused for the main thread's range (compiling again costs ~0.1 s). */
  mainValidator?: DataValidator,
): Promise<void> {
  const n = threadCount();
  // A worker spends ~0.1 s starting (modules, schema compile) before it validates: the main thread,
  // ready at once, takes a little more of the file so both finish together.
  const cuts = await splitAtLines(file, n, n > 1 ? Math.min(0.6, 1 / n + 0.06) : 1);
  const ranges = cuts.slice(0, -1).map((s, i) => [s, cuts[i + 1]] as const);
  // Workers for ranges 1..n-1, started first so they overlap with the main thread's own range.
  const pending = ranges.slice(1).map(([start, end]) => runWorker({ file, name, start, end, schema }));
  // Range 0 on this thread.
  const validator = mainValidator ?? (await workerValidator(schema));
  const stats = { lines: 0 };
  for await (const batch of readLineBatches(file, ranges[0][0], ranges[0][1] - 1, stats)) {
    for (const { line, text } of batch) count(check(name, jsonlRecord(line, text), validator));
  }
  let offset = stats.lines;
  for (const p of pending) {
    const r = await p;
    for (const f of r.failures) count({ file: name, line: f.line + offset, outcome: f.outcome, errors: f.errors, reason: f.reason });
    for (let i = 0; i < r.passed; i++) count({ file: name, outcome: 'valid', errors: [] });
    if (r.inputError) throw new InputError(r.inputError.message, { file: name, line: r.inputError.line + offset });
    offset += r.lines;
  }
}

function runWorker(input: WorkerInput): Promise<{ failures: WorkerFailure[]; passed: number; lines: number; inputError?: WorkerDone['inputError'] }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./validate-worker.js', import.meta.url), { workerData: input });
    const failures: WorkerFailure[] = [];
    w.on('message', (m: WorkerFailure[] | WorkerDone) => {
      if (Array.isArray(m)) failures.push(...m);
      else resolve({ failures, passed: m.passed, lines: m.lines, inputError: m.inputError });
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (code !== 0) reject(new Error(`validation worker exited with code ${code}`));
    });
  });
}

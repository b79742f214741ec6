/** A worker thread of validate-parallel: validates one byte range of a JSON Lines file. */
import { parentPort, workerData } from 'node:worker_threads';
import { jsonlRecord, readLineBatches } from './data.js';
import { check } from './validate-record.js';
import { guardPatterns } from '../formats/jsonschema/regex-guard.js';
import { formatWhere, InputError } from '../model/errors.js';
import { workerValidator, type WorkerFailure, type WorkerInput } from './validate-parallel.js';

const input = workerData as WorkerInput;
guardPatterns(input.schema.patternTimeoutMs);
const validator = await workerValidator(input.schema);
const stats = { lines: 0 };
let passed = 0;
let batch: WorkerFailure[] = [];
try {
  for await (const lines of readLineBatches(input.file, input.start, input.end - 1, stats)) {
    for (const { line, text } of lines) {
      const r = check(input.name, jsonlRecord(line, text), validator);
      if (r.outcome === 'valid') passed++;
      else batch.push({ line, outcome: r.outcome, errors: r.errors, reason: r.reason });
    }
    if (batch.length >= 500) {
      parentPort!.postMessage(batch);
      batch = [];
    }
  }
  if (batch.length) parentPort!.postMessage(batch);
  parentPort!.postMessage({ done: true, passed, lines: stats.lines });
} catch (err) {
  // an input error in this range (invalid UTF-8): its line counts from the range's start; the main thread
  // adds the lines before it
  if (!(err instanceof InputError) || err.line === undefined) throw err;
  if (batch.length) parentPort!.postMessage(batch);
  const message = err.message.slice(formatWhere({ file: err.file, line: err.line, column: err.column }).length);
  parentPort!.postMessage({ done: true, passed, lines: stats.lines, inputError: { line: err.line, message } });
}

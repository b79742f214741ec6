/** A worker thread of validate-parallel: validates one byte range of a JSON Lines file. */
import { parentPort, workerData } from 'node:worker_threads';
import { jsonlRecord, readLineBatches } from './data.js';
import { check } from './validate-record.js';
import { guardPatterns } from '../formats/jsonschema/regex-guard.js';
import { workerValidator, type WorkerFailure, type WorkerInput } from './validate-parallel.js';

const input = workerData as WorkerInput;
guardPatterns(input.schema.patternTimeoutMs);
const validator = await workerValidator(input.schema);
const stats = { lines: 0 };
let passed = 0;
let batch: WorkerFailure[] = [];
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

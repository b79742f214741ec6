/**
 * The worker thread that runs validation, compatibility, lookup and search jobs over snapshots sent by
 * the server. It keeps the few most recent snapshots, so a request that started on the previous one
 * still finishes on it.
 */
import { parentPort } from 'node:worker_threads';
import { getHandler } from '../formats/index.js';
import type { FormatName } from '../model/types.js';
import { JobContext, toResult, type Job } from './ops.js';

const FORMAT_OF_EXT: Record<string, FormatName> = { '.json': 'json', '.avsc': 'avro', '.proto': 'protobuf' };
let warmed: Promise<void> | undefined;

/**
 * Load the format handlers the snapshot uses (and ajv's default dialect) before the first job starts its
 * clock: a fresh worker (after a timeout) then answers a simple job within a short budget.
 */
function warm(files: Map<string, string>): Promise<void> {
  if (warmed) return warmed;
  const formats = new Set<FormatName>();
  for (const f of files.keys()) {
    const dot = f.lastIndexOf('.');
    const fmt = FORMAT_OF_EXT[f.slice(dot)];
    if (fmt) formats.add(fmt);
  }
  warmed = Promise.all(
    [...formats].map(async (fmt) => {
      const h = await getHandler(fmt);
      if (fmt === 'json') h.compile(await h.parse('{"type":"string"}', { file: 'warm-up' }));
    }),
  ).then(
    () => undefined,
    () => undefined,
  );
  return warmed;
}

const KEEP = 3;
const contexts = new Map<number, Promise<JobContext>>();

type Message = { type: 'snapshot'; seq: number; root: string; label: string; files: Map<string, string> } | { type: 'job'; id: number; seq: number; job: Job };

// A job this thread cannot read: the runner fails the job in flight (one at a time) instead of waiting.
parentPort!.on('messageerror', () => parentPort!.postMessage({ id: -1, unreadable: true }));

parentPort!.on('message', async (m: Message) => {
  if (m.type === 'snapshot') {
    const p = JobContext.create(m.root, m.files, m.label).then(async (ctx) => {
      await warm(m.files);
      return ctx;
    });
    p.catch(() => {});
    contexts.set(m.seq, p);
    while (contexts.size > KEEP) contexts.delete(contexts.keys().next().value!);
    return;
  }
  const ctx = contexts.get(m.seq);
  if (!ctx) {
    parentPort!.postMessage({ id: m.id, missing: true });
    return;
  }
  let result;
  try {
    const context = await ctx;
    // The time budget counts from here: starting the worker and loading the snapshot are not the job's.
    parentPort!.postMessage({ id: m.id, started: true });
    result = await context.run(m.job);
  } catch (err) {
    result = toResult(err);
  }
  try {
    parentPort!.postMessage({ id: m.id, result });
  } catch (err) {
    // An answer that cannot be cloned (too deep): say so rather than leave the job waiting.
    parentPort!.postMessage({ id: m.id, result: toResult(err instanceof RangeError ? err : new Error('the answer could not be sent')) });
  }
});

/**
 * Runs handler jobs (validate, compatibility, lookup, search) in a small pool of worker threads (one job
 * per worker at a time), each bounded in time: a job past its budget is answered with a timeout and its
 * worker is replaced, so a pathological schema or record never stalls the server, and while one worker
 * is stuck on it the other answers the next requests.
 */
import { Worker } from 'node:worker_threads';
import { errorResult, JobContext, type Job, type JobResult } from './ops.js';
import type { Snapshot } from './snapshot.js';

export interface JobRunnerOptions {
  /** Wall-clock budget per job in milliseconds. */
  timeoutMs?: number;
  /** Jobs waiting beyond this are refused with 503. */
  maxQueue?: number;
  /** Run jobs in this thread (tests, or where workers are unavailable): no time bound. */
  inline?: boolean;
  /** Worker threads (default 2): a slow job holds one, the others keep answering. */
  workers?: number;
}

interface Pending {
  snapshot: Snapshot;
  job: Job;
  resolve: (r: JobResult) => void;
  retried?: boolean;
}

/** One worker thread and the job it runs (at most one at a time). */
interface Slot {
  worker?: Worker;
  /** Snapshots this worker holds. */
  sent: Set<number>;
  active?: { id: number; pending: Pending; timer: NodeJS.Timeout };
}

type WorkerMessage = { id: number; missing?: boolean; started?: boolean; result?: JobResult; unreadable?: boolean };

export class JobRunner {
  private slots: Slot[];
  private queue: Pending[] = [];
  private nextId = 1;
  private inlineContexts = new Map<number, Promise<JobContext>>();
  private closed = false;
  readonly timeoutMs: number;
  readonly maxQueue: number;
  timeouts = 0;

  constructor(private options: JobRunnerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxQueue = options.maxQueue ?? 256;
    const size = Math.max(1, Math.min(options.workers ?? 2, 16));
    this.slots = Array.from({ length: size }, () => ({ sent: new Set<number>() }));
  }

  run(snapshot: Snapshot, job: Job): Promise<JobResult> {
    if (this.closed) return Promise.resolve(errorResult(503, 50003, 'the server is shutting down'));
    // Structured clone (postMessage) and the handlers recurse: refuse what is nested too deeply up front,
    // so it never reaches the worker.
    if (nestingExceeds(job, MAX_DEPTH)) return Promise.resolve(errorResult(422, 42201, `the request is nested deeper than ${MAX_DEPTH} levels`));
    if (this.options.inline) return this.runInline(snapshot, job);
    if (this.queue.length >= this.maxQueue) return Promise.resolve(errorResult(503, 50003, 'too many requests waiting for validation; retry later'));
    return new Promise((resolve) => {
      this.queue.push({ snapshot, job, resolve });
      this.pump();
    });
  }

  private async runInline(snapshot: Snapshot, job: Job): Promise<JobResult> {
    let ctx = this.inlineContexts.get(snapshot.seq);
    if (!ctx) {
      ctx = JobContext.create(snapshot.root, snapshot.files, snapshot.source);
      this.inlineContexts.set(snapshot.seq, ctx);
      while (this.inlineContexts.size > 3) this.inlineContexts.delete(this.inlineContexts.keys().next().value!);
    }
    return (await ctx).run(job);
  }

  private ensureWorker(slot: Slot): Worker {
    if (slot.worker) return slot.worker;
    const w = new Worker(new URL('./worker.js', import.meta.url));
    w.unref();
    w.on('message', (m: WorkerMessage) => this.onMessage(slot, w, m));
    // A message the worker could not read (it answers 'unreadable'), or an answer this thread cannot read.
    w.on('messageerror', () => this.onWorkerGone(slot, w, errorResult(500, 50001, 'the answer could not be read')));
    w.on('error', (err) => this.onWorkerGone(slot, w, errorResult(500, 50001, `validation worker failed: ${err.message}`)));
    w.on('exit', () => this.onWorkerGone(slot, w, errorResult(500, 50001, 'validation worker exited')));
    slot.worker = w;
    slot.sent.clear();
    return w;
  }

  /**
   * Start waiting jobs on idle slots (a running worker first; another one starts only when all running
   * ones are busy, so one slow job never holds up the rest). Never throws: it runs from timers and
   * worker events.
   */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const idle = this.slots.filter((s) => !s.active);
      const slot = idle.find((s) => s.worker) ?? idle[0];
      if (!slot) return;
      const pending = this.queue.shift()!;
      try {
        this.start(slot, pending);
      } catch (err) {
        // postMessage refused the job (it cannot be cloned) or the worker could not start: answer this
        // job, drop the worker and go on with the next.
        if (slot.active) clearTimeout(slot.active.timer);
        slot.active = undefined;
        const w = slot.worker;
        slot.worker = undefined;
        void w?.terminate().catch(() => {});
        const rangeError = err instanceof RangeError;
        pending.resolve(
          rangeError
            ? errorResult(422, 42201, 'the request is nested too deeply to process')
            : errorResult(500, 50001, `the job could not be started: ${(err as Error)?.message ?? String(err)}`),
        );
      }
    }
  }

  private start(slot: Slot, pending: Pending): void {
    const w = this.ensureWorker(slot);
    const seq = pending.snapshot.seq;
    if (!slot.sent.has(seq)) {
      w.postMessage({ type: 'snapshot', seq, root: pending.snapshot.root, label: pending.snapshot.source, files: pending.snapshot.files });
      slot.sent.add(seq);
      // The worker keeps the 3 newest; forget older ones here too so a later job re-sends them.
      const all = [...slot.sent].sort((a, b) => a - b);
      while (all.length > 3) slot.sent.delete(all.shift()!);
    }
    const id = this.nextId++;
    // Until the worker says the job started, allow for its start-up and snapshot loading (generously).
    const timer = setTimeout(() => this.onTimeout(slot, id), Math.max(this.timeoutMs * 10, 30_000));
    slot.active = { id, pending, timer };
    w.postMessage({ type: 'job', id, seq, job: pending.job });
    this.warmSpares(pending.snapshot);
  }

  /** Keep the other slots' workers started and holding this snapshot, so the next job starts at once. */
  private warmSpares(snapshot: Snapshot): void {
    for (const slot of this.slots) {
      if (slot.active || slot.sent.has(snapshot.seq)) continue;
      try {
        const w = this.ensureWorker(slot);
        w.postMessage({ type: 'snapshot', seq: snapshot.seq, root: snapshot.root, label: snapshot.source, files: snapshot.files });
        slot.sent.add(snapshot.seq);
        const all = [...slot.sent].sort((a, b) => a - b);
        while (all.length > 3) slot.sent.delete(all.shift()!);
      } catch {
        // a spare that cannot start is started again (and reported) when a job needs it
      }
    }
  }

  private onMessage(slot: Slot, w: Worker, m: WorkerMessage): void {
    if (w !== slot.worker || !slot.active) return;
    if (m.unreadable) {
      this.onWorkerGone(slot, w, errorResult(422, 42201, 'the request could not be passed to the validation worker'));
      return;
    }
    if (slot.active.id !== m.id) return;
    if (m.started) {
      clearTimeout(slot.active.timer);
      slot.active.timer = setTimeout(() => this.onTimeout(slot, m.id), this.timeoutMs);
      return;
    }
    const { pending, timer } = slot.active;
    clearTimeout(timer);
    slot.active = undefined;
    if (m.missing && !pending.retried) {
      slot.sent.delete(pending.snapshot.seq);
      pending.retried = true;
      this.queue.unshift(pending);
    } else {
      pending.resolve(m.result ?? errorResult(500, 50001, 'the worker lost the snapshot'));
    }
    this.pump();
  }

  private onTimeout(slot: Slot, id: number): void {
    if (!slot.active || slot.active.id !== id) return;
    const { pending } = slot.active;
    slot.active = undefined;
    this.timeouts++;
    const w = slot.worker;
    slot.worker = undefined;
    void w?.terminate().catch(() => {});
    pending.resolve(errorResult(500, 50002, `the request took longer than ${this.timeoutMs} ms and was stopped`));
    this.pump();
  }

  private onWorkerGone(slot: Slot, w: Worker, result: JobResult): void {
    if (w !== slot.worker) return;
    slot.worker = undefined;
    void w.terminate().catch(() => {});
    if (slot.active) {
      clearTimeout(slot.active.timer);
      slot.active.pending.resolve(result);
      slot.active = undefined;
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(errorResult(503, 50003, 'the server is shutting down'));
    await Promise.all(
      this.slots.map(async (slot) => {
        const w = slot.worker;
        slot.worker = undefined;
        await w?.terminate();
      }),
    );
  }
}

/** Deepest nesting of arrays and objects accepted in a job (JSON bodies are rarely deeper than 50). */
export const MAX_DEPTH = 512;

/** True when value nests arrays/objects deeper than max. Iterative: it never overflows the stack itself. */
export function nestingExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let visited = 0;
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= max) return true;
    if (++visited > 5_000_000) return true;
    if (Array.isArray(v)) for (const x of v) stack.push([x, d + 1]);
    else if (v instanceof Map) for (const x of v.values()) stack.push([x, d + 1]);
    else for (const k in v) stack.push([(v as Record<string, unknown>)[k], d + 1]);
  }
  return false;
}

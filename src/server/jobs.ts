/**
 * Runs handler jobs (validate, compatibility, lookup, search) in one worker thread, one at a time, each
 * bounded in time: a job past its budget is answered with a timeout and the worker is replaced, so a
 * pathological schema or record never stalls the server.
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
}

interface Pending {
  snapshot: Snapshot;
  job: Job;
  resolve: (r: JobResult) => void;
  retried?: boolean;
}

export class JobRunner {
  private worker?: Worker;
  private sent = new Set<number>();
  private queue: Pending[] = [];
  private active?: { id: number; pending: Pending; timer: NodeJS.Timeout };
  private nextId = 1;
  private inlineContexts = new Map<number, Promise<JobContext>>();
  private closed = false;
  readonly timeoutMs: number;
  readonly maxQueue: number;
  timeouts = 0;

  constructor(private options: JobRunnerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxQueue = options.maxQueue ?? 256;
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

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./worker.js', import.meta.url));
    w.unref();
    w.on('message', (m: { id: number; missing?: boolean; started?: boolean; result?: JobResult; unreadable?: boolean }) => this.onMessage(w, m));
    // A message the worker could not read (it answers 'unreadable'), or an answer this thread cannot read.
    w.on('messageerror', () => this.onWorkerGone(w, errorResult(500, 50001, 'the answer could not be read')));
    w.on('error', (err) => this.onWorkerGone(w, errorResult(500, 50001, `validation worker failed: ${err.message}`)));
    w.on('exit', () => this.onWorkerGone(w, errorResult(500, 50001, 'validation worker exited')));
    this.worker = w;
    this.sent.clear();
    return w;
  }

  /** Start the next job. Never throws: it runs from timers and worker events. */
  private pump(): void {
    for (;;) {
      if (this.active || this.queue.length === 0 || this.closed) return;
      const pending = this.queue[0];
      try {
        this.start(pending);
        return;
      } catch (err) {
        // postMessage refused the job (it cannot be cloned) or the worker could not start: answer this
        // job, forget the worker state and go on with the next.
        if (this.queue[0] === pending) this.queue.shift();
        const active = this.active as JobRunner['active'];
        if (active?.pending === pending) {
          clearTimeout(active.timer);
          this.active = undefined;
        }
        const w = this.worker;
        this.worker = undefined;
        void w?.terminate().catch(() => {});
        const rangeError = err instanceof RangeError;
        pending.resolve(rangeError ? errorResult(422, 42201, 'the request is nested too deeply to process') : errorResult(500, 50001, `the job could not be started: ${(err as Error)?.message ?? String(err)}`));
      }
    }
  }

  private start(pending: Pending): void {
    const w = this.ensureWorker();
    const seq = pending.snapshot.seq;
    if (!this.sent.has(seq)) {
      w.postMessage({ type: 'snapshot', seq, root: pending.snapshot.root, label: pending.snapshot.source, files: pending.snapshot.files });
      this.sent.add(seq);
      // The worker keeps the 3 newest; forget older ones here too so a later job re-sends them.
      const all = [...this.sent].sort((a, b) => a - b);
      while (all.length > 3) this.sent.delete(all.shift()!);
    }
    this.queue.shift();
    const id = this.nextId++;
    // Until the worker says the job started, allow for its start-up and snapshot loading (generously).
    const timer = setTimeout(() => this.onTimeout(id), Math.max(this.timeoutMs * 10, 30_000));
    this.active = { id, pending, timer };
    w.postMessage({ type: 'job', id, seq, job: pending.job });
  }

  private onMessage(w: Worker, m: { id: number; missing?: boolean; started?: boolean; result?: JobResult; unreadable?: boolean }): void {
    if (w !== this.worker || !this.active) return;
    if (m.unreadable) {
      this.onWorkerGone(w, errorResult(422, 42201, 'the request could not be passed to the validation worker'));
      return;
    }
    if (this.active.id !== m.id) return;
    if (m.started) {
      clearTimeout(this.active.timer);
      this.active.timer = setTimeout(() => this.onTimeout(m.id), this.timeoutMs);
      return;
    }
    const { pending, timer } = this.active;
    clearTimeout(timer);
    this.active = undefined;
    if (m.missing && !pending.retried) {
      this.sent.delete(pending.snapshot.seq);
      pending.retried = true;
      this.queue.unshift(pending);
    } else {
      pending.resolve(m.result ?? errorResult(500, 50001, 'the worker lost the snapshot'));
    }
    this.pump();
  }

  private onTimeout(id: number): void {
    if (!this.active || this.active.id !== id) return;
    const { pending } = this.active;
    this.active = undefined;
    this.timeouts++;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate().catch(() => {});
    pending.resolve(errorResult(500, 50002, `the request took longer than ${this.timeoutMs} ms and was stopped`));
    this.pump();
  }

  private onWorkerGone(w: Worker, result: JobResult): void {
    if (w !== this.worker) return;
    this.worker = undefined;
    void w.terminate().catch(() => {});
    if (this.active) {
      clearTimeout(this.active.timer);
      this.active.pending.resolve(result);
      this.active = undefined;
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(errorResult(503, 50003, 'the server is shutting down'));
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
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

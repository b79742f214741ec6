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
    w.on('message', (m: { id: number; missing?: boolean; started?: boolean; result?: JobResult }) => this.onMessage(w, m));
    w.on('error', (err) => this.onWorkerGone(w, errorResult(500, 50001, `validation worker failed: ${err.message}`)));
    w.on('exit', () => this.onWorkerGone(w, errorResult(500, 50001, 'validation worker exited')));
    this.worker = w;
    this.sent.clear();
    return w;
  }

  private pump(): void {
    if (this.active || this.queue.length === 0 || this.closed) return;
    const pending = this.queue.shift()!;
    const w = this.ensureWorker();
    const seq = pending.snapshot.seq;
    if (!this.sent.has(seq)) {
      w.postMessage({ type: 'snapshot', seq, root: pending.snapshot.root, label: pending.snapshot.source, files: pending.snapshot.files });
      this.sent.add(seq);
      // The worker keeps the 3 newest; forget older ones here too so a later job re-sends them.
      const all = [...this.sent].sort((a, b) => a - b);
      while (all.length > 3) this.sent.delete(all.shift()!);
    }
    const id = this.nextId++;
    // Until the worker says the job started, allow for its start-up and snapshot loading (generously).
    const timer = setTimeout(() => this.onTimeout(id), Math.max(this.timeoutMs * 10, 30_000));
    this.active = { id, pending, timer };
    w.postMessage({ type: 'job', id, seq, job: pending.job });
  }

  private onMessage(w: Worker, m: { id: number; missing?: boolean; started?: boolean; result?: JobResult }): void {
    if (w !== this.worker || !this.active || this.active.id !== m.id) return;
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
    void w?.terminate();
    pending.resolve(errorResult(500, 50002, `the request took longer than ${this.timeoutMs} ms and was stopped`));
    this.pump();
  }

  private onWorkerGone(w: Worker, result: JobResult): void {
    if (w !== this.worker) return;
    this.worker = undefined;
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

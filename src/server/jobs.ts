/**
 * Runs handler jobs (validate, compatibility, lookup, search) in a small pool of worker threads (one job
 * per worker at a time), each bounded in time: a job past its budget is answered with a timeout and its
 * worker is replaced, so a pathological schema or record never stalls the server, and while one worker
 * is stuck on it the other answers the next requests.
 *
 * Two lanes: the fast lane (`workers` threads) runs ordinary jobs; the slow lane (one thread) runs jobs
 * known to be slow. A fast-lane job still running after `slowAfterMs` is never stopped early: its thread
 * moves to the slow lane with it and an idle slow-lane thread (or a new one) takes its place in the fast
 * lane; the job's fingerprint (its kind and request without the data) is remembered for a minute, so the
 * same request, queued or sent again, waits for the slow lane instead of taking the fast threads. A few
 * expensive requests then delay each other, not everyone's.
 */
import { createHash } from 'node:crypto';
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
  /** Worker threads of the fast lane (default 2); the slow lane has one more. */
  workers?: number;
  /** A fast-lane job running longer than this moves, with its thread, to the slow lane (default: a tenth of the budget, 100 to 500 ms). */
  slowAfterMs?: number;
}

interface Pending {
  snapshot: Snapshot;
  job: Job;
  resolve: (r: JobResult) => void;
  retried?: boolean;
  /** The request without its data: what is remembered as slow. */
  fingerprint: string;
}

type Lane = 'fast' | 'slow';

/** One worker thread and the job it runs (at most one at a time). */
interface Slot {
  lane: Lane;
  worker?: Worker;
  /** Snapshots this worker holds. */
  sent: Set<number>;
  active?: { id: number; pending: Pending; timer: NodeJS.Timeout; slowTimer?: NodeJS.Timeout };
}

/** How long a fingerprint that ran slow sends its requests to the slow lane. */
const SLOW_MEMORY_MS = 60_000;
/** Jobs waiting for the slow lane at most. */
const MAX_SLOW_QUEUE = 8;

type WorkerMessage = { id: number; missing?: boolean; started?: boolean; result?: JobResult; unreadable?: boolean };

export class JobRunner {
  private slots: Slot[];
  private queue: Pending[] = [];
  private slowQueue: Pending[] = [];
  /** fingerprint -> until when its requests go to the slow lane. */
  private slowMarks = new Map<string, number>();
  private nextId = 1;
  private inlineContexts = new Map<number, Promise<JobContext>>();
  private closed = false;
  readonly timeoutMs: number;
  readonly maxQueue: number;
  readonly slowAfterMs: number;
  private readonly fastSize: number;
  private readonly slowSize = 1;
  /** Threads at most: the lanes' own, plus replacements for fast threads whose jobs moved to the slow lane. */
  private readonly maxSlots: number;
  timeouts = 0;
  /** Jobs whose thread moved to the slow lane (for tests and metrics). */
  demotions = 0;

  constructor(private options: JobRunnerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxQueue = options.maxQueue ?? 256;
    this.slowAfterMs = options.slowAfterMs ?? Math.max(100, Math.min(500, Math.floor(this.timeoutMs / 10)));
    this.fastSize = Math.max(1, Math.min(options.workers ?? 2, 16));
    this.maxSlots = this.fastSize * 2 + this.slowSize;
    this.slots = [
      ...Array.from({ length: this.fastSize }, (): Slot => ({ lane: 'fast', sent: new Set<number>() })),
      ...Array.from({ length: this.slowSize }, (): Slot => ({ lane: 'slow', sent: new Set<number>() })),
    ];
  }

  run(snapshot: Snapshot, job: Job): Promise<JobResult> {
    if (this.closed) return Promise.resolve(errorResult(503, 50003, 'the server is shutting down'));
    // Structured clone (postMessage) and the handlers recurse: refuse what is nested too deeply up front,
    // so it never reaches the worker.
    if (nestingExceeds(job, MAX_DEPTH)) return Promise.resolve(errorResult(422, 42201, `the request is nested deeper than ${MAX_DEPTH} levels`));
    if (this.options.inline) return this.runInline(snapshot, job);
    if (this.queue.length + this.slowQueue.length >= this.maxQueue) {
      return Promise.resolve(errorResult(503, 50003, 'too many requests waiting for validation; retry later'));
    }
    const fingerprint = fingerprintOf(job);
    return new Promise((resolve) => {
      const pending: Pending = { snapshot, job, resolve, fingerprint };
      if (this.isSlow(fingerprint)) this.toSlowQueue([pending]);
      else this.queue.push(pending);
      this.pump();
    });
  }

  /** Into the slow lane's queue, which holds a few budgets' worth: the rest are refused (503) at once. */
  private toSlowQueue(jobs: Pending[]): void {
    for (const p of jobs) {
      if (this.slowQueue.length < MAX_SLOW_QUEUE) this.slowQueue.push(p);
      else p.resolve(errorResult(503, 50003, 'too many slow requests waiting (each takes long to answer); retry later'));
    }
  }

  private isSlow(fingerprint: string): boolean {
    const until = this.slowMarks.get(fingerprint);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.slowMarks.delete(fingerprint);
    return false;
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
    while (!this.closed) {
      // Fast threads take ordinary jobs; the slow lane takes jobs known to be slow. A running worker
      // first; another one starts only when all running ones are busy.
      let slot: Slot | undefined;
      let pending: Pending | undefined;
      if (this.queue.length > 0) {
        const idle = this.slots.filter((s) => s.lane === 'fast' && !s.active);
        slot = idle.find((s) => s.worker) ?? idle[0];
        if (slot) pending = this.queue.shift()!;
      }
      if (!pending && this.slowQueue.length > 0) {
        const idle = this.slots.filter((s) => s.lane === 'slow' && !s.active);
        slot = idle.find((s) => s.worker) ?? idle[0];
        if (slot) pending = this.slowQueue.shift()!;
      }
      if (!slot || !pending) return;
      try {
        this.start(slot, pending);
      } catch (err) {
        // postMessage refused the job (it cannot be cloned) or the worker could not start: answer this
        // job, drop the worker and go on with the next.
        if (slot.active) this.clearTimers(slot.active);
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

  private clearTimers(active: NonNullable<Slot['active']>): void {
    clearTimeout(active.timer);
    if (active.slowTimer) clearTimeout(active.slowTimer);
  }

  /**
   * A fast-lane job has run past slowAfterMs: it goes on (never stopped early), but its thread now counts
   * in the slow lane; an idle slow-lane thread (warm), or a new one, takes its place in the fast lane. Jobs
   * waiting with the same fingerprint move to the slow queue, and later ones go there directly.
   */
  private demote(slot: Slot, id: number): void {
    if (!slot.active || slot.active.id !== id || slot.lane !== 'fast') return;
    this.demotions++;
    const fp = slot.active.pending.fingerprint;
    this.slowMarks.set(fp, Date.now() + SLOW_MEMORY_MS);
    if (this.slowMarks.size > 10_000) this.slowMarks.delete(this.slowMarks.keys().next().value!);
    const same = this.queue.filter((p) => p.fingerprint === fp);
    if (same.length > 0) {
      this.queue = this.queue.filter((p) => p.fingerprint !== fp);
      this.toSlowQueue(same);
    }
    slot.lane = 'slow';
    const idleSlow = this.slots.filter((s) => s.lane === 'slow' && !s.active && s !== slot);
    const spare = idleSlow.find((s) => s.worker) ?? idleSlow[0];
    if (spare) spare.lane = 'fast';
    else if (this.slots.length < this.maxSlots) {
      const fresh: Slot = { lane: 'fast', sent: new Set<number>() };
      this.slots.push(fresh);
      this.warmSpares(slot.active.pending.snapshot);
    }
    this.pump();
  }

  /** After a slow-lane job: a lane holding more threads than its own gives the extra back (fast first), or ends it. */
  private settle(slot: Slot): void {
    if (slot.lane !== 'slow' || slot.active) return;
    const fast = this.slots.filter((s) => s.lane === 'fast').length;
    const slow = this.slots.filter((s) => s.lane === 'slow').length;
    if (fast < this.fastSize) slot.lane = 'fast';
    else if (slow > this.slowSize) {
      this.slots = this.slots.filter((s) => s !== slot);
      const w = slot.worker;
      slot.worker = undefined;
      void w?.terminate().catch(() => {});
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
      if (slot.lane === 'fast' && this.slowAfterMs < this.timeoutMs) slot.active.slowTimer = setTimeout(() => this.demote(slot, m.id), this.slowAfterMs);
      return;
    }
    const { pending } = slot.active;
    this.clearTimers(slot.active);
    slot.active = undefined;
    this.settle(slot);
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
    this.clearTimers(slot.active);
    slot.active = undefined;
    this.timeouts++;
    // Over its budget: remembered as slow, whichever lane it ran in.
    this.slowMarks.set(pending.fingerprint, Date.now() + SLOW_MEMORY_MS);
    const w = slot.worker;
    slot.worker = undefined;
    void w?.terminate().catch(() => {});
    this.settle(slot);
    pending.resolve(errorResult(500, 50002, `the request took longer than ${this.timeoutMs} ms and was stopped`));
    this.pump();
  }

  private onWorkerGone(slot: Slot, w: Worker, result: JobResult): void {
    if (w !== slot.worker) return;
    slot.worker = undefined;
    void w.terminate().catch(() => {});
    if (slot.active) {
      this.clearTimers(slot.active);
      slot.active.pending.resolve(result);
      slot.active = undefined;
      this.settle(slot);
    }
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of [...this.queue.splice(0), ...this.slowQueue.splice(0)]) p.resolve(errorResult(503, 50003, 'the server is shutting down'));
    for (const slot of this.slots) if (slot.active) this.clearTimers(slot.active);
    await Promise.all(
      this.slots.map(async (slot) => {
        const w = slot.worker;
        slot.worker = undefined;
        await w?.terminate();
      }),
    );
  }
}

/** What makes a request slow, without the data it carries: its kind, subject, version, schema and options. */
function fingerprintOf(job: Job): string {
  const { data: _data, input: _input, ...rest } = job as Job & { data?: unknown; input?: unknown };
  let text: string;
  try {
    text = JSON.stringify(rest);
  } catch {
    text = job.kind;
  }
  return createHash('sha256').update(text).digest('base64');
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

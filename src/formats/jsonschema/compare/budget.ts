import { getHeapStatistics } from 'node:v8';

/**
 * The one budget a comparison runs under: wall-clock time (from the moment the comparison starts,
 * normalisation included), a count of steps and the memory the comparison may take (growth of the V8 heap
 * over what it held at the start). Every part of the checker (normaliser, differ, evaluator, sampler,
 * prover, regex automata) ticks the same budget; past it, BudgetExceeded unwinds to the comparison, which
 * answers "undecided" with the reason, instead of the process dying of a V8 out-of-memory error.
 */
export class BudgetExceeded extends Error {
  constructor() {
    super('the comparison ran out of its time budget');
  }
}

/** Default memory allowance of one comparison (bytes of heap growth), capped by what the heap has left. */
export const DEFAULT_MAX_HEAP_GROWTH = 512 * 1024 * 1024;

export class Budget {
  readonly ms: number;
  readonly maxSteps: number;
  /** Bytes the V8 heap may grow by during the comparison. */
  readonly maxHeapGrowth: number;
  private readonly deadline: number;
  private readonly heapLimit: number;
  steps = 0;

  constructor(ms = 2000, maxSteps = 2_000_000, maxHeapGrowth = DEFAULT_MAX_HEAP_GROWTH) {
    this.ms = ms;
    this.maxSteps = maxSteps;
    this.deadline = Date.now() + ms;
    const h = getHeapStatistics();
    // never more than half of what the heap has left: the answer must still be built and printed
    this.maxHeapGrowth = Math.max(0, Math.min(maxHeapGrowth, (h.heap_size_limit - h.used_heap_size) / 2));
    this.heapLimit = h.used_heap_size + this.maxHeapGrowth;
  }

  private get overMemory(): boolean {
    return getHeapStatistics().used_heap_size > this.heapLimit;
  }

  get expired(): boolean {
    return Date.now() > this.deadline || this.steps > this.maxSteps || this.overMemory;
  }

  /** Milliseconds left (0 when spent). */
  get remaining(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /**
   * Count one step; throws BudgetExceeded past the budget (the clock is read every 128 steps, the heap
   * every 1024).
   */
  tick(): void {
    this.steps++;
    if ((this.steps & 127) === 0 && (Date.now() > this.deadline || ((this.steps & 1023) === 0 && this.overMemory))) throw new BudgetExceeded();
    if (this.steps > this.maxSteps) throw new BudgetExceeded();
  }

  /** Throws BudgetExceeded when the time (or the memory) is up (for loops that do not count steps). */
  check(): void {
    if (Date.now() > this.deadline || this.overMemory) throw new BudgetExceeded();
  }

  describe(): string {
    return `the comparison ran out of its budget (${this.ms} ms, ${this.maxSteps} steps or ${Math.max(1, Math.round(this.maxHeapGrowth / 1048576))} MB)`;
  }
}

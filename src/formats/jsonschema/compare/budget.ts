/**
 * The one budget a comparison runs under: wall-clock time (from the moment the comparison starts,
 * normalisation included) and a count of steps. Every part of the checker (normaliser, differ,
 * evaluator, sampler, prover, regex automata) ticks the same budget; past it, BudgetExceeded unwinds to
 * the comparison, which answers "undecided" with the reason.
 */
export class BudgetExceeded extends Error {
  constructor() {
    super('the comparison ran out of its time budget');
  }
}

export class Budget {
  readonly ms: number;
  readonly maxSteps: number;
  private readonly deadline: number;
  steps = 0;

  constructor(ms = 2000, maxSteps = 2_000_000) {
    this.ms = ms;
    this.maxSteps = maxSteps;
    this.deadline = Date.now() + ms;
  }

  get expired(): boolean {
    return Date.now() > this.deadline || this.steps > this.maxSteps;
  }

  /** Milliseconds left (0 when spent). */
  get remaining(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** Count one step; throws BudgetExceeded past the budget (the clock is read every 128 steps). */
  tick(): void {
    this.steps++;
    if ((this.steps & 127) === 0 && Date.now() > this.deadline) throw new BudgetExceeded();
    if (this.steps > this.maxSteps) throw new BudgetExceeded();
  }

  /** Throws BudgetExceeded when the time is up (for loops that do not count steps). */
  check(): void {
    if (Date.now() > this.deadline) throw new BudgetExceeded();
  }

  describe(): string {
    return `the comparison ran out of its budget (${this.ms} ms or ${this.maxSteps} steps)`;
  }
}

/**
 * The semantic core: does every instance of A validate under B? Works on conjunctions of normalised
 * schemas, with $ref, allOf, anyOf, oneOf, not, if/then/else and decidable unevaluated*, memoised
 * (recursive schemas are compared coinductively) and bounded by the comparison's Budget.
 * Four parts, one module each, composed over one shared context (context.ts): the normaliser (conjunctions
 * in normal form, their facts), the evaluator (does a value validate?), the sampler (values valid under a
 * conjunction) and the prover (is A a subset of B?). Each part is handed the parts it uses; none extends another.
 */
import type { Raw } from './doc.js';
import { EngineContext } from './context.js';
import { Evaluator } from './evaluator.js';
import type { EngineOptions, Maybe, Res, SampleOpts } from './model.js';
import { Normaliser } from './normaliser.js';
import { Prover } from './prover.js';
import { Sampler } from './sampler.js';

export { BudgetExceeded } from './budget.js';
export { ALL_KINDS, NONE, YES, kindOf, regex, type EngineOptions, type Facts, type Kind, type Res } from './model.js';

/** The semantic checker: a normaliser, an evaluator, a sampler and a prover over one context and Budget. */
export class Engine {
  readonly ctx: EngineContext;
  readonly normaliser: Normaliser;
  readonly evaluator: Evaluator;
  readonly sampler: Sampler;
  readonly prover: Prover;

  constructor(docs: EngineContext['docs'], options: EngineOptions = {}) {
    this.ctx = new EngineContext(docs, options);
    this.normaliser = new Normaliser(this.ctx);
    this.evaluator = new Evaluator(this.ctx, this.normaliser);
    this.sampler = new Sampler(this.ctx, this.normaliser, this.evaluator);
    this.prover = new Prover(this.ctx, this.normaliser, this.evaluator, this.sampler);
  }

  get lenient(): boolean {
    return this.ctx.lenient;
  }

  get expired(): boolean {
    return this.ctx.expired;
  }

  tick(): void {
    this.ctx.tick();
  }

  /** Does every instance valid under all of A validate under all of B? */
  subset(A: Raw[], B: Raw[]): Res {
    return this.prover.subset(A, B);
  }

  /** A value valid under every schema of conj (and not rejected by opts.avoid), or NONE. */
  sample(conj: Raw[], opts: SampleOpts = {}, depth = 0): Maybe {
    return this.sampler.sample(conj, opts, depth);
  }

  candidates(conj: Raw[], opts: SampleOpts, depth: number): Generator<unknown> {
    return this.sampler.candidates(conj, opts, depth);
  }
}

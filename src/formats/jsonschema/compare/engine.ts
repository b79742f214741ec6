/**
 * The semantic core: does every instance of A validate under B? Works on conjunctions of normalised
 * schemas, with $ref, allOf, anyOf, oneOf, not, if/then/else and decidable unevaluated*, memoised
 * (recursive schemas are compared coinductively) and bounded by the comparison's Budget. Split into
 * normaliser.ts, evaluator.ts, sampler.ts and prover.ts (each layer extends the one before); model.ts
 * holds what they share.
 */
import { Prover } from './prover.js';

export { BudgetExceeded } from './budget.js';
export { ALL_KINDS, NONE, YES, kindOf, regex, type EngineOptions, type Facts, type Kind, type Res } from './model.js';

/** The semantic checker: normaliser -> evaluator -> sampler -> prover (one module each), one Budget. */
export class Engine extends Prover {}

/**
 * What the four parts of the semantic checker share: the documents, the policy, the comparison's Budget and
 * the formats ajv knows. The parts are separate objects over one context (engine.ts puts them together).
 */
import { ajvFor } from '../ajv.js';
import type { Docs } from './doc.js';
import { Budget } from './budget.js';
import type { EngineOptions } from './model.js';

export class EngineContext {
  readonly docs: Docs;
  readonly lenient: boolean;
  readonly budget: Budget;
  readonly formats: Record<string, unknown>;

  constructor(docs: Docs, options: EngineOptions = {}) {
    this.docs = docs;
    this.lenient = !!options.lenient;
    this.budget = options.budget ?? new Budget();
    this.formats = ajvFor('2020-12').formats as Record<string, unknown>;
  }

  get maxSteps(): number {
    return this.budget.maxSteps;
  }

  get expired(): boolean {
    return this.budget.expired;
  }

  tick(): void {
    this.budget.tick();
  }
}

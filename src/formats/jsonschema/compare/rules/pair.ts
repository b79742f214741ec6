/**
 * What a JSON Schema compare rule is made of: its RuleSpec (id, purpose, message template, category) and the
 * handler that emits it for one pair of nodes (buf's `{ID, purpose, handler}`). The pair walker (differ.ts)
 * builds one `Pair` per old/new node and calls each family's handlers in a fixed order (index.ts); a handler
 * looks at the pair, emits zero or more changes and walks into the child pairs it owns.
 */
import { canonicalJson } from '../../../../model/json.js';
import { fixtureFolder, type RuleSpec } from '../../../../model/rule-spec.js';
import type { Docs, Obj, Raw } from '../doc.js';

export type StepKind = 'prop' | 'item' | 'addl' | 'pattern' | 'pass' | 'contains' | 'opaque';
/** One step from the root to a node: how a witness found at the node is lifted back to the root. */
export interface Step {
  o: Raw;
  n: Raw;
  kind: StepKind;
  key?: string;
  index?: number;
}

/** What a change is judged with: the old node, the new one, and the old node with the change applied. */
export interface Judgement {
  o: Raw;
  n: Raw;
  mutated: () => Raw;
  prop?: string;
}

/** The keywords changed in the old node to apply one change alone (built when judged: a function defers it). */
export type Mutation = Record<string, unknown> | (() => Record<string, unknown>);

/** One old/new pair of nodes as the handlers see it. */
export interface Pair<T extends Raw = Obj> {
  readonly o: T;
  readonly n: T;
  readonly docs: Docs;
  /** The pointer of the pair (the new node's, else the old one's). */
  readonly path: string;
  readonly trail: Step[];
  /** The pointer of keyword k in the new node (kp) or the old one (okp). */
  kp(k: string): string;
  okp(k: string): string;
  /** The trail to a child pair. */
  step(kind: StepKind, extra?: Partial<Step>): Step[];
  /** Judge a change as "the old node with only these keywords changed" (prop: a property judged on its own). */
  judge(changes: Mutation, prop?: string): Judgement;
  /** Report a change of `rule` at `path`. */
  emit(rule: string, path: string, params: Record<string, unknown>, judge?: Judgement): void;
  /** Walk a child pair. */
  walk(o: Raw, n: Raw, trail: Step[]): void;
}

/** A handler returns STOP when the pair needs no other handler (a boolean schema, a $ref compared through its target). */
export const STOP = true;
export type PairHandler<T extends Raw = Obj> = (p: Pair<T>) => boolean | void;

/** A JSON Schema rule: its spec (always a template, a category and a fixture pair) and the handler that emits it. */
export type JsonRuleSpec = RuleSpec & {
  readonly template: string;
  readonly category: 'annotation' | 'validation';
  /** How a value of the change shows in its message (default: JSON, cut at 80 characters). */
  readonly show?: (key: string, value: unknown) => string | undefined;
};
export type JsonRule = JsonRuleSpec & {
  /**
   * The pair handler that emits the rule; absent for the rules the comparison itself reports from its
   * verdicts (compare/index.ts calls the builders in verdict.ts and annotations.ts).
   */
  readonly handler?: PairHandler<Obj> | PairHandler<Raw>;
};

export function rule(
  id: string,
  purpose: string,
  template: string,
  handler: JsonRule['handler'],
  category: 'annotation' | 'validation' = 'validation',
  show?: JsonRuleSpec['show'],
): JsonRule {
  return { id, format: 'json', purpose, template, category, fixture: fixtureFolder('json', id), ...(handler ? { handler } : {}), ...(show ? { show } : {}) };
}

export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

/** Keywords that validate (the rest are annotations or unknown keywords). */
export const VALIDATION = new Set([
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'prefixItems',
  'contains',
  'minContains',
  'maxContains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'dependentRequired',
  'dependentSchemas',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  'unevaluatedProperties',
  'unevaluatedItems',
  '$defs',
  'definitions',
  '$dynamicRef',
  '$recursiveRef',
  '$dynamicAnchor',
  '$recursiveAnchor',
]);

/** The four rules of a numeric bound (minimum, maxLength, maxItems, ...), by what happened to it. */
export interface BoundIds {
  added: string;
  removed: string;
  increased: string;
  decreased: string;
}

/** The handler of one bound keyword: added, removed, raised or lowered. */
export function boundHandler(k: string, ids: BoundIds): PairHandler {
  return (p) => {
    const a = p.o[k] as number | undefined;
    const b = p.n[k] as number | undefined;
    if (a === b) return;
    const id = a === undefined ? ids.added : b === undefined ? ids.removed : b > a ? ids.increased : ids.decreased;
    p.emit(id, b === undefined ? p.okp(k) : p.kp(k), { old: a, new: b }, p.judge({ [k]: b }));
  };
}

/** unevaluatedProperties / unevaluatedItems (decided where the model allows; see the rule's purpose). */
import { rule, same, type JsonRule, type Pair } from './pair.js';

export function unevaluated(p: Pair): void {
  for (const k of ['unevaluatedProperties', 'unevaluatedItems']) {
    if (!same(p.o[k], p.n[k])) p.emit('UNEVALUATED_CHANGED', k in p.n ? p.kp(k) : p.okp(k), { keyword: k }, p.judge({ [k]: p.n[k] }));
  }
}

export const UNEVALUATED_RULES: readonly JsonRule[] = [
  rule(
    'UNEVALUATED_CHANGED',
    'unevaluatedProperties / unevaluatedItems changed; decided beside properties, patternProperties, additionalProperties, prefixItems and through allOf / $ref; undecided when an anyOf, oneOf, if/then/else or dependentSchemas beside it declares properties (items), when contains evaluates items, and with $dynamicRef',
    '{keyword} changed',
    unevaluated,
  ),
];

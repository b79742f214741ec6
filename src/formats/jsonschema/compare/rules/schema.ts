/**
 * Rules about a pair of nodes as a whole: a boolean schema on either side, and a $ref (with siblings, 2019-09+)
 * compared as the allOf of its target and the rest. Both run before any keyword handler and may end the pair.
 */
import { isObject } from '../../walk.js';
import type { Obj, Raw } from '../doc.js';
import { rule, STOP, VALIDATION, type JsonRule, type Pair } from './pair.js';

/** A boolean schema (true/false) on either side: compared whole. */
export function booleanSchema(p: Pair<Raw>): boolean | void {
  const { o, n } = p;
  if (typeof o !== 'boolean' && typeof n !== 'boolean') return;
  const empty = (s: Raw) => s === true || (isObject(s) && Object.keys(s).every((k) => !VALIDATION.has(k)));
  if (o === n || (empty(o) && empty(n))) return STOP;
  p.emit('BOOLEAN_SCHEMA_CHANGED', p.path, { old: o, new: n }, { o, mutated: () => n, n });
  return STOP;
}

/** $ref with siblings (2019-09+): compared as allOf of the target and the rest; an unresolved $ref is reported. */
export function refWithSiblings(p: Pair): boolean | void {
  const { o, n, docs } = p;
  if (typeof o.$ref !== 'string' && typeof n.$ref !== 'string') return;
  const asAll = (s: Obj): Raw => {
    if (typeof s.$ref !== 'string') return s;
    const t = docs.resolve(s, s.$ref);
    if (t === undefined) return s;
    const rest = { ...s };
    delete rest.$ref;
    return docs.adopt({ ...rest, allOf: [t, ...((rest.allOf as Raw[]) ?? [])] }, s);
  };
  const o2 = asAll(o);
  const n2 = asAll(n);
  for (const [s, side] of [
    [o2, o],
    [n2, n],
  ] as const) {
    if (s === side && typeof side.$ref === 'string') {
      p.emit('REF_UNRESOLVED', p.path, { new: side.$ref }, { o, mutated: () => n, n });
      return STOP;
    }
  }
  if (o2 !== o || n2 !== n) {
    p.walk(o2, n2, p.step('pass'));
    return STOP;
  }
}

export const SCHEMA_RULES: readonly JsonRule[] = [
  rule('BOOLEAN_SCHEMA_CHANGED', 'a boolean schema (true/false) became a schema object, or the reverse', 'schema changed from {old} to {new}', booleanSchema),
  rule('REF_UNRESOLVED', 'a $ref could not be resolved, so the checker cannot compare what it points to', "cannot resolve $ref '{new}'", refWithSiblings),
];

/**
 * Composition rules: allOf / anyOf / oneOf branches (paired by content, then by type), not, and
 * if / then / else. A combinator added, removed or swapped is one change judged whole.
 */
import { canonicalJson } from '../../../../model/json.js';
import { isObject, ptr } from '../../walk.js';
import type { Raw } from '../doc.js';
import { rule, same, type JsonRule, type Pair } from './pair.js';

const COMBS = ['allOf', 'anyOf', 'oneOf', 'not', 'if'];

/** Combinators: the set of them, then each one's branches, not-schema and if/then/else. */
export function combinators(p: Pair): void {
  const { o, n } = p;
  const combsO = COMBS.filter((c) => c in o);
  const combsN = COMBS.filter((c) => c in n);
  if (!same(combsO, combsN)) {
    const ch: Record<string, unknown> = {};
    for (const c of [...COMBS, 'then', 'else']) ch[c] = n[c];
    p.emit('COMBINED_TYPE_CHANGED', p.path, { old: combsO.join('+') || 'none', new: combsN.join('+') || 'none' }, p.judge(ch));
    return;
  }
  for (const c of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(o[c]) && Array.isArray(n[c])) branches(p, c, o[c] as Raw[], n[c] as Raw[]);
  }
  if ('not' in o && !same(o.not, n.not)) p.emit('NOT_TYPE_CHANGED', p.kp('not'), {}, p.judge({ not: n.not }));
  if ('if' in o) {
    if (!same(o.if, n.if)) p.emit('CONDITION_CHANGED', p.kp('if'), {}, p.judge({ if: n.if }));
    if ('then' in o && 'then' in n) p.walk(o.then as Raw, n.then as Raw, p.step('pass'));
    else if ('then' in n) p.emit('THEN_ADDED', p.kp('then'), {}, p.judge({ then: n.then }));
    else if ('then' in o) p.emit('THEN_REMOVED', p.okp('then'), {}, p.judge({ then: undefined }));
    if ('else' in o && 'else' in n) p.walk(o.else as Raw, n.else as Raw, p.step('pass'));
    else if ('else' in n) p.emit('ELSE_ADDED', p.kp('else'), {}, p.judge({ else: n.else }));
    else if ('else' in o) p.emit('ELSE_REMOVED', p.okp('else'), {}, p.judge({ else: undefined }));
  }
}

/** The branches of one combinator: equal content pairs up; the rest pair by type when the counts agree. */
function branches(p: Pair, c: 'allOf' | 'anyOf' | 'oneOf', bo: Raw[], bn: Raw[]): void {
  const { o, n, docs } = p;
  const key = (s: Raw) => docs.canonical(s);
  // each new branch takes the first old branch left with the same content (none holding a $ref): by a
  // map of content to old positions, not a scan per branch (quadratic for 10,000 branches)
  const all = bo.map((s, i) => ({ s, i, k: key(s) }));
  const byKey = new Map<string, number[]>();
  for (let j = all.length - 1; j >= 0; j--) {
    const k = all[j].k;
    if (k.includes('"$ref"')) continue;
    const q = byKey.get(k);
    if (q) q.push(j);
    else byKey.set(k, [j]);
  }
  const taken = new Set<number>();
  const leftN: Array<{ s: Raw; i: number; k: string }> = [];
  for (const [i, s] of bn.entries()) {
    const k = key(s);
    const j = byKey.get(k)?.pop();
    if (j !== undefined) taken.add(j);
    else leftN.push({ s, i, k });
  }
  const leftO = taken.size ? all.filter((_, j) => !taken.has(j)) : all;
  if (!leftO.length && !leftN.length) return;
  if (leftO.length === leftN.length) {
    // pair by shared type first, then in order
    const typeOf = (s: Raw) => (isObject(s) ? canonicalJson(s.type ?? null) : String(s));
    for (const x of leftN) {
      let j = leftO.findIndex((y) => typeOf(y.s) === typeOf(x.s));
      if (j < 0) j = 0;
      const y = leftO.splice(j, 1)[0];
      p.walk(y.s, x.s, p.step('pass'));
    }
    return;
  }
  const path = docs.keyPath(n, c);
  const id = !leftO.length
    ? c === 'allOf'
      ? 'PRODUCT_TYPE_EXTENDED'
      : 'SUM_TYPE_EXTENDED'
    : !leftN.length
      ? c === 'allOf'
        ? 'PRODUCT_TYPE_NARROWED'
        : 'SUM_TYPE_NARROWED'
      : 'COMBINED_TYPE_SUBSCHEMAS_CHANGED';
  const where = leftN.length ? docs.pointerOf(leftN[0].s) || path + ptr(leftN[0].i) : docs.pointerOf(leftO[0].s) || docs.keyPath(o, c) + ptr(leftO[0].i);
  p.emit(id, leftN.length && leftO.length ? path : where, { keyword: c }, p.judge({ [c]: n[c] }));
}

export const COMPOSITION_RULES: readonly JsonRule[] = [
  rule('SUM_TYPE_EXTENDED', 'anyOf/oneOf branches were added', '{keyword} branch added', combinators),
  rule('SUM_TYPE_NARROWED', 'anyOf/oneOf branches were removed', '{keyword} branch removed', combinators),
  rule('PRODUCT_TYPE_EXTENDED', 'allOf conjuncts were added', 'allOf subschema added', combinators),
  rule('PRODUCT_TYPE_NARROWED', 'allOf conjuncts were removed', 'allOf subschema removed', combinators),
  rule('COMBINED_TYPE_SUBSCHEMAS_CHANGED', 'anyOf/oneOf/allOf branches were both added and removed', '{keyword} branches changed', combinators),
  rule(
    'COMBINED_TYPE_CHANGED',
    'combinators (allOf, anyOf, oneOf, not, if) were added, removed or swapped',
    'combinators changed from {old} to {new}',
    combinators,
  ),
  rule('NOT_TYPE_CHANGED', 'the schema under not changed', 'not-schema changed', combinators),
  rule('CONDITION_CHANGED', 'the if condition of if/then/else changed', 'if-condition changed', combinators),
  rule('THEN_ADDED', 'a then branch was added', 'then added', combinators),
  rule('THEN_REMOVED', 'the then branch was removed', 'then removed', combinators),
  rule('ELSE_ADDED', 'an else branch was added', 'else added', combinators),
  rule('ELSE_REMOVED', 'the else branch was removed', 'else removed', combinators),
];

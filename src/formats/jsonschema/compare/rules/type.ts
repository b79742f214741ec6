/**
 * Type rules: the allowed types narrowed, extended or changed. Compared as written: `number` with an
 * integral multipleOf is normalised to `integer`, but a multipleOf added or removed is one change
 * (numeric.ts), not also a type change.
 */
import { isObject } from '../../walk.js';
import type { Obj } from '../doc.js';
import { rule, same, type JsonRule, type Pair } from './pair.js';

const ALL = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

/** type and multipleOf as written (before `number` + integral multipleOf became `integer`). */
export function declType(p: Pair, s: Obj): string[] | undefined {
  const d = p.docs.info.get(s)?.declared;
  return (d ? d.type : s.type) as string[] | undefined;
}
export function declMult(p: Pair, s: Obj): number | undefined {
  const d = p.docs.info.get(s)?.declared;
  return (d ? d.multipleOf : s.multipleOf) as number | undefined;
}

export function types(p: Pair): void {
  const { o, n } = p;
  if (same(o.type, n.type) || same(declType(p, o), declType(p, n))) return;
  const to = declType(p, o) ?? ALL;
  const tn = declType(p, n) ?? ALL;
  const covers = (xs: string[], t: string) => xs.includes(t) || (t === 'integer' && xs.includes('number'));
  const removed = to.some((t) => !covers(tn, t));
  const added = tn.some((t) => !covers(to, t));
  const id = removed && !added ? 'TYPE_NARROWED' : added && !removed ? 'TYPE_EXTENDED' : 'TYPE_CHANGED';
  // as written: 'integer' or ['integer', 'null'] (an anyOf of bare types shows its normalised type array)
  const written = (s: Obj): unknown => {
    const w = p.docs.written(s);
    const t = isObject(w) ? w.type : undefined;
    return typeof t === 'string' || Array.isArray(t) ? t : (declType(p, s) ?? 'any');
  };
  p.emit(id, 'type' in n ? p.kp('type') : p.okp('type'), { old: written(o), new: written(n) }, p.judge({ type: declType(p, n), multipleOf: declMult(p, o) }));
}

/** A type as people write it: `integer` for one type, the array for several. */
const showType = (k: string, v: unknown): string | undefined => {
  if (k !== 'old' && k !== 'new') return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
};

export const TYPE_RULES: readonly JsonRule[] = [
  rule('TYPE_NARROWED', 'types were removed from the allowed types', 'type narrowed from {old} to {new}', types, 'validation', showType),
  rule('TYPE_EXTENDED', 'types were added to the allowed types', 'type extended from {old} to {new}', types, 'validation', showType),
  rule('TYPE_CHANGED', 'the allowed types changed', 'type changed from {old} to {new}', types, 'validation', showType),
];

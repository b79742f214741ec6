/** Enum and const rules: values allowed by enumeration (a one-value enum written as const reports as const). */
import { enumChange } from '../values.js';
import { rule, same, type JsonRule, type Pair } from './pair.js';

export function enumConst(p: Pair): void {
  const { o, n } = p;
  const ec = Array.isArray(o.enum) && Array.isArray(n.enum) ? enumChange(o.enum, n.enum) : undefined;
  if (!(ec ? ec.removed || ec.added : !same(o.enum, n.enum))) return;
  const eo = o.enum as unknown[] | undefined;
  const en = n.enum as unknown[] | undefined;
  const removed = ec ? ec.removed : !eo;
  const added = ec ? ec.added : !en;
  const keyO = p.docs.info.get(o)?.keys?.enum;
  const keyN = p.docs.info.get(n)?.keys?.enum;
  const isConst = (eo === undefined || keyO === 'const') && (en === undefined || keyN === 'const');
  let id: string;
  if (isConst) id = !eo ? 'CONST_ADDED' : !en ? 'CONST_REMOVED' : 'CONST_CHANGED';
  else id = removed && !added ? 'ENUM_ARRAY_NARROWED' : added && !removed ? 'ENUM_ARRAY_EXTENDED' : 'ENUM_ARRAY_CHANGED';
  const show = (e: unknown[] | undefined, k?: string) => (e && k === 'const' ? e[0] : e);
  p.emit(id, 'enum' in n ? p.kp('enum') : p.okp('enum'), { old: show(eo, keyO), new: show(en, keyN) }, p.judge({ enum: en }));
}

export const ENUM_RULES: readonly JsonRule[] = [
  rule('ENUM_ARRAY_NARROWED', 'enum values were removed (or an enum was added)', 'enum narrowed from {old} to {new}', enumConst),
  rule('ENUM_ARRAY_EXTENDED', 'enum values were added (or the enum was removed)', 'enum extended from {old} to {new}', enumConst),
  rule('ENUM_ARRAY_CHANGED', 'enum values were both added and removed', 'enum changed from {old} to {new}', enumConst),
  rule('CONST_ADDED', 'a const was added', 'const {new} added', enumConst),
  rule('CONST_REMOVED', 'the const was removed', 'const {old} removed', enumConst),
  rule('CONST_CHANGED', 'the const value changed', 'const changed from {old} to {new}', enumConst),
];

/** Numeric rules: minimum, maximum, their exclusive forms, and multipleOf. */
import { boundHandler, rule, same, type JsonRule, type Pair } from './pair.js';
import { declMult, declType } from './type.js';

export const maximum = boundHandler('maximum', {
  added: 'MAXIMUM_ADDED',
  removed: 'MAXIMUM_REMOVED',
  increased: 'MAXIMUM_INCREASED',
  decreased: 'MAXIMUM_DECREASED',
});
export const minimum = boundHandler('minimum', {
  added: 'MINIMUM_ADDED',
  removed: 'MINIMUM_REMOVED',
  increased: 'MINIMUM_INCREASED',
  decreased: 'MINIMUM_DECREASED',
});
export const exclusiveMaximum = boundHandler('exclusiveMaximum', {
  added: 'EXCLUSIVE_MAXIMUM_ADDED',
  removed: 'EXCLUSIVE_MAXIMUM_REMOVED',
  increased: 'EXCLUSIVE_MAXIMUM_INCREASED',
  decreased: 'EXCLUSIVE_MAXIMUM_DECREASED',
});
export const exclusiveMinimum = boundHandler('exclusiveMinimum', {
  added: 'EXCLUSIVE_MINIMUM_ADDED',
  removed: 'EXCLUSIVE_MINIMUM_REMOVED',
  increased: 'EXCLUSIVE_MINIMUM_INCREASED',
  decreased: 'EXCLUSIVE_MINIMUM_DECREASED',
});

/** multipleOf: where the normalised types agree, so do the spellings that matter; otherwise compared as written. */
export function multipleOf(p: Pair): void {
  const { o, n } = p;
  const typesDiffer = !same(o.type, n.type);
  const [a, b] = typesDiffer ? [declMult(p, o), declMult(p, n)] : [o.multipleOf as number | undefined, n.multipleOf as number | undefined];
  if (a === b) return;
  const mult = (x: number, y: number) => Number.isInteger(x / y) || Math.abs(Math.round(x / y) - x / y) < 1e-9;
  const id =
    a === undefined
      ? 'MULTIPLE_OF_ADDED'
      : b === undefined
        ? 'MULTIPLE_OF_REMOVED'
        : mult(b, a)
          ? 'MULTIPLE_OF_EXPANDED'
          : mult(a, b)
            ? 'MULTIPLE_OF_REDUCED'
            : 'MULTIPLE_OF_CHANGED';
  p.emit(
    id,
    b === undefined ? p.okp('multipleOf') : p.kp('multipleOf'),
    { old: a, new: b },
    p.judge(typesDiffer ? { multipleOf: b, type: declType(p, o) } : { multipleOf: b }),
  );
}

export const NUMERIC_RULES: readonly JsonRule[] = [
  rule('MAXIMUM_ADDED', 'a maximum was added', 'maximum {new} added', maximum),
  rule('MAXIMUM_REMOVED', 'the maximum was removed', 'maximum {old} removed', maximum),
  rule('MAXIMUM_INCREASED', 'the maximum was raised', 'maximum increased from {old} to {new}', maximum),
  rule('MAXIMUM_DECREASED', 'the maximum was lowered', 'maximum decreased from {old} to {new}', maximum),
  rule('MINIMUM_ADDED', 'a minimum was added', 'minimum {new} added', minimum),
  rule('MINIMUM_REMOVED', 'the minimum was removed', 'minimum {old} removed', minimum),
  rule('MINIMUM_INCREASED', 'the minimum was raised', 'minimum increased from {old} to {new}', minimum),
  rule('MINIMUM_DECREASED', 'the minimum was lowered', 'minimum decreased from {old} to {new}', minimum),
  rule('EXCLUSIVE_MAXIMUM_ADDED', 'a exclusiveMaximum was added', 'exclusiveMaximum {new} added', exclusiveMaximum),
  rule('EXCLUSIVE_MAXIMUM_REMOVED', 'the exclusiveMaximum was removed', 'exclusiveMaximum {old} removed', exclusiveMaximum),
  rule('EXCLUSIVE_MAXIMUM_INCREASED', 'the exclusiveMaximum was raised', 'exclusiveMaximum increased from {old} to {new}', exclusiveMaximum),
  rule('EXCLUSIVE_MAXIMUM_DECREASED', 'the exclusiveMaximum was lowered', 'exclusiveMaximum decreased from {old} to {new}', exclusiveMaximum),
  rule('EXCLUSIVE_MINIMUM_ADDED', 'a exclusiveMinimum was added', 'exclusiveMinimum {new} added', exclusiveMinimum),
  rule('EXCLUSIVE_MINIMUM_REMOVED', 'the exclusiveMinimum was removed', 'exclusiveMinimum {old} removed', exclusiveMinimum),
  rule('EXCLUSIVE_MINIMUM_INCREASED', 'the exclusiveMinimum was raised', 'exclusiveMinimum increased from {old} to {new}', exclusiveMinimum),
  rule('EXCLUSIVE_MINIMUM_DECREASED', 'the exclusiveMinimum was lowered', 'exclusiveMinimum decreased from {old} to {new}', exclusiveMinimum),
  rule('MULTIPLE_OF_ADDED', 'a multipleOf was added', 'multipleOf {new} added', multipleOf),
  rule('MULTIPLE_OF_REMOVED', 'the multipleOf was removed', 'multipleOf {old} removed', multipleOf),
  rule('MULTIPLE_OF_EXPANDED', 'multipleOf became a multiple of the old one (fewer numbers pass)', 'multipleOf changed from {old} to {new}', multipleOf),
  rule('MULTIPLE_OF_REDUCED', 'multipleOf became a divisor of the old one (more numbers pass)', 'multipleOf changed from {old} to {new}', multipleOf),
  rule('MULTIPLE_OF_CHANGED', 'multipleOf changed to an unrelated number', 'multipleOf changed from {old} to {new}', multipleOf),
];

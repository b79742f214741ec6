/** String rules: minLength, maxLength, pattern and format. */
import { boundHandler, rule, same, type JsonRule, type Pair } from './pair.js';

export const maxLength = boundHandler('maxLength', {
  added: 'MAX_LENGTH_ADDED',
  removed: 'MAX_LENGTH_REMOVED',
  increased: 'MAX_LENGTH_INCREASED',
  decreased: 'MAX_LENGTH_DECREASED',
});
export const minLength = boundHandler('minLength', {
  added: 'MIN_LENGTH_ADDED',
  removed: 'MIN_LENGTH_REMOVED',
  increased: 'MIN_LENGTH_INCREASED',
  decreased: 'MIN_LENGTH_DECREASED',
});

export function pattern(p: Pair): void {
  const { o, n } = p;
  if (same(o.pattern, n.pattern)) return;
  const id = o.pattern === undefined ? 'PATTERN_ADDED' : n.pattern === undefined ? 'PATTERN_REMOVED' : 'PATTERN_CHANGED';
  p.emit(id, n.pattern === undefined ? p.okp('pattern') : p.kp('pattern'), { old: o.pattern, new: n.pattern }, p.judge({ pattern: n.pattern }));
}

export function format(p: Pair): void {
  const { o, n } = p;
  if (same(o.format, n.format)) return;
  const id = o.format === undefined ? 'FORMAT_ADDED' : n.format === undefined ? 'FORMAT_REMOVED' : 'FORMAT_CHANGED';
  p.emit(id, n.format === undefined ? p.okp('format') : p.kp('format'), { old: o.format, new: n.format }, p.judge({ format: n.format }));
}

export const STRING_RULES: readonly JsonRule[] = [
  rule('MAX_LENGTH_ADDED', 'a maxLength was added', 'maxLength {new} added', maxLength),
  rule('MAX_LENGTH_REMOVED', 'the maxLength was removed', 'maxLength {old} removed', maxLength),
  rule('MAX_LENGTH_INCREASED', 'the maxLength was raised', 'maxLength increased from {old} to {new}', maxLength),
  rule('MAX_LENGTH_DECREASED', 'the maxLength was lowered', 'maxLength decreased from {old} to {new}', maxLength),
  rule('MIN_LENGTH_ADDED', 'a minLength was added', 'minLength {new} added', minLength),
  rule('MIN_LENGTH_REMOVED', 'the minLength was removed', 'minLength {old} removed', minLength),
  rule('MIN_LENGTH_INCREASED', 'the minLength was raised', 'minLength increased from {old} to {new}', minLength),
  rule('MIN_LENGTH_DECREASED', 'the minLength was lowered', 'minLength decreased from {old} to {new}', minLength),
  rule('PATTERN_ADDED', 'a pattern was added', 'pattern {new} added', pattern),
  rule('PATTERN_REMOVED', 'the pattern was removed', 'pattern {old} removed', pattern),
  rule('PATTERN_CHANGED', 'the pattern changed', 'pattern changed from {old} to {new}', pattern),
  rule('FORMAT_ADDED', 'a format was added', 'format {new} added', format),
  rule('FORMAT_REMOVED', 'the format was removed', 'format {old} removed', format),
  rule('FORMAT_CHANGED', 'the format changed', 'format changed from {old} to {new}', format),
];

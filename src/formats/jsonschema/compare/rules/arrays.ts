/** Array rules: minItems, maxItems, uniqueItems, items, prefixItems (tuples) and contains. */
import { isObject, ptr } from '../../walk.js';
import type { Raw } from '../doc.js';
import { boundHandler, rule, same, type JsonRule, type Pair, type Step } from './pair.js';

export const maxItems = boundHandler('maxItems', {
  added: 'MAX_ITEMS_ADDED',
  removed: 'MAX_ITEMS_REMOVED',
  increased: 'MAX_ITEMS_INCREASED',
  decreased: 'MAX_ITEMS_DECREASED',
});
export const minItems = boundHandler('minItems', {
  added: 'MIN_ITEMS_ADDED',
  removed: 'MIN_ITEMS_REMOVED',
  increased: 'MIN_ITEMS_INCREASED',
  decreased: 'MIN_ITEMS_DECREASED',
});

export function uniqueItems(p: Pair): void {
  const { o, n } = p;
  if (!!o.uniqueItems === !!n.uniqueItems) return;
  p.emit(
    n.uniqueItems ? 'UNIQUE_ITEMS_ADDED' : 'UNIQUE_ITEMS_REMOVED',
    n.uniqueItems ? p.kp('uniqueItems') : p.okp('uniqueItems'),
    {},
    p.judge({ uniqueItems: n.uniqueItems }),
  );
}

/** Positional items, pairwise; then the schema for the rest of the items. */
export function itemsAndPrefix(p: Pair): void {
  const { o, n, docs } = p;
  const po = (o.prefixItems as Raw[] | undefined) ?? [];
  const pn = (n.prefixItems as Raw[] | undefined) ?? [];
  for (let i = 0; i < Math.max(po.length, pn.length); i++) {
    if (i < po.length && i < pn.length) p.walk(po[i], pn[i], p.step('item', { index: i }));
    else if (i < pn.length)
      p.emit('PREFIX_ITEM_ADDED', docs.pointerOf(pn[i]) || p.kp('prefixItems') + ptr(i), { index: i }, p.judge({ prefixItems: n.prefixItems }));
    else p.emit('PREFIX_ITEM_REMOVED', docs.pointerOf(po[i]) || p.okp('prefixItems') + ptr(i), { index: i }, p.judge({ prefixItems: n.prefixItems }));
  }
  const a = o.items as Raw | undefined;
  const b = n.items as Raw | undefined;
  if (optionalSchema(p, 'items', () => p.step('item', { index: Math.max(po.length, pn.length) }))) return;
  const id = a === undefined ? 'ITEMS_ADDED' : b === undefined ? 'ITEMS_REMOVED' : 'ITEMS_CHANGED';
  p.emit(id, docs.keyPath(b === undefined ? o : n, 'items'), { old: a, new: b, keyword: 'items' }, p.judge({ items: b }));
}

/** contains (a boolean replaced by another reports as added), then minContains / maxContains. */
export function contains(p: Pair): void {
  const { o, n, docs } = p;
  const a = o.contains as Raw | undefined;
  const b = n.contains as Raw | undefined;
  if (!optionalSchema(p, 'contains', () => p.step('contains'))) {
    const id = b === undefined ? 'CONTAINS_REMOVED' : 'CONTAINS_ADDED';
    p.emit(id, docs.keyPath(b === undefined ? o : n, 'contains'), { old: a, new: b, keyword: 'contains' }, p.judge({ contains: b }));
  }
  for (const k of ['minContains', 'maxContains']) {
    if (o[k] !== n[k]) p.emit('CONTAINS_CHANGED', k in n ? p.kp(k) : p.okp(k), { keyword: k, old: o[k], new: n[k] }, p.judge({ [k]: n[k] }));
  }
}

/** An optional subschema keyword: true when nothing is left to report (absent, equal, or walked as a pair). */
function optionalSchema(p: Pair, k: string, next: () => Step[]): boolean {
  const a = p.o[k] as Raw | undefined;
  const b = p.n[k] as Raw | undefined;
  if (a === undefined && b === undefined) return true;
  if (a !== undefined && b !== undefined && (isObject(a) || isObject(b))) {
    p.walk(a, b, next());
    return true;
  }
  return same(a, b);
}

export const ARRAY_RULES: readonly JsonRule[] = [
  rule('MAX_ITEMS_ADDED', 'a maxItems was added', 'maxItems {new} added', maxItems),
  rule('MAX_ITEMS_REMOVED', 'the maxItems was removed', 'maxItems {old} removed', maxItems),
  rule('MAX_ITEMS_INCREASED', 'the maxItems was raised', 'maxItems increased from {old} to {new}', maxItems),
  rule('MAX_ITEMS_DECREASED', 'the maxItems was lowered', 'maxItems decreased from {old} to {new}', maxItems),
  rule('MIN_ITEMS_ADDED', 'a minItems was added', 'minItems {new} added', minItems),
  rule('MIN_ITEMS_REMOVED', 'the minItems was removed', 'minItems {old} removed', minItems),
  rule('MIN_ITEMS_INCREASED', 'the minItems was raised', 'minItems increased from {old} to {new}', minItems),
  rule('MIN_ITEMS_DECREASED', 'the minItems was lowered', 'minItems decreased from {old} to {new}', minItems),
  rule('UNIQUE_ITEMS_ADDED', 'uniqueItems was turned on', 'uniqueItems added', uniqueItems),
  rule('UNIQUE_ITEMS_REMOVED', 'uniqueItems was turned off', 'uniqueItems removed', uniqueItems),
  rule('ITEMS_ADDED', 'a schema for (the rest of) the array items was added', 'items schema {new} added', itemsAndPrefix),
  rule('ITEMS_REMOVED', 'the schema for (the rest of) the array items was removed', 'items schema {old} removed', itemsAndPrefix),
  rule(
    'ITEMS_CHANGED',
    'the schema for (the rest of) the array items changed between a boolean and a schema',
    'items changed from {old} to {new}',
    itemsAndPrefix,
  ),
  rule('PREFIX_ITEM_ADDED', 'a positional (tuple) item schema was added', 'tuple item {index} added', itemsAndPrefix),
  rule('PREFIX_ITEM_REMOVED', 'a positional (tuple) item schema was removed', 'tuple item {index} removed', itemsAndPrefix),
  rule('CONTAINS_ADDED', 'a contains constraint was added', 'contains added', contains),
  rule('CONTAINS_REMOVED', 'the contains constraint was removed', 'contains removed', contains),
  rule('CONTAINS_CHANGED', 'minContains / maxContains changed', '{keyword} changed from {old} to {new}', contains),
];

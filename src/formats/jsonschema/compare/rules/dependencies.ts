/** Dependency rules: dependentRequired (dependencies arrays) and dependentSchemas (dependencies schemas). */
import { canonicalJson } from '../../../../model/json.js';
import { isObject, ptr } from '../../walk.js';
import type { Raw } from '../doc.js';
import { rule, same, type JsonRule, type Pair } from './pair.js';

export function dependentRequired(p: Pair): void {
  const drO = (isObject(p.o.dependentRequired) ? p.o.dependentRequired : {}) as Record<string, string[]>;
  const drN = (isObject(p.n.dependentRequired) ? p.n.dependentRequired : {}) as Record<string, string[]>;
  for (const k of new Set([...Object.keys(drO), ...Object.keys(drN)])) {
    const a = drO[k];
    const b = drN[k];
    if (same(a && [...a].sort(), b && [...b].sort())) continue;
    const id = !a
      ? 'DEPENDENCY_ARRAY_ADDED'
      : !b
        ? 'DEPENDENCY_ARRAY_REMOVED'
        : b.every((x) => a.includes(x))
          ? 'DEPENDENCY_ARRAY_NARROWED'
          : a.every((x) => b.includes(x))
            ? 'DEPENDENCY_ARRAY_EXTENDED'
            : 'DEPENDENCY_ARRAY_CHANGED';
    const next = () => {
      const x = { ...drO };
      if (b) x[k] = b;
      else delete x[k];
      return x;
    };
    p.emit(
      id,
      (b ? p.kp('dependentRequired') : p.okp('dependentRequired')) + ptr(k),
      { name: k, old: a, new: b },
      p.judge(() => ({ dependentRequired: next() })),
    );
  }
}

export function dependentSchemas(p: Pair): void {
  const dsO = (isObject(p.o.dependentSchemas) ? p.o.dependentSchemas : {}) as Record<string, Raw>;
  const dsN = (isObject(p.n.dependentSchemas) ? p.n.dependentSchemas : {}) as Record<string, Raw>;
  for (const k of new Set([...Object.keys(dsO), ...Object.keys(dsN)])) {
    const a = dsO[k];
    const b = dsN[k];
    if (a !== undefined && b !== undefined && same(a, b) && !canonicalJson(a).includes('"$ref"')) continue;
    if (a !== undefined && b !== undefined && same(a, b)) continue;
    const id = a === undefined ? 'DEPENDENCY_SCHEMA_ADDED' : b === undefined ? 'DEPENDENCY_SCHEMA_REMOVED' : 'DEPENDENCY_SCHEMA_CHANGED';
    const next = () => {
      const x = { ...dsO };
      if (b !== undefined) x[k] = b;
      else delete x[k];
      return x;
    };
    p.emit(
      id,
      (b !== undefined ? p.kp('dependentSchemas') : p.okp('dependentSchemas')) + ptr(k),
      { name: k },
      p.judge(() => ({ dependentSchemas: next() })),
    );
  }
}

export const DEPENDENCY_RULES: readonly JsonRule[] = [
  rule('DEPENDENCY_ARRAY_ADDED', 'a dependentRequired (dependencies array) entry was added', "dependency of '{name}' on {new} added", dependentRequired),
  rule('DEPENDENCY_ARRAY_REMOVED', 'a dependentRequired entry was removed', "dependency of '{name}' on {old} removed", dependentRequired),
  rule(
    'DEPENDENCY_ARRAY_EXTENDED',
    'a dependentRequired entry requires more properties',
    "dependency of '{name}' extended from {old} to {new}",
    dependentRequired,
  ),
  rule(
    'DEPENDENCY_ARRAY_NARROWED',
    'a dependentRequired entry requires fewer properties',
    "dependency of '{name}' narrowed from {old} to {new}",
    dependentRequired,
  ),
  rule('DEPENDENCY_ARRAY_CHANGED', 'a dependentRequired entry changed', "dependency of '{name}' changed from {old} to {new}", dependentRequired),
  rule('DEPENDENCY_SCHEMA_ADDED', 'a dependentSchemas (dependencies schema) entry was added', "dependent schema for '{name}' added", dependentSchemas),
  rule('DEPENDENCY_SCHEMA_REMOVED', 'a dependentSchemas entry was removed', "dependent schema for '{name}' removed", dependentSchemas),
  rule('DEPENDENCY_SCHEMA_CHANGED', 'a dependentSchemas entry changed', "dependent schema for '{name}' changed", dependentSchemas),
];

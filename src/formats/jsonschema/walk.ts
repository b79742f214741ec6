/**
 * Structural knowledge of JSON Schema keywords: which keywords hold subschemas. Shared by
 * canonicalisation, search, the differ and the LLM exporters so none of them mistakes a property
 * named "description" for an annotation.
 */

export type JsonSchema = boolean | { [k: string]: unknown };

/** Keywords whose value is one schema. */
export const SCHEMA_KEYWORDS = [
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
] as const;
/** Keywords whose value is an array of schemas. */
export const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
/** Keywords whose value is an object of schemas. */
export const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;

/** Keywords that annotate and never change what validates. */
export const ANNOTATION_KEYWORDS = new Set(['title', 'description', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'default']);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Escape one JSON pointer token. */
export function ptr(token: string | number): string {
  if (typeof token === 'number') return '/' + token;
  if (!token.includes('~') && !token.includes('/')) return '/' + token;
  return '/' + token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Call visit for every subschema (the root included) with its JSON pointer. Iterative, so deep
 * schemas cannot overflow the stack.
 */
export function forEachSubschema(root: unknown, visit: (schema: Record<string, unknown>, pointer: string) => void): void {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length) {
    const [s, p] = stack.pop()!;
    if (!isObject(s)) continue;
    visit(s, p);
    for (const [child, cp] of childSchemas(s, p)) stack.push([child, cp]);
  }
}

/** Call visit for every subschema (the root included), without their pointers (cheaper). Iterative. */
export function forEachSubschemaValue(root: unknown, visit: (schema: Record<string, unknown>) => void): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const s = stack.pop();
    if (!isObject(s)) continue;
    visit(s);
    for (const k of SCHEMA_KEYWORDS) if (k in s) stack.push(s[k]);
    if ('items' in s) {
      const it = s.items;
      if (Array.isArray(it)) for (const x of it) stack.push(x);
      else stack.push(it);
    }
    for (const k of SCHEMA_ARRAY_KEYWORDS) {
      const a = s[k];
      if (Array.isArray(a)) for (const x of a) stack.push(x);
    }
    for (const k of SCHEMA_MAP_KEYWORDS) {
      const m = s[k];
      if (isObject(m)) for (const x of Object.values(m)) stack.push(x);
    }
    const deps = s.dependencies;
    if (isObject(deps)) for (const x of Object.values(deps)) if (!Array.isArray(x)) stack.push(x);
  }
}

export interface SchemaSurvey {
  /** How many subschemas (objects), the root included. */
  count: number;
  /** Some subschema has $ref, $dynamicRef or $recursiveRef. */
  refers: boolean;
  /** Some subschema has pattern or patternProperties. */
  patterns: boolean;
}

const surveys = new WeakMap<object, SchemaSurvey>();

/** One walk over a schema for what several checks need to know (cached per schema value, never changed). */
export function surveyOf(root: unknown): SchemaSurvey {
  if (typeof root !== 'object' || root === null) return { count: 0, refers: false, patterns: false };
  let sv = surveys.get(root);
  if (!sv) {
    const acc: SchemaSurvey = { count: 0, refers: false, patterns: false };
    forEachSubschemaValue(root, (s) => {
      acc.count++;
      if ('$ref' in s || '$dynamicRef' in s || '$recursiveRef' in s) acc.refers = true;
      if ('pattern' in s || 'patternProperties' in s) acc.patterns = true;
    });
    surveys.set(root, (sv = acc));
  }
  return sv;
}

/** The direct subschemas of a schema object, with their pointers. */
export function childSchemas(s: Record<string, unknown>, p: string): Array<[unknown, string]> {
  const out: Array<[unknown, string]> = [];
  for (const k of SCHEMA_KEYWORDS) if (k in s) out.push([s[k], p + ptr(k)]);
  if ('items' in s) {
    const it = s.items;
    if (Array.isArray(it)) it.forEach((x, i) => out.push([x, p + ptr('items') + ptr(i)]));
    else out.push([it, p + ptr('items')]);
  }
  for (const k of SCHEMA_ARRAY_KEYWORDS) {
    const a = s[k];
    if (Array.isArray(a)) a.forEach((x, i) => out.push([x, p + ptr(k) + ptr(i)]));
  }
  for (const k of SCHEMA_MAP_KEYWORDS) {
    const m = s[k];
    if (isObject(m)) for (const [name, x] of Object.entries(m)) out.push([x, p + ptr(k) + ptr(name)]);
  }
  const deps = s.dependencies;
  if (isObject(deps)) for (const [name, x] of Object.entries(deps)) if (!Array.isArray(x)) out.push([x, p + ptr('dependencies') + ptr(name)]);
  return out;
}

/**
 * A copy of the schema with fn applied bottom-up to every schema object (fn gets a shallow copy it may change).
 * Recursion depth follows schema depth; callers catch RangeError for absurd inputs.
 */
export function mapSchema(s: unknown, fn: (schema: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (!isObject(s)) return s;
  const copy: Record<string, unknown> = { ...s };
  for (const k of SCHEMA_KEYWORDS) if (k in copy) copy[k] = mapSchema(copy[k], fn);
  if ('items' in copy) copy.items = Array.isArray(copy.items) ? copy.items.map((x) => mapSchema(x, fn)) : mapSchema(copy.items, fn);
  for (const k of SCHEMA_ARRAY_KEYWORDS) if (Array.isArray(copy[k])) copy[k] = (copy[k] as unknown[]).map((x) => mapSchema(x, fn));
  for (const k of SCHEMA_MAP_KEYWORDS) {
    const m = copy[k];
    if (isObject(m)) copy[k] = Object.fromEntries(Object.entries(m).map(([n, x]) => [n, mapSchema(x, fn)]));
  }
  if (isObject(copy.dependencies)) {
    copy.dependencies = Object.fromEntries(Object.entries(copy.dependencies).map(([n, x]) => [n, Array.isArray(x) ? x : mapSchema(x, fn)]));
  }
  return fn(copy);
}

/** The schema without annotation keywords anywhere. */
export function stripAnnotations(s: unknown): unknown {
  return mapSchema(s, (o) => {
    for (const k of ANNOTATION_KEYWORDS) delete o[k];
    return o;
  });
}

/** Every property name declared anywhere in the schema. */
export function propertyNames(root: unknown): string[] {
  const names = new Set<string>();
  forEachSubschema(root, (s) => {
    if (isObject(s.properties)) for (const k of Object.keys(s.properties)) names.add(k);
  });
  return [...names];
}

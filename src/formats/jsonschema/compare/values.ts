/**
 * JSON values as keys: equal JSON values (by JSON Schema equality) get equal keys, so enums of any size
 * are deduplicated, sorted, intersected and looked up in linear or n log n time.
 */
import { canonicalJson, jsonEqual } from '../../../model/json.js';
import { kindOf, type Kind } from './model.js';

/**
 * The running comparison's clock check (Budget.check), called every 4096 values by the loops here so
 * that enums of any size stay inside the comparison's budget; a no-op outside a comparison.
 */
let check: () => void = () => {};
export function withBudgetCheck<T>(fn: () => void, body: () => T): T {
  const prev = check;
  check = fn;
  try {
    return body();
  } finally {
    check = prev;
  }
}

/** Equality of JSON values as JSON Schema's enum and const use it. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return jsonEqual(a, b);
}

const SORT_LIMIT = 10_000;

const kindsCache = new WeakMap<unknown[], Set<Kind>>();

/** The kinds of an enum's values, in one pass per array (cached: normalised enums are never changed). */
export function enumKinds(values: unknown[]): Set<Kind> {
  let ks = kindsCache.get(values);
  if (!ks) {
    ks = new Set();
    let last: Kind | undefined;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const k = typeof v === 'string' ? 'string' : kindOf(v);
      if (k === last) continue; // the same kind as the value before: already counted
      ks.add((last = k));
    }
    kindsCache.set(values, ks);
  }
  return ks;
}

const hasObjects = (values: unknown[]): boolean => {
  const ks = enumKinds(values);
  return ks.has('object') || ks.has('array');
};

interface EnumIndex {
  /** strings, numbers, booleans and null as themselves (a Set tells "1" from 1, and 0 equals -0) */
  prims: Set<unknown>;
  /** objects and arrays by canonical JSON */
  objs: Set<string>;
}
const indexes = new WeakMap<unknown[], EnumIndex>();
/** Lookups answered by a linear scan so far, per array without an index (see enumHas). */
const scans = new WeakMap<unknown[], number>();
/**
 * An index costs about as much as this many native scans of the array: the first lookups in an enum scan it
 * (a comparison that asks about a few values never builds a Set of a huge enum), later ones build the index.
 */
const SCAN_LOOKUPS = 16;

function indexOf(values: unknown[]): EnumIndex {
  let ix = indexes.get(values);
  if (!ix) {
    if (!hasObjects(values)) ix = { prims: new Set(values), objs: new Set() };
    else {
      ix = { prims: new Set(), objs: new Set() };
      let i = 0;
      for (const v of values) {
        if ((++i & 4095) === 0) check();
        if (v !== null && typeof v === 'object') ix.objs.add(canonicalJson(v));
        else ix.prims.add(v);
      }
    }
    indexes.set(values, ix);
  }
  return ix;
}

/**
 * Whether the enum holds v (JSON Schema equality); the index is cached per array (normalised enums are never
 * mutated). A primitive is first looked up by a native scan (strict equality is JSON equality for primitives,
 * and `includes` also equates 0 and -0), up to SCAN_LOOKUPS times per array.
 */
export function enumHas(values: unknown[], v: unknown): boolean {
  if (values.length < 8) return values.some((x) => sameValue(x, v));
  let ix = indexes.get(values);
  if (!ix && (v === null || typeof v !== 'object')) {
    const n = (scans.get(values) ?? 0) + 1;
    if (n <= SCAN_LOOKUPS) {
      scans.set(values, n);
      return values.includes(v);
    }
  }
  ix ??= indexOf(values);
  return v !== null && typeof v === 'object' ? ix.objs.has(canonicalJson(v)) : ix.prims.has(v);
}

/**
 * Values deduplicated and sorted, each key computed once: by kind (strings, numbers, false, null, true,
 * arrays, objects: the order of their canonical JSON), strings by code units, numbers by their JSON text,
 * arrays and objects by canonical JSON. Past SORT_LIMIT values an enum of primitives only is kept as written
 * (the same array, duplicates and all: a Set of a million values costs as much as parsing them, and nothing
 * downstream counts on distinct values; lookups build their index only when they need one).
 */
export function dedupeSorted(values: unknown[]): unknown[] {
  if (values.length <= 1) return values; // a const, most often: nothing to deduplicate or sort
  let out: unknown[];
  const objects = hasObjects(values);
  if (!objects && values.length > SORT_LIMIT) return values;
  if (!objects) {
    // Primitives only (the common case): one native Set, first occurrences in order.
    const prims = new Set(values);
    out = prims.size === values.length ? values.slice() : [...prims];
    indexes.set(out, { prims, objs: new Set() });
  } else {
    const ix = { prims: new Set<unknown>(), objs: new Set<string>() };
    out = dedupeMixed(values, ix);
    indexes.set(out, ix);
  }
  // a reordered enum is the same enum: sorted, reorderings compare equal; past SORT_LIMIT values the
  // written order is kept (sorting, and a sort key per value, cost seconds)
  if (out.length <= SORT_LIMIT) {
    const keyed = out.map((v) =>
      v !== null && typeof v === 'object'
        ? { r: Array.isArray(v) ? 5 : 6, c: canonicalJson(v), v }
        : { r: typeof v === 'string' ? 0 : typeof v === 'number' ? 1 : v === false ? 2 : v === null ? 3 : 4, c: String(v), v },
    );
    keyed.sort((a, b) => a.r - b.r || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
    const ix = indexes.get(out)!;
    out = keyed.map((x) => x.v);
    indexes.set(out, ix);
  }
  return out;
}

/** Values with objects or arrays among them, deduplicated by JSON Schema equality, first occurrences in order. */
function dedupeMixed(values: unknown[], ix: EnumIndex): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  for (const v of values) {
    if ((++i & 4095) === 0) check();
    if (v !== null && typeof v === 'object') {
      const c = canonicalJson(v);
      if (ix.objs.has(c)) continue;
      ix.objs.add(c);
    } else {
      if (ix.prims.has(v)) continue;
      ix.prims.add(v);
    }
    out.push(v);
  }
  return out;
}

/** Two enums hold the same values in the same order (JSON Schema equality of each pair). */
export function sameList(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if ((i & 4095) === 4095) check();
    if (a[i] !== b[i] && !sameValue(a[i], b[i])) return false;
  }
  return true;
}

const missingCache = new WeakMap<unknown[], WeakMap<unknown[], unknown[]>>();
const MISSING_LIMIT = 16;

/**
 * Up to `limit` (at most 16) distinct values of `a` that `b` lacks, in a's order (cached per pair of arrays).
 * Values in the stretch where a and b agree position by position (a common prefix and suffix: an enum edited
 * in place, the usual change) are in b by sight; only the rest is looked up.
 */
export function enumMissing(a: unknown[], b: unknown[], limit = MISSING_LIMIT): unknown[] {
  let m = missingCache.get(a);
  if (!m) missingCache.set(a, (m = new WeakMap()));
  let out = m.get(b);
  if (!out) {
    out = [];
    const n = Math.min(a.length, b.length);
    let p = 0;
    while (p < n && a[p] === b[p]) {
      if ((++p & 4095) === 0) check();
    }
    let s = 0;
    while (s < n - p && a[a.length - 1 - s] === b[b.length - 1 - s]) {
      if ((++s & 4095) === 0) check();
    }
    for (let i = p; i < a.length - s; i++) {
      if (((i - p) & 4095) === 4095) check();
      const v = a[i];
      if (!enumHas(b, v) && !out.some((x) => sameValue(x, v))) {
        out.push(v);
        if (out.length >= MISSING_LIMIT) break;
      }
    }
    m.set(b, out);
  }
  return limit >= out.length ? out : out.slice(0, limit);
}

/** What changed between two normalised enums: values removed, values added. */
export function enumChange(a: unknown[], b: unknown[]): { removed: boolean; added: boolean } {
  return { removed: enumMissing(a, b).length > 0, added: enumMissing(b, a).length > 0 };
}

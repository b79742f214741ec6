/**
 * JSON values as keys: equal JSON values (by JSON Schema equality) get equal keys, so enums of any size
 * are deduplicated, sorted, intersected and looked up in linear or n log n time.
 */
import { canonicalJson } from '../../../model/json.js';

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
  return canonicalJson(a) === canonicalJson(b);
}

const SORT_LIMIT = 10_000;

interface EnumIndex {
  /** strings, numbers, booleans and null as themselves (a Set tells "1" from 1, and 0 equals -0) */
  prims: Set<unknown>;
  /** objects and arrays by canonical JSON */
  objs: Set<string>;
}
const indexes = new WeakMap<unknown[], EnumIndex>();

function indexOf(values: unknown[]): EnumIndex {
  let ix = indexes.get(values);
  if (!ix) {
    ix = { prims: new Set(), objs: new Set() };
    let i = 0;
    for (const v of values) {
      if ((++i & 4095) === 0) check();
      if (v !== null && typeof v === 'object') ix.objs.add(canonicalJson(v));
      else ix.prims.add(v);
    }
    indexes.set(values, ix);
  }
  return ix;
}

/** Whether the enum holds v (JSON Schema equality); the index is cached per array (normalised enums are never mutated). */
export function enumHas(values: unknown[], v: unknown): boolean {
  if (values.length < 8) return values.some((x) => sameValue(x, v));
  const ix = indexOf(values);
  return v !== null && typeof v === 'object' ? ix.objs.has(canonicalJson(v)) : ix.prims.has(v);
}

/**
 * Values deduplicated and sorted, each key computed once: by kind (strings, numbers, false, null, true,
 * arrays, objects: the order of their canonical JSON), strings by code units, numbers by their JSON text,
 * arrays and objects by canonical JSON.
 */
export function dedupeSorted(values: unknown[]): unknown[] {
  let ix: EnumIndex;
  let out: unknown[] = [];
  if (!values.some((v) => v !== null && typeof v === 'object')) {
    // Primitives only (the common case, and the huge one): one native Set, first occurrences in order.
    const prims = new Set(values);
    ix = { prims, objs: new Set() };
    out = prims.size === values.length ? values.slice() : [...prims];
  } else {
    ix = { prims: new Set(), objs: new Set() };
    out = dedupeMixed(values, ix);
  }
  // a reordered enum is the same enum: sorted, reorderings compare equal; past SORT_LIMIT values the
  // written order is kept (sorting, and a sort key per value, cost seconds) and sameEnum compares them as sets
  if (out.length <= SORT_LIMIT) {
    const keyed = out.map((v) =>
      v !== null && typeof v === 'object'
        ? { r: Array.isArray(v) ? 5 : 6, c: canonicalJson(v), v }
        : { r: typeof v === 'string' ? 0 : typeof v === 'number' ? 1 : v === false ? 2 : v === null ? 3 : 4, c: String(v), v },
    );
    keyed.sort((a, b) => a.r - b.r || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
    out = keyed.map((x) => x.v);
  }
  indexes.set(out, ix);
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

/** Two normalised enums (deduplicated) hold the same values. */
export function sameEnum(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length <= SORT_LIMIT) {
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  for (const v of a) if (!enumHas(b, v)) return false;
  return true;
}

const missingCache = new WeakMap<unknown[], WeakMap<unknown[], unknown[]>>();

/** Up to `limit` values of `a` that `b` lacks, in a's order (cached per pair of arrays). */
export function enumMissing(a: unknown[], b: unknown[], limit = 16): unknown[] {
  let m = missingCache.get(a);
  if (!m) missingCache.set(a, (m = new WeakMap()));
  let out = m.get(b);
  if (!out) {
    out = [];
    let i = 0;
    for (const v of a) {
      if ((++i & 4095) === 0) check();
      if (!enumHas(b, v)) {
        out.push(v);
        if (out.length >= limit) break;
      }
    }
    m.set(b, out);
  }
  return out;
}

/** What changed between two normalised (deduplicated) enums: values removed, values added. */
export function enumChange(a: unknown[], b: unknown[]): { removed: boolean; added: boolean } {
  // one pass: both deduplicated, so b holds a value a lacks exactly when it has more than a's kept values
  const missing = countMissing(a, b);
  return { removed: missing > 0, added: b.length > a.length - missing };
}

/** How many values of a b lacks; the pass also leaves the first of them in enumMissing's cache (one pass, not two). */
function countMissing(a: unknown[], b: unknown[]): number {
  const first: unknown[] = [];
  let n = 0;
  let i = 0;
  for (const v of a) {
    if ((++i & 4095) === 0) check();
    if (!enumHas(b, v)) {
      if (n < 16) first.push(v);
      n++;
    }
  }
  let m = missingCache.get(a);
  if (!m) missingCache.set(a, (m = new WeakMap()));
  if (!m.has(b)) m.set(b, first);
  return n;
}

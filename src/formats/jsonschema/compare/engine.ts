/**
 * The semantic core: does every instance of A validate under B? Works on conjunctions of normalised
 * schemas ("conj": all must hold), with $ref, allOf, anyOf, oneOf, not and if/then/else, memoised
 * (recursive schemas are compared coinductively) and bounded by a step and time budget.
 * Answers 'yes', 'no' with a witness (valid under A, invalid under B, checked with the evaluator), or
 * 'unknown' with a reason. The evaluator and the sampler live here too: they share the same model.
 */
import { canonicalJson } from '../../../core/json.js';
import { ajvFor, safeRegExp } from '../ajv.js';
import { isObject } from '../walk.js';
import { ANNOTATIONS, UNSUPPORTED, universalPattern, type Docs, type Obj, type Raw } from './doc.js';
import { stringsMatching } from './regexgen.js';
import { enumHas, enumMissing } from './values.js';
import { patternsSubset } from './regex.js';
import { Budget, BudgetExceeded } from './budget.js';

export type Kind = 'null' | 'boolean' | 'object' | 'array' | 'string' | 'integer' | 'nonint';
export const ALL_KINDS: Kind[] = ['null', 'boolean', 'integer', 'nonint', 'string', 'array', 'object'];

export type Res = { r: 'yes' } | { r: 'no'; w: unknown } | { r: 'unknown'; why: string };
export const YES: Res = { r: 'yes' };
const no = (w: unknown): Res => ({ r: 'no', w });
const unknown = (why: string): Res => ({ r: 'unknown', why });

export { BudgetExceeded };
class Unsupported extends Error {}

export const NONE: unique symbol = Symbol('none');
type Maybe = unknown | typeof NONE;

export interface Facts {
  atoms: Obj[];
  kinds: Set<Kind>;
  enum?: unknown[];
  min: number;
  minEx: boolean;
  max: number;
  maxEx: boolean;
  multipleOf: number[];
  minLength: number;
  maxLength: number;
  patterns: string[];
  formats: string[];
  minItems: number;
  maxItems: number;
  uniqueItems: boolean;
  prefixLen: number;
  contains: Array<{ schema: Raw; min: number; max: number }>;
  minProps: number;
  maxProps: number;
  required: Set<string>;
  depReq: Map<string, Set<string>>;
  depSchemas: Array<[string, Raw]>;
  propertyNames: Raw[];
  declared: Set<string>;
  patternKeys: string[];
  nots: Raw[];
  unsupported?: string;
}

interface SampleOpts {
  kind?: Kind;
  fixedProps?: Record<string, unknown>;
  omit?: Set<string>;
  propCount?: number;
  fixedItems?: Map<number, unknown>;
  length?: number;
  dupItems?: boolean;
  /** Strings to try first (a regex counterexample that other keywords may still reject). */
  seeds?: string[];
  /** Reject candidates for which this returns true (used to find witnesses). */
  avoid?: (v: unknown) => boolean;
  /**
   * The constraints a witness must break (the facts of the other schema's leaves): candidates at their
   * boundaries (max+1, min-1, the exclusive bound itself, multipleOf neighbours, length maxLength+1,
   * maxItems+1 items, maxProperties+1 properties) come first, whatever the size of the bound.
   */
  target?: Facts[];
}

/** The largest bound the sampler shows with a string, array or object one past it (beyond: cannot decide). */
const MAX_BUILD_STRING = 1_000_000;
const MAX_BUILD_ITEMS = 100_000;
const MAX_BUILD_PROPS = 20_000;
/** Untargeted arrays and objects stay small. */
const SMALL = 64;

const FORMAT_SAMPLES: Record<string, string[]> = {
  'date-time': ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.5+01:00'],
  'iso-date-time': ['2024-01-02T03:04:05Z'],
  date: ['2024-01-02'],
  time: ['03:04:05Z', '03:04:05+01:00'],
  'iso-time': ['03:04:05Z'],
  duration: ['P1D', 'PT1H'],
  uri: ['https://example.com/a', 'urn:example:a'],
  'uri-reference': ['/a/b', 'https://example.com/a'],
  'uri-template': ['https://example.com/{id}'],
  url: ['https://example.com/a'],
  email: ['a@example.com'],
  hostname: ['example.com'],
  ipv4: ['192.0.2.1'],
  ipv6: ['2001:db8::1'],
  regex: ['^a+$'],
  uuid: ['123e4567-e89b-12d3-a456-426614174000'],
  'json-pointer': ['/a/b'],
  'json-pointer-uri-fragment': ['#/a'],
  'relative-json-pointer': ['0/a'],
  byte: ['aGVsbG8='],
  password: ['secret'],
  binary: ['abc'],
};
const PLAIN_STRINGS = ['', 'a', 'abc', 'A', 'Z', '0', '9', 'hello world', 'x-y_z', 'é', '2024-01-02', '2024-01-02T03:04:05Z', 'a@example.com', 'https://example.com/a', 'not a date'];

const regexCache = new Map<string, { test: (s: string) => boolean } | null>();
/** Candidate strings by (patterns, formats, length bounds): shared by every comparison in the process. */
const STRING_POOLS = new Map<string, string[]>();
/** A pattern as ajv runs it (RE2 for patterns unsafe for backtracking, so the checker cannot hang either). */
export function regex(p: string): { test: (s: string) => boolean } | null {
  let r = regexCache.get(p);
  if (r === undefined) {
    try {
      r = safeRegExp(p, 'u');
    } catch {
      r = null;
    }
    regexCache.set(p, r);
  }
  return r;
}

export function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'nonint';
  return typeof v as Kind;
}

function kindsOfTypes(t: string[]): Set<Kind> {
  const out = new Set<Kind>();
  for (const x of t) {
    if (x === 'number') {
      out.add('integer');
      out.add('nonint');
    } else if (ALL_KINDS.includes(x as Kind)) out.add(x as Kind);
  }
  return out;
}

function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

function ucs2length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function isMultiple(v: number, m: number): boolean {
  const q = v / m;
  return q === parseInt(String(q), 10) || (Number.isFinite(q) && Number.isInteger(q));
}

const COMBINATORS = ['anyOf', 'oneOf', 'if'];

/** Longest length bound turned into an automaton (a counted repetition unrolls into that many states). */
const MAX_LENGTH_AUTOMATON = 1000;

/** minLength / maxLength as a pattern (none when unbounded), or null when too large for an automaton. */
function lengthPatterns(f: Facts): string[] | null {
  if (f.minLength === 0 && f.maxLength === Infinity) return [];
  if (f.minLength > MAX_LENGTH_AUTOMATON || (f.maxLength !== Infinity && f.maxLength > MAX_LENGTH_AUTOMATON)) return null;
  return [`^[^]{${f.minLength},${f.maxLength === Infinity ? '' : f.maxLength}}$`];
}

export interface EngineOptions {
  lenient?: boolean;
  /** The comparison's budget (shared with the normaliser and the differ); a fresh 2 s one by default. */
  budget?: Budget;
}

export class Engine {
  readonly docs: Docs;
  readonly lenient: boolean;
  readonly budget: Budget;
  private memo = new Map<string, Res>();
  private inProgress = new Set<string>();
  private assumed = 0;
  private stripCache = new WeakMap<Obj, Map<string, Obj>>();
  private notCache = new WeakMap<object, Obj>();
  private synth = new Map<string, Obj>();
  private combCache = new WeakMap<Raw[], Obj>();
  private factsCache = new Map<string, Facts>();
  private formats: Record<string, unknown>;

  constructor(docs: Docs, options: EngineOptions = {}) {
    this.docs = docs;
    this.lenient = !!options.lenient;
    this.budget = options.budget ?? new Budget();
    this.formats = ajvFor('2020-12').formats as Record<string, unknown>;
  }

  get maxSteps(): number {
    return this.budget.maxSteps;
  }

  get expired(): boolean {
    return this.budget.expired;
  }

  tick(): void {
    this.budget.tick();
  }

  // ---------------------------------------------------------------- structure

  /** A copy of atom without the given keywords (cached, so ids stay stable). */
  strip(atom: Obj, keys: string[]): Obj {
    const k = keys.join(',');
    let m = this.stripCache.get(atom);
    if (!m) this.stripCache.set(atom, (m = new Map()));
    let c = m.get(k);
    if (!c) {
      c = { ...atom };
      for (const x of keys) delete c[x];
      this.docs.adopt(c, atom);
      m.set(k, c);
    }
    return c;
  }

  notOf(s: Raw): Obj {
    if (typeof s === 'boolean') return this.make({ not: s });
    let n = this.notCache.get(s);
    if (!n) {
      n = this.docs.adopt({ not: s }, s);
      this.notCache.set(s, n);
    }
    return n;
  }

  /** A synthetic schema without $refs, shared by content. */
  make(s: Obj): Obj {
    const k = canonicalJson(s);
    let o = this.synth.get(k);
    if (!o) this.synth.set(k, (o = s));
    return o;
  }

  key(conj: Raw[]): string {
    return conj
      .map((s) => this.docs.id(s))
      .sort((a, b) => a - b)
      .join(',');
  }

  /** Resolve $refs and flatten allOf. */
  expand(conj: Raw[]): { empty: boolean; atoms: Obj[]; unsupported?: string } {
    const atoms: Obj[] = [];
    const seen = new Set<Raw>();
    const stack = [...conj];
    let unsupported: string | undefined;
    while (stack.length) {
      const s = stack.pop()!;
      if (s === true) continue;
      if (s === false) return { empty: true, atoms: [] };
      if (seen.has(s)) continue;
      seen.add(s);
      if ('unevaluatedProperties' in s || 'unevaluatedItems' in s) {
        const rw = this.unevaluated(s);
        if (rw) {
          stack.push(...rw);
          continue;
        }
      }
      let rest = s;
      const strip: string[] = [];
      if (typeof s.$ref === 'string') {
        const t = this.docs.resolve(s, s.$ref);
        if (t === undefined) unsupported = `cannot resolve $ref '${s.$ref}'`;
        else stack.push(t);
        strip.push('$ref');
      }
      if (Array.isArray(s.allOf)) {
        stack.push(...(s.allOf as Raw[]));
        strip.push('allOf');
      }
      if (strip.length) rest = this.strip(s, strip);
      if (Object.keys(rest).some((k) => !ANNOTATIONS.has(k) && k !== '$defs' && k !== 'definitions')) atoms.push(rest);
    }
    return { empty: false, atoms, unsupported };
  }

  private unevalCache = new WeakMap<Obj, Obj[] | null>();

  /**
   * `unevaluatedProperties` / `unevaluatedItems` of s as plain keywords, when what is evaluated does not
   * depend on which branch validated: the properties, patternProperties and prefixItems of s and of
   * everything it reaches through allOf and $ref (an additionalProperties, items or nested unevaluated*
   * there evaluates everything, so the keyword has no effect). s becomes s without them, plus one
   * conjunct `{properties: {evaluated: true}, patternProperties: {...: true}, additionalProperties: X}`
   * (items: `{prefixItems: [true x n], items: X}`). Returns null (undecided) when an anyOf, oneOf,
   * if/then/else or dependentSchemas beside it declares properties (items), when `contains` evaluates
   * items, or for $dynamicRef.
   */
  unevaluated(s: Obj): Obj[] | null {
    let rw = this.unevalCache.get(s);
    if (rw !== undefined) return rw;
    rw = this.rewriteUnevaluated(s);
    this.unevalCache.set(s, rw);
    return rw;
  }

  private rewriteUnevaluated(s: Obj): Obj[] | null {
    const out: Obj[] = [this.strip(s, ['unevaluatedProperties', 'unevaluatedItems'])];
    if ('unevaluatedProperties' in s && s.unevaluatedProperties !== true) {
      const e = this.evaluated(s, 'props');
      if (!e) return null;
      if (!e.all) {
        out.push(this.docs.adopt({
          properties: Object.fromEntries([...e.names].map((n) => [n, true])),
          ...(e.pats.size ? { patternProperties: Object.fromEntries([...e.pats].map((p) => [p, true])) } : {}),
          additionalProperties: s.unevaluatedProperties,
        }, s));
      }
    }
    if ('unevaluatedItems' in s && s.unevaluatedItems !== true) {
      const e = this.evaluated(s, 'items');
      if (!e) return null;
      if (!e.all) out.push(this.docs.adopt({ prefixItems: new Array(e.prefix).fill(true), items: s.unevaluatedItems }, s));
    }
    return out;
  }

  private static readonly PROP_KEYS = ['properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties'];
  private static readonly ITEM_KEYS = ['prefixItems', 'items', 'contains', 'unevaluatedItems'];

  /** What s evaluates for sure when it validates (through allOf and $ref), or null when that depends on a branch. */
  private evaluated(top: Obj, which: 'props' | 'items'): { all: boolean; names: Set<string>; pats: Set<string>; prefix: number } | null {
    const acc = { all: false, names: new Set<string>(), pats: new Set<string>(), prefix: 0 };
    const keys = which === 'props' ? Engine.PROP_KEYS : Engine.ITEM_KEYS;
    const seen = new Set<Obj>();
    const stack: Obj[] = [top];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      this.tick();
      if ('$dynamicRef' in n || '$recursiveRef' in n) return null;
      if (which === 'props') {
        if (isObject(n.properties)) for (const k of Object.keys(n.properties)) acc.names.add(k);
        if (isObject(n.patternProperties)) for (const k of Object.keys(n.patternProperties)) acc.pats.add(k);
        if ('additionalProperties' in n || (n !== top && 'unevaluatedProperties' in n)) acc.all = true;
      } else {
        if (Array.isArray(n.prefixItems)) acc.prefix = Math.max(acc.prefix, (n.prefixItems as unknown[]).length);
        if ('items' in n || (n !== top && 'unevaluatedItems' in n)) acc.all = true;
        if ('contains' in n) return null;
      }
      if (typeof n.$ref === 'string') {
        const t = this.docs.resolve(n, n.$ref);
        if (t === undefined) return null;
        if (isObject(t)) stack.push(t);
      }
      if (Array.isArray(n.allOf)) for (const x of n.allOf as Raw[]) if (isObject(x)) stack.push(x);
      // branches that may or may not validate: fine only when nothing in them evaluates
      const maybe: Raw[] = [];
      for (const k of ['anyOf', 'oneOf']) if (Array.isArray(n[k])) maybe.push(...(n[k] as Raw[]));
      for (const k of ['if', 'then', 'else']) if (k in n) maybe.push(n[k] as Raw);
      if (isObject(n.dependentSchemas)) maybe.push(...(Object.values(n.dependentSchemas) as Raw[]));
      for (const m of maybe) if (this.declaresAny(m, keys)) return null;
    }
    return acc;
  }

  /** Whether s or anything it reaches in place ($ref, allOf, anyOf, ...) uses one of the keywords. */
  private declaresAny(s: Raw, keys: string[]): boolean {
    const seen = new Set<Obj>();
    const stack: Raw[] = [s];
    while (stack.length) {
      const n = stack.pop()!;
      if (!isObject(n) || seen.has(n)) continue;
      seen.add(n);
      this.tick();
      if (keys.some((k) => k in n) || '$dynamicRef' in n || '$recursiveRef' in n) return true;
      if (typeof n.$ref === 'string') {
        const t = this.docs.resolve(n, n.$ref);
        if (t === undefined) return true;
        stack.push(t);
      }
      for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(n[k])) stack.push(...(n[k] as Raw[]));
      for (const k of ['if', 'then', 'else']) if (k in n) stack.push(n[k] as Raw);
      if (isObject(n.dependentSchemas)) stack.push(...(Object.values(n.dependentSchemas) as Raw[]));
    }
    return false;
  }

  /** Split on the first anyOf / oneOf / if found: the alternatives (each a conj), or null for a leaf. */
  branches(atoms: Obj[]): { kind: 'anyOf' | 'oneOf' | 'if'; alts: Raw[][] } | null {
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms[i];
      const others = atoms.filter((_, j) => j !== i);
      if (Array.isArray(a.anyOf)) {
        const rest = this.strip(a, ['anyOf']);
        return { kind: 'anyOf', alts: (a.anyOf as Raw[]).map((b) => [...others, rest, b]) };
      }
      if (Array.isArray(a.oneOf)) {
        // exactly one branch: branch i and not any other
        const rest = this.strip(a, ['oneOf']);
        const bs = a.oneOf as Raw[];
        return { kind: 'oneOf', alts: bs.map((b, i) => [...others, rest, b, ...bs.filter((_, j) => j !== i).map((x) => this.notOf(x))]) };
      }
      if ('if' in a) {
        const rest = this.strip(a, ['if', 'then', 'else']);
        const I = a.if as Raw;
        return {
          kind: 'if',
          alts: [
            [...others, rest, I, (a.then ?? true) as Raw],
            [...others, rest, this.notOf(I), (a.else ?? true) as Raw],
          ],
        };
      }
    }
    return null;
  }

  facts(atoms: Obj[]): Facts {
    const key = this.key(atoms);
    const cached = this.factsCache.get(key);
    if (cached) return cached;
    const f: Facts = {
      atoms,
      kinds: new Set(ALL_KINDS),
      min: -Infinity, minEx: false, max: Infinity, maxEx: false, multipleOf: [],
      minLength: 0, maxLength: Infinity, patterns: [], formats: [],
      minItems: 0, maxItems: Infinity, uniqueItems: false, prefixLen: 0, contains: [],
      minProps: 0, maxProps: Infinity, required: new Set(), depReq: new Map(), depSchemas: [], propertyNames: [],
      declared: new Set(), patternKeys: [], nots: [],
    };
    let en: unknown[] | undefined;
    let enSrc: unknown[] | undefined;
    for (const a of atoms) {
      for (const u of UNSUPPORTED) if (u in a) f.unsupported = `'${u}' is not supported by the checker`;
      if (Array.isArray(a.type)) {
        const k = kindsOfTypes(a.type as string[]);
        for (const x of [...f.kinds]) if (!k.has(x)) f.kinds.delete(x);
      }
      if (Array.isArray(a.enum)) {
        enSrc = en ? undefined : (a.enum as unknown[]);
        en = en ? en.filter((x) => enumHas(a.enum as unknown[], x)) : (a.enum as unknown[]);
      }
      const num = (k: string) => (typeof a[k] === 'number' ? (a[k] as number) : undefined);
      const mn = num('minimum');
      if (mn !== undefined && mn >= f.min) [f.min, f.minEx] = [mn, mn === f.min ? f.minEx : false];
      const emn = num('exclusiveMinimum');
      if (emn !== undefined && emn >= f.min) [f.min, f.minEx] = [emn, true];
      const mx = num('maximum');
      if (mx !== undefined && mx <= f.max) [f.max, f.maxEx] = [mx, mx === f.max ? f.maxEx : false];
      const emx = num('exclusiveMaximum');
      if (emx !== undefined && emx <= f.max) [f.max, f.maxEx] = [emx, true];
      const mo = num('multipleOf');
      if (mo !== undefined && mo > 0) {
        f.multipleOf.push(mo);
        if (Number.isInteger(mo)) f.kinds.delete('nonint');
      }
      f.minLength = Math.max(f.minLength, num('minLength') ?? 0);
      f.maxLength = Math.min(f.maxLength, num('maxLength') ?? Infinity);
      if (typeof a.pattern === 'string' && !universalPattern(a.pattern)) f.patterns.push(a.pattern);
      if (typeof a.format === 'string' && a.format in this.formats) f.formats.push(a.format);
      f.minItems = Math.max(f.minItems, num('minItems') ?? 0);
      f.maxItems = Math.min(f.maxItems, num('maxItems') ?? Infinity);
      if (a.uniqueItems === true) f.uniqueItems = true;
      if (Array.isArray(a.prefixItems)) f.prefixLen = Math.max(f.prefixLen, (a.prefixItems as unknown[]).length);
      if ('contains' in a) f.contains.push({ schema: a.contains as Raw, min: num('minContains') ?? 1, max: num('maxContains') ?? Infinity });
      f.minProps = Math.max(f.minProps, num('minProperties') ?? 0);
      f.maxProps = Math.min(f.maxProps, num('maxProperties') ?? Infinity);
      if (Array.isArray(a.required)) for (const r of a.required as string[]) f.required.add(r);
      if (isObject(a.dependentRequired)) {
        for (const [k, v] of Object.entries(a.dependentRequired)) {
          const s = f.depReq.get(k) ?? new Set<string>();
          for (const x of v as string[]) s.add(x);
          f.depReq.set(k, s);
        }
      }
      if (isObject(a.dependentSchemas)) for (const [k, v] of Object.entries(a.dependentSchemas)) f.depSchemas.push([k, v as Raw]);
      if ('propertyNames' in a) f.propertyNames.push(a.propertyNames as Raw);
      if (isObject(a.properties)) for (const k of Object.keys(a.properties)) f.declared.add(k);
      if (isObject(a.patternProperties)) f.patternKeys.push(...Object.keys(a.patternProperties));
      if ('not' in a) {
        f.nots.push(a.not as Raw);
        const nt = a.not;
        if (isObject(nt) && Array.isArray(nt.type) && Object.keys(nt).every((k) => k === 'type' || ANNOTATIONS.has(k))) {
          for (const k of kindsOfTypes(nt.type as string[])) f.kinds.delete(k);
        }
      }
    }
    if (en) {
      const kept = en.filter((v) => f.kinds.has(kindOf(v)));
      // the enum array itself when nothing was filtered out (so per-pair caches keyed by it hit)
      en = enSrc && kept.length === enSrc.length ? enSrc : kept;
      f.enum = en;
      f.kinds = new Set(en.map(kindOf));
    }
    if (f.min > f.max || (f.min === f.max && (f.minEx || f.maxEx))) {
      f.kinds.delete('integer');
      f.kinds.delete('nonint');
    }
    if (f.minLength > f.maxLength) f.kinds.delete('string');
    if (f.minItems > f.maxItems) f.kinds.delete('array');
    if (f.minProps > f.maxProps) f.kinds.delete('object');
    this.factsCache.set(key, f);
    return f;
  }

  /** The schemas that apply to array index i (a conj). */
  itemConj(f: Facts, i: number): Raw[] {
    const out: Raw[] = [];
    for (const a of f.atoms) {
      const p = a.prefixItems as Raw[] | undefined;
      if (Array.isArray(p) && i < p.length) out.push(p[i]);
      else if ('items' in a) out.push(a.items as Raw);
    }
    return out;
  }

  /** The schemas that apply to property `k` (a conj). */
  propConj(f: Facts, k: string): Raw[] {
    const out: Raw[] = [];
    for (const a of f.atoms) {
      let matched = false;
      if (isObject(a.properties) && k in a.properties) {
        out.push(a.properties[k] as Raw);
        matched = true;
      }
      if (isObject(a.patternProperties)) {
        for (const [p, s] of Object.entries(a.patternProperties)) {
          if (regex(p)?.test(k)) {
            out.push(s as Raw);
            matched = true;
          }
        }
      }
      if (!matched && 'additionalProperties' in a) out.push(a.additionalProperties as Raw);
    }
    return out;
  }

  /** True when property k is open in f: nothing but an absent or `true` additionalProperties applies to it. */
  openFor(f: Facts, k: string): boolean {
    return this.propConj(f, k).every((s) => s === true || (isObject(s) && Object.keys(s).length === 0));
  }

  // ---------------------------------------------------------------- evaluator

  validConj(conj: Raw[], v: unknown): boolean {
    return conj.every((s) => this.valid(s, v, 0));
  }

  /** Does v validate under s? Throws Unsupported for keywords the model does not cover. */
  valid(s: Raw, v: unknown, depth: number): boolean {
    if (s === true) return true;
    if (s === false) return false;
    this.tick();
    if (depth > 64) throw new Unsupported();
    const d = depth + 1;
    if ('unevaluatedProperties' in s || 'unevaluatedItems' in s) {
      const rw = this.unevaluated(s);
      if (!rw) throw new Unsupported();
      return rw.every((x) => this.valid(x, v, d));
    }
    for (const u of UNSUPPORTED) if (u in s) throw new Unsupported();
    if (typeof s.$ref === 'string') {
      const t = this.docs.resolve(s, s.$ref);
      if (t === undefined) throw new Unsupported();
      if (!this.valid(t, v, d)) return false;
    }
    const k = kindOf(v);
    if (Array.isArray(s.type) && !kindsOfTypes(s.type as string[]).has(k)) return false;
    if (Array.isArray(s.enum) && !enumHas(s.enum as unknown[], v)) return false;
    if ('const' in s && !eq(s.const, v)) return false;
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) return false;
      if (typeof s.maximum === 'number' && v > s.maximum) return false;
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) return false;
      if (typeof s.exclusiveMaximum === 'number' && v >= s.exclusiveMaximum) return false;
      if (typeof s.multipleOf === 'number' && !isMultiple(v, s.multipleOf)) return false;
    }
    if (typeof s.format === 'string' && !this.formatOk(s.format, v)) return false;
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && ucs2length(v) < s.minLength) return false;
      if (typeof s.maxLength === 'number' && ucs2length(v) > s.maxLength) return false;
      if (typeof s.pattern === 'string') {
        const re = regex(s.pattern);
        if (!re) throw new Unsupported();
        if (!re.test(v)) return false;
      }
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) return false;
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) return false;
      const p = Array.isArray(s.prefixItems) ? (s.prefixItems as Raw[]) : [];
      for (let i = 0; i < v.length; i++) {
        const sch = i < p.length ? p[i] : ((s.items ?? true) as Raw);
        if (!this.valid(sch, v[i], d)) return false;
      }
      if ('contains' in s) {
        const n = v.filter((x) => this.valid(s.contains as Raw, x, d)).length;
        const mn = typeof s.minContains === 'number' ? s.minContains : 1;
        const mx = typeof s.maxContains === 'number' ? s.maxContains : Infinity;
        if (n < mn || n > mx) return false;
      }
      if (s.uniqueItems === true) {
        const seen = new Set(v.map((x) => canonicalJson(x)));
        if (seen.size !== v.length) return false;
      }
    }
    if (isObject(v)) {
      const keys = Object.keys(v);
      if (typeof s.minProperties === 'number' && keys.length < s.minProperties) return false;
      if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) return false;
      if (Array.isArray(s.required) && (s.required as string[]).some((r) => !(r in v))) return false;
      const props = isObject(s.properties) ? s.properties : undefined;
      const pats = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
      for (const key of keys) {
        let matched = false;
        if (props && key in props) {
          matched = true;
          if (!this.valid(props[key] as Raw, v[key], d)) return false;
        }
        for (const [p, ps] of pats) {
          const re = regex(p);
          if (!re) throw new Unsupported();
          if (re.test(key)) {
            matched = true;
            if (!this.valid(ps as Raw, v[key], d)) return false;
          }
        }
        if (!matched && 'additionalProperties' in s && !this.valid(s.additionalProperties as Raw, v[key], d)) return false;
        if ('propertyNames' in s && !this.valid(s.propertyNames as Raw, key, d)) return false;
      }
      if (isObject(s.dependentRequired)) {
        for (const [key, reqs] of Object.entries(s.dependentRequired)) {
          if (key in v && (reqs as string[]).some((r) => !(r in v))) return false;
        }
      }
      if (isObject(s.dependentSchemas)) {
        for (const [key, ds] of Object.entries(s.dependentSchemas)) if (key in v && !this.valid(ds as Raw, v, d)) return false;
      }
    }
    if (Array.isArray(s.allOf) && !(s.allOf as Raw[]).every((x) => this.valid(x, v, d))) return false;
    if (Array.isArray(s.anyOf) && !(s.anyOf as Raw[]).some((x) => this.valid(x, v, d))) return false;
    if (Array.isArray(s.oneOf) && (s.oneOf as Raw[]).filter((x) => this.valid(x, v, d)).length !== 1) return false;
    if ('not' in s && this.valid(s.not as Raw, v, d)) return false;
    if ('if' in s) {
      const c = this.valid(s.if as Raw, v, d);
      if (c && 'then' in s && !this.valid(s.then as Raw, v, d)) return false;
      if (!c && 'else' in s && !this.valid(s.else as Raw, v, d)) return false;
    }
    return true;
  }

  formatOk(name: string, v: unknown): boolean {
    const f = this.formats[name];
    if (f === undefined || f === true) return true;
    let type = 'string';
    let check: unknown = f;
    if (isObject(f) && !(f instanceof RegExp)) {
      type = (f.type as string) ?? 'string';
      check = f.validate;
    }
    if (type === 'number' ? typeof v !== 'number' : typeof v !== 'string') return true;
    if (check instanceof RegExp) return check.test(String(v));
    if (typeof check === 'function') return !!(check as (x: unknown) => boolean)(v);
    if (typeof check === 'string') return new RegExp(check, 'u').test(String(v));
    return true;
  }

  /** Evaluate safely: undefined when the model cannot tell. */
  tryValid(conj: Raw[], v: unknown): boolean | undefined {
    try {
      return this.validConj(conj, v);
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      return undefined;
    }
  }

  // ---------------------------------------------------------------- sampler

  /** A value valid under every schema of conj (and not rejected by opts.avoid), or NONE. */
  sample(conj: Raw[], opts: SampleOpts = {}, depth = 0): Maybe {
    let tries = 0;
    // targeted candidates come first and are few, so they get their own allowance
    const limit = opts.target?.length ? 80 + 64 * Math.min(opts.target.length, 4) : 80;
    for (const c of this.candidates(conj, opts, depth)) {
      if (++tries > limit) break;
      if (this.tryValid(conj, c) !== true) continue;
      if (opts.avoid) {
        let avoided: boolean;
        try {
          avoided = opts.avoid(c);
        } catch (e) {
          if (e instanceof BudgetExceeded) throw e;
          continue;
        }
        if (avoided) continue;
      }
      return c;
    }
    return NONE;
  }

  *candidates(conj: Raw[], opts: SampleOpts, depth: number): Generator<unknown> {
    this.tick();
    if (depth > 12) return;
    const e = this.expand(conj);
    if (e.empty || e.unsupported) return;
    const br = this.branches(e.atoms);
    if (br) {
      for (const alt of br.alts) yield* this.candidates(alt, opts, depth + 1);
      return;
    }
    const f = this.facts(e.atoms);
    if (f.unsupported) return;
    if (f.enum) {
      yield* f.enum;
      return;
    }
    const order: Kind[] = opts.kind ? [opts.kind] : this.kindOrder(f);
    for (const k of order) {
      if (!f.kinds.has(k)) continue;
      yield* this.kindCandidates(f, k, opts, depth);
    }
  }

  private kindOrder(f: Facts): Kind[] {
    const has = (xs: string[]) => f.atoms.some((a) => xs.some((x) => x in a));
    const pref: Kind[] = [];
    if (has(['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'dependentRequired'])) pref.push('object');
    if (has(['items', 'prefixItems', 'contains', 'minItems'])) pref.push('array');
    if (has(['minLength', 'maxLength', 'pattern', 'format'])) pref.push('string');
    if (has(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'])) pref.push('integer', 'nonint');
    return [...new Set([...pref, ...ALL_KINDS])];
  }

  private *kindCandidates(f: Facts, k: Kind, opts: SampleOpts, depth: number): Generator<unknown> {
    switch (k) {
      case 'null':
        yield null;
        return;
      case 'boolean':
        yield true;
        yield false;
        return;
      case 'integer':
      case 'nonint':
        yield* this.numbers(f, k === 'integer', opts.target ?? []);
        return;
      case 'string':
        if (opts.seeds) yield* opts.seeds;
        yield* this.targetedStrings(f, opts.target ?? []);
        yield* this.strings(f);
        return;
      case 'array':
        yield* this.arrays(f, opts, depth);
        return;
      case 'object':
        yield* this.objects(f, opts, depth);
        return;
    }
  }

  /**
   * Numbers at the boundaries of the target constraints, in f's range: each bound, one past it (integer
   * and half steps), midpoints between neighbouring bounds, and multiples of f's step next to the target's
   * multipleOf (the first multiples of f's step from each anchor include a non-multiple of the target's).
   */
  private targetNumbers(f: Facts, integer: boolean, targets: Facts[]): number[] {
    const out: number[] = [];
    const points: number[] = [];
    for (const x of [f.min, f.max]) if (Number.isFinite(x)) points.push(x);
    for (const t of targets) {
      if (Number.isFinite(t.max)) {
        out.push(t.max + 1, Math.floor(t.max) + 1, t.max + 0.5, t.max);
        points.push(t.max);
      }
      if (Number.isFinite(t.min)) {
        out.push(t.min - 1, Math.ceil(t.min) - 1, t.min - 0.5, t.min);
        points.push(t.min);
      }
    }
    const sorted = [...new Set(points)].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) out.push((sorted[i - 1] + sorted[i]) / 2);
    const anchors = [...sorted, 0];
    for (const t of targets) {
      for (const mB of t.multipleOf) {
        const steps = f.multipleOf.length ? f.multipleOf : integer ? [1] : [mB / 2, 0.5];
        for (const a of anchors) {
          for (const step of steps) {
            const start = Math.ceil(a / step) * step;
            out.push(start, start + step, start + 2 * step, start - step);
          }
        }
      }
    }
    return out;
  }

  private *numbers(f: Facts, integer: boolean, targets: Facts[] = []): Generator<number> {
    const lo = f.min === -Infinity ? undefined : f.min;
    const hi = f.max === Infinity ? undefined : f.max;
    const base = [...this.targetNumbers(f, integer, targets), 0, 1, -1, 2, 7, 10, 100, -10];
    if (lo !== undefined) base.push(lo, lo + 1, lo + 0.5, lo + 0.25, lo - 1);
    if (hi !== undefined) base.push(hi, hi - 1, hi - 0.5, hi - 0.25, hi + 1);
    if (lo !== undefined && hi !== undefined) base.push((lo + hi) / 2);
    const ms = f.multipleOf.length ? f.multipleOf : [integer ? 1 : 0.5];
    const out = new Set<number>();
    for (const m of ms) {
      for (let i = 1; i <= 24; i++) base.push(i * m, -i * m);
      for (const x of [...base]) base.push(Math.ceil(x / m) * m, Math.floor(x / m) * m);
    }
    for (let x of base) {
      if (!Number.isFinite(x)) continue;
      if (integer) x = Math.round(x);
      else if (Number.isInteger(x)) x = x + 0.5;
      if (Object.is(x, -0)) x = 0;
      if (!out.has(x)) {
        out.add(x);
        yield x;
      }
    }
  }

  private stringPools = new WeakMap<Facts, string[]>();

  /**
   * Strings of the lengths the targets draw a line at (maxLength + 1, minLength - 1, and the bounds
   * themselves), built from strings that f's patterns and formats accept, padded with their own first or
   * last character or repeated, so that a pattern like ^[a-z]+$ still matches.
   */
  private *targetedStrings(f: Facts, targets: Facts[]): Generator<string> {
    if (!targets.length) return;
    const lens = new Set<number>();
    for (const t of targets) {
      for (const n of [t.maxLength + 1, t.minLength - 1, t.maxLength, t.minLength]) {
        if (Number.isFinite(n) && n >= 0 && n <= MAX_BUILD_STRING + 1 && n >= f.minLength && n <= f.maxLength) lens.add(n);
      }
    }
    if (!lens.size) return;
    const seeds: string[] = [];
    for (const p of f.patterns) seeds.push(...stringsMatching(p, 3));
    for (const fm of f.formats) seeds.push(...(FORMAT_SAMPLES[fm] ?? []).slice(0, 2));
    seeds.push('a', 'abc');
    const seen = new Set<string>();
    for (const n of lens) {
      for (const s of seeds.slice(0, 6)) {
        const cs = [...s];
        const len = cs.length;
        const variants: string[] = [];
        if (len === 0) variants.push('a'.repeat(n));
        else if (len >= n) variants.push(cs.slice(0, n).join(''), cs.slice(len - n).join(''));
        else variants.push(s + cs[len - 1].repeat(n - len), cs[0].repeat(n - len) + s, s.repeat(Math.ceil(n / len)).slice(0, n * 2));
        for (let v of variants) {
          if (ucs2length(v) !== n) v = [...v].slice(0, n).join('');
          if (seen.has(v)) continue;
          seen.add(v);
          yield v;
        }
      }
    }
  }

  private *strings(f: Facts): Generator<string> {
    const key = JSON.stringify([f.patterns, f.formats, f.minLength, f.maxLength]);
    let list = this.stringPools.get(f) ?? STRING_POOLS.get(key);
    if (!list) {
      list = [...this.stringPool(f)];
      if (STRING_POOLS.size > 500) STRING_POOLS.clear();
      STRING_POOLS.set(key, list);
    }
    this.stringPools.set(f, list);
    yield* list;
  }

  private *stringPool(f: Facts): Generator<string> {
    const seen = new Set<string>();
    const pool: string[] = [];
    for (const p of f.patterns) pool.push(...stringsMatching(p));
    for (const fm of f.formats) pool.push(...(FORMAT_SAMPLES[fm] ?? []));
    pool.push(...PLAIN_STRINGS);
    const lens = [f.minLength, f.maxLength, f.minLength + 1, f.maxLength - 1].filter((n) => Number.isFinite(n) && n >= 0 && n < 10000);
    for (const n of lens) pool.push('a'.repeat(n), 'A'.repeat(n));
    for (const s of [...pool]) {
      for (const n of lens) {
        const len = ucs2length(s);
        if (len < n) pool.push(s + 'a'.repeat(n - len), 'a'.repeat(n - len) + s);
        else if (len > n) pool.push([...s].slice(0, n).join(''));
      }
    }
    for (const s of pool) {
      if (!seen.has(s)) {
        seen.add(s);
        yield s;
      }
    }
  }

  /**
   * `count` different values valid under conj (for uniqueItems), or null: the sampler's candidates first,
   * then simple families built from the first one (numbers stepped by 1 or multipleOf, strings with a
   * counter), each checked against conj.
   */
  private distinctValues(conj: Raw[], count: number, depth: number): unknown[] | null {
    const out: unknown[] = [];
    const seen = new Set<string>();
    const add = (v: unknown): boolean => {
      const k = canonicalJson(v);
      if (seen.has(k) || this.tryValid(conj, v) !== true) return false;
      seen.add(k);
      out.push(v);
      return out.length >= count;
    };
    let tries = 0;
    for (const c of this.candidates(conj, {}, depth)) {
      if (++tries > 200) break;
      if (add(c)) return out;
    }
    if (!out.length) return null;
    const v0 = out[0];
    const e = this.expand(conj);
    const steps = !e.empty && !this.branches(e.atoms) ? this.facts(e.atoms).multipleOf : [];
    const budget = count * 4 + 200;
    for (let i = 1; i <= budget; i++) {
      this.tick();
      const fam: unknown[] = [];
      if (typeof v0 === 'number') {
        for (const st of steps.length ? steps : [1]) fam.push(v0 + i * st, v0 - i * st);
      } else if (typeof v0 === 'string') fam.push(v0 + String(i), String(i) + v0, String(i));
      else if (isObject(v0)) fam.push({ ...v0, [`extra${i}`]: i });
      else fam.push(i);
      for (const v of fam) if (add(v)) return out;
    }
    return null;
  }

  private *arrays(f: Facts, opts: SampleOpts, depth: number): Generator<unknown[]> {
    const lens = new Set<number>();
    // lengths asked for, or drawn by a target's bounds, may be large; the others stay small
    const wanted = new Set<number>();
    if (opts.length !== undefined) wanted.add(opts.length);
    for (const t of opts.target ?? []) for (const n of [t.maxItems + 1, t.minItems - 1]) if (Number.isFinite(n) && n >= 0) wanted.add(n);
    for (const n of wanted) lens.add(n);
    if (opts.fixedItems) lens.add(Math.max(f.minItems, ...[...opts.fixedItems.keys()].map((i) => i + 1)));
    if (opts.dupItems) lens.add(Math.max(2, f.minItems));
    const needContains = f.contains.reduce((n, c) => n + Math.max(0, c.min), 0);
    lens.add(Math.max(f.minItems, needContains));
    lens.add(Math.max(f.minItems, f.prefixLen));
    lens.add(f.minItems + 1);
    if (Number.isFinite(f.maxItems)) lens.add(f.maxItems);
    if (f.minItems === 0) lens.add(0);
    for (const n of lens) {
      if (n < f.minItems || n > f.maxItems || n > (wanted.has(n) ? MAX_BUILD_ITEMS + 1 : SMALL)) continue;
      const arr: unknown[] = [];
      let ok = true;
      let ci = 0;
      let need = f.contains.length ? Math.max(0, f.contains[0].min) : 0;
      // items past the tuple share one schema: sample it once (distinct values when items must be unique)
      const same = new Map<string, unknown>();
      for (let i = 0; i < n && ok; i++) {
        if (opts.fixedItems?.has(i)) {
          arr.push(opts.fixedItems.get(i));
          continue;
        }
        if (opts.dupItems && i > 0) {
          arr.push(arr[0]);
          continue;
        }
        const conj = this.itemConj(f, i);
        let withContains = false;
        if (ci < f.contains.length && need > 0) {
          conj.push(f.contains[ci].schema);
          withContains = true;
          need--;
          if (need === 0) {
            ci++;
            need = ci < f.contains.length ? Math.max(0, f.contains[ci].min) : 0;
          }
        }
        if (f.uniqueItems && !opts.dupItems && !withContains && i >= f.prefixLen && n - i > 1) {
          // the rest of the array: n - i different items
          const unique = this.distinctValues(conj, n - i, depth + 1);
          if (!unique) ok = false;
          else for (let j = i, u = 0; j < n; j++) arr.push(opts.fixedItems?.has(j) ? opts.fixedItems.get(j) : unique[u++]);
          break;
        }
        const key = this.key(conj);
        let v = same.get(key);
        if (v === undefined) {
          v = this.sample(opts.dupItems ? [...conj, ...this.itemConj(f, 1)] : conj, {}, depth + 1);
          if (!withContains && !f.uniqueItems) same.set(key, v);
        }
        if (v === NONE) ok = false;
        else arr.push(v);
      }
      if (ok) yield arr;
    }
  }

  private *objects(f: Facts, opts: SampleOpts, depth: number): Generator<Obj> {
    const omit = opts.omit ?? new Set<string>();
    const keys = new Set<string>([...f.required].filter((k) => !omit.has(k)));
    for (const k of Object.keys(opts.fixedProps ?? {})) keys.add(k);
    // dependentRequired closure
    let grew = true;
    while (grew) {
      grew = false;
      for (const k of [...keys]) for (const r of f.depReq.get(k) ?? []) if (!keys.has(r) && !omit.has(r)) (keys.add(r), (grew = true));
    }
    const counts = new Set<number>();
    const wanted = new Set<number>();
    if (opts.propCount !== undefined) wanted.add(opts.propCount);
    for (const t of opts.target ?? []) for (const n of [t.maxProps + 1, t.minProps - 1]) if (Number.isFinite(n) && n >= 0) wanted.add(n);
    for (const n of wanted) counts.add(n);
    counts.add(Math.max(keys.size, f.minProps));
    if (Number.isFinite(f.maxProps)) counts.add(f.maxProps);
    counts.add(Math.max(keys.size, f.minProps) + 1);
    const optional = [...f.declared].filter((k) => !keys.has(k) && !omit.has(k));
    for (const n of counts) {
      if (n < f.minProps || n > f.maxProps || n > (wanted.has(n) ? MAX_BUILD_PROPS + 1 : SMALL)) continue;
      const ks = [...keys];
      const taken = new Set(ks);
      for (const k of optional) if (ks.length < n) (ks.push(k), taken.add(k));
      for (let i = 1; ks.length < n && i < n + 70; i++) {
        const name = `extra${i}`;
        if (!omit.has(name) && !taken.has(name)) (ks.push(name), taken.add(name));
      }
      if (ks.length < n) continue;
      const obj: Obj = {};
      let ok = true;
      // properties governed by the same schemas (additionalProperties) share one sampled value
      const same = new Map<string, unknown>();
      for (const k of ks) {
        if (opts.fixedProps && k in opts.fixedProps) {
          obj[k] = opts.fixedProps[k];
          continue;
        }
        const conj = this.propConj(f, k);
        const key = this.key(conj);
        let v = same.get(key);
        if (v === undefined) {
          v = this.sample(conj, {}, depth + 1);
          same.set(key, v);
        }
        if (v === NONE) {
          ok = false;
          break;
        }
        obj[k] = v;
      }
      if (!ok) continue;
      yield obj;
      // dependent schemas of the present keys: sample again under them
      const extra = f.depSchemas.filter(([k]) => k in obj).map(([, s]) => s);
      if (extra.length && depth < 10) {
        const v = this.sample([...f.atoms, ...extra], { ...opts, kind: 'object' }, depth + 1);
        if (v !== NONE) yield v as Obj;
      }
    }
  }

  // ---------------------------------------------------------------- subset

  /** Does every instance valid under all of A validate under all of B? */
  subset(A: Raw[], B: Raw[]): Res {
    this.tick();
    const ids = new Set(A.map((s) => this.docs.id(s)));
    if (B.every((b) => b === true || ids.has(this.docs.id(b)))) return YES;
    if (A.some((a) => a === false)) return YES;
    const key = this.key(A) + '|' + this.key(B);
    const m = this.memo.get(key);
    if (m) return m;
    if (this.inProgress.has(key)) {
      this.assumed++;
      return YES; // coinduction: a recursive comparison assumes itself
    }
    this.inProgress.add(key);
    const before = this.assumed;
    let r: Res;
    try {
      r = this.subsetUncached(A, B);
    } catch (e) {
      if (e instanceof Unsupported) r = unknown('the schema uses a construct the checker cannot evaluate');
      else throw e;
    } finally {
      this.inProgress.delete(key);
    }
    if (r.r === 'no') {
      const okA = this.tryValid(A, r.w);
      const okB = this.tryValid(B, r.w);
      if (okA !== true || okB !== false) r = unknown('a candidate counterexample could not be confirmed');
    }
    if (r.r !== 'yes' || this.assumed === before || this.inProgress.size === 0) this.memo.set(key, r);
    return r;
  }

  private subsetUncached(A: Raw[], B: Raw[]): Res {
    const ea = this.expand(A);
    if (ea.empty) return YES;
    if (ea.unsupported) return unknown(ea.unsupported);
    const eb = this.expand(B);
    if (eb.unsupported) return unknown(eb.unsupported);
    if (eb.empty) {
      const w = this.sample(A);
      return w === NONE ? unknown('cannot tell whether the schema accepts any instance') : no(w);
    }
    if (eb.atoms.length === 0) return YES;
    const br = this.branches(ea.atoms);
    if (br) {
      let first: Res | undefined;
      for (const alt of br.alts) {
        const r = this.subset(alt, B);
        if (r.r === 'no') {
          if (this.tryValid(A, r.w) === true) return r;
          first ??= unknown('a branch-level counterexample is not valid under the whole schema');
        } else if (r.r === 'unknown') first ??= r;
      }
      return first ?? YES;
    }
    const rest: Obj[] = [];
    const parts: Obj[] = [];
    for (const b of eb.atoms) {
      if (COMBINATORS.some((c) => c in b) || 'not' in b) {
        parts.push(b);
        rest.push(this.strip(b, ['anyOf', 'oneOf', 'if', 'then', 'else', 'not']));
      } else rest.push(b);
    }
    let pending: Res | undefined;
    const r0 = this.leafSubset(ea.atoms, rest);
    if (r0.r === 'no') return r0;
    if (r0.r === 'unknown') pending = r0;
    for (const p of parts) {
      for (const comb of ['anyOf', 'oneOf'] as const) {
        if (Array.isArray(p[comb])) {
          const r = this.unionSubset(ea.atoms, p[comb] as Raw[], comb === 'oneOf', this.strip(p, ['anyOf', 'oneOf', 'if', 'then', 'else', 'not'].filter((x) => x !== comb)));
          if (r.r === 'no') return r;
          if (r.r === 'unknown') pending ??= r;
        }
      }
      if ('not' in p) {
        const r = this.disjoint(ea.atoms, [p.not as Raw]);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') pending ??= r;
      }
      if ('if' in p) {
        const r = this.condSubset(ea.atoms, p.if as Raw, (p.then ?? true) as Raw, (p.else ?? true) as Raw);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') pending ??= r;
      }
    }
    return pending ?? YES;
  }

  /** Find an instance of A that B rejects. */
  private search(A: Raw[], B: Raw[], opts: SampleOpts = {}): Maybe {
    return this.sample(A, { ...opts, target: opts.target ?? this.targetsOf(B), avoid: (v) => this.validConj(B, v) });
  }

  private targetCache = new Map<string, Facts[]>();

  /** The facts of B's leaves (through anyOf / oneOf / if, a few levels deep): the bounds a witness must cross. */
  targetsOf(B: Raw[], depth = 0): Facts[] {
    const key = this.key(B);
    const hit = this.targetCache.get(key);
    if (hit) return hit;
    const out: Facts[] = [];
    const e = this.expand(B);
    if (!e.empty && !e.unsupported) {
      const br = this.branches(e.atoms);
      if (!br) out.push(this.facts(e.atoms));
      else if (depth < 2) for (const alt of br.alts.slice(0, 8)) out.push(...this.targetsOf(alt, depth + 1));
    }
    const res = out.slice(0, 8);
    this.targetCache.set(key, res);
    return res;
  }

  private found(A: Raw[], B: Raw[], opts: SampleOpts, why: string): Res {
    const w = this.search(A, B, opts);
    return w === NONE ? unknown(why) : no(w);
  }

  private leafSubset(Aatoms: Obj[], Batoms: Obj[]): Res {
    const fA = this.facts(Aatoms);
    const fB = this.facts(Batoms);
    if (fA.unsupported) return unknown(fA.unsupported);
    if (fB.unsupported) return unknown(fB.unsupported);
    if (fA.kinds.size === 0) return YES;
    if (fA.enum) {
      // B that is only a type and an enum accepts exactly its enum's values of its kinds: a lookup each
      const bEnum = fB.enum && Batoms.every((a) => Object.keys(a).every((k) => k === 'type' || k === 'enum' || ANNOTATIONS.has(k))) ? fB.enum : undefined;
      if (bEnum) {
        // the values B lacks (a cached pass per pair of enums); B rejects exactly those
        const miss = enumMissing(fA.enum, bEnum);
        for (const v of miss) if (this.tryValid(Aatoms, v) === true) return no(v);
        if (miss.length < 16) return YES;
      }
      for (const v of fA.enum) {
        this.tick();
        if (bEnum && enumHas(bEnum, v)) continue;
        if (this.tryValid(Aatoms, v) === true && this.tryValid(Batoms, v) === false) return no(v);
      }
      return YES;
    }
    let pending: Res | undefined;
    const note = (r: Res): Res | undefined => {
      if (r.r === 'no') return r;
      if (r.r === 'unknown') pending ??= r;
      return undefined;
    };
    for (const k of fA.kinds) {
      if (!fB.kinds.has(k)) {
        const w = this.sample(Aatoms, { kind: k });
        if (w !== NONE) return no(w);
        continue; // A has no instance of this kind (as far as we can tell)
      }
      let r: Res | undefined;
      if (k === 'integer' || k === 'nonint') r = note(this.numbersSubset(fA, fB, k));
      else if (k === 'string') r = note(this.stringsSubset(fA, fB));
      else if (k === 'array') r = note(this.arraysSubset(fA, fB));
      else if (k === 'object') r = note(this.objectsSubset(fA, fB));
      if (r) return r;
    }
    if (fB.enum) {
      const en = fB.enum;
      const r = this.found(Aatoms, Batoms, { avoid: (v) => enumHas(en, v) }, 'cannot tell whether the enum covers every value');
      if (r.r === 'no') return r;
      if (!(fA.kinds.size > 0 && [...fA.kinds].every((k) => k === 'null' || k === 'boolean'))) pending ??= r;
    }
    return pending ?? YES;
  }

  private numbersSubset(fA: Facts, fB: Facts, k: Kind): Res {
    const int = k === 'integer';
    const lower = (f: Facts) => (int && f.min !== -Infinity ? (f.minEx ? Math.floor(f.min) + 1 : Math.ceil(f.min)) : f.min);
    const upper = (f: Facts) => (int && f.max !== Infinity ? (f.maxEx ? Math.ceil(f.max) - 1 : Math.floor(f.max)) : f.max);
    const exL = (f: Facts) => (int ? false : f.minEx);
    const exU = (f: Facts) => (int ? false : f.maxEx);
    const loOk = lower(fA) > lower(fB) || (lower(fA) === lower(fB) && (!exL(fB) || exL(fA)));
    const hiOk = upper(fA) < upper(fB) || (upper(fA) === upper(fB) && (!exU(fB) || exU(fA)));
    const multOk = fB.multipleOf.every((mB) => fA.multipleOf.some((mA) => isMultiple(mA, mB)) || (int && isMultiple(1, mB)));
    if (loOk && hiOk && multOk) return YES;
    return this.found(fA.atoms, fB.atoms, { kind: k }, 'cannot find a number that shows the difference');
  }

  private stringsSubset(fA: Facts, fB: Facts): Res {
    const lenOk = fA.minLength >= fB.minLength && fA.maxLength <= fB.maxLength;
    const patOk = fB.patterns.every((p) => fA.patterns.includes(p));
    const fmtOk = fB.formats.every((x) => fA.formats.includes(x));
    if (lenOk && patOk && fmtOk) return YES;
    let why = patOk ? 'cannot find a string that shows the difference' : 'cannot decide whether one pattern or format implies the other';
    const la = lengthPatterns(fA);
    const lb = lengthPatterns(fB);
    if (la && lb && (!patOk || fA.patterns.length || fB.patterns.length)) {
      // patterns and lengths as automata: inclusion decided exactly, with the shortest counterexample
      const r = patternsSubset([...fA.patterns, ...la], [...fB.patterns, ...lb]);
      this.budget.check();
      if (r.r === 'yes' && fmtOk) return YES;
      if (r.r === 'no') {
        if (this.tryValid(fA.atoms, r.w) === true && this.tryValid(fB.atoms, r.w) === false) return no(r.w);
        const w = this.search(fA.atoms, fB.atoms, { kind: 'string', seeds: [r.w] });
        if (w !== NONE) return no(w);
      }
      if (r.r === 'unknown') why = r.why;
    }
    return this.found(fA.atoms, fB.atoms, { kind: 'string' }, why);
  }

  private maxLen(f: Facts): number {
    let n = f.maxItems;
    for (let i = 0; i <= f.prefixLen && i < n; i++) {
      if (this.itemConj(f, i).some((s) => s === false)) n = i;
    }
    return n;
  }

  private arraysSubset(fA: Facts, fB: Facts): Res {
    let pending: Res | undefined;
    const A = fA.atoms;
    const B = fB.atoms;
    const maxA = this.maxLen(fA);
    if (fA.minItems < fB.minItems || maxA > fB.maxItems) {
      const r = this.found(A, B, { kind: 'array', length: fA.minItems < fB.minItems ? fA.minItems : fB.maxItems + 1 }, 'cannot build an array of the right length');
      if (r.r === 'no') return r;
      const r2 = this.found(A, B, { kind: 'array' }, r.r === 'unknown' ? r.why : '');
      if (r2.r === 'no') return r2;
      pending ??= r;
    }
    const n = Math.max(fA.prefixLen, fB.prefixLen);
    for (let i = 0; i <= n && i < maxA; i++) {
      const r = this.subset(this.itemConj(fA, i), this.itemConj(fB, i));
      if (r.r === 'yes') continue;
      if (r.r === 'no') {
        const fixed = new Map<number, unknown>([[i, r.w]]);
        const w = this.search(A, B, { kind: 'array', fixedItems: fixed });
        if (w !== NONE) return no(w);
        pending ??= unknown(`cannot build an array around item ${i}`);
      } else pending ??= r;
    }
    if (fB.uniqueItems && !fA.uniqueItems && maxA >= 2) {
      const w = this.search(A, B, { kind: 'array', dupItems: true });
      if (w !== NONE) return no(w);
      pending ??= unknown('cannot build an array with repeated items');
    }
    for (const cB of fB.contains) {
      const covered =
        (cB.min <= 0 && cB.max === Infinity) ||
        (cB.max === Infinity && fA.contains.some((cA) => cA.min >= cB.min && this.subset([cA.schema], [cB.schema]).r === 'yes'));
      if (covered) continue;
      const r = this.found(A, B, { kind: 'array' }, 'cannot decide the contains constraint');
      if (r.r === 'no') return r;
      const single = this.sample([...this.itemConj(fA, 0)], { avoid: (v) => this.valid(cB.schema, v, 0) });
      if (single !== NONE) {
        const w = this.search(A, B, { kind: 'array', fixedItems: new Map([[0, single]]), length: Math.max(1, fA.minItems) });
        if (w !== NONE) return no(w);
      }
      pending ??= r;
    }
    return pending ?? YES;
  }

  private patternNames(patterns: string[]): string[] {
    const out: string[] = [];
    for (const p of patterns) out.push(...stringsMatching(p, 3));
    return out;
  }

  private objectsSubset(fA: Facts, fB: Facts): Res {
    let pending: Res | undefined;
    const A = fA.atoms;
    const B = fB.atoms;
    for (const k of fB.required) {
      if (fA.required.has(k)) continue;
      const r = this.found(A, B, { kind: 'object', omit: new Set([k]) }, `cannot build an object without '${k}'`);
      if (r.r === 'no') return r;
      pending ??= r;
    }
    const names = new Set<string>([...fA.declared, ...fB.declared, ...fA.required, ...fB.required]);
    for (const [k, rs] of [...fA.depReq, ...fB.depReq]) {
      names.add(k);
      for (const x of rs) names.add(x);
    }
    for (const n of this.patternNames([...fA.patternKeys, ...fB.patternKeys])) names.add(n);
    // a name one side's patternProperties key matches and no key of the other side does
    for (const [X, Y] of [[fA, fB], [fB, fA]]) {
      for (const p of X.patternKeys) {
        const r = patternsSubset([p], Y.patternKeys, true);
        if (r.r === 'no') names.add(r.w);
      }
    }
    names.add('extra1');
    for (const k of names) {
      if (this.lenient) {
        const inA = fA.declared.has(k);
        const inB = fB.declared.has(k);
        if (inA !== inB && ((inA && this.openFor(fB, k) && !fB.required.has(k)) || (inB && this.openFor(fA, k) && !fB.required.has(k)))) continue;
      }
      const cA = this.propConj(fA, k);
      if (cA.some((s) => s === false)) continue;
      const r = this.subset(cA, this.propConj(fB, k));
      if (r.r === 'yes') continue;
      if (r.r === 'no') {
        const w = this.search(A, B, { kind: 'object', fixedProps: { [k]: r.w } });
        if (w !== NONE) return no(w);
        pending ??= unknown(`cannot build an object around property '${k}'`);
      } else pending ??= r;
    }
    if (fB.propertyNames.length) {
      const closed = A.find((a) => a.additionalProperties === false && !isObject(a.patternProperties));
      if (closed) {
        for (const name of Object.keys((closed.properties as Obj) ?? {})) {
          if (this.validConj(fB.propertyNames, name)) continue;
          const r = this.found(A, B, { kind: 'object', fixedProps: { [name]: this.sample(this.propConj(fA, name)) } }, 'cannot build an object with that property');
          if (r.r === 'no') return r;
        }
      } else {
        const r = this.subset([this.make({ type: ['string'] }), ...fA.propertyNames], fB.propertyNames);
        if (r.r === 'no' && typeof r.w === 'string') {
          const v = this.sample(this.propConj(fA, r.w));
          if (v !== NONE) {
            const w = this.search(A, B, { kind: 'object', fixedProps: { [r.w]: v } });
            if (w !== NONE) return no(w);
          }
          pending ??= unknown('cannot build an object with such a property name');
        } else if (r.r === 'unknown') pending ??= r;
      }
    }
    if (fA.minProps < fB.minProps || fA.maxProps > fB.maxProps) {
      const count = fA.minProps < fB.minProps ? fA.minProps : fB.maxProps + 1;
      const r = this.found(A, B, { kind: 'object', propCount: count }, 'cannot build an object with that many properties');
      if (r.r === 'no') return r;
      pending ??= r;
    }
    for (const [k, rs] of fB.depReq) {
      for (const x of rs) {
        if (fA.required.has(x) || fA.depReq.get(k)?.has(x)) continue;
        const v = this.sample(this.propConj(fA, k));
        if (v === NONE) continue;
        const r = this.found(A, B, { kind: 'object', fixedProps: { [k]: v }, omit: new Set([x]) }, `cannot build an object with '${k}' and without '${x}'`);
        if (r.r === 'no') return r;
        pending ??= r;
      }
    }
    for (const [k, s] of fB.depSchemas) {
      const mine = fA.depSchemas.filter(([x]) => x === k).map(([, y]) => y);
      const r = this.subset([...A, this.make({ type: ['object'], required: [k] }), ...mine], [s]);
      if (r.r === 'no') return r;
      if (r.r === 'unknown') pending ??= r;
    }
    return pending ?? YES;
  }

  private unionSubset(Aatoms: Obj[], branches: Raw[], exclusive: boolean, node: Obj): Res {
    const witnesses: unknown[] = [];
    let pending: Res | undefined;
    for (let i = 0; i < branches.length; i++) {
      const r = this.subset(Aatoms, [branches[i]]);
      if (r.r === 'yes') {
        if (!exclusive) return YES;
        let all = true;
        for (let j = 0; j < branches.length; j++) {
          if (j === i) continue;
          const d = this.disjoint(Aatoms, [branches[j]]);
          if (d.r === 'no') return d;
          if (d.r === 'unknown') {
            all = false;
            pending ??= d;
          }
        }
        if (all) return YES;
      } else if (r.r === 'no') witnesses.push(r.w);
      else pending ??= r;
    }
    let comb = this.combCache.get(branches);
    if (!comb) {
      comb = this.docs.adopt(exclusive ? { oneOf: branches } : { anyOf: branches }, node);
      this.combCache.set(branches, comb);
    }
    for (const w of witnesses) if (this.tryValid([comb], w) === false) return no(w);
    const fA = this.facts(Aatoms);
    if (fA.enum) {
      for (const v of fA.enum) if (this.tryValid(Aatoms, v) === true && this.tryValid([comb], v) === false) return no(v);
      return YES;
    }
    if (fA.kinds.size > 1) {
      let all = true;
      for (const k of fA.kinds) {
        const t = k === 'integer' ? ['integer'] : k === 'nonint' ? ['number'] : [k];
        const r = this.subset([...Aatoms, this.make({ type: t })], [comb]);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') {
          all = false;
          pending ??= r;
        }
      }
      if (all && !fA.kinds.has('nonint')) return YES;
    }
    // discriminated unions: split A on a required property with a finite enum
    for (const k of fA.required) {
      const fk = this.facts(this.expand(this.propConj(fA, k)).atoms);
      if (!fk.enum || fk.enum.length < 2 || fk.enum.length > 32) continue;
      let all = true;
      for (const v of fk.enum) {
        const r = this.subset([...Aatoms, this.make({ properties: { [k]: { enum: [v] } } })], [comb]);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') all = false;
      }
      if (all) return YES;
    }
    const w = this.search(Aatoms, [comb]);
    if (w !== NONE) return no(w);
    return pending ?? unknown(`cannot decide whether every instance matches ${exclusive ? 'exactly one' : 'one'} of the ${exclusive ? 'oneOf' : 'anyOf'} branches`);
  }

  private condSubset(Aatoms: Obj[], I: Raw, T: Raw, E: Raw): Res {
    const r1 = this.subset(Aatoms, [I]);
    if (r1.r === 'yes') return this.subset(Aatoms, [T]);
    const d = this.disjoint(Aatoms, [I]);
    if (d.r === 'yes') return this.subset(Aatoms, [E]);
    const rT = this.subset([...Aatoms, I], [T]);
    if (rT.r === 'no') return rT;
    const rE = this.subset([...Aatoms, this.notOf(I)], [E]);
    if (rE.r === 'no') return rE;
    if (rT.r === 'yes' && rE.r === 'yes') return YES;
    return rT.r === 'unknown' ? rT : rE;
  }

  /** 'yes' when no instance is valid under both A and N; 'no' with an instance of both. */
  disjoint(A: Raw[], N: Raw[]): Res {
    this.tick();
    const ea = this.expand(A);
    const en = this.expand(N);
    if (ea.empty || en.empty) return YES;
    if (ea.unsupported || en.unsupported) return unknown(ea.unsupported ?? en.unsupported!);
    const brN = this.branches(en.atoms);
    if (brN && brN.kind !== 'oneOf') {
      let pending: Res | undefined;
      for (const alt of brN.alts) {
        const r = this.disjoint(A, alt);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') pending ??= r;
      }
      return pending ?? YES;
    }
    const brA = this.branches(ea.atoms);
    const fA = brA ? undefined : this.facts(ea.atoms);
    const fN = brN ? undefined : this.facts(en.atoms);
    if (fA && fN) {
      if (![...fA.kinds].some((k) => fN.kinds.has(k))) return YES;
      for (const f of [fA, fN]) {
        if (f.enum) {
          for (const v of f.enum) if (this.tryValid(A, v) === true && this.tryValid(N, v) === true) return no(v);
          return YES;
        }
      }
      for (const k of fA.required) {
        if (!fN.required.has(k)) continue;
        const ea2 = this.facts(this.expand(this.propConj(fA, k)).atoms);
        const en2 = this.facts(this.expand(this.propConj(fN, k)).atoms);
        if (ea2.enum && en2.enum && !ea2.enum.some((x) => en2.enum!.some((y) => eq(x, y)))) return YES;
      }
    }
    for (const a of ea.atoms) {
      if ('not' in a && this.subset(N, [a.not as Raw]).r === 'yes') return YES;
    }
    const w = this.sample([...A, ...N]);
    if (w !== NONE) return no(w);
    return unknown('cannot decide whether the two schemas overlap');
  }
}

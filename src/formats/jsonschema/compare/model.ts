/**
 * The semantic checker's shared model: kinds, answers ('yes' / 'no' with a witness / 'unknown' with a
 * reason), the facts of a conjunction of schemas, sampling options and small helpers. The checker itself is
 * four parts, one module each, composed over one context and Budget (context.ts, engine.ts): the normaliser
 * (conjunctions in normal form: $ref and allOf expanded, unevaluated* rewritten, facts), the evaluator (does a
 * value validate?), the sampler (values valid under a conjunction, aimed at the other side's boundaries) and the
 * prover (is A a subset of B?); each is handed the parts it uses.
 */
import { canonicalJson } from '../../../model/json.js';
import { safeRegExp } from '../ajv.js';
import { Budget, BudgetExceeded } from './budget.js';
import { PatternTimeout } from '../regex-guard.js';

/** A schema object, and a schema (an object or a boolean), as the comparison reads them (doc.ts re-exports both). */
export type Obj = Record<string, unknown>;
export type Raw = boolean | Obj;

export type Kind = 'null' | 'boolean' | 'object' | 'array' | 'string' | 'integer' | 'nonint';
export const ALL_KINDS: Kind[] = ['null', 'boolean', 'integer', 'nonint', 'string', 'array', 'object'];

export type Res = { r: 'yes' } | { r: 'no'; w: unknown } | { r: 'unknown'; why: string };
export const YES: Res = { r: 'yes' };
export const no = (w: unknown): Res => ({ r: 'no', w });
export const unknown = (why: string): Res => ({ r: 'unknown', why });

/** Thrown by the evaluator for keywords the model does not cover. */
export class Unsupported extends Error {}

export const NONE: unique symbol = Symbol('none');
export type Maybe = unknown | typeof NONE;

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

export interface SampleOpts {
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
export const MAX_BUILD_STRING = 1_000_000;
export const MAX_BUILD_ITEMS = 100_000;
export const MAX_BUILD_PROPS = 20_000;
/** Untargeted arrays and objects stay small. */
export const SMALL = 64;

export const FORMAT_SAMPLES: Record<string, string[]> = {
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
export const PLAIN_STRINGS = [
  '',
  'a',
  'abc',
  'A',
  'Z',
  '0',
  '9',
  'hello world',
  'x-y_z',
  'é',
  '2024-01-02',
  '2024-01-02T03:04:05Z',
  'a@example.com',
  'https://example.com/a',
  'not a date',
];

const regexCache = new Map<string, { test: (s: string) => boolean } | null>();
/** Candidate strings by (patterns, formats, length bounds): shared by every comparison in the process. */
export const STRING_POOLS = new Map<string, string[]>();
/** A pattern as ajv runs it (RE2 for patterns unsafe for backtracking, so the checker cannot hang either). */
export function regex(p: string): { test: (s: string) => boolean } | null {
  let r = regexCache.get(p);
  if (r === undefined) {
    try {
      const re = safeRegExp(p, 'u');
      // a guarded pattern (regex-guard.ts) past its time limit: the comparison cannot decide, like any budget
      r = {
        test: (s: string) => {
          try {
            return re.test(s);
          } catch (e) {
            if (e instanceof PatternTimeout) throw new BudgetExceeded();
            throw e;
          }
        },
      };
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

export function kindsOfTypes(t: string[]): Set<Kind> {
  const out = new Set<Kind>();
  for (const x of t) {
    if (x === 'number') {
      out.add('integer');
      out.add('nonint');
    } else if (ALL_KINDS.includes(x as Kind)) out.add(x as Kind);
  }
  return out;
}

export function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

export function ucs2length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function isMultiple(v: number, m: number): boolean {
  const q = v / m;
  return q === parseInt(String(q), 10) || (Number.isFinite(q) && Number.isInteger(q));
}

export const COMBINATORS = ['anyOf', 'oneOf', 'if'];

/** Longest length bound turned into an automaton (a counted repetition unrolls into that many states). */
export const MAX_LENGTH_AUTOMATON = 1000;

/** minLength / maxLength as a pattern (none when unbounded), or null when too large for an automaton. */
export function lengthPatterns(f: Facts): string[] | null {
  if (f.minLength === 0 && f.maxLength === Infinity) return [];
  if (f.minLength > MAX_LENGTH_AUTOMATON || (f.maxLength !== Infinity && f.maxLength > MAX_LENGTH_AUTOMATON)) return null;
  return [`^[^]{${f.minLength},${f.maxLength === Infinity ? '' : f.maxLength}}$`];
}

export interface EngineOptions {
  lenient?: boolean;
  /** The comparison's budget (shared with the normaliser and the differ); a fresh 2 s one by default. */
  budget?: Budget;
}

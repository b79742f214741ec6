import { createRequire } from 'node:module';
import type { ErrorObject, Options } from 'ajv';
import { InputError } from '../../model/errors.js';
import type { DataError } from '../../model/types.js';
import { forEachSubschemaValue, isObject, mapSchema } from './walk.js';
import { guardedTest, patternGuard } from './regex-guard.js';
import { ecmaToRe2 } from './ecma-re2.js';

// ajv and ajv-formats ship CommonJS; require keeps their default exports simple under NodeNext.
const require = createRequire(import.meta.url);

// The pattern parser and RE2 are loaded on the first pattern that needs them (CommonJS builds, synchronously).
let regexppModule: typeof import('@eslint-community/regexpp') | undefined;
const regexpp = (): typeof import('@eslint-community/regexpp') =>
  (regexppModule ??= require('@eslint-community/regexpp') as typeof import('@eslint-community/regexpp'));
let re2Module: typeof import('re2js') | undefined;
const re2Lib = (): typeof import('re2js') => (re2Module ??= require('re2js') as typeof import('re2js'));

export type Dialect = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

const DIALECTS: Array<[RegExp, Dialect]> = [
  [/^https?:\/\/json-schema\.org\/draft-04\/schema#?$/, 'draft-04'],
  [/^https?:\/\/json-schema\.org\/draft-06\/schema#?$/, 'draft-06'],
  [/^https?:\/\/json-schema\.org\/draft-07\/schema#?$/, 'draft-07'],
  [/^https?:\/\/json-schema\.org\/draft\/2019-09\/schema#?$/, '2019-09'],
  [/^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/, '2020-12'],
];

/** The dialect named by `$schema` (2020-12 when absent). Throws InputError for dialects we do not support. */
export function dialectOf(schema: unknown, file?: string): Dialect {
  if (!isObject(schema) || schema.$schema === undefined) return '2020-12';
  const uri = schema.$schema;
  if (typeof uri !== 'string') throw new InputError('$schema must be a string', { file });
  for (const [re, d] of DIALECTS) if (re.test(uri)) return d;
  throw new InputError(`unsupported $schema '${uri}': llm-schema supports draft-04, draft-06, draft-07, 2019-09 and 2020-12`, { file });
}

type AjvInstance = import('ajv').default;

/**
 * Whether a pattern can take super-linear time in a backtracking engine: a repeated group holding a
 * quantifier or an alternation ((a+)+, (a|a)*), or two or more unbounded quantifiers (.*.*x, polynomial).
 * Patterns that do not parse are not judged here (ajv reports them).
 */
export function unsafeForBacktracking(pattern: string): boolean {
  if (!/[*+{]/.test(pattern)) return false;
  let ast;
  try {
    ast = new (regexpp().RegExpParser)({ ecmaVersion: 2024 }).parsePattern(pattern, 0, pattern.length, { unicode: true });
  } catch {
    return false;
  }
  let unbounded = 0;
  let unsafe = false;
  const visit = (n: unknown, underRepeat: boolean): void => {
    if (unsafe || !n || typeof n !== 'object') return;
    const node = n as { type: string; max?: number; element?: unknown; alternatives?: unknown[]; elements?: unknown[] };
    if (node.type === 'Quantifier') {
      const repeats = (node.max ?? 1) > 1;
      if (repeats && underRepeat) unsafe = true;
      if (node.max === Infinity) unbounded++;
      visit(node.element, underRepeat || repeats);
      return;
    }
    if (node.alternatives) {
      if (underRepeat && node.alternatives.length > 1) unsafe = true;
      for (const a of node.alternatives) visit(a, underRepeat);
    }
    if (node.elements && node.type !== 'CharacterClass') for (const e of node.elements) visit(e, underRepeat);
  };
  visit(ast, false);
  return unsafe || unbounded > 1;
}

const safeCache = new Map<string, { test: (s: string) => boolean }>();

/**
 * ajv's regex engine: JavaScript's RegExp for ordinary patterns (fastest), RE2 (re2js, linear time) for
 * patterns unsafe for backtracking, so untrusted schemas cannot hang `validate`, rewritten so that they mean
 * what ECMA-262 says (ecma-re2.ts). A pattern RE2 cannot run (lookarounds, backreferences) runs on RegExp, in a worker thread with a time limit while the guard
 * is on (regex-guard.ts).
 */
export const safeRegExp = Object.assign(
  (pattern: string, flags: string): { test: (s: string) => boolean } => {
    const key = flags + '/' + pattern;
    const hit = safeCache.get(key);
    if (hit) return hit;
    let r: { test: (s: string) => boolean } = new RegExp(pattern, flags);
    if (unsafeForBacktracking(pattern)) {
      try {
        // RE2's classes differ from ECMAScript's (\s, ., \w, \p{...}): it runs the pattern spelled with ECMAScript's own
        // code point ranges (ecma-re2.ts); a construct without a translation (lookaround, backreference) goes below
        const re2 = re2Lib().RE2JS.compile(ecmaToRe2(pattern, flags));
        // ajv shares compiled patterns by their toString(): it must name the pattern
        const name = `re2:/${pattern}/${flags}`;
        const wrapped: { test: (s: string) => boolean; toString(): string } = { test: (s: string) => re2.test(s), toString: () => name };
        r = wrapped;
      } catch {
        // RE2 has no lookarounds or backreferences (nor repeat counts past 1000): JavaScript's engine, and while the guard is on (validate), in
        // a worker thread with a time limit (regex-guard.ts): past it the test throws PatternTimeout
        const re = r as RegExp;
        const name = `guarded:/${pattern}/${flags}`;
        r = {
          test: (s: string) => {
            const ms = patternGuard();
            return ms === undefined ? re.test(s) : guardedTest(pattern, flags, s, ms);
          },
          toString: () => name,
        } as { test: (s: string) => boolean };
      }
    }
    if (safeCache.size > 5000) safeCache.clear();
    safeCache.set(key, r);
    return r;
  },
  { code: 'safeRegExp' },
);

const OPTIONS: Options = {
  code: { regExp: safeRegExp },
  allErrors: true,
  strict: false,
  // `required: ["constructor"]` must not be met by Object.prototype, nor `properties: {toString: ...}` apply to it
  ownProperties: true,
  addUsedSchema: false,
  validateFormats: true,
  // Keep the draft-07 meta-schema checks honest but do not fail on unknown keywords (they are legal).
  validateSchema: false,
};

const instances = new Map<string, AjvInstance>();

/**
 * A shared ajv instance for the dialect, with formats asserted (ajv-formats) unless `assertFormat` is false
 * (`validate --no-assert-format`: `format` is an annotation, as 2019-09 and 2020-12 define it by default). Created on first use.
 */
export function ajvFor(dialect: Dialect, assertFormat = true): AjvInstance {
  const key = `${dialect}/${assertFormat}`;
  let a = instances.get(key);
  if (!a) {
    a = newAjv(dialect, assertFormat);
    instances.set(key, a);
  }
  return a;
}

/** A fresh instance (used when a schema brings references that must be added by name). */
export function newAjv(dialect: Dialect, assertFormat = true): AjvInstance {
  let Cls: new (o: Options) => AjvInstance;
  // ajv 8 dropped draft-04: its maintained ajv-draft-04 class (`id`, boolean exclusiveMaximum/Minimum); draft-06
  // is ajv's draft-07 class with ajv's own draft-06 meta-schema added.
  if (dialect === 'draft-04') Cls = require('ajv-draft-04').default;
  else if (dialect === 'draft-07' || dialect === 'draft-06') Cls = require('ajv').default;
  else if (dialect === '2019-09') Cls = require('ajv/dist/2019').default;
  else Cls = require('ajv/dist/2020').default;
  const ajv = new Cls(assertFormat ? OPTIONS : { ...OPTIONS, validateFormats: false });
  if (dialect === 'draft-06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const addFormats = require('ajv-formats').default ?? require('ajv-formats');
  addFormats(ajv);
  return ajv;
}

/** Metaschema errors for a schema, or null when it is valid against its dialect's metaschema. */
export function metaschemaErrors(ajv: AjvInstance, schema: unknown): string | null {
  const ok = ajv.validateSchema(schema as object);
  if (ok) return null;
  const errs = (ajv.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`);
  return errs.join('; ');
}

/** ajv errors as our DataError, with reasons that say which property or value. */
export function toDataErrors(errors: ErrorObject[] | null | undefined): DataError[] {
  if (!errors) return [];
  const out: DataError[] = [];
  for (const e of errors) {
    // Skip the "must match a schema in anyOf"-style summary when branch errors were already listed? Keep all: they explain.
    let message = e.message ?? 'is invalid';
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties' && p.additionalProperty !== undefined) {
      message = `must NOT have additional property '${String(p.additionalProperty)}'`;
    } else if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) {
      message = `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'const') {
      message = `must be ${JSON.stringify(p.allowedValue)}`;
    } else if (e.keyword === 'unevaluatedProperties' && p.unevaluatedProperty !== undefined) {
      message = `must NOT have unevaluated property '${String(p.unevaluatedProperty)}'`;
    }
    out.push({ path: e.instancePath, message, keyword: e.keyword, schemaPath: e.schemaPath });
  }
  return out;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * ajv drops a property named `__proto__` from `properties` (a guard against prototype pollution), so its
 * schema never applied and `additionalProperties: false` refused it. The same constraint, spelled as
 * `patternProperties: {"^__proto__$": ...}`, is applied by ajv to the instance's own key (and counts for
 * additionalProperties and unevaluatedProperties exactly as `properties` does). The schema is returned as
 * is when no `properties` names `__proto__`.
 */
export function protoPropertiesAsPatterns(schema: unknown): unknown {
  let found = false;
  forEachSubschemaValue(schema, (s) => {
    if (isObject(s.properties) && hasOwn(s.properties, '__proto__')) found = true;
  });
  if (!found) return schema;
  return mapSchema(schema, (s) => {
    if (!isObject(s.properties) || !hasOwn(s.properties, '__proto__')) return s;
    const sub = s.properties.__proto__;
    s.properties = Object.fromEntries(Object.entries(s.properties).filter(([k]) => k !== '__proto__'));
    const pp: Record<string, unknown> = isObject(s.patternProperties) ? Object.fromEntries(Object.entries(s.patternProperties)) : {};
    pp['^__proto__$'] = hasOwn(pp, '^__proto__$') ? { allOf: [pp['^__proto__$'], sub] } : sub;
    s.patternProperties = pp;
    return s;
  });
}

/**
 * Compile a schema. A root without $id gets a synthetic one on a shallow copy: with addUsedSchema off,
 * ajv cannot resolve a bare "#" self-reference (recursive schemas) otherwise.
 */
export function compileSchema(ajv: AjvInstance, schema: unknown, relativeRefs = false): import('ajv').ValidateFunction {
  schema = protoPropertiesAsPatterns(schema);
  // With references added by relative names (e.g. "address.json"), the root must keep an empty base URI.
  if (!relativeRefs && isObject(schema) && schema.$id === undefined && schema.id === undefined) {
    // draft-04 (ajv-draft-04) names a schema by `id`, the later drafts by `$id`.
    return ajv.compile({ ...schema, [ajv.opts.schemaId === 'id' ? 'id' : '$id']: 'urn:llm-schema:root' });
  }
  return ajv.compile(schema as object);
}

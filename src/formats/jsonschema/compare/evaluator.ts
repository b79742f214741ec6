/** The evaluator: does a value validate under a schema (the model's own semantics, checked with ajv elsewhere)? */
import { canonicalJson } from '../../../model/json.js';
import { isObject } from '../walk.js';
import { UNSUPPORTED, type Raw } from './doc.js';
import { enumHas } from './values.js';
import { BudgetExceeded } from './budget.js';
import { Unsupported, eq, isMultiple, kindOf, kindsOfTypes, regex, ucs2length } from './model.js';
import type { Normaliser } from './normaliser.js';
import type { EngineContext } from './context.js';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export class Evaluator {
  constructor(
    readonly ctx: EngineContext,
    private norm: Normaliser,
  ) {}

  // ---------------------------------------------------------------- evaluator

  validConj(conj: Raw[], v: unknown): boolean {
    return conj.every((s) => this.valid(s, v, 0));
  }

  /** Does v validate under s? Throws Unsupported for keywords the model does not cover. */
  valid(s: Raw, v: unknown, depth: number): boolean {
    if (s === true) return true;
    if (s === false) return false;
    this.ctx.tick();
    if (depth > 64) throw new Unsupported();
    const d = depth + 1;
    if ('unevaluatedProperties' in s || 'unevaluatedItems' in s) {
      const rw = this.norm.unevaluated(s);
      if (!rw) throw new Unsupported();
      return rw.every((x) => this.valid(x, v, d));
    }
    for (const u of UNSUPPORTED) if (u in s) throw new Unsupported();
    if (typeof s.$ref === 'string') {
      const t = this.ctx.docs.resolve(s, s.$ref);
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
      // own keys only: `constructor` or `__proto__` is not present in {} (Object.prototype does not count)
      if (Array.isArray(s.required) && (s.required as string[]).some((r) => !hasOwn(v, r))) return false;
      const props = isObject(s.properties) ? s.properties : undefined;
      const pats = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
      for (const key of keys) {
        let matched = false;
        if (props && hasOwn(props, key)) {
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
          if (hasOwn(v, key) && (reqs as string[]).some((r) => !hasOwn(v, r))) return false;
        }
      }
      if (isObject(s.dependentSchemas)) {
        for (const [key, ds] of Object.entries(s.dependentSchemas)) if (hasOwn(v, key) && !this.valid(ds as Raw, v, d)) return false;
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
    const f = this.ctx.formats[name];
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
    // a big union is evaluated branch by branch: the same instance against it is answered once
    const big = conj.some((s) => isObject(s) && ((Array.isArray(s.anyOf) && s.anyOf.length > 64) || (Array.isArray(s.oneOf) && s.oneOf.length > 64)));
    const key = big ? `${this.norm.key(conj)}|${canonicalJson(v)}` : undefined;
    if (key !== undefined && this.bigValid.has(key)) return this.bigValid.get(key);
    let r: boolean | undefined;
    try {
      r = this.validConj(conj, v);
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
      r = undefined;
    }
    if (key !== undefined) this.bigValid.set(key, r);
    return r;
  }

  private bigValid = new Map<string, boolean | undefined>();
}

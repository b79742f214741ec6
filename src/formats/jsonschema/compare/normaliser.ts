/**
 * The normaliser of the semantic checker: conjunctions of schemas in normal form ($refs resolved, allOf
 * flattened, unevaluated* rewritten where decidable), their branches (anyOf / oneOf / if) and their facts.
 * Reads the shared context (documents, Budget, formats) and holds its own caches; the evaluator, the sampler
 * and the prover are handed this object (engine.ts).
 */
import { canonicalJson } from '../../../model/json.js';
import { isObject } from '../walk.js';
import { ANNOTATIONS, UNSUPPORTED, universalPattern, type Obj, type Raw } from './doc.js';
import { enumHas, enumKinds } from './values.js';
import type { EngineContext } from './context.js';
import { ALL_KINDS, kindOf, kindsOfTypes, regex, type Facts, type Kind } from './model.js';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export class Normaliser {
  private stripCache = new WeakMap<Obj, Map<string, Obj>>();
  private notCache = new WeakMap<object, Obj>();
  private synth = new Map<string, Obj>();
  private factsCache = new Map<string, Facts>();

  constructor(readonly ctx: EngineContext) {}

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
      this.ctx.docs.adopt(c, atom);
      m.set(k, c);
    }
    return c;
  }

  notOf(s: Raw): Obj {
    if (typeof s === 'boolean') return this.make({ not: s });
    let n = this.notCache.get(s);
    if (!n) {
      n = this.ctx.docs.adopt({ not: s }, s);
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
      .map((s) => this.ctx.docs.id(s))
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
        const t = this.ctx.docs.resolve(s, s.$ref);
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

  protected unevalCache = new WeakMap<Obj, Obj[] | null>();

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

  protected rewriteUnevaluated(s: Obj): Obj[] | null {
    const out: Obj[] = [this.strip(s, ['unevaluatedProperties', 'unevaluatedItems'])];
    if ('unevaluatedProperties' in s && s.unevaluatedProperties !== true) {
      const e = this.evaluated(s, 'props');
      if (!e) return null;
      if (!e.all) {
        out.push(
          this.ctx.docs.adopt(
            {
              properties: Object.fromEntries([...e.names].map((n) => [n, true])),
              ...(e.pats.size ? { patternProperties: Object.fromEntries([...e.pats].map((p) => [p, true])) } : {}),
              additionalProperties: s.unevaluatedProperties,
            },
            s,
          ),
        );
      }
    }
    if ('unevaluatedItems' in s && s.unevaluatedItems !== true) {
      const e = this.evaluated(s, 'items');
      if (!e) return null;
      if (!e.all) out.push(this.ctx.docs.adopt({ prefixItems: new Array(e.prefix).fill(true), items: s.unevaluatedItems }, s));
    }
    return out;
  }

  protected static readonly PROP_KEYS = ['properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties'];
  protected static readonly ITEM_KEYS = ['prefixItems', 'items', 'contains', 'unevaluatedItems'];

  /** What s evaluates for sure when it validates (through allOf and $ref), or null when that depends on a branch. */
  protected evaluated(top: Obj, which: 'props' | 'items'): { all: boolean; names: Set<string>; pats: Set<string>; prefix: number } | null {
    const acc = { all: false, names: new Set<string>(), pats: new Set<string>(), prefix: 0 };
    const keys = which === 'props' ? Normaliser.PROP_KEYS : Normaliser.ITEM_KEYS;
    const seen = new Set<Obj>();
    const stack: Obj[] = [top];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      this.ctx.tick();
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
        const t = this.ctx.docs.resolve(n, n.$ref);
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
  protected declaresAny(s: Raw, keys: string[]): boolean {
    const seen = new Set<Obj>();
    const stack: Raw[] = [s];
    while (stack.length) {
      const n = stack.pop()!;
      if (!isObject(n) || seen.has(n)) continue;
      seen.add(n);
      this.ctx.tick();
      if (keys.some((k) => k in n) || '$dynamicRef' in n || '$recursiveRef' in n) return true;
      if (typeof n.$ref === 'string') {
        const t = this.ctx.docs.resolve(n, n.$ref);
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
      min: -Infinity,
      minEx: false,
      max: Infinity,
      maxEx: false,
      multipleOf: [],
      minLength: 0,
      maxLength: Infinity,
      patterns: [],
      formats: [],
      minItems: 0,
      maxItems: Infinity,
      uniqueItems: false,
      prefixLen: 0,
      contains: [],
      minProps: 0,
      maxProps: Infinity,
      required: new Set(),
      depReq: new Map(),
      depSchemas: [],
      propertyNames: [],
      declared: new Set(),
      patternKeys: [],
      nots: [],
    };
    let en: unknown[] | undefined;
    for (const a of atoms) {
      for (const u of UNSUPPORTED) if (u in a) f.unsupported = `'${u}' is not supported by the checker`;
      if (Array.isArray(a.type)) {
        const k = kindsOfTypes(a.type as string[]);
        for (const x of [...f.kinds]) if (!k.has(x)) f.kinds.delete(x);
      }
      if (Array.isArray(a.enum)) {
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
      if (typeof a.format === 'string' && a.format in this.ctx.formats) f.formats.push(a.format);
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
      // one pass, no copy unless a value is filtered out: the enum array itself stays (so per-pair caches
      // keyed by it hit, and a huge enum is not copied per conjunction)
      const kinds = new Set<Kind>();
      let all = true;
      for (const k of enumKinds(en)) {
        if (f.kinds.has(k)) kinds.add(k);
        else all = false;
      }
      if (!all) en = en.filter((v) => f.kinds.has(kindOf(v)));
      f.enum = en;
      f.kinds = kinds;
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
      if (isObject(a.properties) && hasOwn(a.properties, k)) {
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
}

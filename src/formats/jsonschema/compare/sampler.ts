/** The sampler: values valid under a conjunction, boundaries of the other side's constraints first. */
import { canonicalJson } from '../../../model/json.js';
import { isObject } from '../walk.js';
import { type Obj, type Raw } from './doc.js';
import { stringsMatching } from './regexgen.js';
import { BudgetExceeded } from './budget.js';
import {
  ALL_KINDS,
  FORMAT_SAMPLES,
  MAX_BUILD_ITEMS,
  MAX_BUILD_PROPS,
  MAX_BUILD_STRING,
  NONE,
  PLAIN_STRINGS,
  SMALL,
  STRING_POOLS,
  ucs2length,
  type Facts,
  type Kind,
  type Maybe,
  type SampleOpts,
} from './model.js';
import type { Evaluator } from './evaluator.js';
import type { Normaliser } from './normaliser.js';
import type { EngineContext } from './context.js';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** o[k] = v as an own property, also for "__proto__" (an assignment would set the prototype). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export class Sampler {
  constructor(
    readonly ctx: EngineContext,
    private norm: Normaliser,
    private ev: Evaluator,
  ) {}

  // ---------------------------------------------------------------- sampler

  /** A value valid under every schema of conj (and not rejected by opts.avoid), or NONE. */
  sample(conj: Raw[], opts: SampleOpts = {}, depth = 0): Maybe {
    let tries = 0;
    // targeted candidates come first and are few, so they get their own allowance
    const limit = opts.target?.length ? 80 + 64 * Math.min(opts.target.length, 4) : 80;
    for (const c of this.candidates(conj, opts, depth)) {
      if (++tries > limit) break;
      if (this.ev.tryValid(conj, c) !== true) continue;
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
    this.ctx.tick();
    if (depth > 12) return;
    const e = this.norm.expand(conj);
    if (e.empty || e.unsupported) return;
    const br = this.norm.branches(e.atoms);
    if (br) {
      for (const alt of br.alts) yield* this.candidates(alt, opts, depth + 1);
      return;
    }
    const f = this.norm.facts(e.atoms);
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

  protected kindOrder(f: Facts): Kind[] {
    const has = (xs: string[]) => f.atoms.some((a) => xs.some((x) => x in a));
    const pref: Kind[] = [];
    if (has(['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'dependentRequired'])) pref.push('object');
    if (has(['items', 'prefixItems', 'contains', 'minItems'])) pref.push('array');
    if (has(['minLength', 'maxLength', 'pattern', 'format'])) pref.push('string');
    if (has(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'])) pref.push('integer', 'nonint');
    return [...new Set([...pref, ...ALL_KINDS])];
  }

  protected *kindCandidates(f: Facts, k: Kind, opts: SampleOpts, depth: number): Generator<unknown> {
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
  protected targetNumbers(f: Facts, integer: boolean, targets: Facts[]): number[] {
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

  protected *numbers(f: Facts, integer: boolean, targets: Facts[] = []): Generator<number> {
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

  protected stringPools = new WeakMap<Facts, string[]>();

  /**
   * Strings of the lengths the targets draw a line at (maxLength + 1, minLength - 1, and the bounds
   * themselves), built from strings that f's patterns and formats accept, padded with their own first or
   * last character or repeated, so that a pattern like ^[a-z]+$ still matches.
   */
  protected *targetedStrings(f: Facts, targets: Facts[]): Generator<string> {
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

  protected *strings(f: Facts): Generator<string> {
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

  protected *stringPool(f: Facts): Generator<string> {
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
  protected distinctValues(conj: Raw[], count: number, depth: number): unknown[] | null {
    const out: unknown[] = [];
    const seen = new Set<string>();
    const add = (v: unknown): boolean => {
      const k = canonicalJson(v);
      if (seen.has(k) || this.ev.tryValid(conj, v) !== true) return false;
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
    const e = this.norm.expand(conj);
    const steps = !e.empty && !this.norm.branches(e.atoms) ? this.norm.facts(e.atoms).multipleOf : [];
    const budget = count * 4 + 200;
    for (let i = 1; i <= budget; i++) {
      this.ctx.tick();
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

  protected *arrays(f: Facts, opts: SampleOpts, depth: number): Generator<unknown[]> {
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
        const conj = this.norm.itemConj(f, i);
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
        const key = this.norm.key(conj);
        let v = same.get(key);
        if (v === undefined) {
          v = this.sample(opts.dupItems ? [...conj, ...this.norm.itemConj(f, 1)] : conj, {}, depth + 1);
          if (!withContains && !f.uniqueItems) same.set(key, v);
        }
        if (v === NONE) ok = false;
        else arr.push(v);
      }
      if (ok) yield arr;
    }
  }

  protected *objects(f: Facts, opts: SampleOpts, depth: number): Generator<Obj> {
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
    for (const n of counts) {
      if (n < f.minProps || n > f.maxProps || n > (wanted.has(n) ? MAX_BUILD_PROPS + 1 : SMALL)) continue;
      const ks = [...keys];
      const taken = new Set(ks);
      // declared optional properties fill up to n (not copied first: a node may declare 20,000 of them)
      for (const k of f.declared) {
        if (ks.length >= n) break;
        if (!taken.has(k) && !omit.has(k)) (ks.push(k), taken.add(k));
      }
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
        if (opts.fixedProps && hasOwn(opts.fixedProps, k)) {
          setOwn(obj, k, opts.fixedProps[k]);
          continue;
        }
        const conj = this.norm.propConj(f, k);
        const key = this.norm.key(conj);
        let v = same.get(key);
        if (v === undefined) {
          v = this.sample(conj, {}, depth + 1);
          same.set(key, v);
        }
        if (v === NONE) {
          ok = false;
          break;
        }
        setOwn(obj, k, v);
      }
      if (!ok) continue;
      yield obj;
      // dependent schemas of the present keys: sample again under them
      const extra = f.depSchemas.filter(([k]) => hasOwn(obj, k)).map(([, s]) => s);
      if (extra.length && depth < 10) {
        const v = this.sample([...f.atoms, ...extra], { ...opts, kind: 'object' }, depth + 1);
        if (v !== NONE) yield v as Obj;
      }
    }
  }
}

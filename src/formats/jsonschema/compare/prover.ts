/**
 * The prover: does every instance of A validate under B? 'yes', 'no' with a witness (valid under A, invalid
 * under B, checked with the evaluator), or 'unknown' with a reason; memoised, coinductive on recursion,
 * bounded by the Budget.
 */
import { isObject } from '../walk.js';
import { ANNOTATIONS, UNSUPPORTED, type Obj, type Raw } from './doc.js';
import { stringsMatching } from './regexgen.js';
import { enumHas, enumMissing } from './values.js';
import { patternsSubset } from './regex.js';
import {
  COMBINATORS,
  NONE,
  Unsupported,
  YES,
  eq,
  isMultiple,
  lengthPatterns,
  no,
  unknown,
  type Facts,
  type Kind,
  type Maybe,
  type Res,
  type SampleOpts,
} from './model.js';
import type { Sampler } from './sampler.js';
import type { Evaluator } from './evaluator.js';
import type { Normaliser } from './normaliser.js';
import type { EngineContext } from './context.js';

/** Past this many branches, a union is first tried whole against one instance (unionSubset). */
const BIG_UNION = 64;

export class Prover {
  private memo = new Map<string, Res>();
  private inProgress = new Set<string>();
  private assumed = 0;
  private combCache = new WeakMap<Raw[], Obj>();

  constructor(
    readonly ctx: EngineContext,
    private norm: Normaliser,
    private ev: Evaluator,
    private sampler: Sampler,
  ) {}

  // ---------------------------------------------------------------- subset

  /** Does every instance valid under all of A validate under all of B? */
  subset(A: Raw[], B: Raw[]): Res {
    this.ctx.tick();
    const ids = new Set(A.map((s) => this.ctx.docs.id(s)));
    if (B.every((b) => b === true || ids.has(this.ctx.docs.id(b)))) return YES;
    if (A.some((a) => a === false)) return YES;
    const key = this.norm.key(A) + '|' + this.norm.key(B);
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
      const okA = this.ev.tryValid(A, r.w);
      const okB = this.ev.tryValid(B, r.w);
      if (okA !== true || okB !== false) r = unknown('a candidate counterexample could not be confirmed');
    }
    if (r.r !== 'yes' || this.assumed === before || this.inProgress.size === 0) this.memo.set(key, r);
    return r;
  }

  protected subsetUncached(A: Raw[], B: Raw[]): Res {
    const ea = this.norm.expand(A);
    if (ea.empty) return YES;
    if (ea.unsupported) return unknown(ea.unsupported);
    const eb = this.norm.expand(B);
    if (eb.unsupported) return unknown(eb.unsupported);
    if (eb.empty) {
      const w = this.sampler.sample(A);
      return w === NONE ? unknown('cannot tell whether the schema accepts any instance') : no(w);
    }
    if (eb.atoms.length === 0) return YES;
    const br = this.norm.branches(ea.atoms);
    if (br) {
      let first: Res | undefined;
      for (const alt of br.alts) {
        const r = this.subset(alt, B);
        if (r.r === 'no') {
          if (this.ev.tryValid(A, r.w) === true) return r;
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
        rest.push(this.norm.strip(b, ['anyOf', 'oneOf', 'if', 'then', 'else', 'not']));
      } else rest.push(b);
    }
    let pending: Res | undefined;
    // B's combinators with nothing beside them (the root of a big union): no leaf comparison to make,
    // unless A has keywords the checker cannot evaluate (leafSubset says so)
    const bare = parts.length > 0 && rest.every((b) => Object.keys(b).every((k) => ANNOTATIONS.has(k)));
    if (!bare || ea.atoms.some((a) => UNSUPPORTED.some((u) => u in a))) {
      const r0 = this.leafSubset(ea.atoms, rest);
      if (r0.r === 'no') return r0;
      if (r0.r === 'unknown') pending = r0;
    }
    for (const p of parts) {
      for (const comb of ['anyOf', 'oneOf'] as const) {
        if (Array.isArray(p[comb])) {
          const r = this.unionSubset(
            ea.atoms,
            p[comb] as Raw[],
            comb === 'oneOf',
            this.norm.strip(
              p,
              ['anyOf', 'oneOf', 'if', 'then', 'else', 'not'].filter((x) => x !== comb),
            ),
          );
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
  protected search(A: Raw[], B: Raw[], opts: SampleOpts = {}): Maybe {
    return this.sampler.sample(A, { ...opts, target: opts.target ?? this.targetsOf(B), avoid: (v) => this.ev.validConj(B, v) });
  }

  protected targetCache = new Map<string, Facts[]>();

  /** The facts of B's leaves (through anyOf / oneOf / if, a few levels deep): the bounds a witness must cross. */
  targetsOf(B: Raw[], depth = 0): Facts[] {
    const key = this.norm.key(B);
    const hit = this.targetCache.get(key);
    if (hit) return hit;
    const out: Facts[] = [];
    const e = this.norm.expand(B);
    if (!e.empty && !e.unsupported) {
      const br = this.norm.branches(e.atoms);
      if (!br) out.push(this.norm.facts(e.atoms));
      else if (depth < 2) for (const alt of br.alts.slice(0, 8)) out.push(...this.targetsOf(alt, depth + 1));
    }
    const res = out.slice(0, 8);
    this.targetCache.set(key, res);
    return res;
  }

  protected found(A: Raw[], B: Raw[], opts: SampleOpts, why: string): Res {
    const w = this.search(A, B, opts);
    return w === NONE ? unknown(why) : no(w);
  }

  protected leafSubset(Aatoms: Obj[], Batoms: Obj[]): Res {
    const fA = this.norm.facts(Aatoms);
    const fB = this.norm.facts(Batoms);
    if (fA.unsupported) return unknown(fA.unsupported);
    if (fB.unsupported) return unknown(fB.unsupported);
    if (fA.kinds.size === 0) return YES;
    if (fA.enum) {
      // B that is only a type and an enum accepts exactly its enum's values of its kinds: a lookup each
      const bEnum = fB.enum && Batoms.every((a) => Object.keys(a).every((k) => k === 'type' || k === 'enum' || ANNOTATIONS.has(k))) ? fB.enum : undefined;
      if (bEnum) {
        // the values B lacks (a cached pass per pair of enums); B rejects exactly those
        const miss = enumMissing(fA.enum, bEnum);
        for (const v of miss) if (this.ev.tryValid(Aatoms, v) === true) return no(v);
        if (miss.length < 16) return YES;
      }
      for (const v of fA.enum) {
        this.ctx.tick();
        if (bEnum && enumHas(bEnum, v)) continue;
        if (this.ev.tryValid(Aatoms, v) === true && this.ev.tryValid(Batoms, v) === false) return no(v);
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
        const w = this.sampler.sample(Aatoms, { kind: k });
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

  protected numbersSubset(fA: Facts, fB: Facts, k: Kind): Res {
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

  protected stringsSubset(fA: Facts, fB: Facts): Res {
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
      this.ctx.budget.check();
      if (r.r === 'yes' && fmtOk) return YES;
      if (r.r === 'no') {
        if (this.ev.tryValid(fA.atoms, r.w) === true && this.ev.tryValid(fB.atoms, r.w) === false) return no(r.w);
        const w = this.search(fA.atoms, fB.atoms, { kind: 'string', seeds: [r.w] });
        if (w !== NONE) return no(w);
      }
      if (r.r === 'unknown') why = r.why;
    }
    return this.found(fA.atoms, fB.atoms, { kind: 'string' }, why);
  }

  protected maxLen(f: Facts): number {
    let n = f.maxItems;
    for (let i = 0; i <= f.prefixLen && i < n; i++) {
      if (this.norm.itemConj(f, i).some((s) => s === false)) n = i;
    }
    return n;
  }

  protected arraysSubset(fA: Facts, fB: Facts): Res {
    let pending: Res | undefined;
    const A = fA.atoms;
    const B = fB.atoms;
    const maxA = this.maxLen(fA);
    if (fA.minItems < fB.minItems || maxA > fB.maxItems) {
      const r = this.found(
        A,
        B,
        { kind: 'array', length: fA.minItems < fB.minItems ? fA.minItems : fB.maxItems + 1 },
        'cannot build an array of the right length',
      );
      if (r.r === 'no') return r;
      const r2 = this.found(A, B, { kind: 'array' }, r.r === 'unknown' ? r.why : '');
      if (r2.r === 'no') return r2;
      pending ??= r;
    }
    const n = Math.max(fA.prefixLen, fB.prefixLen);
    for (let i = 0; i <= n && i < maxA; i++) {
      const r = this.subset(this.norm.itemConj(fA, i), this.norm.itemConj(fB, i));
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
      const single = this.sampler.sample([...this.norm.itemConj(fA, 0)], { avoid: (v) => this.ev.valid(cB.schema, v, 0) });
      if (single !== NONE) {
        const w = this.search(A, B, { kind: 'array', fixedItems: new Map([[0, single]]), length: Math.max(1, fA.minItems) });
        if (w !== NONE) return no(w);
      }
      pending ??= r;
    }
    return pending ?? YES;
  }

  protected patternNames(patterns: string[]): string[] {
    const out: string[] = [];
    for (const p of patterns) out.push(...stringsMatching(p, 3));
    return out;
  }

  protected objectsSubset(fA: Facts, fB: Facts): Res {
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
    for (const [X, Y] of [
      [fA, fB],
      [fB, fA],
    ]) {
      for (const p of X.patternKeys) {
        const r = patternsSubset([p], Y.patternKeys, true);
        if (r.r === 'no') names.add(r.w);
      }
    }
    names.add('extra1');
    for (const k of names) {
      if (this.ctx.lenient) {
        const inA = fA.declared.has(k);
        const inB = fB.declared.has(k);
        if (inA !== inB && ((inA && this.norm.openFor(fB, k) && !fB.required.has(k)) || (inB && this.norm.openFor(fA, k) && !fB.required.has(k)))) continue;
      }
      const cA = this.norm.propConj(fA, k);
      if (cA.some((s) => s === false)) continue;
      const r = this.subset(cA, this.norm.propConj(fB, k));
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
          if (this.ev.validConj(fB.propertyNames, name)) continue;
          const r = this.found(
            A,
            B,
            { kind: 'object', fixedProps: { [name]: this.sampler.sample(this.norm.propConj(fA, name)) } },
            'cannot build an object with that property',
          );
          if (r.r === 'no') return r;
        }
      } else {
        const r = this.subset([this.norm.make({ type: ['string'] }), ...fA.propertyNames], fB.propertyNames);
        if (r.r === 'no' && typeof r.w === 'string') {
          const v = this.sampler.sample(this.norm.propConj(fA, r.w));
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
        const v = this.sampler.sample(this.norm.propConj(fA, k));
        if (v === NONE) continue;
        const r = this.found(A, B, { kind: 'object', fixedProps: { [k]: v }, omit: new Set([x]) }, `cannot build an object with '${k}' and without '${x}'`);
        if (r.r === 'no') return r;
        pending ??= r;
      }
    }
    for (const [k, s] of fB.depSchemas) {
      const mine = fA.depSchemas.filter(([x]) => x === k).map(([, y]) => y);
      const r = this.subset([...A, this.norm.make({ type: ['object'], required: [k] }), ...mine], [s]);
      if (r.r === 'no') return r;
      if (r.r === 'unknown') pending ??= r;
    }
    return pending ?? YES;
  }

  private branchIds = new WeakMap<Raw[], Map<number, number>>();

  /** The union itself as one schema (cached per branch array). */
  private combOf(branches: Raw[], exclusive: boolean, node: Obj): Obj {
    let comb = this.combCache.get(branches);
    if (!comb) {
      comb = this.ctx.docs.adopt(exclusive ? { oneOf: branches } : { anyOf: branches }, node);
      this.combCache.set(branches, comb);
    }
    return comb;
  }

  protected unionSubset(Aatoms: Obj[], branches: Raw[], exclusive: boolean, node: Obj): Res {
    const witnesses: unknown[] = [];
    let pending: Res | undefined;
    if (!exclusive) {
      // A holds one of the branches itself (an anyOf compared with an anyOf that kept that branch): yes at
      // once, by id, instead of trying the branches in turn (quadratic for big unions)
      let ids = this.branchIds.get(branches);
      if (!ids) {
        ids = new Map();
        for (let i = 0; i < branches.length; i++) ids.set(this.ctx.docs.id(branches[i]), i);
        this.branchIds.set(branches, ids);
      }
      if (Aatoms.some((a) => ids!.has(this.ctx.docs.id(a)))) return YES;
    }
    if (branches.length > BIG_UNION) {
      // a big union: first try one instance of A against the whole union (one evaluation) before comparing
      // A with every branch in turn (a search per branch: seconds for 10,000 branches). An instance the
      // union rejects settles it; otherwise nothing is lost.
      const w = this.sampler.sample(Aatoms);
      if (w !== NONE && this.ev.tryValid(Aatoms, w) === true && this.ev.tryValid([this.combOf(branches, exclusive, node)], w) === false) return no(w);
    }
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
    const comb = this.combOf(branches, exclusive, node);
    for (const w of witnesses) if (this.ev.tryValid([comb], w) === false) return no(w);
    const fA = this.norm.facts(Aatoms);
    if (fA.enum) {
      for (const v of fA.enum) if (this.ev.tryValid(Aatoms, v) === true && this.ev.tryValid([comb], v) === false) return no(v);
      return YES;
    }
    if (fA.kinds.size > 1) {
      let all = true;
      for (const k of fA.kinds) {
        const t = k === 'integer' ? ['integer'] : k === 'nonint' ? ['number'] : [k];
        const r = this.subset([...Aatoms, this.norm.make({ type: t })], [comb]);
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
      const fk = this.norm.facts(this.norm.expand(this.norm.propConj(fA, k)).atoms);
      if (!fk.enum || fk.enum.length < 2 || fk.enum.length > 32) continue;
      let all = true;
      for (const v of fk.enum) {
        const r = this.subset([...Aatoms, this.norm.make({ properties: { [k]: { enum: [v] } } })], [comb]);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') all = false;
      }
      if (all) return YES;
    }
    const w = this.search(Aatoms, [comb]);
    if (w !== NONE) return no(w);
    return (
      pending ?? unknown(`cannot decide whether every instance matches ${exclusive ? 'exactly one' : 'one'} of the ${exclusive ? 'oneOf' : 'anyOf'} branches`)
    );
  }

  protected condSubset(Aatoms: Obj[], I: Raw, T: Raw, E: Raw): Res {
    const r1 = this.subset(Aatoms, [I]);
    if (r1.r === 'yes') return this.subset(Aatoms, [T]);
    const d = this.disjoint(Aatoms, [I]);
    if (d.r === 'yes') return this.subset(Aatoms, [E]);
    const rT = this.subset([...Aatoms, I], [T]);
    if (rT.r === 'no') return rT;
    const rE = this.subset([...Aatoms, this.norm.notOf(I)], [E]);
    if (rE.r === 'no') return rE;
    if (rT.r === 'yes' && rE.r === 'yes') return YES;
    return rT.r === 'unknown' ? rT : rE;
  }

  /** 'yes' when no instance is valid under both A and N; 'no' with an instance of both. */
  disjoint(A: Raw[], N: Raw[]): Res {
    this.ctx.tick();
    const ea = this.norm.expand(A);
    const en = this.norm.expand(N);
    if (ea.empty || en.empty) return YES;
    if (ea.unsupported || en.unsupported) return unknown(ea.unsupported ?? en.unsupported!);
    const brN = this.norm.branches(en.atoms);
    if (brN && brN.kind !== 'oneOf') {
      let pending: Res | undefined;
      for (const alt of brN.alts) {
        const r = this.disjoint(A, alt);
        if (r.r === 'no') return r;
        if (r.r === 'unknown') pending ??= r;
      }
      return pending ?? YES;
    }
    const brA = this.norm.branches(ea.atoms);
    const fA = brA ? undefined : this.norm.facts(ea.atoms);
    const fN = brN ? undefined : this.norm.facts(en.atoms);
    if (fA && fN) {
      if (![...fA.kinds].some((k) => fN.kinds.has(k))) return YES;
      for (const f of [fA, fN]) {
        if (f.enum) {
          for (const v of f.enum) if (this.ev.tryValid(A, v) === true && this.ev.tryValid(N, v) === true) return no(v);
          return YES;
        }
      }
      for (const k of fA.required) {
        if (!fN.required.has(k)) continue;
        const ea2 = this.norm.facts(this.norm.expand(this.norm.propConj(fA, k)).atoms);
        const en2 = this.norm.facts(this.norm.expand(this.norm.propConj(fN, k)).atoms);
        if (ea2.enum && en2.enum && !ea2.enum.some((x) => en2.enum!.some((y) => eq(x, y)))) return YES;
      }
    }
    for (const a of ea.atoms) {
      if ('not' in a && this.subset(N, [a.not as Raw]).r === 'yes') return YES;
    }
    const w = this.sampler.sample([...A, ...N]);
    if (w !== NONE) return no(w);
    return unknown('cannot decide whether the two schemas overlap');
  }
}

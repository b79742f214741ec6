/**
 * The pair walker: walks the old and new normalised schemas together (properties by name, items by
 * index, branches by content, $refs followed) and records one item per keyword-level difference.
 * Each item carries "old with only this change applied" so the semantic core can judge the change
 * alone, in the context of its node, and the trail of ancestors so a witness can be lifted to the root.
 */
import { canonicalJson } from '../../../model/json.js';
import { isObject, ptr } from '../walk.js';
import { ANNOTATIONS, type Docs, type Obj, type Raw } from './doc.js';
import type { Engine } from './engine.js';
import { RULE_INDEX } from './rules.js';
import { enumChange } from './values.js';

export type StepKind = 'prop' | 'item' | 'addl' | 'pattern' | 'pass' | 'contains' | 'opaque';
export interface Step {
  o: Raw;
  n: Raw;
  kind: StepKind;
  key?: string;
  index?: number;
}

export interface Item {
  rule: string;
  path: string;
  params: Record<string, unknown>;
  category: 'annotation' | 'validation';
  /**
   * The old node, and the old node with only this change applied (undefined: no judgement needed). The
   * mutated node is built on demand (`mutated()`), never held for every item: a copy of a node with
   * 20,000 properties per added or removed property is quadratic in memory.
   */
  o?: Raw;
  mutated?: () => Raw;
  n?: Raw;
  /**
   * Set for a property added to or removed from `properties` (not `required`): the change touches only
   * what the node allows under that one name, so where the node's keywords constrain each name apart
   * (keyIndependent) it is judged on that name alone.
   */
  prop?: string;
  trail: Step[];
}

/** What a change is judged with: the old node, the new one, and the old node with the change applied. */
export interface Judgement {
  o: Raw;
  n: Raw;
  mutated: () => Raw;
  prop?: string;
}

const VALIDATION = new Set([
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'prefixItems',
  'contains',
  'minContains',
  'maxContains',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'dependentRequired',
  'dependentSchemas',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  'unevaluatedProperties',
  'unevaluatedItems',
  '$defs',
  'definitions',
  '$dynamicRef',
  '$recursiveRef',
  '$dynamicAnchor',
  '$recursiveAnchor',
]);
const COMBS = ['allOf', 'anyOf', 'oneOf', 'not', 'if'];
const BOUNDS: Array<[string, string]> = [
  ['maximum', 'MAXIMUM'],
  ['minimum', 'MINIMUM'],
  ['exclusiveMaximum', 'EXCLUSIVE_MAXIMUM'],
  ['exclusiveMinimum', 'EXCLUSIVE_MINIMUM'],
  ['maxLength', 'MAX_LENGTH'],
  ['minLength', 'MIN_LENGTH'],
  ['maxItems', 'MAX_ITEMS'],
  ['minItems', 'MIN_ITEMS'],
  ['maxProperties', 'MAX_PROPERTIES'],
  ['minProperties', 'MIN_PROPERTIES'],
];

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}

export class Differ {
  readonly items: Item[] = [];
  private visited = new Set<string>();
  /** Pointers of old/new nodes the walk reached (to tell used definitions from unused ones). */
  readonly reached = new Set<Raw>();

  constructor(
    private docs: Docs,
    private engine: Engine,
  ) {}

  private emit(rule: string, path: string, params: Record<string, unknown>, trail: Step[], judge?: Judgement): void {
    if (!RULE_INDEX.has(rule)) throw new Error(`unknown rule ${rule}`);
    const category = RULE_INDEX.get(rule)!.category;
    // messages show subschemas as the user wrote them, not their normalised form
    for (const k of ['old', 'new']) if (isObject(params[k])) params[k] = this.docs.written(params[k]);
    this.items.push({ rule, path, params, category, trail, ...(judge ?? {}) });
  }

  private mut(o: Raw, changes: Record<string, unknown>): Raw {
    const base: Obj = o === true ? {} : o === false ? { not: {} } : { ...o };
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete base[k];
      else base[k] = v;
    }
    return this.docs.adopt(base, isObject(o) ? o : undefined);
  }

  /** Follow a pure $ref (a node whose only validation keyword is $ref). */
  private deref(s: Raw, seen = new Set<Raw>()): Raw {
    while (
      isObject(s) &&
      typeof s.$ref === 'string' &&
      Object.keys(s).every((k) => k === '$ref' || !VALIDATION.has(k) || k === '$defs' || k === 'definitions')
    ) {
      if (seen.has(s)) return s;
      seen.add(s);
      const t = this.docs.resolve(s, s.$ref);
      if (t === undefined) return s;
      s = t;
    }
    return s;
  }

  walk(oIn: Raw, nIn: Raw, trail: Step[] = []): void {
    this.engine.tick();
    const o = this.deref(oIn);
    const n = this.deref(nIn);
    this.reached.add(o);
    this.reached.add(n);
    if (this.docs.id(o) === this.docs.id(n)) return;
    const key = `${this.docs.id(o)}|${this.docs.id(n)}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    const path = this.docs.pointerOf(n) || this.docs.pointerOf(o);
    if (typeof o === 'boolean' || typeof n === 'boolean') {
      const empty = (s: Raw) => s === true || (isObject(s) && Object.keys(s).every((k) => !VALIDATION.has(k)));
      if (o === n || (empty(o) && empty(n))) return;
      this.emit('BOOLEAN_SCHEMA_CHANGED', path, { old: o, new: n }, trail, { o, mutated: () => n, n });
      return;
    }
    const kp = (k: string) => this.docs.keyPath(n, k);
    const okp = (k: string) => this.docs.keyPath(o, k);
    const step = (kind: StepKind, extra: Partial<Step> = {}): Step[] => [...trail, { o, n, kind, ...extra }];
    // the mutated node is built when the change is judged (once), not for every item up front
    const judge = (changes: Record<string, unknown> | (() => Record<string, unknown>), prop?: string): Judgement => ({
      o,
      n,
      prop,
      mutated: () => this.mut(o, typeof changes === 'function' ? changes() : changes),
    });

    // $ref with siblings (2019-09+): compare as allOf of the target and the rest.
    if (typeof o.$ref === 'string' || typeof n.$ref === 'string') {
      const asAll = (s: Obj): Raw => {
        if (typeof s.$ref !== 'string') return s;
        const t = this.docs.resolve(s, s.$ref);
        if (t === undefined) return s;
        const rest = { ...s };
        delete rest.$ref;
        return this.docs.adopt({ ...rest, allOf: [t, ...((rest.allOf as Raw[]) ?? [])] }, s);
      };
      const o2 = asAll(o);
      const n2 = asAll(n);
      for (const [s, side] of [
        [o2, o],
        [n2, n],
      ] as const) {
        if (s === side && typeof side.$ref === 'string') {
          this.emit('REF_UNRESOLVED', path, { new: side.$ref }, trail, { o, mutated: () => n, n });
          return;
        }
      }
      if (o2 !== o || n2 !== n) {
        this.walk(o2, n2, step('pass'));
        return;
      }
    }

    // annotations and unknown keywords
    for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
      if (VALIDATION.has(k) && !ANNOTATIONS.has(k)) continue;
      if (!same(o[k], n[k])) this.emit('ANNOTATION_CHANGED', k in n ? kp(k) : okp(k), { keyword: k, old: o[k], new: n[k] }, trail);
    }

    // combinators
    const combsO = COMBS.filter((c) => c in o);
    const combsN = COMBS.filter((c) => c in n);
    if (!same(combsO, combsN)) {
      const ch: Record<string, unknown> = {};
      for (const c of [...COMBS, 'then', 'else']) ch[c] = n[c];
      this.emit('COMBINED_TYPE_CHANGED', path, { old: combsO.join('+') || 'none', new: combsN.join('+') || 'none' }, trail, judge(ch));
    } else {
      for (const c of ['allOf', 'anyOf', 'oneOf'] as const) {
        if (Array.isArray(o[c]) && Array.isArray(n[c])) this.branchesDiff(c, o, n, o[c] as Raw[], n[c] as Raw[], trail, judge);
      }
      if ('not' in o && !same(o.not, n.not)) this.emit('NOT_TYPE_CHANGED', kp('not'), {}, trail, judge({ not: n.not }));
      if ('if' in o) {
        if (!same(o.if, n.if)) this.emit('CONDITION_CHANGED', kp('if'), {}, trail, judge({ if: n.if }));
        for (const [k, R] of [
          ['then', 'THEN'],
          ['else', 'ELSE'],
        ] as const) {
          if (k in o && k in n) this.walk(o[k] as Raw, n[k] as Raw, step('pass'));
          else if (k in n) this.emit(`${R}_ADDED`, kp(k), {}, trail, judge({ [k]: n[k] }));
          else if (k in o) this.emit(`${R}_REMOVED`, okp(k), {}, trail, judge({ [k]: undefined }));
        }
      }
    }

    // type (as written: `number` + an integral multipleOf is normalised to `integer`, but a multipleOf
    // added or removed is one change, reported as such, not also as a type change)
    const declType = (s: Obj) => (this.docs.info.get(s)?.declared ? this.docs.info.get(s)!.declared!.type : s.type) as string[] | undefined;
    const declMult = (s: Obj) => (this.docs.info.get(s)?.declared ? this.docs.info.get(s)!.declared!.multipleOf : s.multipleOf) as number | undefined;
    if (!same(o.type, n.type) && !same(declType(o), declType(n))) {
      const all = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];
      const to = declType(o) ?? all;
      const tn = declType(n) ?? all;
      const covers = (xs: string[], t: string) => xs.includes(t) || (t === 'integer' && xs.includes('number'));
      const removed = to.some((t) => !covers(tn, t));
      const added = tn.some((t) => !covers(to, t));
      const rule = removed && !added ? 'TYPE_NARROWED' : added && !removed ? 'TYPE_EXTENDED' : 'TYPE_CHANGED';
      // as written: 'integer' or ['integer', 'null'] (an anyOf of bare types shows its normalised type array)
      const written = (s: Obj): unknown => {
        const w = this.docs.written(s);
        const t = isObject(w) ? w.type : undefined;
        return typeof t === 'string' || Array.isArray(t) ? t : (declType(s) ?? 'any');
      };
      this.emit(
        rule,
        'type' in n ? kp('type') : okp('type'),
        { old: written(o), new: written(n) },
        trail,
        judge({ type: declType(n), multipleOf: declMult(o) }),
      );
    }

    // enum / const
    const ec = Array.isArray(o.enum) && Array.isArray(n.enum) ? enumChange(o.enum, n.enum) : undefined;
    if (ec ? ec.removed || ec.added : !same(o.enum, n.enum)) {
      const eo = o.enum as unknown[] | undefined;
      const en = n.enum as unknown[] | undefined;
      const removed = ec ? ec.removed : !eo;
      const added = ec ? ec.added : !en;
      const keyO = this.docs.info.get(o)?.keys?.enum;
      const keyN = this.docs.info.get(n)?.keys?.enum;
      const isConst = (eo === undefined || keyO === 'const') && (en === undefined || keyN === 'const');
      let rule: string;
      if (isConst) rule = !eo ? 'CONST_ADDED' : !en ? 'CONST_REMOVED' : 'CONST_CHANGED';
      else rule = removed && !added ? 'ENUM_ARRAY_NARROWED' : added && !removed ? 'ENUM_ARRAY_EXTENDED' : 'ENUM_ARRAY_CHANGED';
      const show = (e: unknown[] | undefined, k?: string) => (e && k === 'const' ? e[0] : e);
      this.emit(rule, 'enum' in n ? kp('enum') : okp('enum'), { old: show(eo, keyO), new: show(en, keyN) }, trail, judge({ enum: en }));
    }

    // numeric and length bounds
    for (const [k, R] of BOUNDS) {
      const a = o[k] as number | undefined;
      const b = n[k] as number | undefined;
      if (a === b) continue;
      const rule = a === undefined ? `${R}_ADDED` : b === undefined ? `${R}_REMOVED` : b > a ? `${R}_INCREASED` : `${R}_DECREASED`;
      this.emit(rule, b === undefined ? okp(k) : kp(k), { old: a, new: b }, trail, judge({ [k]: b }));
    }
    // where the normalised types agree, so do the spellings that matter; otherwise compare as written
    const typesDiffer = !same(o.type, n.type);
    const [mo, mn] = typesDiffer ? [declMult(o), declMult(n)] : [o.multipleOf as number | undefined, n.multipleOf as number | undefined];
    if (mo !== mn) {
      const a = mo;
      const b = mn;
      const mult = (x: number, y: number) => Number.isInteger(x / y) || Math.abs(Math.round(x / y) - x / y) < 1e-9;
      const rule =
        a === undefined
          ? 'MULTIPLE_OF_ADDED'
          : b === undefined
            ? 'MULTIPLE_OF_REMOVED'
            : mult(b, a)
              ? 'MULTIPLE_OF_EXPANDED'
              : mult(a, b)
                ? 'MULTIPLE_OF_REDUCED'
                : 'MULTIPLE_OF_CHANGED';
      this.emit(
        rule,
        b === undefined ? okp('multipleOf') : kp('multipleOf'),
        { old: a, new: b },
        trail,
        judge(typesDiffer ? { multipleOf: b, type: declType(o) } : { multipleOf: b }),
      );
    }
    for (const [k, R] of [
      ['pattern', 'PATTERN'],
      ['format', 'FORMAT'],
    ] as const) {
      if (same(o[k], n[k])) continue;
      const rule = o[k] === undefined ? `${R}_ADDED` : n[k] === undefined ? `${R}_REMOVED` : `${R}_CHANGED`;
      this.emit(rule, n[k] === undefined ? okp(k) : kp(k), { old: o[k], new: n[k] }, trail, judge({ [k]: n[k] }));
    }

    // arrays
    if (!!o.uniqueItems !== !!n.uniqueItems) {
      this.emit(
        n.uniqueItems ? 'UNIQUE_ITEMS_ADDED' : 'UNIQUE_ITEMS_REMOVED',
        n.uniqueItems ? kp('uniqueItems') : okp('uniqueItems'),
        {},
        trail,
        judge({ uniqueItems: n.uniqueItems }),
      );
    }
    const po = (o.prefixItems as Raw[] | undefined) ?? [];
    const pn = (n.prefixItems as Raw[] | undefined) ?? [];
    for (let i = 0; i < Math.max(po.length, pn.length); i++) {
      if (i < po.length && i < pn.length) this.walk(po[i], pn[i], step('item', { index: i }));
      else if (i < pn.length)
        this.emit('PREFIX_ITEM_ADDED', this.docs.pointerOf(pn[i]) || kp('prefixItems') + ptr(i), { index: i }, trail, judge({ prefixItems: n.prefixItems }));
      else
        this.emit('PREFIX_ITEM_REMOVED', this.docs.pointerOf(po[i]) || okp('prefixItems') + ptr(i), { index: i }, trail, judge({ prefixItems: n.prefixItems }));
    }
    this.optionalSchema(o, n, 'items', 'ITEMS', trail, judge, () => step('item', { index: Math.max(po.length, pn.length) }));
    this.optionalSchema(o, n, 'contains', 'CONTAINS', trail, judge, () => step('contains'));
    for (const k of ['minContains', 'maxContains']) {
      if (o[k] !== n[k]) this.emit('CONTAINS_CHANGED', k in n ? kp(k) : okp(k), { keyword: k, old: o[k], new: n[k] }, trail, judge({ [k]: n[k] }));
    }

    // objects
    this.objectDiff(o, n, trail, judge, step);

    for (const k of ['unevaluatedProperties', 'unevaluatedItems']) {
      if (!same(o[k], n[k])) this.emit('UNEVALUATED_CHANGED', k in n ? kp(k) : okp(k), { keyword: k }, trail, judge({ [k]: n[k] }));
    }
  }

  private optionalSchema(
    o: Obj,
    n: Obj,
    k: string,
    R: string,
    trail: Step[],
    judge: (c: Record<string, unknown> | (() => Record<string, unknown>), prop?: string) => Judgement,
    next: () => Step[],
  ): void {
    const a = o[k] as Raw | undefined;
    const b = n[k] as Raw | undefined;
    if (a === undefined && b === undefined) return;
    if (a !== undefined && b !== undefined && (isObject(a) || isObject(b))) {
      this.walk(a, b, next());
      return;
    }
    if (same(a, b)) return;
    const kp = this.docs.keyPath(b === undefined ? o : n, k);
    const rule = a === undefined ? `${R}_ADDED` : b === undefined ? `${R}_REMOVED` : `${R}_CHANGED`;
    const name = R === 'CONTAINS' && rule === 'CONTAINS_CHANGED' ? 'CONTAINS_ADDED' : rule;
    this.emit(name, kp, { old: a, new: b, keyword: k }, trail, judge({ [k]: b }));
  }

  private branchesDiff(
    c: 'allOf' | 'anyOf' | 'oneOf',
    o: Obj,
    n: Obj,
    bo: Raw[],
    bn: Raw[],
    trail: Step[],
    judge: (c: Record<string, unknown> | (() => Record<string, unknown>), prop?: string) => Judgement,
  ): void {
    const key = (s: Raw) => this.docs.canonical(s);
    // each new branch takes the first old branch left with the same content (none holding a $ref): by a
    // map of content to old positions, not a scan per branch (quadratic for 10,000 branches)
    const all = bo.map((s, i) => ({ s, i, k: key(s) }));
    const byKey = new Map<string, number[]>();
    for (let j = all.length - 1; j >= 0; j--) {
      const k = all[j].k;
      if (k.includes('"$ref"')) continue;
      const q = byKey.get(k);
      if (q) q.push(j);
      else byKey.set(k, [j]);
    }
    const taken = new Set<number>();
    const leftN: Array<{ s: Raw; i: number; k: string }> = [];
    for (const [i, s] of bn.entries()) {
      const k = key(s);
      const j = byKey.get(k)?.pop();
      if (j !== undefined) taken.add(j);
      else leftN.push({ s, i, k });
    }
    const leftO = taken.size ? all.filter((_, j) => !taken.has(j)) : all;
    if (!leftO.length && !leftN.length) return;
    if (leftO.length === leftN.length) {
      // pair by shared type first, then in order
      const typeOf = (s: Raw) => (isObject(s) ? canonicalJson(s.type ?? null) : String(s));
      for (const x of leftN) {
        let j = leftO.findIndex((y) => typeOf(y.s) === typeOf(x.s));
        if (j < 0) j = 0;
        const y = leftO.splice(j, 1)[0];
        this.walk(y.s, x.s, [...trail, { o, n, kind: 'pass' }]);
      }
      return;
    }
    const path = this.docs.keyPath(n, c);
    const rule = !leftO.length
      ? c === 'allOf'
        ? 'PRODUCT_TYPE_EXTENDED'
        : 'SUM_TYPE_EXTENDED'
      : !leftN.length
        ? c === 'allOf'
          ? 'PRODUCT_TYPE_NARROWED'
          : 'SUM_TYPE_NARROWED'
        : 'COMBINED_TYPE_SUBSCHEMAS_CHANGED';
    const where = leftN.length
      ? this.docs.pointerOf(leftN[0].s) || path + ptr(leftN[0].i)
      : this.docs.pointerOf(leftO[0].s) || this.docs.keyPath(o, c) + ptr(leftO[0].i);
    this.emit(rule, leftN.length && leftO.length ? path : where, { keyword: c }, trail, judge({ [c]: n[c] }));
  }

  private objectDiff(
    o: Obj,
    n: Obj,
    trail: Step[],
    judge: (c: Record<string, unknown> | (() => Record<string, unknown>), prop?: string) => Judgement,
    step: (k: StepKind, e?: Partial<Step>) => Step[],
  ): void {
    const kp = (k: string) => this.docs.keyPath(n, k);
    const okp = (k: string) => this.docs.keyPath(o, k);
    const propsO = (isObject(o.properties) ? o.properties : {}) as Record<string, Raw>;
    const propsN = (isObject(n.properties) ? n.properties : {}) as Record<string, Raw>;
    const reqO = new Set((o.required as string[] | undefined) ?? []);
    const reqN = new Set((n.required as string[] | undefined) ?? []);
    const model = (s: Obj, name: string): 'OPEN' | 'CLOSED' | 'PARTIALLY_OPEN' => {
      if (
        isObject(s.patternProperties) &&
        Object.keys(s.patternProperties).some((p) => {
          try {
            return new RegExp(p, 'u').test(name);
          } catch {
            return false;
          }
        })
      )
        return 'PARTIALLY_OPEN';
      // the 2020-12 idiom: unevaluatedProperties closes the model when additionalProperties is absent
      const ap = s.additionalProperties ?? s.unevaluatedProperties;
      if (ap === undefined || ap === true || (isObject(ap) && Object.keys(ap).length === 0)) return 'OPEN';
      if (ap === false) return 'CLOSED';
      return 'PARTIALLY_OPEN';
    };
    const handledReq = new Set<string>();
    for (const name of new Set([...Object.keys(propsO), ...Object.keys(propsN)])) {
      const inO = name in propsO;
      const inN = name in propsN;
      if (inO && inN) {
        this.walk(propsO[name], propsN[name], step('prop', { key: name }));
        continue;
      }
      const path = inN ? kp('properties') + ptr(name) : okp('properties') + ptr(name);
      if (inN) {
        const m = model(o, name);
        const props = () => ({ ...propsO, [name]: propsN[name] });
        if (reqN.has(name) && !reqO.has(name)) {
          handledReq.add(name);
          const rule = m === 'OPEN' ? 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL';
          this.emit(
            rule,
            path,
            { name },
            trail,
            judge(() => ({ properties: props(), required: [...reqO, name].sort() })),
          );
        } else {
          this.emit(
            `PROPERTY_ADDED_TO_${m}_CONTENT_MODEL`,
            path,
            { name },
            trail,
            judge(() => ({ properties: props() }), name),
          );
        }
      } else {
        const m = model(n, name);
        const props = () => {
          const p = { ...propsO };
          delete p[name];
          return p;
        };
        this.emit(
          `PROPERTY_REMOVED_FROM_${m}_CONTENT_MODEL`,
          path,
          { name },
          trail,
          judge(() => ({ properties: props() }), name),
        );
      }
    }
    for (const name of new Set([...reqO, ...reqN])) {
      if (reqO.has(name) === reqN.has(name) || handledReq.has(name)) continue;
      if (reqN.has(name)) {
        const p = propsN[name];
        const withDefault = isObject(p) && 'default' in p;
        this.emit(
          withDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED',
          kp('required'),
          { name },
          trail,
          judge(() => ({ required: [...reqO, name].sort() })),
        );
      } else {
        this.emit(
          'REQUIRED_ATTRIBUTE_REMOVED',
          okp('required'),
          { name },
          trail,
          judge(() => ({ required: [...reqO].filter((x) => x !== name) })),
        );
      }
    }
    const ppO = (isObject(o.patternProperties) ? o.patternProperties : {}) as Record<string, Raw>;
    const ppN = (isObject(n.patternProperties) ? n.patternProperties : {}) as Record<string, Raw>;
    for (const p of new Set([...Object.keys(ppO), ...Object.keys(ppN)])) {
      if (p in ppO && p in ppN) this.walk(ppO[p], ppN[p], step('pattern', { key: p }));
      else if (p in ppN)
        this.emit(
          'PATTERN_PROPERTY_ADDED',
          kp('patternProperties') + ptr(p),
          { pattern: p },
          trail,
          judge(() => ({ patternProperties: { ...ppO, [p]: ppN[p] } })),
        );
      else {
        const rest = () => {
          const r = { ...ppO };
          delete r[p];
          return r;
        };
        this.emit(
          'PATTERN_PROPERTY_REMOVED',
          okp('patternProperties') + ptr(p),
          { pattern: p },
          trail,
          judge(() => ({ patternProperties: rest() })),
        );
      }
    }
    {
      const a = o.additionalProperties as Raw | undefined;
      const b = n.additionalProperties as Raw | undefined;
      if (a !== undefined && b !== undefined && isObject(a) && isObject(b)) this.walk(a, b, step('addl'));
      else if (!same(a, b)) {
        const rule = a === undefined ? 'ADDITIONAL_PROPERTIES_ADDED' : b === undefined ? 'ADDITIONAL_PROPERTIES_REMOVED' : 'ADDITIONAL_PROPERTIES_CHANGED';
        this.emit(
          rule,
          b === undefined ? okp('additionalProperties') : kp('additionalProperties'),
          { old: a, new: b },
          trail,
          judge({ additionalProperties: b }),
        );
      }
    }
    if (!same(o.propertyNames, n.propertyNames)) {
      const a = o.propertyNames;
      const b = n.propertyNames;
      const rule = a === undefined ? 'PROPERTY_NAMES_ADDED' : b === undefined ? 'PROPERTY_NAMES_REMOVED' : 'PROPERTY_NAMES_CHANGED';
      this.emit(rule, b === undefined ? okp('propertyNames') : kp('propertyNames'), { old: a, new: b }, trail, judge({ propertyNames: b }));
    }
    const drO = (isObject(o.dependentRequired) ? o.dependentRequired : {}) as Record<string, string[]>;
    const drN = (isObject(n.dependentRequired) ? n.dependentRequired : {}) as Record<string, string[]>;
    for (const k of new Set([...Object.keys(drO), ...Object.keys(drN)])) {
      const a = drO[k];
      const b = drN[k];
      if (same(a && [...a].sort(), b && [...b].sort())) continue;
      const rule = !a
        ? 'DEPENDENCY_ARRAY_ADDED'
        : !b
          ? 'DEPENDENCY_ARRAY_REMOVED'
          : b.every((x) => a.includes(x))
            ? 'DEPENDENCY_ARRAY_NARROWED'
            : a.every((x) => b.includes(x))
              ? 'DEPENDENCY_ARRAY_EXTENDED'
              : 'DEPENDENCY_ARRAY_CHANGED';
      const next = () => {
        const x = { ...drO };
        if (b) x[k] = b;
        else delete x[k];
        return x;
      };
      this.emit(
        rule,
        (b ? kp('dependentRequired') : okp('dependentRequired')) + ptr(k),
        { name: k, old: a, new: b },
        trail,
        judge(() => ({ dependentRequired: next() })),
      );
    }
    const dsO = (isObject(o.dependentSchemas) ? o.dependentSchemas : {}) as Record<string, Raw>;
    const dsN = (isObject(n.dependentSchemas) ? n.dependentSchemas : {}) as Record<string, Raw>;
    for (const k of new Set([...Object.keys(dsO), ...Object.keys(dsN)])) {
      const a = dsO[k];
      const b = dsN[k];
      if (a !== undefined && b !== undefined && same(a, b) && !canonicalJson(a).includes('"$ref"')) continue;
      if (a !== undefined && b !== undefined && same(a, b)) continue;
      const rule = a === undefined ? 'DEPENDENCY_SCHEMA_ADDED' : b === undefined ? 'DEPENDENCY_SCHEMA_REMOVED' : 'DEPENDENCY_SCHEMA_CHANGED';
      const next = () => {
        const x = { ...dsO };
        if (b !== undefined) x[k] = b;
        else delete x[k];
        return x;
      };
      this.emit(
        rule,
        (b !== undefined ? kp('dependentSchemas') : okp('dependentSchemas')) + ptr(k),
        { name: k },
        trail,
        judge(() => ({ dependentSchemas: next() })),
      );
    }
  }
}

/**
 * The pair walker: walks the old and new normalised schemas together (properties by name, items by
 * index, branches by content, $refs followed) and, on each pair of nodes, calls the rule handlers of
 * rules/ in order; each records one item per keyword-level difference. Each item carries "old with only
 * this change applied" so the semantic core can judge the change alone, in the context of its node, and
 * the trail of ancestors so a witness can be lifted to the root.
 */
import { isObject } from '../walk.js';
import type { Docs, Obj, Raw } from './doc.js';
import type { Engine } from './engine.js';
import { RULE_INDEX } from './rules.js';
import { PAIR_HANDLERS, RAW_HANDLERS, VALIDATION, type Judgement, type Mutation, type Pair, type Step, type StepKind } from './rules/index.js';

export type { Judgement, Step, StepKind };

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
    const spec = RULE_INDEX.get(rule);
    if (!spec) throw new Error(`unknown rule ${rule}`);
    // messages show subschemas as the user wrote them, not their normalised form
    for (const k of ['old', 'new']) if (isObject(params[k])) params[k] = this.docs.written(params[k]);
    this.items.push({ rule, path, params, category: spec.category, trail, ...(judge ?? {}) });
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
    const pair = this.pair(o, n, trail);
    for (const h of RAW_HANDLERS) if (h(pair)) return;
    const objects = pair as Pair;
    for (const h of PAIR_HANDLERS) if (h(objects)) return;
  }

  /** The pair the handlers see: its pointers, child trails, judgements and emit bound to this walk. */
  private pair(o: Raw, n: Raw, trail: Step[]): Pair<Raw> {
    const docs = this.docs;
    return {
      o,
      n,
      docs,
      trail,
      path: docs.pointerOf(n) || docs.pointerOf(o),
      kp: (k) => docs.keyPath(n, k),
      okp: (k) => docs.keyPath(o, k),
      step: (kind, extra = {}) => [...trail, { o, n, kind, ...extra }],
      // the mutated node is built when the change is judged (once), not for every item up front
      judge: (changes: Mutation, prop?: string) => ({
        o,
        n,
        prop,
        mutated: () => this.mut(o, typeof changes === 'function' ? changes() : changes),
      }),
      emit: (rule, path, params, judge) => this.emit(rule, path, params, trail, judge),
      walk: (a, b, t) => this.walk(a, b, t),
    };
  }
}

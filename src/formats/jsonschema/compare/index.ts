/**
 * JSON Schema compatibility: every typed change between OLD and NEW, each saying (semantically)
 * whether it breaks BACKWARD (NEW rejects an instance OLD accepted) and FORWARD (OLD rejects an instance
 * NEW accepts), with a witness instance checked by the real validator (ajv) against both schemas.
 *
 * 1. normalise both schemas (doc.ts) so equivalent spellings compare equal;
 * 2. walk them in pairs (differ.ts): one item per keyword-level difference;
 * 3. judge each item alone at its node with the semantic core (engine.ts), lift its witness to the
 *    root, and confirm it with ajv;
 * 4. decide each direction for the whole schema with the semantic core, and reconcile: a direction that
 *    provably holds clears every item's flag for it; a direction that fails with no item to blame gets a
 *    SCHEMA_NARROWED / SCHEMA_EXTENDED change; a direction that cannot be decided is marked undecided.
 */
import type { Change, CompareOptions, CompareResult, ParsedSchema } from '../../../model/types.js';
import { canonicalJson, jsonEqual } from '../../../model/json.js';
import { forEachSubschema, isObject, ptr, surveyOf } from '../walk.js';
import { Docs, type Doc, type Raw } from './doc.js';
import { InputError } from '../../../model/errors.js';
import { Differ, type Item, type Step } from './differ.js';
import { Engine, NONE, YES, type Res } from './engine.js';
import { Budget, BudgetExceeded } from './budget.js';
import { guardPatterns, patternGuard, patternTimeoutMs } from '../regex-guard.js';
import { withBudgetCheck } from './values.js';
import { formatMessage } from './rules.js';
import { definitionChanged, equivalentRewrite, isEquivalentRewrite } from './rules/annotations.js';
import { isUndecidedChange, schemaNarrowedOrExtended, undecided } from './rules/verdict.js';
import { stringsMatching } from './regexgen.js';
import { hasBigEnum, reduceForInstance } from './reduce.js';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export { RULES, RULE_INDEX, formatMessage } from './rules.js';

/** A validator for one whole schema: true when the instance is valid (ajv, as `validate` uses it). */
export type WholeValidator = (value: unknown) => boolean;

export interface JsonCompareOptions extends CompareOptions {
  /** Validators for the old and new schema (ajv). Without them witnesses are not confirmed and not shown. */
  validOld?: WholeValidator;
  validNew?: WholeValidator;
  /**
   * A validator for a schema value in the setting of a parsed schema (its dialect and references): used to
   * confirm a witness against a schema too large for ajv, reduced for that witness (reduce.ts).
   */
  validWith?: (like: ParsedSchema, value: unknown) => WholeValidator;
  /** Step budget of the semantic checker (default 2,000,000). */
  maxSteps?: number;
  /** Memory budget: bytes the heap may grow by during the comparison (default 512 MB, capped by what is left). */
  maxHeapGrowth?: number;
  /**
   * The directions whose witnesses are wanted (default both). Flags are always computed for both;
   * a compatibility check under BACKWARD only needs BACKWARD witnesses, which halves the work.
   */
  directions?: Array<'backward' | 'forward'>;
}

type Dir = 'backward' | 'forward';

interface Judged {
  item: Item;
  /** The change alone validates exactly the same at its node (both directions proved): a rewrite. */
  equivalent?: boolean;
  /** Breaks nothing only because the lenient policy allows it (it still changes what validates). */
  excused?: boolean;
  breaks: Record<Dir, boolean>;
  undecided: Record<Dir, string | undefined>;
  witness: Partial<Record<Dir, unknown>>;
}

export function compareJsonSchemas(oldS: ParsedSchema, newS: ParsedSchema, options: JsonCompareOptions = {}): CompareResult {
  // A pattern RE2 cannot run (a lookaround, a backreference) is tested on RegExp in a worker with a time limit
  // during the comparison too, wherever it runs (compat, diff, check, serve's jobs): past it, the comparison
  // cannot decide (budget), rather than a hostile schema holding the process.
  const prevGuard = patternGuard() === undefined ? guardPatterns(patternTimeoutMs()) : undefined;
  try {
    return compareWithin(oldS, newS, options);
  } finally {
    if (prevGuard === undefined) guardPatterns(undefined);
  }
}

function compareWithin(oldS: ParsedSchema, newS: ParsedSchema, options: JsonCompareOptions): CompareResult {
  const budget = new Budget(options.budgetMs ?? 2000, options.maxSteps, options.maxHeapGrowth);
  return withBudgetCheck(
    () => budget.check(),
    () => {
      const docs = new Docs();
      let oDoc: Doc;
      let nDoc: Doc;
      try {
        oDoc = docs.load(oldS);
        nDoc = docs.load(newS);
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        return { changes: [undecided(`cannot decide: ${budget.describe()} while reading the schemas; treated as incompatible`, true, true)] };
      }
      for (const [d, s] of [
        [oDoc, oldS],
        [nDoc, newS],
      ] as const)
        refuseUncompilable(docs, d, s.file);
      return compareDocs(oldS, newS, options, budget, docs, oDoc, nDoc);
    },
  );
}

function compareDocs(oldS: ParsedSchema, newS: ParsedSchema, options: JsonCompareOptions, budget: Budget, docs: Docs, oDoc: Doc, nDoc: Doc): CompareResult {
  const engine = new Engine(docs, { lenient: options.policy === 'lenient', budget });
  const differ = new Differ(docs, engine);
  let budgetHit = false;
  const BUDGET = budget.describe();
  try {
    differ.walk(oDoc.root, nDoc.root);
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e;
    budgetHit = true;
  }

  // ajv compiles a schema in one uninterruptible step that grows fast with its size: past this many
  // subschemas witnesses are not confirmed (so breaking changes without one are undecided), keeping the bound.
  // Past it, a witness is confirmed against each schema reduced for that witness (reduce.ts), when the
  // reduction is small enough.
  const tooLarge = countSchemas(oldS.value) + countSchemas(newS.value) > MAX_CONFIRMABLE;
  // A schema with a big enum at its root is reduced likewise (ajv searches an enum value by value).
  const reducedCache = new Map<string, boolean | undefined>();
  const reducedValidators = new Map<string, WholeValidator>();
  const reducedValid = (s: ParsedSchema, w: unknown, whole: WholeValidator): boolean | undefined => {
    if (!options.validWith || !(tooLarge || hasBigEnum(s.value))) return whole(w);
    // the same witness is often confirmed more than once (the root's, then an item's): reduce and compile once
    const key = `${s === oldS ? 'o' : 'n'}${canonicalJson(w)}`;
    if (reducedCache.has(key)) return reducedCache.get(key);
    const r = reduceForInstance(s.value, w);
    let v: boolean | undefined;
    if (r !== undefined && countSchemas(r) <= MAX_CONFIRMABLE / 2) {
      // witnesses of many changes often reduce to one schema: compile it once
      const rk = `${s === oldS ? 'o' : 'n'}${canonicalJson(r)}`;
      let fn = reducedValidators.get(rk);
      if (!fn) reducedValidators.set(rk, (fn = options.validWith(s, r)));
      v = fn(w);
    } else v = tooLarge ? undefined : whole(w);
    reducedCache.set(key, v);
    return v;
  };
  const confirm = (dir: Dir, w: unknown): boolean => {
    if (!options.validOld || !options.validNew || engine.expired) return false;
    try {
      const vo = reducedValid(oldS, w, options.validOld);
      const vn = vo === undefined ? undefined : reducedValid(newS, w, options.validNew);
      if (vo === undefined || vn === undefined) return false;
      return dir === 'backward' ? vo && !vn : vn && !vo;
    } catch {
      return false;
    }
  };
  const safe = (f: () => Res): Res => {
    try {
      return f();
    } catch (e) {
      if (e instanceof BudgetExceeded) {
        budgetHit = true;
        return { r: 'unknown', why: BUDGET };
      }
      throw e;
    }
  };
  const safeSample = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      if (e instanceof BudgetExceeded) {
        budgetHit = true;
        return NONE;
      }
      throw e;
    }
  };
  const lift = (trail: Step[], side: 'o' | 'n', value: unknown): unknown => {
    let v = value;
    for (let i = trail.length - 1; i >= 0; i--) {
      const st = trail[i];
      const node = st[side];
      let out: unknown = NONE;
      try {
        switch (st.kind) {
          case 'pass':
            out = v;
            break;
          case 'prop':
            out = engine.sample([node], { kind: 'object', fixedProps: { [st.key!]: v } });
            break;
          case 'addl':
            out = engine.sample([node], { kind: 'object', fixedProps: { extraProperty: v } });
            break;
          case 'pattern': {
            for (const name of stringsMatching(st.key!, 4)) {
              out = engine.sample([node], { kind: 'object', fixedProps: { [name]: v } });
              if (out !== NONE) break;
            }
            break;
          }
          case 'item':
            out = engine.sample([node], { kind: 'array', fixedItems: new Map([[st.index!, v]]) });
            break;
          case 'contains':
            out = engine.sample([node], { kind: 'array', fixedItems: new Map([[0, v]]) });
            break;
          default:
            out = NONE;
        }
      } catch (e) {
        if (e instanceof BudgetExceeded) budgetHit = true;
        else throw e;
        out = NONE;
      }
      if (out === NONE) return NONE;
      v = out;
    }
    return v;
  };

  // Root verdicts first: they are the truth the items are reconciled with.
  const root: Record<Dir, Res> = {
    backward: safe(() => engine.subset([oDoc.root], [nDoc.root])),
    forward: safe(() => engine.subset([nDoc.root], [oDoc.root])),
  };
  const rootWitness: Partial<Record<Dir, unknown>> = {};
  for (const dir of ['backward', 'forward'] as Dir[]) {
    const r = root[dir];
    if (r.r === 'no') {
      if (confirm(dir, r.w)) rootWitness[dir] = r.w;
      else
        root[dir] = {
          r: 'unknown',
          why: tooLarge ? 'the schemas are too large to confirm a counterexample with ajv' : 'a counterexample was found but ajv did not confirm it',
        };
    }
  }

  // The semantic (non-lenient) core, only to tell "lenient excuses it" from "validates the same".
  let semantic: Engine | undefined;
  const provedEquivalent = (o: Parameters<Engine['subset']>[0][number], m: Parameters<Engine['subset']>[0][number]): boolean => {
    semantic ??= new Engine(docs, { lenient: false, budget });
    const s = semantic;
    try {
      return s.subset([o], [m]).r === 'yes' && s.subset([m], [o]).r === 'yes';
    } catch (e) {
      if (e instanceof BudgetExceeded) return false;
      throw e;
    }
  };
  const nodeCache = new Map<string, Record<Dir, Res>>();
  const judged: Judged[] = [];
  for (const item of differ.items) {
    const j: Judged = { item, breaks: { backward: false, forward: false }, undecided: { backward: undefined, forward: undefined }, witness: {} };
    judged.push(j);
    if (item.category === 'annotation' || item.o === undefined || item.mutated === undefined) continue;
    if (engine.expired) {
      budgetHit = true;
      for (const dir of ['backward', 'forward'] as Dir[]) {
        j.breaks[dir] = true;
        j.undecided[dir] = BUDGET;
      }
      continue;
    }
    // A property added or removed where the node constrains each name apart: judged on that name alone
    // (the node reduced to it), in constant time; the whole mutated node is built only otherwise.
    const reduced = item.prop !== undefined ? reduceToProperty(docs, item.o, item.n, item.prop) : undefined;
    const o = reduced ? reduced.o : item.o;
    const m = reduced ? reduced.m : item.mutated();
    const local: Record<Dir, Res> = {
      backward: safe(() => engine.subset([o], [m])),
      forward: safe(() => engine.subset([m], [o])),
    };
    if (local.backward.r === 'yes' && local.forward.r === 'yes') {
      // Under `lenient` a property added to (or removed from) an open content model breaks nothing, but it
      // still changes what validates: it is a change (a minor bump), not a rewrite, unless the semantic
      // policy proves it equivalent too.
      if (engine.lenient && !provedEquivalent(o, m)) {
        j.excused = true;
        continue;
      }
      j.equivalent = true;
      continue;
    }
    const nk = `${docs.id(o)}|${docs.id(item.n!)}`;
    let whole = nodeCache.get(nk);
    for (const dir of ['backward', 'forward'] as Dir[]) {
      const r = local[dir];
      if (r.r === 'yes') continue;
      j.breaks[dir] = true;
      if (options.directions && !options.directions.includes(dir)) continue;
      const side = dir === 'backward' ? 'o' : 'n';
      const cands: unknown[] = [];
      if (r.r === 'no') {
        const w = reduced ? safeSample(() => widen(engine, item.o!, item.prop!, reduced.key, r.w, dir)) : r.w;
        if (w !== NONE) cands.push(w);
      }
      if (!whole) {
        const n = item.n!;
        const wo = item.o;
        whole = { backward: safe(() => engine.subset([wo], [n])), forward: safe(() => engine.subset([n], [wo])) };
        nodeCache.set(nk, whole);
      }
      const wr = whole[dir];
      if (wr.r === 'no') cands.push(wr.w);
      for (const c of cands) {
        const lifted = lift(item.trail, side, c);
        if (lifted !== NONE && confirm(dir, lifted)) {
          j.witness[dir] = lifted;
          break;
        }
      }
      if (j.witness[dir] === undefined) {
        if (r.r === 'unknown') j.undecided[dir] = r.why;
        else if (engine.expired) {
          // decided, but the budget ran out before a witness could be confirmed: say so, not "no instance"
          budgetHit = true;
          j.undecided[dir] = BUDGET;
        } else j.undecided[dir] = 'no instance isolating this change could be confirmed with ajv';
      }
    }
  }

  // Reconcile with the root verdicts.
  const extra: Change[] = [];
  for (const dir of ['backward', 'forward'] as Dir[]) {
    const r = root[dir];
    const confirmedItem = judged.some((j) => j.breaks[dir] && j.witness[dir] !== undefined);
    if (r.r === 'yes' && !confirmedItem) {
      for (const j of judged) {
        j.breaks[dir] = false;
        j.undecided[dir] = undefined;
      }
    } else if (r.r === 'no') {
      for (const j of judged) {
        if (j.breaks[dir] && j.witness[dir] === undefined && j.undecided[dir])
          j.undecided[dir] += '; the schema as a whole does break this direction (see the other changes)';
      }
      if (!judged.some((j) => j.breaks[dir])) {
        extra.push(schemaNarrowedOrExtended(dir, rootWitness[dir], formatMessage));
      }
    } else if (r.r === 'unknown' && !confirmedItem) {
      const blamed = judged.filter((j) => j.breaks[dir]);
      for (const j of blamed) j.undecided[dir] ??= r.why;
      if (!blamed.length) {
        const prev = extra.find(isUndecidedChange);
        if (prev) {
          prev.breaksForward = true;
          prev.message = prev.message.replace('cannot decide BACKWARD', 'cannot decide BACKWARD or FORWARD');
        } else {
          extra.push(undecided(`cannot decide ${dir.toUpperCase()}: ${r.why}; treated as incompatible`, dir === 'backward', dir === 'forward'));
        }
      }
    }
  }

  let changes: Change[] = judged.map((j) => toChange(j));
  // Proven equivalent both ways: the validation-level differences are a rewrite, not a change.
  if (root.backward.r === 'yes' && root.forward.r === 'yes' && !changes.some((c) => c.witness) && !judged.some((j) => j.excused)) {
    const kept = changes.filter((c) => c.category === 'annotation' && !isEquivalentRewrite(c));
    if (kept.length !== changes.length) {
      kept.push(equivalentRewrite(formatMessage));
    }
    changes = kept;
  }
  // Unused definitions that changed: nothing validates differently.
  for (const key of ['$defs', 'definitions']) {
    const a = isObject(oDoc.original) && isObject(oDoc.original[key]) ? (oDoc.original[key] as Record<string, unknown>) : {};
    const b = isObject(nDoc.original) && isObject(nDoc.original[key]) ? (nDoc.original[key] as Record<string, unknown>) : {};
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (hasOwn(a, name) && hasOwn(b, name) && canonicalJson(a[name]) === canonicalJson(b[name])) continue;
      const na = isObject(a[name]) ? oDoc.map.get(a[name] as object) : undefined;
      const nb = isObject(b[name]) ? nDoc.map.get(b[name] as object) : undefined;
      if ((na && differ.reached.has(na)) || (nb && differ.reached.has(nb))) continue;
      const path = ptr(key) + ptr(name);
      if (changes.some((c) => c.path.startsWith(path))) continue;
      changes.push(definitionChanged(path, name, formatMessage));
    }
  }
  changes.push(...extra);
  if (budgetHit && !changes.some((c) => c.undecided)) {
    changes.push(undecided(`cannot decide: ${BUDGET}; treated as incompatible`, true, true));
  }
  if (changes.length === 0 && !jsonEqual(oldS.value, newS.value)) {
    changes.push(equivalentRewrite(formatMessage));
  }
  return { changes };
}

const MAX_CONFIRMABLE = 6000;

/**
 * Keywords that tie one property name to the others (or to the node's other keywords): where a node has
 * none of them, what it allows under a name depends only on properties[name], the patternProperties keys
 * matching it and additionalProperties, and whether it is required.
 */
const TIES = [
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
  'unevaluatedProperties',
  'unevaluatedItems',
  'dependentSchemas',
  'dependentRequired',
  'propertyNames',
  'minProperties',
  'maxProperties',
];

/**
 * For a property added to or removed from node o (the new node n has it or not), the old node and the old
 * node with the change applied, both reduced to that one name: every other property is dropped, as are the
 * other required names. Where o has no keyword tying names together (TIES), an instance tells o and the
 * mutated node apart exactly by its value under that name, so the reduced pair answers the same as the whole
 * pair (the one exception: o admits no object at all, e.g. another required property is `false`; then a
 * reduced witness finds no instance of o to stand in (widen) and is not shown, and the root verdict decides).
 * Undefined where the node ties names together: the caller judges the whole nodes.
 */
function reduceToProperty(docs: Docs, o: Raw, n: Raw | undefined, name: string): { o: Raw; m: Raw; key: string } | undefined {
  if (!isObject(o) || TIES.some((k) => k in o)) return undefined;
  const propsO = isObject(o.properties) ? o.properties : {};
  const propsN = isObject(n) && isObject(n.properties) ? n.properties : {};
  const required = Array.isArray(o.required) && (o.required as unknown[]).includes(name);
  // Without patternProperties the name itself matters to nothing: the reduced nodes use one stand-in name,
  // so 20,000 properties of one shape are judged once (the checker memoises by content)
  const key = isObject(o.patternProperties) ? name : 'property';
  const cut = (p: unknown): Raw => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (k !== 'properties' && k !== 'required') r[k] = v;
    if (p !== undefined) r.properties = { [key]: p };
    if (required) r.required = [key];
    return docs.adopt(r, o);
  };
  const has = (ps: Record<string, unknown>) => Object.prototype.hasOwnProperty.call(ps, name);
  // the mutated node has the new node's schema under the name when it was added, none when removed
  return { o: cut(has(propsO) ? propsO[name] : undefined), m: cut(has(propsO) ? undefined : has(propsN) ? propsN[name] : undefined), key };
}

/**
 * A witness told apart by its value under `key` (the reduced nodes' name for `name`), widened to an instance of the
 * whole node: o's other required properties are filled in. BACKWARD: an instance of o; FORWARD: o's
 * object with that one value replaced (valid under the mutated node, not under o; ajv confirms it).
 */
function widen(engine: Engine, o: Raw, name: string, key: string, w: unknown, dir: Dir): unknown {
  if (!isObject(w) || !Object.prototype.hasOwnProperty.call(w, key)) return NONE;
  const opts = { kind: 'object' as const, fixedProps: { [name]: w[key] } };
  if (dir === 'backward') return engine.sample([o], opts);
  let tries = 0;
  for (const c of engine.candidates([o], opts, 0)) {
    if (++tries > 8) break;
    if (isObject(c)) return c;
  }
  return NONE;
}

const CAUTION_LENIENT = 'only the semantic policy forbids this';
const CAUTION_LOCAL = 'changes what validates here, but breaks neither direction on its own (the schema as a whole is judged)';

/**
 * Schemas that no validator can compile are refused (InputError: exit 2, HTTP 422), never called
 * compatible: a loop of $refs (or other in-place applicators) with no base case, and a pattern or
 * patternProperties key that is not a valid regular expression (ajv's `u` flag).
 */
export function refuseUncompilable(docs: Docs, doc: Doc, file?: string): void {
  const loop = docs.inPlaceLoop(doc);
  if (loop !== undefined) {
    throw new InputError(
      `schema cannot be compiled: the schema at '${loop}' refers back to itself through $ref/allOf/anyOf/oneOf/not/if without a property or item in between (a loop with no base case)`,
      { file },
    );
  }
  // pointers are worked out only for a schema that has patterns at all
  if (!surveyOf(doc.original).patterns) return;
  forEachSubschema(doc.original, (s, at) => {
    const b = badPattern(s);
    if (b) {
      throw new InputError(`schema cannot be compiled: pattern ${JSON.stringify(b.p)} at '${at || '/'}' is not a valid regular expression (${b.message})`, {
        file,
      });
    }
  });
}

/** The first pattern or patternProperties key of s that is not a valid regular expression ('u' flag). */
function badPattern(s: Record<string, unknown>): { p: string; message: string } | undefined {
  const pats = [typeof s.pattern === 'string' ? s.pattern : undefined, ...(isObject(s.patternProperties) ? Object.keys(s.patternProperties) : [])];
  for (const p of pats) {
    if (p === undefined) continue;
    try {
      new RegExp(p, 'u');
    } catch (e) {
      return { p, message: (e as Error).message };
    }
  }
  return undefined;
}

function countSchemas(v: unknown): number {
  return surveyOf(v).count;
}

function toChange(j: Judged): Change {
  const { item } = j;
  if (j.equivalent) {
    // e.g. `type: string` added beside an enum of strings: proved to validate the same at its node
    return equivalentRewrite(formatMessage, item.path, ` (${formatMessage(item.rule, item.params)})`);
  }
  let message = formatMessage(item.rule, item.params);
  const und = (['backward', 'forward'] as Dir[]).filter((d) => j.breaks[d] && j.undecided[d] !== undefined && j.witness[d] === undefined);
  if (und.length) message += ` (cannot decide ${und.join(' and ').toUpperCase()}: ${j.undecided[und[0]]}; treated as breaking)`;
  const c: Change = {
    rule: item.rule,
    path: item.path,
    message,
    breaksBackward: j.breaks.backward,
    breaksForward: j.breaks.forward,
    category: item.category,
  };
  // A change to what validates that, judged with the schema as a whole, breaks neither direction on its own
  // (e.g. inside a oneOf, where the whole-schema change is reported at '/').
  if (item.category !== 'annotation' && !j.breaks.backward && !j.breaks.forward) c.caution = j.excused ? CAUTION_LENIENT : CAUTION_LOCAL;
  if (und.length) c.undecided = true;
  if (j.witness.backward !== undefined && j.breaks.backward) {
    c.witness = { value: j.witness.backward, validUnder: 'old' };
    if (j.witness.forward !== undefined && j.breaks.forward) {
      const w = JSON.stringify(j.witness.forward);
      if (w.length <= 120) c.message += `; FORWARD breaks too: ${w} is valid under the new schema only`;
    }
  } else if (j.witness.forward !== undefined && j.breaks.forward) c.witness = { value: j.witness.forward, validUnder: 'new' };
  return c;
}

export type { Raw };
export { YES };

/**
 * Regex inclusion for JSON Schema patterns with finite automata (refa, which parses JS regexes with
 * @eslint-community/regexpp): the language of a `pattern` is every string in which it finds a match
 * (ajv tests with the `u` flag, unanchored), built as /^[^]*(?:p)[^]*$/ whose inner anchors refa's
 * simplifier resolves. Answers subset / equivalence exactly, with a shortest witness string for a
 * non-inclusion. Backreferences and lookarounds are not regular here: such patterns answer undefined
 * (the caller stays undecided), as does any automaton past MAX_NODES states.
 */
import { createRequire } from 'node:module';
import type { DFA, NFA } from 'refa';

// refa is loaded on the first pattern compared (its CommonJS build, synchronously): commands that never
// compare two patterns (validate, list, serve's GETs) do not pay for it.
let refaModule: typeof import('refa') | undefined;
const refa = (): typeof import('refa') => (refaModule ??= createRequire(import.meta.url)('refa') as typeof import('refa'));

const MAX_NODES = 20_000;
const MAX_CHAR = 0x10ffff;

type Lang = { nfa: NFA } | { unsupported: string };
const cache = new Map<string, Lang>();

function hasNonRegular(ast: unknown): boolean {
  const stack = [ast];
  while (stack.length) {
    const n = stack.pop() as Record<string, unknown> | undefined;
    if (!n || typeof n !== 'object') continue;
    if (n.type === 'Backreference') return true;
    if (n.type === 'Assertion' && (n.kind === 'lookahead' || n.kind === 'lookbehind')) return true;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'parent' || k === 'resolved') continue;
      if (Array.isArray(v)) stack.push(...v);
      else if (v && typeof v === 'object') stack.push(v);
    }
  }
  return false;
}

/** The language of a pattern under JSON Schema's unanchored matching, or why it cannot be built. */
export function patternLanguage(p: string): Lang {
  let l = cache.get(p);
  if (l) return l;
  try {
    const user = refa().JS.Parser.fromLiteral({ source: p, flags: 'u' });
    if (hasNonRegular(user.ast.pattern)) l = { unsupported: `pattern ${JSON.stringify(p)} uses a lookaround or a backreference` };
    else {
      const { expression } = refa()
        .JS.Parser.fromLiteral({ source: `^[^]*(?:${p})[^]*$`, flags: 'u' })
        .parse({ backreferences: 'throw' });
      let e = refa().transform(refa().Transformers.simplify(), expression);
      e = refa().transform(refa().Transformers.patternEdgeAssertions({ remove: true }), e);
      l = { nfa: refa().NFA.fromRegex(e, { maxCharacter: MAX_CHAR }, { assertions: 'throw' }, new (refa().NFA.LimitedNodeFactory)(MAX_NODES)) };
    }
  } catch (err) {
    l = {
      unsupported:
        err instanceof refa().TooManyNodesError
          ? `pattern ${JSON.stringify(p)} is too large to compare`
          : `pattern ${JSON.stringify(p)} cannot be compared (${(err as Error).message.split('\n')[0]})`,
    };
  }
  if (cache.size > 2000) cache.clear();
  cache.set(p, l);
  return l;
}

export type RegexAnswer = { r: 'yes' } | { r: 'no'; w: string } | { r: 'unknown'; why: string };

function conj(ps: string[]): NFA | string {
  let acc: NFA | undefined;
  for (const p of ps) {
    const l = patternLanguage(p);
    if ('unsupported' in l) return l.unsupported;
    acc = acc ? refa().NFA.fromIntersection(acc, l.nfa, new (refa().NFA.LimitedNodeFactory)(MAX_NODES)) : l.nfa;
  }
  return acc ?? refa().NFA.all({ maxCharacter: MAX_CHAR });
}

/**
 * Does every string matching all of `A` (and `extra`, a regex of its own, e.g. a length) match all of `B`?
 * `union` makes B a disjunction instead (patternProperties keys: some key matches). A 'no' carries the
 * shortest string that shows it.
 */
export function patternsSubset(A: string[], B: string[], union = false): RegexAnswer {
  try {
    const a = conj(A);
    if (typeof a === 'string') return { r: 'unknown', why: a };
    let b: NFA | string;
    if (union) {
      let acc: NFA | undefined;
      for (const p of B) {
        const l = patternLanguage(p);
        if ('unsupported' in l) return { r: 'unknown', why: l.unsupported };
        if (acc) acc.union(l.nfa);
        else acc = l.nfa.copy(new (refa().NFA.LimitedNodeFactory)(MAX_NODES));
      }
      b = acc ?? refa().NFA.empty({ maxCharacter: MAX_CHAR });
    } else b = conj(B);
    if (typeof b === 'string') return { r: 'unknown', why: b };
    const notB = refa().DFA.fromFA(b, new (refa().DFA.LimitedNodeFactory)(MAX_NODES));
    notB.complement();
    for (const word of JS_words(a, notB)) return { r: 'no', w: String.fromCodePoint(...word) };
    return { r: 'yes' };
  } catch (err) {
    if (err instanceof refa().TooManyNodesError) return { r: 'unknown', why: 'the patterns are too large to compare' };
    throw err;
  }
}

function JS_words(a: NFA, b: DFA): Iterable<number[]> {
  const words = refa().NFA.fromIntersection(a, b, new (refa().NFA.LimitedNodeFactory)(MAX_NODES));
  if (words.isEmpty) return [];
  return shortest(words);
}

function* shortest(nfa: NFA): Iterable<number[]> {
  // wordSets come shortest first; pick printable characters where the set allows
  for (const ws of nfa.wordSets()) {
    yield ws.map((cs) => {
      for (const pref of [0x61, 0x41, 0x30, 0x5f, 0x20]) if (cs.has(pref)) return pref;
      const r = cs.ranges.find((x) => x.max >= 0x21);
      return r ? Math.max(r.min, 0x21) : cs.ranges[0].min;
    });
    return;
  }
}

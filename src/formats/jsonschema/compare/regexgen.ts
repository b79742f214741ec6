/**
 * Strings that match a regular expression, for witness instances: a small generator over the common
 * subset of ECMAScript regex syntax (literals, classes, escapes, groups, alternation, quantifiers).
 * Anchors are ignored (the whole string is the match); lookarounds and backreferences give up.
 */

type Node =
  | { t: 'chars'; set: string[]; negated?: boolean }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

class Unsupported extends Error {}

const DIGITS = '0123456789'.split('');
const WORD = 'abcxyzABCXYZ0189_'.split('');
const SPACE = [' ', '\t'];
const ANY = 'aZ0 _-.'.split('');

function parse(src: string): Node {
  let i = 0;
  const peek = () => src[i];
  const alt = (): Node => {
    const options: Node[] = [seq()];
    while (peek() === '|') {
      i++;
      options.push(seq());
    }
    return options.length === 1 ? options[0] : { t: 'alt', options };
  };
  const seq = (): Node => {
    const items: Node[] = [];
    while (i < src.length && peek() !== '|' && peek() !== ')') {
      let a = atom();
      if (a === null) continue;
      a = quant(a);
      items.push(a);
    }
    return { t: 'seq', items };
  };
  const quant = (a: Node): Node => {
    const c = peek();
    let min = -1;
    let max = -1;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (!m) return a;
      min = Number(m[1]);
      max = m[2] ? (m[3] ? Number(m[3]) : Infinity) : min;
      i += m[0].length - 1;
    } else return a;
    i++;
    if (peek() === '?') i++;
    return quant({ t: 'rep', node: a, min, max });
  };
  const escape = (): string[] => {
    const c = src[i++];
    if (c === 'd') return DIGITS;
    if (c === 'w') return WORD;
    if (c === 's') return SPACE;
    if (c === 'D' || c === 'W' || c === 'S') return c === 'D' ? ['a', '-'] : c === 'W' ? ['-', ' '] : ['a', '0'];
    if (c === 'b' || c === 'B' || /[1-9]/.test(c ?? '')) throw new Unsupported();
    if (c === 'n') return ['\n'];
    if (c === 't') return ['\t'];
    if (c === 'u') {
      const m = /^\{?([0-9a-fA-F]{4,6})\}?/.exec(src.slice(i));
      if (m) {
        i += m[0].length;
        return [String.fromCodePoint(parseInt(m[1], 16))];
      }
    }
    if (c === 'x') {
      const h = src.slice(i, i + 2);
      i += 2;
      return [String.fromCharCode(parseInt(h, 16))];
    }
    if (c === 'p' || c === 'P') {
      const m = /^\{[^}]*\}/.exec(src.slice(i));
      if (m) i += m[0].length;
      return c === 'p' ? ['a', 'Z'] : ['0', '-'];
    }
    return [c ?? '\\'];
  };
  const cls = (): Node => {
    let negated = false;
    if (peek() === '^') {
      negated = true;
      i++;
    }
    const set: string[] = [];
    let first = true;
    while (i < src.length && (peek() !== ']' || first)) {
      first = false;
      let c: string[];
      if (peek() === '\\') {
        i++;
        c = escape();
      } else c = [src[i++]];
      if (peek() === '-' && src[i + 1] !== ']' && src[i + 1] !== undefined && c.length === 1) {
        i++;
        let hi: string;
        if (peek() === '\\') {
          i++;
          hi = escape()[0];
        } else hi = src[i++];
        const a = c[0].codePointAt(0)!;
        const b = hi.codePointAt(0)!;
        if (b < a) throw new Unsupported();
        set.push(String.fromCodePoint(a), String.fromCodePoint(b), String.fromCodePoint(Math.min(b, a + 1)));
      } else set.push(...c);
    }
    i++; // ]
    return { t: 'chars', set: [...new Set(set)], negated };
  };
  const atom = (): Node | null => {
    const c = src[i++];
    if (c === '^' || c === '$') return null;
    if (c === '(') {
      if (src[i] === '?') {
        if (src[i + 1] === ':') i += 2;
        else if (src[i + 1] === '<' && src[i + 2] !== '=' && src[i + 2] !== '!') {
          const close = src.indexOf('>', i);
          i = close + 1;
        } else throw new Unsupported();
      }
      const inner = alt();
      if (src[i] !== ')') throw new Unsupported();
      i++;
      return inner;
    }
    if (c === '[') return cls();
    if (c === '.') return { t: 'chars', set: ANY };
    if (c === '\\') return { t: 'chars', set: escape() };
    return { t: 'chars', set: [c] };
  };
  const n = alt();
  if (i < src.length) throw new Unsupported();
  return n;
}

const NEG_POOL = 'aZ09_- .@xé'.split('');

function gen(n: Node, variant: number, reps: number): string {
  switch (n.t) {
    case 'chars': {
      if (n.negated) {
        const pool = NEG_POOL.filter((c) => !n.set.includes(c));
        if (!pool.length) throw new Unsupported();
        return pool[variant % pool.length];
      }
      return n.set[variant % n.set.length];
    }
    case 'seq':
      return n.items.map((x, k) => gen(x, variant + k, reps)).join('');
    case 'alt':
      return gen(n.options[variant % n.options.length], Math.floor(variant / n.options.length), reps);
    case 'rep': {
      const count = Math.max(n.min, Math.min(n.max, reps));
      let s = '';
      for (let k = 0; k < count; k++) s += gen(n.node, variant + k, reps);
      return s;
    }
  }
}

/** Up to `limit` distinct strings matching the pattern (checked with the real RegExp), or [] when unsupported. */
export function stringsMatching(pattern: string, limit = 12): string[] {
  let re: RegExp;
  let ast: Node;
  try {
    re = new RegExp(pattern, 'u');
    ast = parse(pattern);
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const reps of [0, 1, 2, 3, 5, 8, 12]) {
    for (let variant = 0; variant < 2 && out.size < limit; variant++) {
      try {
        const s = gen(ast, variant, reps);
        if (re.test(s)) out.add(s);
      } catch {
        return [...out];
      }
    }
  }
  return [...out];
}

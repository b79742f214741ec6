/**
 * Patterns mean what ECMA-262 says whatever engine runs them (issue 26): the ones judged unsafe for
 * backtracking run on RE2 spelled with ECMAScript's classes (ecma-re2.ts), the ones RE2 cannot run on RegExp
 * in a guarded worker; the compare engine's automata (refa) read the same patterns the same way.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { unsafeForBacktracking } from '../../src/formats/jsonschema/ajv.js';
import { ecmaToRe2, Untranslatable } from '../../src/formats/jsonschema/ecma-re2.js';
import { guardPatterns } from '../../src/formats/jsonschema/regex-guard.js';
import { patternsSubset } from '../../src/formats/jsonschema/compare/regex.js';

async function validator(pattern: string) {
  const s = await jsonSchemaHandler.parse(JSON.stringify({ type: 'string', pattern }));
  const v = jsonSchemaHandler.compile(s);
  return (x: string) => v.validate(x) === null;
}

/** mulberry32: a small deterministic generator. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the issue 26 repros', () => {
  it('\\s on RE2 matches ECMAScript whitespace (no-break space and the rest)', async () => {
    const v = await validator('^(\\w+\\s?)+$');
    expect(unsafeForBacktracking('^(\\w+\\s?)+$')).toBe(true);
    expect(v('hello\u00a0world')).toBe(true);
    for (const ws of ['\u000b', '\u00a0', '\ufeff', '\u2029', '\u2003', '\u3000', '\u1680']) expect(v(`a${ws}b`), JSON.stringify(ws)).toBe(true);
    expect(v('a\u200bb')).toBe(false); // zero-width space is not whitespace in ECMAScript
  });

  it('. on RE2 does not match \\r, U+2028 or U+2029', async () => {
    const v = await validator('^(a|b)*.c$');
    expect(v('ab\rc')).toBe(false);
    expect(v('ab\u2028c')).toBe(false);
    expect(v('ab\u2029c')).toBe(false);
    expect(v('ab\nc')).toBe(false);
    expect(v('abxc')).toBe(true);
    expect(v('ab😀c')).toBe(true);
  });

  it('the rewrite keeps ReDoS protection: catastrophic inputs answer at once', async () => {
    const v = await validator('^(\\s*\\S*)+x$');
    const t0 = Date.now();
    expect(v(' a'.repeat(20_000))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('what has no translation says so (and runs on RegExp in the guarded worker)', () => {
    expect(() => ecmaToRe2('(?=a)(a+)+')).toThrow(Untranslatable);
    expect(() => ecmaToRe2('(a+)+\\1')).toThrow(Untranslatable);
    expect(ecmaToRe2('\\s')).toContain('\\x{a0}');
    expect(ecmaToRe2('.')).not.toMatch(/\\x\{d\}-/);
  });
});

describe('property: validate answers as new RegExp(pattern, "u") does (1,000 pairs, seed 26)', () => {
  const ATOMS = [
    '\\s',
    '\\S',
    '\\w',
    '\\W',
    '\\d',
    '\\D',
    '.',
    '[^]',
    '[\\s\\S]',
    '[^\\s]',
    '[a-z\\s]',
    '[^\\w\\s]',
    '[\\d\\u00a0]',
    '\\p{L}',
    '\\P{L}',
    '\\p{Zs}',
    '\\p{Script=Greek}',
    '\\p{Lu}',
    'a',
    'b',
    ' ',
    '\\u00a0',
    '\\t',
    '\\r',
    '\\n',
    '\\v',
    '\\f',
    '\\u2028',
    '\\ufeff',
    '\\x0b',
    '[.]',
    '\\.',
  ];
  const ASSERTIONS = ['\\b', '\\B'];
  const CHARS = ['a', 'b', 'Z', '_', '0', '9', ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029'];
  CHARS.push('\u202f', '\u3000', '\ufeff', '\u200b', 'é', 'α', 'Ω', '😀', 'ſ', '\u212a', '.', '-', 'c');

  it('every pair agrees (and most patterns run on RE2)', async () => {
    const r = rng(26);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const quant = () => pick(['', '', '?', '*', '+', '{1,2}']);
    const seq = (depth: number): string => {
      const n = 1 + Math.floor(r() * 3);
      let out = '';
      for (let i = 0; i < n; i++) {
        if (depth < 2 && r() < 0.3) out += `(${seq(depth + 1)}${r() < 0.4 ? '|' + seq(depth + 1) : ''})${pick(['+', '*', '{0,3}', '?'])}`;
        else if (r() < 0.08) out += pick(ASSERTIONS);
        else out += pick(ATOMS) + quant();
      }
      return out;
    };
    const prev = guardPatterns(2000);
    try {
      let pairs = 0;
      let unsafe = 0;
      let patterns = 0;
      while (pairs < 1000) {
        const pattern = (r() < 0.6 ? '^' : '') + `(${seq(0)})${pick(['+', '*'])}` + (r() < 0.6 ? '$' : '');
        patterns++;
        if (unsafeForBacktracking(pattern)) unsafe++;
        const v = await validator(pattern);
        const native = new RegExp(pattern, 'u');
        for (let k = 0; k < 4; k++) {
          const len = Math.floor(r() * 7);
          let s = '';
          for (let i = 0; i < len; i++) s += pick(CHARS);
          // short strings: the native engine finishes
          expect(v(s), `${pattern} on ${JSON.stringify(s)}`).toBe(native.test(s));
          pairs++;
        }
      }
      expect(unsafe / patterns).toBeGreaterThan(0.5);
    } finally {
      guardPatterns(prev);
    }
  });
});

describe('the compare engine reads patterns as ECMAScript does', () => {
  it('\\s is ECMAScript whitespace and . excludes line terminators in inclusion', () => {
    const r = patternsSubset(['^\\s$'], ['^[ \\t\\n\\r\\f]$']);
    expect(r.r).toBe('no');
    if (r.r === 'no') expect(/^\s$/u.test(r.w) && !/^[ \t\n\r\f]$/u.test(r.w)).toBe(true);
    expect(patternsSubset(['^(a|b)*.c$'], ['^[^\\r\\n\\u2028\\u2029]*$']).r).toBe('yes');
    expect(patternsSubset(['^(\\w+\\s?)+$'], ['^[\\w\\s\\u00a0\\ufeff\\u2028\\u2029\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000\\v]+$']).r).toBe('yes');
  });

  it('compat of two unsafe patterns: the witness is judged with ECMAScript classes', async () => {
    const old = await jsonSchemaHandler.parse(JSON.stringify({ type: 'string', pattern: '^(\\w+\\s?)+$' }));
    const neu = await jsonSchemaHandler.parse(JSON.stringify({ type: 'string', pattern: '^(\\w+[ \\t]?)+$' }));
    const res = jsonSchemaHandler.compare(old, neu);
    const breaking = res.changes.filter((c) => c.breaksBackward);
    expect(breaking.length).toBeGreaterThan(0);
    const w = breaking.find((c) => c.witness)?.witness;
    if (w) expect(/^(\w+\s?)+$/u.test(w.value as string) && !/^(\w+[ \t]?)+$/u.test(w.value as string)).toBe(true);
    const back = jsonSchemaHandler.compare(neu, old);
    expect(back.changes.filter((c) => c.breaksBackward)).toEqual([]);
  });
});

/**
 * Regex inclusion with automata (refa): JSON Schema's unanchored matching, exact answers both ways, a
 * witness that really matches one pattern and not the other, and "unknown" for what is not regular.
 */
import { describe, expect, it } from 'vitest';
import { patternsSubset } from '../../src/formats/jsonschema/compare/regex.js';

const test = (p: string, s: string) => new RegExp(p, 'u').test(s);

describe('patternsSubset', () => {
  const cases: Array<[string, string, boolean]> = [
    ['^[0-9]+$', '^\\d+$', true],
    ['^\\d+$', '^[0-9]+$', true],
    ['^(red|green)$', '^(red|green|blue)$', true],
    ['^(red|green|blue)$', '^(red|green)$', false],
    ['^a{1,3}$', '^a{1,5}$', true],
    ['^a{1,5}$', '^a{1,3}$', false],
    ['^abc$', 'abc', true],
    ['abc', '^abc$', false],
    ['abc', 'b', true],
    ['^(a+)+$', '^a+$', true],
    ['\\bfoo\\b', 'foo', true],
    ['foo', '\\bfoo\\b', false],
    ['^.*$', '^[^]*$', true],
    ['^[^]*$', '^.*$', false],
    ['^[a-z]+$', '^[a-c]+$', false],
    ['^\\p{Lu}+$', '^[A-Z\\p{Lu}]+$', true],
  ];
  for (const [a, b, yes] of cases) {
    it(`${a} ⊆ ${b}: ${yes}`, () => {
      const r = patternsSubset([a], [b]);
      expect(r.r).toBe(yes ? 'yes' : 'no');
      if (r.r === 'no') expect([test(a, r.w), test(b, r.w)], JSON.stringify(r.w)).toEqual([true, false]);
    });
  }

  it('conjunctions on the left (pattern and length), unions on the right (patternProperties keys)', () => {
    expect(patternsSubset(['^[a-z]+$', '^[^]{0,5}$'], ['^[a-z]{1,5}$']).r).toBe('yes');
    expect(patternsSubset(['^[a-z]+$', '^[^]{0,6}$'], ['^[a-z]{1,5}$'])).toEqual({ r: 'no', w: expect.stringMatching(/^[a-z]{6}$/) });
    expect(patternsSubset(['^[a-z]+$'], ['^[a-m]', '[n-z]$'], true).r).toBe('no');
    expect(patternsSubset(['^[a-z]+$'], ['^[a-m]', '^[n-z]'], true).r).toBe('yes');
    expect(patternsSubset(['^x_'], [], true)).toEqual({ r: 'no', w: 'x_' });
  });

  it('backreferences and lookarounds stay unknown, with the reason', () => {
    for (const p of ['^(a)\\1$', '(?=a)b', '(?<!x)y', 'a(?!b)']) {
      const r = patternsSubset([p], ['a']);
      expect(r.r, p).toBe('unknown');
      if (r.r === 'unknown') expect(r.why).toMatch(/lookaround or a backreference/);
    }
  });

  it('catastrophic patterns are just automata here (no backtracking)', () => {
    expect(patternsSubset(['^(a+)+$'], ['^(a|aa)+$']).r).toBe('yes');
    expect(patternsSubset(['^(a|a)*b$'], ['b$']).r).toBe('yes');
  });
});

describe('validate is safe on catastrophic patterns (RE2 for patterns unsafe for backtracking)', () => {
  it('flags nested and ambiguous repetition, not ordinary patterns', async () => {
    const { unsafeForBacktracking } = await import('../../src/formats/jsonschema/ajv.js');
    for (const p of ['^(a+)+$', '(x+x+)+y', '^(a|aa)*$', '^(\\w+\\s?)*$', '.*.*=.*']) expect(unsafeForBacktracking(p), p).toBe(true);
    for (const p of ['^[a-z]+$', '^chatcmpl-[A-Za-z0-9]+$', '^[0-9]{3}-[0-9]{4}$', '^(ab){2}$', 'abc', '(']) expect(unsafeForBacktracking(p), p).toBe(false);
  });

  it('pattern and patternProperties keys with (a+)+ answer at once, with the same verdicts as RegExp', async () => {
    const { jsonSchemaHandler } = await import('../../src/formats/jsonschema/handler.js');
    const s = await jsonSchemaHandler.parse(
      JSON.stringify({
        type: 'object',
        properties: { v: { type: 'string', pattern: '^(a+)+$' } },
        patternProperties: { '^(k+)+$': { type: 'integer' } },
      }),
    );
    const v = jsonSchemaHandler.compile(s);
    const evil = 'a'.repeat(50_000) + 'b';
    expect(v.validate({ v: evil })).toEqual([expect.objectContaining({ keyword: 'pattern' })]);
    expect(v.validate({ v: 'a'.repeat(50_000) })).toBeNull();
    expect(v.validate({ ['k'.repeat(50_000) + 'j']: 'x' })).toBeNull(); // not a pattern key: open
    expect(v.validate({ ['k'.repeat(50_000)]: 'x' })).toEqual([expect.objectContaining({ keyword: 'type' })]);
  });

  it('compat with a catastrophic pattern and long bounds answers', async () => {
    const { jsonSchemaHandler } = await import('../../src/formats/jsonschema/handler.js');
    const a = await jsonSchemaHandler.parse(JSON.stringify({ type: 'string', pattern: '^(a+)+$' }));
    const b = await jsonSchemaHandler.parse(JSON.stringify({ type: 'string', pattern: '^(a+)+$', maxLength: 100_000 }));
    const changes = jsonSchemaHandler.compare!(a, b).changes;
    const c = changes.find((x) => x.rule === 'MAX_LENGTH_ADDED')!;
    expect(c.breaksBackward).toBe(true);
    if (c.witness) expect((c.witness.value as string).length).toBe(100_001);
  });
});

describe('the pattern guard (issue 23: lookarounds and backreferences RE2 refuses)', () => {
  it("answers as RegExp does, and throws PatternTimeout past the limit; off, it leaves RegExp's answer", async () => {
    const { guardedTest, guardPatterns, PatternTimeout } = await import('../../src/formats/jsonschema/regex-guard.js');
    const { safeRegExp } = await import('../../src/formats/jsonschema/ajv.js');
    expect(guardedTest('^(?=a)(a+)+$', 'u', 'aaa', 5000)).toBe(true);
    expect(guardedTest('^(?=a)(a+)+$', 'u', 'baa', 5000)).toBe(false);
    expect(guardedTest('(a+)+\\1b', 'u', 'aab', 5000)).toBe(true);
    const t0 = Date.now();
    expect(() => guardedTest('^(?=a)(a+)+$', 'u', 'a'.repeat(40) + '!', 300)).toThrow(PatternTimeout);
    expect(Date.now() - t0).toBeLessThan(5000);
    // a fresh worker answers after a timeout
    expect(guardedTest('^(?=a)(a+)+$', 'u', 'aaaa', 5000)).toBe(true);
    const re = safeRegExp('^(?=a)(a+)+$', 'u');
    const prev = guardPatterns(300);
    try {
      expect(re.test('aa')).toBe(true);
      expect(() => re.test('a'.repeat(40) + '!')).toThrow(PatternTimeout);
    } finally {
      guardPatterns(prev);
    }
    expect(re.test('aa')).toBe(true);
  }, 30_000);
});

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

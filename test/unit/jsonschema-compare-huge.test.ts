/**
 * The shortcuts that keep huge comparisons inside the budget (issue #14) give the same answers as the long
 * way: structural equality is canonical-text equality; enums past 10,000 values (kept as written, duplicates
 * and all) are judged like small ones; a witness of a schema too large for ajv is confirmed against the
 * schema reduced for it, and the reduction drops only branches that reject it. Timings live in the bench
 * (test/bench/compat-huge.mjs), not here.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { reduceForInstance } from '../../src/formats/jsonschema/compare/reduce.js';
import { formatMessage } from '../../src/formats/jsonschema/compare/rules.js';
import { canonicalJson, jsonEqual } from '../../src/model/json.js';
import type { Change, ParsedSchema } from '../../src/model/types.js';

const parse = (v: unknown): Promise<ParsedSchema> => jsonSchemaHandler.parse(JSON.stringify(v));
const valid = (s: ParsedSchema, v: unknown) => jsonSchemaHandler.compile(s).validate(v) === null;

// a generous budget: these tests are about the answers, and a loaded machine must not turn them undecided
async function compare(old: unknown, neu: unknown): Promise<{ changes: Change[]; a: ParsedSchema; b: ParsedSchema }> {
  const a = await parse(old);
  const b = await parse(neu);
  return { changes: jsonSchemaHandler.compare!(a, b, { budgetMs: 120_000 }).changes, a, b };
}

const witnessOf = (changes: Change[], side: 'old' | 'new') => changes.find((c) => c.witness?.validUnder === side)?.witness?.value;

describe('jsonEqual is canonicalJson equality', () => {
  const values: unknown[] = [
    null,
    0,
    -0,
    1,
    1.5,
    '1',
    'a',
    true,
    false,
    [],
    {},
    [1, 2],
    [2, 1],
    { a: 1, b: [1, { c: null }] },
    { b: [1, { c: null }], a: 1 },
    { a: 1, b: [1, { c: 0 }] },
    { a: 1 },
    { a: 1, b: undefined },
    [null],
    [undefined],
    { a: [] },
    { a: {} },
  ];
  it('on every pair of a mixed sample', () => {
    for (const x of values)
      for (const y of values) expect(jsonEqual(x, y), `${canonicalJson(x)} vs ${canonicalJson(y)}`).toBe(canonicalJson(x) === canonicalJson(y));
  });
});

describe('messages show a long enum as its first values', () => {
  it('the same text as cutting the whole JSON at 80 characters', () => {
    const en = Array.from({ length: 5000 }, (_, i) => `value-${i}`);
    const whole = JSON.stringify(en);
    expect(formatMessage('ENUM_ARRAY_CHANGED', { old: en, new: en.slice(1) })).toBe(
      `enum changed from ${whole.slice(0, 77)}... to ${JSON.stringify(en.slice(1)).slice(0, 77)}...`,
    );
  });
});

describe('enums past 10,000 values', () => {
  const N = 20_000;
  const base = Array.from({ length: N }, (_, i) => `v${i}`);

  it('a value replaced in the middle, with duplicates on both sides: both directions, ajv-confirmed witnesses', async () => {
    const old = [...base, 'v5', 'v7'];
    const neu = [...base.slice(0, 9000), 'w', ...base.slice(9001), 'v7', 'v7'];
    const { changes, a, b } = await compare({ type: 'string', enum: old }, { type: 'string', enum: neu });
    expect(changes.map((c) => c.rule)).toEqual(['ENUM_ARRAY_CHANGED']);
    expect(changes[0].undecided).toBeUndefined();
    expect([changes[0].breaksBackward, changes[0].breaksForward]).toEqual([true, true]);
    expect(witnessOf(changes, 'old')).toBe('v9000');
    expect([valid(a, 'v9000'), valid(b, 'v9000')]).toEqual([true, false]);
    expect(changes[0].message).toContain('FORWARD breaks too: "w"');
  });

  it('values only added at the front: FORWARD only; only removed at the end: BACKWARD only', async () => {
    const added = (await compare({ enum: base }, { enum: ['new', ...base] })).changes;
    expect(added.map((c) => [c.rule, c.breaksBackward, c.breaksForward])).toEqual([['ENUM_ARRAY_EXTENDED', false, true]]);
    expect(witnessOf(added, 'new')).toBe('new');
    const removed = (await compare({ enum: base }, { enum: base.slice(0, N - 2) })).changes;
    expect(removed.map((c) => [c.rule, c.breaksBackward, c.breaksForward])).toEqual([['ENUM_ARRAY_NARROWED', true, false]]);
    expect(witnessOf(removed, 'old')).toBe(`v${N - 2}`);
  });

  it('the same values reordered and repeated: no breaking change', async () => {
    const { changes } = await compare({ enum: base }, { enum: [...base].reverse().concat(['v1', 'v2']) });
    expect(changes.filter((c) => c.breaksBackward || c.breaksForward || c.undecided)).toEqual([]);
  });

  it('an identical big enum beside a changed keyword: only that change', async () => {
    const { changes } = await compare({ type: 'string', enum: base }, { type: 'string', enum: [...base], maxLength: 5 });
    expect(changes.map((c) => [c.rule, c.breaksBackward, c.breaksForward])).toEqual([['MAX_LENGTH_ADDED', true, false]]);
    expect(witnessOf(changes, 'old')).toBe('v10000');
  });
});

describe('a schema too large for ajv: witnesses confirmed against it reduced for the witness', () => {
  const branch = (i: number) => ({ type: 'object', properties: { kind: { const: `k${i}` } }, required: ['kind'] });

  it('reduceForInstance drops exactly the branches that reject the instance', () => {
    const s = {
      title: 't',
      anyOf: [branch(0), branch(1), { type: 'object', properties: { kind: { pattern: '^k' } } }, { type: 'string' }, false, true],
      oneOf: [{ required: ['x'] }, { properties: { kind: { enum: ['k0', 'k9'] } } }, { properties: { kind: { type: 'integer' } } }],
    };
    expect(reduceForInstance(s, { kind: 'k0' })).toEqual({
      title: 't',
      anyOf: [branch(0), { type: 'object', properties: { kind: { pattern: '^k' } } }, true],
      oneOf: [{ properties: { kind: { enum: ['k0', 'k9'] } } }],
    });
    expect(reduceForInstance({ anyOf: [branch(0), branch(1)] }, { kind: 'k2' })).toEqual({ anyOf: [false] });
    expect(reduceForInstance({ anyOf: [{ type: 'integer' }, { type: 'number' }] }, 1.5)).toEqual({ anyOf: [{ type: 'number' }] });
    // a schema that refers is never reduced (a dropped branch could be a $ref's target)
    expect(reduceForInstance({ anyOf: [branch(0), { $ref: '#/anyOf/0' }] }, { kind: 'k1' })).toBeUndefined();
    expect(reduceForInstance(true, 1)).toBeUndefined();
    // a big enum at the root: the witness's answer only
    const en = Array.from({ length: 2000 }, (_, i) => `v${i}`);
    expect(reduceForInstance({ type: 'string', enum: en }, 'v7')).toEqual({ type: 'string', enum: ['v7'] });
    expect(reduceForInstance({ type: 'string', enum: en }, 'w')).toEqual({ type: 'string', enum: ['v0'] });
    expect(reduceForInstance({ enum: [...en, 1] }, 1)).toEqual({ enum: [1] });
    expect(reduceForInstance({ enum: [...en, { a: 1 }] }, { a: 1 })).toEqual({ enum: [...en, { a: 1 }] });
  });

  it('a 4,000-branch anyOf losing its first branch: BACKWARD breaks, with a confirmed witness', async () => {
    const br = Array.from({ length: 4000 }, (_, i) => branch(i));
    const { changes } = await compare({ anyOf: br }, { anyOf: br.slice(1) });
    expect(changes.map((c) => [c.rule, c.breaksBackward, c.breaksForward, c.undecided])).toEqual([['SUM_TYPE_NARROWED', true, false, undefined]]);
    // (k0 is branch 0's and no other's; ajv on the whole schemas would take seconds here)
    expect(witnessOf(changes, 'old')).toEqual({ kind: 'k0' });
  }, 60_000);
});

/**
 * Issue 23, item 5: 20,000 properties against one ran out of memory (5,000: 10 s and 1.1 GB; 20,000: a V8
 * fatal error, exit 134). An added or removed property is judged on its own name, so the comparison is
 * linear; and the budget bounds memory as well as time: past it the answer is "undecided", never a crash.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { compareJsonSchemas } from '../../src/formats/jsonschema/compare/index.js';
import type { ParsedSchema } from '../../src/model/types.js';

const parse = (v: unknown): Promise<ParsedSchema> => jsonSchemaHandler.parse(JSON.stringify(v));
const valid = (s: ParsedSchema, v: unknown) => jsonSchemaHandler.compile(s).validate(v) === null;
const wide = (n: number, shape: (i: number) => unknown = () => ({ type: 'string' })) => {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) properties[`p${i}`] = shape(i);
  return { type: 'object', properties };
};

describe('thousands of properties added or removed', () => {
  it('5,000 properties removed: BACKWARD holds, every removal breaks FORWARD, decided', async () => {
    const a = await parse(wide(5000));
    const b = await parse(wide(1));
    const changes = jsonSchemaHandler.compare!(a, b, { directions: ['backward'], budgetMs: 60_000 }).changes; // timing is the bench's (a shared machine)
    expect(changes).toHaveLength(4999);
    expect(changes.filter((c) => c.undecided)).toEqual([]);
    expect(changes.every((c) => c.rule === 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL' && !c.breaksBackward && c.breaksForward)).toBe(true);
  }, 60_000);

  it('the witnesses shown are confirmed against both whole schemas', async () => {
    const a = await parse(wide(3000, (i) => (i % 2 ? { type: 'string' } : { type: 'integer', maximum: i })));
    const b = await parse(wide(1));
    // A generous budget: this is about the witnesses being right; how many fit in the default 2 s is the bench's
    // (under load the default budget ran out before the first one was confirmed).
    const changes = jsonSchemaHandler.compare!(a, b, { budgetMs: 60_000 }).changes;
    const shown = changes.filter((c) => c.witness);
    expect(shown.length).toBeGreaterThan(0);
    for (const c of shown.slice(0, 50)) {
      const v = [valid(a, c.witness!.value), valid(b, c.witness!.value)];
      expect(v, JSON.stringify(c)).toEqual(c.witness!.validUnder === 'old' ? [true, false] : [false, true]);
    }
    expect(shown.some((c) => c.rule === 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL' && c.witness!.validUnder === 'new')).toBe(true);
  }, 60_000);

  it('a property removed where names are tied (minProperties, propertyNames) is still judged on the whole node', async () => {
    const old = { type: 'object', minProperties: 1, propertyNames: { maxLength: 3 }, properties: { a: { type: 'string' }, b: { type: 'integer' } } };
    const neu = { type: 'object', minProperties: 1, propertyNames: { maxLength: 3 }, properties: { a: { type: 'string' } } };
    const changes = jsonSchemaHandler.compare!(await parse(old), await parse(neu)).changes;
    const c = changes.find((x) => x.rule === 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL')!;
    expect([c.breaksBackward, c.breaksForward, c.undecided ?? false]).toEqual([false, true, false]);
    expect(c.witness?.value).toMatchObject({ b: expect.not.stringMatching(/^\d+$/) });
  });

  it('a comparison past its memory budget ends undecided (counted as breaking), not with a crash', async () => {
    const a = await parse(wide(2000, (i) => ({ type: 'integer', maximum: i })));
    const b = await parse(wide(1));
    const r = compareJsonSchemas(a, b, { maxHeapGrowth: 0 });
    expect(r.changes.length).toBeGreaterThan(0);
    // the heap is read every 1,024 steps (a collection may bring it back under for a while): some change says so
    expect(r.changes.some((c) => c.undecided && /ran out of its budget \(2000 ms, 2000000 steps or 1 MB\)/.test(c.message))).toBe(true);
  });
});

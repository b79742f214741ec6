/**
 * Witnesses for bounds of any size (QA issue: a maximum of 150 or a maxLength of 80 was "cannot decide"
 * because candidates were a fixed small sample). Every broken direction must come with a witness at
 * the boundary that ajv confirms against both schemas, and nothing may be undecided.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import type { Change, ParsedSchema } from '../../src/model/types.js';

const parse = (v: unknown): Promise<ParsedSchema> => jsonSchemaHandler.parse(JSON.stringify(v));
const valid = (s: ParsedSchema, v: unknown) => jsonSchemaHandler.compile(s).validate(v) === null;

/** Compare, and check: decided, the expected directions, and a confirmed witness for each broken one. */
async function judge(old: unknown, neu: unknown, expected: { backward: boolean; forward: boolean }): Promise<Change[]> {
  const a = await parse(old);
  const b = await parse(neu);
  const changes = jsonSchemaHandler.compare!(a, b).changes;
  const what = JSON.stringify(changes.map((c) => [c.rule, c.path, c.message]));
  expect(
    changes.filter((c) => c.undecided),
    what,
  ).toEqual([]);
  expect({ backward: !changes.some((c) => c.breaksBackward), forward: !changes.some((c) => c.breaksForward) }, what).toEqual(expected);
  for (const dir of ['backward', 'forward'] as const) {
    if (expected[dir]) continue;
    const side = dir === 'backward' ? 'old' : 'new';
    const w = changes.find((c) => c.witness?.validUnder === side);
    expect(w, `${dir} witness in ${what}`).toBeDefined();
    expect([valid(a, w!.witness!.value), valid(b, w!.witness!.value)]).toEqual(side === 'old' ? [true, false] : [false, true]);
  }
  return changes;
}
const BACK = { backward: false, forward: true };
const FWD = { backward: true, forward: false };

describe('witnesses at large bounds', () => {
  for (const max of [5, 100, 150, 1000, 1e9]) {
    it(`integer maximum ${max} added (BACKWARD) and removed (FORWARD)`, async () => {
      const c = await judge({ type: 'integer' }, { type: 'integer', maximum: max }, BACK);
      expect(c.find((x) => x.rule === 'MAXIMUM_ADDED')!.witness!.value).toBe(max + 1);
      await judge({ type: 'integer', maximum: max }, { type: 'integer' }, FWD);
    });
  }

  it('number bounds: maximum, minimum, exclusive bounds (the bound itself), lowered and raised', async () => {
    await judge({ type: 'number' }, { type: 'number', maximum: 150 }, BACK);
    await judge({ type: 'number' }, { type: 'number', minimum: -1000 }, BACK);
    const ex = await judge({ type: 'number', maximum: 150 }, { type: 'number', exclusiveMaximum: 150 }, BACK);
    expect(ex.find((x) => x.witness)!.witness!.value).toBe(150);
    await judge({ type: 'number', minimum: 250 }, { type: 'number', exclusiveMinimum: 250 }, BACK);
    await judge({ type: 'integer', minimum: 0, maximum: 1000 }, { type: 'integer', minimum: 0, maximum: 500 }, BACK);
    await judge({ type: 'integer', minimum: 300 }, { type: 'integer', minimum: 200 }, FWD);
    await judge({ type: 'number', maximum: 99.5 }, { type: 'number', maximum: 99.25 }, BACK);
  });

  it('multipleOf neighbours far from zero', async () => {
    await judge({ type: 'integer', minimum: 1000000 }, { type: 'integer', minimum: 1000000, multipleOf: 7 }, BACK);
    await judge({ type: 'number', minimum: 5000, maximum: 5001 }, { type: 'number', minimum: 5000, maximum: 5001, multipleOf: 0.25 }, BACK);
    await judge({ type: 'integer', minimum: 4000, multipleOf: 10 }, { type: 'integer', minimum: 4000, multipleOf: 20 }, BACK);
  });

  for (const max of [10, 50, 80, 1000, 100000]) {
    it(`string maxLength ${max} added and removed`, async () => {
      const c = await judge({ type: 'string' }, { type: 'string', maxLength: max }, BACK);
      expect([...(c.find((x) => x.witness)!.witness!.value as string)].length).toBe(max + 1);
      await judge({ type: 'string', maxLength: max }, { type: 'string' }, FWD);
    });
  }

  it('string lengths with patterns and formats, minLength raised', async () => {
    await judge({ type: 'string', pattern: '^[a-z]+$' }, { type: 'string', pattern: '^[a-z]+$', maxLength: 80 }, BACK);
    await judge({ type: 'string', format: 'email' }, { type: 'string', format: 'email', maxLength: 254 }, BACK);
    await judge({ type: 'string', minLength: 1 }, { type: 'string', minLength: 200 }, BACK);
    await judge({ type: 'string', maxLength: 1000 }, { type: 'string', maxLength: 4000 }, FWD);
  });

  for (const max of [100, 1000]) {
    it(`maxItems ${max} and maxProperties ${max} added and removed`, async () => {
      await judge({ type: 'array' }, { type: 'array', maxItems: max }, BACK);
      await judge({ type: 'array', maxItems: max }, { type: 'array' }, FWD);
      await judge({ type: 'array', items: { type: 'string', minLength: 2 } }, { type: 'array', items: { type: 'string', minLength: 2 }, maxItems: max }, BACK);
      await judge(
        { type: 'array', items: { type: 'integer' }, uniqueItems: true },
        { type: 'array', items: { type: 'integer' }, uniqueItems: true, maxItems: max },
        BACK,
      );
      await judge({ type: 'object' }, { type: 'object', maxProperties: max }, BACK);
      await judge({ type: 'object', maxProperties: max }, { type: 'object' }, FWD);
      await judge(
        { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
        { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, maxProperties: max },
        BACK,
      );
    });
  }

  it('minItems and minProperties raised to large counts', async () => {
    await judge({ type: 'array', minItems: 1 }, { type: 'array', minItems: 150 }, BACK);
    await judge({ type: 'array', minItems: 150 }, { type: 'array', minItems: 1 }, FWD);
    await judge({ type: 'object', minProperties: 150 }, { type: 'object' }, FWD);
  });

  it('a bound nested in an LLM tool schema is lifted to a whole instance', async () => {
    const tool = (q: object) => ({
      type: 'object',
      properties: { query: { type: 'string', ...q }, top_k: { type: 'integer', minimum: 1 } },
      required: ['query'],
      additionalProperties: false,
    });
    const c = await judge(tool({}), tool({ maxLength: 1000 }), BACK);
    const w = c.find((x) => x.rule === 'MAX_LENGTH_ADDED')!.witness!.value as { query: string };
    expect(w.query.length).toBe(1001);
  });
});

/**
 * Equivalent rewrites are labelled as such (QA issue): a keyword change that provably validates the same
 * at its node is an EQUIVALENT_REWRITE (annotation, patch), never TYPE_NARROWED or ENUM_ARRAY_CHANGED;
 * an integral multipleOf that turns a number into an integer is reported once, as the multipleOf change.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { requiredBump } from '../../src/core/compat.js';
import type { Change, ParsedSchema } from '../../src/model/types.js';

const parse = (v: unknown): Promise<ParsedSchema> => jsonSchemaHandler.parse(JSON.stringify(v));
const valid = (s: ParsedSchema, v: unknown) => jsonSchemaHandler.compile(s).validate(v) === null;

async function compare(old: unknown, neu: unknown): Promise<{ changes: Change[]; a: ParsedSchema; b: ParsedSchema }> {
  const a = await parse(old);
  const b = await parse(neu);
  return { changes: jsonSchemaHandler.compare!(a, b).changes, a, b };
}
const rules = (cs: Change[]) => cs.map((c) => `${c.rule} ${c.path}`);

describe('equivalent rewrites', () => {
  it('enum without type -> type string with the enum reordered: one EQUIVALENT_REWRITE, patch', async () => {
    const { changes, a, b } = await compare({ enum: ['a', 'b'] }, { type: 'string', enum: ['b', 'a'] });
    expect(rules(changes)).toEqual(['EQUIVALENT_REWRITE ']);
    expect(changes[0]).toMatchObject({ breaksBackward: false, breaksForward: false, category: 'annotation' });
    expect(requiredBump(jsonSchemaHandler, a, b, 'BACKWARD').bump).toBe('patch');
  });

  it('the same rewrite beside a real change is an EQUIVALENT_REWRITE at its own path, not TYPE_NARROWED', async () => {
    const { changes } = await compare(
      { type: 'object', properties: { x: { enum: ['a', 'b'] }, y: { type: 'integer' } } },
      { type: 'object', properties: { x: { type: 'string', enum: ['b', 'a'] }, y: { type: 'integer', maximum: 150 } } },
    );
    expect(rules(changes).sort()).toEqual(['EQUIVALENT_REWRITE /properties/x/type', 'MAXIMUM_ADDED /properties/y/maximum']);
    const eq = changes.find((c) => c.rule === 'EQUIVALENT_REWRITE')!;
    expect(eq).toMatchObject({ breaksBackward: false, breaksForward: false, category: 'annotation' });
    expect(eq.message).toContain('type');
  });

  it('a type array beside a real change, spelled as anyOf: no change reported for it', async () => {
    const { changes } = await compare(
      { type: 'object', properties: { a: { type: ['string', 'null'] }, b: { type: 'string' } } },
      { type: 'object', properties: { a: { anyOf: [{ type: 'null' }, { type: 'string' }] }, b: { type: 'string', maxLength: 80 } } },
    );
    expect(rules(changes)).toEqual(['MAX_LENGTH_ADDED /properties/b/maxLength']);
  });

  it('enum values reordered beside a real change: nothing for the enum', async () => {
    const { changes } = await compare(
      { type: 'object', properties: { u: { type: 'string', enum: ['c', 'f'] }, n: { type: 'integer' } } },
      { type: 'object', properties: { u: { type: 'string', enum: ['f', 'c'] }, n: { type: 'integer', minimum: 0 } } },
    );
    expect(rules(changes)).toEqual(['MINIMUM_ADDED /properties/n/minimum']);
  });
});

describe('multipleOf on a number', () => {
  it('adding multipleOf 2 to a number is MULTIPLE_OF_ADDED only (no spurious TYPE_NARROWED)', async () => {
    const { changes, a, b } = await compare({ type: 'number' }, { type: 'number', multipleOf: 2 });
    expect(rules(changes)).toEqual(['MULTIPLE_OF_ADDED /multipleOf']);
    const c = changes[0];
    expect(c).toMatchObject({ breaksBackward: true, breaksForward: false });
    expect([valid(a, c.witness!.value), valid(b, c.witness!.value)]).toEqual([true, false]);
  });

  it('removing it is MULTIPLE_OF_REMOVED only, breaking FORWARD with a witness', async () => {
    const { changes, a, b } = await compare({ type: 'number', multipleOf: 2 }, { type: 'number' });
    expect(rules(changes)).toEqual(['MULTIPLE_OF_REMOVED /multipleOf']);
    const c = changes[0];
    expect(c).toMatchObject({ breaksBackward: false, breaksForward: true });
    expect([valid(a, c.witness!.value), valid(b, c.witness!.value)]).toEqual([false, true]);
  });

  it('integer -> number with multipleOf 2 is MULTIPLE_OF_ADDED only; a real type change is still reported', async () => {
    expect(rules((await compare({ type: 'integer' }, { type: 'number', multipleOf: 2 })).changes)).toEqual(['MULTIPLE_OF_ADDED /multipleOf']);
    const t = (await compare({ type: 'number', multipleOf: 2 }, { type: ['number', 'null'], multipleOf: 2 })).changes;
    expect(rules(t)).toEqual(['TYPE_EXTENDED /type']);
    // the message shows the types as written, not the normalised integer
    expect(t[0].message).not.toContain('integer');
    expect(t[0].message).toContain('null');
  });
});

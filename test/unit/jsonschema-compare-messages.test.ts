/**
 * Messages speak the user's schema, not the checker's normalised form (QA issue: `type ["integer"]`):
 * one type prints bare, and values are shown as they were written.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';

async function messages(old: unknown, neu: unknown): Promise<string[]> {
  const a = await jsonSchemaHandler.parse(JSON.stringify(old));
  const b = await jsonSchemaHandler.parse(JSON.stringify(neu));
  return jsonSchemaHandler.compare!(a, b).changes.map((c) => `${c.rule}: ${c.message.replace(/; FORWARD breaks too.*/, '')}`);
}

describe('messages show schemas as written', () => {
  it('one type prints bare; a type array as written', async () => {
    expect(await messages({ type: 'integer' }, { type: 'string' })).toEqual(['TYPE_CHANGED: type changed from integer to string']);
    expect(await messages({ type: 'integer' }, { type: ['integer', 'null'] })).toEqual(['TYPE_EXTENDED: type extended from integer to ["integer","null"]']);
    expect(await messages({ type: ['string'] }, { type: ['string', 'null'] })).toEqual(['TYPE_EXTENDED: type extended from string to ["string","null"]']);
    expect(await messages({ type: 'number', multipleOf: 2 }, { type: ['number', 'null'], multipleOf: 2 })).toEqual([
      'TYPE_EXTENDED: type extended from number to ["number","null"]',
    ]);
  });

  it('a missing type is "any", unquoted', async () => {
    const m = await messages(
      { type: 'object', properties: { x: { enum: ['a', 'b'] }, y: { type: 'integer' } } },
      { type: 'object', properties: { x: { type: 'string', enum: ['b', 'a'] }, y: { type: 'integer', maximum: 150 } } },
    );
    expect(m).toContain('EQUIVALENT_REWRITE: rewritten without changing what validates (type narrowed from any to string)');
  });

  it('subschemas in messages are the ones written', async () => {
    expect(await messages({ type: 'array' }, { type: 'array', items: { type: 'string' } })).toEqual(['ITEMS_ADDED: items schema {"type":"string"} added']);
    expect(await messages({ type: 'object', additionalProperties: false }, { type: 'object', additionalProperties: { type: 'string', const: 'x' } })).toEqual([
      'ADDITIONAL_PROPERTIES_CHANGED: additionalProperties changed from false to {"type":"string","const":"x"}',
    ]);
  });
});

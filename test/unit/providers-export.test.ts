import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleSchema, exportAnthropic, exportGemini, exportOpenAI, exportTypeScript, lintSchema, toolName } from '../../src/providers/index.js';
import type { ResolvedReference } from '../../src/model/types.js';
import { REPO } from '../helpers.js';

/** Nested objects, arrays, an enum, a nullable field, $defs, an optional property. */
const ORDER = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  description: 'Place an order',
  properties: {
    customer: { $ref: '#/$defs/customer' },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'] } },
    priority: { enum: ['low', 'high'] },
    note: { type: ['string', 'null'] },
    gift: { type: 'boolean' },
  },
  required: ['customer', 'items', 'priority', 'note'],
  $defs: {
    customer: {
      type: 'object',
      properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
      required: ['name', 'email'],
      additionalProperties: false,
    },
  },
};

describe('OpenAI export', () => {
  it('rewrites for strict mode: optional -> required + nullable, objects closed', () => {
    const { output, notes } = exportOpenAI({ schema: ORDER, name: 'place_order', description: 'Place an order' });
    const schema = {
      type: 'object',
      description: 'Place an order',
      properties: {
        customer: { $ref: '#/$defs/customer' },
        items: {
          type: 'array',
          items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku', 'qty'], additionalProperties: false },
        },
        priority: { type: 'string', enum: ['low', 'high'] },
        note: { type: ['string', 'null'] },
        gift: { type: ['boolean', 'null'] },
      },
      required: ['customer', 'items', 'priority', 'note', 'gift'],
      $defs: {
        customer: {
          type: 'object',
          properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
          required: ['name', 'email'],
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    };
    expect(output).toEqual({
      tool: { type: 'function', function: { name: 'place_order', description: 'Place an order', parameters: schema, strict: true } },
      response_format: { type: 'json_schema', json_schema: { name: 'place_order', description: 'Place an order', schema, strict: true } },
    });
    expect(notes.join('\n')).toMatch(/1 optional property \(gift\) made required and nullable/);
  });

  it('turns strict off, and says why, when the schema cannot be made strict', () => {
    const schema = { type: 'object', properties: { q: { type: 'array', items: { type: 'string' }, uniqueItems: true } }, required: ['q'] };
    const { output, notes } = exportOpenAI({ schema, name: 'search' });
    expect(output).toEqual({
      tool: { type: 'function', function: { name: 'search', parameters: schema, strict: false } },
      response_format: { type: 'json_schema', json_schema: { name: 'search', schema, strict: false } },
    });
    expect(notes.join('\n')).toMatch(/strict mode is off.*openai\/unsupported-keyword at \/properties\/q\/uniqueItems/);
  });

  it('keeps strict mode for minLength/maxLength: moved into the description, as a note', () => {
    const schema = { type: 'object', properties: { q: { type: 'string', description: 'query', maxLength: 100 } }, required: ['q'] };
    const { output, notes } = exportOpenAI({ schema, name: 'search' });
    expect(output.tool.function.strict).toBe(true);
    expect(output.tool.function.parameters).toEqual({
      type: 'object',
      properties: { q: { type: 'string', description: 'query\n\n{maxLength: 100}' } },
      required: ['q'],
      additionalProperties: false,
    });
    expect(notes.join('\n')).toMatch(/1 minLength\/maxLength moved into the description/);
  });

  it("issue 27: a $ref with a description beside it (Pydantic's nested model) is inlined, not sent as is", () => {
    const hero = {
      type: 'object',
      properties: { hero: { $ref: '#/$defs/H', description: 'x' } },
      required: ['hero'],
      $defs: { H: { type: 'object', properties: { t: { type: 'string' } }, required: ['t'] } },
    };
    const p = exportOpenAI({ schema: hero, name: 'h' }).output.tool.function.parameters as { properties: Record<string, Record<string, unknown>> };
    expect(p.properties.hero).toEqual({
      type: 'object',
      description: 'x',
      properties: { t: { type: 'string' } },
      required: ['t'],
      additionalProperties: false,
    });
    expect(lintSchema(hero, 'openai').map((f) => `${f.severity} ${f.rule} ${f.pointer}`)).toContain('note openai/ref-inlined /properties/hero/$ref');
  });

  it('issue 27: an enum or const without type is sent with the type of its values', () => {
    const s = { type: 'object', properties: { u: { enum: ['c', 'f'] }, n: { const: 3 }, m: { enum: [1, 2.5, 'x'] } }, required: ['u', 'n', 'm'] };
    const p = exportOpenAI({ schema: s, name: 'h' }).output.tool.function.parameters as { properties: Record<string, Record<string, unknown>> };
    expect(p.properties).toEqual({
      u: { type: 'string', enum: ['c', 'f'] },
      n: { type: 'integer', const: 3 },
      m: { type: ['number', 'string'], enum: [1, 2.5, 'x'] },
    });
    expect(lintSchema(s, 'openai').filter((f) => f.rule === 'openai/enum-type')).toHaveLength(3);
  });

  it('the Responses API shapes: a flat function tool and text.format', () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    const { output } = exportOpenAI({ schema, name: 'search', description: 'd', api: 'responses' });
    const strict = { ...schema, additionalProperties: false };
    expect(output).toEqual({
      tool: { type: 'function', name: 'search', description: 'd', parameters: strict, strict: true },
      text: { format: { type: 'json_schema', name: 'search', description: 'd', schema: strict, strict: true } },
    });
  });

  it('derives a valid name and says so', () => {
    expect(toolName('x'.repeat(70))).toBe('x'.repeat(64));
    expect(toolName('my tool!')).toBe('my_tool_');
    const { output, notes } = exportOpenAI({ schema: { type: 'object', properties: {}, required: [], additionalProperties: false }, name: 'a.b c' });
    expect(output.tool.function.name).toBe('a_b_c');
    expect(notes[0]).toMatch(/not a valid OpenAI name.*'a_b_c'/);
  });

  it('makes $ref, anyOf and enum properties nullable the right way', () => {
    const s = {
      type: 'object',
      properties: { r: { $ref: '#/$defs/x', description: 'ref' }, u: { anyOf: [{ type: 'string' }, { type: 'number' }] }, e: { enum: ['a'] } },
      $defs: { x: { type: 'string' } },
    };
    const p = exportOpenAI({ schema: s, name: 't' }).output.tool.function.parameters as { properties: Record<string, unknown> };
    expect(p.properties).toEqual({
      r: { description: 'ref', type: ['string', 'null'] },
      u: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
      e: { type: ['string', 'null'], enum: ['a', null] },
    });
  });
});

describe('Anthropic export', () => {
  it('is a tool with input_schema, the schema as written', () => {
    const { output } = exportAnthropic({ schema: ORDER, name: 'place_order', description: 'Place an order' });
    const { $schema: _s, ...body } = ORDER;
    expect(output).toEqual({ name: 'place_order', description: 'Place an order', input_schema: body });
  });

  it('refuses a non-object root and notes a missing description', () => {
    expect(() => exportAnthropic({ schema: { type: 'string' }, name: 'x' })).toThrow(/must be \{ "type": "object" \}/);
    const { notes } = exportAnthropic({ schema: { type: 'object', properties: {} }, name: 'x' });
    expect(notes.join('\n')).toMatch(/no description/);
  });
});

describe('Gemini export', () => {
  it("converts to Gemini's schema: $refs inlined, nullable, enum, propertyOrdering", () => {
    const { output, notes } = exportGemini({ schema: ORDER, name: 'place_order', description: 'Place an order' });
    const params = {
      type: 'OBJECT',
      description: 'Place an order',
      properties: {
        customer: {
          type: 'OBJECT',
          properties: { name: { type: 'STRING' }, email: { type: 'STRING' } },
          required: ['name', 'email'],
          propertyOrdering: ['name', 'email'],
        },
        items: {
          type: 'ARRAY',
          items: {
            type: 'OBJECT',
            properties: { sku: { type: 'STRING' }, qty: { type: 'INTEGER' } },
            required: ['sku', 'qty'],
            propertyOrdering: ['sku', 'qty'],
          },
        },
        priority: { type: 'STRING', enum: ['low', 'high'] },
        note: { type: 'STRING', nullable: true },
        gift: { type: 'BOOLEAN' },
      },
      required: ['customer', 'items', 'priority', 'note'],
      propertyOrdering: ['customer', 'items', 'priority', 'note', 'gift'],
    };
    expect(output).toEqual({
      functionDeclaration: { name: 'place_order', description: 'Place an order', parameters: params },
      generationConfig: { responseMimeType: 'application/json', responseSchema: params },
    });
    expect(notes.join('\n')).toMatch(/format 'email'/);
  });

  it('falls back to parametersJsonSchema for recursive schemas', () => {
    const tree = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } }, required: ['name'] };
    const { output, notes } = exportGemini({ schema: tree, name: 'tree' });
    expect(output).toEqual({
      functionDeclaration: { name: 'tree', parametersJsonSchema: tree },
      generationConfig: { responseMimeType: 'application/json', responseJsonSchema: tree },
    });
    expect(notes[0]).toMatch(/cannot be expressed in Gemini's OpenAPI schema; exported as JSON Schema/);
  });

  it('sends const as a one-value enum and anyOf with null as nullable', () => {
    const s = { type: 'object', properties: { k: { const: 'x' }, v: { anyOf: [{ type: 'integer' }, { type: 'null' }] } } };
    const { output } = exportGemini({ schema: s, name: 'k' });
    expect(output.functionDeclaration.parameters).toEqual({
      type: 'OBJECT',
      properties: { k: { type: 'STRING', enum: ['x'] }, v: { type: 'INTEGER', nullable: true } },
      propertyOrdering: ['k', 'v'],
    });
  });
});

describe('bundling references into other subjects', () => {
  it('moves referenced schemas into $defs and rewrites the $refs', () => {
    const address = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { zip: { $ref: '#/$defs/zip' } },
      $defs: { zip: { type: 'string' } },
    };
    const ref: ResolvedReference = {
      name: 'https://example.com/address.json',
      subject: 'geo.address',
      version: '1.0.0',
      schema: { format: 'json', text: '', value: address },
    };
    const root = {
      type: 'object',
      properties: { home: { $ref: 'https://example.com/address.json' }, zip: { $ref: 'https://example.com/address.json#/$defs/zip' } },
      $defs: { local: { type: 'number' } },
    };
    expect(bundleSchema(root, [ref])).toEqual({
      type: 'object',
      properties: { home: { $ref: '#/$defs/geo_address' }, zip: { $ref: '#/$defs/geo_address__zip' } },
      $defs: {
        local: { type: 'number' },
        geo_address: { type: 'object', properties: { zip: { $ref: '#/$defs/geo_address__zip' } } },
        geo_address__zip: { type: 'string' },
      },
    });
    expect(root.properties.home.$ref).toBe('https://example.com/address.json'); // input unchanged
  });
});

describe('TypeScript export', () => {
  it('produces declarations that compile under tsc --strict', async () => {
    const recursive = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } }, required: ['name'] };
    const outputs = await Promise.all([
      exportTypeScript({ schema: ORDER, name: 'place-order', description: 'Place an order' }),
      exportTypeScript({ schema: recursive, name: 'tree' }),
      exportTypeScript({ schema: { type: 'array', items: { enum: ['a', 'b'] } }, name: 'letters' }),
    ]);
    const [order] = outputs;
    expect(order.output).toMatch(/export interface PlaceOrder \{/);
    expect(order.output).toMatch(/priority: "low" \| "high";/);
    expect(order.output).toMatch(/note: string \| null;/);
    expect(order.output).toMatch(/gift\?: boolean;/);
    expect(order.output).toMatch(/export interface Customer \{/);
    const dir = mkdtempSync(path.join(tmpdir(), 'llm-schema-ts-'));
    try {
      outputs.forEach((o, i) => writeFileSync(path.join(dir, `t${i}.ts`), o.output));
      // use the types, so that a wrong declaration fails the compile
      writeFileSync(
        path.join(dir, 'use.ts'),
        `import type { PlaceOrder } from './t0.js';\nimport type { Tree } from './t1.js';\nimport type { Letters } from './t2.js';\n` +
          `const o: PlaceOrder = { customer: { name: 'a', email: 'a@b.c' }, items: [{ sku: 's', qty: 1 }], priority: 'low', note: null };\n` +
          `const t: Tree = { name: 'r', children: [{ name: 'c' }] };\nconst l: Letters = ['a', 'b'];\nexport { o, t, l };\n`,
      );
      const tsc = path.join(REPO, 'node_modules', '.bin', 'tsc');
      const r = await execa(
        tsc,
        [
          '--strict',
          '--noEmit',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--target',
          'es2022',
          ...outputs.map((_, i) => `t${i}.ts`),
          'use.ts',
        ],
        { cwd: dir, reject: false },
      );
      expect(r.stdout + r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      // and a wrong value does not compile
      writeFileSync(
        path.join(dir, 'bad.ts'),
        `import type { PlaceOrder } from './t0.js';\nexport const o: PlaceOrder = { customer: { name: 'a', email: 'e' }, items: [], priority: 'urgent', note: null };\n`,
      );
      const bad = await execa(tsc, ['--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'bad.ts'], { cwd: dir, reject: false });
      expect(bad.exitCode).not.toBe(0);
      expect(bad.stdout).toMatch(/urgent/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, writeTree } from '../helpers.js';

const ADDRESS = {
  type: 'object',
  description: 'A postal address',
  properties: { street: { type: 'string', description: 'Street', maxLength: 200 }, city: { type: 'string', description: 'City', maxLength: 100 } },
  required: ['street', 'city'],
  additionalProperties: false,
  minProperties: 1,
};
const WEATHER = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  description: 'Get the weather for a place',
  properties: {
    place: { $ref: 'https://example.com/address.json' },
    unit: { enum: ['c', 'f'], description: 'Unit' },
  },
  required: ['place'],
};
const ANSWER = {
  type: 'object',
  properties: { answer: { type: 'string', description: 'The answer' }, confidence: { type: 'number', description: 'Between 0 and 1' } },
  required: ['answer', 'confidence'],
  additionalProperties: false,
};

describe('export and lint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({
      'address.json': ADDRESS,
      'weather.json': WEATHER,
      'answer.json': ANSWER,
      'event.avsc': { type: 'record', name: 'E', fields: [{ name: 'id', type: 'string' }] },
    });
    for (const args of [
      ['register', '--namespace', 'geo', '--name', 'address', '--file', 'address.json', '--kind', 'data'],
      [
        'register',
        '--namespace',
        'myapp',
        '--name',
        'get_weather',
        '--file',
        'weather.json',
        '--kind',
        'tool',
        '--reference',
        'https://example.com/address.json=geo.address@1.0.0',
      ],
      ['register', '--namespace', 'myapp', '--name', 'answer', '--file', 'answer.json', '--kind', 'response'],
      ['register', '--namespace', 'myapp', '--name', 'events', '--file', 'event.avsc'],
    ]) {
      const r = await cli(args, { cwd: dir });
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    }
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('export --target openai prints a tool and a response_format with the other subject bundled', async () => {
    const r = await cli(['export', '--namespace', 'myapp', '--name', 'get_weather', '--target', 'openai'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tool.type).toBe('function');
    expect(out.tool.function.name).toBe('get_weather');
    expect(out.tool.function.description).toBe('Get the weather for a place');
    expect(out.tool.function.strict).toBe(false); // minProperties in the address (maxLength alone would move into the description)
    expect(out.tool.function.parameters.properties.place).toEqual({ $ref: '#/$defs/geo_address' });
    expect(out.tool.function.parameters.$defs.geo_address.description).toBe('A postal address');
    expect(out.response_format.type).toBe('json_schema');
    expect(r.stderr).toMatch(/note: strict mode is off:.*minProperties/);
  });

  it('export --target openai of a strict-ready subject is strict', async () => {
    const r = await cli(['export', 'myapp.answer', '--target', 'openai'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.response_format.json_schema).toEqual({ name: 'answer', schema: ANSWER, strict: true });
  });

  it('export --target anthropic and gemini print their shapes', async () => {
    const a = await cli(['export', 'myapp.get_weather', '--target', 'anthropic'], { cwd: dir });
    expect(a.code).toBe(0);
    const tool = JSON.parse(a.stdout);
    expect(Object.keys(tool)).toEqual(['name', 'description', 'input_schema']);
    expect(tool.input_schema.$defs.geo_address.properties.city.maxLength).toBe(100);
    const g = await cli(['export', 'myapp.get_weather', '--target', 'gemini'], { cwd: dir });
    expect(g.code).toBe(0);
    const gem = JSON.parse(g.stdout);
    expect(gem.functionDeclaration.parameters.properties.place.type).toBe('OBJECT');
    expect(gem.generationConfig.responseMimeType).toBe('application/json');
  });

  it('export --target typescript --out writes the file', async () => {
    const r = await cli(['export', 'myapp.get_weather', '--target', 'typescript', '--out', 'gen/weather.ts'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const ts = readFileSync(path.join(dir, 'gen/weather.ts'), 'utf8');
    expect(ts).toMatch(/export interface GetWeather/);
    expect(ts).toMatch(/export interface GeoAddress/);
  });

  it('export --schema FILE needs no registry and derives the name from the file', async () => {
    const r = await cli(['export', '--schema', path.join(dir, 'answer.json'), '--target', 'anthropic', '--tool-name', 'give answer'], {
      cwd: path.dirname(dir),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('give_answer');
    expect(r.stderr).toMatch(/note: name 'give answer' is not a valid Anthropic tool name/);
  });

  it('export refuses bad input with exit 2', async () => {
    expect((await cli(['export', 'myapp.answer', '--target', 'cohere'], { cwd: dir })).code).toBe(2);
    expect((await cli(['export', 'myapp.answer'], { cwd: dir })).stderr).toMatch(/--target/);
    const avro = await cli(['export', 'myapp.events', '--target', 'openai'], { cwd: dir });
    expect(avro.code).toBe(2);
    expect(avro.stderr).toMatch(/avro/);
    expect((await cli(['export', 'myapp.nope', '--target', 'openai'], { cwd: dir })).code).toBe(2);
    expect(existsSync(path.join(dir, 'out.json'))).toBe(false);
  });

  it('lint --target openai over the registry: findings name subject, version, pointer and rule; exit 1', async () => {
    const r = await cli(['lint', '--target', 'openai', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.profile).toMatchObject({ provider: 'openai', asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(out.skipped).toEqual([{ subject: 'myapp.events', format: 'avro', reason: expect.any(String) }]);
    expect(out.subjects.map((s: { subject: string }) => s.subject)).toEqual(['geo.address', 'myapp.answer', 'myapp.get_weather']);
    expect(out.findings).toContainEqual({
      subject: 'myapp.get_weather',
      version: '1.0.0',
      pointer: '/$defs/geo_address/minProperties',
      rule: 'openai/unsupported-keyword',
      severity: 'error',
      message: "'minProperties' is not supported in strict mode",
    });
    expect(out.findings).toContainEqual(expect.objectContaining({ subject: 'myapp.get_weather', pointer: '/required', rule: 'openai/all-required' }));
    expect(out.findings.some((f: { subject: string }) => f.subject === 'myapp.answer')).toBe(false);
  });

  it('lint in text names the rule and location, and notes the skipped subject', async () => {
    const r = await cli(['lint', '--target', 'openai'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/myapp\.get_weather 1\.0\.0/);
    expect(r.stdout).toMatch(/error\s+\/\$defs\/geo_address\/minProperties .*openai\/unsupported-keyword/);
    expect(r.stdout).toMatch(
      /errors?, \d+ warnings?, \d+ notes? \(rewritten by the export\) in 3 schemas, 1 skipped \(openai profile as of \d{4}-\d{2}-\d{2}\)/,
    );
    expect(r.stderr).toMatch(/skipped myapp\.events \(avro\)/);
  });

  it('lint one subject that passes exits 0', async () => {
    const r = await cli(['lint', 'myapp.answer', '--target', 'openai'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no findings in 1 schema/);
    const a = await cli(['lint', '--namespace', 'myapp', '--name', 'answer', '--target', 'anthropic', '--json'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).findings).toEqual([]);
  });

  it('generic lint (no target) of a clean registry: no findings, exit 0', async () => {
    const r = await cli(['lint', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toBe(0);
    // every property is described ($ref-only properties are described by their target), the tool's strings are bounded
    expect(out.findings).toEqual([]);
    expect(out.subjects).toHaveLength(3);
  });

  it('generic lint warns (exit 0) about open response schemas and unbounded tool strings', async () => {
    writeTree(dir, {
      'open.json': { type: 'object', properties: { a: { type: 'string', description: 'a' } } },
    });
    const resp = await cli(['lint', '--schema', 'open.json', '--kind', 'response', '--json'], { cwd: dir });
    expect(resp.code).toBe(0);
    expect(JSON.parse(resp.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual(['generic/open-response']);
    const tool = await cli(['lint', '--schema', 'open.json', '--kind', 'tool', '--json'], { cwd: dir });
    expect(JSON.parse(tool.stdout).findings.map((f: { rule: string; pointer: string }) => `${f.rule} ${f.pointer}`)).toEqual([
      'generic/unbounded-string /properties/a',
    ]);
  });

  it('lint refuses an unknown target and an Avro subject with exit 2', async () => {
    expect((await cli(['lint', '--target', 'cohere'], { cwd: dir })).code).toBe(2);
    expect((await cli(['lint', 'myapp.events', '--target', 'openai'], { cwd: dir })).code).toBe(2);
    // --version names one subject's version; the whole registry is linted at its latest versions.
    const v = await cli(['lint', '--version', '1.0.0'], { cwd: dir });
    expect(v.code).toBe(2);
    expect(v.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--version goes with one subject/)]);
  });
});

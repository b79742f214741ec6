import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, REPO } from '../helpers.js';

describe("the library: import { openRegistry } from 'llm-schema-registry'", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({
      'tool.json': {
        type: 'object',
        description: 'Arguments of the get_weather tool',
        required: ['city'],
        properties: { city: { type: 'string', minLength: 1 }, unit: { enum: ['c', 'f'] } },
      },
    });
    const r = await cli(['register', 'weather.get-weather', '--file', 'tool.json', '--kind', 'tool', '--tag', 'weather'], { cwd: dir });
    expect(r.code).toBe(0);
  });
  afterAll(() => cleanup(dir));

  it('get, list, search and validate work in-process through the package name', async () => {
    // A script inside the package resolves the package by its own name (self-reference through "exports").
    const scratch = path.join(REPO, 'test', 'bench', '.data');
    mkdirSync(scratch, { recursive: true });
    const script = path.join(scratch, `lib-${process.pid}.mjs`);
    writeFileSync(
      script,
      `import { openRegistry } from 'llm-schema-registry';
const registry = await openRegistry(${JSON.stringify(dir)});
const got = await registry.get('weather.get-weather');
const list = await registry.list('weather');
const found = await registry.search('city');
const ok = await registry.validate('weather.get-weather', { city: 'Oslo', unit: 'c' });
const bad = await registry.validate({ namespace: 'weather', name: 'get-weather' }, { unit: 'k' });
let missing;
try { await registry.get('weather.none'); } catch (e) { missing = e.constructor.name + ': ' + e.message; }
console.log(JSON.stringify({ got: { version: got.version, format: got.format, required: got.schema.required }, list: list.map(s => s.subject + '@' + s.latest), found: found.map(s => s.subject), ok, bad, missing }));
`,
    );
    const r = await execa('node', [script], { cwd: REPO, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const out = JSON.parse(String(r.stdout));
    expect(out.got).toEqual({ version: '1.0.0', format: 'json', required: ['city'] });
    expect(out.list).toEqual(['weather.get-weather@1.0.0']);
    expect(out.found).toEqual(['weather.get-weather']);
    expect(out.ok).toMatchObject({ valid: true, errors: [], version: '1.0.0' });
    expect(out.bad.valid).toBe(false);
    expect(out.bad.errors.map((e: { path: string; message: string }) => `${e.path} ${e.message}`).sort()).toEqual([
      " must have required property 'city'",
      '/unit must be one of "c", "f"',
    ]);
    expect(out.missing).toBe("NotFoundError: unknown subject 'weather.none'");
    const { rmSync } = await import('node:fs');
    rmSync(script);
  });
});

/**
 * Draft-04 and draft-06 JSON Schema wherever JSON Schema is accepted: validate, compat (draft-04's boolean
 * exclusiveMaximum normalised for the compare engine), register, check, and serve's lookup and register-as-lookup
 * over real HTTP. (.NET's NJsonSchema and Confluent's own integration tests emit draft-04.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry } from '../helpers.js';
import { CONFLUENT, getJson, startServe, type Served } from './serve-helpers.js';

const D4 = 'http://json-schema.org/draft-04/schema#';
const D6 = 'http://json-schema.org/draft-06/schema#';
const OLD4 = { $schema: D4, type: 'object', properties: { n: { type: 'number', minimum: 0, maximum: 10, exclusiveMaximum: true } }, required: ['n'] };
const NEW4 = { $schema: D4, type: 'object', properties: { n: { type: 'number', minimum: 0, maximum: 10 } }, required: ['n'] };
const OLD6 = { $schema: D6, type: 'object', properties: { kind: { const: 'a' }, tags: { type: 'array', contains: { type: 'string' } } } };
const NEW6 = { $schema: D6, type: 'object', properties: { kind: { enum: ['a', 'b'] }, tags: { type: 'array', contains: { type: 'string' } } } };

describe('JSON Schema draft-04 and draft-06', () => {
  let dir: string;
  let served: Served;
  beforeAll(async () => {
    dir = await newRegistry({
      'old4.json': OLD4,
      'new4.json': NEW4,
      'old6.json': OLD6,
      'new6.json': NEW6,
      'ten.json': { n: 10 },
      'b.json': { kind: 'b', tags: [1] },
      'bad6.json': { $schema: D6, type: 'object', exclusiveMaximum: true },
    });
  });
  afterAll(async () => {
    if (served) await served.stop();
    cleanup(dir);
  });

  it('validate: draft-04 boolean exclusiveMaximum and draft-06 const/contains mean what their drafts say', async () => {
    const v4 = await cli(['validate', '--schema', 'old4.json', '--data', 'ten.json'], { cwd: dir });
    expect(v4.code).toBe(1);
    expect(v4.stdout + v4.stderr).toContain('must be < 10');
    expect((await cli(['validate', '--schema', 'new4.json', '--data', 'ten.json'], { cwd: dir })).code).toBe(0);
    const v6 = await cli(['validate', '--schema', 'new6.json', '--data', 'b.json'], { cwd: dir });
    expect(v6.code).toBe(1);
    expect(v6.stdout + v6.stderr).toContain('must contain at least 1 valid item');
    const bad = await cli(['validate', '--schema', 'bad6.json', '--data', 'b.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a valid JSON Schema (draft-06)');
  });

  it('compat: verdicts and witnesses as for the other drafts', async () => {
    const looser = await cli(['compat', '--old', 'old4.json', '--new', 'new4.json', '--mode', 'BACKWARD', '--json'], { cwd: dir });
    expect(looser.code).toBe(0);
    expect(JSON.parse(looser.stdout).compatible).toBe(true);
    const stricter = await cli(['compat', '--old', 'new4.json', '--new', 'old4.json', '--mode', 'BACKWARD', '--json'], { cwd: dir });
    expect(stricter.code).toBe(1);
    const report = JSON.parse(stricter.stdout);
    expect(report.compatible).toBe(false);
    expect(JSON.stringify(report.changes)).toContain('"n":10');
    expect((await cli(['compat', '--old', 'old6.json', '--new', 'new6.json', '--mode', 'BACKWARD'], { cwd: dir })).code).toBe(0);
    const narrowed = await cli(['compat', '--old', 'new6.json', '--new', 'old6.json', '--mode', 'BACKWARD'], { cwd: dir });
    expect(narrowed.code).toBe(1);
    expect(narrowed.stdout).toContain('{"kind":"b"}');
  });

  it('register and check accept both drafts; serve looks them up (POST /subjects/{s}, and register-as-lookup)', async () => {
    for (const [subject, file] of [
      ['d.four', 'old4.json'],
      ['d.four', 'new4.json'],
      ['d.six', 'old6.json'],
      ['d.six', 'new6.json'],
    ]) {
      const r = await cli(['register', subject, '--file', file], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    const same = await cli(['register', 'd.four', '--file', 'old4.json', '--version', '3.0.0', '--dry-run'], { cwd: dir });
    expect(same.code).toBe(0); // identical content: a no-op reporting 1.0.0
    expect(same.stdout).toContain('1.0.0');
    const check = await cli(['check'], { cwd: dir });
    expect(check.code, check.stdout).toBe(0);

    served = await startServe(dir);
    const post = (path: string, schema: object) =>
      getJson(`${served.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': CONFLUENT },
        body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify(schema) }),
      });
    const l4 = await post('/subjects/d.four', NEW4);
    expect(l4.status).toBe(200);
    expect(l4.body).toMatchObject({ subject: 'd.four', version: 2 });
    const l6 = await post('/subjects/d.six/versions', OLD6);
    expect(l6.status).toBe(200);
    expect(l6.body).toMatchObject({ id: expect.any(Number) });
    const unknown = await post('/subjects/d.six', { ...OLD6, required: ['kind'] });
    expect(unknown.status).toBe(404);
    const compat = await getJson(`${served.url}/compatibility/subjects/d.four/versions/latest`, {
      method: 'POST',
      headers: { 'content-type': CONFLUENT },
      body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify(OLD4) }),
    });
    expect(compat.status).toBe(200);
    expect(compat.body.is_compatible).toBe(false);
  }, 60_000);
});

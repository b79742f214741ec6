import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { canonicalJson, locateJsonError, parseJson } from '../../src/model/json.js';
import { schemaId } from '../../src/core/ids.js';
import { checkName, checkNamespace, parseSubjectName } from '../../src/core/names.js';
import { acquireLock, writeFileAtomic } from '../../src/storage/fsutil.js';
import { InputError } from '../../src/model/errors.js';
import { parseSubject, serializeSubject } from '../../src/core/subject.js';
import { stripAnnotations } from '../../src/formats/jsonschema/walk.js';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';

describe('JSON errors carry positions', () => {
  const cases: Array<[string, number, string]> = [
    ['{"a":}', 5, 'unexpected character'],
    ['{"a":1', 6, 'unexpected end'],
    ['{\n "a": 1,\n}', 11, 'double-quoted property name'],
    ['[1,2]x', 5, 'after the JSON value'],
    ['"abc', 0, 'unterminated string'],
    ['', 0, 'empty'],
  ];
  for (const [text, offset, reason] of cases) {
    it(JSON.stringify(text), () => {
      const r = locateJsonError(text);
      expect(r.offset).toBe(offset);
      expect(r.reason).toContain(reason);
    });
  }
  it('parseJson throws InputError with file:line:column', () => {
    try {
      parseJson('{\n  "a": 1,\n  "b": ]\n}', 'x.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toMatch(/^x\.json:3:8: invalid JSON/);
    }
  });
  it('the locator survives 100,000 levels of nesting', () => {
    const r = locateJsonError('['.repeat(100_000));
    expect(r.reason).toContain('unexpected end');
  });
});

describe('canonical form and ids', () => {
  it('key order and white space do not change the canonical form or the id', () => {
    const a = canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] });
    const b = canonicalJson(JSON.parse('{ "a": [1, {"c": 3, "d": 2}], "b": 1 }'));
    expect(a).toBe(b);
    expect(a).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(schemaId('json', a)).toBe(schemaId('json', b));
  });
  it('ids are positive int32s that depend on content, format and references', () => {
    const ids = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const id = schemaId('json', `{"n":${i}}`);
      expect(id).toBeGreaterThan(0);
      expect(id).toBeLessThanOrEqual(0x7fffffff);
      ids.add(id);
    }
    expect(ids.size).toBe(2000);
    expect(schemaId('avro', '"string"')).not.toBe(schemaId('json', '"string"'));
    expect(schemaId('json', '{}', [{ name: 'x', subject: 'a.b', version: '1.0.0' }])).not.toBe(schemaId('json', '{}'));
  });
  it('stripAnnotations removes annotations but not properties named like them', () => {
    const s = { type: 'object', description: 'd', properties: { description: { type: 'string', title: 't' } } };
    expect(stripAnnotations(s)).toEqual({ type: 'object', properties: { description: { type: 'string' } } });
  });
});

describe('names', () => {
  it('accepts valid names and refuses traversal and separators', () => {
    expect(checkNamespace('com.acme.billing')).toBe('com.acme.billing');
    expect(checkName('user-schema_v2')).toBe('user-schema_v2');
    for (const bad of ['..', 'a/b', 'a.b', '-x', '', 'a b', 'x'.repeat(129)]) expect(() => checkName(bad), bad).toThrow();
    for (const bad of ['..', 'a..b', '.a', 'a/b', 'a\\b']) expect(() => checkNamespace(bad), bad).toThrow();
    expect(parseSubjectName('com.acme.user')).toEqual({ namespace: 'com.acme', name: 'user' });
    expect(() => parseSubjectName('nodot')).toThrow();
  });
});

describe('subject.yaml', () => {
  it('round-trips and names the file in errors', () => {
    const meta = parseSubject('format: json\nkind: tool\ntags: [a]\nversions:\n  - {version: 1.0.0, id: 7, state: deprecated, reason: old}\n', 's.yaml');
    expect(meta).toMatchObject({ format: 'json', kind: 'tool', tags: ['a'], versions: [{ version: '1.0.0', id: 7, state: 'deprecated', reason: 'old' }] });
    expect(parseSubject(serializeSubject(meta), 's.yaml')).toEqual(meta);
    expect(() => parseSubject('format: xml\n', 's.yaml')).toThrow(/s\.yaml: 'format'/);
    expect(() => parseSubject('format: json\nversions:\n  - {version: 1.0.0, id: -3}\n', 's.yaml')).toThrow(/positive int32/);
    expect(() => parseSubject('format: json\nversions:\n  - {version: 1.0.0, id: 1}\n  - {version: 1.0.0, id: 2}\n', 's.yaml')).toThrow(/listed twice/);
  });
});

describe('atomic writes and the lock', () => {
  it('writeFileAtomic leaves no temporary files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atomic-'));
    await writeFileAtomic(path.join(dir, 'a/b.txt'), 'one');
    await writeFileAtomic(path.join(dir, 'a/b.txt'), 'two');
    expect(readFileSync(path.join(dir, 'a/b.txt'), 'utf8')).toBe('two');
    expect(readdirSync(path.join(dir, 'a'))).toEqual(['b.txt']);
    rmSync(dir, { recursive: true });
  });

  it('a lock held by a dead process is taken over; a live one is waited for', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-'));
    const lockFile = path.join(dir, '.lock');
    // A process that exits at once leaves a lock naming a dead pid.
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    writeFileSync(lockFile, `${child.pid} ${hostname()} deadbeef\n`);
    const t0 = Date.now();
    const lock = await acquireLock(lockFile, 5000);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await lock.held()).toBe(true);
    // A second acquirer waits for the live holder and times out with a clear message.
    await expect(acquireLock(lockFile, 200)).rejects.toThrow(/locked by process/);
    await lock.release();
    expect(existsSync(lockFile)).toBe(false);
    rmSync(dir, { recursive: true });
  });
});

describe('JSON Schema handler', () => {
  it('picks the dialect from $schema and checks formats', async () => {
    const d7 = await jsonSchemaHandler.parse(JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', items: [{ type: 'string' }] }));
    expect(jsonSchemaHandler.compile(d7).validate([1])).not.toBeNull();
    const d2020 = await jsonSchemaHandler.parse(JSON.stringify({ prefixItems: [{ type: 'string' }] }));
    expect(jsonSchemaHandler.compile(d2020).validate([1])?.[0]).toMatchObject({ path: '/0', message: 'must be string' });
    const fmt = await jsonSchemaHandler.parse(JSON.stringify({ type: 'string', format: 'date-time' }));
    expect(jsonSchemaHandler.compile(fmt).validate('yesterday')?.[0].message).toContain('date-time');
    expect(jsonSchemaHandler.compile(fmt).validate('2026-11-26T07:00:00Z')).toBeNull();
  });
  it('refuses schemas that are not valid against their metaschema, with the reason', async () => {
    await expect(jsonSchemaHandler.parse('{"type": 12}', { file: 'bad.json' })).rejects.toThrow(
      /bad\.json: not a valid JSON Schema \(2020-12\): \/type must be/,
    );
    await expect(jsonSchemaHandler.parse('{"minimum": "3"}', { file: 'bad.json' })).rejects.toThrow(/minimum must be number/);
  });
  it('resolves local $ref/$defs, including recursive ones', async () => {
    const s = await jsonSchemaHandler.parse(
      JSON.stringify({ $defs: { node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/node' } } } } }, $ref: '#/$defs/node' }),
    );
    const v = jsonSchemaHandler.compile(s);
    expect(v.validate({ kids: [{ kids: [] }] })).toBeNull();
    expect(v.validate({ kids: [{ kids: 3 }] })?.[0].path).toBe('/kids/0/kids');
  });
});

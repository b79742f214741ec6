/** The binary on Avro: validate (JSON encoding and .avro container files), bad inputs, register + compat. */
import { readFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, REPO, tempDir, writeTree } from '../helpers.js';

const fx = path.join(REPO, 'fixtures');

describe('avro through the binary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    writeTree(dir, {
      'user.avsc': readFileSync(path.join(fx, 'data/avro/user.avsc'), 'utf8'),
      'users.jsonl': readFileSync(path.join(fx, 'data/avro/users.jsonl'), 'utf8'),
      'truncated.avsc': '{"type": "record", "name": "A",\n  "fields": [',
      'unknown.avsc': '{"type": "record", "name": "A", "fields": [{"name": "a", "type": "foo"}]}',
      'x.json': '{}',
    });
    const file = path.join(dir, 'users.avro');
    const enc = new avro.streams.BlockEncoder(avro.Type.forSchema(JSON.parse(readFileSync(path.join(dir, 'user.avsc'), 'utf8'))));
    const out = createWriteStream(file);
    const done = new Promise((r) => out.on('finish', r));
    enc.pipe(out);
    enc.write({ id: 1, email: null, address: { street: 'x' }, tags: [], avatar: null });
    enc.end();
    await done;
  });
  afterAll(() => cleanup(dir));

  it('validate: JSON-encoded records, each failure with line, path and reason', async () => {
    const r = await cli(['validate', '--schema', 'user.avsc', '--data', 'users.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('users.jsonl:3: /email expected a union value');
    expect(r.stdout).toContain('users.jsonl:3: /address/street expected string, got number 5');
    expect(r.stdout).toContain('2 passed, 1 failed');
  });

  it('validate: an object container file', async () => {
    const r = await cli(['validate', '--schema', 'user.avsc', '--data', 'users.avro'], { cwd: dir });
    expect(r.stdout + r.stderr).toContain('1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('bad schemas: one line naming the file, exit 2', async () => {
    const t = await cli(['validate', '--schema', 'truncated.avsc', '--data', 'x.json'], { cwd: dir });
    expect(t.code).toBe(2);
    expect(t.stderr.trim()).toBe('llm-schema: truncated.avsc:2:14: invalid JSON: unexpected end of input');
    const u = await cli(['validate', '--schema', 'unknown.avsc', '--data', 'x.json'], { cwd: dir });
    expect(u.code).toBe(2);
    expect(u.stderr.trim()).toBe('llm-schema: unknown.avsc: invalid Avro schema: unknown type: "foo"');
  });

  it('compat --old/--new: verdict and field path', async () => {
    const base = path.join(fx, 'compat/avro/READER_FIELD_MISSING_DEFAULT_VALUE');
    const r = await cli(['compat', '--old', path.join(base, 'old.avsc'), '--new', path.join(base, 'new.avsc'), '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.compatible).toBe(false);
    expect(out.changes[0]).toMatchObject({ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', path: '/email' });
    const bad = await cli(['compat', '--old', 'truncated.avsc', '--new', 'user.avsc'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('register: versions, automatic bump from Avro compatibility, no-op on identical content', async () => {
    const reg = await newRegistry({
      'v1.avsc': { type: 'record', name: 'E', fields: [{ name: 'id', type: 'long' }] },
      'v2.avsc': {
        type: 'record',
        name: 'E',
        fields: [
          { name: 'id', type: 'long' },
          { name: 'n', type: 'int', default: 0 },
        ],
      },
      'v3.avsc': { type: 'record', name: 'E', fields: [{ name: 'id', type: 'string' }] },
    });
    try {
      expect((await cli(['register', '--namespace', 'acme', '--name', 'events', '--file', 'v1.avsc'], { cwd: reg })).code).toBe(0);
      const again = await cli(['register', '--namespace', 'acme', '--name', 'events', '--file', 'v1.avsc', '--json'], { cwd: reg });
      expect(again.code).toBe(0);
      const v2 = await cli(['register', '--namespace', 'acme', '--name', 'events', '--file', 'v2.avsc', '--json'], { cwd: reg });
      expect(v2.code).toBe(0);
      expect(v2.stdout).toContain('1.1.0');
      const v3 = await cli(['register', '--namespace', 'acme', '--name', 'events', '--file', 'v3.avsc'], { cwd: reg });
      expect(v3.code).toBe(1);
      expect(v3.stdout + v3.stderr).toMatch(/TYPE_MISMATCH|incompatible/);
    } finally {
      cleanup(reg);
    }
  });
});

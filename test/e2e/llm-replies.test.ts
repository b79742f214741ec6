/**
 * Replies checked against the form the model was given (validate --target, --normalize, targets: in
 * subject.yaml, the library's validateReply), and repairs made visible (~ lines, counts, JSON).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/index.js';
import { cleanup, cli, newRegistry, writeTree } from '../helpers.js';

/** A support ticket with an optional phone: strict mode makes it required and nullable. */
const TICKET = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  description: 'A support ticket',
  properties: {
    customer: {
      type: 'object',
      properties: { name: { type: 'string' }, phone: { type: 'string', description: 'E.164' } },
      required: ['name'],
    },
    priority: { enum: ['low', 'high'], default: 'low' },
  },
  required: ['customer'],
};
const STRICT_REPLY = '{"customer": {"name": "Ada", "phone": null}, "priority": null}';

describe('validate --target: replies checked against the form the model was given', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'ticket.json': TICKET });
    const r = await cli(['register', '--namespace', 'support', '--name', 'ticket', '--file', 'ticket.json', '--kind', 'response'], { cwd: dir });
    if (r.code !== 0) throw new Error(r.stderr);
    writeTree(dir, {
      'strict.txt': 'Here you go:\n```json\n' + STRICT_REPLY + '\n```',
      'extra.txt': '{"customer": {"name": "Ada", "phone": null, "age": 3}, "priority": "low"}',
      'bad-null.txt': '{"customer": null, "priority": "low"}',
    });
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('the registered schema rejects a correct strict-mode reply; --target openai accepts it', async () => {
    const plain = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract'], { cwd: dir });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/\/customer\/phone must be string/);
    const r = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract', '--target', 'openai'], { cwd: dir });
    expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(r.code).toBe(0);
  });

  it('--target openai still rejects what strict mode forbids (an undeclared property, a null for a required one)', async () => {
    const r = await cli(['validate', 'support.ticket', '--data', 'extra.txt', '--data', 'bad-null.txt', '--extract', '--target', 'openai', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.failed).toBe(2);
    expect(out.schema).toMatch(/as given to openai/);
    const messages = out.failures.flatMap((f: { errors: Array<{ path: string; message: string }> }) => f.errors.map((e) => `${e.path} ${e.message}`));
    expect(messages.join('\n')).toMatch(/must NOT have additional property 'age'/);
    expect(messages.join('\n')).toMatch(/\/customer must be object/);
  });

  it('--normalize drops the nulls strict mode added and checks the registered schema', async () => {
    const ok = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract', '--target', 'openai', '--normalize'], { cwd: dir });
    expect(ok.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(ok.code).toBe(0);
    // a null for a property the registered schema requires is not taken away: it fails there
    const bad = await cli(['validate', 'support.ticket', '--data', 'bad-null.txt', '--extract', '--target', 'openai', '--normalize'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\/customer must be object/);
  });

  it('--normalize without a target is a usage error; an unknown target too', async () => {
    const a = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract', '--normalize'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--normalize needs a target/);
    const b = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--target', 'mistral'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown --target 'mistral'/);
  });

  it('targets: in subject.yaml makes the target the default; --target registered opts out', async () => {
    const file = path.join(dir, 'schemas', 'support', 'ticket', 'subject.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before + 'targets: [openai]\n');
    try {
      const r = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract'], { cwd: dir });
      expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
      const reg = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract', '--target', 'registered'], { cwd: dir });
      expect(reg.code).toBe(1);
      const lib = await openRegistry(dir);
      const res = await lib.validateReply('support.ticket', STRICT_REPLY);
      expect(res.valid).toBe(true);
      const asRegistered = await lib.validateReply('support.ticket', STRICT_REPLY, { target: 'registered' });
      expect(asRegistered.valid).toBe(false);
    } finally {
      writeFileSync(file, before);
    }
    writeFileSync(file, before + 'targets: [cohere]\n');
    try {
      const r = await cli(['validate', 'support.ticket', '--data', 'strict.txt', '--extract'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/subject\.yaml.*'targets' must be a list of openai/);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('the library takes the same options', async () => {
    const lib = await openRegistry(dir);
    expect((await lib.validateReply('support.ticket', STRICT_REPLY)).valid).toBe(false);
    expect((await lib.validateReply('support.ticket', STRICT_REPLY, { target: 'openai' })).valid).toBe(true);
    const n = await lib.validateReply('support.ticket', STRICT_REPLY, { target: 'openai', normalize: true });
    expect(n.valid).toBe(true);
    const g = await lib.validateReply('support.ticket', STRICT_REPLY, { target: 'gemini' });
    expect(g.valid).toBe(false); // Gemini keeps optional properties optional: null is no string
  });
});

describe('validate --extract --repair: repairs are visible', () => {
  let dir: string;
  const SCHEMA = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] };
  beforeAll(async () => {
    dir = await newRegistry({ 's.json': SCHEMA });
    writeTree(dir, {
      'replies.jsonl':
        [
          { text: '{"city": "Paris", "days": 3}' },
          { text: 'Sure: {"city": "Oslo", "days": 2,}' },
          { text: '```json\n{"city": "Rome", "days": 4' },
          { text: '{“city”: “Lyon”}' },
          { text: "{'city': 5}" },
        ]
          .map((r) => JSON.stringify(r))
          .join('\n') + '\n',
    });
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('a ~ line per repaired record and counts in the summary; a repaired record that fails counts as both', async () => {
    const r = await cli(['validate', '--schema', 's.json', '--data', 'replies.jsonl', '--extract', '--field', 'text', '--repair'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('~ replies.jsonl:2: repaired: trailing commas');
    expect(lines).toContain('~ replies.jsonl:3: repaired: truncated: closed 1 bracket');
    expect(lines).toContain('~ replies.jsonl:4: repaired: smart quotes');
    expect(lines).toContain('~ replies.jsonl:5: repaired: single quotes (then failed)');
    expect(lines).toContain('✗ replies.jsonl:5: /city must be string');
    expect(lines.at(-1)).toBe('4 passed (3 repaired), 1 failed (1 repaired) (1 invalid, 0 no JSON found, 0 JSON does not parse)');
  });

  it('--json lists what was repaired', async () => {
    const r = await cli(['validate', '--schema', 's.json', '--data', 'replies.jsonl', '--extract', '--field', 'text', '--repair', '--json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.repaired).toEqual({ passed: 3, failed: 1 });
    expect(out.repairs).toEqual([
      { file: 'replies.jsonl', line: 2, outcome: 'valid', repaired: ['trailing commas'] },
      { file: 'replies.jsonl', line: 3, outcome: 'valid', repaired: ['truncated: closed 1 bracket'] },
      { file: 'replies.jsonl', line: 4, outcome: 'valid', repaired: ['smart quotes'] },
      { file: 'replies.jsonl', line: 5, outcome: 'invalid', repaired: ['single quotes'] },
    ]);
    expect(out.failures[0].repaired).toEqual(['single quotes']);
  });

  it('--no-repair-truncated fails a cut-off reply', async () => {
    const r = await cli(['validate', '--schema', 's.json', '--data', 'replies.jsonl', '--extract', '--field', 'text', '--repair', '--no-repair-truncated'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ replies\.jsonl:3: JSON does not parse: unexpected end of input/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('3 passed (2 repaired), 2 failed (1 repaired) (1 invalid, 0 no JSON found, 1 JSON does not parse)');
    const bad = await cli(['validate', '--schema', 's.json', '--data', 'replies.jsonl', '--extract', '--field', 'text', '--no-repair-truncated'], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});

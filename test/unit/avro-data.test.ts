/** Avro schemas refused with reasons, data in Avro's JSON encoding, object container files, references. */
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import type { DataRecord, ParsedSchema } from '../../src/model/types.js';
import { avroHandler as h } from '../../src/formats/avro/handler.js';

const data = join(__dirname, '../../fixtures/data/avro');
const userText = readFileSync(join(data, 'user.avsc'), 'utf8');

async function refusal(text: string): Promise<string> {
  try {
    await h.parse(text, { file: 'bad.avsc' });
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('parsed');
}

async function collect(it: AsyncIterable<DataRecord>): Promise<DataRecord[]> {
  const out: DataRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

async function writeContainer(schema: unknown, records: unknown[]): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'avro-')), 'data.avro');
  const type = avro.Type.forSchema(schema as avro.Schema);
  const enc = new avro.streams.BlockEncoder(type);
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
    enc.on('error', reject);
  });
  enc.pipe(out);
  for (const r of records) enc.write(r);
  enc.end();
  await done;
  return file;
}

describe('avro schemas', () => {
  it('refuses invalid schemas with the reason and the file', async () => {
    expect(await refusal('{"type":"record","name":"A","fields":[{"name":"a","type":"foo"}]}')).toBe('bad.avsc: invalid Avro schema: unknown type: "foo"');
    expect(await refusal('{"type":"record","name":"A","fields":[{"name":"a","type":"int","default":"x"}]}')).toMatch(
      /^bad.avsc: invalid Avro schema: bad default "x" for field "a"/,
    );
    expect(await refusal('{"type":"record","name":"A","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}')).toBe(
      'bad.avsc: invalid Avro schema: duplicate field "a" in record "A"',
    );
    expect(await refusal('{"type":"record","name":"1A","fields":[]}')).toMatch(/invalid record name: "1A"/);
    expect(await refusal('{"type":"enum","name":"E","symbols":["A"],"default":"B"}')).toMatch(/bad default "B" for enum "E"/);
    expect(await refusal('{"type":"record","name":"A","fields":[{"name":"u","type":["null","int"],"default":1}]}')).toMatch(/first branch/);
    expect(await refusal('{"type":"record","name":"A",\n  "fields": [')).toMatch(/^bad.avsc:2:14: invalid JSON: unexpected end of input$/);
  });

  it('field names for search', async () => {
    const s = await h.parse(userText);
    expect(h.fieldNames!(s)).toEqual(expect.arrayContaining(['User', 'id', 'email', 'address', 'Address', 'street', 'tags']));
  });

  it('references: a named type registered in another subject', async () => {
    const addr = await h.parse(JSON.stringify({ type: 'record', name: 'Address', namespace: 'acme', fields: [{ name: 'street', type: 'string' }] }));
    const references = [{ name: 'acme.Address', subject: 'acme.address', version: '1.0.0', schema: addr }];
    const s = await h.parse(JSON.stringify({ type: 'record', name: 'User', namespace: 'acme', fields: [{ name: 'home', type: 'Address' }] }), { references });
    expect(h.canonical(s)).toBe('{"name":"acme.User","type":"record","fields":[{"name":"home","type":"acme.Address"}]}');
    expect(h.compile(s).validate({ home: { street: 'x' } })).toBeNull();
    expect(h.compile(s).validate({ home: { street: 1 } })).toEqual([expect.objectContaining({ path: '/home/street' })]);
    await expect(h.parse(JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'home', type: 'acme.Address' }] }))).rejects.toThrow(
      /unknown type: "acme.Address"/,
    );
    await expect(h.parse('{"type":"record","name":"U","fields":[]}', { references: [{ ...references[0], name: 'acme.Other' }] })).rejects.toThrow(
      /does not define an Avro type named acme.Other/,
    );
  });
});

describe('avro data (JSON encoding)', () => {
  it('validates records and names the field path and reason', async () => {
    const v = h.compile(await h.parse(userText));
    const lines = readFileSync(join(data, 'users.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(v.validate(lines[0])).toBeNull();
    expect(v.validate(lines[1])).toBeNull();
    const errs = v.validate(lines[2])!;
    expect(errs.map((e) => e.path)).toEqual(['/id', '/email', '/address/street']);
    expect(errs[1].message).toMatch(/expected a union value: null or an object with one key naming the branch \({"string": \.\.\.}\)/);
    expect(v.validate({ id: 2 ** 31, address: { street: '' }, email: { int: 3 } })).toEqual([
      expect.objectContaining({ path: '/email', message: expect.stringMatching(/"int" is not a branch/) }),
    ]);
    expect(v.validate({ id: 1 })).toEqual([expect.objectContaining({ path: '/address', keyword: 'required' })]);
    expect(v.validate({ id: 1, address: { street: 'x' }, avatar: { bytes: '\u0100' } })![0]).toMatchObject({ path: '/avatar/bytes' });
  });
});

describe('avro object container files', () => {
  it('reads records written with the same schema', async () => {
    const s = await h.parse(userText);
    const file = await writeContainer(JSON.parse(userText), [{ id: 1, email: 'a@b', address: { street: 'x' }, tags: [], avatar: Buffer.from([255, 0]) }]);
    const recs = await collect(h.readDataFile!(file, s));
    expect(recs).toEqual([{ line: 1, value: { id: 1, email: { string: 'a@b' }, address: { street: 'x' }, tags: [], avatar: { bytes: '\u00ff\u0000' } } }]);
    expect(h.compile(s).validate(recs[0].value)).toBeNull();
  });

  it('resolves an older writer schema to the registered one (defaults, promotions)', async () => {
    const writer = {
      type: 'record',
      name: 'User',
      namespace: 'acme',
      fields: [
        { name: 'id', type: 'int' },
        { name: 'address', type: { type: 'record', name: 'Address', fields: [{ name: 'street', type: 'string' }] } },
        { name: 'gone', type: 'string' },
      ],
    };
    const s = await h.parse(userText);
    const file = await writeContainer(writer, [{ id: 7, address: { street: 's' }, gone: 'x' }]);
    const recs = await collect(h.readDataFile!(file, s));
    expect(recs).toEqual([{ line: 1, value: { id: 7, email: null, address: { street: 's' }, tags: [], avatar: null } }]);
  });

  it('reports a writer schema the registered one cannot read', async () => {
    const writer = { type: 'record', name: 'User', namespace: 'acme', fields: [{ name: 'id', type: 'string' }] };
    const file = await writeContainer(writer, [{ id: 'x' }]);
    const recs = await collect(h.readDataFile!(file, await h.parse(userText)));
    expect(recs).toHaveLength(1);
    expect(recs[0].error).toMatch(
      /writer schema cannot be read by the registered schema: \/id: type changed from string to long.*\/address: field "address" was added/,
    );
  });

  it('reports a file that is not an Avro container', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'avro-')), 'x.avro');
    (await import('node:fs')).writeFileSync(file, 'not avro at all');
    const recs = await collect(h.readDataFile!(file, (await h.parse(userText)) as ParsedSchema));
    expect(recs).toEqual([expect.objectContaining({ error: expect.stringMatching(/not a readable Avro object container file: invalid magic bytes/) })]);
  });
});

/**
 * Issue 25 against real clients: producers in their default configuration (auto-register) get the id of a
 * schema already registered in git, with Confluent's guid; Protobuf imports in folders through a three-level
 * chain stored with direct references only; a JSON Schema $ref chain of three subjects; the default
 * context ':.:'; and writes of new schemas still refused (42205) with nothing on disk changed.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { create, createFileRegistry, fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import {
  AvroDeserializer,
  AvroSerializer,
  HeaderSchemaIdSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { cleanup, cli, newRegistry, REPO, snapshot, tempDir } from '../helpers.js';
import { CONFLUENT, getJson, post, startServe, type Served } from '../e2e/serve-helpers.js';

const ORDER = { id: 'o-1', amount: 2.5 };
const USER = { name: 'Ada', age: 36 };
const C_PROTO = 'syntax = "proto3";\npackage chain.c;\n\nmessage C {\n  string note = 1;\n}\n';
const B_PROTO = 'syntax = "proto3";\npackage chain.b;\n\nimport "c/c.proto";\n\nmessage B {\n  chain.c.C c = 1;\n  int32 n = 2;\n}\n';
const A_PROTO = 'syntax = "proto3";\npackage chain.a;\n\nimport "b/b.proto";\n\nmessage A {\n  string id = 1;\n  chain.b.B b = 2;\n}\n';
const JC = { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] };
const JB = { type: 'object', properties: { address: { $ref: 'jc.json' } } };
const JA = { type: 'object', properties: { customer: { $ref: 'jb.json' } }, required: ['customer'] };

let dir: string;
let served: Served;
let before: Record<string, string>;
let pb: FileRegistry;
let avroText: string;
let jsonText: string;

async function ok(args: string[]): Promise<string> {
  const r = await cli(args, { cwd: dir });
  if (r.code !== 0) throw new Error(`llm-schema ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function ids(ns: string, name: string): number[] {
  const meta = parseYaml(readFileSync(path.join(dir, 'schemas', ns, name, 'subject.yaml'), 'utf8')) as { versions: Array<{ id: number }> };
  return meta.versions.map((v) => v.id);
}

function meta(ns: string, name: string): { versions: Array<{ references?: Array<{ name: string }> }> } {
  return parseYaml(readFileSync(path.join(dir, 'schemas', ns, name, 'subject.yaml'), 'utf8'));
}

function wireId(buf: Buffer): number {
  expect(buf[0]).toBe(0);
  return buf.readInt32BE(1);
}

/** Confluent's guid for a schema registered without references, metadata or rule set: MD5 as a UUID. */
function guidOf(schema: string): string {
  const x = createHash('md5').update(schema).digest('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

beforeAll(async () => {
  // The schemas the JS serializers derive from a message when they auto-register (what a producer built with them sends).
  avroText = JSON.stringify(AvroSerializer.messageToSchema(ORDER));
  jsonText = JSON.stringify(JsonSerializer.messageToSchema(USER));
  dir = await newRegistry({
    'order.avsc': avroText,
    'user.json': jsonText,
    // Each .proto in its own folder, so that its imports resolve through the references, not the disk.
    'pc/c.proto': C_PROTO,
    'pb/b.proto': B_PROTO,
    'pa/a.proto': A_PROTO,
    'jc.json': JC,
    'jb.json': JB,
    'ja.json': JA,
  });
  await ok(['register', 'shop.orders', '--file', 'order.avsc']);
  await ok(['register', 'shop.users', '--file', 'user.json']);
  await ok(['config', 'shop.orders', '--alias', 'orders-value']);
  await ok(['config', 'shop.users', '--alias', 'users-value']);
  // A three-level import chain, each subject recording its direct reference only.
  await ok(['register', 'chain.c', '--file', 'pc/c.proto']);
  await ok(['register', 'chain.b', '--file', 'pb/b.proto', '--reference', 'c/c.proto=chain.c@1.0.0']);
  await ok(['register', 'chain.a', '--file', 'pa/a.proto', '--reference', 'b/b.proto=chain.b@1.0.0']);
  // Confluent's serializers name an import's subject by its path: aliases may hold '/'.
  await ok(['config', 'chain.c', '--alias', 'c/c.proto']);
  await ok(['config', 'chain.b', '--alias', 'b/b.proto', '--alias', 'b-value']);
  await ok(['config', 'chain.a', '--alias', 'a-value']);
  // A JSON Schema $ref chain of three subjects, direct references only.
  await ok(['register', 'json.jc', '--file', 'jc.json']);
  await ok(['register', 'json.jb', '--file', 'jb.json', '--reference', 'jc.json=json.jc@1.0.0']);
  await ok(['register', 'json.ja', '--file', 'ja.json', '--reference', 'jb.json=json.jb@1.0.0']);
  await ok(['config', 'json.ja', '--alias', 'ja-value']);
  await execa('git', ['add', '-A'], { cwd: dir });
  await execa('git', ['commit', '-q', '-m', 'registry'], { cwd: dir });

  const protoDir = tempDir('llm-schema-proto-');
  mkdirSync(path.join(protoDir, 'b'), { recursive: true });
  mkdirSync(path.join(protoDir, 'c'), { recursive: true });
  writeFileSync(path.join(protoDir, 'a.proto'), A_PROTO);
  writeFileSync(path.join(protoDir, 'b/b.proto'), B_PROTO);
  writeFileSync(path.join(protoDir, 'c/c.proto'), C_PROTO);
  const out = path.join(protoDir, 'set.binpb');
  await execa(path.join(REPO, 'test/integration/node_modules/.bin/buf'), ['build', protoDir, '-o', out], { cwd: protoDir });
  pb = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(out)));
  cleanup(protoDir);
  before = snapshot(dir);
  served = await startServe(dir);
}, 120_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  if (dir) {
    expect(snapshot(dir)).toEqual(before); // nothing on disk changed, whatever was posted
    cleanup(dir);
  }
});

const client = () => new SchemaRegistryClient({ baseURLs: [served.url], maxRetries: 0 });

describe('direct references in subject.yaml', () => {
  it('register records the direct reference only, and resolves the rest through the referenced subjects', () => {
    expect(meta('chain', 'a').versions[0].references!.map((r) => r.name)).toEqual(['b/b.proto']);
    expect(meta('json', 'ja').versions[0].references!.map((r) => r.name)).toEqual(['jb.json']);
  });

  it('a dangling reference is still refused', async () => {
    const r = await cli(['register', 'chain.x', '--file', 'pa/a.proto', '--reference', 'b/b.proto=chain.nope@1.0.0', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/chain\.nope/);
  });
});

describe('producers in their default configuration (auto-register) get the registered id', () => {
  it('@confluentinc/schemaregistry Avro and JSON serializers with autoRegisterSchemas: true; the consumer decodes', async () => {
    const c = client();
    const avro = new AvroSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true });
    const a = await avro.serialize('orders', ORDER);
    expect(wireId(a)).toBe(ids('shop', 'orders')[0]);
    expect(await new AvroDeserializer(client(), SerdeType.VALUE, {}).deserialize('orders', a)).toEqual(ORDER);

    const json = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true });
    const j = await json.serialize('users', USER);
    expect(wireId(j)).toBe(ids('shop', 'users')[0]);
    expect(await new JsonDeserializer(client(), SerdeType.VALUE, {}).deserialize('users', j)).toEqual(USER);
  });

  it("the guid in a header (the JS header serializer needs one): Confluent's formula, and the consumer fetches by it", async () => {
    const c = client();
    const ser = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true, schemaIdSerializer: HeaderSchemaIdSerializer });
    const headers: Record<string, Buffer> = {};
    const bytes = await ser.serialize('users', USER, headers as never);
    const header = Object.values(headers)[0] as Buffer;
    expect(header[0]).toBe(1); // magic byte 1: a guid follows
    const guid = header.subarray(1, 17).toString('hex');
    expect(guid).toBe(guidOf(jsonText).replace(/-/g, ''));
    expect(await new JsonDeserializer(client(), SerdeType.VALUE, {}).deserialize('users', bytes, headers as never)).toEqual(USER);
    const r = await post(`${served.url}/subjects/users-value/versions`, { schemaType: 'JSON', schema: jsonText }, CONFLUENT);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ids('shop', 'users')[0], version: 1, guid: guidOf(jsonText), schemaType: 'JSON' });
    expect((await getJson(`${served.url}/schemas/guids/${guidOf(jsonText)}/ids`)).body).toEqual([{ context: '.', id: ids('shop', 'users')[0] }]);
  });

  it('Protobuf with autoRegisterSchemas: true through a three-level import chain (imports in folders); the consumer decodes', async () => {
    const c = client();
    const ser = new ProtobufSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true, registry: pb });
    const A = pb.getMessage('chain.a.A')!;
    const bytes = await ser.serialize('a', create(A, { id: 'a-1', b: { n: 3, c: { note: 'deep' } } }));
    expect(wireId(bytes)).toBe(ids('chain', 'a')[0]);
    expect(bytes[5]).toBe(0); // message indexes [0]
    const back = fromBinary(A, bytes.subarray(6)) as unknown as { id: string; b: { n: number; c: { note: string } } };
    expect(back.id).toBe('a-1');
    expect(back.b.c.note).toBe('deep');
    // The consumer's view of the chain: a's direct reference, b's (each by its import path), both fetchable serialized.
    const byId = await getJson(`${served.url}/schemas/ids/${ids('chain', 'a')[0]}?format=serialized`);
    expect(byId.body.references).toEqual([{ name: 'b/b.proto', subject: 'chain.b', version: 1 }]);
    const b = await getJson(`${served.url}/subjects/${encodeURIComponent('b/b.proto')}/versions/1?format=serialized`);
    expect(b.body.references).toEqual([{ name: 'c/c.proto', subject: 'chain.c', version: 1 }]);
    // @confluentinc/schemaregistry 1.10's deserializer fetches references of references without
    // format=serialized (serde.js resolveReferences), so it cannot decode a chain of two imports from any
    // registry that stores direct references, Confluent's included: decoded with the generated type above.
    const shallow = new ProtobufSerializer(client(), SerdeType.VALUE, { autoRegisterSchemas: true, registry: pb });
    const bBytes = await shallow.serialize('b', create(pb.getMessage('chain.b.B')!, { n: 5, c: { note: 'one level' } }));
    expect(wireId(bBytes)).toBe(ids('chain', 'b')[0]);
    const bBack = (await new ProtobufDeserializer(client(), SerdeType.VALUE, {}).deserialize('b', bBytes)) as { n: number; c: { note: string } };
    expect(bBack.c.note).toBe('one level');
  });

  it('Protobuf lookup mode (autoRegisterSchemas: false) through the same chain', async () => {
    const ser = new ProtobufSerializer(client(), SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: false, registry: pb });
    const bytes = await ser.serialize('a', create(pb.getMessage('chain.a.A')!, { id: 'a-2' }));
    expect(wireId(bytes)).toBe(ids('chain', 'a')[0]);
  });

  it('@kafkajs/confluent-schema-registry register() of a registered schema gets its id, and encodes', async () => {
    const r = new KafkaJsRegistry({ host: served.url, retry: { retries: 0 } });
    const { id } = await r.register({ type: SchemaType.AVRO, schema: avroText }, { subject: 'orders-value' });
    expect(id).toBe(ids('shop', 'orders')[0]);
    expect(await r.decode(await r.encode(id, ORDER))).toEqual(ORDER);
  });

  it('a schema that is not registered is still refused (422 / 42205), naming the command that registers it', async () => {
    const c = client();
    const avro = new AvroSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true });
    await expect(avro.serialize('orders', { id: 'x', amount: 1, extra: true })).rejects.toMatchObject({ errorCode: 42205 });
    const r = await post(`${served.url}/subjects/new-topic-value/versions`, { schema: '"string"' }, CONFLUENT);
    expect(r.status).toBe(422);
    expect(r.body.error_code).toBe(42205);
    expect(r.body.message).toMatch(/llm-schema register/);
    const kafkajs = new KafkaJsRegistry({ host: served.url, retry: { retries: 0 } });
    await expect(kafkajs.register({ type: SchemaType.AVRO, schema: '"string"' }, { subject: 'orders-value' })).rejects.toThrow();
  });
});

describe('reference chains as Confluent resolves them', () => {
  const ja = JSON.stringify(JA);
  const refs = [{ name: 'jb.json', subject: 'json.jb', version: 1 }];

  it('JSON Schema $ref chain of three subjects: lookup, register-as-lookup (version -1 = latest) and compatibility', async () => {
    const id = ids('json', 'ja')[0];
    const look = await post(`${served.url}/subjects/json.ja`, { schemaType: 'JSON', schema: ja, references: refs }, CONFLUENT);
    expect(look.status).toBe(200);
    expect(look.body.id).toBe(id);
    const latest = [{ name: 'jb.json', subject: 'json.jb', version: -1 }];
    const reg = await client().register('json.ja', { schemaType: 'JSON', schema: ja, references: latest });
    expect(reg).toBe(id);
    const compat = await post(`${served.url}/compatibility/subjects/json.ja/versions/latest`, { schemaType: 'JSON', schema: ja, references: refs }, CONFLUENT);
    expect(compat.body).toEqual({ is_compatible: true });
    // The transitive list an older registry recorded resolves to the same: it matches too.
    const transitive = [...refs, { name: 'jc.json', subject: 'json.jc', version: 1 }];
    expect((await post(`${served.url}/subjects/json.ja`, { schemaType: 'JSON', schema: ja, references: transitive }, CONFLUENT)).body.id).toBe(id);
  });

  it('the JSON consumer decodes through the chain', async () => {
    const c = client();
    const ser = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });
    const value = { customer: { address: { street: 'Main St' } } };
    const bytes = await ser.serialize('ja', value);
    expect(wireId(bytes)).toBe(ids('json', 'ja')[0]);
    expect(await new JsonDeserializer(client(), SerdeType.VALUE, {}).deserialize('ja', bytes)).toEqual(value);
  });
});

describe("the default context ':.:'", () => {
  const u = (p: string) => `${served.url}${p}`;
  it('is stripped from paths, subjectPrefix and reference subjects; other contexts are unknown', async () => {
    const all = (await getJson(u('/subjects'))).body as string[];
    expect((await getJson(u('/subjects?subjectPrefix=:.:'))).body).toEqual(all);
    expect((await getJson(u('/subjects?subjectPrefix=:.:shop.'))).body).toEqual(['shop.orders', 'shop.users']);
    expect((await getJson(u('/subjects?subjectPrefix=:.other:'))).body).toEqual([]);
    const v = await getJson(u('/subjects/:.:orders-value/versions/1'));
    expect(v.status).toBe(200);
    expect(v.body.id).toBe(ids('shop', 'orders')[0]);
    expect(v.body.guid).toBe(guidOf(JSON.parse(JSON.stringify(v.body.schema))));
    expect((await getJson(u('/subjects/:.other:orders-value/versions/1'))).body.error_code).toBe(40401);
    const ref = [{ name: 'jb.json', subject: ':.:json.jb', version: 1 }];
    const look = await post(u('/subjects/:.:json.ja'), { schemaType: 'JSON', schema: JSON.stringify(JA), references: ref }, CONFLUENT);
    expect(look.body.id).toBe(ids('json', 'ja')[0]);
  });
});

describe('smaller items', () => {
  const u = (p: string) => `${served.url}${p}`;
  it('/associations as a registry without associations; 40402 for a numeric version of an unknown subject', async () => {
    expect((await getJson(u('/associations/subjects/orders-value'))).body).toEqual([]);
    expect((await getJson(u('/associations/resources/lkc-1/orders'))).body).toEqual([]);
    const w = await post(u('/associations'), { subject: 'x' }, CONFLUENT);
    expect(w.body.error_code).toBe(42205);
    const c = await post(u('/compatibility/subjects/nope-value/versions/3'), { schema: '"string"' }, CONFLUENT);
    expect(c.status).toBe(404);
    expect(c.body.error_code).toBe(40402);
    const none = await getJson(u('/nowhere'));
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
  });
});

/**
 * Kafka clients against `serve` as against a real Confluent registry: Protobuf with format=serialized
 * (message indexes, nested types, imports), topic-named subjects through aliases (TopicNameStrategy on a
 * topic without a dot), metadata lookups, and the routes, parameters and codes of Confluent's read-only mode.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { create, createFileRegistry, fromBinary, toBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cleanup, cli, newRegistry, REPO, snapshot, tempDir } from '../helpers.js';
import { CONFLUENT, getJson, ORDER_V1, ORDER_V2, post, startServe, USER_V1, USER_V2, type Served } from '../e2e/serve-helpers.js';

const COMMON = 'syntax = "proto3";\npackage shop;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n';
const PING =
  'syntax = "proto3";\npackage shop;\n\nmessage Ping {\n  string id = 1;\n  Inner inner = 2;\n  map<string, int32> counts = 3;\n  message Inner {\n    int32 x = 1;\n  }\n}\n\nmessage Pong {\n  optional int64 at = 1;\n}\n';
const PAYMENT = 'syntax = "proto3";\npackage shop;\n\nimport "common.proto";\n\nmessage Payment {\n  string id = 1;\n  Money amount = 2;\n}\n';

let dir: string;
let served: Served;
let before: Record<string, string>;
let pb: FileRegistry;

async function ok(args: string[]): Promise<string> {
  const r = await cli(args, { cwd: dir });
  if (r.code !== 0) throw new Error(`llm-schema ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

function ids(ns: string, name: string): number[] {
  const meta = parseYaml(readFileSync(path.join(dir, 'schemas', ns, name, 'subject.yaml'), 'utf8')) as { versions: Array<{ id: number }> };
  return meta.versions.map((v) => v.id);
}

/** base64 FileDescriptorProto of one file, compiled by buf, as a Protobuf client would send it. */
async function bufDescriptor(files: Record<string, string>, name: string): Promise<string> {
  const d = tempDir('llm-schema-proto-');
  try {
    for (const [f, text] of Object.entries(files)) writeFileSync(path.join(d, f), text);
    const out = path.join(d, 'set.binpb');
    await execa(path.join(REPO, 'test/integration/node_modules/.bin/buf'), ['build', d, '-o', out], { cwd: d });
    const set = fromBinary(FileDescriptorSetSchema, readFileSync(out));
    return Buffer.from(
      toBinary(
        FileDescriptorProtoSchema,
        set.file.find((f) => f.name === name)!,
      ),
    ).toString('base64');
  } finally {
    cleanup(d);
  }
}

function wireId(buf: Buffer): number {
  expect(buf[0]).toBe(0);
  return buf.readInt32BE(1);
}

beforeAll(async () => {
  dir = await newRegistry({
    'order-v1.avsc': ORDER_V1,
    'order-v2.avsc': ORDER_V2,
    'user-v1.json': USER_V1,
    'user-v2.json': USER_V2,
    'common.proto': COMMON,
    'ping.proto': PING,
    'payment.proto': PAYMENT,
  });
  await ok(['register', '--namespace', 'shop', '--name', 'orders', '--file', 'order-v1.avsc', '--owner', 'team-a', '--description', 'Orders placed']);
  await ok(['register', '--namespace', 'shop', '--name', 'orders', '--file', 'order-v2.avsc']);
  await ok(['register', '--namespace', 'shop', '--name', 'users', '--file', 'user-v1.json']);
  await ok(['register', '--namespace', 'shop', '--name', 'users', '--file', 'user-v2.json', '--version', '2.0.0', '--allow-breaking', 'fixture']);
  await ok(['deprecate', '--namespace', 'shop', '--name', 'users', '--version', '1.0.0', '--reason', 'use 2.x']);
  await ok(['register', '--namespace', 'shop', '--name', 'common', '--file', 'common.proto']);
  await ok(['register', '--namespace', 'shop', '--name', 'pings', '--file', 'ping.proto']);
  await ok(['register', '--namespace', 'shop', '--name', 'payments', '--file', 'payment.proto', '--reference', 'common.proto=shop.common@1.0.0']);
  await ok(['config', 'shop.orders', '--alias', 'orders-value']);
  await ok(['config', 'shop.users', '--alias', 'users-value']);
  await ok(['config', 'shop.pings', '--alias', 'pings-value', '--alias', 'shop.Ping']);
  await ok(['config', 'shop.payments', '--alias', 'payments-value']);
  // Confluent's Protobuf serializer looks imports up under their file name (its reference subject name strategy).
  await ok(['config', 'shop.common', '--alias', 'common.proto']);
  await execa('git', ['add', '-A'], { cwd: dir });
  await execa('git', ['commit', '-q', '-m', 'registry'], { cwd: dir });
  // The client side's types, compiled by buf (a real protoc-compatible compiler), as generated code would hold them.
  const protoDir = tempDir('llm-schema-proto-');
  mkdirSync(protoDir, { recursive: true });
  writeFileSync(path.join(protoDir, 'common.proto'), COMMON);
  writeFileSync(path.join(protoDir, 'ping.proto'), PING);
  writeFileSync(path.join(protoDir, 'payment.proto'), PAYMENT);
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
    expect(snapshot(dir)).toEqual(before);
    cleanup(dir);
  }
});

const client = () => new SchemaRegistryClient({ baseURLs: [served.url], maxRetries: 0, cacheLatestTtlSecs: 1 });

describe('Protobuf with @confluentinc/schemaregistry', () => {
  it('serializes with useLatestVersion and deserializes message indexes [0], [1] and a nested type', async () => {
    const c = client();
    const ser = new ProtobufSerializer(c, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, registry: pb });
    const des = new ProtobufDeserializer(c, SerdeType.VALUE, {});
    const id = ids('shop', 'pings')[0];
    const Ping = pb.getMessage('shop.Ping')!;
    const Pong = pb.getMessage('shop.Pong')!;
    const Inner = pb.getMessage('shop.Ping.Inner')!;

    const ping = await ser.serialize('pings', create(Ping, { id: 'p-1', inner: { x: 7 }, counts: { a: 1 } }));
    expect(wireId(ping)).toBe(id);
    expect(ping[5]).toBe(0); // message indexes [0]: the single byte 0
    const back = (await des.deserialize('pings', ping)) as { id: string; inner: { x: number }; counts: Record<string, number> };
    expect(back.id).toBe('p-1');
    expect(back.inner.x).toBe(7);
    expect(back.counts).toEqual({ a: 1 });

    const pong = await ser.serialize('pings', create(Pong, { at: 42n }));
    expect([...pong.subarray(5, 7)]).toEqual([2, 2]); // [1]: count 1, index 1 (zig-zag)
    expect(((await des.deserialize('pings', pong)) as { at: bigint }).at).toBe(42n);

    const inner = await ser.serialize('pings', create(Inner, { x: 3 }));
    expect([...inner.subarray(5, 8)]).toEqual([4, 0, 0]); // [0, 0]
    expect(((await des.deserialize('pings', inner)) as { x: number }).x).toBe(3);
  });

  it('decodes a message whose type imports another subject (reference fetched as a serialized descriptor)', async () => {
    const c = client();
    const ser = new ProtobufSerializer(c, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, registry: pb });
    const des = new ProtobufDeserializer(c, SerdeType.VALUE, {});
    const Payment = pb.getMessage('shop.Payment')!;
    const bytes = await ser.serialize('payments', create(Payment, { id: 'pay-1', amount: { currency: 'EUR', units: 5n } }));
    expect(wireId(bytes)).toBe(ids('shop', 'payments')[0]);
    const back = (await des.deserialize('payments', bytes)) as { id: string; amount: { currency: string; units: bigint } };
    expect(back.id).toBe('pay-1');
    expect(back.amount.currency).toBe('EUR');
    expect(back.amount.units).toBe(5n);
  });

  it('serializes in lookup mode: the client posts base64 descriptors (with an import) and gets the registered ids', async () => {
    const c = client();
    const ser = new ProtobufSerializer(c, SerdeType.VALUE, { useLatestVersion: false, autoRegisterSchemas: false, registry: pb });
    const Ping = pb.getMessage('shop.Ping')!;
    const bytes = await ser.serialize('pings', create(Ping, { id: 'p-2' }));
    expect(wireId(bytes)).toBe(ids('shop', 'pings')[0]);
    const Payment = pb.getMessage('shop.Payment')!;
    const pay = await ser.serialize('payments', create(Payment, { id: 'x' }));
    expect(wireId(pay)).toBe(ids('shop', 'payments')[0]);
  });

  it('format=serialized is a FileDescriptorProto with the imports as dependencies, the package and the types', async () => {
    const id = ids('shop', 'payments')[0];
    const r = await getJson(`${served.url}/schemas/ids/${id}?format=serialized`);
    expect(r.status).toBe(200);
    expect(r.body.references).toEqual([{ name: 'common.proto', subject: 'shop.common', version: 1 }]);
    const fd = fromBinary(FileDescriptorProtoSchema, Buffer.from(r.body.schema, 'base64'));
    expect(fd.package).toBe('shop');
    expect(fd.dependency).toEqual(['common.proto']);
    expect(fd.syntax).toBe('proto3');
    expect(fd.messageType.map((m) => m.name)).toEqual(['Payment']);
    expect(fd.messageType[0].field.find((f) => f.name === 'amount')!.typeName).toBe('.shop.Money');
    const v = await getJson(`${served.url}/subjects/pings-value/versions/1?format=serialized`);
    const ping = fromBinary(FileDescriptorProtoSchema, Buffer.from(v.body.schema, 'base64'));
    expect(ping.messageType.map((m) => m.name)).toEqual(['Ping', 'Pong']);
    expect(ping.messageType[0].nestedType.map((m) => m.name).sort()).toEqual(['CountsEntry', 'Inner']);
    // Without the parameter: the .proto text; other formats ignore it.
    expect((await getJson(`${served.url}/schemas/ids/${id}`)).body.schema).toBe(PAYMENT.trimEnd());
    expect((await getJson(`${served.url}/subjects/orders-value/versions/1?format=serialized`)).body.schema).toBe(JSON.stringify(ORDER_V1, null, 2));
  });

  it('the compatibility route judges base64 descriptors of new schemas (with imports through references)', async () => {
    const url = (s: string) => `${served.url}/compatibility/subjects/${s}/versions/latest?verbose=true`;
    const added = await bufDescriptor({ 'ping.proto': PING.replace('  Inner inner = 2;', '  Inner inner = 2;\n  string note = 4;') }, 'ping.proto');
    expect((await post(url('pings-value'), { schemaType: 'PROTOBUF', schema: added }, CONFLUENT)).body).toEqual({ is_compatible: true, messages: [] });
    const retyped = await bufDescriptor({ 'ping.proto': PING.replace('string id = 1;', 'int64 id = 1;') }, 'ping.proto');
    const bad = await post(url('pings-value'), { schemaType: 'PROTOBUF', schema: retyped }, CONFLUENT);
    expect(bad.status).toBe(200);
    expect(bad.body.is_compatible).toBe(false);
    expect(bad.body.messages.join(' ')).toMatch(/id/);
    // Not registered: a lookup does not find it.
    expect((await post(`${served.url}/subjects/pings-value`, { schemaType: 'PROTOBUF', schema: added }, CONFLUENT)).body.error_code).toBe(40403);
    const payment = await bufDescriptor(
      { 'common.proto': COMMON, 'payment.proto': PAYMENT.replace('  Money amount = 2;', '  Money amount = 2;\n  Money fee = 3;') },
      'payment.proto',
    );
    const refs = [{ name: 'common.proto', subject: 'common.proto', version: 1 }];
    expect((await post(url('payments-value'), { schemaType: 'PROTOBUF', schema: payment, references: refs }, CONFLUENT)).body.is_compatible).toBe(true);
    const noRefs = await post(url('payments-value'), { schemaType: 'PROTOBUF', schema: payment }, CONFLUENT);
    expect(noRefs.body.is_compatible).toBe(false);
    expect(noRefs.body.messages[0]).toMatch(/Invalid schema.*common\.proto/);
  });

  it('the compatibility route accepts a base64 descriptor of a registered version', async () => {
    const v = await getJson(`${served.url}/subjects/shop.pings/versions/1?format=serialized`);
    const r = await post(`${served.url}/compatibility/subjects/pings-value/versions/latest`, { schemaType: 'PROTOBUF', schema: v.body.schema }, CONFLUENT);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ is_compatible: true });
  });
});

describe('topic-named subjects (TopicNameStrategy on topics without a dot) through aliases', () => {
  it('@confluentinc/schemaregistry: Avro, JSON and Protobuf serializers and deserializers', async () => {
    const c = client();
    const avro = new AvroSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const order = { id: 'o-1', amount: 2.5, currency: 'USD' };
    const a = await avro.serialize('orders', order);
    expect(wireId(a)).toBe(ids('shop', 'orders')[1]);
    expect(await new AvroDeserializer(c, SerdeType.VALUE, {}).deserialize('orders', a)).toEqual(order);

    const json = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });
    const j = await json.serialize('users', { name: 'Ada', age: 36 });
    expect(wireId(j)).toBe(ids('shop', 'users')[1]);
    expect(await new JsonDeserializer(c, SerdeType.VALUE, {}).deserialize('users', j)).toEqual({ name: 'Ada', age: 36 });

    const proto = new ProtobufSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, registry: pb });
    const p = await proto.serialize('pings', create(pb.getMessage('shop.Ping')!, { id: 'z' }));
    expect(wireId(p)).toBe(ids('shop', 'pings')[0]);

    expect((await c.getAllSubjects()).filter((s) => s.endsWith('-value'))).toEqual(['orders-value', 'payments-value', 'pings-value', 'users-value']);
    expect(await c.getAllVersions('users-value')).toEqual([1, 2]);
    expect(await c.getCompatibility('orders-value').catch((e) => e.errorCode)).toBe(40408);
  });

  it('getLatestWithMetadata and useLatestWithMetadata see deprecation as metadata', async () => {
    const c = client();
    const dep = await c.getLatestWithMetadata('users-value', { 'llm-schema.state': 'deprecated' });
    expect(dep.version).toBe(1);
    expect(dep.metadata?.properties?.['llm-schema.deprecated']).toBe('use 2.x');
    const latest = await c.getLatestSchemaMetadata('users-value');
    expect(latest.metadata?.properties).toMatchObject({ 'llm-schema.version': '2.0.0', 'llm-schema.state': 'active' });
    const ser = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestWithMetadata: { 'llm-schema.version': '1.0.0' } });
    const bytes = await ser.serialize('users', { name: 'Old' });
    expect(wireId(bytes)).toBe(ids('shop', 'users')[0]);
    await expect(c.getLatestWithMetadata('users-value', { 'llm-schema.version': '9.9.9' })).rejects.toMatchObject({ errorCode: 40403 });
  });

  it('@kafkajs/confluent-schema-registry: the same topic-named lookups, all three formats', async () => {
    const r = new KafkaJsRegistry({ host: served.url, retry: { retries: 0 } }, { [SchemaType.JSON]: { ajvInstance: new Ajv2020({ strict: false }) } });
    const orderId = await r.getLatestSchemaId('orders-value');
    expect(orderId).toBe(ids('shop', 'orders')[1]);
    const order = { id: 'o-2', amount: 1, currency: 'EUR' };
    expect(await r.decode(await r.encode(orderId, order))).toEqual(order);
    const userId = await r.getLatestSchemaId('users-value');
    expect(userId).toBe(ids('shop', 'users')[1]);
    expect(await r.decode(await r.encode(userId, { name: 'Grace', age: 85 }))).toEqual({ name: 'Grace', age: 85 });
    const pingId = await r.getLatestSchemaId('pings-value');
    expect(pingId).toBe(ids('shop', 'pings')[0]);
    const decoded = (await r.decode(await r.encode(pingId, { id: 'k', inner: { x: 1 } }))) as { id: string; inner: { x: number } };
    expect(decoded.id).toBe('k');
    expect(decoded.inner.x).toBe(1);
    expect(await r.getRegistryIdBySchema('orders-value', { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) })).toBe(ids('shop', 'orders')[0]);
  });
});

describe('Confluent routes, parameters and codes (curl-like)', () => {
  const u = (p: string) => `${served.url}${p}`;

  it('GET /contexts, /subjects with aliases, pagination, subjectPrefix and deleted flags', async () => {
    expect((await getJson(u('/contexts'))).body).toEqual(['.']);
    const all = (await getJson(u('/subjects'))).body as string[];
    expect(all).toEqual([
      'common.proto',
      'orders-value',
      'payments-value',
      'pings-value',
      'shop.Ping',
      'shop.common',
      'shop.orders',
      'shop.payments',
      'shop.pings',
      'shop.users',
      'users-value',
    ]);
    expect((await getJson(u('/subjects?offset=1&limit=2'))).body).toEqual(all.slice(1, 3));
    expect((await getJson(u('/subjects?subjectPrefix=shop.p'))).body).toEqual(['shop.payments', 'shop.pings']);
    expect((await getJson(u('/subjects?subjectPrefix=:*:'))).body).toEqual(all);
    expect((await getJson(u('/subjects?deleted=true'))).body).toEqual(all);
    expect((await getJson(u('/subjects?deletedOnly=true'))).body).toEqual([]);
    expect((await getJson(u('/subjects/users-value/versions?deletedOnly=true'))).body).toEqual([]);
    expect((await getJson(u('/subjects/users-value/versions?offset=1'))).body).toEqual([2]);
    expect((await getJson(u('/subjects?limit=x'))).status).toBe(400);
  });

  it("GET /schemas is Confluent's array (latestOnly, subjectPrefix); the own summary is GET /registry", async () => {
    const r = await getJson(u('/schemas'));
    expect(r.headers.get('content-type')).toBe(CONFLUENT);
    expect(r.body.map((s: { subject: string; version: number }) => `${s.subject}/${s.version}`)).toEqual([
      'shop.common/1',
      'shop.orders/1',
      'shop.orders/2',
      'shop.payments/1',
      'shop.pings/1',
      'shop.users/1',
      'shop.users/2',
    ]);
    const latest = await getJson(u('/schemas?latestOnly=true&subjectPrefix=users-value'));
    expect(latest.body).toHaveLength(1);
    expect(latest.body[0]).toMatchObject({ subject: 'shop.users', version: 2, schemaType: 'JSON', id: ids('shop', 'users')[1] });
    expect((await getJson(u('/schemas?limit=2&offset=1'))).body.map((s: { version: number }) => s.version)).toEqual([1, 2]);
    const own = await getJson(u('/registry'));
    expect(own.headers.get('content-type')).toBe('application/json');
    expect(own.body.subjects.find((s: { subject: string }) => s.subject === 'shop.pings')).toMatchObject({
      aliases: ['pings-value', 'shop.Ping'],
      format: 'protobuf',
    });
    const listed = JSON.parse((await cli(['list', '--json'], { cwd: dir })).stdout) as Array<{ subject: string; aliases: string[] }>;
    expect(listed.find((s) => s.subject === 'shop.orders')!.aliases).toEqual(['orders-value']);
  });

  it('schemas by id (subjects include aliases, fetchMaxId, subject) and by guid', async () => {
    const id = ids('shop', 'orders')[0];
    const r = await getJson(u(`/schemas/ids/${id}?subject=orders-value&fetchMaxId=true`));
    expect(r.status).toBe(200);
    expect(r.body.maxId).toBeGreaterThanOrEqual(id);
    expect(r.body.metadata.properties).toMatchObject({
      'llm-schema.version': '1.0.0',
      'llm-schema.owners': 'team-a',
      'llm-schema.description': 'Orders placed',
    });
    expect((await getJson(u(`/schemas/ids/${id}/subjects`))).body).toEqual(['shop.orders', 'orders-value']);
    expect((await getJson(u(`/schemas/ids/${id}/versions?subject=orders-value`))).body).toEqual([{ subject: 'shop.orders', version: 1 }]);
    const g = await getJson(u(`/schemas/guids/${r.body.guid}`));
    expect(g.status).toBe(200);
    expect(JSON.parse(g.body.schema)).toEqual(ORDER_V1);
    expect((await getJson(u('/schemas/guids/00000000-0000-0000-0000-000000000000'))).body.error_code).toBe(40403);
    // By alias, exactly as by name.
    const byAlias = await fetch(u('/subjects/orders-value/versions/latest'));
    const byName = await fetch(u('/subjects/shop.orders/versions/latest'));
    expect(await byAlias.text()).toBe(await byName.text());
  });

  it('hostile parameters and paths get clear errors', async () => {
    expect((await getJson(u('/subjects?offset=-1'))).status).toBe(400);
    expect((await getJson(u('/subjects?limit=1e9'))).status).toBe(400);
    expect((await getJson(u('/schemas?offset=99999999999999'))).status).toBe(400);
    expect((await getJson(u('/subjects?offset=1000'))).body).toEqual([]);
    const unpaired = await getJson(u('/subjects/users-value/metadata?key=llm-schema.state'));
    expect(unpaired.status).toBe(422);
    expect((await getJson(u('/subjects/users-value/metadata?key=__proto__&value=x'))).body.error_code).toBe(40403);
    expect((await getJson(u('/subjects/nope-value/metadata'))).body.error_code).toBe(40401);
    expect((await getJson(u('/schemas/guids/a/b'))).status).toBe(404);
    expect((await getJson(u('/subjects/shop%2Epings/versions/latest'))).body.subject).toBe('shop.pings'); // percent-encoded name
    expect((await getJson(u('/subjects/shop.Ping%2F..%2Fx/versions'))).body.error_code).toBe(40401);
    // format=serialized on a non-Protobuf id is the usual answer.
    const avroId = ids('shop', 'orders')[0];
    expect(JSON.parse((await getJson(u(`/schemas/ids/${avroId}?format=serialized`))).body.schema)).toEqual(ORDER_V1);
    // A descriptor that is not one: 42201 (and 200 false under verbose).
    const junk = Buffer.from('not a descriptor at all').toString('base64');
    expect((await post(u('/compatibility/subjects/pings-value/versions/latest'), { schemaType: 'PROTOBUF', schema: junk }, CONFLUENT)).body.error_code).toBe(
      42201,
    );
    expect(
      (await post(u('/compatibility/subjects/pings-value/versions/latest?verbose=true'), { schemaType: 'PROTOBUF', schema: junk }, CONFLUENT)).body
        .is_compatible,
    ).toBe(false);
  });

  it('read-only codes: writes 422/42205, config 40408, mode 40409, unknown subject compatible, verbose unparsable', async () => {
    const w = await post(u('/subjects/orders-value/versions'), { schema: '"string"' }, CONFLUENT);
    expect(w.status).toBe(422);
    expect(w.body.error_code).toBe(42205);
    expect((await getJson(u('/config/nope-value'))).body.error_code).toBe(40408);
    expect((await getJson(u('/config/nope-value?defaultToGlobal=true'))).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await getJson(u('/mode/nope-value'))).body.error_code).toBe(40409);
    expect((await getJson(u('/mode/nope-value?defaultToGlobal=true'))).body).toEqual({ mode: 'READONLY' });
    expect((await getJson(u('/mode/orders-value'))).body).toEqual({ mode: 'READONLY' });
    const unknown = await post(u('/compatibility/subjects/nope-value/versions/latest'), { schema: '"string"' }, CONFLUENT);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ is_compatible: true });
    const bad = await post(u('/compatibility/subjects/orders-value/versions/latest?verbose=true'), { schema: '{"type": "record", "name": 3}' }, CONFLUENT);
    expect(bad.status).toBe(200);
    expect(bad.body.is_compatible).toBe(false);
    expect(bad.body.messages[0]).toMatch(/Invalid schema/);
    const badQuiet = await post(u('/compatibility/subjects/orders-value/versions/latest'), { schema: '{"type": "record", "name": 3}' }, CONFLUENT);
    expect(badQuiet.status).toBe(422);
    expect(badQuiet.body.error_code).toBe(42201);
    const meta = await getJson(u('/subjects/users-value/metadata?key=llm-schema.state&value=deprecated'));
    expect(meta.body).toMatchObject({ subject: 'shop.users', version: 1 });
  });
});

describe('alias clashes are refused (ALIAS_CLASH)', () => {
  it('by config, register and check', async () => {
    const d = await newRegistry({ 'a.json': { type: 'object' }, 'b.json': { type: 'object', title: 'b' } });
    try {
      const run = (args: string[]) => cli(args, { cwd: d });
      expect((await run(['register', '--namespace', 'shop', '--name', 'a', '--file', 'a.json'])).code).toBe(0);
      expect((await run(['register', '--namespace', 'shop', '--name', 'b', '--file', 'b.json'])).code).toBe(0);
      expect((await run(['config', 'shop.a', '--alias', 'a-value'])).code).toBe(0);
      const taken = await run(['config', 'shop.b', '--alias', 'a-value']);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/ALIAS_CLASH: the alias 'a-value' is already an alias of 'shop.a'/);
      const own = await run(['config', 'shop.b', '--alias', 'shop.a']);
      expect(own.code).toBe(1);
      const ctx = await run(['config', 'shop.b', '--alias', ':.ctx:b']);
      expect(ctx.code).toBe(2);
      expect(ctx.stderr).toMatch(/context/);
      expect(readFileSync(path.join(d, 'schemas/shop/b/subject.yaml'), 'utf8')).not.toMatch(/aliases/);
      // A new subject named like an existing alias.
      expect((await run(['config', 'shop.a', '--alias', 'x.y'])).code).toBe(0);
      const reg = await run(['register', '--namespace', 'x', '--name', 'y', '--file', 'a.json']);
      expect(reg.code).toBe(1);
      expect(reg.stderr).toMatch(/ALIAS_CLASH/);
      // A hand-edited clash is found by check.
      const file = path.join(d, 'schemas/shop/b/subject.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^versions:/m, 'aliases:\n  - a-value\nversions:'));
      const chk = await run(['check', '--json']);
      expect(chk.code).toBe(1);
      const findings = JSON.parse(chk.stdout).findings as Array<{ rule: string; subject: string; line?: number }>;
      // Both subjects list the alias: each is reported.
      expect(
        findings
          .filter((f) => f.rule === 'ALIAS_CLASH')
          .map((f) => f.subject)
          .sort(),
      ).toEqual(['shop.a', 'shop.b']);
      expect(findings.find((f) => f.subject === 'shop.b')!.line).toBeGreaterThan(1);
      expect((await run(['config', 'shop.b', '--remove-alias', 'a-value'])).code).toBe(0);
      expect((await run(['check'])).code).toBe(0);
    } finally {
      cleanup(d);
    }
  });
});

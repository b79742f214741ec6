/**
 * The two real Kafka schema-registry clients against `llm-schema serve`: Confluent's Node client
 * (@confluentinc/schemaregistry) and @kafkajs/confluent-schema-registry v3.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AvroDeserializer, AvroSerializer, JsonDeserializer, JsonSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { COMPATIBILITY, SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cleanup, snapshot } from '../helpers.js';
import { buildServeRegistry, ORDER_V1, ORDER_V2, startServe, USER_V2, type Served } from '../e2e/serve-helpers.js';

let dir: string;
let served: Served;
let before: Record<string, string>;
let orderIds: number[];
let userIds: number[];

function ids(sub: string): number[] {
  const meta = parseYaml(readFileSync(path.join(dir, 'schemas/shop', sub, 'subject.yaml'), 'utf8')) as { versions: Array<{ id: number }> };
  return meta.versions.map((v) => v.id);
}

function wireId(buf: Buffer): number {
  expect(buf[0]).toBe(0); // magic byte
  return buf.readInt32BE(1);
}

beforeAll(async () => {
  dir = await buildServeRegistry();
  orderIds = ids('orders-value');
  userIds = ids('users-value');
  before = snapshot(dir);
  served = await startServe(dir);
}, 60_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  expect(snapshot(dir)).toEqual(before);
  cleanup(dir);
});

describe('@confluentinc/schemaregistry against serve', () => {
  const client = () => new SchemaRegistryClient({ baseURLs: [served.url], maxRetries: 0, cacheLatestTtlSecs: 1 });

  it('lists subjects and versions', async () => {
    const c = client();
    expect(await c.getAllSubjects()).toEqual(['shop.orders-value', 'shop.ping', 'shop.users-copy', 'shop.users-value']);
    expect(await c.getAllVersions('shop.orders-value')).toEqual([1, 2]);
  });

  it('fetches the latest schema and a schema by id', async () => {
    const c = client();
    const latest = await c.getLatestSchemaMetadata('shop.orders-value');
    expect(latest.id).toBe(orderIds[1]);
    expect(latest.version).toBe(2);
    expect(JSON.parse(latest.schema)).toEqual(ORDER_V2);
    const byId = await c.getBySubjectAndId('shop.orders-value', orderIds[0]);
    expect(JSON.parse(byId.schema)).toEqual(ORDER_V1);
    const json = await c.getLatestSchemaMetadata('shop.users-value');
    expect(json.schemaType).toBe('JSON');
    expect(JSON.parse(json.schema)).toEqual(USER_V2);
  });

  it('reads the compatibility level', async () => {
    const c = client();
    expect(await c.getDefaultCompatibility()).toBe('BACKWARD');
    expect(await c.getCompatibility('shop.orders-value')).toBe('FULL');
  });

  it('looks up a schema id and tests compatibility', async () => {
    const c = client();
    expect(await c.getId('shop.orders-value', { schema: JSON.stringify(ORDER_V1) }, false)).toBe(orderIds[0]);
    expect(await c.testCompatibility('shop.orders-value', 2, { schema: JSON.stringify(ORDER_V2) })).toBe(true);
  });

  it('serializes and deserializes an Avro message through the wire format', async () => {
    const c = client();
    const ser = new AvroSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const des = new AvroDeserializer(c, SerdeType.VALUE, {});
    const msg = { id: 'o-1', amount: 12.5, currency: 'USD' };
    const bytes = await ser.serialize('shop.orders', msg);
    expect(wireId(bytes)).toBe(orderIds[1]);
    expect(await des.deserialize('shop.orders', bytes)).toEqual(msg);
  });

  it('serializes and deserializes a JSON message through the wire format', async () => {
    const c = client();
    const ser = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });
    const des = new JsonDeserializer(c, SerdeType.VALUE, {});
    const msg = { name: 'Ada', age: 36 };
    const bytes = await ser.serialize('shop.users', msg);
    expect(wireId(bytes)).toBe(userIds[1]);
    expect(await des.deserialize('shop.users', bytes)).toEqual(msg);
    await expect(ser.serialize('shop.users', { name: 'Ada', age: -1 })).rejects.toThrow();
  });

  it('its register call fails (read-only)', async () => {
    const c = client();
    await expect(c.register('shop.orders-value', { schema: JSON.stringify({ ...ORDER_V2, doc: 'new' }) }, false)).rejects.toMatchObject({
      status: 422,
      errorCode: 42205,
    });
    const ser = new AvroSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true });
    await expect(ser.serialize('shop.new', { id: 'x', amount: 1 })).rejects.toThrow();
  });
});

describe('@kafkajs/confluent-schema-registry v3 against serve', () => {
  // The JSON subjects use draft 2020-12: give the client an ajv that knows it (its default is draft-07).
  const registry = () =>
    new KafkaJsRegistry({ host: served.url, retry: { retries: 0 } }, { [SchemaType.JSON]: { ajvInstance: new Ajv2020({ strict: false }) } });

  it('finds the latest id and a version id', async () => {
    const r = registry();
    expect(await r.getLatestSchemaId('shop.orders-value')).toBe(orderIds[1]);
    expect(await r.getRegistryId('shop.orders-value', 1)).toBe(orderIds[0]);
    expect(await r.getRegistryIdBySchema('shop.orders-value', { type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V1) })).toBe(orderIds[0]);
  });

  it('fetches a schema by id', async () => {
    const r = registry();
    const schema = (await r.getSchema(orderIds[0])) as unknown as { name?: string };
    expect(schema.name).toBe('shop.Order');
  });

  it('encodes and decodes an Avro message through the wire format', async () => {
    const r = registry();
    const msg = { id: 'o-2', amount: 3, currency: 'EUR' };
    const bytes = await r.encode(orderIds[1], msg);
    expect(wireId(bytes)).toBe(orderIds[1]);
    expect(await r.decode(bytes)).toEqual(msg);
  });

  it('encodes and decodes a JSON message through the wire format', async () => {
    const r = registry();
    const id = await r.getLatestSchemaId('shop.users-value');
    expect(id).toBe(userIds[1]);
    const msg = { name: 'Grace', age: 85 };
    const bytes = await r.encode(id, msg);
    expect(wireId(bytes)).toBe(id);
    expect(await r.decode(bytes)).toEqual(msg);
  });

  it('its register call fails (read-only)', async () => {
    const r = registry();
    await expect(
      r.register(
        { type: SchemaType.AVRO, schema: JSON.stringify({ ...ORDER_V2, doc: 'new' }) },
        { subject: 'shop.orders-value', compatibility: COMPATIBILITY.FULL },
      ),
    ).rejects.toMatchObject({ status: 422 });
    // Under its default (BACKWARD) the client reads the subject's level (FULL) first and stops there.
    await expect(r.register({ type: SchemaType.AVRO, schema: JSON.stringify(ORDER_V2) }, { subject: 'shop.orders-value' })).rejects.toThrow(/BACKWARD != FULL/);
  });
});

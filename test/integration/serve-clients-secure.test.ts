/**
 * The real Kafka schema-registry clients through authentication and HTTPS: `serve --auth-file
 * --tls-cert --tls-key` with a self-signed certificate generated here and trusted by each client.
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  SchemaRegistryClient,
  SerdeType,
  type ClientConfig,
} from '@confluentinc/schemaregistry';
import { SchemaRegistry as KafkaJsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { cleanup, cli, snapshot, tempDir } from '../helpers.js';
import { buildServeRegistry, ORDER_V2, startServe, type Served, selfSignedCert } from '../e2e/serve-helpers.js';

let dir: string;
let keys: string;
let served: Served;
let before: Record<string, string>;
let ca: Buffer;
let token: string;
let orderIds: number[];
const PASSWORD = 'kafka prod password';

beforeAll(async () => {
  dir = await buildServeRegistry();
  orderIds = (parseYaml(readFileSync(path.join(dir, 'schemas/shop/orders-value/subject.yaml'), 'utf8')) as { versions: Array<{ id: number }> }).versions.map(
    (v) => v.id,
  );
  keys = tempDir('llm-schema-tls-');
  const { cert, key } = selfSignedCert(keys);
  ca = readFileSync(cert);
  const auth = path.join(keys, 'auth.yaml');
  const add = await cli(['auth', 'add', 'kafka-prod', '--file', auth, '--namespaces', 'shop'], { cwd: dir, input: PASSWORD + '\n' });
  expect(add.code, add.stderr).toBe(0);
  const t = await cli(['auth', 'add', 'ci', '--file', auth, '--namespaces', '*', '--token'], { cwd: dir });
  expect(t.code, t.stderr).toBe(0);
  token = t.stdout.trim();
  before = snapshot(dir);
  served = await startServe(dir, ['--auth-file', auth, '--tls-cert', cert, '--tls-key', key]);
  expect(served.url).toMatch(/^https:/);
}, 90_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  expect(snapshot(dir)).toEqual(before);
  cleanup(dir);
  cleanup(keys);
});

describe('@confluentinc/schemaregistry over HTTPS with auth', () => {
  const base = (): ClientConfig => ({ baseURLs: [served.url], maxRetries: 0, createAxiosDefaults: { httpsAgent: new https.Agent({ ca }) } });
  const withBasic = (userInfo: string) => new SchemaRegistryClient({ ...base(), basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo } });
  const withBearer = (t: string) =>
    new SchemaRegistryClient({
      ...base(),
      bearerAuthCredentials: { credentialsSource: 'STATIC_TOKEN', token: t, logicalCluster: 'lsrc-local', identityPoolId: 'pool-local' },
    });

  for (const [label, make] of [
    ['basic USER_INFO', () => withBasic(`kafka-prod:${PASSWORD}`)],
    ['bearer STATIC_TOKEN', () => withBearer(token)],
  ] as const) {
    it(`${label}: reads, serializes and deserializes Avro and JSON`, async () => {
      const c = make();
      expect(await c.getAllSubjects()).toEqual(['shop.orders-value', 'shop.ping', 'shop.users-copy', 'shop.users-value']);
      const latest = await c.getLatestSchemaMetadata('shop.orders-value');
      expect(latest.id).toBe(orderIds[1]);
      expect(JSON.parse(latest.schema)).toEqual(ORDER_V2);
      const ser = new AvroSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
      const des = new AvroDeserializer(c, SerdeType.VALUE, {});
      const msg = { id: 'o-9', amount: 7.5, currency: 'EUR' };
      const bytes = await ser.serialize('shop.orders', msg);
      expect(bytes.readInt32BE(1)).toBe(orderIds[1]);
      expect(await des.deserialize('shop.orders', bytes)).toEqual(msg);
      const jser = new JsonSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });
      const jdes = new JsonDeserializer(c, SerdeType.VALUE, {});
      expect(await jdes.deserialize('shop.users', await jser.serialize('shop.users', { name: 'Ada', age: 36 }))).toEqual({ name: 'Ada', age: 36 });
    });
  }

  it('wrong credentials fail with 401', async () => {
    await expect(withBasic(`kafka-prod:not the password`).getAllSubjects()).rejects.toMatchObject({ status: 401, errorCode: 40101 });
    await expect(withBearer('lsr_wrong').getLatestSchemaMetadata('shop.orders-value')).rejects.toMatchObject({ status: 401, errorCode: 40101 });
    await expect(new SchemaRegistryClient(base()).getAllSubjects()).rejects.toMatchObject({ status: 401 });
  });
});

describe('@kafkajs/confluent-schema-registry over HTTPS with auth', () => {
  const registry = (username: string, password: string) =>
    new KafkaJsRegistry(
      { host: served.url, auth: { username, password }, agent: new https.Agent({ ca }), retry: { retries: 0 } },
      { [SchemaType.JSON]: { ajvInstance: new Ajv2020({ strict: false }) } },
    );

  it('username/password: finds ids, encodes and decodes', async () => {
    const r = registry('kafka-prod', PASSWORD);
    const id = await r.getLatestSchemaId('shop.orders-value');
    expect(id).toBe(orderIds[1]);
    const msg = { id: 'o-10', amount: 1, currency: 'USD' };
    const bytes = await r.encode(id, msg);
    expect(await r.decode(bytes)).toEqual(msg);
    const uid = await r.getLatestSchemaId('shop.users-value');
    expect(await r.decode(await r.encode(uid, { name: 'Grace', age: 85 }))).toEqual({ name: 'Grace', age: 85 });
  });

  it('wrong credentials fail with 401', async () => {
    await expect(registry('kafka-prod', 'nope').getLatestSchemaId('shop.orders-value')).rejects.toMatchObject({ status: 401 });
  });
});

/**
 * A schema posted with its references inlined (what a Java serializer with useLatestVersion or inlined refs sends:
 * the referenced types in place, references empty) matches the stored version that has references, on lookup
 * (POST /subjects/{s}) and register-as-lookup (POST /subjects/{s}/versions), over real HTTP. Anything that differs
 * once resolved is still not found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, snapshot } from '../helpers.js';
import { CONFLUENT, getJson, startServe, type Served } from './serve-helpers.js';

const MONEY = { type: 'record', name: 'Money', namespace: 'com.acme', fields: [{ name: 'cents', type: 'long' }] };
const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: ['null', 'com.acme.Money'], default: null },
    { name: 'tax', type: ['null', 'Money'], default: null },
  ],
};
const ORDER_INLINED = {
  ...ORDER,
  fields: [ORDER.fields[0], { name: 'total', type: ['null', MONEY], default: null }, ORDER.fields[2]],
};
const ADDRESS = { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] };
const CUSTOMER = { type: 'object', properties: { name: { type: 'string' }, address: { $ref: 'address.json' } }, required: ['name'] };
const CUSTOMER_INLINED = {
  type: 'object',
  properties: { name: { type: 'string' }, address: { $ref: '#/$defs/Address' } },
  required: ['name'],
  $defs: { Address: ADDRESS },
};

describe('lookup of a schema with its references inlined', () => {
  let dir: string;
  let served: Served;
  let before: Record<string, string>;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    dir = await newRegistry({ 'money.avsc': MONEY, 'order.avsc': ORDER, 'address.json': ADDRESS, 'customer.json': CUSTOMER });
    for (const args of [
      ['register', 'shop.money', '--file', 'money.avsc'],
      ['register', 'shop.orders', '--file', 'order.avsc', '--reference', 'com.acme.Money=shop.money@1.0.0'],
      ['config', 'shop.orders', '--alias', 'orders-value'],
      ['register', 'crm.address', '--file', 'address.json'],
      ['register', 'crm.customer', '--file', 'customer.json', '--reference', 'address.json=crm.address@1.0.0'],
    ]) {
      const r = await cli(args, { cwd: dir });
      if (r.code !== 0) throw new Error(r.stderr);
      const m = /\(id (\d+)\)/.exec(r.stdout);
      if (m) ids[args[1]] = Number(m[1]);
    }
    before = snapshot(dir);
    served = await startServe(dir);
  }, 60_000);
  afterAll(async () => {
    await served.stop();
    expect(snapshot(dir)).toEqual(before);
    cleanup(dir);
  });

  const post = (path: string, schema: object, schemaType?: string) =>
    getJson(`${served.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': CONFLUENT },
      body: JSON.stringify({ ...(schemaType ? { schemaType } : {}), schema: JSON.stringify(schema), references: [] }),
    });

  it('Avro: the inlined record matches the stored one with a reference (lookup and register-as-lookup, by alias too)', async () => {
    const lookup = await post('/subjects/shop.orders', ORDER_INLINED);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ subject: 'shop.orders', version: 1, id: ids['shop.orders'] });
    expect(lookup.body.references).toEqual([{ name: 'com.acme.Money', subject: 'shop.money', version: 1 }]);
    const reg = await post('/subjects/orders-value/versions', ORDER_INLINED);
    expect(reg.status).toBe(200);
    expect(reg.body.id).toBe(ids['shop.orders']);
  });

  it('Avro: an inlined type that differs is not found (404 40403; a write refused with 42205)', async () => {
    const other = {
      ...ORDER_INLINED,
      fields: [ORDER.fields[0], { name: 'total', type: ['null', { ...MONEY, fields: [{ name: 'cents', type: 'int' }] }], default: null }, ORDER.fields[2]],
    };
    const lookup = await post('/subjects/shop.orders', other);
    expect(lookup.status).toBe(404);
    expect(lookup.body.error_code).toBe(40403);
    const reg = await post('/subjects/shop.orders/versions', other);
    expect(reg.status).toBe(422);
    expect(reg.body.error_code).toBe(42205);
  });

  it('JSON Schema: the bundled form ($defs) matches the stored one with a $ref to another subject; a stricter one does not', async () => {
    const lookup = await post('/subjects/crm.customer', CUSTOMER_INLINED, 'JSON');
    expect(lookup.status).toBe(200);
    expect(lookup.body).toMatchObject({ version: 1, id: ids['crm.customer'] });
    const stricter = await post('/subjects/crm.customer', { ...CUSTOMER_INLINED, required: ['name', 'address'] }, 'JSON');
    expect(stricter.status).toBe(404);
  });
});

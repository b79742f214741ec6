/**
 * `llm-schema import` between two real registries: one `serve` (its own ids, an alias, a reference, a subject-level
 * compatibility) imported into an empty git registry, whose `serve` then answers Confluent's JS client with the same
 * ids, version numbers and schemas, so a message produced against the source decodes against the copy. A second import
 * adds nothing; an id held by another schema is a conflict (exit 1, naming the id).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { cleanup, cli, newRegistry, snapshot } from '../helpers.js';
import { startServe, type Served } from '../e2e/serve-helpers.js';

const MONEY = { type: 'record', name: 'Money', namespace: 'com.acme', fields: [{ name: 'cents', type: 'long' }] };
const ORDER_V1 = { type: 'record', name: 'Order', namespace: 'com.acme', fields: [{ name: 'id', type: 'string' }] };
const ORDER_V2 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'total', type: ['null', 'com.acme.Money'], default: null }] };
const USER = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };

let src: string;
let dst: string;
let source: Served;
let target: Served | undefined;

async function ok(args: string[], cwd: string): Promise<string> {
  const r = await cli(args, { cwd });
  if (r.code !== 0) throw new Error(`llm-schema ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  src = await newRegistry({ 'money.avsc': MONEY, 'order1.avsc': ORDER_V1, 'order2.avsc': ORDER_V2, 'user.json': USER });
  await ok(['register', 'shop.money', '--file', 'money.avsc'], src);
  await ok(['register', 'shop.orders', '--file', 'order1.avsc'], src);
  await ok(['register', 'shop.orders', '--file', 'order2.avsc', '--reference', 'com.acme.Money=shop.money@1.0.0'], src);
  await ok(['config', 'shop.orders', '--alias', 'orders-value'], src);
  await ok(['register', 'shop.users', '--file', 'user.json'], src);
  await ok(['config', 'shop.users', '--compatibility', 'FULL'], src);
  // The source's own ids, as a Confluent registry numbers them (not derived from the content as ours are).
  let next = 1;
  for (const name of ['money', 'orders', 'users']) {
    const file = path.join(src, 'schemas/shop', name, 'subject.yaml');
    const meta = parseYaml(readFileSync(file, 'utf8'));
    for (const v of meta.versions) v.id = next++;
    writeFileSync(file, toYaml(meta));
  }
  source = await startServe(src);
  dst = await newRegistry();
}, 120_000);

afterAll(async () => {
  if (target) await target.stop();
  if (source) await source.stop();
  for (const d of [src, dst]) if (d) cleanup(d);
});

const client = (url: string) => new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 });

describe('llm-schema import from a live serve', () => {
  it('imports every subject and version; the copy answers the same ids, versions and schemas to the Confluent client', async () => {
    const out = await ok(['import', '--from', source.url], dst);
    expect(out).toContain('imported 4 versions');
    // The alias is an alias here too, not a copy of the subject.
    const orders = parseYaml(readFileSync(path.join(dst, 'schemas/shop/orders/subject.yaml'), 'utf8'));
    expect(orders.aliases).toEqual(['orders-value']);
    expect(orders.versions.map((v: { id: number }) => v.id)).toEqual([2, 3]);
    expect(parseYaml(readFileSync(path.join(dst, 'schemas/shop/users/subject.yaml'), 'utf8')).compatibility).toBe('FULL');
    const check = await cli(['check'], { cwd: dst });
    expect(check.code, check.stdout + check.stderr).toBe(0);

    target = await startServe(dst);
    const a = client(source.url);
    const b = client(target.url);
    expect((await b.getAllSubjects()).sort()).toEqual((await a.getAllSubjects()).sort());
    for (const subject of ['shop.money', 'shop.orders', 'orders-value', 'shop.users']) {
      const versions = await a.getAllVersions(subject);
      expect(await b.getAllVersions(subject)).toEqual(versions);
      for (const v of versions) {
        const sa = await a.getSchemaMetadata(subject, v);
        const sb = await b.getSchemaMetadata(subject, v);
        expect(sb.id).toBe(sa.id);
        expect(sb.version).toBe(sa.version);
        expect(JSON.parse(sb.schema!)).toEqual(JSON.parse(sa.schema!));
        expect((sb.references ?? []).map((r) => [r.name, r.version])).toEqual((sa.references ?? []).map((r) => [r.name, r.version]));
        const byId = await b.getBySubjectAndId(subject, sa.id!);
        expect(JSON.parse(byId.schema)).toEqual(JSON.parse(sa.schema!));
      }
      const la = await a.getLatestSchemaMetadata(subject);
      const lb = await b.getLatestSchemaMetadata(subject);
      expect([lb.id, lb.version]).toEqual([la.id, la.version]);
    }

    // A message produced against the source decodes against the copy.
    const ser = new AvroSerializer(a, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const msg = { id: 'o-1', total: { cents: 250 } };
    const bytes = await ser.serialize('orders', msg);
    expect(bytes.readInt32BE(1)).toBe(3);
    const des = new AvroDeserializer(client(target.url), SerdeType.VALUE, {});
    expect(await des.deserialize('orders', bytes)).toEqual(msg);
  }, 120_000);

  it('a second import adds nothing (exit 0, "nothing new")', async () => {
    const before = snapshot(dst);
    const r = await cli(['import', '--from', source.url], { cwd: dst });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing new');
    expect(snapshot(dst)).toEqual(before);
  }, 60_000);

  it('an id the registry holds for another schema is a conflict: exit 1 naming the id, nothing written', async () => {
    // The source gains a subject whose version claims the id of shop.users 1 with other content.
    const usersId = (parseYaml(readFileSync(path.join(src, 'schemas/shop/users/subject.yaml'), 'utf8')) as { versions: Array<{ id: number }> }).versions[0].id;
    writeFileSync(path.join(src, 'audit.json'), JSON.stringify({ type: 'string' }));
    await ok(['register', 'shop.audit', '--file', 'audit.json'], src);
    const file = path.join(src, 'schemas/shop/audit/subject.yaml');
    const meta = parseYaml(readFileSync(file, 'utf8'));
    meta.versions[0].id = usersId;
    writeFileSync(file, toYaml(meta));
    const other = await startServe(src);
    try {
      const before = snapshot(dst);
      const r = await cli(['import', '--from', other.url], { cwd: dst });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`id ${usersId}`);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(snapshot(dst)).toEqual(before);
    } finally {
      await other.stop();
    }
  }, 60_000);
});

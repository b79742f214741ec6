/**
 * `llm-schema import` against a tiny Confluent-compatible registry (node:http serving fixed JSON): aliases for
 * subject names that are not <namespace>.<name>, the source's ids and version numbers recorded, `check` passing
 * afterwards, --dry-run writing nothing, credentials sent, a re-run adding nothing, a conflict naming the id.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { cleanup, cli, newRegistry, snapshot, writeTree } from '../helpers.js';

const MONEY = { type: 'record', name: 'Money', namespace: 'com.acme', fields: [{ name: 'cents', type: 'long' }] };
const ORDER_V1 = { type: 'record', name: 'Order', namespace: 'com.acme', fields: [{ name: 'id', type: 'string' }] };
const ORDER_V3 = {
  ...ORDER_V1,
  fields: [...ORDER_V1.fields, { name: 'total', type: ['null', 'com.acme.Money'], default: null }],
};
const EVENT = { type: 'object', properties: { kind: { type: 'string' } } };

type Version = { id: number; schema: object; schemaType?: string; references?: Array<{ name: string; subject: string; version: number }> };

function sourceData(): { subjects: Record<string, Record<number, Version>>; config: Record<string, string> } {
  return {
    subjects: {
      'com.acme.Money': { 1: { id: 100040, schema: MONEY } },
      // version 2 was deleted in the source: the numbers are 1 and 3
      'orders-value': {
        1: { id: 100042, schema: ORDER_V1 },
        3: { id: 100051, schema: ORDER_V3, references: [{ name: 'com.acme.Money', subject: 'com.acme.Money', version: 1 }] },
      },
      'events-json': { 1: { id: 100060, schema: EVENT, schemaType: 'JSON' } },
    },
    config: { 'events-json': 'NONE' },
  };
}

describe('llm-schema import from a Confluent-compatible registry', () => {
  let server: Server;
  let url: string;
  let dir: string;
  let data = sourceData();
  const seen: IncomingHttpHeaders[] = [];
  const BASIC = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== BASIC && req.headers.authorization !== 'Bearer t0k') return send(401, { error_code: 40101, message: 'Unauthorized' });
      const u = new URL(req.url!, 'http://x');
      const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (u.pathname === '/config') return send(200, { compatibilityLevel: 'BACKWARD' });
      if (parts[0] === 'config' && parts.length === 2) {
        // Confluent's subject alias: its config names the subject it stands for.
        if (parts[1] === 'shop-orders') return send(200, { alias: 'orders-value' });
        const level = data.config[parts[1]];
        return level ? send(200, { compatibilityLevel: level }) : send(404, { error_code: 40408, message: 'no subject-level config' });
      }
      if (u.pathname === '/subjects') return send(200, [...Object.keys(data.subjects), 'shop-orders']);
      const s = data.subjects[parts[1]];
      if (parts[0] === 'subjects' && s && parts[2] === 'versions') {
        if (parts.length === 3) return send(200, Object.keys(s).map(Number));
        const v = s[Number(parts[3])];
        if (v)
          return send(200, {
            subject: parts[1],
            version: Number(parts[3]),
            id: v.id,
            ...(v.schemaType ? { schemaType: v.schemaType } : {}),
            schema: JSON.stringify(v.schema),
            ...(v.references ? { references: v.references } : {}),
          });
      }
      send(404, { error_code: 40401, message: 'not found' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await newRegistry();
  });
  afterAll(() => {
    server.close();
    cleanup(dir);
  });

  const subjectYaml = (ns: string, name: string) => parseYaml(readFileSync(path.join(dir, 'schemas', ns, name, 'subject.yaml'), 'utf8'));

  it('refuses subject names that are not <namespace>.<name> without --namespace or --map (exit 2, one line)', async () => {
    const r = await cli(['import', '--from', url, '--user', 'alice:s3cret'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'events-json'");
    expect(r.stderr).toContain('--namespace');
  });

  it('says 401 with no credentials (exit 2), and sends basic auth from --user or the URL', async () => {
    const r = await cli(['import', '--from', url, '--namespace', 'kafka'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('401');
    seen.length = 0;
    const withUrl = await cli(['import', '--from', url.replace('http://', 'http://alice:s3cret@'), '--namespace', 'kafka', '--dry-run'], { cwd: dir });
    expect(withUrl.code).toBe(0);
    expect(seen.every((h) => h.authorization === BASIC)).toBe(true);
  });

  it('--dry-run (bearer token from the environment) prints what it would do and writes nothing', async () => {
    const before = snapshot(dir);
    seen.length = 0;
    const r = await cli(['import', '--from', url, '--namespace', 'kafka', '--dry-run'], { cwd: dir, env: { LLM_SCHEMA_IMPORT_TOKEN: 't0k' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h.authorization === 'Bearer t0k')).toBe(true);
    expect(r.stdout).toContain('would import orders-value version 3 (id 100051) as kafka.orders-value 3.0.0');
    expect(r.stdout).toContain('nothing was written');
    expect(snapshot(dir)).toEqual(before);
  });

  it('imports every subject and version with its id, number, references, alias and compatibility; check passes', async () => {
    const r = await cli(['import', '--from', url, '--namespace', 'kafka', '--user', 'alice:s3cret'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imported 4 versions');
    const orders = subjectYaml('kafka', 'orders-value');
    expect(orders.format).toBe('avro');
    expect(orders.aliases).toEqual(['orders-value', 'shop-orders']); // a Confluent alias stays an alias
    expect(orders.versions).toMatchObject([
      { version: '1.0.0', id: 100042, imported: { from: url, subject: 'orders-value', number: 1 } },
      { version: '3.0.0', id: 100051, imported: { number: 3 }, references: [{ name: 'com.acme.Money', subject: 'com.acme.Money', version: '1.0.0' }] },
    ]);
    const money = subjectYaml('com.acme', 'Money');
    expect(money.aliases).toBeUndefined();
    expect(money.versions[0]).toMatchObject({ version: '1.0.0', id: 100040 });
    const events = subjectYaml('kafka', 'events-json');
    expect(events).toMatchObject({ format: 'json', compatibility: 'NONE', aliases: ['events-json'] });
    expect(JSON.parse(readFileSync(path.join(dir, 'schemas/kafka/events-json/1.0.0.json'), 'utf8'))).toEqual(EVENT);
    // credentials are never written
    expect(readFileSync(path.join(dir, 'schemas/kafka/orders-value/subject.yaml'), 'utf8')).not.toContain('s3cret');

    const check = await cli(['check'], { cwd: dir });
    expect(check.stdout + check.stderr).not.toContain('ID_MISMATCH');
    expect(check.code).toBe(0);
    const got = await cli(['get', 'kafka.orders-value', '--version', 'latest', '--json'], { cwd: dir });
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ id: 100051 });
  });

  it('a second import adds nothing (exit 0, "nothing new"); a new source version is added alone', async () => {
    const before = snapshot(dir);
    const again = await cli(['import', '--from', url, '--namespace', 'kafka', '--user', 'alice:s3cret'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing new');
    expect(snapshot(dir)).toEqual(before);

    data.subjects['events-json'][2] = { id: 100061, schemaType: 'JSON', schema: { ...EVENT, required: ['kind'] } };
    const more = await cli(['import', '--from', url, '--namespace', 'kafka', '--user', 'alice:s3cret'], { cwd: dir });
    expect(more.code).toBe(0);
    expect(more.stdout).toContain('imported 1 version');
    expect(subjectYaml('kafka', 'events-json').versions.map((v: { id: number }) => v.id)).toEqual([100060, 100061]);
    expect((await cli(['check'], { cwd: dir })).code).toBe(0);

    // A version the source accepted that llm-schema finds incompatible under the mode (BACKWARD: a new field
    // without a default) is imported with an approval that says so, and check passes with a notice.
    data.subjects['orders-value'][4] = {
      id: 100070,
      schema: { ...ORDER_V3, fields: [...ORDER_V3.fields, { name: 'note', type: 'string' }] },
      references: [{ name: 'com.acme.Money', subject: 'com.acme.Money', version: 1 }],
    };
    const breaking = await cli(['import', '--from', url, '--namespace', 'kafka', '--user', 'alice:s3cret'], { cwd: dir });
    expect(breaking.code, breaking.stderr).toBe(0);
    expect(breaking.stdout).toContain('recorded as allow-breaking');
    const v4 = subjectYaml('kafka', 'orders-value').versions[2];
    expect(v4).toMatchObject({ version: '4.0.0', id: 100070, imported: { number: 4 } });
    expect(v4['allow-breaking']).toContain('imported');
    const check = await cli(['check', '--format', 'json'], { cwd: dir });
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain('BREAKING_CHANGE_APPROVED');
  });

  it('a conflict (an id held by another schema; a version number with other content) exits 1 naming it, writing nothing', async () => {
    const before = snapshot(dir);
    data.subjects['audit-value'] = { 1: { id: 100042, schemaType: 'JSON', schema: { type: 'string' } } };
    const r = await cli(['import', '--from', url, '--namespace', 'kafka', '--user', 'alice:s3cret'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('id 100042');
    expect(snapshot(dir)).toEqual(before);
    delete data.subjects['audit-value'];

    data.subjects['events-json'][1] = { id: 100060, schemaType: 'JSON', schema: { type: 'object' } };
    const other = await cli(['import', '--from', url, '--namespace', 'kafka', '--user', 'alice:s3cret'], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('events-json version 1');
    expect(snapshot(dir)).toEqual(before);
    data = sourceData();
  });

  it('check still reports DUPLICATE_ID when another schema claims an imported id (and no ID_MISMATCH for either)', async () => {
    writeTree(dir, { 'other.json': { type: 'string' } });
    const reg = await cli(['register', 'kafka.other', '--file', 'other.json'], { cwd: dir });
    expect(reg.code, reg.stderr).toBe(0);
    const file = path.join(dir, 'schemas/kafka/other/subject.yaml');
    const meta = parseYaml(readFileSync(file, 'utf8'));
    meta.versions[0].id = 100042;
    meta.versions[0].imported = { from: url, subject: 'other', number: 1 };
    writeFileSync(file, toYaml(meta));
    try {
      const check = await cli(['check', '--format', 'json'], { cwd: dir });
      expect(check.code).toBe(1);
      expect(check.stdout).toContain('DUPLICATE_ID');
      expect(check.stdout).toContain('id 100042');
      expect(check.stdout).not.toContain('ID_MISMATCH');
    } finally {
      rmSync(path.join(dir, 'schemas/kafka/other'), { recursive: true, force: true });
    }
  });

  it('--map names subjects (exact or /regex/) and a bad --from is one line, exit 2', async () => {
    const fresh = await newRegistry();
    try {
      writeTree(fresh, { 'map.yaml': '/(.*)-value/: topics.$1\nevents-json: audit/events\n' });
      const r = await cli(['import', '--from', url, '--map', 'map.yaml', '--user', 'alice:s3cret', '--dry-run'], { cwd: fresh });
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('as topics.orders 1.0.0, alias orders-value');
      expect(r.stdout).toContain('as audit.events 1.0.0, alias events-json');
      const bad = await cli(['import', '--from', 'ftp://x', '--namespace', 'k'], { cwd: fresh });
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      cleanup(fresh);
    }
  });
});

import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cleanup, snapshot } from '../helpers.js';
import { buildServeRegistry, CONFLUENT, getJson, ORDER_V1, ORDER_V2, PING_PROTO, post, startServe, USER_V1, USER_V2, type Served } from './serve-helpers.js';

let dir: string;
let served: Served;
let url: string;
let before: Record<string, string>;
let ids: { orders: number[]; users: number[]; copy: number };

function meta(sub: string) {
  return parseYaml(readFileSync(path.join(dir, 'schemas/shop', sub, 'subject.yaml'), 'utf8')) as { versions: Array<{ id: number; version: string }> };
}

beforeAll(async () => {
  dir = await buildServeRegistry();
  ids = {
    orders: meta('orders-value').versions.map((v) => v.id),
    users: meta('users-value').versions.map((v) => v.id),
    copy: meta('users-copy').versions[0].id,
  };
  before = snapshot(dir);
  served = await startServe(dir);
  url = served.url;
}, 60_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  // Nothing the server was asked (writes, traversal, oversized bodies) changed the registry.
  expect(snapshot(dir)).toEqual(before);
  cleanup(dir);
});

describe('serve: start', () => {
  it('prints one line naming the address, the counts and the source', () => {
    expect(served.firstLine).toMatch(/^llm-schema serve: listening on http:\/\/127\.0\.0\.1:\d+ \(4 subjects, 6 versions, working tree\)$/);
  });
});

describe('serve: own JSON API', () => {
  it('GET /health', async () => {
    const r = await getJson(`${url}/health`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', source: 'working tree', subjects: 4, versions: 6 });
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });

  it('honours a well-formed X-Request-Id', async () => {
    const r = await getJson(`${url}/health`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(r.headers.get('x-request-id')).toBe('abc-123');
  });

  it('GET /registry lists subjects with their versions', async () => {
    const r = await getJson(`${url}/registry`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body.subjects.map((s: { subject: string }) => s.subject)).toEqual(['shop.orders-value', 'shop.ping', 'shop.users-copy', 'shop.users-value']);
    expect(r.body.subjects[0]).toMatchObject({
      format: 'avro',
      compatibility: 'FULL',
      latest: '1.1.0',
      versions: ['1.0.0', '1.1.0'],
      description: 'Orders placed',
      tags: ['orders'],
    });
  });

  it('GET /schemas/{ns}/{name}', async () => {
    const r = await getJson(`${url}/schemas/shop/users-value`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ subject: 'shop.users-value', format: 'json', latest: '2.0.0' });
    expect(r.body.versions).toEqual([
      expect.objectContaining({ version: '1.0.0', index: 1, id: ids.users[0], state: 'deprecated', reason: 'use 2.x' }),
      expect.objectContaining({ version: '2.0.0', index: 2, id: ids.users[1], state: 'active' }),
    ]);
    expect((await getJson(`${url}/schemas/shop/nope`)).body).toMatchObject({ error_code: 40401 });
  });

  it('GET /schemas/{ns}/{name}/{version|latest}', async () => {
    const v1 = await getJson(`${url}/schemas/shop/users-value/1.0.0`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ subject: 'shop.users-value', version: '1.0.0', id: ids.users[0], state: 'deprecated', schema: USER_V1 });
    const latest = await getJson(`${url}/schemas/shop/orders-value/latest`);
    expect(latest.body).toMatchObject({ version: '1.1.0', index: 2, format: 'avro', schema: ORDER_V2 });
    const missing = await getJson(`${url}/schemas/shop/users-value/9.9.9`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe(40402);
    const bad = await getJson(`${url}/schemas/shop/users-value/v1`);
    expect(bad.status).toBe(422);
    expect(bad.body.error_code).toBe(42202);
  });

  it('ETag and If-None-Match give 304 on schema responses', async () => {
    const first = await fetch(`${url}/schemas/shop/users-value/2.0.0`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    await first.arrayBuffer();
    const again = await fetch(`${url}/schemas/shop/users-value/2.0.0`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await fetch(`${url}/subjects/shop.users-value/versions/2`, { headers: { 'If-None-Match': etag! } });
    expect(other.status).toBe(200);
    const etag2 = other.headers.get('etag')!;
    await other.arrayBuffer();
    const byList = await fetch(`${url}/subjects/shop.users-value/versions/2`, { headers: { 'If-None-Match': `"x", ${etag2}` } });
    expect(byList.status).toBe(304);
  });

  it('POST /schemas/validate answers is_valid and errors', async () => {
    const good = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'Ada', age: 3 } });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ is_valid: true, errors: [], version: '2.0.0' });
    const bad = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', version: '2.0.0', data: { name: 'Ada', age: -1 } });
    expect(bad.body.is_valid).toBe(false);
    expect(bad.body.errors[0]).toMatchObject({ path: '/age' });
    const avro = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'orders-value', data: { id: 'o1', amount: 'x', currency: 'EUR' } });
    expect(avro.body.is_valid).toBe(false);
    const unknown = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'nope', data: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe(40401);
    const noVersion = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', version: '7.0.0', data: {} });
    expect(noVersion.status).toBe(404);
    expect(noVersion.body.error_code).toBe(40402);
    const noData = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value' });
    expect(noData.status).toBe(422);
  });

  it('POST /schemas/compatibility answers is_compatible and changes', async () => {
    const same = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'orders-value', schema: ORDER_V2 });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ is_compatible: true, mode: 'FULL' });
    const dropped = { ...ORDER_V2, fields: [ORDER_V2.fields[0], { name: 'amount', type: 'string' }, ORDER_V2.fields[2]] };
    const broken = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'orders-value', schema: JSON.stringify(dropped) });
    expect(broken.body.is_compatible).toBe(false);
    expect(broken.body.changes.some((c: { breaking: boolean }) => c.breaking)).toBe(true);
    const none = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'orders-value', schema: dropped, mode: 'NONE' });
    expect(none.body).toMatchObject({ is_compatible: true, mode: 'NONE' });
    const badMode = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'orders-value', schema: ORDER_V2, mode: 'SIDEWAYS' });
    expect(badMode.status).toBe(422);
    expect(badMode.body.error_code).toBe(42203);
    const invalid = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'orders-value', schema: '{"type": "record"' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_code).toBe(42201);
  });

  it('GET /search?q=', async () => {
    const r = await getJson(`${url}/search?q=orders`);
    expect(r.status).toBe(200);
    expect(r.body.results.map((s: { subject: string }) => s.subject)).toEqual(['shop.orders-value']);
    const field = await getJson(`${url}/search?q=currency`);
    expect(field.body.results.map((s: { subject: string }) => s.subject)).toEqual(['shop.orders-value']);
    const none = await getJson(`${url}/search?q=zebra`);
    expect(none.body.results).toEqual([]);
    expect((await getJson(`${url}/search`)).status).toBe(422);
  });

  it('GET /metrics in Prometheus text format', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE llm_schema_http_requests_total counter');
    expect(text).toMatch(/llm_schema_http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(text).toMatch(/^llm_schema_versions 6$/m);
    expect(text).toMatch(/llm_schema_http_request_duration_seconds_bucket\{route="\/health",le="\+Inf"\} \d+/);
  });
});

describe('serve: Confluent-compatible API', () => {
  it('GET /subjects, with subjectPrefix and deleted', async () => {
    const r = await getJson(`${url}/subjects`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(CONFLUENT);
    expect(r.body).toEqual(['shop.orders-value', 'shop.ping', 'shop.users-copy', 'shop.users-value']);
    expect((await getJson(`${url}/subjects?subjectPrefix=shop.users`)).body).toEqual(['shop.users-copy', 'shop.users-value']);
    expect((await getJson(`${url}/subjects?deleted=true`)).body).toHaveLength(4);
  });

  it('GET /subjects/{s}/versions', async () => {
    expect((await getJson(`${url}/subjects/shop.orders-value/versions`)).body).toEqual([1, 2]);
    const missing = await getJson(`${url}/subjects/shop.nope/versions`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 40401, message: expect.any(String) });
  });

  it('GET /subjects/{s}/versions/{v|latest|-1}: schemaType omitted for Avro', async () => {
    const v1 = await getJson(`${url}/subjects/shop.orders-value/versions/1`);
    expect(v1.body).toEqual({
      subject: 'shop.orders-value',
      version: 1,
      id: ids.orders[0],
      guid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      schema: expect.any(String),
      metadata: { properties: expect.objectContaining({ 'llm-schema.version': '1.0.0', 'llm-schema.state': 'active' }) },
    });
    expect(JSON.parse(v1.body.schema)).toEqual(ORDER_V1);
    const latest = await getJson(`${url}/subjects/shop.orders-value/versions/latest`);
    expect(latest.body).toMatchObject({ version: 2, id: ids.orders[1] });
    expect((await getJson(`${url}/subjects/shop.orders-value/versions/-1`)).body).toEqual(latest.body);
    const json = await getJson(`${url}/subjects/shop.users-value/versions/2`);
    expect(json.body).toMatchObject({ subject: 'shop.users-value', version: 2, id: ids.users[1], schemaType: 'JSON' });
    expect(JSON.parse(json.body.schema)).toEqual(USER_V2);
  });

  it('Protobuf versions carry schemaType PROTOBUF and the .proto text; lookup works', async () => {
    const v = await getJson(`${url}/subjects/shop.ping/versions/1`);
    expect(v.body).toMatchObject({ subject: 'shop.ping', version: 1, schemaType: 'PROTOBUF', schema: PING_PROTO.trimEnd() });
    const byId = await getJson(`${url}/schemas/ids/${v.body.id}`);
    expect(byId.body).toEqual({ schemaType: 'PROTOBUF', schema: PING_PROTO.trimEnd(), metadata: expect.any(Object), guid: expect.any(String) });
    const found = await post(`${url}/subjects/shop.ping`, { schemaType: 'PROTOBUF', schema: PING_PROTO }, CONFLUENT);
    expect(found.body).toMatchObject({ version: 1, id: v.body.id });
  });

  it('version errors: 40402 not found, 42202 invalid', async () => {
    const r = await getJson(`${url}/subjects/shop.orders-value/versions/3`);
    expect(r.status).toBe(404);
    expect(r.body.error_code).toBe(40402);
    for (const v of ['0', 'abc', '-2', '99999999999']) {
      const bad = await getJson(`${url}/subjects/shop.orders-value/versions/${v}`);
      expect(bad.status).toBe(422);
      expect(bad.body.error_code).toBe(42202);
    }
  });

  it('GET /subjects/{s}/versions/{v}/schema is the raw schema', async () => {
    const res = await fetch(`${url}/subjects/shop.users-value/versions/latest/schema`);
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toEqual(USER_V2);
    expect((await getJson(`${url}/subjects/shop.orders-value/versions/1/schema`)).body).toEqual(ORDER_V1);
  });

  it('GET /subjects/{s}/versions/{v}/referencedby', async () => {
    expect((await getJson(`${url}/subjects/shop.orders-value/versions/1/referencedby`)).body).toEqual([]);
  });

  it('GET /schemas/ids/{id} and /schema, /subjects, /versions', async () => {
    const avro = await getJson(`${url}/schemas/ids/${ids.orders[0]}`);
    expect(avro.status).toBe(200);
    expect(Object.keys(avro.body)).toEqual(['schema', 'metadata', 'guid']);
    expect(JSON.parse(avro.body.schema)).toEqual(ORDER_V1);
    const json = await getJson(`${url}/schemas/ids/${ids.users[0]}`);
    expect(json.body.schemaType).toBe('JSON');
    // The same schema in two subjects: one id, one schema, both subjects.
    expect(ids.copy).toBe(ids.users[0]);
    expect((await getJson(`${url}/schemas/ids/${ids.copy}/subjects`)).body).toEqual(['shop.users-copy', 'shop.users-value']);
    expect((await getJson(`${url}/schemas/ids/${ids.copy}/versions`)).body).toEqual([
      { subject: 'shop.users-copy', version: 1 },
      { subject: 'shop.users-value', version: 1 },
    ]);
    expect((await getJson(`${url}/schemas/ids/${ids.orders[1]}/schema`)).body).toEqual(ORDER_V2);
    const missing = await getJson(`${url}/schemas/ids/12345`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe(40403);
    expect((await getJson(`${url}/schemas/ids/${ids.orders[0]}?subject=shop.orders-value`)).status).toBe(200);
  });

  it('GET /schemas/types', async () => {
    expect((await getJson(`${url}/schemas/types`)).body).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
  });

  it('GET /config and /config/{s} (defaultToGlobal)', async () => {
    expect((await getJson(`${url}/config`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await getJson(`${url}/config/shop.orders-value`)).body).toEqual({ compatibilityLevel: 'FULL' });
    const unset = await getJson(`${url}/config/shop.users-value`);
    expect(unset.status).toBe(404);
    expect(unset.body.error_code).toBe(40408);
    expect((await getJson(`${url}/config/shop.users-value?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    // Confluent: a subject without its own level (unknown ones too) is 40408, or the global level with defaultToGlobal.
    expect((await getJson(`${url}/config/shop.nope`)).body.error_code).toBe(40408);
    expect((await getJson(`${url}/config/shop.nope?defaultToGlobal=true`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('GET /mode and /mode/{s} say READONLY', async () => {
    expect((await getJson(`${url}/mode`)).body).toEqual({ mode: 'READONLY' });
    expect((await getJson(`${url}/mode/shop.users-value`)).body).toEqual({ mode: 'READONLY' });
  });

  it('POST /subjects/{s}: lookup by canonical content', async () => {
    const reformatted = JSON.stringify(ORDER_V1, null, 4);
    const found = await post(`${url}/subjects/shop.orders-value`, { schema: reformatted }, CONFLUENT);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ subject: 'shop.orders-value', version: 1, id: ids.orders[0] });
    const json = await post(`${url}/subjects/shop.users-value`, { schemaType: 'JSON', schema: JSON.stringify(USER_V2) }, CONFLUENT);
    expect(json.body).toMatchObject({ version: 2, id: ids.users[1], schemaType: 'JSON' });
    const other = await post(`${url}/subjects/shop.orders-value`, { schema: JSON.stringify({ type: 'string' }) }, CONFLUENT);
    expect(other.status).toBe(404);
    expect(other.body.error_code).toBe(40403);
    const noSubject = await post(`${url}/subjects/shop.nope`, { schema: '"string"' }, CONFLUENT);
    expect(noSubject.status).toBe(404);
    expect(noSubject.body.error_code).toBe(40401);
    const invalid = await post(`${url}/subjects/shop.orders-value`, { schema: '{"type": "record", "name": 3}' }, CONFLUENT);
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_code).toBe(42201);
  });

  it('POST /compatibility/subjects/{s}/versions/{v} (verbose)', async () => {
    const ok = await post(`${url}/compatibility/subjects/shop.orders-value/versions/latest`, { schema: JSON.stringify(ORDER_V2) }, CONFLUENT);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ is_compatible: true });
    const broken = { ...ORDER_V1, fields: [{ name: 'id', type: 'int' }] };
    const no = await post(`${url}/compatibility/subjects/shop.orders-value/versions/1?verbose=true`, { schema: JSON.stringify(broken) }, CONFLUENT);
    expect(no.body.is_compatible).toBe(false);
    expect(no.body.messages.length).toBeGreaterThan(0);
    const all = await post(`${url}/compatibility/subjects/shop.orders-value/versions`, { schema: JSON.stringify(ORDER_V2) }, CONFLUENT);
    expect(all.body).toEqual({ is_compatible: true });
    const missing = await post(`${url}/compatibility/subjects/shop.orders-value/versions/9`, { schema: JSON.stringify(ORDER_V2) }, CONFLUENT);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe(40402);
    const badVersion = await post(`${url}/compatibility/subjects/shop.orders-value/versions/x`, { schema: JSON.stringify(ORDER_V2) }, CONFLUENT);
    expect(badVersion.body.error_code).toBe(42202);
  });

  it('unknown routes answer 404 with an error body', async () => {
    const r = await getJson(`${url}/nothing/here`);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error_code: 404 });
  });
});

describe('serve: read-only for real', () => {
  const writes: Array<[string, string, unknown]> = [
    ['POST', '/subjects/shop.users-value/versions', { schema: '{}', schemaType: 'JSON' }],
    ['POST', '/subjects/shop.new/versions', { schema: '"string"' }],
    ['PUT', '/config', { compatibility: 'NONE' }],
    ['PUT', '/config/shop.users-value', { compatibility: 'NONE' }],
    ['PUT', '/mode', { mode: 'READWRITE' }],
    ['DELETE', '/subjects/shop.users-value', undefined],
    ['DELETE', '/subjects/shop.users-value/versions/1', undefined],
    ['DELETE', '/config/shop.orders-value', undefined],
  ];
  for (const [method, p, body] of writes) {
    it(`${method} ${p} -> 422 42205 (Confluent's read-only mode)`, async () => {
      const r = await getJson(`${url}${p}`, { method, headers: { 'Content-Type': CONFLUENT }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(r.status).toBe(422);
      expect(r.body.error_code).toBe(42205);
      expect(typeof r.body.message).toBe('string');
    });
  }

  // Not writes of Confluent's API: as Confluent (Jersey), a known path with another method is 405, an unknown path 404.
  const others: Array<[string, string, number, string]> = [
    ['POST', '/schemas', 405, 'GET, HEAD'],
    ['PATCH', '/schemas/shop/users-value', 405, 'GET, HEAD'],
    ['GET', '/subjects/shop.users-value', 405, ''],
    ['DELETE', '/schemas/ids/1', 405, 'GET, HEAD'],
    ['POST', '/nothing/here', 404, ''],
    ['DELETE', '/nothing', 404, ''],
  ];
  for (const [method, p, status, allow] of others) {
    it(`${method} ${p} -> ${status} with Confluent's error body`, async () => {
      const r = await getJson(`${url}${p}`, { method, headers: { 'Content-Type': CONFLUENT }, body: method === 'GET' ? undefined : '{}' });
      expect(r.status).toBe(status);
      expect(r.body).toEqual({ error_code: status, message: status === 404 ? 'HTTP 404 Not Found' : 'HTTP 405 Method Not Allowed' });
      if (allow) expect(r.headers.get('allow')).toBe(allow);
    });
  }

  it('the data did not change and the server still answers', async () => {
    expect((await getJson(`${url}/subjects/shop.users-value/versions`)).body).toEqual([1, 2]);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('serve: safe to expose', () => {
  /** A raw request, so that nothing normalises the path. */
  function raw(request: string): Promise<string> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const sock = net.connect(Number(u.port), u.hostname, () => sock.write(request));
      let data = '';
      sock.on('data', (c) => (data += c.toString()));
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
      sock.setTimeout(10_000, () => sock.destroy(new Error('timeout')));
    });
  }

  const traversals = [
    '/subjects/../llm-schema.yaml',
    '/subjects/%2e%2e/versions',
    '/subjects/%2E%2E%2Fllm-schema.yaml/versions/1',
    '/subjects/shop.users-value%2F..%2F..%2Fllm-schema.yaml/versions',
    '/schemas/../../llm-schema.yaml',
    '/schemas/%2e%2e/%2e%2e/llm-schema.yaml',
    '/schemas/shop/users-value%2F1.0.0.json',
    '/schemas/shop%2Fusers-value/1.0.0',
    '/../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/schemas/ids/..%2F..%2Fllm-schema.yaml',
    '/config/..%2Fllm-schema.yaml',
  ];
  for (const p of traversals) {
    it(`traversal ${p} finds nothing`, async () => {
      const res = await raw(`GET ${p} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(res)![1]);
      expect([400, 404]).toContain(status);
      expect(res).not.toContain('compatibility: BACKWARD');
      expect(res).not.toContain('root:');
      expect(res).toMatch(/"error_code":\d+/);
    });
  }

  it('bad percent-encoding is a 400', async () => {
    const r = await getJson(`${url}/subjects/%zz/versions`);
    expect(r.status).toBe(400);
  });

  it('malformed JSON is a 400; a non-object body a 422; a non-JSON type a 415', async () => {
    const r = await post(`${url}/schemas/validate`, '{"namespace": "shop",');
    expect(r.status).toBe(400);
    expect(r.body.error_code).toBe(400);
    expect((await post(`${url}/subjects/shop.users-value`, '[1,2]', CONFLUENT)).status).toBe(422);
    expect((await post(`${url}/schemas/validate`, 'namespace=shop', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  it('an oversized body gets 413 and reading stops', async () => {
    const big = JSON.stringify({ namespace: 'shop', name: 'users-value', data: { name: 'x'.repeat(2 * 1024 * 1024) } });
    const r = await post(`${url}/schemas/validate`, big);
    expect(r.status).toBe(413);
    expect(r.body.error_code).toBe(413);
  });

  it('a chunked oversized body (no Content-Length) gets 413', async () => {
    const chunk = 'a'.repeat(256 * 1024);
    const u = new URL(url);
    const res = await new Promise<string>((resolve) => {
      const sock = net.connect(Number(u.port), u.hostname);
      let data = '';
      let sent = 0;
      // A well-behaved client stops sending once it has an answer.
      sock.on('data', (c) => {
        data += c.toString();
        sent = Infinity;
      });
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
      sock.write('POST /schemas/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const send = () => {
        if (sock.destroyed || sent >= 40) return;
        sent++;
        sock.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, () => setImmediate(send));
      };
      send();
    });
    expect(res).toMatch(/^HTTP\/1\.1 413/);
  });

  it('the server keeps answering after all that', async () => {
    expect((await getJson(`${url}/health`)).status).toBe(200);
  });
});

describe('access log', () => {
  it('one JSON line per request with its request id, method, url, route, status and time', async () => {
    const dir = await buildServeRegistry();
    const s = await startServe(dir);
    try {
      const r = await fetch(`${s.url}/subjects?x="q`, { headers: { 'X-Request-Id': 'trace-42' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-request-id')).toBe('trace-42');
      await fetch(`${s.url}/schemas/ids/1`);
    } finally {
      expect(await s.stop()).toBe(0);
    }
    const lines = s
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"req_id"'))
      .map((l) => JSON.parse(l));
    const first = lines.find((l) => l.req_id === 'trace-42');
    expect(first).toMatchObject({ level: 30, method: 'GET', url: '/subjects?x=%22q', route: '/subjects', status: 200 });
    expect(typeof first.ms).toBe('number');
    expect(lines.some((l) => l.url === '/schemas/ids/1' && l.status === 404)).toBe(true);
    cleanup(dir);
  });
});

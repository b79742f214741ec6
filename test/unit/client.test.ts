import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, RegistryHttpError } from '../../src/index.js';
import { RegistryServer } from '../../src/server/http.js';
import { A1, A2, files, snapshotOf } from './server-fixture.js';

let server: RegistryServer;
let base: string;

/** Counts the requests the client really sends (a pass-through to the real fetch, not a mock). */
function counting() {
  const seen: Array<{ url: string; status: number; inm?: string }> = [];
  const f: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const h = (init?.headers ?? {}) as Record<string, string>;
    seen.push({ url: String(input), status: res.status, inm: h['If-None-Match'] });
    return res;
  };
  return { f, seen };
}

beforeAll(async () => {
  server = new RegistryServer(await snapshotOf(files()), { port: 0, inlineJobs: true });
  const { port } = await server.listen();
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => server.close(1000));

describe('RegistryClient against a real server', () => {
  it('reads subjects, versions, schemas by id, search', async () => {
    const c = new RegistryClient({ baseUrl: base });
    expect((await c.listSubjects()).map((s) => s.subject)).toEqual(['app.copy', 'app.user']);
    expect((await c.getSubject('app.user')).versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(await c.getSchema('app.user')).toMatchObject({ version: '1.1.0', id: 12, schema: A2 });
    expect(await c.getSchema({ namespace: 'app', name: 'user' }, '1.0.0')).toMatchObject({ state: 'deprecated', schema: A1 });
    expect(await c.getSchemaById(11)).toMatchObject({ schemaType: 'JSON', schema: JSON.stringify(A1) });
    expect((await c.search('people')).results.map((r) => r.subject)).toEqual(['app.user']);
    expect((await c.health()).status).toBe('ok');
  });

  it('validates and checks compatibility', async () => {
    const c = new RegistryClient({ baseUrl: base });
    expect(await c.validate('app.user', { name: 'Ada', age: 3 })).toMatchObject({ is_valid: true, version: '1.1.0' });
    const bad = await c.validate('app.user', { age: 3 }, { version: '1.0.0' });
    expect(bad.is_valid).toBe(false);
    expect(bad.errors.length).toBeGreaterThan(0);
    const compat = await c.checkCompatibility('app.user', A2, { mode: 'NONE' });
    expect(compat).toMatchObject({ is_compatible: true, mode: 'NONE' });
  });

  it('errors carry the status and Confluent error code, and are not retried', async () => {
    const { f, seen } = counting();
    const c = new RegistryClient({ baseUrl: base, fetch: f, retryBaseMs: 1 });
    const err = await c.getSchema('app.nope').catch((e) => e);
    expect(err).toBeInstanceOf(RegistryHttpError);
    expect(err).toMatchObject({ status: 404, errorCode: 40401 });
    expect(seen).toHaveLength(1);
  });

  it('caches answers for the TTL, then revalidates with the ETag (304)', async () => {
    const { f, seen } = counting();
    const c = new RegistryClient({ baseUrl: base, fetch: f, cacheTtlMs: 60_000 });
    const a = await c.getSchema('app.user');
    const b = await c.getSchema('app.user');
    expect(b).toEqual(a);
    expect(seen).toHaveLength(1);
    const fresh = new RegistryClient({ baseUrl: base, fetch: f, cacheTtlMs: 0 });
    await fresh.getSchema('app.user');
    const again = await fresh.getSchema('app.user');
    expect(again).toEqual(a);
    expect(seen.slice(1).map((s) => s.status)).toEqual([200, 304]);
    expect(seen[2].inm).toMatch(/^".+"$/);
  });

  it('keeps schemas by id for good and joins concurrent identical requests', async () => {
    const { f, seen } = counting();
    const c = new RegistryClient({ baseUrl: base, fetch: f, cacheTtlMs: 0 });
    await Promise.all([c.getSchemaById(12), c.getSchemaById(12), c.getSchemaById(12)]);
    await c.getSchemaById(12);
    expect(seen).toHaveLength(1);
    c.clearCache();
    await c.getSchemaById(12);
    expect(seen).toHaveLength(2);
  });
});

describe('RegistryClient retries', () => {
  let flaky: http.Server;
  let hits = 0;
  let flakyUrl: string;
  beforeAll(async () => {
    flaky = http.createServer((req, res) => {
      hits++;
      if (req.url === '/health' && hits <= 2) {
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error_code: 50003, message: 'warming up' }));
        return;
      }
      if (req.url === '/slow') return; // never answers
      if (req.url === '/schemas/validate') {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error_code: 50002, message: 'too long' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', () => r()));
    flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    flaky.closeAllConnections();
    flaky.close();
  });

  it('retries 503 with backoff until it succeeds', async () => {
    hits = 0;
    const c = new RegistryClient({ baseUrl: flakyUrl, retries: 3, retryBaseMs: 5 });
    expect(await c.health()).toEqual({ status: 'ok' });
    expect(hits).toBe(3);
  });

  it('gives up after the retries with the last answer', async () => {
    hits = -10;
    const c = new RegistryClient({ baseUrl: flakyUrl, retries: 1, retryBaseMs: 5 });
    await expect(c.health()).rejects.toMatchObject({ status: 503, errorCode: 50003 });
    expect(hits).toBe(-8);
  });

  it('does not retry a request the server stopped for taking too long (50002)', async () => {
    hits = 0;
    const c = new RegistryClient({ baseUrl: flakyUrl, retries: 3, retryBaseMs: 5 });
    await expect(c.validate('a.b', {})).rejects.toMatchObject({ status: 500, errorCode: 50002 });
    expect(hits).toBe(1);
  });

  it('times out each attempt and reports a network failure', async () => {
    const slow = new RegistryClient({ baseUrl: flakyUrl, retries: 1, retryBaseMs: 5, timeoutMs: 100 });
    const e1 = await (slow as unknown as { get(p: string): Promise<unknown> }).get('/slow').catch((e) => e);
    expect(e1).toMatchObject({ status: 0 });
    expect(String(e1.message)).toMatch(/2 attempt\(s\): no answer within 100 ms/);
    const closed = new RegistryClient({ baseUrl: 'http://127.0.0.1:1', retries: 2, retryBaseMs: 1 });
    const e2 = await closed.health().catch((e) => e);
    expect(e2).toBeInstanceOf(RegistryHttpError);
    expect(String(e2.message)).toMatch(/3 attempt\(s\)/);
  });
});

/**
 * The web UI's HTTP side, without a browser: routes, redirects, encodings, hostile paths, --no-ui, and the
 * read-only endpoints it reads (diff, provider export), which must say exactly what the CLI says.
 */
import { gunzipSync } from 'node:zlib';
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli } from '../helpers.js';
import { buildServeRegistry, getJson, startServe, type Served } from './serve-helpers.js';

let dir: string;
let served: Served;

beforeAll(async () => {
  dir = await buildServeRegistry();
  served = await startServe(dir, ['--poll-interval', '0', '--no-access-log']);
}, 120_000);

afterAll(async () => {
  await served?.stop();
  cleanup(dir);
});

/** A raw GET (fetch would decompress and follow redirects). */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve: web UI routes', () => {
  it('/ui redirects to /ui/; / keeps its Confluent answer', async () => {
    const r = await raw(`${served.url}/ui`);
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe('/ui/');
    const root = await raw(`${served.url}/`);
    expect(root.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
  });

  it('home is HTML with every subject rendered in it, gzip when asked, with a CSP and an ETag', async () => {
    const plain = await raw(`${served.url}/ui/`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-security-policy']).toContain("script-src 'self'");
    const html = plain.body.toString();
    for (const s of ['shop.orders-value', 'shop.users-value', 'shop.users-copy', 'shop.ping']) expect(html).toContain(`data-s="${s}"`);
    expect(html).toContain('<input type="search" id="q"');
    // Nothing from elsewhere: no absolute URLs to other hosts.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const gz = await raw(`${served.url}/ui/`, { 'Accept-Encoding': 'br, gzip;q=0.8' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).toString()).toBe(html);
    const refused = await raw(`${served.url}/ui/`, { 'Accept-Encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const again = await raw(`${served.url}/ui/`, { 'If-None-Match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
    const head = await raw(`${served.url}/ui/`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('serves its scripts; pages of known subjects get the shell, unknown ones a 404 page; hostile paths name nothing', async () => {
    const js = await raw(`${served.url}/ui/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body.toString()).toContain("from './render.js'");
    expect((await raw(`${served.url}/ui/assets/render.js`)).status).toBe(200);
    for (const ok of [
      '/ui/s/shop.users-value',
      '/ui/s/shop.users-value/v/1.0.0',
      '/ui/s/shop.users-value/v/latest',
      '/ui/s/shop.users-value/diff?from=1.0.0&to=2.0.0',
      '/ui/s/shop.users-value/v/2.0.0/provider/openai',
    ]) {
      const r = await raw(`${served.url}${ok}`);
      expect(r.status, ok).toBe(200);
      expect(r.headers['content-type'], ok).toBe('text/html; charset=utf-8');
    }
    for (const bad of [
      '/ui/s/shop.nope',
      '/ui/s/shop.users-value/v/9.9.9',
      '/ui/s/shop.users-value/x',
      '/ui/nope',
      '/ui/assets/nope.js',
      '/ui/assets/..%2F..%2Fpackage.json',
      '/ui/assets/%2e%2e/http.js',
      '/ui/s/%E0%A4%A',
      '/ui/s/%3Cscript%3E',
      '/ui/api/s/..%2Fshop.ping',
    ]) {
      const r = await raw(`${served.url}${bad}`);
      expect(r.status, bad).toBe(404);
      expect(r.body.toString(), bad).not.toContain('<script>');
      expect(r.body.toString(), bad).not.toContain('"name": "llm-schema-registry"');
    }
  });

  it('/ui/api/s/{subject} gives mode, policy, aliases and versions with ids and states; by alias too', async () => {
    const r = await getJson(`${served.url}/ui/api/s/shop.users-value`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      subject: 'shop.users-value',
      format: 'json',
      compatibility: 'BACKWARD',
      compatibilityFrom: 'registry',
      policy: 'semantic',
      latest: '2.0.0',
    });
    expect(r.body.versions.map((v: { version: string; state: string; reason?: string }) => [v.version, v.state, v.reason])).toEqual([
      ['1.0.0', 'deprecated', 'use 2.x'],
      ['2.0.0', 'active', undefined],
    ]);
    const orders = await getJson(`${served.url}/ui/api/s/shop.orders-value`);
    expect(orders.body).toMatchObject({ compatibility: 'FULL', compatibilityFrom: 'subject', policy: null, format: 'avro' });
    expect((await getJson(`${served.url}/ui/api/s/shop.ping`)).body.policy).toBe('wire');
    expect((await getJson(`${served.url}/ui/api/s/shop.nope`)).status).toBe(404);
  });
});

describe('serve: the endpoints behind the diff and provider views say what the CLI says', () => {
  it('GET /schemas/{ns}/{name}/diff equals `llm-schema diff --json` (changes, witnesses, bump)', async () => {
    for (const [subject, from, to] of [
      ['shop.users-value', '1.0.0', '2.0.0'],
      ['shop.orders-value', '1.0.0', '1.1.0'],
      ['shop.users-value', '2.0.0', '1.0.0'],
    ]) {
      const [ns, name] = subject.split('.');
      const api = await getJson(`${served.url}/schemas/${ns}/${name}/diff?from=${from}&to=${to}`);
      expect(api.status).toBe(200);
      const c = await cli(['diff', subject, '--from', from, '--to', to, '--json'], { cwd: dir });
      expect(c.code).toBe(0);
      const mine = JSON.parse(c.stdout);
      delete mine.from;
      delete mine.to;
      expect(api.body).toMatchObject(mine);
      expect(api.body.changes.length).toBe(mine.changes.length);
      expect(api.body.source.rows.length).toBeGreaterThan(0);
    }
    const users = await getJson(`${served.url}/schemas/shop/users-value/diff?from=1.0.0&to=2.0.0`);
    expect(users.body.bump).toBe('major'); // a property added to an open content model (semantic policy)
    expect(users.body.changes.some((c: { witness?: unknown }) => c.witness !== undefined)).toBe(true);
    expect(users.body.source.rows.some((r: { op: string; right?: string }) => r.op !== ' ' && r.right?.includes('"age"'))).toBe(true);
  });

  it('diff refuses what it cannot answer', async () => {
    const base = `${served.url}/schemas/shop/users-value/diff`;
    expect((await getJson(base)).status).toBe(422);
    expect((await getJson(`${base}?from=1.0`)).status).toBe(422);
    expect((await getJson(`${base}?from=1.0.0&to=../../etc`)).status).toBe(422);
    const missing = await getJson(`${base}?from=7.0.0`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe(40402);
    expect((await getJson(`${served.url}/schemas/shop/nope/diff?from=1.0.0`)).body.error_code).toBe(40401);
    expect((await getJson(`${base}?from=1.0.0&mode=SIDEWAYS`)).status).toBe(422);
  });

  it('GET /schemas/{ns}/{name}/{version}/export equals `export --target` and `lint --target`', async () => {
    for (const target of ['openai', 'anthropic', 'gemini']) {
      const api = await getJson(`${served.url}/schemas/shop/users-value/2.0.0/export?target=${target}`);
      expect(api.status).toBe(200);
      const exp = await cli(['export', 'shop.users-value', '--version', '2.0.0', '--target', target], { cwd: dir });
      expect(exp.code).toBe(0);
      expect(api.body.output).toEqual(JSON.parse(exp.stdout));
      const lint = await cli(['lint', 'shop.users-value', '--version', '2.0.0', '--target', target, '--json'], { cwd: dir });
      const linted = JSON.parse(lint.stdout);
      expect(api.body.lint.errors).toBe(linted.errors);
      expect(api.body.lint.profile).toEqual(linted.profile);
      expect(api.body.lint.findings.map((f: { rule: string; pointer: string }) => [f.rule, f.pointer])).toEqual(
        linted.findings.map((f: { rule: string; pointer: string }) => [f.rule, f.pointer]),
      );
    }
    expect((await getJson(`${served.url}/schemas/shop/users-value/2.0.0/export`)).status).toBe(422);
    expect((await getJson(`${served.url}/schemas/shop/users-value/2.0.0/export?target=cohere`)).status).toBe(422);
    expect((await getJson(`${served.url}/schemas/shop/orders-value/1.0.0/export?target=openai`)).status).toBe(422);
    expect((await getJson(`${served.url}/schemas/shop/users-value/x/export?target=openai`)).status).toBe(422);
  });
});

describe('serve --ref', () => {
  it('each version carries the commit that registered it (author, date, message), as `llm-schema log` finds it', async () => {
    const ref = await startServe(dir, ['--ref', 'HEAD', '--poll-interval', '0', '--no-access-log']);
    try {
      const r = await getJson(`${ref.url}/ui/api/s/shop.users-value`);
      const log = JSON.parse((await cli(['log', 'shop.users-value', '--json'], { cwd: dir })).stdout);
      const c = log.commits.find((e: { versions: string[] }) => e.versions.includes('2.0.0'));
      expect(c).toBeDefined();
      for (const v of r.body.versions) expect(v.commit).toEqual({ commit: c.commit, author: c.author, date: c.date, message: 'registry' });
    } finally {
      await ref.stop();
    }
    // The working tree has no registering commits to show.
    expect((await getJson(`${served.url}/ui/api/s/shop.users-value`)).body.versions[0].commit).toBeUndefined();
  });
});

describe('serve --no-ui', () => {
  it('turns the UI off and leaves the API alone', async () => {
    const off = await startServe(dir, ['--poll-interval', '0', '--no-access-log', '--no-ui']);
    try {
      expect((await raw(`${off.url}/ui/`)).status).toBe(404);
      expect((await raw(`${off.url}/ui`)).status).toBe(404);
      expect((await getJson(`${off.url}/registry`)).status).toBe(200);
    } finally {
      expect(await off.stop()).toBe(0);
    }
  });
});

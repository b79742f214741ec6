/**
 * serve on a network: --auth-file (basic and bearer, 401/403, per-user lists, SIGHUP reload, access log),
 * `llm-schema auth add|remove|list`, --tls-cert/--tls-key (HTTPS) and --cors-origin.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, snapshot, tempDir } from '../helpers.js';
import { buildServeRegistry, CONFLUENT, getJson, startServe, USER_V1, type Served, selfSignedCert } from './serve-helpers.js';

let dir: string;
let keys: string;
let authFile: string;
let token: string;
let served: Served;
let url: string;
let before: Record<string, string>;

const PASSWORD = 'correct horse battery';
const basic = (user: string, pw: string) => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');

async function ok(args: string[], input?: string): Promise<string> {
  const r = await cli(args, { cwd: dir, input });
  if (r.code !== 0) throw new Error(`llm-schema ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = await buildServeRegistry();
  writeFileSync(path.join(dir, 'invoice.json'), JSON.stringify(USER_V1));
  await ok(['register', '--namespace', 'billing.eu', '--name', 'invoice', '--file', 'invoice.json', '--description', 'Invoices', '--tag', 'money']);
  // A Kafka topic name (TopicNameStrategy) for a billing subject: authorised as the subject it stands for.
  await ok(['config', 'billing.eu.invoice', '--alias', 'invoices-value']);
  keys = tempDir('llm-schema-keys-');
  authFile = path.join(keys, 'auth.yaml');
  await ok(['auth', 'add', 'shopper', '--file', authFile, '--namespaces', 'shop'], PASSWORD + '\n');
  await ok(['auth', 'add', 'biller', '--file', authFile, '--namespaces', 'billing.*'], PASSWORD + '\n');
  token = (await ok(['auth', 'add', 'ci', '--file', authFile, '--namespaces', '*', '--token'])).trim();
  before = snapshot(dir);
  served = await startServe(dir, ['--auth-file', authFile, '--cors-origin', 'https://app.example.com']);
  url = served.url;
}, 90_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  expect(snapshot(dir)).toEqual(before);
  cleanup(dir);
  cleanup(keys);
});

describe('llm-schema auth', () => {
  it('writes hashes only, owner-readable; prints a token alone on stdout', async () => {
    const text = readFileSync(authFile, 'utf8');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(token);
    expect(text).toMatch(/password: scrypt\$16384\$8\$1\$/);
    expect(token).toMatch(/^lsr_[A-Za-z0-9_-]{43}$/);
    expect(statSync(authFile).mode & 0o777).toBe(0o600);
  });

  it('lists users without secrets; remove; bad input exits 2 naming the problem', async () => {
    const list = await cli(['auth', 'list', '--file', authFile, '--json'], { cwd: dir });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).users).toEqual([
      { name: 'shopper', kind: 'password', namespaces: ['shop'] },
      { name: 'biller', kind: 'password', namespaces: ['billing.*'] },
      { name: 'ci', kind: 'token', namespaces: ['*'] },
    ]);
    const copy = path.join(keys, 'copy.yaml');
    writeFileSync(copy, readFileSync(authFile));
    expect((await cli(['auth', 'remove', 'biller', '--file', copy], { cwd: dir })).code).toBe(0);
    expect(readFileSync(copy, 'utf8')).not.toContain('biller');
    const missing = await cli(['auth', 'remove', 'nobody', '--file', copy], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no user 'nobody'");
    const noNs = await cli(['auth', 'add', 'new', '--file', copy], { cwd: dir, input: PASSWORD + '\n' });
    expect(noNs.code).toBe(2);
    expect(noNs.stderr).toContain('--namespaces');
    const badNs = await cli(['auth', 'add', 'new', '--file', copy, '--namespaces', '../etc'], { cwd: dir, input: PASSWORD + '\n' });
    expect(badNs.code).toBe(2);
    const noStdin = await cli(['auth', 'add', 'new', '--file', copy, '--namespaces', 'shop'], { cwd: dir, input: '' });
    expect(noStdin.code).toBe(2);
    expect(noStdin.stderr).toContain('stdin');
    const plain = path.join(keys, 'plain.yaml');
    writeFileSync(plain, 'users:\n  - name: bob\n    password: hunter22\n    namespaces: ["*"]\n');
    const refused = await cli(['serve', '--port', '0', '--auth-file', plain], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('plain.yaml');
    expect(refused.stderr).toContain('scrypt hash');
    expect(refused.stderr).not.toContain('hunter22');
  });
});

describe('serve --auth-file', () => {
  it('answers 401 with WWW-Authenticate and 40101 without credentials; /health stays open', async () => {
    for (const p of ['/subjects', '/schemas', '/schemas/ids/1', '/config', '/metrics', '/search?q=user', '/schemas/shop/ping/latest']) {
      const r = await getJson(`${url}${p}`);
      expect(r.status, p).toBe(401);
      expect(r.body.error_code).toBe(40101);
      expect(r.headers.get('www-authenticate')).toMatch(/Basic realm="llm-schema"/);
      expect(r.headers.get('www-authenticate')).toMatch(/Bearer/);
    }
    const post = await getJson(`${url}/subjects/shop.ping/versions`, { method: 'POST', headers: { 'Content-Type': CONFLUENT }, body: '{}' });
    expect(post.status).toBe(401);
    expect((await getJson(`${url}/health`)).status).toBe(200);
  });

  it('refuses wrong passwords, unknown users, wrong tokens and odd schemes', async () => {
    for (const h of [
      basic('shopper', 'wrong password'),
      basic('nobody', PASSWORD),
      'Bearer lsr_nope',
      `Bearer ${token}x`,
      `Token ${token}`,
      'Basic !!!',
      `Basic ${Buffer.from('shopper').toString('base64')}`,
    ]) {
      const r = await getJson(`${url}/subjects`, { headers: { Authorization: h } });
      expect(r.status, h).toBe(401);
      expect(r.body.error_code).toBe(40101);
    }
  });

  it('basic and bearer read; lists are filtered per user', async () => {
    const all = await getJson(`${url}/subjects`, { headers: { Authorization: `Bearer ${token}` } });
    expect(all.status).toBe(200);
    expect(all.body).toEqual(['billing.eu.invoice', 'invoices-value', 'shop.orders-value', 'shop.ping', 'shop.users-copy', 'shop.users-value']);
    const shopper = { Authorization: basic('shopper', PASSWORD) };
    expect((await getJson(`${url}/subjects`, { headers: shopper })).body).toEqual(['shop.orders-value', 'shop.ping', 'shop.users-copy', 'shop.users-value']);
    const biller = { Authorization: basic('biller', PASSWORD) };
    expect((await getJson(`${url}/subjects`, { headers: biller })).body).toEqual(['billing.eu.invoice', 'invoices-value']);
    // An alias is read exactly as its subject: the biller may, the shopper may not.
    expect((await getJson(`${url}/subjects/invoices-value/versions/latest`, { headers: biller })).status).toBe(200);
    const refused = await getJson(`${url}/subjects/invoices-value/versions/latest`, { headers: shopper });
    expect(refused.status).toBe(403);
    expect(refused.body.error_code).toBe(40301);
    const guid = (await getJson(`${url}/subjects/invoices-value/versions/latest`, { headers: biller })).body.guid;
    expect(typeof guid).toBe('string');
    expect((await getJson(`${url}/schemas/guids/${guid}`, { headers: biller })).status).toBe(200);
    // The invoice has the same content (so the same id and guid) as shop.users-value 1: the shopper may read it through that subject.
    expect((await getJson(`${url}/schemas/guids/${guid}`, { headers: shopper })).status).toBe(200);
    expect((await getJson(`${url}/schemas/guids/${guid}`)).status).toBe(401);
    const own = await getJson(`${url}/schemas`, { headers: biller });
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).not.toContain('shop');
    expect(JSON.stringify(own.body)).toContain('invoice');
    const search = await getJson(`${url}/search?q=user`, { headers: biller });
    expect(search.status).toBe(200);
    expect(JSON.stringify(search.body.results)).not.toContain('shop.');
    expect((await getJson(`${url}/search?q=user`, { headers: shopper })).body.results.length).toBeGreaterThan(0);
  });

  it('the web UI asks for credentials and shows each user only what it may read', async () => {
    const anon = await fetch(`${url}/ui/`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toContain('Basic');
    const biller = { Authorization: basic('biller', PASSWORD) };
    const home = await fetch(`${url}/ui/api/home`, { headers: biller });
    expect(home.status).toBe(200);
    const text = await home.text();
    expect(text).toContain('billing.eu.invoice');
    expect(text).not.toContain('shop.ping');
    const page = await fetch(`${url}/ui/`, { headers: biller });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('shop.ping');
    // A subject outside the user's namespaces is answered as one that does not exist.
    expect((await fetch(`${url}/ui/s/shop.ping`, { headers: biller })).status).toBe(404);
    expect((await fetch(`${url}/ui/s/shop.ping`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("403 40301 outside the user's namespaces, on every kind of route", async () => {
    const biller = { Authorization: basic('biller', PASSWORD) };
    for (const p of [
      '/subjects/shop.ping/versions',
      '/subjects/shop.ping/versions/latest',
      '/schemas/shop/ping',
      '/schemas/shop/ping/latest',
      '/config/shop.ping',
    ]) {
      const r = await getJson(`${url}${p}`, { headers: biller });
      expect(r.status, p).toBe(403);
      expect(r.body.error_code).toBe(40301);
    }
    const latest = await getJson(`${url}/subjects/shop.ping/versions/latest`, { headers: { Authorization: `Bearer ${token}` } });
    const id = latest.body.id;
    expect((await getJson(`${url}/schemas/ids/${id}`, { headers: biller })).status).toBe(403);
    expect((await getJson(`${url}/schemas/ids/${id}`, { headers: { Authorization: basic('shopper', PASSWORD) } })).status).toBe(200);
    const posted = [
      await getJson(`${url}/schemas/validate`, {
        method: 'POST',
        headers: { ...biller, 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace: 'shop', name: 'users-value', data: { name: 'x' } }),
      }),
      await getJson(`${url}/schemas/compatibility`, {
        method: 'POST',
        headers: { ...biller, 'Content-Type': 'application/json' },
        body: JSON.stringify({ namespace: 'shop', name: 'users-value', schema: USER_V1 }),
      }),
      await getJson(`${url}/subjects/shop.users-value`, {
        method: 'POST',
        headers: { ...biller, 'Content-Type': CONFLUENT },
        body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify(USER_V1) }),
      }),
      await getJson(`${url}/compatibility/subjects/billing.eu.invoice/versions/latest`, {
        method: 'POST',
        headers: { ...biller, 'Content-Type': CONFLUENT },
        body: JSON.stringify({
          schemaType: 'JSON',
          schema: JSON.stringify(USER_V1),
          references: [{ name: 'x.json', subject: 'shop.users-value', version: 1 }],
        }),
      }),
    ];
    for (const r of posted) {
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.error_code).toBe(40301);
    }
    const mine = await getJson(`${url}/schemas/validate`, {
      method: 'POST',
      headers: { ...biller, 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'billing.eu', name: 'invoice', data: { name: 'x' } }),
    });
    expect(mine.body.is_valid).toBe(true);
  });

  it('the access log names the user, never the secret', async () => {
    await getJson(`${url}/subjects?x=1`, { headers: { Authorization: basic('shopper', PASSWORD) } });
    const deadline = Date.now() + 10_000;
    while (!/"user":"shopper"/.test(served.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(served.stderr()).toMatch(/"user":"shopper"/);
    expect(served.stderr()).not.toContain(PASSWORD);
    expect(served.stderr()).not.toContain(token);
  });

  it('CORS: preflight without credentials, headers on answers, none for other origins', async () => {
    const pre = await fetch(`${url}/subjects`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization');
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET');
    const got = await fetch(`${url}/subjects`, { headers: { Origin: 'https://app.example.com', Authorization: `Bearer ${token}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${url}/subjects`, { headers: { Origin: 'https://evil.example.com', Authorization: `Bearer ${token}` } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPre = await fetch(`${url}/subjects`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'GET' },
    });
    expect(otherPre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('SIGHUP reloads the auth file: a removed user is refused, a new one admitted', async () => {
    const shopper = { Authorization: basic('shopper', PASSWORD) };
    expect((await getJson(`${url}/subjects`, { headers: shopper })).status).toBe(200);
    const r = await cli(['auth', 'remove', 'shopper', '--file', authFile], { cwd: dir });
    expect(r.code).toBe(0);
    await ok(['auth', 'add', 'newbie', '--file', authFile, '--namespaces', 'shop'], 'another password\n');
    served.proc.kill('SIGHUP');
    const deadline = Date.now() + 15_000;
    let status = 200;
    while (Date.now() < deadline) {
      status = (await getJson(`${url}/subjects`, { headers: shopper })).status;
      if (status === 401) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(status).toBe(401);
    expect((await getJson(`${url}/subjects`, { headers: { Authorization: basic('newbie', 'another password') } })).status).toBe(200);
  });
});

describe('serve --metrics-public, flags', () => {
  it('leaves /metrics open and nothing else', async () => {
    const s = await startServe(dir, ['--auth-file', authFile, '--metrics-public']);
    try {
      const m = await fetch(`${s.url}/metrics`);
      expect(m.status).toBe(200);
      expect(await m.text()).toContain('llm_schema_http_requests_total');
      expect((await fetch(`${s.url}/subjects`)).status).toBe(401);
    } finally {
      await s.stop();
    }
  });

  it('bad flags exit 2 with one line', async () => {
    for (const args of [
      ['--tls-cert', 'x.pem'],
      ['--metrics-public'],
      ['--cors-origin', 'not an origin'],
      ['--auth-file', 'missing.yaml'],
      ['--tls-cert', 'invoice.json', '--tls-key', 'invoice.json'],
    ]) {
      const r = await cli(['serve', '--port', '0', ...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('serve --tls-cert/--tls-key', () => {
  it('serves HTTPS with a self-signed certificate; auth applies', async () => {
    const { cert, key } = selfSignedCert(keys);
    const s = await startServe(dir, ['--auth-file', authFile, '--tls-cert', cert, '--tls-key', key]).catch(async (e) => {
      throw e;
    });
    try {
      expect(s.firstLine).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
      const ca = readFileSync(cert);
      const get = (p: string, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          https
            .get(`${s.url}${p}`, { ca, headers }, (res) => {
              let body = '';
              res.on('data', (c) => (body += c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            })
            .on('error', reject);
        });
      expect((await get('/health')).status).toBe(200);
      expect((await get('/subjects')).status).toBe(401);
      const r = await get('/subjects', { Authorization: `Bearer ${token}` });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toContain('shop.ping');
      // An untrusting client refuses the self-signed certificate.
      await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    } finally {
      await s.stop();
    }
  });
});

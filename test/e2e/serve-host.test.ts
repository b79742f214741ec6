/**
 * The Host header (issue 23, item 12): a serve bound to loopback answers only its own names (127.0.0.1,
 * localhost, [::1]) and those given with --allowed-host, so a page on attacker.example that rebinds its
 * name to 127.0.0.1 cannot read the registry from a developer's browser. Real serve processes, real HTTP.
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, REPO } from '../helpers.js';
import { buildServeRegistry, startServe, type Served } from './serve-helpers.js';

let dir: string;
let served: Served;

beforeAll(async () => {
  dir = await buildServeRegistry();
  served = await startServe(dir);
}, 90_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  cleanup(dir);
});

/** A request with a Host header of our choosing (fetch sets its own). */
function request(url: string, p: string, host: string, method = 'GET', body?: string): Promise<{ status: number; body: any; connection?: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: p, method, headers: { Host: host, ...(body ? { 'Content-Type': 'application/json' } : {}) }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // raw
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, connection: res.headers.connection });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve on loopback: the Host header', () => {
  it('refuses other host names with 403 and a JSON error that names no CLI flag', async () => {
    const port = new URL(served.url).port;
    for (const host of ['attacker.example', `attacker.example:${port}`, `localhost.attacker.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
      for (const p of ['/subjects', '/health', '/schemas/shop/orders-value/latest', '/ui/']) {
        const r = await request(served.url, p, host);
        expect(r.status, `${host} ${p}`).toBe(403);
        expect(r.body.error_code).toBe(40303);
        expect(r.body.message).toContain('host');
        expect(r.body.message).not.toMatch(/--/);
        expect(r.connection).toBe('close');
      }
    }
    const post = await request(
      served.url,
      '/schemas/validate',
      'attacker.example',
      'POST',
      JSON.stringify({ namespace: 'shop', name: 'users-value', data: { name: 'x' } }),
    );
    expect(post.status).toBe(403);
  });

  it('answers its own names, on any port (Kafka clients send Host: 127.0.0.1:port)', async () => {
    const port = new URL(served.url).port;
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`, 'localhost:9999', `app.localhost:${port}`]) {
      const r = await request(served.url, '/subjects', host);
      expect(r.status, host).toBe(200);
      expect(r.body).toContain('shop.orders-value');
    }
  });

  it('--allowed-host adds names (repeatable; a leading dot allows a domain and its subdomains)', async () => {
    const s = await startServe(dir, ['--allowed-host', 'registry.example.com', '--allowed-host', '.corp.example']);
    try {
      for (const [host, status] of [
        ['registry.example.com', 200],
        ['registry.example.com:443', 200],
        ['corp.example', 200],
        ['eu.corp.example:8080', 200],
        ['localhost', 200],
        ['attacker.example', 403],
        ['example.com', 403],
        ['evilcorp.example', 403],
      ] as const) {
        expect((await request(s.url, '/subjects', host)).status, host).toBe(status);
      }
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("--allowed-host '*' answers every name", async () => {
    const s = await startServe(dir, ['--allowed-host', '*']);
    try {
      expect((await request(s.url, '/subjects', 'attacker.example')).status).toBe(200);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('a malformed --allowed-host exits 2 with one line', async () => {
    for (const bad of ['not a host', 'http://x.example', 'x.example/path']) {
      const r = await cli(['serve', '--port', '0', '--allowed-host', bad], { cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('--allowed-host');
    }
  });

  it('off loopback without --allowed-host, every name is answered (the check is for loopback)', async () => {
    const { HostCheck } = await import(pathToFileURL(path.join(REPO, 'dist', 'server', 'http.js')).href);
    expect(HostCheck.for('0.0.0.0', [])).toBeUndefined();
    expect(HostCheck.for('10.1.2.3', ['registry.example.com']).allows('10.1.2.3:8080')).toBe(true);
    expect(HostCheck.for('10.1.2.3', ['registry.example.com']).allows('other.example')).toBe(false);
    expect(HostCheck.for('::1', []).allows('[::1]:8080')).toBe(true);
  });
});

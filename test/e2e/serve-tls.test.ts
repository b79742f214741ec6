/**
 * serve over TLS (issue 23, item 10): a certificate and a key that do not belong together stop `serve` at
 * start (exit 2, one line naming both files) instead of starting a server whose every handshake fails; a
 * client that connects and never sends a ClientHello is cut after the headers timeout, as on plain HTTP.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, tempDir } from '../helpers.js';
import { selfSignedCert, startServe } from './serve-helpers.js';

let dir: string;
let keys: string;
let a: { cert: string; key: string };
let b: { cert: string; key: string };
let ec: string;

beforeAll(async () => {
  dir = await newRegistry();
  keys = tempDir('llm-schema-tls-');
  a = selfSignedCert(keys);
  const other = path.join(keys, 'other');
  execFileSync('mkdir', ['-p', other]);
  b = selfSignedCert(other);
  ec = path.join(keys, 'ec-key.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', ec], { stdio: 'ignore' });
}, 60_000);

afterAll(() => {
  cleanup(dir);
  cleanup(keys);
});

describe('serve --tls-cert/--tls-key: a key that is not the certificate’s', () => {
  it('exits 2 at start with one line naming both files (another RSA key, an EC key beside an RSA certificate)', async () => {
    for (const key of [b.key, ec]) {
      const r = await cli(['serve', '--port', '0', '--tls-cert', a.cert, '--tls-key', key], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(a.cert);
      expect(lines[0]).toContain(key);
      expect(r.stdout).not.toContain('listening');
    }
  });
});

describe('serve over TLS: connections that never send a ClientHello', () => {
  it('are cut after the headers timeout; the server goes on answering', async () => {
    const s = await startServe(dir, ['--tls-cert', a.cert, '--tls-key', a.key, '--headers-timeout', '1000']);
    try {
      const port = Number(new URL(s.url).port);
      const sockets = Array.from({ length: 30 }, () => {
        const sock = net.connect(port, '127.0.0.1');
        sock.on('error', () => {});
        return sock;
      });
      let closed = 0;
      for (const sock of sockets) sock.on('close', () => closed++);
      // Before the fix they stayed open (tls' own default: 120 s). Wait for the event, generously.
      const deadline = Date.now() + 30_000;
      while (closed < sockets.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(closed).toBe(sockets.length);
      const ca = readFileSync(a.cert);
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(`${s.url}/health`, { ca }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);
});

#!/usr/bin/env node
/**
 * Benchmark (issue 23, item 4): a real user's first login (basic auth, a password never seen before)
 * while one client floods `serve --auth-file` with 300 requests of random basic credentials, each on its
 * own connection. Prints how long the login took, how long the flood took, and how the flood was answered.
 * The flood comes from 127.0.0.2 and the user from 127.0.0.1 (two clients, as on a network); with
 * --same-address both come from 127.0.0.1.
 * Run after `npm run build`: node test/bench/serve-auth-flood.mjs [--flood N] [--same-address]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN } from './lib.mjs';

const args = process.argv.slice(2);
const FLOOD = Number(args[args.indexOf('--flood') + 1]) || 300;
const SAME = args.includes('--same-address');
const PASSWORD = 'correct horse battery';

const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-schema-bench-flood-'));
writeFileSync(path.join(dir, 'llm-schema.yaml'), 'compatibility: BACKWARD\nschemas: schemas\n');
const authFile = path.join(dir, 'auth.yaml');
const add = spawnSync(process.execPath, [BIN, 'auth', 'add', 'alice', '--file', authFile, '--namespaces', '*'], { input: PASSWORD + '\n', encoding: 'utf8' });
if (add.status !== 0) throw new Error(add.stderr);

const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--registry', dir, '--poll-interval', '0', '--auth-file', authFile, '--no-access-log'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  proc.stdout.on('data', (c) => {
    out += c;
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  proc.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
});
const { port } = new URL(url);

function get(user, password, localAddress) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/subjects',
        localAddress,
        agent: false,
        headers: { Authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0, at: performance.now() }));
      },
    );
    req.on('error', (e) => resolve({ status: e.code, ms: performance.now() - t0, at: performance.now() }));
    req.end();
  });
}

const t0 = performance.now();
const flood = Array.from({ length: FLOOD }, () => get(randomBytes(6).toString('hex'), randomBytes(12).toString('hex'), SAME ? '127.0.0.1' : '127.0.0.2'));
// Let the flood arrive first.
await new Promise((r) => setTimeout(r, 300));
const login = await get('alice', PASSWORD, '127.0.0.1');
const answers = await Promise.all(flood);
const floodMs = Math.max(...answers.map((a) => a.at)) - t0;
const byStatus = {};
for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
const answeredBeforeLogin = answers.filter((a) => a.at < login.at).length;
console.log(
  `flood: ${FLOOD} requests from ${SAME ? '127.0.0.1 (same address as the user)' : '127.0.0.2'}; answers ${JSON.stringify(byStatus)}; all answered after ${floodMs.toFixed(0)} ms`,
);
console.log(`login: status ${login.status} in ${login.ms.toFixed(0)} ms (${answeredBeforeLogin}/${FLOOD} flood requests answered before it)`);
proc.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });

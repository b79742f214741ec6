#!/usr/bin/env node
/**
 * Benchmark: GET latest through `serve --auth-file` with a bearer token, and through serve without auth
 * (access log on), each against a bare node:http server sending the same bytes, measured in the same run.
 *
 * Targets (issue #11): with a bearer token >= 0.75 of bare; without auth >= 0.8; p99 <= 2x bare.
 * Credentials are verified once per header value (scrypt) and then found by SHA-256, so the ratio shows
 * what a keep-alive client pays per request.
 * Run after `npx tsc -p .`: node test/bench/serve-auth.mjs [--duration S]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN, median, peer } from './lib.mjs';

const { default: autocannon } = await peer('autocannon');

const args = process.argv.slice(2);
const DURATION = Number(args[args.indexOf('--duration') + 1]) || 6;
const CONNECTIONS = 50;
const ROUNDS = 2;
const PIN = process.platform === 'linux' && os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
if (PIN) spawnSync('taskset', ['-cp', '0', String(process.pid)]);
const launch = (cmd, argv, opts) => (PIN ? spawn('taskset', ['-c', '1', cmd, ...argv], opts) : spawn(cmd, argv, opts));

function generate(subjects, perSubject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-schema-bench-auth-'));
  writeFileSync(path.join(dir, 'llm-schema.yaml'), 'compatibility: BACKWARD\nschemas: schemas\n');
  const names = [];
  for (let s = 0; s < subjects; s++) {
    const ns = `team${s % 10}.svc`;
    const name = `event-${s}`;
    const sdir = path.join(dir, 'schemas', ns, name);
    mkdirSync(sdir, { recursive: true });
    const lines = ['format: json', 'versions:'];
    for (let v = 0; v < perSubject; v++) {
      const properties = { id: { type: 'string' } };
      for (let f = 0; f <= v; f++) properties[`field_${f}`] = { type: 'string', description: `Field ${f}` };
      const text = JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties }, null, 2) + '\n';
      writeFileSync(path.join(sdir, `1.${v}.0.json`), text);
      const id = createHash('sha256').update(`json\0${text}`).digest().readUInt32BE(0) & 0x7fffffff || 1;
      lines.push(`  - version: 1.${v}.0`, `    id: ${id}`, '    state: active');
    }
    writeFileSync(path.join(sdir, 'subject.yaml'), lines.join('\n') + '\n');
    names.push(`${ns}.${name}`);
  }
  return { dir, names };
}

function startServe(dir, extra) {
  return new Promise((resolve, reject) => {
    const proc = launch(process.execPath, [BIN, 'serve', '--port', '0', '--registry', dir, '--poll-interval', '0', ...extra], {
      stdio: ['ignore', 'pipe', 'ignore'], // access log to /dev/null, as to a collector
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

function startBare(route) {
  const code = `
    const http = require('node:http');
    const [p, type, b64] = JSON.parse(process.env.ROUTE);
    const body = Buffer.from(b64, 'base64');
    const server = http.createServer((req, res) => {
      if (req.url !== p) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
      res.end(body);
    });
    server.keepAliveTimeout = 5000;
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
  `;
  return new Promise((resolve, reject) => {
    const proc = launch(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ROUTE: JSON.stringify(route) } });
    proc.stdout.once('data', (c) => resolve({ proc, url: String(c).trim() }));
    proc.on('error', reject);
  });
}

function cannon(url, p, duration, headers = {}) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url, connections: CONNECTIONS, duration, requests: [{ method: 'GET', path: p, headers }] }, (err, r) =>
      err ? reject(err) : resolve(r),
    );
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false, outputStream: { write() {} } });
  });
}

async function main() {
  const { dir, names } = generate(100, 5);
  const keys = mkdtempSync(path.join(os.tmpdir(), 'llm-schema-bench-keys-'));
  const authFile = path.join(keys, 'auth.yaml');
  const add = spawnSync(process.execPath, [BIN, 'auth', 'add', 'ci', '--file', authFile, '--namespaces', 'team3.*', '--token'], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(add.stderr);
  const token = add.stdout.trim();
  const p = `/subjects/${names[33]}/versions/latest`;
  const withAuth = await startServe(dir, ['--auth-file', authFile]);
  const plain = await startServe(dir, []);
  const res = await fetch(plain.url + p);
  if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const bare = await startBare([p, res.headers.get('content-type'), bytes.toString('base64')]);
  const auth = { Authorization: `Bearer ${token}` };
  if ((await fetch(withAuth.url + p, { headers: auth })).status !== 200) throw new Error('the token was refused');
  console.log(
    `serve auth benchmark: GET ${p.replace(names[33], '{s}')} (${bytes.length} bytes), ${CONNECTIONS} connections, ${DURATION} s per server, node ${process.version}${PIN ? ', servers pinned to core 1' : ''}, access log on`,
  );
  for (const [u, h] of [
    [withAuth.url, auth],
    [plain.url, {}],
    [bare.url, {}],
  ])
    await cannon(u, p, 1, h);
  const runs = { auth: [], plain: [], bare: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.auth.push(await cannon(withAuth.url, p, DURATION / ROUNDS, auth));
    runs.bare.push(await cannon(bare.url, p, DURATION / ROUNDS));
    runs.plain.push(await cannon(plain.url, p, DURATION / ROUNDS));
  }
  const rps = (xs) => xs.reduce((a, x) => a + x.requests.total, 0) / xs.reduce((a, x) => a + x.duration, 0);
  const p99 = (xs) => median(xs.map((x) => x.latency.p99));
  const errors = Object.values(runs)
    .flat()
    .reduce((a, x) => a + x.errors + x.non2xx, 0);
  for (const k of ['auth', 'plain', 'bare']) console.log(`  ${k.padEnd(5)}: ${Math.round(rps(runs[k]))} req/s, p99 ${p99(runs[k])} ms`);
  const ra = rps(runs.auth) / rps(runs.bare);
  const rp = rps(runs.plain) / rps(runs.bare);
  const pa = p99(runs.auth) / Math.max(p99(runs.bare), 0.001);
  const pp = p99(runs.plain) / Math.max(p99(runs.bare), 0.001);
  console.log(`bearer vs bare: throughput ratio ${ra.toFixed(2)} (target >= 0.75), p99 ratio ${pa.toFixed(2)}x (target <= 2x)`);
  console.log(`bearer vs the same server without auth: throughput ratio ${(rps(runs.auth) / rps(runs.plain)).toFixed(2)}`);
  console.log(
    `no auth vs bare: throughput ratio ${rp.toFixed(2)} (target >= 0.8), p99 ratio ${pp.toFixed(2)}x (target <= 2x)${errors ? `; ${errors} errors` : ''}`,
  );
  for (const s of [withAuth, plain, bare]) s.proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(keys, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

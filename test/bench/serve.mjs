#!/usr/bin/env node
/**
 * Benchmark: `llm-schema serve` against a bare node:http server sending the same bytes.
 *
 * - A generated registry of 1,000 versions (100 JSON Schema subjects x 10 versions).
 * - GET /subjects/{s}/versions/latest and GET /schemas/ids/{id}, 50 connections, autocannon, 8 s per case
 *   and server (--duration), in 2 alternating rounds (serve, bare, serve, bare) so both see the same machine load.
 * - Prints requests/s and p99 of both, the throughput ratio (target >= 0.6) and the p99 ratio (target <= 2x).
 * - Then loads a 5,000-version registry and prints the server's RSS.
 *
 * On Linux the servers are pinned to core 1 and autocannon to core 0 (taskset) to cut noise between runs.
 * Run after `npx tsc -p .`: node test/bench/serve.mjs [--duration S] [--no-access-log]
 */
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { peer } from './lib.mjs';

const { default: autocannon } = await peer('autocannon');

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO, 'bin', 'llm-schema.js');
const args = process.argv.slice(2);
const DURATION = Number(args[args.indexOf('--duration') + 1]) || 8;
const EXTRA = args.includes('--no-access-log') ? ['--no-access-log'] : [];
const CONNECTIONS = 50;
// On Linux with 2+ cores, pin the servers to one core and the load generator to another, so that the
// server under test and autocannon do not take turns on the same core (less noise between runs).
const PIN = process.platform === 'linux' && os.cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
if (PIN) spawnSync('taskset', ['-cp', '0', String(process.pid)]);
const launch = (cmd, argv, opts) => (PIN ? spawn('taskset', ['-c', '1', cmd, ...argv], opts) : spawn(cmd, argv, opts));
const ROUNDS = 2;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A registry with `subjects` x `perSubject` JSON Schema versions, written by hand (ids as register would record them). */
function generate(subjects, perSubject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'llm-schema-bench-'));
  writeFileSync(path.join(dir, 'llm-schema.yaml'), 'compatibility: BACKWARD\nschemas: schemas\n');
  const subjectNames = [];
  for (let s = 0; s < subjects; s++) {
    const ns = `team${s % 10}.svc`;
    const name = `event-${s}`;
    const sdir = path.join(dir, 'schemas', ns, name);
    mkdirSync(sdir, { recursive: true });
    const versions = [];
    for (let v = 0; v < perSubject; v++) {
      const properties = { id: { type: 'string', description: 'The event id' }, at: { type: 'string', format: 'date-time' } };
      for (let f = 0; f <= v; f++) properties[`field_${f}`] = { type: f % 2 ? 'integer' : 'string', description: `Field ${f} of ${name}` };
      const schema = {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: `${ns}.${name}`,
        type: 'object',
        properties,
        required: ['id', 'at'],
      };
      const text = JSON.stringify(schema, null, 2) + '\n';
      const version = `1.${v}.0`;
      writeFileSync(path.join(sdir, `${version}.json`), text);
      const id = createHash('sha256').update(`json\0${text}`).digest().readUInt32BE(0) & 0x7fffffff || 1;
      versions.push({ version, id });
    }
    const yaml =
      ['format: json', `description: Events of service ${s}`, 'versions:']
        .concat(versions.flatMap((v) => [`  - version: ${v.version}`, `    id: ${v.id}`, '    state: active']))
        .join('\n') + '\n';
    writeFileSync(path.join(sdir, 'subject.yaml'), yaml);
    subjectNames.push({ subject: `${ns}.${name}`, latestId: versions.at(-1).id });
  }
  return { dir, subjectNames };
}

function startServe(dir) {
  return new Promise((resolve, reject) => {
    const proc = launch(process.execPath, [BIN, 'serve', '--port', '0', '--registry', dir, '--poll-interval', '0', ...EXTRA], {
      stdio: ['ignore', 'pipe', 'ignore'], // access logs (stderr) go to /dev/null, as they would to a collector
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

/** A bare node:http server, in its own process like serve, answering the given paths with the given bytes. */
function startBare(routes) {
  const code = `
    const http = require('node:http');
    const routes = new Map(JSON.parse(process.env.ROUTES).map(([p, type, b64]) => [p, [type, Buffer.from(b64, 'base64')]]));
    const server = http.createServer((req, res) => {
      const r = routes.get(req.url);
      if (!r) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': r[0], 'Content-Length': r[1].length });
      res.end(r[1]);
    });
    server.keepAliveTimeout = 5000;
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
  `;
  return new Promise((resolve, reject) => {
    const proc = launch(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ROUTES: JSON.stringify(routes) } });
    proc.stdout.once('data', (c) => resolve({ proc, url: String(c).trim() }));
    proc.on('error', reject);
  });
}

function cannon(url, paths, duration) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url, connections: CONNECTIONS, duration, requests: paths.map((p) => ({ method: 'GET', path: p })) }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false, outputStream: { write() {} } });
  });
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const { dir, subjectNames } = generate(100, 10);
  const serve = await startServe(dir);
  const pick = subjectNames[37];
  const cases = [
    { name: 'GET /subjects/{s}/versions/latest', path: `/subjects/${pick.subject}/versions/latest` },
    { name: 'GET /schemas/ids/{id}', path: `/schemas/ids/${pick.latestId}` },
  ];
  const routes = [];
  for (const c of cases) {
    const res = await fetch(serve.url + c.path);
    if (res.status !== 200) throw new Error(`${c.path}: ${res.status}`);
    routes.push([c.path, res.headers.get('content-type'), Buffer.from(await res.arrayBuffer()).toString('base64')]);
    c.bytes = Buffer.from(routes.at(-1)[2], 'base64').length;
  }
  const bare = await startBare(routes);
  console.log(
    `serve benchmark: 1,000 versions, ${CONNECTIONS} connections, ${DURATION} s per run, node ${process.version}${PIN ? ', servers pinned to core 1, autocannon to core 0' : ''}${EXTRA.length ? ', access log off' : ', access log on'}`,
  );
  // Warm both up.
  await cannon(serve.url, [cases[0].path], 1);
  await cannon(bare.url, [cases[0].path], 1);
  let worstRatio = Infinity;
  let worstP99 = 0;
  for (const c of cases) {
    // Alternate serve and bare in ROUNDS short runs so that load from other processes hits both alike.
    const ours = [];
    const base = [];
    for (let r = 0; r < ROUNDS; r++) {
      ours.push(await cannon(serve.url, [c.path], DURATION / ROUNDS));
      base.push(await cannon(bare.url, [c.path], DURATION / ROUNDS));
    }
    const rps = (xs) => xs.reduce((a, x) => a + x.requests.total, 0) / xs.reduce((a, x) => a + x.duration, 0);
    const p99 = (xs) => median(xs.map((x) => x.latency.p99));
    const p50 = (xs) => median(xs.map((x) => x.latency.p50));
    const ratio = rps(ours) / rps(base);
    const p99ratio = p99(ours) / Math.max(p99(base), 0.001);
    worstRatio = Math.min(worstRatio, ratio);
    worstP99 = Math.max(worstP99, p99ratio);
    const errors = [...ours, ...base].reduce((a, x) => a + x.errors + x.non2xx, 0);
    console.log(`${c.name} (${c.bytes} bytes)`);
    console.log(`  serve: ${Math.round(rps(ours))} req/s, p99 ${p99(ours)} ms, p50 ${p50(ours)} ms`);
    console.log(`  bare:  ${Math.round(rps(base))} req/s, p99 ${p99(base)} ms, p50 ${p50(base)} ms`);
    console.log(
      `  throughput ratio ${ratio.toFixed(2)} (target >= 0.6), p99 ratio ${p99ratio.toFixed(2)}x (target <= 2x)${errors ? `, ${errors} errors` : ''}`,
    );
  }
  console.log(`worst: throughput ratio ${worstRatio.toFixed(2)}, p99 ratio ${worstP99.toFixed(2)}x`);
  console.log(`RSS with 1,000 versions after the runs: ${mb(rssOf(serve.proc.pid))}`);
  serve.proc.kill('SIGTERM');
  bare.proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });

  const big = generate(500, 10);
  const t0 = Date.now();
  const s5 = await startServe(big.dir);
  const loadMs = Date.now() - t0;
  const health = await (await fetch(`${s5.url}/health`)).json();
  // Touch every precomputed answer once so the figure is the steady state.
  await cannon(
    s5.url,
    big.subjectNames.slice(0, 50).map((s) => `/subjects/${s.subject}/versions/latest`),
    1,
  );
  console.log(`RSS with ${health.versions} versions loaded: ${mb(rssOf(s5.proc.pid))} (start-up and load ${loadMs} ms)`);
  s5.proc.kill('SIGTERM');
  rmSync(big.dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

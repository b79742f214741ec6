#!/usr/bin/env node
/**
 * Benchmark: the web UI's home page of a 1,000-subject registry.
 *
 * - Transfer: the bytes a browser receives for the home page (HTML + its scripts; the CSS is inlined), gzip,
 *   target <= 150 KB.
 * - First contentful paint in headless Debian chromium (playwright-core): `llm-schema serve` /ui/ against a
 *   static HTML page listing the same subjects, served by a bare node:http server, in alternating rounds in
 *   the same run (fresh browser context each load, so nothing is cached); prints the median of each and the
 *   ratio, target <= 2x.
 * Run after `npm run build`: node test/bench/ui.mjs [--subjects N] [--rounds N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { generateRegistry, subjectPath } from './gen-registry.mjs';
import { BIN, median, peer, ratio } from './lib.mjs';

const playwright = await peer('playwright-core');
const chromium = playwright.chromium ?? playwright.default.chromium;

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const SUBJECTS = opt('--subjects', 1000);
const ROUNDS = opt('--rounds', 7);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const dir = mkdtempSync(path.join(tmpdir(), 'llm-schema-bench-ui-'));
const kinds = ['event', 'data', 'response', 'tool'];
try {
  await generateRegistry(dir, SUBJECTS, 2);
  // Realistic rows: a description, owners, tags and a kind on every subject.
  const rows = [];
  for (let i = 0; i < SUBJECTS; i++) {
    const { ns, name } = subjectPath(i);
    const meta = { description: `Events of service ${i}`, owners: [`team-${i % 17}@example.com`], tags: [`domain-${i % 9}`, 'kafka'], kind: kinds[i % 4] };
    const file = path.join(dir, 'schemas', ns, name, 'subject.yaml');
    writeFileSync(file, YAML.stringify({ ...YAML.parse(readFileSync(file, 'utf8')), ...meta }));
    rows.push({ ns, name, ...meta });
  }

  const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--registry', dir, '--poll-interval', '0', '--no-access-log'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    serve.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+) /.exec(out);
      if (m) resolve(m[1]);
    });
    serve.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });

  // The baseline: the same list as a static page (no script, no style), from a bare node:http server.
  const staticHtml =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Schemas</title></head><body><h1>Schemas</h1><table>' +
    '<tr><th>Subject</th><th>Format</th><th>Kind</th><th>Latest</th><th>State</th><th>Owners</th><th>Tags</th></tr>' +
    rows
      .map(
        (r) =>
          `<tr><td><a href="/s/${r.ns}.${r.name}">${r.name}</a></td><td>avro</td><td>${r.kind}</td><td>1.1.0</td><td>active</td><td>${r.owners.join(', ')}</td><td>${r.tags.join(' ')}</td></tr>`,
      )
      .join('') +
    '</table></body></html>';
  const bare = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(staticHtml));
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;

  // Transfer size: what a browser downloads for the home page, gzip.
  const gzBytes = async (u) => {
    const res = await new Promise((resolve, reject) => http.get(u, { headers: { 'Accept-Encoding': 'gzip' } }, resolve).on('error', reject));
    let n = 0;
    for await (const c of res) n += c.length;
    if (res.statusCode !== 200) throw new Error(`${u}: HTTP ${res.statusCode}`);
    return { n, gz: res.headers['content-encoding'] === 'gzip' };
  };
  let total = 0;
  for (const p of ['/ui/', '/ui/assets/app.js', '/ui/assets/render.js']) {
    const { n, gz } = await gzBytes(url + p);
    console.log(`  ${p.padEnd(22)} ${(n / 1024).toFixed(1)} KB${gz ? ' gzip' : ''}`);
    total += n;
  }
  console.log(
    `home page transfer (${SUBJECTS} subjects): ${(total / 1024).toFixed(1)} KB gzip (target <= 150 KB)${total <= 150 * 1024 ? '' : '  OVER TARGET'}`,
  );

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  const fcp = async (u, ready) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(u);
    await page.locator(ready).first().waitFor();
    const t = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const e = performance.getEntriesByName('first-contentful-paint')[0];
          if (e) return resolve(e.startTime);
          new PerformanceObserver((l) => resolve(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
        }),
    );
    await context.close();
    return t;
  };
  await fcp(url + '/ui/', 'tr[data-s]'); // warm both servers once
  await fcp(bareUrl, 'tr');
  const mine = [];
  const base = [];
  for (let i = 0; i < ROUNDS; i++) {
    mine.push(await fcp(url + '/ui/', 'tr[data-s]'));
    base.push(await fcp(bareUrl, 'tr'));
  }
  await browser.close();
  const m = median(mine);
  const b = median(base);
  console.log(`first contentful paint: serve /ui/ ${m.toFixed(0)} ms, static page ${b.toFixed(0)} ms (medians of ${ROUNDS})`);
  console.log(`ratio: ${ratio(m, b)}x (target <= 2x)`);
  serve.kill('SIGTERM');
  bare.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

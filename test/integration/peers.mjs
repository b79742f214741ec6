#!/usr/bin/env node
// Installs the integration tier's real peers (test/integration/package.json: buf, the Kafka schema-registry clients, playwright-core,
// autocannon) exactly as test/integration/package-lock.json says, when they are missing or the lock file changed since the last
// install. Run by `npm run test:integration` and `npm run bench`; a no-op when they are in place.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const lock = join(dir, 'package-lock.json');
const installed = join(dir, 'node_modules/.package-lock.json');
const want = JSON.parse(readFileSync(lock, 'utf8')).packages ?? {};
let have = {};
if (existsSync(installed)) have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
const stale = Object.entries(want).some(([p, info]) => p !== '' && !info.optional && have[p]?.version !== info.version);
if (stale) {
  console.error("Installing the integration tier's peers (test/integration/package-lock.json)...");
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`npm ci in ${dir} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

#!/usr/bin/env node
/**
 * Benchmark (issue 23, item 7): an ordinary POST /schemas/validate while six over-budget POSTs are in
 * flight, of two kinds: POST /schemas/compatibility with the pattern (.*a){30} (as reported; whether it runs
 * past the budget depends on the compare engine's own regex budget), and POST /schemas/validate of hostile
 * data against a registered backtracking pattern ^(a+)+\1$ (always past the 5 s budget). Prints how long the
 * ordinary POST took and when the slow ones were answered.
 * Run after `npm run build`: node test/bench/serve-slow-posts.mjs
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN } from './lib.mjs';

const dir = mkdtempSync(path.join(os.tmpdir(), 'llm-schema-bench-slow-'));
writeFileSync(path.join(dir, 'llm-schema.yaml'), 'compatibility: BACKWARD\nschemas: schemas\n');
const user = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { name: { type: 'string' } } };
writeFileSync(path.join(dir, 'user.json'), JSON.stringify(user));
const reg = spawnSync(process.execPath, [BIN, 'register', '--registry', dir, '--namespace', 'shop', '--name', 'user', '--file', path.join(dir, 'user.json')], {
  encoding: 'utf8',
});
if (reg.status !== 0) throw new Error(reg.stderr);
writeFileSync(path.join(dir, 'redos.json'), JSON.stringify({ ...user, properties: { name: { type: 'string', pattern: '^(a+)+\\1$' } } }));
const reg2 = spawnSync(
  process.execPath,
  [BIN, 'register', '--registry', dir, '--namespace', 'shop', '--name', 'redos', '--file', path.join(dir, 'redos.json')],
  { encoding: 'utf8' },
);
if (reg2.status !== 0) throw new Error(reg2.stderr);

const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--registry', dir, '--poll-interval', '0', '--no-access-log'], {
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
const post = async (p, body) => {
  const t0 = performance.now();
  const r = await fetch(url + p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const b = await r.json();
  return { status: r.status, code: b.error_code, ms: performance.now() - t0 };
};
const ordinary = () => post('/schemas/validate', { namespace: 'shop', name: 'user', data: { name: 'x' } });
await ordinary(); // workers started
const slowSchema = { ...user, properties: { name: { type: 'string', pattern: '(.*a){30}' } } };
const kinds = {
  'compatibility (.*a){30}': () => post('/schemas/compatibility', { namespace: 'shop', name: 'user', schema: slowSchema }),
  'validate ^(a+)+\\1$': () => post('/schemas/validate', { namespace: 'shop', name: 'redos', data: { name: 'a'.repeat(40) + '!' } }),
};
for (const [kind, slowPost] of Object.entries(kinds)) {
  const slow = Array.from({ length: 6 }, slowPost);
  await new Promise((r) => setTimeout(r, 200));
  const o = await ordinary();
  const s = await Promise.all(slow);
  console.log(`ordinary validate during 6 slow POSTs (${kind}): status ${o.status} in ${o.ms.toFixed(0)} ms`);
  console.log(`  slow POSTs: ${s.map((x) => `${x.status}/${x.code ?? '-'} ${(x.ms / 1000).toFixed(1)} s`).join(', ')}`);
  const after = await ordinary();
  console.log(`  ordinary validate afterwards: ${after.ms.toFixed(0)} ms`);
}
proc.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });

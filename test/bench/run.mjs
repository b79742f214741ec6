// npm run bench [-- name ...]: runs the benchmarks under test/bench (all, or the named ones) and prints their ratios.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const skip = new Set(['run.mjs', 'lib.mjs']);
const all = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !skip.has(f) && !f.startsWith('gen'))
  .sort();
const wanted = process.argv.slice(2);
const picked = wanted.length ? all.filter((f) => wanted.some((w) => f.includes(w))) : all;
let failed = 0;
for (const f of picked) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, [path.join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed) {
  console.error(`\n${failed} benchmark(s) failed to run`);
  process.exit(1);
}

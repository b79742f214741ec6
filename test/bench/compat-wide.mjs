// Benchmark (issue #23, item 5): `compat` and `diff` through the binary on an object of 20,000 properties against
// one of 1 property (a 0.6 MB schema). Before: 79.6 s, 4.1 GB and a V8 fatal error (exit 134). Target: an
// answer within 3 s and 512 MB. Printed: wall time (median), peak RSS, the answer, and the ratios to the targets.
// Run after `npm run build`: node test/bench/compat-wide.mjs (BENCH_RUNS=3 by default)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BIN, DATA, fmt, median, ratio, timeProcess } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = path.join(DATA, 'compat-wide');
mkdirSync(dir, { recursive: true });
const wide = (n) => ({ type: 'object', properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }])) });
const files = { wide: path.join(dir, 'wide.json'), one: path.join(dir, 'one.json') };
writeFileSync(files.wide, JSON.stringify(wide(20_000)));
writeFileSync(files.one, JSON.stringify(wide(1)));
// peak RSS of the measured process, written at exit by a preloaded module
const rssFile = path.join(dir, 'rss.txt');
const preload = path.join(dir, 'rss.mjs');
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
);

for (const [name, args] of [
  ['compat 20,000 -> 1 (BACKWARD)', ['compat', '--old', files.wide, '--new', files.one, '--json']],
  ['compat 1 -> 20,000 (FULL)', ['compat', '--old', files.one, '--new', files.wide, '--mode', 'FULL', '--json']],
  ['diff 20,000 -> 1', ['diff', '--old', files.wide, '--new', files.one, '--json']],
]) {
  const times = [];
  const rss = [];
  let last;
  for (let r = 0; r < RUNS; r++) {
    last = timeProcess(process.execPath, ['--import', preload, BIN, ...args], { allowFail: true });
    times.push(last.ms);
    rss.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
  }
  let verdict;
  try {
    const out = JSON.parse(last.stdout);
    const changes = out.changes ?? [];
    verdict = `exit ${last.status}, compatible=${out.compatible}, ${changes.length} changes, ${changes.filter((c) => c.undecided).length} undecided, ${changes.filter((c) => c.witness).length} with witnesses`;
  } catch {
    verdict = `exit ${last.status}: ${last.stderr.trim().slice(0, 100)}`;
  }
  const m = median(times);
  const mem = Math.max(...rss);
  console.log(`${name}: ${fmt(m)}, peak RSS ${mem.toFixed(0)} MB (${verdict}); ratio to 3 s ${ratio(m, 3000)}, to 512 MB ${ratio(mem, 512)}`);
}

// Benchmark (issue #14): `compat` through the binary on a 1,000,000-value enum, a 10,000-branch anyOf and
// 10,000-deep nesting must each answer within 3 s (decided, or "undecided" past the 2 s budget, or a clear
// refusal), never hang. Printed as the wall time, its ratio to the 3 s target, and its ratio to a baseline
// measured in the same run: a bare node process that reads and JSON.parses the same two files.
// Run after `npm run build`: node test/bench/compat-huge.mjs (BENCH_RUNS=3 by default)
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BIN, DATA, fmt, median, ratio, timeProcess } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = path.join(DATA, 'compat-huge');
mkdirSync(dir, { recursive: true });
const N = 1_000_000;
const en = Array.from({ length: N }, (_, i) => `v${i}`);
writeFileSync(path.join(dir, 'enum-old.json'), JSON.stringify({ type: 'string', enum: en }));
en[N - 1] = 'w';
writeFileSync(path.join(dir, 'enum-new.json'), JSON.stringify({ type: 'string', enum: en }));
const br = Array.from({ length: 10_000 }, (_, i) => ({ type: 'object', properties: { kind: { const: `k${i}` } }, required: ['kind'] }));
writeFileSync(path.join(dir, 'anyof-old.json'), JSON.stringify({ anyOf: br }));
writeFileSync(path.join(dir, 'anyof-new.json'), JSON.stringify({ anyOf: br.slice(1) }));
const deep = (leaf) => '{"type":"object","properties":{"a":'.repeat(10_000) + leaf + '}}'.repeat(10_000);
writeFileSync(path.join(dir, 'deep-old.json'), deep('{"type":"string"}'));
writeFileSync(path.join(dir, 'deep-new.json'), deep('{"type":"integer"}'));

const PARSE = 'const fs=require("fs");for(const f of process.argv.slice(1))JSON.parse(fs.readFileSync(f,"utf8"))';
for (const name of ['enum', 'anyof', 'deep']) {
  const files = [path.join(dir, `${name}-old.json`), path.join(dir, `${name}-new.json`)];
  const base = [];
  const ours = [];
  let last;
  for (let r = 0; r < RUNS; r++) {
    base.push(timeProcess(process.execPath, ['-e', PARSE, ...files]).ms);
    last = timeProcess(process.execPath, [BIN, 'compat', '--old', files[0], '--new', files[1], '--json'], { allowFail: true });
    ours.push(last.ms);
  }
  let verdict;
  try {
    const out = JSON.parse(last.stdout);
    verdict = `exit ${last.status}, compatible=${out.compatible}, undecided=${out.changes.some((c) => c.undecided)}`;
  } catch {
    verdict = `exit ${last.status}: ${last.stderr.trim().slice(0, 100)}`;
  }
  const m = median(ours);
  console.log(
    `compat ${name}: ${fmt(m)} (${verdict}); ratio to the 3 s target ${ratio(m, 3000)}; ratio to reading + parsing the two files ${ratio(m, median(base))} (${fmt(median(base))})`,
  );
}

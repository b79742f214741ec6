// Benchmark (issue #23, item 6): `validate` through the binary on one hostile record (28 a's and '!') under each
// of three patterns RE2 refuses (a lookaround or a backreference). Before: 9.8 s, 22.5 s and 12.2 s (RegExp,
// unbounded). Target: within 1 s per record. Printed: wall time of the whole process (median), the outcome,
// and the ratio to the 1 s target (the process's own start-up, ~0.3 s, included).
// Run after `npm run build`: node test/bench/validate-redos.mjs (BENCH_RUNS=3 by default)
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BIN, DATA, fmt, median, ratio, timeProcess } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = path.join(DATA, 'validate-redos');
mkdirSync(dir, { recursive: true });
const data = path.join(dir, 'hostile.jsonl');
writeFileSync(data, JSON.stringify('a'.repeat(28) + '!') + '\n');
for (const [i, pattern] of ['^(?=a)(a+)+$', '(a+)+\\1b', '^(\\w+\\s?)+(?!x)$'].entries()) {
  const schema = path.join(dir, `s${i}.json`);
  writeFileSync(schema, JSON.stringify({ type: 'string', pattern }));
  const times = [];
  let last;
  for (let r = 0; r < RUNS; r++) {
    last = timeProcess(process.execPath, [BIN, 'validate', '--schema', schema, '--data', data, '--json'], { allowFail: true });
    times.push(last.ms);
  }
  let verdict;
  try {
    verdict = `exit ${last.status}, outcome ${JSON.parse(last.stdout).failures[0]?.outcome ?? 'valid'}`;
  } catch {
    verdict = `exit ${last.status}: ${last.stderr.trim().slice(0, 100)}`;
  }
  const m = median(times);
  console.log(`validate ${pattern}: ${fmt(m)} (${verdict}); ratio to 1 s ${ratio(m, 1000)}`);
}

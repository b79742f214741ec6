// Validating 200,000 Avro JSON records: `llm-schema validate` vs a raw avsc loop (JSON.parse + Type.isValid),
// both as whole processes. Prints both times and the ratio (target <= 1.2). Data goes to test/bench/.data/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const dataDir = join(here, '.data');
mkdirSync(dataDir, { recursive: true });
const N = 200_000;
const schema = {
  type: 'record',
  name: 'Event',
  namespace: 'bench',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'user', type: 'string' },
    { name: 'score', type: 'double' },
    { name: 'ok', type: 'boolean' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B', 'C'] } },
    {
      name: 'meta',
      type: {
        type: 'record',
        name: 'Meta',
        fields: [
          { name: 'source', type: 'string' },
          { name: 'version', type: 'int' },
        ],
      },
    },
  ],
};
const schemaFile = join(dataDir, 'event.avsc');
const dataFile = join(dataDir, `events-${N}.jsonl`);
writeFileSync(schemaFile, JSON.stringify(schema));
if (!existsSync(dataFile)) {
  const lines = [];
  for (let i = 0; i < N; i++) {
    lines.push(
      JSON.stringify({
        id: i,
        user: `user-${i % 977}`,
        score: i / 7,
        ok: i % 2 === 0,
        tags: ['a', 'b'],
        kind: 'ABC'[i % 3],
        meta: { source: 'bench', version: i % 5 },
      }),
    );
  }
  writeFileSync(dataFile, lines.join('\n') + '\n');
}
const raw = join(dataDir, 'raw-avsc.mjs');
writeFileSync(
  raw,
  `import { readFileSync } from 'node:fs';
import avro from ${JSON.stringify(join(repo, 'node_modules/avsc/lib/index.js'))};
const type = avro.Type.forSchema(JSON.parse(readFileSync(process.argv[2], 'utf8')));
let ok = 0, bad = 0;
for (const line of readFileSync(process.argv[3], 'utf8').split('\\n')) { if (!line) continue; if (type.isValid(JSON.parse(line))) ok++; else bad++; }
console.log(ok + ' passed, ' + bad + ' failed');
`,
);

function time(cmd, args) {
  const best = [];
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    const out = execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
    best.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (!/200000 passed, 0 failed/.test(out.replace(/,(?=\d{3})/g, ''))) throw new Error(`unexpected output: ${out.slice(0, 200)}`);
  }
  return Math.min(...best);
}
const ours = time(process.execPath, [join(repo, 'bin/llm-schema.js'), 'validate', '--schema', schemaFile, '--data', dataFile, '--quiet']);
const base = time(process.execPath, [raw, schemaFile, dataFile]);
console.log(`avro validate, ${N} records (best of 3, whole processes)`);
console.log(`  llm-schema validate: ${ours.toFixed(0)} ms`);
console.log(`  raw avsc loop:       ${base.toFixed(0)} ms`);
console.log(`  ratio: ${(ours / base).toFixed(2)} (target <= 1.2)`);

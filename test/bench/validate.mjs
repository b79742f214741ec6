// validate --schema S --data records.jsonl on 200,000 chat-completion-like records (~56 MB) vs a raw node
// script (read the file, JSON.parse each line, one compiled ajv validator: 2020-12, formats, allErrors).
// Target: whole-process wall-time ratio <= 1.1 (stretch: <= 0.8 with the second core).
// Also: cold start (`--version` vs `node -e 0`, target <= 1.6) and one small document (target <= 1.3).
import { existsSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import * as path from 'node:path';
import { BIN, DATA, bench, fmt, ratio, timeProcess } from './lib.mjs';

const N = Number(process.env.BENCH_RECORDS ?? 200_000);
const schemaFile = path.join(DATA, 'chat.schema.json');
const dataFile = path.join(DATA, `chat-${N}.jsonl`);
const smallFile = path.join(DATA, 'chat-one.json');
const rawScript = path.join(DATA, 'raw-ajv.cjs');

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['id', 'created', 'model', 'messages'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^chatcmpl-[A-Za-z0-9]+$' },
    created: { type: 'string', format: 'date-time' },
    model: { enum: ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'gemini-pro'] },
    user: { type: 'string', format: 'email' },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        additionalProperties: false,
        properties: {
          role: { enum: ['system', 'user', 'assistant', 'tool'] },
          content: { type: 'string', maxLength: 20000 },
          name: { type: 'string' },
          tool_call_id: { type: 'string' },
        },
      },
    },
    usage: {
      type: 'object',
      required: ['prompt_tokens', 'completion_tokens'],
      properties: {
        prompt_tokens: { type: 'integer', minimum: 0 },
        completion_tokens: { type: 'integer', minimum: 0 },
        total_tokens: { type: 'integer', minimum: 0 },
      },
    },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

function gen() {
  writeFileSync(schemaFile, JSON.stringify(schema, null, 2));
  const words = 'the model answered a question about schemas registries kafka avro protobuf json validation of tool calls'.split(' ');
  const text = (i, n) => Array.from({ length: n }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ');
  const out = createWriteStream(dataFile);
  let buf = '';
  for (let i = 0; i < N; i++) {
    const rec = {
      id: `chatcmpl-${i.toString(36)}X${((i * 2654435761) % 1e9).toString(36)}`,
      created: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      model: ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'gemini-pro'][i % 4],
      user: `user${i % 5000}@example.com`,
      temperature: (i % 20) / 10,
      messages: [
        { role: 'user', content: text(i + 1, 5) },
        { role: 'assistant', content: text(i + 2, 6) },
      ],
      usage: { prompt_tokens: 30 + (i % 50), completion_tokens: 40 + (i % 70), total_tokens: 70 + (i % 120) },
      metadata: { region: ['eu', 'us', 'ap'][i % 3] },
    };
    // one record in 1,000 is invalid, as in real logs
    if (i % 1000 === 999) rec.messages[0].role = 'robot';
    buf += JSON.stringify(rec) + '\n';
    if (buf.length > 1 << 20) {
      out.write(buf);
      buf = '';
    }
  }
  out.end(buf);
  return new Promise((r) => out.on('finish', r));
}

if (!existsSync(dataFile)) await gen();
writeFileSync(smallFile, JSON.stringify({ id: 'chatcmpl-abc', created: '2026-01-01T00:00:00Z', model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
writeFileSync(
  rawScript,
  `const fs = require('fs');
const Ajv = require(${JSON.stringify(path.join(path.dirname(BIN), '..', 'node_modules', 'ajv', 'dist', '2020'))}).default;
const addFormats = require(${JSON.stringify(path.join(path.dirname(BIN), '..', 'node_modules', 'ajv-formats'))}).default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));
const text = fs.readFileSync(process.argv[3], 'utf8');
let passed = 0, failed = 0;
for (const line of text.split('\\n')) {
  if (!line) continue;
  if (validate(JSON.parse(line))) passed++; else failed++;
}
console.log(passed + ' passed, ' + failed + ' failed');
`,
);

const sizeMb = (statSync(dataFile).size / 1e6).toFixed(1);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const raw = bench('node', [rawScript, schemaFile, dataFile], runs, { allowFail: true });
const ours = bench('node', [BIN, 'validate', '--schema', schemaFile, '--data', dataFile], runs, { allowFail: true });
const oursSeq = bench('node', [BIN, 'validate', '--schema', schemaFile, '--data', dataFile, '--no-parallel'], runs, { allowFail: true });
// Threads otherwise follow the idle cores (load average): force two to show what the second core gives.
const oursTwo = bench('node', [BIN, 'validate', '--schema', schemaFile, '--data', dataFile], runs, {
  allowFail: true,
  env: { ...process.env, NO_COLOR: '1', LLM_SCHEMA_WORKERS: '2' },
});
const check = timeProcess('node', [BIN, 'validate', '--schema', schemaFile, '--data', dataFile], { allowFail: true });
console.log(`validate ${N} records (${sizeMb} MB): ${check.stdout.trim().split('\n').at(-1)}`);
console.log(`  raw ajv loop:               ${fmt(raw)}`);
console.log(`  llm-schema validate:        ${fmt(ours)}   ratio ${ratio(ours, raw)} (target <= 1.1, stretch <= 0.8)`);
console.log(`  llm-schema --no-parallel:   ${fmt(oursSeq)}   ratio ${ratio(oursSeq, raw)}`);
console.log(`  llm-schema, 2 threads:      ${fmt(oursTwo)}   ratio ${ratio(oursTwo, raw)} (LLM_SCHEMA_WORKERS=2)`);

const nodeStart = bench('node', ['-e', '0'], 10);
const version = bench('node', [BIN, '--version'], 10);
const help = bench('node', [BIN, '--help'], 10);
console.log(
  `cold start: node -e 0 ${fmt(nodeStart)}; llm-schema --version ${fmt(version)}   ratio ${ratio(version, nodeStart)} (target <= 1.6); --help ${fmt(help)}`,
);

const rawOne = bench('node', [rawScript, schemaFile, smallFile], 10, { allowFail: true });
const oursOne = bench('node', [BIN, 'validate', '--schema', schemaFile, '--data', smallFile], 10, { allowFail: true });
console.log(`one small document: raw ${fmt(rawOne)}; llm-schema ${fmt(oursOne)}   ratio ${ratio(oursOne, rawOne)} (target <= 1.3)`);

// Memory must not grow with the file: peak RSS for a tenth of the file and for all of it (GNU time, when present).
import { existsSync as haveFile, writeFileSync as writeTenth, readFileSync as readAll } from 'node:fs';
if (haveFile('/usr/bin/time')) {
  const tenth = path.join(DATA, `chat-${N / 10}.jsonl`);
  if (!haveFile(tenth))
    writeTenth(
      tenth,
      readAll(dataFile, 'utf8')
        .split('\n')
        .slice(0, N / 10)
        .join('\n') + '\n',
    );
  const rss = (file) => {
    const r = timeProcess('/usr/bin/time', ['-f', '%M', 'node', BIN, 'validate', '--schema', schemaFile, '--data', file, '-q', '--no-parallel'], {
      allowFail: true,
    });
    return Number(r.stderr.trim().split('\n').at(-1)) / 1024;
  };
  const small = rss(tenth);
  const big = rss(dataFile);
  console.log(
    `peak RSS (one thread): ${N / 10} records ${small.toFixed(0)} MB; ${N} records ${big.toFixed(0)} MB (ratio ${(big / small).toFixed(2)} for 10x the data)`,
  );
}

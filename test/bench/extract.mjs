// validate --extract --field text over 100,000 logged model replies (JSONL: prose + a ```json fence in a
// "text" field) vs plain validate of the same 100,000 records as bare JSON Lines. Prints both times and
// the ratio (extract / plain). Also times extractJson alone, in-process, over the same replies.
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BIN, DATA, bench, fmt, ratio, REPO } from './lib.mjs';

const N = Number(process.env.BENCH_REPLIES ?? 100_000);
const schemaFile = path.join(DATA, 'reply.schema.json');
const repliesFile = path.join(DATA, `replies-${N}.jsonl`);
const recordsFile = path.join(DATA, `reply-records-${N}.jsonl`);

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['intent', 'city', 'days', 'unit', 'confidence', 'tags'],
  properties: {
    intent: { enum: ['get_weather', 'get_forecast', 'smalltalk'] },
    city: { type: 'string', minLength: 1, maxLength: 80 },
    days: { type: 'integer', minimum: 1, maximum: 14 },
    unit: { enum: ['c', 'f'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    note: { type: ['string', 'null'] },
  },
};

const CITIES = ['Oslo', 'Paris', 'Lagos', 'Lima', 'Osaka', 'Quito', 'Perth', 'Turin', 'Hanoi', 'Cairo'];
const PROSE = [
  'Sure! Here is the structured result you asked for:',
  "I've parsed the request. The extracted fields are below.",
  'Based on the conversation, this is my best reading of what the user wants:',
];

async function generate() {
  if (existsSync(repliesFile) && existsSync(recordsFile)) return;
  const replies = createWriteStream(repliesFile);
  const records = createWriteStream(recordsFile);
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < N; i++) {
    const value = {
      intent: i % 3 === 0 ? 'get_forecast' : 'get_weather',
      city: CITIES[i % CITIES.length],
      days: 1 + (i % 14),
      unit: i % 2 ? 'c' : 'f',
      confidence: Math.round(rnd() * 1000) / 1000,
      tags: ['weather', i % 2 ? 'metric' : 'imperial'],
      note: i % 5 ? null : 'user asked twice',
    };
    const json = JSON.stringify(value, null, 2);
    const text = `${PROSE[i % PROSE.length]}\n\n\`\`\`json\n${json}\n\`\`\`\n\nLet me know if you need anything else.`;
    const l1 = JSON.stringify({ id: `resp_${i}`, model: 'gpt-4o-mini', text }) + '\n';
    const l2 = JSON.stringify(value) + '\n';
    if (!replies.write(l1)) await new Promise((r) => replies.once('drain', r));
    if (!records.write(l2)) await new Promise((r) => records.once('drain', r));
  }
  await Promise.all([new Promise((r) => replies.end(r)), new Promise((r) => records.end(r))]);
}

writeFileSync(schemaFile, JSON.stringify(schema, null, 2));
await generate();

const extractArgs = [BIN, 'validate', '--schema', schemaFile, '--data', repliesFile, '--extract', '--field', 'text', '--quiet'];
const plainArgs = [BIN, 'validate', '--schema', schemaFile, '--data', recordsFile, '--quiet'];
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tExtract = bench(process.execPath, extractArgs, runs);
const tPlain = bench(process.execPath, plainArgs, runs);

// In-process: extractJson + validate vs JSON.parse + validate (no I/O, no CLI).
const { extractJson } = await import(path.join(REPO, 'dist/core/extract.js'));
const texts = readFileSync(repliesFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l).text);
const bare = readFileSync(recordsFile, 'utf8').split('\n').filter(Boolean);
let t0 = performance.now();
let n = 0;
for (const t of texts) if (extractJson(t).kind === 'found') n++;
const tExtractOnly = performance.now() - t0;
t0 = performance.now();
for (const b of bare) JSON.parse(b);
const tParseOnly = performance.now() - t0;
if (n !== texts.length) throw new Error(`extractJson found ${n} of ${texts.length}`);

console.log(
  `${N.toLocaleString('en')} replies (${(readFileSync(repliesFile).length / 1e6).toFixed(1)} MB) vs the same records as bare JSON Lines (${(readFileSync(recordsFile).length / 1e6).toFixed(1)} MB), median of ${runs}`,
);
console.log(`validate --extract --field text: ${fmt(tExtract)}`);
console.log(`validate (bare records):         ${fmt(tPlain)}`);
console.log(`ratio extract/plain:             ${ratio(tExtract, tPlain)}`);
console.log(
  `in-process: extractJson over the replies ${fmt(tExtractOnly)} (${((tExtractOnly * 1000) / N).toFixed(2)} µs/reply) vs JSON.parse of the bare records ${fmt(tParseOnly)}`,
);

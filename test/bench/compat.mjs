// Benchmark: a BACKWARD_TRANSITIVE check of a new version against 100 earlier versions of a
// 50-property schema, in-process (target < 200 ms), and an adversarial schema (anyOf of anyOf,
// 10 levels, 5 branches each) that must stop within its budget and answer "cannot decide".
// Run after `npx tsc -p .`: node test/bench/compat.mjs
import { performance } from 'node:perf_hooks';
import { checkCompatibility } from '../../dist/core/compat.js';
import { jsonSchemaHandler as h } from '../../dist/formats/jsonschema/handler.js';

function version(i) {
  // 50 properties; version i relaxes one bound and adds i optional properties to a closed model
  const properties = {};
  for (let p = 0; p < 50; p++) {
    const kind = p % 5;
    properties[`field${p}`] =
      kind === 0
        ? { type: 'string', maxLength: 100 + i, description: `field ${p}` }
        : kind === 1
          ? { type: 'integer', minimum: 0, maximum: 1000 + i }
          : kind === 2
            ? { type: 'string', enum: ['a', 'b', 'c', ...Array.from({ length: Math.min(i, 7) }, (_, k) => `x${k}`)] }
            : kind === 3
              ? {
                  type: 'array',
                  items: { type: 'object', properties: { id: { type: 'string' }, score: { type: 'number' } }, required: ['id'] },
                  maxItems: 10 + i,
                }
              : { type: ['string', 'null'], format: 'date-time' };
  }
  for (let k = 0; k < Math.min(i, 10); k++) properties[`extra${k}`] = { type: 'boolean' };
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties, required: ['field0', 'field1'], additionalProperties: false };
}

const history = [];
for (let i = 0; i < 100; i++) history.push({ version: `1.${i}.0`, schema: await h.parse(JSON.stringify(version(i))) });
const candidate = await h.parse(JSON.stringify(version(100)));

// warm-up (JIT, ajv instance), then measure
checkCompatibility(h, candidate, history.slice(0, 5), 'BACKWARD_TRANSITIVE');
const runs = [];
let report;
for (let r = 0; r < 5; r++) {
  const c = await h.parse(JSON.stringify(version(100)));
  const t = performance.now();
  report = checkCompatibility(h, c, history, 'BACKWARD_TRANSITIVE');
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
const median = runs[2];
const dirRuns = [];
for (let r = 0; r < 5; r++) {
  const c = await h.parse(JSON.stringify(version(100)));
  const t = performance.now();
  checkCompatibility(h, c, history, 'BACKWARD_TRANSITIVE', { directions: ['backward'] });
  dirRuns.push(performance.now() - t);
}
dirRuns.sort((a, b) => a - b);
console.log(
  `transitive check, 100 versions x 50 properties: median ${median.toFixed(1)} ms (runs ${runs.map((x) => x.toFixed(0)).join(', ')}), target 200 ms, ratio ${(median / 200).toFixed(2)}; compatible=${report.compatible}, changes=${report.changes.length}`,
);
console.log(
  `  same, witnesses only for the direction the mode needs (options.directions): median ${dirRuns[2].toFixed(1)} ms, ratio ${(dirRuns[2] / 200).toFixed(2)}`,
);

function adversarial(tweak) {
  const $defs = {};
  for (let i = 0; i < 10; i++) {
    $defs[`L${i}`] = {
      anyOf: Array.from({ length: 5 }, (_, j) =>
        i === 9 ? { type: 'string', minLength: j + tweak } : { anyOf: [{ $ref: `#/$defs/L${i + 1}` }, { type: 'integer', minimum: j * (i + 1) + tweak }] },
      ),
    };
  }
  return { $defs, $ref: '#/$defs/L0' };
}
const a = await h.parse(JSON.stringify(adversarial(0)));
const b = await h.parse(JSON.stringify(adversarial(1)));
for (const budgetMs of [200, 2000]) {
  const t = performance.now();
  const changes = h.compare(a, b, { budgetMs }).changes;
  const ms = performance.now() - t;
  const undecided = changes.filter((c) => c.undecided).length;
  const decided = changes.filter((c) => !c.undecided && (c.breaksBackward || c.breaksForward)).length;
  console.log(
    `adversarial anyOf-of-anyOf (10 levels x 5 branches), budget ${budgetMs} ms: ${ms.toFixed(0)} ms, ${changes.length} changes, ${undecided} undecided, ${decided} decided breaks (ratio to budget ${(ms / budgetMs).toFixed(2)})`,
  );
}

// Witnesses at large bounds are built at the boundary (max + 1 entries): the cost of the largest ones,
// which grows with the bound. Baseline: the 200 ms target of the transitive check above.
const item = { type: 'object', properties: { a: { type: 'string', minLength: 3 }, b: { type: 'integer' } }, required: ['a'] };
const big = [
  ['maxLength 1,000,000 added', { type: 'string' }, { type: 'string', maxLength: 1_000_000 }],
  ['maxItems 99,999 added (object items)', { type: 'array', items: item }, { type: 'array', items: item, maxItems: 99_999 }],
  [
    'maxItems 99,999 added (unique integers)',
    { type: 'array', items: { type: 'integer' }, uniqueItems: true },
    { type: 'array', items: { type: 'integer' }, uniqueItems: true, maxItems: 99_999 },
  ],
  ['maxProperties 19,999 added', { type: 'object', additionalProperties: item }, { type: 'object', additionalProperties: item, maxProperties: 19_999 }],
];
for (const [label, o, n] of big) {
  const A = await h.parse(JSON.stringify(o));
  const B = await h.parse(JSON.stringify(n));
  const t = performance.now();
  const changes = h.compare(A, B).changes;
  const ms = performance.now() - t;
  const witnessed = changes.some((c) => c.witness && c.breaksBackward);
  console.log(`boundary witness, ${label}: ${ms.toFixed(0)} ms, witness ${witnessed ? 'found' : 'MISSING'} (ratio to 200 ms ${(ms / 200).toFixed(2)})`);
}

// `llm-schema compat --old a.proto --new b.proto` vs `buf breaking` on the same pair (buf binary from the npm
// package), as whole processes, best of 5. Prints both times. Falls back to the library when the compat
// command is not built yet.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const d = join(here, '.data', 'proto-compat');
for (const s of ['old', 'new']) mkdirSync(join(d, s), { recursive: true });
const msg = (i, t) => `message M${i} {\n${Array.from({ length: 20 }, (_, j) => `  ${j === 3 ? t : 'string'} f${j} = ${j + 1};`).join('\n')}\n}\n`;
const file = (t) => `syntax = "proto3";\npackage bench.v1;\n\n${Array.from({ length: 50 }, (_, i) => msg(i, i === 7 ? t : 'string')).join('\n')}`;
writeFileSync(join(d, 'old', 'a.proto'), file('int32'));
writeFileSync(join(d, 'new', 'a.proto'), file('int64'));
for (const s of ['old', 'new']) writeFileSync(join(d, s, 'buf.yaml'), 'version: v2\nbreaking:\n  use: [CSR]\n');

function time(cmd, args, opts = {}) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    try {
      execFileSync(cmd, args, { stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' }, ...opts });
    } catch (err) {
      if (err.status !== 1 && err.status !== 100) throw err;
    }
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return Math.min(...runs);
}
const hasCompat = existsSync(join(repo, 'dist/cli/commands/compat.js'));
let ours;
if (hasCompat) {
  ours = time(process.execPath, [
    join(repo, 'bin/llm-schema.js'),
    'compat',
    '--old',
    join(d, 'old/a.proto'),
    '--new',
    join(d, 'new/a.proto'),
    '--policy',
    'strict',
  ]);
} else {
  const lib = join(d, 'lib-compat.mjs');
  writeFileSync(
    lib,
    `import { readFileSync } from 'node:fs';
const { protobufHandler: h } = await import(${JSON.stringify(join(repo, 'dist/formats/protobuf/handler.js'))});
const o = await h.parse(readFileSync(process.argv[2], 'utf8'), { file: process.argv[2] });
const n = await h.parse(readFileSync(process.argv[3], 'utf8'), { file: process.argv[3] });
process.exitCode = h.compare(o, n, { policy: 'strict' }).changes.some((c) => c.breaksBackward) ? 1 : 0;
`,
  );
  ours = time(process.execPath, [lib, join(d, 'old/a.proto'), join(d, 'new/a.proto')]);
}
const buf = time(join(repo, 'test/integration/node_modules/.bin/buf'), ['breaking', '.', '--against', '../old'], { cwd: join(d, 'new') });
console.log('protobuf compat, 50 messages x 20 fields, one int32 -> int64 (best of 5, whole processes)');
console.log(`  llm-schema ${hasCompat ? 'compat' : '(library; compat command not built yet)'}: ${ours.toFixed(0)} ms`);
console.log(`  buf breaking (CSR):  ${buf.toFixed(0)} ms`);
console.log(`  ratio: ${(ours / buf).toFixed(2)}`);

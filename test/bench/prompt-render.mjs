// `llm-schema render <subject> --input vars.json --json` on a registered prompt vs a bare node script that loads
// `dotprompt` and renders the same .prompt file with the same variables (no registry, no input validation).
// Target (issue #16): whole-process wall-time ratio <= 1.3. Also in-process: registry.render vs dotprompt's
// compiled render, per call, after warm-up.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN, DATA, REPO, fmt, median, ratio, timeProcess } from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const dir = path.join(DATA, 'prompt-registry');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const PROMPT = `---
model: googleai/gemini-2.5-flash
config:
  temperature: 0.3
input:
  schema:
    customer: string, the customer's first name
    question: string
    tone?: string
    history?(array):
      role: string
      text: string
output:
  format: json
  schema:
    reply: string
    escalate: boolean
---
{{role "system"}}
You answer support questions for ACME. Be brief{{#if tone}} and {{tone}}{{/if}}.
{{role "user"}}
{{#each history}}{{this.role}}: {{text}}
{{/each}}
{{customer}} asks: {{question}}
`;
const promptFile = path.join(dir, 'support-reply.prompt');
const varsFile = path.join(dir, 'vars.json');
writeFileSync(promptFile, PROMPT);
writeFileSync(
  varsFile,
  JSON.stringify({
    customer: 'Ada',
    question: 'Where is my refund?',
    tone: 'friendly',
    history: Array.from({ length: 20 }, (_, i) => ({ role: i % 2 ? 'agent' : 'customer', text: `message ${i}` })),
  }),
);
execFileSync('node', [BIN, 'init', '--yes', '--ci', 'none'], { cwd: dir, stdio: 'ignore' });
execFileSync('node', [BIN, 'register', 'myapp.support-reply', '--file', promptFile], { cwd: dir, stdio: 'ignore' });

// The baseline: what a caller with only dotprompt would run.
const bare = path.join(DATA, 'bare-dotprompt.mjs');
writeFileSync(
  bare,
  `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(path.join(REPO, 'package.json'))});
const { Dotprompt } = await import(require.resolve('dotprompt'));
const source = readFileSync(process.argv[2], 'utf8');
const input = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const out = await new Dotprompt().render(source, { input });
process.stdout.write(JSON.stringify(out, null, 2) + '\\n');
`,
);

// Interleaved runs (the machine may be shared: drift hits both sides alike). Besides wall time, each process
// reports its own CPU time (user + system) through a preloaded exit hook: steadier than wall time under load.
const hook = path.join(DATA, 'cpu-exit-hook.cjs');
writeFileSync(
  hook,
  "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(2, '\\n@@cpu ' + (u.user + u.system) / 1000 + '\\n'); });\n",
);
const cpuOf = (stderr) => Number(/@@cpu ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
const runBare = () => timeProcess('node', ['-r', hook, bare, promptFile, varsFile]);
const runOurs = () => timeProcess('node', ['-r', hook, BIN, 'render', 'myapp.support-reply', '--input', varsFile, '--json'], { cwd: dir });
runBare();
runOurs();
const wall = { bare: [], ours: [] };
const cpu = { bare: [], ours: [] };
for (let i = 0; i < runs; i++) {
  const a = runBare();
  const b = runOurs();
  wall.bare.push(a.ms);
  wall.ours.push(b.ms);
  cpu.bare.push(cpuOf(a.stderr));
  cpu.ours.push(cpuOf(b.stderr));
}
const [wb, wo, cb, co] = [median(wall.bare), median(wall.ours), median(cpu.bare), median(cpu.ours)];
console.log(`render one prompt (whole process, median of ${runs}, interleaved):`);
console.log(`  bare dotprompt script:      ${fmt(wb)} wall, ${fmt(cb)} cpu`);
console.log(`  llm-schema render --json:   ${fmt(wo)} wall, ${fmt(co)} cpu   ratio ${ratio(wo, wb)} wall, ${ratio(co, cb)} cpu (target <= 1.3)`);

// In-process, per call: registry.render (validation included) vs dotprompt's compiled prompt.
const inproc = path.join(DATA, 'render-inproc.mjs');
writeFileSync(
  inproc,
  `import { readFileSync } from 'node:fs';
import { openRegistry } from 'llm-schema-registry';
import { Dotprompt } from 'dotprompt';
const N = 2000;
const source = readFileSync(${JSON.stringify(promptFile)}, 'utf8');
const input = JSON.parse(readFileSync(${JSON.stringify(varsFile)}, 'utf8'));
const fn = await new Dotprompt().compile(source);
const registry = await openRegistry(${JSON.stringify(dir)});
const time = async (f) => { for (let i = 0; i < 200; i++) await f(); const t = process.hrtime.bigint(); for (let i = 0; i < N; i++) await f(); return Number(process.hrtime.bigint() - t) / 1e6 / N; };
const a = await time(() => fn({ input }));
const b = await time(() => registry.render('myapp.support-reply', input));
console.log(JSON.stringify({ a, b }));
`,
);
const r = JSON.parse(execFileSync('node', [inproc], { cwd: REPO, encoding: 'utf8' }));
console.log(`render per call, in process (after warm-up):`);
console.log(`  dotprompt compiled render:  ${(r.a * 1000).toFixed(0)} µs`);
console.log(`  registry.render:            ${(r.b * 1000).toFixed(0)} µs   ratio ${ratio(r.b, r.a)}`);

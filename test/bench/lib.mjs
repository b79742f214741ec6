// Shared helpers for benchmarks: timing whole processes, medians, data folder.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'bin', 'llm-schema.js');
export const DATA = path.join(REPO, 'test', 'bench', '.data');
mkdirSync(DATA, { recursive: true });

/**
 * A real peer the benchmarks drive (autocannon, playwright-core), installed with the integration tier's own
 * package.json (test/integration/; `npm run bench` installs it first), not with the package's devDependencies.
 */
export async function peer(name) {
  const require = createRequire(path.join(REPO, 'test', 'integration', 'package.json'));
  return import(pathToFileURL(require.resolve(name)).href);
}

/** Wall time in ms of one whole process run. */
export function timeProcess(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' }, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
  }
  return { ms, stdout: String(r.stdout), stderr: String(r.stderr), status: r.status };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time of n runs (after one warm-up run). */
export function bench(cmd, args, n = 5, opts = {}) {
  timeProcess(cmd, args, opts);
  const times = [];
  for (let i = 0; i < n; i++) times.push(timeProcess(cmd, args, opts).ms);
  return median(times);
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;
export const ratio = (a, b) => (a / b).toFixed(2);

/** Test helpers: run the built binary in temporary folders, build registries, snapshot folders. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(REPO, 'bin', 'llm-schema.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `llm-schema ...args` with NO_COLOR in cwd; never throws on a non-zero exit. */
export async function cli(
  args: string[],
  opts: { cwd: string; input?: string; env?: Record<string, string> } & Partial<Options> = { cwd: process.cwd() },
): Promise<RunResult> {
  const { cwd, input, env, ...rest } = opts;
  const r = await execa('node', [BIN, ...args], {
    cwd,
    input,
    reject: false,
    env: { NO_COLOR: '1', LLM_SCHEMA_REGISTRY: '', ...env },
    extendEnv: true,
    stdin: input === undefined ? 'ignore' : undefined,
    ...rest,
  } as Options);
  return { code: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'llm-schema-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Write files from an inline tree { 'a/b.json': '...' or object }. */
export function writeTree(root: string, files: Record<string, string | object>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
  }
}

/** A registry in a new git repo: `git init` + `llm-schema init --yes`. */
export async function newRegistry(files: Record<string, string | object> = {}, initArgs: string[] = []): Promise<string> {
  const dir = tempDir();
  await execa('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  await execa('git', ['config', 'user.email', 'test@example.com'], { cwd: dir });
  await execa('git', ['config', 'user.name', 'Test'], { cwd: dir });
  const r = await cli(['init', '--yes', ...initArgs], { cwd: dir });
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
  writeTree(dir, files);
  return dir;
}

/** Every file under dir (but .git) with a hash of its bytes: to assert that nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === '.git') continue;
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

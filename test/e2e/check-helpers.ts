/** Helpers for the git e2e tests: real temporary repositories built with the git binary and the built CLI. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const BIN = fileURLToPath(new URL('../../bin/llm-schema.js', import.meta.url));

export const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Ada Author',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Author',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export async function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { ...GIT_ENV, NO_COLOR: '1', ...env }, extendEnv: true });
}

export function write(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

export function read(root: string, rel: string): string {
  return readFileSync(path.join(root, rel), 'utf8');
}

export const avro = (fields: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'record', name: 'User', namespace: 'app', ...extra, fields }) + '\n';

export const V1 = avro([{ name: 'id', type: 'string' }]);
/** Compatible under BACKWARD: a field with a default. */
export const V2_COMPATIBLE = avro([
  { name: 'id', type: 'string' },
  { name: 'age', type: 'int', default: 0 },
]);
/** Incompatible under BACKWARD: a field without a default. */
export const V2_BREAKING = avro([
  { name: 'id', type: 'string' },
  { name: 'email', type: 'string' },
]);

/**
 * A repository on branch 'main' holding a registry (in `sub` when given) with app.user 1.0.0, then a
 * branch 'feature' checked out. Returns the repo and the registry folder.
 */
export async function makeRepo(sub = ''): Promise<{ repo: string; reg: string }> {
  const repo = mkdtempSync(path.join(tmpdir(), 'llms-check-'));
  git(repo, 'init', '-q', '-b', 'main');
  const reg = sub ? path.join(repo, sub) : repo;
  mkdirSync(reg, { recursive: true });
  must(await cli(reg, ['init', '--yes', '--ci', 'none']));
  write(reg, 'v1.avsc', V1);
  must(await cli(reg, ['register', '--namespace', 'app', '--name', 'user', '--file', 'v1.avsc']));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'registry with app.user 1.0.0');
  git(repo, 'checkout', '-q', '-b', 'feature');
  return { repo, reg };
}

export function must(r: { exitCode?: number; stderr: string; stdout: string }) {
  if (r.exitCode !== 0) throw new Error(`command failed (${r.exitCode}): ${r.stderr}${r.stdout}`);
  return r;
}

export async function registerAndCommit(repo: string, reg: string, file: string, text: string, extra: string[] = [], message = 'register') {
  write(reg, file, text);
  must(await cli(reg, ['register', 'app.user', '--file', file, ...extra]));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

export function json(stdout: string): {
  ok: boolean;
  findings: Array<{ rule: string; severity: string; file?: string; line?: number; subject?: string; version?: string; message: string }>;
  subjects: string[];
} {
  return JSON.parse(stdout);
}

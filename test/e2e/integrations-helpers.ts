/**
 * Helpers for the integration e2e tests (pre-commit framework, husky, lefthook, the README quick start): this checkout
 * as a git repository with a release tag, this checkout packed as npm would publish it, and a consumer repository
 * whose staged change is compatible or breaking.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { cli, git, GIT_ENV, must, read, write } from './check-helpers.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

const temps: string[] = [];
export function temp(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
export function removeTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** This checkout's files (tracked and new, as git would see them) committed in a fresh repository tagged v<version>. */
export function sourceRepo(): string {
  const dir = temp('llms-src-');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) {
    try {
      cpSync(path.join(REPO, f), path.join(dir, f), { recursive: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // deleted in the working tree
    }
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'llm-schema source');
  git(dir, 'tag', `v${VERSION}`);
  return dir;
}

let packed: string | undefined;
/** This checkout packed by `npm pack` (the tarball a user would install from the registry). */
export async function tarball(): Promise<string> {
  if (packed) return packed;
  const dir = temp('llms-pack-');
  const r = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: REPO, reject: false });
  if (r.exitCode !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  packed = path.join(dir, String(r.stdout).trim().split('\n').pop()!);
  return packed;
}

/** `npm install` in a consumer project, preferring the local cache (the test machine reaches the npm registry). */
export async function npmInstall(cwd: string, args: string[], env: Record<string, string> = {}) {
  return execa('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...args], { cwd, reject: false, env: { ...GIT_ENV, ...env }, all: true });
}

export const AVRO_V1 = JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'string' }] }) + '\n';
export const AVRO_COMPATIBLE =
  JSON.stringify({
    type: 'record',
    name: 'User',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'age', type: 'int', default: 0 },
    ],
  }) + '\n';
export const AVRO_BREAKING =
  JSON.stringify({
    type: 'record',
    name: 'User',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'email', type: 'string' },
    ],
  }) + '\n';

/** A git repository (registry in `sub` when given) with app.user 1.0.0 committed; returns the repo and registry folders. */
export async function consumerRepo(sub = '', initArgs: string[] = ['--ci', 'none'], dir = temp('llms-app-')): Promise<{ repo: string; reg: string }> {
  if (!existsSync(path.join(dir, '.git'))) git(dir, 'init', '-q', '-b', 'main');
  const reg = sub ? path.join(dir, sub) : dir;
  mkdirSync(reg, { recursive: true });
  must(await cli(reg, ['init', '--yes', ...initArgs]));
  write(reg, 'v1.avsc', AVRO_V1);
  must(await cli(reg, ['register', 'app.user', '--file', 'v1.avsc']));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'app.user 1.0.0');
  return { repo: dir, reg };
}

/**
 * Stage a breaking version of app.user: registered with an approval, then the approval taken out of subject.yaml,
 * as a developer who hand-edits the registry would leave it. check must refuse it.
 */
export async function stageBreaking(repo: string, reg: string): Promise<void> {
  write(reg, 'v2.avsc', AVRO_BREAKING);
  must(await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--allow-breaking', 'to be removed']));
  const meta = path.join(reg, 'schemas/app/user/subject.yaml');
  writeFileSync(meta, readFileSync(meta, 'utf8').replace(/^\s*allow-breaking:.*\n/m, ''));
  git(repo, 'add', '-A');
}

/** Stage a compatible version of app.user (a field with a default). */
export async function stageCompatible(repo: string, reg: string): Promise<void> {
  write(reg, 'v2.avsc', AVRO_COMPATIBLE);
  must(await cli(reg, ['register', 'app.user', '--file', 'v2.avsc']));
  git(repo, 'add', '-A');
}

/** Drop staged and working-tree changes back to HEAD. */
export function resetTo(repo: string): void {
  git(repo, 'reset', '-q', '--hard', 'HEAD');
  git(repo, 'clean', '-qfd');
}

/** `git commit` as a user runs it, hooks included. */
export function commit(cwd: string, msg: string, env: Record<string, string> = {}) {
  return execa('git', ['commit', '-q', '-m', msg], { cwd, reject: false, env: { ...GIT_ENV, NO_COLOR: '1', ...env }, all: true });
}

export { cli, git, GIT_ENV, must, read, write };

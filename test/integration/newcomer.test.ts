/**
 * The newcomer's path, run as written: the README's quick start in an empty folder (its code blocks in order, with this
 * checkout's packed tarball in place of the npm registry's release), and husky and lefthook, installed from npm in a
 * project as their users do, each blocking a breaking commit and passing a compatible one.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commit,
  git,
  GIT_ENV,
  npmInstall,
  removeTemps,
  REPO,
  resetTo,
  stageBreaking,
  stageCompatible,
  tarball,
  temp,
  write,
} from '../e2e/integrations-helpers.js';

afterAll(removeTemps);

let pkg: string;
beforeAll(async () => {
  pkg = await tarball();
}, 120_000);

/** The ```sh blocks of a README section, in order. */
export function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section '${heading}'`);
  const rest = markdown.slice(start + 1);
  const end = rest.indexOf('\n## ', 1);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe('README quick start', () => {
  it(
    'runs as written in an empty folder',
    async () => {
      const blocks = shellBlocks(readFileSync(path.join(REPO, 'README.md'), 'utf8'), 'Quick start');
      expect(blocks.length).toBeGreaterThanOrEqual(4);
      const script = blocks.join('\n');
      expect(script).toContain('npm install --save-dev llm-schema-registry\n');
      expect(script).toContain('npx llm-schema init');
      // The only change: this checkout's tarball instead of the published release.
      const runnable = script.replace('npm install --save-dev llm-schema-registry\n', `npm install --save-dev --no-audit --no-fund --prefer-offline ${pkg}\n`);
      const dir = temp('llms-quickstart-');
      const r = await execa('bash', ['-euo', 'pipefail', '-c', runnable], {
        cwd: dir,
        reject: false,
        all: true,
        env: { ...GIT_ENV, NO_COLOR: '1', LLM_SCHEMA_REGISTRY: '' },
      });
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toMatch(/registered myapp\.user-schema 1\.0\.0/);
      expect(r.all).toMatch(/1 passed, 0 failed/);
      expect(r.all).toMatch(/registered myapp\.user-schema 1\.1\.0/);
      const app = path.join(dir, 'my-llm-app');
      expect(existsSync(path.join(app, 'schemas/myapp/user-schema/1.1.0.json'))).toBe(true);
      expect(existsSync(path.join(app, '.github/workflows/llm-schema.yml'))).toBe(true);
      expect(git(app, 'status', '--porcelain')).toBe('');
      // The installed package, as a user's code loads it.
      const lib = await execa(
        'node',
        ['-e', "require('llm-schema-registry').openRegistry('.').then((r) => r.list()).then((s) => console.log(s.map((x) => x.subject).join()))"],
        { cwd: app, reject: false },
      );
      expect(lib.exitCode, lib.stderr).toBe(0);
      expect(lib.stdout).toBe('myapp.user-schema');
    },
    10 * 60_000,
  );
});

/** A project with llm-schema (this checkout's tarball) and `tool` installed from npm, and app.user 1.0.0 committed. */
async function project(tool: string): Promise<{ repo: string; reg: string }> {
  const repo = temp(`llms-${tool}-`);
  git(repo, 'init', '-q', '-b', 'main');
  write(repo, 'package.json', JSON.stringify({ name: `app-${tool}`, version: '1.0.0', private: true }, null, 2) + '\n');
  write(repo, '.gitignore', 'node_modules/\n');
  // --ignore-scripts: lefthook's postinstall would install its hooks itself; the test runs the documented step instead.
  const spec = tool === 'lefthook' ? 'lefthook@2.2.1' : 'husky@9';
  const r = await npmInstall(repo, ['--save-dev', '--ignore-scripts', pkg, spec]);
  if (r.exitCode !== 0) throw new Error(`npm install failed: ${r.all}`);
  if (tool === 'lefthook') {
    // What lefthook's postinstall does on `npm install lefthook`: its hooks, and a sample lefthook.yml.
    const first = await execa('npx', ['--no-install', 'lefthook', 'install'], { cwd: repo, reject: false, all: true, env: GIT_ENV });
    if (first.exitCode !== 0) throw new Error(`lefthook install failed: ${first.all}`);
    if (!existsSync(path.join(repo, 'lefthook.yml'))) throw new Error('lefthook install wrote no sample lefthook.yml');
  }
  const bin = path.join(repo, 'node_modules/.bin/llm-schema');
  const init = await execa(bin, ['init', '--yes', '--ci', tool], { cwd: repo, reject: false, env: { ...GIT_ENV, NO_COLOR: '1' }, all: true });
  if (init.exitCode !== 0) throw new Error(`init failed: ${init.all}`);
  if (tool === 'lefthook' && !/added llm-schema to lefthook\.yml/.test(String(init.all))) throw new Error(`init did not merge into lefthook.yml: ${init.all}`);
  write(repo, 'v1.avsc', JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'string' }] }) + '\n');
  const reg = await execa(bin, ['register', 'app.user', '--file', 'v1.avsc'], { cwd: repo, reject: false, all: true });
  if (reg.exitCode !== 0) throw new Error(`register failed: ${reg.all}`);
  return { repo, reg: repo };
}

async function blocksAndPasses(repo: string, reg: string): Promise<void> {
  git(repo, 'add', '-A');
  const first = await commit(repo, 'app.user 1.0.0');
  expect(first.exitCode, first.all).toBe(0);
  const head = git(repo, 'rev-parse', 'HEAD');

  await stageBreaking(repo, reg);
  const bad = await commit(repo, 'breaking');
  expect(bad.exitCode, bad.all).not.toBe(0);
  expect(bad.all).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/);
  expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);

  resetTo(repo);
  await stageCompatible(repo, reg);
  const good = await commit(repo, 'compatible');
  expect(good.exitCode, good.all).toBe(0);
  expect(good.all).not.toMatch(/checked \d+ (changed )?subject/); // silent when the check passes
  expect(git(repo, 'rev-parse', 'HEAD')).not.toBe(head);
  expect(git(repo, 'show', '--name-only', '--format=', 'HEAD')).toContain('schemas/app/user/1.1.0.avsc');
}

describe('husky', () => {
  it(
    'init then `npx husky` (the next step init prints): blocks a breaking commit, passes a compatible one',
    async () => {
      const { repo, reg } = await project('husky');
      const r = await execa('npx', ['--no-install', 'husky'], { cwd: repo, reject: false, all: true, env: GIT_ENV });
      expect(r.exitCode, r.all).toBe(0);
      expect(readFileSync(path.join(repo, '.husky/pre-commit'), 'utf8')).toContain('llm-schema check --staged --quiet');
      await blocksAndPasses(repo, reg);
    },
    10 * 60_000,
  );
});

describe('lefthook', () => {
  it(
    "merged into lefthook's sample config, then `npx lefthook install`: blocks a breaking commit, passes a compatible one",
    async () => {
      const { repo, reg } = await project('lefthook');
      const r = await execa('npx', ['--no-install', 'lefthook', 'install'], { cwd: repo, reject: false, all: true, env: GIT_ENV });
      expect(r.exitCode, r.all).toBe(0);
      expect(readFileSync(path.join(repo, 'lefthook.yml'), 'utf8')).toContain('llm-schema check --staged --quiet');
      await blocksAndPasses(repo, reg);
    },
    10 * 60_000,
  );
});

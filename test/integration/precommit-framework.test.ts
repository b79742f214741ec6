/**
 * The pre-commit framework (https://pre-commit.com) installs llm-schema from a git repository and a tag, as
 * .pre-commit-hooks.yaml publishes it (`language: node`: pre-commit runs `npm install` and `npm pack` in its clone, so
 * `npm pack` must print only the tarball's name), and the hook blocks a breaking commit and passes a compatible one.
 * Needs the `pre-commit` program (.ci/run installs Debian's) and the npm registry (or npm's cache) for the install.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cli,
  commit,
  consumerRepo,
  git,
  GIT_ENV,
  must,
  REPO,
  removeTemps,
  resetTo,
  sourceRepo,
  stageBreaking,
  stageCompatible,
  temp,
  VERSION,
  write,
} from '../e2e/integrations-helpers.js';

afterAll(removeTemps);

const NPM_QUIET = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

describe('pre-commit framework', () => {
  it('npm pack prints only the tarball name (pre-commit reads it from stdout), even when prepare builds', async () => {
    // In a copy of this checkout (its own dist/, so the build does not rewrite the one other tests run).
    const src = sourceRepo();
    symlinkSync(path.join(REPO, 'node_modules'), path.join(src, 'node_modules'));
    const r = await execa('npm', ['pack', '--dry-run'], { cwd: src, reject: false });
    expect(existsSync(path.join(src, 'dist/index.js'))).toBe(true); // prepare did build
    expect(r.exitCode, r.stderr).toBe(0);
    expect(String(r.stdout).trim()).toBe(`llm-schema-registry-${VERSION}.tgz`);
  }, 300_000); // two tsc builds: minutes on a loaded 2-core machine

  it(
    'installs from a git repository and tag (try-repo --ref): blocks a breaking change, passes a compatible one',
    async () => {
      const src = sourceRepo();
      const home = temp('llms-pchome-');
      // Each try-repo installs a fresh environment (npm install in its clone): from npm's cache where it can.
      const env = { ...GIT_ENV, PRE_COMMIT_HOME: home, NO_COLOR: '1', ...NPM_QUIET };
      const { repo, reg } = await consumerRepo();
      const tryRepo = () => execa('pre-commit', ['try-repo', src, 'llm-schema-check', '--ref', `v${VERSION}`], { cwd: repo, reject: false, env, all: true });

      await stageBreaking(repo, reg);
      let r = await tryRepo();
      expect(r.exitCode, r.all).toBe(1);
      expect(r.all).toMatch(/llm-schema check --staged\.+Failed/);
      expect(r.all).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/);
      expect(r.all).toMatch(/schemas\/app\/user\//);

      resetTo(repo);
      await stageCompatible(repo, reg);
      r = await tryRepo();
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toMatch(/llm-schema check --staged\.+Passed/);
    },
    25 * 60_000,
  );

  it(
    'a registry in a subfolder: init writes the config at the repository root with prefixed paths, and it blocks',
    async () => {
      const dir = temp('llms-mono-');
      git(dir, 'init', '-q', '-b', 'main');
      const { repo, reg } = await consumerRepo('packages/schemas', ['--ci', 'pre-commit'], dir);
      const config = readFileSync(path.join(repo, '.pre-commit-config.yaml'), 'utf8');
      expect(config).toContain('--registry packages/schemas');
      expect(config).toContain('^packages/schemas/');
      // The local hook runs the project's own llm-schema (npx --no-install): here, this checkout's, as node_modules/.bin has it.
      write(repo, 'node_modules/.bin/llm-schema', `#!/bin/sh\nexec node ${JSON.stringify(path.join(REPO, 'bin/llm-schema.js'))} "$@"\n`);
      await execa('chmod', ['+x', path.join(repo, 'node_modules/.bin/llm-schema')]);
      write(repo, '.git/info/exclude', 'node_modules/\n');
      const env = { ...GIT_ENV, PRE_COMMIT_HOME: temp('llms-pchome-'), NO_COLOR: '1' };
      must(await execa('pre-commit', ['install'], { cwd: repo, reject: false, env }));
      await stageBreaking(repo, reg);
      const head = git(repo, 'rev-parse', 'HEAD');
      const bad = await commit(repo, 'breaking', env);
      expect(bad.exitCode, bad.all).not.toBe(0);
      expect(bad.all).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE/);
      expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
      resetTo(repo);
      await stageCompatible(repo, reg);
      const good = await commit(repo, 'compatible', env);
      expect(good.exitCode, good.all).toBe(0);
      expect(good.all).not.toMatch(/checked/); // quiet on success
      expect((await cli(reg, ['list'])).stdout).toContain('app.user');
    },
    5 * 60_000,
  );
});

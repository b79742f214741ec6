import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findLayout, hookCommand, mergeHusky, mergeLefthook, mergePreCommit, shellWord, templateVars } from '../../src/cli/init-files.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('layout', () => {
  it('finds the repository top, the registry folder under it and the nearest package.json', () => {
    const top = mkdtempSync(path.join(tmpdir(), 'llms-layout-'));
    dirs.push(top);
    mkdirSync(path.join(top, '.git'));
    mkdirSync(path.join(top, 'svc/api/reg'), { recursive: true });
    writeFileSync(path.join(top, 'svc/package.json'), '{}');
    expect(findLayout(path.join(top, 'svc/api/reg'))).toEqual({ top, inGit: true, registry: 'svc/api/reg', pkg: 'svc', hasPackageJson: true });
    expect(findLayout(top)).toMatchObject({ registry: '', pkg: '', hasPackageJson: false });
  });
  it('quotes what a shell would split', () => {
    expect(shellWord('packages/schemas')).toBe('packages/schemas');
    expect(shellWord('my schemas')).toBe("'my schemas'");
    expect(hookCommand({ top: '/r', inGit: true, registry: 'a b', pkg: '', hasPackageJson: true })).toBe(
      "npx --no-install llm-schema check --staged --quiet --registry 'a b'",
    );
    expect(templateVars({ top: '/r', inGit: true, registry: 'x.y', pkg: '', hasPackageJson: true }, 'schemas', 'BACKWARD').filesPrefix).toBe('x\\.y/');
  });
});

describe('merges', () => {
  const cmd = 'npx --no-install llm-schema check --staged --quiet';
  it('husky: appends once, keeps what is there, adds a missing newline', () => {
    expect(mergeHusky('npm test', cmd)).toEqual({ text: `npm test\n${cmd}\n`, action: 'merged' });
    expect(mergeHusky(`npm test\n${cmd}\n`, cmd).action).toBe('unchanged');
  });
  it('lefthook: refuses shapes it cannot merge into, and never replaces a command of the same name', () => {
    expect(mergeLefthook('- a\n- b\n', 'lefthook.yml', 'g', cmd)).toMatchObject({ action: 'refused' });
    expect(mergeLefthook('pre-commit: npm test\n', 'lefthook.yml', 'g', cmd)).toMatchObject({ action: 'refused' });
    expect(mergeLefthook('pre-commit:\n  commands:\n    llm-schema:\n      run: something else\n', 'lefthook.yml', 'g', cmd)).toMatchObject({
      action: 'refused',
    });
    const r = mergeLefthook('', 'lefthook.yml', 'g', cmd);
    expect(r.action).toBe('merged');
    expect(parse((r as { text: string }).text)).toEqual({ 'pre-commit': { commands: { 'llm-schema': { glob: 'g', run: cmd } } } });
    expect(() => mergeLefthook('a: [\n', 'lefthook.yml', 'g', cmd)).toThrow(/lefthook\.yml:\d+:\d+: not valid YAML/);
  });
  it('pre-commit: appends a local repo to repos, or creates repos', () => {
    const ours = `repos:\n  - repo: local\n    hooks:\n      - id: llm-schema-check\n        entry: ${cmd}\n`;
    const r = mergePreCommit('default_stages: [pre-commit]\n', '.pre-commit-config.yaml', ours);
    expect(parse((r as { text: string }).text).repos[0].hooks[0].id).toBe('llm-schema-check');
    expect(mergePreCommit('repos: 3\n', '.pre-commit-config.yaml', ours)).toMatchObject({ action: 'refused' });
  });
});

import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, makeRepo, read } from './check-helpers.js';

describe('loosening a mode is approved in the repository with config --reason', () => {
  it('check fails on a looser mode, and passes once config --reason records compatibility-change', async () => {
    const { repo, reg } = await makeRepo();
    expect((await cli(reg, ['config', 'app.user', '--compatibility', 'NONE'])).exitCode).toBe(0);
    const loose = await cli(reg, ['check', '--against', 'main']);
    expect(loose.exitCode).toBe(1);
    expect(loose.stdout).toContain('COMPATIBILITY_LOOSENED');
    expect(loose.stdout).toContain('--reason');
    const approve = await cli(reg, ['config', 'app.user', '--compatibility', 'NONE', '--reason', 'prototype phase']);
    expect(approve.exitCode).toBe(0);
    expect(read(reg, 'schemas/app/user/subject.yaml')).toContain('compatibility-change: prototype phase');
    const ok = await cli(reg, ['check', '--against', 'main']);
    expect(ok.exitCode, String(ok.stdout)).toBe(0);
    expect(ok.stdout).toContain('COMPATIBILITY_CHANGE_APPROVED');
    // A later rewrite of subject.yaml (deprecate) keeps the approval.
    expect((await cli(reg, ['deprecate', 'app.user', '--version', '1.0.0', '--reason', 'old'])).exitCode).toBe(0);
    expect(read(reg, 'schemas/app/user/subject.yaml')).toContain('compatibility-change: prototype phase');
    const usage = await cli(reg, ['config', 'app.user', '--reason', 'x']);
    expect(usage.exitCode).toBe(2);
    rmSync(repo, { recursive: true, force: true });
  });
});

describe('check and the history of a subject', () => {
  it('a tightened mode makes old versions warnings in a whole-registry check, not errors', async () => {
    const { repo, reg } = await makeRepo();
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    // app.user 1.0.0 has field id; 1.1.0 adds a field with a default (BACKWARD-compatible, FORWARD too for Avro).
    writeFileSync(
      path.join(reg, 'v2.avsc'),
      JSON.stringify({
        type: 'record',
        name: 'User',
        namespace: 'app',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'n', type: 'int' },
        ],
      }),
    );
    expect((await cli(reg, ['config', 'app.user', '--compatibility', 'FORWARD'])).exitCode).toBe(0);
    const r = await cli(reg, ['register', 'app.user', '--file', 'v2.avsc']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect((await cli(reg, ['config', 'app.user', '--compatibility', 'FULL'])).exitCode).toBe(0);
    const whole = await cli(reg, ['check']);
    expect(whole.exitCode, String(whole.stdout)).toBe(0);
    expect(whole.stdout).toMatch(/warning INCOMPATIBLE_CHANGE .*judged under today's mode FULL/);
    rmSync(repo, { recursive: true, force: true });
  });

  it('a version registered after a greater one is an error in check --against', async () => {
    const { repo, reg } = await makeRepo();
    const { readFileSync, writeFileSync, copyFileSync } = await import('node:fs');
    const path = await import('node:path');
    const yamlFile = path.join(reg, 'schemas/app/user/subject.yaml');
    const yaml = readFileSync(yamlFile, 'utf8');
    const id = /id: (\d+)/.exec(yaml)![1];
    // Hand-written: the same content listed again as 0.9.0 after 1.0.0 (register itself refuses this).
    copyFileSync(path.join(reg, 'schemas/app/user/1.0.0.avsc'), path.join(reg, 'schemas/app/user/0.9.0.avsc'));
    writeFileSync(yamlFile, yaml + `  - version: 0.9.0\n    id: ${id}\n    state: active\n`);
    const r = await cli(reg, ['check', '--against', 'main']);
    expect(r.exitCode, String(r.stdout)).toBe(1);
    expect(r.stdout).toMatch(/error VERSION_NOT_ABOVE_LATEST app\.user 0\.9\.0/);
    rmSync(repo, { recursive: true, force: true });
  });
});

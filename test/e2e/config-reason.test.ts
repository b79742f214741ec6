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

/** Small things a newcomer trips on: did-you-mean for subjects and versions, --data before the subject, a half-staged registration. */
import { afterAll, describe, expect, it } from 'vitest';
import { AVRO_COMPATIBLE, cli, consumerRepo, git, removeTemps, write } from './integrations-helpers.js';

afterAll(removeTemps);

describe('hints', () => {
  it('did you mean: subjects and versions', async () => {
    const { reg } = await consumerRepo();
    const s = await cli(reg, ['get', 'app.usr']);
    expect(s.exitCode).toBe(2);
    expect(s.stderr.trim()).toBe("llm-schema: unknown subject 'app.usr' (did you mean 'app.user'?)");
    const v = await cli(reg, ['get', 'app.user', '--version', 'v1.0.0']);
    expect(v.exitCode).toBe(2);
    expect(v.stderr).toContain("(did you mean '1.0.0'?)");
    const short = await cli(reg, ['get', 'app.user', '--version', '1.0']);
    expect(short.stderr).toContain("(did you mean '1.0.0'?)");
    const typo = await cli(reg, ['get', 'app.user', '--version', '1.0.1']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/unknown version '1\.0\.1' of 'app\.user' \(did you mean '1\.0\.0'\?\)/);
    const none = await cli(reg, ['get', 'zzz.qqq']);
    expect(none.stderr).not.toContain('did you mean');
  });

  it('--data does not swallow a subject given after it', async () => {
    const { reg } = await consumerRepo();
    write(reg, 'ok.json', '{"id": "a"}\n');
    write(reg, 'bad.json', '{"id": 1}\n');
    const r = await cli(reg, ['validate', '--data', 'ok.json', 'bad.json', 'app.user']);
    expect(r.stdout + r.stderr).toMatch(/1 passed, 1 failed/);
    expect(r.exitCode).toBe(1);
    const one = await cli(reg, ['validate', '--data', 'ok.json', 'app.user']);
    expect(one.exitCode, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/1 passed, 0 failed/);
  });

  it('staging only the new version file: check says to git add subject.yaml', async () => {
    const { repo, reg } = await consumerRepo();
    write(reg, 'v2.avsc', AVRO_COMPATIBLE);
    expect((await cli(reg, ['register', 'app.user', '--file', 'v2.avsc'])).exitCode).toBe(0);
    git(repo, 'add', 'schemas/app/user/1.1.0.avsc');
    const r = await cli(reg, ['check', '--staged']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("run 'git add schemas/app/user/subject.yaml'");
    git(repo, 'add', 'schemas/app/user/subject.yaml');
    expect((await cli(reg, ['check', '--staged'])).exitCode).toBe(0);
  });
});

/**
 * The most common refusal (an optional property added to an open object under the semantic policy) names the ways
 * forward; `config --policy` sets a policy, a looser one needs --reason, recorded like a loosened mode; a later config
 * without a reason drops the stale one.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, git, must, read, removeTemps, temp, write } from './integrations-helpers.js';

afterAll(removeTemps);

const open = (props: Record<string, unknown>) => JSON.stringify({ type: 'object', properties: props }) + '\n';
const V1 = open({ name: { type: 'string' } });
const V2 = open({ name: { type: 'string' }, nickname: { type: 'string' } });

async function repo(): Promise<string> {
  const dir = temp('llms-policy-');
  git(dir, 'init', '-q', '-b', 'main');
  must(await cli(dir, ['init', '--yes', '--ci', 'none']));
  write(dir, 'v1.json', V1);
  must(await cli(dir, ['register', 'app.person', '--file', 'v1.json']));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'v1');
  git(dir, 'checkout', '-q', '-b', 'feature');
  return dir;
}

describe('an optional property added to an open object', () => {
  it('is refused with the ways forward named, and registers under --policy lenient', async () => {
    const dir = await repo();
    write(dir, 'v2.json', V2);
    const r = await cli(dir, ['register', 'app.person', '--file', 'v2.json']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    expect(r.stderr).toContain('--policy lenient');
    expect(r.stderr).toContain('llm-schema config app.person --policy lenient --reason "<why>"');
    expect(r.stderr).toContain('"additionalProperties": false');
    const lenient = await cli(dir, ['register', 'app.person', '--file', 'v2.json', '--policy', 'lenient']);
    expect(lenient.exitCode, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/registered app\.person 1\.1\.0/); // an added property is a minor change under lenient
  });

  it('check names the same ways forward', async () => {
    const dir = await repo();
    write(dir, 'schemas/app/person/1.1.0.json', V2);
    const meta = read(dir, 'schemas/app/person/subject.yaml');
    const id = /id: (\d+)/.exec(meta)![1];
    write(dir, 'schemas/app/person/subject.yaml', meta + `  - version: 1.1.0\n    id: ${Number(id) + 1}\n    state: active\n`);
    const r = await cli(dir, ['check', '--against', 'main']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/INCOMPATIBLE_CHANGE.*PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL.*--policy lenient/);
  });
});

describe('config --policy', () => {
  it('a looser policy needs --reason, recorded as compatibility-change; check approves it only then', async () => {
    const dir = await repo();
    const bare = await cli(dir, ['config', 'app.person', '--policy', 'lenient']);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toMatch(/--reason/);
    expect(read(dir, 'schemas/app/person/subject.yaml')).not.toContain('policy');
    const bad = await cli(dir, ['config', 'app.person', '--policy', 'strict']);
    expect(bad.exitCode).toBe(2);

    const ok = await cli(dir, ['config', 'app.person', '--policy', 'lenient', '--reason', 'producers never send unknown fields']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const meta = read(dir, 'schemas/app/person/subject.yaml');
    expect(meta).toMatch(/^policy: lenient$/m);
    expect(meta).toContain('compatibility-change: producers never send unknown fields');
    const shown = await cli(dir, ['config', 'app.person', '--json']);
    expect(JSON.parse(shown.stdout).policy).toBe('lenient');
    const approved = await cli(dir, ['check', '--against', 'main']);
    expect(approved.exitCode, approved.stdout).toBe(0);
    expect(approved.stdout).toContain('COMPATIBILITY_CHANGE_APPROVED');
    // Now the added property registers without a flag.
    write(dir, 'v2.json', V2);
    expect((await cli(dir, ['register', 'app.person', '--file', 'v2.json'])).exitCode).toBe(0);

    // The same change by hand, without a reason: check refuses it.
    const dir2 = await repo();
    write(dir2, 'schemas/app/person/subject.yaml', 'policy: lenient\n' + read(dir2, 'schemas/app/person/subject.yaml'));
    const loose = await cli(dir2, ['check', '--against', 'main']);
    expect(loose.exitCode).toBe(1);
    expect(loose.stdout).toMatch(/COMPATIBILITY_LOOSENED.*policy of app\.person loosened from semantic to lenient/);

    // The registry default.
    const def = await cli(dir2, ['config', '--policy', 'lenient']);
    expect(def.exitCode).toBe(2);
    expect((await cli(dir2, ['config', '--policy', 'lenient', '--reason', 'team rule'])).exitCode).toBe(0);
    expect(read(dir2, 'llm-schema.yaml')).toMatch(/^policy: lenient$/m);
  });

  it('a stricter config afterwards drops the stale reason', async () => {
    const dir = await repo();
    must(await cli(dir, ['config', 'app.person', '--compatibility', 'NONE', '--reason', 'prototype']));
    expect(read(dir, 'schemas/app/person/subject.yaml')).toContain('compatibility-change: prototype');
    must(await cli(dir, ['config', 'app.person', '--compatibility', 'BACKWARD']));
    expect(read(dir, 'schemas/app/person/subject.yaml')).not.toContain('compatibility-change');
    must(await cli(dir, ['config', '--compatibility', 'NONE', '--reason', 'x']));
    expect(read(dir, 'llm-schema.yaml')).toContain('compatibility-change: x');
    must(await cli(dir, ['config', '--compatibility', 'FULL']));
    expect(read(dir, 'llm-schema.yaml')).not.toContain('compatibility-change');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toContain('llm-schema.yaml');
  });
});

describe('config --policy: naming the policy already in force is not a loosening', () => {
  it('wire (the Protobuf default) needs no reason, for a subject or as the registry default, and check does not report it', async () => {
    const dir = await repo();
    write(dir, 'ping.proto', 'syntax = "proto3";\npackage app;\n\nmessage Ping {\n  string id = 1;\n}\n');
    must(await cli(dir, ['register', 'app.ping', '--file', 'ping.proto']));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'ping');
    const subject = await cli(dir, ['config', 'app.ping', '--policy', 'wire']);
    expect(subject.exitCode, subject.stderr).toBe(0);
    expect(subject.stdout).toContain('app.ping: policy set to wire');
    const registry = await cli(dir, ['config', '--policy', 'wire']);
    expect(registry.exitCode, registry.stderr).toBe(0);
    const check = await cli(dir, ['check', '--against', 'main']);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).not.toContain('COMPATIBILITY_LOOSENED');
    // strict -> wire is a loosening: it needs a reason.
    must(await cli(dir, ['config', 'app.ping', '--policy', 'strict']));
    const back = await cli(dir, ['config', 'app.ping', '--policy', 'wire']);
    expect(back.exitCode).toBe(2);
    expect(back.stderr).toMatch(/checks less than strict/);
  });
});

/** The binary on Protobuf: validate with --message and --proto-path, bad inputs (syntax, missing imports, cycles), compat. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, REPO, tempDir, writeTree } from '../helpers.js';

const fx = path.join(REPO, 'fixtures');

describe('protobuf through the binary', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'user.proto': readFileSync(path.join(fx, 'data/protobuf/user.proto'), 'utf8'),
      'users.jsonl': readFileSync(path.join(fx, 'data/protobuf/users.jsonl'), 'utf8'),
      'bad.proto': 'syntax = "proto3";\nmessage A {\n  int32 a = 1\n}\n',
      'truncated.proto': 'syntax = "proto3";\nmessage A {\n  int32 a = 1;\n',
      'missing.proto': 'syntax = "proto3";\nimport "lib/money.proto";\nmessage A { lib.Money m = 1; }\n',
      'cycle_a.proto': 'syntax = "proto3";\nimport "cycle_b.proto";\nmessage A {}\n',
      'cycle_b.proto': 'syntax = "proto3";\nimport "cycle_a.proto";\nmessage B {}\n',
      'protos/lib/money.proto': 'syntax = "proto3";\npackage lib;\nmessage Money { int64 cents = 1; }\n',
      'x.json': '{}',
      'money.json': '{"m": {"cents": "12"}}',
    });
  });
  afterAll(() => cleanup(dir));

  it('validate: proto3 JSON records, failures with line, path and reason', async () => {
    const r = await cli(['validate', '--schema', 'user.proto', '--data', 'users.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('users.jsonl:3: /status "GONE" is not a value of enum acme.v1.Status');
    expect(r.stdout).toContain('users.jsonl:3: /extra unknown field "extra" in message acme.v1.User');
    expect(r.stdout).toContain('2 passed, 1 failed');
    const m = await cli(['validate', '--schema', 'user.proto', '--message', 'acme.v1.Address', '--data', 'x.json'], { cwd: dir });
    expect(m.code).toBe(0);
  });

  it('imports resolve with --proto-path', async () => {
    const r = await cli(['validate', '--schema', 'missing.proto', '--proto-path', 'protos', '--data', 'money.json'], { cwd: dir });
    expect(r.code).toBe(0);
  });

  it('bad inputs: one line naming the file (line:column), exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['bad.proto', /^llm-schema: bad\.proto:4:1: invalid \.proto: illegal token '}', ';' expected$/],
      ['truncated.proto', /^llm-schema: truncated\.proto:\d+:\d+: invalid \.proto: illegal end of input/],
      ['missing.proto', /^llm-schema: missing\.proto:2:1: import "lib\/money\.proto" not found \(looked in .*\); add --proto-path DIR or a reference$/],
      ['cycle_a.proto', /^llm-schema: .*cycle_b\.proto:2:1: import cycle: cycle_a\.proto -> cycle_b\.proto -> cycle_a\.proto$/],
    ];
    for (const [file, re] of cases) {
      const r = await cli(['validate', '--schema', file, '--data', 'x.json'], { cwd: dir });
      expect(r.code, file).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, file).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    }
  });

  it('compat --old/--new under wire and strict', async () => {
    const base = path.join(fx, 'compat/protobuf/FIELD_SAME_TYPE__int32_int64');
    const wire = await cli(['compat', '--old', path.join(base, 'old.proto'), '--new', path.join(base, 'new.proto'), '--json'], { cwd: dir });
    expect(wire.code).toBe(0);
    expect(JSON.parse(wire.stdout).changes[0]).toMatchObject({ rule: 'FIELD_SAME_TYPE', severity: 'warning' });
    const strict = await cli(['compat', '--old', path.join(base, 'old.proto'), '--new', path.join(base, 'new.proto'), '--policy', 'strict', '--json'], {
      cwd: dir,
    });
    expect(strict.code).toBe(1);
    const bad = await cli(['compat', '--old', 'bad.proto', '--new', 'user.proto'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** compat and diff through the built binary: registry and file modes, JSON shapes, exit codes. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, snapshot, tempDir, writeTree } from '../helpers.js';

const v1 = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 20 }, age: { type: 'integer', minimum: 0 } },
  required: ['name'],
  additionalProperties: false,
};
const compatible = { ...v1, properties: { ...v1.properties, email: { type: 'string', format: 'email' } } };
const breaking = { ...v1, properties: { ...v1.properties, name: { type: 'string', maxLength: 10 } } };

describe('compat and diff without a registry', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'old.json': v1,
      'new.json': breaking,
      'same.json': { ...v1, description: 'a user' },
      'open-old.json': { type: 'object', properties: { a: { type: 'string' } } },
      'open-new.json': { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } },
      'bad.json': '{"type": "object",\n  "properties": {,}}',
    });
  });
  afterAll(() => cleanup(dir));

  it('compat --mode FULL says no (exit 1) with rule, path, directions and an ajv-checked witness', async () => {
    const r = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--mode', 'FULL', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.compatible).toBe(false);
    expect(out.mode).toBe('FULL');
    const c = out.changes.find((x: { rule: string }) => x.rule === 'MAX_LENGTH_DECREASED');
    expect(c).toMatchObject({ path: '/properties/name/maxLength', backward: true, forward: false });
    expect(c.witness.validUnder).toBe('old');
    expect(c.witness.value.name.length).toBeGreaterThan(10);
  });

  it('compat says yes (exit 0) for annotations only, and under NONE', async () => {
    const a = await cli(['compat', '--old', 'old.json', '--new', 'same.json', '--mode', 'FULL', '--json'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).compatible).toBe(true);
    const b = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--mode', 'NONE'], { cwd: dir });
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('compatible under NONE');
  });

  it('the policy decides optional properties added to an open content model', async () => {
    const semantic = await cli(['compat', '--old', 'open-old.json', '--new', 'open-new.json', '--json'], { cwd: dir });
    expect(semantic.code).toBe(1);
    expect(JSON.parse(semantic.stdout).changes[0]).toMatchObject({ rule: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', path: '/properties/b', backward: true });
    const lenient = await cli(['compat', '--old', 'open-old.json', '--new', 'open-new.json', '--policy', 'lenient', '--json'], { cwd: dir });
    expect(lenient.code).toBe(0);
  });

  it('diff lists every change, suggests the bump and shows a structural view; exit 0', async () => {
    const r = await cli(['diff', '--old', 'old.json', '--new', 'new.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MAX_LENGTH_DECREASED');
    expect(r.stdout).toContain('/properties/name/maxLength');
    expect(r.stdout).toContain('breaks BACKWARD');
    expect(r.stdout).toMatch(/suggested bump: major/);
    expect(r.stdout).toContain('structural view');
    const j = await cli(['diff', '--old', 'old.json', '--new', 'same.json', '--json'], { cwd: dir });
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out.bump).toBe('patch');
    expect(out.changes).toEqual([expect.objectContaining({ rule: 'ANNOTATION_CHANGED', path: '/description', backward: false, forward: false })]);
  });

  it('input errors exit 2 with one line naming the file or flag', async () => {
    const missing = await cli(['compat', '--old', 'old.json', '--new', 'nope.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
    const bad = await cli(['diff', '--old', 'old.json', '--new', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json:2:\d+/);
    expect(bad.stderr).not.toContain('    at ');
    const mode = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--mode', 'SIDEWAYS'], { cwd: dir });
    expect(mode.code).toBe(2);
    const half = await cli(['compat', '--old', 'old.json'], { cwd: dir });
    expect(half.code).toBe(2);
  });
});

describe('compat and diff against a registry', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'v1.json': v1, 'v2.json': compatible, 'breaking.json': breaking });
    writeFileSync(path.join(dir, 'llm-schema.yaml'), 'compatibility: BACKWARD\nschemas: schemas\n');
    for (const [file, version] of [
      ['v1.json', '1.0.0'],
      ['v2.json', undefined],
    ] as const) {
      const args = ['register', '--namespace', 'myapp', '--name', 'user-schema', '--file', file, ...(version ? ['--version', version] : [])];
      const r = await cli(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(() => cleanup(dir));

  it('compat checks a file against the subject under its mode', async () => {
    const before = snapshot(dir);
    const bad = await cli(['compat', '--namespace', 'myapp', '--name', 'user-schema', '--file', 'breaking.json', '--json'], { cwd: dir });
    expect(bad.code).toBe(1);
    const out = JSON.parse(bad.stdout);
    expect(out).toMatchObject({ compatible: false, mode: 'BACKWARD' });
    expect(out.changes.some((c: { rule: string; backward: boolean; witness?: unknown }) => c.rule === 'MAX_LENGTH_DECREASED' && c.backward && c.witness)).toBe(
      true,
    );
    const ok = await cli(['compat', 'myapp.user-schema', '--file', 'v2.json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('compatible under BACKWARD');
    expect(snapshot(dir)).toEqual(before);
  });

  it('diff between two registered versions names the bump and the next version', async () => {
    const r = await cli(['diff', '--namespace', 'myapp', '--name', 'user-schema', '--from', '1.0.0', '--to', '1.1.0', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ bump: 'minor', suggestedVersion: '1.1.0', mode: 'BACKWARD', breaksBackward: false, breaksForward: true });
    expect(out.changes).toEqual([
      expect.objectContaining({ rule: 'PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL', path: '/properties/email', backward: false, forward: true }),
    ]);
  });

  it('unknown subject or version is exit 2', async () => {
    expect((await cli(['diff', 'myapp.nobody', '--from', '1.0.0'], { cwd: dir })).code).toBe(2);
    expect((await cli(['diff', 'myapp.user-schema', '--from', '9.9.9'], { cwd: dir })).code).toBe(2);
    expect((await cli(['compat', 'myapp.nobody', '--file', 'v1.json'], { cwd: dir })).code).toBe(2);
  });
});

describe('diff: equivalent rewrites and identical content (QA)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'enum.json': { enum: ['a', 'b'] },
      'enum-typed.json': { type: 'string', enum: ['b', 'a'] },
      'type-array.json': { type: ['string', 'null'] },
      'any-of.json': { anyOf: [{ type: 'string' }, { type: 'null' }] },
      'number.json': { type: 'number' },
      'number-even.json': { type: 'number', multipleOf: 2 },
    });
  });
  afterAll(() => cleanup(dir));

  it('an enum given a type is an equivalent rewrite: patch, no TYPE_NARROWED or ENUM_ARRAY_CHANGED', async () => {
    const r = await cli(['diff', '--old', 'enum.json', '--new', 'enum-typed.json', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.bump).toBe('patch');
    expect(out.reason).toBe('equivalent rewrite');
    expect(out.changes.map((c: { rule: string }) => c.rule)).toEqual(['EQUIVALENT_REWRITE']);
  });

  it('a type array spelled as anyOf says "equivalent rewrite", not "annotations only"', async () => {
    const r = await cli(['diff', '--old', 'type-array.json', '--new', 'any-of.json', '--no-structural'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('suggested bump: patch: equivalent rewrite');
    expect(r.stdout).not.toContain('annotations only');
  });

  it('multipleOf added to a number is one change (MULTIPLE_OF_ADDED), no TYPE_NARROWED', async () => {
    const r = await cli(['diff', '--old', 'number.json', '--new', 'number-even.json', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).changes.map((c: { rule: string }) => c.rule)).toEqual(['MULTIPLE_OF_ADDED']);
  });

  it('identical content states its reason once', async () => {
    const r = await cli(['diff', '--old', 'number.json', '--new', 'number.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('suggested bump: none: identical content');
    expect(r.stdout.match(/identical content/g)).toHaveLength(1);
  });
});

describe('policies are checked (QA)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'a.json': { type: 'object', properties: { a: { type: 'string' } } },
      'b.json': { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } },
      'a.avsc': { type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] },
      'b.avsc': {
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: 'string' },
          { name: 'b', type: 'int', default: 0 },
        ],
      },
    });
  });
  afterAll(() => cleanup(dir));

  it('an unknown policy is a usage error (exit 2) naming the valid choices', async () => {
    for (const cmd of ['compat', 'diff']) {
      const r = await cli([cmd, '--old', 'a.json', '--new', 'b.json', '--policy', 'bogus'], { cwd: dir });
      expect(r.code, `${cmd}: ${r.stdout}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--policy.*'bogus'.*semantic or lenient/);
    }
  });

  it("another format's policy is refused: wire on JSON Schema, any policy on Avro", async () => {
    const wire = await cli(['compat', '--old', 'a.json', '--new', 'b.json', '--policy', 'wire'], { cwd: dir });
    expect(wire.code).toBe(2);
    expect(wire.stderr).toContain('JSON Schema');
    const avro = await cli(['diff', '--old', 'a.avsc', '--new', 'b.avsc', '--policy', 'strict'], { cwd: dir });
    expect(avro.code).toBe(2);
    expect(avro.stderr).toMatch(/Avro has no policies/);
    expect((await cli(['compat', '--old', 'a.avsc', '--new', 'b.avsc'], { cwd: dir })).code).toBe(0);
  });

  it("a policy from llm-schema.yaml that no format has is an error naming the file; another format's does not apply", async () => {
    const reg = await newRegistry({ 'a.json': { type: 'string', maxLength: 80 }, 'b.json': { type: 'string' } });
    try {
      for (const [file, version] of [
        ['a.json', '1.0.0'],
        ['b.json', '1.1.0'],
      ]) {
        const r = await cli(['register', 'app.text', '--file', file, '--version', version], { cwd: reg });
        expect(r.code, r.stderr).toBe(0);
      }
      // 'wire' is Protobuf's: a JSON Schema subject keeps its default (semantic), on every command.
      writeFileSync(path.join(reg, 'llm-schema.yaml'), 'compatibility: NONE\nschemas: schemas\npolicy: wire\n');
      const wire = await cli(['diff', 'app.text', '--from', '1.0.0', '--to', '1.1.0'], { cwd: reg });
      expect(wire.code, wire.stderr).toBe(0);
      writeFileSync(path.join(reg, 'llm-schema.yaml'), 'compatibility: NONE\nschemas: schemas\npolicy: wier\n');
      const r = await cli(['diff', 'app.text', '--from', '1.0.0', '--to', '1.1.0'], { cwd: reg });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('llm-schema.yaml');
      expect(r.stderr).toMatch(/semantic or lenient/);
    } finally {
      cleanup(reg);
    }
  });
});

describe('severity and breaking agree with the mode asked for (QA)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'min.json': { type: 'integer', minimum: 0 },
      'int.json': { type: 'integer' },
      'int-doc.json': { type: 'integer', description: 'a count' },
      'old.proto': 'syntax = "proto3";\npackage p;\nmessage M {\n  string a = 1;\n  int32 b = 2;\n}\n',
      'new.proto': 'syntax = "proto3";\npackage p;\nmessage M {\n  string a = 1;\n}\n',
    });
  });
  afterAll(() => cleanup(dir));

  type J = { rule: string; breaking: boolean; severity: string; backward: boolean; forward: boolean };

  it('compat --json: a FORWARD-only break under BACKWARD is not breaking and not an error; under FORWARD it is both', async () => {
    const back = await cli(['compat', '--old', 'min.json', '--new', 'int.json', '--json'], { cwd: dir });
    expect(back.code).toBe(0);
    const b: J = JSON.parse(back.stdout).changes[0];
    expect(b).toMatchObject({ rule: 'MINIMUM_REMOVED', backward: false, forward: true, breaking: false, severity: 'warning' });
    const fwd = await cli(['compat', '--old', 'min.json', '--new', 'int.json', '--mode', 'FORWARD', '--json'], { cwd: dir });
    expect(fwd.code).toBe(1);
    expect(JSON.parse(fwd.stdout).changes[0]).toMatchObject({ rule: 'MINIMUM_REMOVED', breaking: true, severity: 'error' });
    const doc = await cli(['compat', '--old', 'int.json', '--new', 'int-doc.json', '--json'], { cwd: dir });
    expect(JSON.parse(doc.stdout).changes[0]).toMatchObject({ rule: 'ANNOTATION_CHANGED', breaking: false, severity: 'info' });
  });

  it('diff --json: breaking relative to its mode, backward/forward say which directions break', async () => {
    const back = await cli(['diff', '--old', 'min.json', '--new', 'int.json', '--json'], { cwd: dir });
    const ob = JSON.parse(back.stdout);
    expect(ob.breaking).toBe(false);
    expect(ob.changes[0]).toMatchObject({ rule: 'MINIMUM_REMOVED', backward: false, forward: true, breaking: false, severity: 'warning' });
    const full = await cli(['diff', '--old', 'min.json', '--new', 'int.json', '--mode', 'FULL', '--json'], { cwd: dir });
    const of = JSON.parse(full.stdout);
    expect(of.breaking).toBe(true);
    expect(of.changes[0]).toMatchObject({ rule: 'MINIMUM_REMOVED', breaking: true, severity: 'error' });
    for (const c of [...ob.changes, ...of.changes] as J[]) expect(c.severity === 'error').toBe(c.breaking);
  });

  it('a Protobuf deletion without reserved shows as a warning under wire, not as a clean change', async () => {
    for (const cmd of ['compat', 'diff']) {
      const r = await cli([cmd, '--old', 'old.proto', '--new', 'new.proto'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const line = r.stdout.split('\n').find((l) => l.includes('FIELD_NO_DELETE_UNLESS_RESERVED'))!;
      expect(line.trim()).toMatch(/^! FIELD_NO_DELETE_UNLESS_RESERVED /);
      expect(line).toContain('[warning: only the strict policy forbids this]');
      expect(line).not.toContain('breaks nothing');
    }
    const j = await cli(['compat', '--old', 'old.proto', '--new', 'new.proto', '--json'], { cwd: dir });
    expect(JSON.parse(j.stdout).changes[0]).toMatchObject({ rule: 'FIELD_NO_DELETE_UNLESS_RESERVED', breaking: false, severity: 'warning' });
    const strict = await cli(['compat', '--old', 'old.proto', '--new', 'new.proto', '--policy', 'strict'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/✗ FIELD_NO_DELETE_UNLESS_RESERVED .*\[breaks BACKWARD\]/);
  });
});

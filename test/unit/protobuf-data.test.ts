/** .proto parsing (errors with line and column, imports, cycles, well-known types, references) and proto3 JSON data. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.js';
import { protobufHandler as h } from '../../src/formats/protobuf/handler.js';

const data = join(__dirname, '../../fixtures/data/protobuf');

function tree(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'pb-'));
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), t);
  }
  return d;
}

async function refusal(text: string, file = 'bad.proto', extra = {}): Promise<InputError> {
  try {
    await h.parse(text, { file, ...extra });
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('parsed');
}

describe('protobuf parsing', () => {
  it('parse errors carry file, line and column', async () => {
    const e = await refusal('syntax = "proto3";\nmessage A {\n  int32 a = 1\n}\n');
    expect(e.message).toBe("bad.proto:4:1: invalid .proto: illegal token '}', ';' expected");
    expect([e.line, e.column]).toEqual([4, 1]);
    expect((await refusal('syntax = "proto3";\nmessage A {\n  int32 a = 1;\n')).message).toMatch(/^bad.proto:\d+:\d+: invalid .proto: illegal end of input/);
    expect((await refusal('syntax = "proto3";\nmessage A {\n  int32 a = 1;\n  int32 b = 1;\n}\n')).message).toBe(
      'bad.proto:4:3: invalid .proto: duplicate id 1 in Type A',
    );
    expect((await refusal('syntax = "proto3";\nmessage A {\n  Foo a = 1;\n}\n')).message).toBe(
      "bad.proto:3:3: invalid .proto: no such Type or Enum 'Foo' in Type .A",
    );
  });

  it('imports: the file folder, --proto-path, references; missing imports and cycles are one clear error', async () => {
    const d = tree({
      'main.proto': 'syntax = "proto3";\nimport "lib/a.proto";\nimport "b.proto";\nmessage M { lib.A a = 1; B b = 2; }\n',
      'lib/a.proto': 'syntax = "proto3";\npackage lib;\nmessage A { int32 x = 1; }\n',
      'other/b.proto': 'syntax = "proto3";\nmessage B { int32 y = 1; }\n',
    });
    const text = readFileSync(join(d, 'main.proto'), 'utf8');
    const e = await refusal(text, join(d, 'main.proto'));
    expect(e.message).toMatch(/main\.proto:3:1: import "b\.proto" not found \(looked in .*\); add --proto-path DIR or a reference$/);
    const ok = await h.parse(text, { file: join(d, 'main.proto'), protoPaths: [join(d, 'other')] });
    expect(h.fieldNames!(ok)).toEqual(expect.arrayContaining(['M', 'a', 'b', 'A', 'x', 'B', 'y']));
    const b = await h.parse(readFileSync(join(d, 'other/b.proto'), 'utf8'), { file: 'b.proto' });
    const viaRef = await h.parse(text, { file: join(d, 'main.proto'), references: [{ name: 'b.proto', subject: 'acme.b', version: '1.0.0', schema: b }] });
    expect(h.compile(viaRef).validate({ a: { x: 1 }, b: { y: 2 } })).toBeNull();

    const c = tree({ 'x.proto': 'syntax = "proto3";\nimport "y.proto";\nmessage X {}\n', 'y.proto': 'syntax = "proto3";\nimport "x.proto";\nmessage Y {}\n' });
    const cyc = await refusal(readFileSync(join(c, 'x.proto'), 'utf8'), join(c, 'x.proto'));
    expect(cyc.message).toMatch(/y\.proto:2:1: import cycle: .*x\.proto -> y\.proto -> .*x\.proto$/);
  });

  it('well-known types need no setup', async () => {
    const s = await h.parse(
      'syntax = "proto3";\nimport "google/protobuf/timestamp.proto";\nimport "google/protobuf/struct.proto";\nimport "google/protobuf/wrappers.proto";\nimport "google/protobuf/duration.proto";\nimport "google/protobuf/descriptor.proto";\nmessage E { google.protobuf.Timestamp t = 1; google.protobuf.Struct s = 2; google.protobuf.Int64Value w = 3; google.protobuf.Duration d = 4; }\n',
      { file: 'e.proto' },
    );
    const v = h.compile(s);
    expect(v.validate({ t: '2024-02-01T10:00:00.5+01:00', s: { any: [1, 'x'] }, w: '12', d: '1.5s' })).toBeNull();
    expect(v.validate({ t: 1700000000, d: '90' })!.map((e) => e.path)).toEqual(['/t', '/d']);
  });

  it('editions parse where protobufjs supports them', async () => {
    const s = await h.parse('edition = "2023";\nmessage A { int32 a = 1; }\n', { file: 'ed.proto' });
    expect(h.compile(s).validate({ a: 1 })).toBeNull();
  });
});

describe('protobuf data (proto3 JSON mapping)', () => {
  it('validates records against the first message or --message, naming the path and reason', async () => {
    const text = readFileSync(join(data, 'user.proto'), 'utf8');
    const s = await h.parse(text, { file: 'user.proto' });
    const v = h.compile(s);
    const lines = readFileSync(join(data, 'users.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(v.validate(lines[0])).toBeNull();
    expect(v.validate(lines[1])).toBeNull();
    const errs = v.validate(lines[2])!;
    expect(errs.map((e) => [e.path, e.message])).toEqual([
      ['/id', 'expected int64 (an integer), got 1.5'],
      ['/displayName', 'expected a string, got number 3'],
      ['/status', '"GONE" is not a value of enum acme.v1.Status (STATUS_UNSPECIFIED, STATUS_ACTIVE)'],
      ['/createdAt', '"yesterday" is not an RFC 3339 timestamp (e.g. "2024-01-31T12:00:00Z")'],
      ['/addresses/0/street', 'expected a string, got number 1'],
      ['/phone', 'fields "email" and "phone" are both set, but belong to oneof "contact"'],
      ['/extra', 'unknown field "extra" in message acme.v1.User'],
    ]);
    const addr = h.compile(s, { message: 'acme.v1.Address' });
    expect(addr.validate({ street: 'x' })).toBeNull();
    expect(addr.validate({ id: 1 })).toEqual([expect.objectContaining({ path: '/id' })]);
    expect(() => h.compile(s, { message: 'Nope' })).toThrow(/--message Nope: no such message/);
    expect(v.validate({ avatar: 'not base64!' })).toEqual([expect.objectContaining({ path: '/avatar', message: expect.stringMatching(/base64/) })]);
    expect(v.validate({ scores: { a: 2 ** 31 } })).toEqual([
      expect.objectContaining({ path: '/scores/a', message: expect.stringMatching(/out of the int32 range/) }),
    ]);
  });

  it('canonical form is deterministic and ignores the main file name and white space', async () => {
    const text = readFileSync(join(data, 'user.proto'), 'utf8');
    const a = await h.parse(text, { file: 'a/user.proto' });
    const b = await h.parse(text.replace(/\n\n/g, '\n\n\n').replace(/  /g, '    '), { file: 'b/other.proto' });
    expect(h.canonical(a)).toBe(h.canonical(b));
  });
});

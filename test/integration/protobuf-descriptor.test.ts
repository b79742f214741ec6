/**
 * The FileDescriptorProto served with format=serialized, checked against buf (a protoc-compatible compiler):
 * for each fixture, our descriptor and buf's are the same once file names, json names and options are set
 * aside. Message indexes of Confluent's wire format count nested types in this order, so order matters.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { protobufHandler } from '../../src/formats/protobuf/handler.js';
import { decodeDescriptor, nestedOrder, normalizeDescriptor, parseDescriptor, serializedDescriptor } from '../../src/formats/protobuf/descriptor.js';
import { cleanup, REPO, tempDir } from '../helpers.js';

const dir = join(REPO, 'fixtures/protobuf-descriptor');
const desc = createRequire(import.meta.url)('protobufjs/ext/descriptor');
let bufFiles: Array<Record<string, unknown>>;
let out: string;

beforeAll(() => {
  out = tempDir('llm-schema-desc-');
  const set = join(out, 'set.binpb');
  execFileSync(join(REPO, 'test/integration/node_modules/.bin/buf'), ['build', dir, '-o', set], { cwd: dir });
  bufFiles = desc.FileDescriptorSet.toObject(desc.FileDescriptorSet.decode(readFileSync(set)), { enums: Number }).file;
}, 60_000);

afterAll(() => cleanup(out));

async function ours(file: string, imports: string[] = []): Promise<string> {
  const references = imports.map((name) => ({
    name,
    subject: 'x.y',
    version: '1.0.0',
    schema: { format: 'protobuf' as const, text: readFileSync(join(dir, name), 'utf8') },
  }));
  const schema = await protobufHandler.parse(readFileSync(join(dir, file), 'utf8'), { file: join(dir, file), references, sealed: true });
  return serializedDescriptor(schema, { name: file });
}

describe('format=serialized descriptors match buf', () => {
  for (const [file, imports] of [
    ['common.proto', []],
    ['main.proto', ['common.proto']], // imports, well-known types, maps, oneofs, proto3 optional, reserved, services
    ['p2.proto', []], // proto2: required, defaults, packed, extensions, groups
    ['nested-first.proto', []], // nested types declared before and after map fields
  ] as Array<[string, string[]]>) {
    it(file, async () => {
      const base64 = await ours(file, imports);
      const mine = await decodeDescriptor(base64);
      expect(mine).toBeDefined();
      const theirs = bufFiles.find((f) => f.name === file)!;
      expect(normalizeDescriptor(mine!)).toBe(normalizeDescriptor(theirs));
      // A real Protobuf runtime reads it, with the file's name, package and imports.
      const fd = fromBinary(FileDescriptorProtoSchema, Buffer.from(base64, 'base64'));
      expect(fd.name).toBe(file);
      expect(fd.dependency).toEqual(imports.concat(file === 'main.proto' ? ['google/protobuf/timestamp.proto'] : []));
    });
  }

  it('keeps the file options (java_package) and the package', async () => {
    const fd = fromBinary(FileDescriptorProtoSchema, Buffer.from(await ours('main.proto', ['common.proto']), 'base64'));
    expect(fd.package).toBe('acme.shop');
    expect(fd.options?.javaPackage).toBe('com.acme.shop');
  });

  it('orders nested types as declared, ignoring comments and strings', () => {
    const order = nestedOrder(readFileSync(join(dir, 'nested-first.proto'), 'utf8'));
    expect(order.get('.Outer')).toEqual(['A', 'ByNameEntry', 'B', 'LabelsByIdEntry', 'C']);
    expect(order.get('.Outer.C.D')).toEqual(['AttrsEntry', 'E']);
    expect(order.has('.Fake')).toBe(false);
  });

  it('decodeDescriptor refuses what is not a descriptor', async () => {
    expect(await decodeDescriptor('syntax = "proto3"; message A {}')).toBeUndefined();
    expect(await decodeDescriptor('')).toBeUndefined();
    expect(await decodeDescriptor('////')).toBeUndefined();
    expect(await decodeDescriptor(Buffer.from([0xff, 0xff, 0xff]).toString('base64'))).toBeUndefined();
  });

  it('a posted descriptor parses into a schema that compares with the .proto it came from', async () => {
    const references = [
      {
        name: 'common.proto',
        subject: 'x.y',
        version: '1.0.0',
        schema: { format: 'protobuf' as const, text: readFileSync(join(dir, 'common.proto'), 'utf8') },
      },
    ];
    const fromText = await protobufHandler.parse(readFileSync(join(dir, 'main.proto'), 'utf8'), { file: 'main.proto', references, sealed: true });
    const posted = bufFiles.find((f) => f.name === 'main.proto')!;
    const fromDesc = await parseDescriptor(structuredClone(posted), { file: 'schema', references });
    const { changes } = protobufHandler.compare(fromText, fromDesc, { policy: 'wire' });
    expect(changes.filter((c) => c.breaksBackward || c.breaksForward)).toEqual([]);
    // And a real change is seen.
    const changed = structuredClone(posted) as { messageType: Array<{ name: string; field: Array<{ name: string; type: number }> }> };
    changed.messageType[0].field.find((f) => f.name === 'id')!.type = 3; // string -> int64
    const after = await parseDescriptor(changed, { file: 'schema', references });
    expect(protobufHandler.compare(fromText, after, { policy: 'wire' }).changes.some((c) => c.breaksBackward)).toBe(true);
  });

  it('a posted descriptor never names files: path-like dependencies are refused', async () => {
    for (const dep of ['../etc/passwd', 'google/protobuf/../../x.proto', '/abs.proto', './a.proto']) {
      await expect(parseDescriptor({ name: 'a.proto', dependency: [dep], messageType: [{ name: 'A' }] })).rejects.toThrow(/is not an import path/);
    }
    await expect(parseDescriptor({ name: 'a.proto', dependency: ['missing.proto'], messageType: [{ name: 'A' }] })).rejects.toThrow(/not a reference/);
  });
});

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
import { decodeDescriptor, nestedOrder, normalizeDescriptor, serializedDescriptor } from '../../src/formats/protobuf/descriptor.js';
import { cleanup, REPO, tempDir } from '../helpers.js';

const dir = join(REPO, 'fixtures/protobuf-descriptor');
const desc = createRequire(import.meta.url)('protobufjs/ext/descriptor');
let bufFiles: Array<Record<string, unknown>>;
let out: string;

beforeAll(() => {
  out = tempDir('llm-schema-desc-');
  const set = join(out, 'set.binpb');
  execFileSync(join(REPO, 'node_modules/.bin/buf'), ['build', dir, '-o', set], { cwd: dir });
  bufFiles = desc.FileDescriptorSet.toObject(desc.FileDescriptorSet.decode(readFileSync(set)), { enums: Number }).file;
}, 60_000);

afterAll(() => cleanup(out));

async function ours(file: string, imports: string[] = []): Promise<string> {
  const references = imports.map((name) => ({ name, subject: 'x.y', version: '1.0.0', schema: { format: 'protobuf' as const, text: readFileSync(join(dir, name), 'utf8') } }));
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
});

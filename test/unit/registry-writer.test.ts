/**
 * Writes go through the storage's writer (issue 24): the working tree has one; a registry read from memory
 * (or a git ref, the index, a snapshot) has none, and every write refuses with a usage error naming it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/core/registry.js';
import { UsageError } from '../../src/model/errors.js';
import { FsStorage, MemoryStorage } from '../../src/storage/fs.js';
import type { WritableStorage } from '../../src/storage/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CONFIG = 'compatibility: BACKWARD\nschemas: schemas\n';
const SUBJECT = 'format: json\nversions:\n  - version: 1.0.0\n    id: 1\n    state: active\n';
const SCHEMA = '{"type":"object"}\n';

describe('the registry writer', () => {
  it('the working tree is writable: register writes the version file and subject.yaml through it, and leaves no mark', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'llms-writer-'));
    dirs.push(root);
    const storage: WritableStorage = new FsStorage(root);
    await storage.writer.writeFile('llm-schema.yaml', CONFIG);
    const registry = await Registry.open(root, storage);
    const r = await registry.register({ namespace: 'app', name: 'user', text: SCHEMA, format: 'json' });
    expect(r.written).toEqual(['schemas/app/user/1.0.0.json', 'schemas/app/user/subject.yaml']);
    expect(readFileSync(path.join(root, 'schemas/app/user/1.0.0.json'), 'utf8')).toBe(SCHEMA);
    expect(readdirSync(path.join(root, 'schemas/app/user')).sort()).toEqual(['1.0.0.json', 'subject.yaml']);
    expect(readdirSync(root)).not.toContain('.llm-schema.lock');
    // An exclusive write never replaces a file.
    await expect(storage.writer.writeFile('schemas/app/user/1.0.0.json', '{}', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it("a library user's process keeps its signal handling: writes leave no SIGINT/SIGTERM/SIGHUP handlers behind", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'llms-writer-'));
    dirs.push(root);
    const storage: WritableStorage = new FsStorage(root);
    await storage.writer.writeFile('llm-schema.yaml', CONFIG);
    const registry = await Registry.open(root, storage);
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    for (let i = 0; i < 6; i++) await registry.register({ namespace: 'app', name: `s${i}`, text: SCHEMA, format: 'json' });
    await registry.deprecate({ namespace: 'app', name: 's0' }, '1.0.0', 'replaced');
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('a registry read from memory has no writer: register, deprecate, config and alias refuse, naming the storage', async () => {
    const files = new Map([
      ['llm-schema.yaml', CONFIG],
      ['schemas/app/user/subject.yaml', SUBJECT],
      ['schemas/app/user/1.0.0.json', SCHEMA],
    ]);
    const storage = new MemoryStorage(files, 'main');
    expect(storage.writer).toBeUndefined();
    const registry = await Registry.open('/nowhere', storage);
    const ref = { namespace: 'app', name: 'user' };
    await expect(registry.register({ ...ref, text: SCHEMA, format: 'json' })).rejects.toThrow(new UsageError('cannot register into main: it is read-only'));
    await expect(registry.deprecate(ref, '1.0.0', 'old')).rejects.toThrow('cannot write to main: it is read-only');
    await expect(registry.setSubjectCompatibility(ref, 'FULL')).rejects.toThrow('cannot write to main: it is read-only');
    await expect(registry.setSubjectAliases(ref, ['user-value'], [])).rejects.toThrow('cannot write to main: it is read-only');
    await expect(registry.setDefaultCompatibility('FULL')).rejects.toThrow('cannot write to main: it is read-only');
    expect(files.size).toBe(3);
  });
});

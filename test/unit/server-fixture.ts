/** An in-memory registry for the server and client unit tests. */
import { serializeSubject } from '../../src/core/subject.js';
import { MemoryStorage } from '../../src/storage/fs.js';
import { buildSnapshot } from '../../src/server/load.js';

export const A1 = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
export const A2 = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] };

export function files(extra: Record<string, string> = {}): Map<string, string> {
  return new Map<string, string>(
    Object.entries({
      'llm-schema.yaml': 'compatibility: BACKWARD\nschemas: schemas\n',
      'schemas/app/user/subject.yaml': serializeSubject({
        format: 'json',
        description: 'A user',
        tags: ['people'],
        versions: [
          { version: '1.0.0', id: 11, state: 'deprecated', reason: 'old' },
          { version: '1.1.0', id: 12, state: 'active' },
        ],
      }),
      'schemas/app/user/1.0.0.json': JSON.stringify(A1) + '\n',
      'schemas/app/user/1.1.0.json': JSON.stringify(A2) + '\n',
      'schemas/app/copy/subject.yaml': serializeSubject({ format: 'json', compatibility: 'FULL', versions: [{ version: '1.0.0', id: 11, state: 'active' }] }),
      'schemas/app/copy/1.0.0.json': JSON.stringify(A1) + '\n',
      ...extra,
    }),
  );
}

export function snapshotOf(map: Map<string, string>) {
  return buildSnapshot('/registry', new MemoryStorage(map), 'memory');
}

/** Confluent's guid formula (src/server/guid.ts) against the MD5 values Confluent's own tests pin. */
import { describe, expect, it } from 'vitest';
import { confluentGuid } from '../../src/server/guid.js';

describe('confluentGuid', () => {
  it('is the MD5 of the schema text read as a UUID (Confluent pins these values)', () => {
    const avro = '{"type":"record","name":"myrecord","fields":[{"type":"string","default":null,"name":"f"}]}';
    const bytes = [29, 32, -53, -71, -27, -29, 94, -105, 84, -25, -38, 23, 11, 110, 93, -37].map((b) => (b + 256) % 256);
    expect(confluentGuid(avro).replace(/-/g, '')).toBe(Buffer.from(bytes).toString('hex'));
    const proto =
      'syntax = "proto3";\n\nmessage Complex {\n  int32 int32 = 1;\n  int64 int64 = 2;\n  float float32 = 3;\n  double float64 = 4;\n  bool boolean = 5;\n  string string = 6;\n  bytes bytes = 7;\n  repeated string array = 8;\n  repeated ComplexEntry map = 9;\n\n  message ComplexEntry {\n    string key = 1;\n    int32 value = 2;\n  }\n}\n';
    expect(confluentGuid(proto)).toBe('d49cbf63-d35b-ba54-e1f7-0bdd51528a37');
  });

  it('covers references: name, subject and a 4-byte version', () => {
    const a = confluentGuid('x', [{ name: 'b.proto', subject: 'b', version: 1 }]);
    expect(a).not.toBe(confluentGuid('x'));
    expect(a).not.toBe(confluentGuid('x', [{ name: 'b.proto', subject: 'b', version: 2 }]));
  });
});

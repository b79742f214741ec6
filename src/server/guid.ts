/**
 * Confluent's schema guid: the MD5 of the schema text, then each reference's name, subject and version (a
 * 4-byte big-endian int), then (each behind a 1 byte) the registered metadata and rule set, read as the 16
 * bytes of a UUID (most significant first, no version bits set). This registry registers no Confluent
 * metadata or rule sets (its `metadata.properties` are derived from subject.yaml when served), so those
 * parts are absent, as for a schema registered without them.
 */
import { createHash } from 'node:crypto';

export interface GuidReference {
  name: string;
  subject: string;
  version: number;
}

export function confluentGuid(schema: string, references: readonly GuidReference[] = []): string {
  const md = createHash('md5').update(schema, 'utf8');
  for (const r of references) {
    md.update(r.name, 'utf8');
    md.update(r.subject, 'utf8');
    const v = Buffer.alloc(4);
    v.writeInt32BE(r.version | 0);
    md.update(v);
  }
  const x = md.digest('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

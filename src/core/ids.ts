import { createHash } from 'node:crypto';
import type { FormatName, SchemaReference } from '../model/types.js';

/**
 * A schema id: a positive int32 derived from the canonical content and its references, so that two
 * branches never coordinate and identical schemas in two subjects share an id.
 */
export function schemaId(format: FormatName, canonical: string, references: SchemaReference[] = []): number {
  const h = createHash('sha256');
  h.update(format);
  h.update('\0');
  h.update(canonical);
  for (const r of [...references].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(`\0${r.name}\0${r.subject}\0${r.version}`);
  }
  const n = h.digest().readUInt32BE(0) & 0x7fffffff;
  return n === 0 ? 1 : n;
}

import { createHash } from 'node:crypto';
import type { FormatName, SchemaReference, VersionEntry } from '../model/types.js';

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

/**
 * Whether a version's recorded id stands even though its content gives another: an id brought in by
 * `llm-schema import` is the source registry's (messages in Kafka carry it), recorded and never recomputed.
 */
export function recordedIdStands(entry: Pick<VersionEntry, 'imported'>): boolean {
  return entry.imported !== undefined;
}

/**
 * The version numbers Confluent clients use for a subject's versions, in registration order: an imported
 * version keeps its number in the source registry; any other one is the number after the one before it
 * (1-based registration order for a subject never imported).
 */
export function confluentNumbers(versions: ReadonlyArray<Pick<VersionEntry, 'imported'>>): number[] {
  const out: number[] = [];
  let last = 0;
  for (const v of versions) {
    const n = v.imported && v.imported.number > last ? v.imported.number : last + 1;
    out.push(n);
    last = n;
  }
  return out;
}

/** The version entry a Confluent version number names, if any. */
export function entryByConfluentNumber<T extends Pick<VersionEntry, 'imported'>>(versions: readonly T[], n: number): T | undefined {
  const i = confluentNumbers(versions).indexOf(n);
  return i < 0 ? undefined : versions[i];
}

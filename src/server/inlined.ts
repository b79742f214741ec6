/**
 * A schema posted with its references inlined (a Java serializer with `useLatestVersion` or inlined refs sends
 * the referenced types in place and an empty references list) matches a stored version that has references when
 * both say the same once resolved: Avro by the canonical form of the stored schema with its referenced named
 * types inlined where first used (as Avro writes a self-contained schema); JSON Schema by the compare engine's
 * semantic equivalence (every instance valid under one is valid under the other, both ways, nothing undecided),
 * since a bundler may name the inlined definitions any way it likes. Protobuf has no inlined form (imports are files).
 */
import { compareWithSubject } from '../core/comparison.js';
import type { FormatHandler, ParsedSchema } from '../model/types.js';

/** Whether `candidate` (no references) is `stored` (with references) with its references inlined. */
export async function matchesInlined(handler: FormatHandler, candidate: ParsedSchema, stored: ParsedSchema, budgetMs: number): Promise<boolean> {
  if (!stored.references?.length || candidate.references?.length) return false;
  if (candidate.format !== stored.format) return false;
  if (stored.format === 'avro') {
    const { avscTypeOf } = await import('../formats/avro/handler.js');
    // avsc writes a type with every named type it uses defined in place at its first use.
    const type = (await avscTypeOf(stored)) as unknown as { schema(o: { exportAttrs: boolean }): unknown };
    const inlined = type.schema({ exportAttrs: true });
    const resolved = await handler.parse(JSON.stringify(inlined), { file: 'stored', sealed: true, trusted: true });
    return handler.canonical(resolved) === handler.canonical(candidate);
  }
  if (stored.format === 'json') {
    const { report } = await compareWithSubject({ handler, mode: 'FULL', against: [{ version: 'stored', schema: stored }], candidate, budgetMs });
    return report.compatible && !report.undecided;
  }
  return false;
}

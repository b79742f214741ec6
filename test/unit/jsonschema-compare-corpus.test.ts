/**
 * The JSON Schema compatibility corpus (fixtures/compat/json/corpus/*.json): each pair's BACKWARD and
 * FORWARD truth is written by hand. The checker must match every one, decide every one, and every
 * witness it shows must be confirmed by ajv against both schemas.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { checkCompatibility, requiredBump } from '../../src/core/compat.js';
import type { Change, ParsedSchema } from '../../src/model/types.js';

const DIR = path.join(REPO, 'fixtures/compat/json/corpus');
interface Case {
  id: string;
  old: unknown;
  new: unknown;
  backward: boolean;
  forward: boolean;
  note: string;
  policy?: string;
}
const groups = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const all: Array<[string, Case]> = groups.flatMap((g) => (JSON.parse(readFileSync(path.join(DIR, g), 'utf8')) as Case[]).map((c) => [g, c] as [string, Case]));

const parse = (v: unknown): Promise<ParsedSchema> => jsonSchemaHandler.parse(JSON.stringify(v));
const valid = (s: ParsedSchema, v: unknown) => jsonSchemaHandler.compile(s).validate(v) === null;

function checkWitnesses(changes: Change[], a: ParsedSchema, b: ParsedSchema): void {
  for (const c of changes) {
    if (!c.witness) continue;
    const got = [valid(a, c.witness.value), valid(b, c.witness.value)];
    expect(got, `${c.rule} ${JSON.stringify(c.witness.value)}`).toEqual(c.witness.validUnder === 'old' ? [true, false] : [false, true]);
  }
}

describe('JSON Schema compatibility corpus', () => {
  it('has at least 150 pairs with unique ids, covering every equivalence group and LLM schemas', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map(([, c]) => c.id)).size).toBe(all.length);
    expect(all.filter(([, c]) => c.id.startsWith('eq-')).length).toBeGreaterThanOrEqual(20);
    expect(all.filter(([g]) => g === 'llm.json').length).toBeGreaterThanOrEqual(40);
  });

  for (const [group, k] of all) {
    it(`${group}: ${k.id}`, async () => {
      const a = await parse(k.old);
      const b = await parse(k.new);
      const changes = jsonSchemaHandler.compare!(a, b, { policy: k.policy }).changes;
      expect(
        changes.filter((c) => c.undecided),
        k.note,
      ).toEqual([]);
      const verdict = { backward: !changes.some((c) => c.breaksBackward), forward: !changes.some((c) => c.breaksForward) };
      expect(verdict, `${k.note}: ${JSON.stringify(changes.map((c) => [c.rule, c.path, c.breaksBackward, c.breaksForward]))}`).toEqual({
        backward: k.backward,
        forward: k.forward,
      });
      checkWitnesses(changes, a, b);
      // every broken direction is shown with at least one confirmed witness
      for (const dir of ['backward', 'forward'] as const) {
        if (k[dir]) continue;
        const breaking = changes.filter((c) => (dir === 'backward' ? c.breaksBackward : c.breaksForward));
        // (a change breaking both directions carries its BACKWARD witness; the FORWARD one is in its message)
        expect(
          breaking.some((c) => c.witness && (c.witness.validUnder === (dir === 'backward' ? 'old' : 'new') || (c.breaksBackward && c.breaksForward))),
          `${dir} witness`,
        ).toBe(true);
      }
      // the generic modes and bumps agree with the truth
      const full = checkCompatibility(jsonSchemaHandler, b, [{ version: '1.0.0', schema: a }], 'FULL', { policy: k.policy });
      expect(full.compatible).toBe(k.backward && k.forward);
      const bump = requiredBump(jsonSchemaHandler, a, b, 'BACKWARD', { policy: k.policy });
      if (!k.backward) expect(bump.bump).toBe('major');
      else expect(['minor', 'patch', 'none']).toContain(bump.bump);
      if (k.id.startsWith('eq-')) expect(['patch', 'none']).toContain(bump.bump);
    });
  }
});

/**
 * Every JSON Schema rule has a fixture pair (fixtures/compat/json/<RULE>/) and this test asserts the
 * rule ID, its JSON-pointer path and which directions it breaks; every witness is re-checked with ajv.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { compareJsonSchemas, RULES } from '../../src/formats/jsonschema/compare/index.js';
import type { Change, ParsedSchema } from '../../src/model/types.js';

const DIR = path.join(REPO, 'fixtures/compat/json');
/** <RULE> and <RULE>__<shape> folders (more shapes of one rule). */
const fixtureDirs = readdirSync(DIR).filter((d) => /^[A-Z_]+?(__[a-z0-9_]+)?$/.test(d) && statSync(path.join(DIR, d)).isDirectory());
const ruleDirs = fixtureDirs.filter((d) => !d.includes('__'));

export async function load(file: string): Promise<ParsedSchema> {
  return jsonSchemaHandler.parse(readFileSync(file, 'utf8'), { file });
}

/** Re-check a change's witness with ajv against both schemas. */
export function checkWitness(c: Change, a: ParsedSchema, b: ParsedSchema): void {
  if (!c.witness) return;
  const okOld = jsonSchemaHandler.compile(a).validate(c.witness.value) === null;
  const okNew = jsonSchemaHandler.compile(b).validate(c.witness.value) === null;
  if (c.witness.validUnder === 'old') expect([okOld, okNew], `${c.rule} witness ${JSON.stringify(c.witness.value)}`).toEqual([true, false]);
  else expect([okOld, okNew], `${c.rule} witness ${JSON.stringify(c.witness.value)}`).toEqual([false, true]);
}

describe('JSON Schema rule catalog', () => {
  it('has a fixture for every rule, and every fixture names a rule', () => {
    const ids = RULES.map((r) => r.id);
    expect(ruleDirs.filter((d) => !ids.includes(d))).toEqual([]);
    expect(fixtureDirs.filter((d) => !ids.includes(d.split('__')[0]))).toEqual([]);
    expect(ids.filter((id) => !ruleDirs.includes(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.purpose.length, r.id).toBeGreaterThan(10);
      expect(r.template.length, r.id).toBeGreaterThan(3);
    }
  });
});

describe('JSON Schema rule fixtures', () => {
  for (const rule of fixtureDirs) {
    it(rule, async () => {
      const exp = JSON.parse(readFileSync(path.join(DIR, rule, 'expect.json'), 'utf8'));
      const a = await load(path.join(DIR, rule, 'old.json'));
      const b = await load(path.join(DIR, rule, 'new.json'));
      let changes: Change[];
      if (exp.options) {
        const valid = (s: ParsedSchema) => (x: unknown) => jsonSchemaHandler.compile(s).validate(x) === null;
        changes = compareJsonSchemas(a, b, { ...exp.options, validOld: valid(a), validNew: valid(b) }).changes;
      } else changes = jsonSchemaHandler.compare!(a, b).changes;
      const hit = changes.find((c) => c.rule === exp.rule && c.path === exp.path);
      expect(hit, JSON.stringify(changes, null, 1)).toBeDefined();
      expect({ b: hit!.breaksBackward, f: hit!.breaksForward }).toEqual({ b: exp.breaksBackward, f: exp.breaksForward });
      if (exp.undecided) expect(changes.some((c) => c.undecided)).toBe(true);
      else expect(changes.filter((c) => c.undecided)).toEqual([]);
      expect(changes.some((c) => c.breaksBackward)).toBe(!exp.backwardCompatible);
      expect(changes.some((c) => c.breaksForward)).toBe(!exp.forwardCompatible);
      // a decided break carries a witness that ajv confirms
      if (!exp.undecided && (exp.breaksBackward || exp.breaksForward)) expect(hit!.witness, rule).toBeDefined();
      for (const c of changes) checkWitness(c, a, b);
    });
  }
});

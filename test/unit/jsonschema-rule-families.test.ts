/**
 * The JSON Schema rules live with their code (compare/rules/<family>.ts): every id is a string literal that grep
 * finds in exactly one family file (declared and emitted there), no id is built from a template, the walker and the
 * comparison hold no rule ids of their own, and every rule's handler is one the pair walker calls.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { RULES } from '../../src/formats/jsonschema/compare/rules.js';
import { FAMILIES, PAIR_HANDLERS, RAW_HANDLERS } from '../../src/formats/jsonschema/compare/rules/index.js';
import type { JsonRule } from '../../src/formats/jsonschema/compare/rules/pair.js';

const COMPARE = path.join(REPO, 'src/formats/jsonschema/compare');
const RULES_DIR = path.join(COMPARE, 'rules');
const familyFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'pair.ts');
const source = (f: string) => readFileSync(f, 'utf8');

describe('JSON Schema rules with their code', () => {
  it('every id is a literal in exactly one family file, which both declares and emits it', () => {
    const where: Record<string, string[]> = {};
    for (const r of RULES) {
      const lit = new RegExp(`'${r.id}'`, 'g');
      for (const f of familyFiles) {
        const hits = source(path.join(RULES_DIR, f)).match(lit)?.length ?? 0;
        if (hits) (where[r.id] ??= []).push(f);
        // declared once and emitted (or mapped to its emit site) at least once more in the same file
        if (hits) expect(hits, `${r.id} in ${f}`).toBeGreaterThanOrEqual(2);
      }
    }
    for (const r of RULES) expect(where[r.id], r.id).toHaveLength(1);
  });

  it('no id is built from a template, and the walker and the comparison name no rule', () => {
    for (const f of familyFiles) expect(source(path.join(RULES_DIR, f)), f).not.toMatch(/`[A-Z_]*\$\{[^}]*\}[A-Z_]*`/);
    const ids = new Set(RULES.map((r) => r.id));
    for (const f of ['differ.ts', 'index.ts', 'engine.ts', 'rules.ts']) {
      const lits = [...source(path.join(COMPARE, f)).matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]);
      expect(
        lits.filter((l) => ids.has(l)),
        f,
      ).toEqual([]);
    }
  });

  it('each family file declares its rules; each handler is called by the pair walker', () => {
    const called = new Set<unknown>([...PAIR_HANDLERS, ...RAW_HANDLERS]);
    expect(Object.values(FAMILIES).flat().length).toBe(RULES.length);
    for (const [family, rules] of Object.entries(FAMILIES)) {
      expect(
        familyFiles.some((f) => source(path.join(RULES_DIR, f)).includes(`export const ${family.toUpperCase()}`) || f.startsWith(family)),
        family,
      ).toBe(true);
      for (const r of rules as readonly JsonRule[]) {
        expect(r.purpose.length, r.id).toBeGreaterThan(10);
        if (r.handler) expect(called.has(r.handler), `${r.id}'s handler is walked`).toBe(true);
      }
    }
    // rules without a pair handler are the comparison's own verdicts (verdict.ts) and annotations it finds whole
    expect(
      RULES.filter((r) => !(r as JsonRule).handler)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['DEFINITION_CHANGED', 'EQUIVALENT_REWRITE', 'SCHEMA_EXTENDED', 'SCHEMA_NARROWED', 'UNDECIDED']);
  });
});

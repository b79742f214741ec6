/**
 * Lint and validate rules with their code (issue 24 item 2): each provider lint rule is declared once, in its
 * provider's profile table beside the lint function that emits it (its id a literal in that file only), and
 * every id a lint function emits is declared; validate's rules are one per failing outcome. That each lint rule
 * fires is providers-lint.test.ts's table (a failing and a passing schema per rule, every profile rule covered).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/providers/index.js';
import { recordFinding, RULE_OF_OUTCOME, VALIDATE_RULE_SPECS } from '../../src/core/validate-rules.js';
import { lineOfPointer } from '../../src/model/json.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const PROVIDERS = path.join(ROOT, 'src/providers');

describe('lint rules are declared with their code', () => {
  const files = readdirSync(PROVIDERS).filter((f) => f.endsWith('.ts'));
  const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(PROVIDERS, f), 'utf8')]));
  const profiles = [...new Set(Object.values(PROFILES))];

  it('every id is declared once, in the profile of its provider, and is a literal in that provider file only', () => {
    const ids = profiles.flatMap((p) => Object.keys(p.rules));
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of profiles) {
      for (const id of Object.keys(p.rules)) {
        expect(id.startsWith(`${p.provider}/`), id).toBe(true);
        const holders = files.filter((f) => sources[f].includes(`'${id}'`));
        expect(holders, id).toEqual([`${p.provider}.ts`]);
      }
    }
  });

  it('every id a lint function emits is declared in its profile', () => {
    for (const p of profiles) {
      const src = sources[`${p.provider}.ts`];
      const emitted = [...src.matchAll(/add\('([a-z-]+\/[a-z-]+)'/g)].map((m) => m[1]);
      expect(emitted.length, p.provider).toBeGreaterThan(0);
      for (const id of emitted) expect(Object.keys(p.rules), `${p.provider}.ts emits ${id}`).toContain(id);
    }
  });
});

describe('validate rules', () => {
  it('one declared rule per failing outcome, each a finding at the record', () => {
    const ids = VALIDATE_RULE_SPECS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.values(RULE_OF_OUTCOME).sort()).toEqual([...ids].sort());
    for (const [outcome, rule] of Object.entries(RULE_OF_OUTCOME)) {
      const f = recordFinding({ file: 'd.jsonl', line: 3, outcome: outcome as never, errors: [], reason: 'why' });
      expect(f).toMatchObject({ rule, severity: 'error', location: { file: 'd.jsonl', line: 3 }, message: 'why', data: { outcome } });
    }
    expect(recordFinding({ file: 'd.json', outcome: 'valid', errors: [] })).toBeUndefined();
    const invalid = recordFinding({ file: 'd.json', outcome: 'invalid', errors: [{ path: '/a', message: 'must be string', keyword: 'type' }] }, 10);
    expect(invalid).toEqual({
      rule: 'DATA_INVALID',
      severity: 'error',
      location: { file: 'd.json' },
      message: '/a must be string',
      data: { outcome: 'invalid', errors: [{ path: '/a', message: 'must be string', keyword: 'type' }] },
    });
  });
});

describe('lineOfPointer: where a lint finding is in its file', () => {
  const text =
    '{\n  "type": "object",\n  "properties": {\n    "a/b": { "type": "string", "enum": ["x", "y"] },\n    "m": {\n      "items": [\n        {"s": "}"},\n        true\n      ]\n    }\n  }\n}\n';
  it('finds members, escaped keys, array items; undefined for what the file does not hold', () => {
    expect(lineOfPointer(text, '')).toBe(1);
    expect(lineOfPointer(text, '/type')).toBe(2);
    expect(lineOfPointer(text, '/properties/a~1b')).toBe(4);
    expect(lineOfPointer(text, '/properties/a~1b/enum/1')).toBe(4);
    expect(lineOfPointer(text, '/properties/m/items/1')).toBe(8);
    expect(lineOfPointer(text, '/properties/m/items/2')).toBeUndefined();
    expect(lineOfPointer(text, '/required')).toBeUndefined();
    expect(lineOfPointer(text, '/type/x')).toBeUndefined();
    expect(lineOfPointer('type: object\n', '/type')).toBeUndefined();
    expect(lineOfPointer('{"a": "unterminated', '/b')).toBeUndefined();
  });
});

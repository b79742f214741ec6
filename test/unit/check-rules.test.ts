/**
 * Check rules with their code (issue 24 item 2): every check rule is declared once, by the family file under
 * src/core/check/rules/ that emits it, its id a literal found in that file only; every declared rule has a
 * fixture under fixtures/check/<RULE>/ (a registry at `head/`, and at `base/` for the rules that judge a change,
 * with the finding it must give in expect.json) and every fixture folder is a declared rule. The fixtures run
 * through the check use-case over in-memory storages, so the table is fast.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_RULE_SPECS, runCheck } from '../../src/core/check.js';
import { ALL_CHECK_RULES, CHECK_RULE_FAMILIES } from '../../src/core/check/rules/index.js';
import { LinkEscapeError } from '../../src/storage/fsutil.js';
import { MemoryStorage } from '../../src/storage/fs.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const RULES_DIR = path.join(ROOT, 'src/core/check/rules');
const FIXTURES = path.join(ROOT, 'fixtures/check');

function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(p).isDirectory()) for (const [k, v] of readTree(p, rel)) out.set(k, v);
    else out.set(rel, readFileSync(p, 'utf8'));
  }
  return out;
}

/** A storage over a fixture tree; the paths in `links` read as symbolic links leading out of the registry. */
function storage(dir: string, label: string, links: string[] = []): MemoryStorage {
  const s = new MemoryStorage(readTree(dir), label);
  const read = s.readFile.bind(s);
  s.readFile = async (p: string) => {
    if (links.includes(p)) throw new LinkEscapeError(p);
    return read(p);
  };
  return s;
}

describe('check rules are declared with their code', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  const sources = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(RULES_DIR, f), 'utf8')]));

  it('every rule is declared once, and the table the reporters read is the declarations', () => {
    const ids = ALL_CHECK_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(CHECK_RULE_SPECS.map((r) => r.id)).toEqual(ids);
    for (const r of ALL_CHECK_RULES) {
      expect(r.id).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(typeof r.handler, r.id).toBe('function');
      expect(r.purpose.length, r.id).toBeGreaterThan(10);
    }
  });

  it("each id is a literal in exactly one family's file, the one declaring it, beside its handler", () => {
    for (const [family, rules] of Object.entries(CHECK_RULE_FAMILIES)) {
      for (const r of rules) {
        const holders = files.filter((f) => sources[f].includes(`'${r.id}'`));
        expect(holders, r.id).toEqual([`${family}.ts`]);
        expect(sources[`${family}.ts`], r.id).toContain(`function ${r.handler.name}(`);
      }
    }
    // the walker emits nothing itself
    const walker = readFileSync(path.join(ROOT, 'src/core/check.ts'), 'utf8');
    expect(walker).not.toMatch(/rule: '/);
  });

  it('every rule a family emits is declared', () => {
    const declared = new Set(ALL_CHECK_RULES.map((r) => r.id));
    for (const f of files) {
      for (const m of sources[f].matchAll(/rule: (?:reason \? )?'([A-Z_]+)'(?: : '([A-Z_]+)')?/g)) {
        for (const id of [m[1], m[2]].filter(Boolean)) expect(declared.has(id!), `${f}: ${id}`).toBe(true);
      }
    }
  });

  it('every declared rule has a fixture folder, and every fixture folder is a declared rule', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(ALL_CHECK_RULES.map((r) => r.id).sort());
  });
});

describe('check rule fixtures', () => {
  for (const rule of readdirSync(FIXTURES).sort()) {
    it(`${rule} fires on fixtures/check/${rule}`, async () => {
      const dir = path.join(FIXTURES, rule);
      const doc = JSON.parse(readFileSync(path.join(dir, 'expect.json'), 'utf8')) as { links?: string[]; expected: Record<string, unknown> };
      const base = statSync(path.join(dir, 'base'), { throwIfNoEntry: false }) ? storage(path.join(dir, 'base'), 'base') : undefined;
      const result = await runCheck({ root: dir, head: storage(path.join(dir, 'head'), 'head', doc.links), base });
      const declared = CHECK_RULE_SPECS.find((r) => r.id === rule)!;
      expect(result.findings).toContainEqual(expect.objectContaining({ severity: declared.severity, ...doc.expected }));
    });
  }
});

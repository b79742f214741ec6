/**
 * buf as the oracle for the `strict` policy, which is buf's CSR category exactly: every Protobuf fixture pair
 * runs through `buf breaking` with `breaking.use: [CSR]` twice, new against old (our strict BACKWARD) and old
 * against new (our strict FORWARD: CSR with old and new swapped), and both verdicts must agree, with no
 * exception list.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protobufHandler as h } from '../../src/formats/protobuf/handler.js';
import { BUF_CSR_RULES } from '../../src/formats/protobuf/rules.js';

const root = join(__dirname, '../..');
const base = join(root, 'fixtures/compat/protobuf');
const bufBin = join(root, 'test/integration/node_modules/.bin/buf');

function bufWorks(): string | null {
  if (!existsSync(bufBin)) return `buf not found at ${bufBin}`;
  try {
    execFileSync(bufBin, ['--version'], { encoding: 'utf8' });
    return null;
  } catch (err) {
    return `buf cannot run: ${(err as Error).message}`;
  }
}

/** Does `buf breaking` (CSR) refuse `to` against `from`? */
function bufBreaks(c: string, from: 'old' | 'new', to: 'old' | 'new'): boolean {
  return bufRules(c, from, to).length > 0;
}

/** The rule ids `buf breaking` (CSR) reports for `to` against `from`. */
function bufRules(c: string, from: 'old' | 'new', to: 'old' | 'new'): string[] {
  const d = mkdtempSync(join(tmpdir(), 'buf-oracle-'));
  for (const [dir, side] of [
    ['against', from],
    ['current', to],
  ] as const) {
    mkdirSync(join(d, dir));
    writeFileSync(join(d, dir, 'buf.yaml'), 'version: v2\nbreaking:\n  use: [CSR]\n');
    writeFileSync(join(d, dir, 'a.proto'), readFileSync(join(base, c, `${side}.proto`)));
  }
  try {
    execFileSync(bufBin, ['breaking', '.', '--against', '../against', '--error-format', 'json'], { cwd: join(d, 'current'), encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (err) {
    const e = err as { status?: number; stderr?: string; stdout?: string };
    if (e.status === 100) {
      const rules = (e.stdout ?? '')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => String((JSON.parse(l) as { type?: string }).type));
      return rules.length ? rules : ['(unparsed)'];
    }
    throw new Error(`buf failed on ${c} (exit ${e.status}): ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

const cases = readdirSync(base)
  .filter((d) => !d.startsWith('.'))
  .sort();
const why = bufWorks();
if (why) console.warn(`SKIPPED the buf oracle suite: ${why}`);

describe.skipIf(why !== null)("the strict rule table is buf's CSR list", () => {
  it('lists exactly the rules buf config ls-breaking-rules gives for CSR', () => {
    const d = mkdtempSync(join(tmpdir(), 'buf-rules-'));
    writeFileSync(join(d, 'buf.yaml'), 'version: v2\nbreaking:\n  use: [CSR]\n');
    const out = execFileSync(bufBin, ['config', 'ls-breaking-rules', '--configured-only'], { cwd: d, encoding: 'utf8' });
    const listed = out
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/)[0])
      .filter(Boolean)
      .sort();
    expect(Object.keys(BUF_CSR_RULES).sort()).toEqual(listed);
  });

  for (const [rule, row] of Object.entries(BUF_CSR_RULES)) {
    if (!('fixtures' in row)) continue;
    it(`buf reports ${rule} on ${row.fixtures.join(', ')}`, () => {
      for (const c of row.fixtures) expect([...bufRules(c, 'old', 'new'), ...bufRules(c, 'new', 'old')], c).toContain(rule);
    }, 60_000);
  }
});

describe.skipIf(why !== null)('strict policy is buf breaking (CSR), both directions', () => {
  it('runs on at least 40 pairs', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const c of cases) {
    it(
      c,
      async () => {
        const o = await h.parse(readFileSync(join(base, c, 'old.proto'), 'utf8'), { file: 'old.proto' });
        const n = await h.parse(readFileSync(join(base, c, 'new.proto'), 'utf8'), { file: 'new.proto' });
        const changes = h.compare!(o, n, { policy: 'strict' }).changes;
        const what = JSON.stringify(changes.map((x) => [x.rule, x.breaksBackward, x.breaksForward]));
        expect({ backward: changes.some((x) => x.breaksBackward), forward: changes.some((x) => x.breaksForward) }, what).toEqual({
          backward: bufBreaks(c, 'old', 'new'),
          forward: bufBreaks(c, 'new', 'old'),
        });
      },
      60_000,
    );
  }
});

/**
 * buf as the oracle for the `strict` policy: every Protobuf fixture pair runs through `buf breaking` with
 * `breaking.use: [CSR]` (buf's Confluent-Schema-Registry category, present in buf 1.75), and our strict
 * BACKWARD verdict must agree, except for the intended differences listed here with their reasons.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protobufHandler as h } from '../../src/formats/protobuf/handler.js';

const root = join(__dirname, '../..');
const base = join(root, 'fixtures/compat/protobuf');
const bufBin = join(root, 'node_modules/.bin/buf');

/**
 * Where our strict policy and buf's CSR category intentionally disagree (buf's verdict, then why).
 * The SPEC asks for "no deletions without `reserved`": a field or enum value deleted with BOTH its number and
 * its name reserved is safe for the wire (the number cannot be reused) and for JSON (the name cannot be
 * reused), so strict allows it. buf's CSR also enables FIELD_NO_DELETE / ENUM_VALUE_NO_DELETE, which refuse
 * every deletion, reserved or not.
 */
export const INTENDED_DIFFERENCES: Record<string, { buf: boolean; reason: string }> = {
  FIELD_REMOVED__reserved: { buf: true, reason: 'deletion with number and name reserved: allowed by strict, refused by buf FIELD_NO_DELETE' },
  ENUM_CONST_REMOVED__reserved: { buf: true, reason: 'enum value deletion with number and name reserved: allowed by strict, refused by buf ENUM_VALUE_NO_DELETE' },
};

function bufWorks(): string | null {
  if (!existsSync(bufBin)) return `buf not found at ${bufBin}`;
  try {
    execFileSync(bufBin, ['--version'], { encoding: 'utf8' });
    return null;
  } catch (err) {
    return `buf cannot run: ${(err as Error).message}`;
  }
}

function bufBreaks(c: string): boolean {
  const d = mkdtempSync(join(tmpdir(), 'buf-oracle-'));
  for (const side of ['old', 'new']) {
    mkdirSync(join(d, side));
    writeFileSync(join(d, side, 'buf.yaml'), 'version: v2\nbreaking:\n  use: [CSR]\n');
    writeFileSync(join(d, side, 'a.proto'), readFileSync(join(base, c, `${side}.proto`)));
  }
  try {
    execFileSync(bufBin, ['breaking', '.', '--against', '../old'], { cwd: join(d, 'new'), encoding: 'utf8', stdio: 'pipe' });
    return false;
  } catch (err) {
    const e = err as { status?: number; stderr?: string; stdout?: string };
    if (e.status === 100) return true;
    throw new Error(`buf failed on ${c} (exit ${e.status}): ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

const cases = readdirSync(base).filter((d) => !d.startsWith('.')).sort();
const why = bufWorks();
if (why) console.warn(`SKIPPED the buf oracle suite: ${why}`);

describe.skipIf(why !== null)('strict policy agrees with buf breaking (CSR)', () => {
  it('runs on at least 40 pairs', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  const tally = { agree: 0, intended: 0 };
  for (const c of cases) {
    it(c, async () => {
      const o = await h.parse(readFileSync(join(base, c, 'old.proto'), 'utf8'), { file: 'old.proto' });
      const n = await h.parse(readFileSync(join(base, c, 'new.proto'), 'utf8'), { file: 'new.proto' });
      const ours = h.compare!(o, n, { policy: 'strict' }).changes.some((x) => x.breaksBackward);
      const buf = bufBreaks(c);
      const intended = INTENDED_DIFFERENCES[c];
      if (intended) {
        expect(buf).toBe(intended.buf);
        expect(ours).toBe(!intended.buf);
        tally.intended++;
      } else {
        expect(ours).toBe(buf);
        tally.agree++;
      }
    }, 30_000);
  }
  it('every intended difference names an existing pair', () => {
    for (const k of Object.keys(INTENDED_DIFFERENCES)) expect(cases).toContain(k);
  });
});

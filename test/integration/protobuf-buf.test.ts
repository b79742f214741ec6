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
    execFileSync(bufBin, ['breaking', '.', '--against', '../against'], { cwd: join(d, 'current'), encoding: 'utf8', stdio: 'pipe' });
    return false;
  } catch (err) {
    const e = err as { status?: number; stderr?: string; stdout?: string };
    if (e.status === 100) return true;
    throw new Error(`buf failed on ${c} (exit ${e.status}): ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

const cases = readdirSync(base)
  .filter((d) => !d.startsWith('.'))
  .sort();
const why = bufWorks();
if (why) console.warn(`SKIPPED the buf oracle suite: ${why}`);

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

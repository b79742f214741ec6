/**
 * Issue 23, item 6: a pattern that needs backtracking and that the linear-time engine (RE2) refuses (a
 * lookaround or a backreference) ran on RegExp unbounded: 28 a's and a '!' took 9.8 s, 22.5 s and 12.2 s.
 * `validate` now tests such patterns in a worker thread with a time limit: a record past it is reported as
 * its own outcome ('timeout', with the pattern), counted as failed (exit 1: the data was not shown valid,
 * as compat counts an undecided change as breaking), and the records after it are still validated.
 * Timings are generous here (a shared machine); the real figures are in the report of the issue.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir } from '../helpers.js';

const EVIL = 'a'.repeat(28) + '!';

describe('validate: patterns that need backtracking are bounded', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => cleanup(dir));

  for (const [name, pattern, fine, bad] of [
    ['lookahead', '^(?=a)(a+)+$', 'aaaa', 'b'],
    ['backreference', '(a+)+\\1b', 'aab', 'b'],
    ['negative lookahead', '^(\\w+\\s?)+(?!x)$', 'ab cd', '!'],
  ] as const) {
    it(`${name} ${pattern}: the hostile record times out, the others are validated`, async () => {
      const schema = path.join(dir, `${name.replace(/ /g, '-')}.json`);
      writeFileSync(schema, JSON.stringify({ type: 'string', pattern }));
      const data = path.join(dir, `${name.replace(/ /g, '-')}.jsonl`);
      writeFileSync(data, [EVIL, fine, bad].map((s) => JSON.stringify(s)).join('\n') + '\n');
      const t0 = Date.now();
      const r = await cli(['validate', '--schema', schema, '--data', data, '--json'], { cwd: dir });
      const ms = Date.now() - t0;
      expect(r.code, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout);
      expect(out.outcomes.timeout).toBe(1);
      expect(out.passed).toBe(1);
      const t = out.failures.find((f: { line: number }) => f.line === 1);
      expect(t.outcome).toBe('timeout');
      expect(t.reason).toContain(`pattern ${JSON.stringify(pattern)} ran past its time limit`);
      // the third record is decided: invalid, with ajv's pattern error
      expect(out.failures.find((f: { line: number }) => f.line === 3).outcome).toBe('invalid');
      // unbounded, these took 10 to 22 s each
      expect(ms).toBeLessThan(8000);
    }, 30_000);
  }

  it('text output: one line naming the file, line and pattern; the summary counts it', async () => {
    writeFileSync(path.join(dir, 's.json'), JSON.stringify({ type: 'string', pattern: '^(?=a)(a+)+$' }));
    writeFileSync(path.join(dir, 'd.jsonl'), JSON.stringify(EVIL) + '\n');
    const r = await cli(['validate', '--schema', 's.json', '--data', 'd.jsonl'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ d\.jsonl:1: pattern "\^\(\?=a\)\(a\+\)\+\$" ran past its time limit \(\d+ ms\)/m);
    expect(r.stdout).toMatch(/0 passed, 1 failed \(1 timed out\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('benign data under a lookaround pattern keeps its exact answers', async () => {
    writeFileSync(path.join(dir, 'pw.json'), JSON.stringify({ type: 'string', pattern: '^(?=.*\\d)(\\w+\\s?)+$' }));
    writeFileSync(path.join(dir, 'pw.jsonl'), ['abc1', 'abc', 'a1 b2'].map((s) => JSON.stringify(s)).join('\n') + '\n');
    const r = await cli(['validate', '--schema', 'pw.json', '--data', 'pw.jsonl', '--json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.passed).toBe(2);
    expect(out.failures.map((f: { line: number; outcome: string }) => [f.line, f.outcome])).toEqual([[2, 'invalid']]);
  }, 30_000);
});

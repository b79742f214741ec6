/**
 * Every comparison is bounded (issue #14): huge enums, 10,000-branch anyOfs and 10,000-deep nesting get an
 * answer (decided, or "undecided" with the reason and counted as breaking), never a hang; and a schema no
 * validator can compile (a $ref loop with no base case, an invalid pattern) is refused with exit 2 by
 * compat, diff and register instead of being called compatible. Timings are measured in the bench
 * (test/bench/compat.mjs), not asserted here.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, tempDir, writeTree } from '../helpers.js';

describe('compat on huge inputs answers', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    const N = 1_000_000;
    const en = Array.from({ length: N }, (_, i) => `v${i}`);
    writeFileSync(path.join(dir, 'enum-old.json'), JSON.stringify({ type: 'string', enum: en }));
    en[N - 1] = 'w';
    writeFileSync(path.join(dir, 'enum-new.json'), JSON.stringify({ type: 'string', enum: en }));
    writeFileSync(path.join(dir, 'enum-same.json'), JSON.stringify({ type: 'string', enum: [...en].reverse() }));
    const br = Array.from({ length: 10_000 }, (_, i) => ({ type: 'object', properties: { kind: { const: `k${i}` } }, required: ['kind'] }));
    writeFileSync(path.join(dir, 'anyof-old.json'), JSON.stringify({ anyOf: br }));
    writeFileSync(path.join(dir, 'anyof-new.json'), JSON.stringify({ anyOf: br.slice(1) }));
    const deep = (leaf: string) => '{"type":"object","properties":{"a":'.repeat(10_000) + leaf + '}}'.repeat(10_000);
    writeFileSync(path.join(dir, 'deep-old.json'), deep('{"type":"string"}'));
    writeFileSync(path.join(dir, 'deep-new.json'), deep('{"type":"integer"}'));
  });
  afterAll(() => cleanup(dir));

  it('--budget sets the time budget; a bad value is a usage error', async () => {
    for (const bad of ['0', 'abc', '1.5', '9999999']) {
      const r = await cli(['compat', '--old', 'anyof-old.json', '--new', 'anyof-new.json', '--budget', bad], { cwd: dir });
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('--budget');
    }
    // A 1 ms budget cannot decide a 10,000-branch anyOf: undecided, counted as breaking, with the reason.
    const r = await cli(['compat', '--old', 'anyof-old.json', '--new', 'anyof-new.json', '--budget', '1', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).undecided).toBe(true);
  });

  it('a 1,000,000-value enum with one value replaced: incompatible both ways, with the witnesses', async () => {
    const r = await cli(['compat', '--old', 'enum-old.json', '--new', 'enum-new.json', '--mode', 'FULL', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.compatible).toBe(false);
    // decided with ajv-checked witnesses, or undecided for the budget (a loaded machine): never "compatible"
    const c = out.changes.find((x: { rule: string; undecided?: boolean }) => x.rule === 'ENUM_ARRAY_CHANGED' || x.undecided);
    expect(c, r.stdout.slice(0, 2000)).toBeDefined();
    if (!c.undecided) expect(c.witness.value).toBe('v999999');
    else expect(c.message).toMatch(/budget/);
  }, 300_000);

  it('the same 1,000,000 values in another order: compatible', async () => {
    const r = await cli(['compat', '--old', 'enum-new.json', '--new', 'enum-same.json', '--mode', 'FULL', '--json'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    // an undecided answer (budget) is allowed on a loaded machine, but then it says so
    if (r.code === 1)
      expect(
        out.changes.some((x: { undecided?: boolean }) => x.undecided),
        r.stdout.slice(0, 2000),
      ).toBe(true);
    else expect(r.code).toBe(0);
  }, 300_000);

  it('a 10,000-branch anyOf losing a branch: incompatible (decided or undecided with the reason)', async () => {
    const r = await cli(['compat', '--old', 'anyof-old.json', '--new', 'anyof-new.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.compatible).toBe(false);
    for (const c of out.changes.filter((x: { undecided?: boolean }) => x.undecided)) expect(c.message).toMatch(/cannot decide/);
  }, 300_000);

  it('10,000-deep nesting: a clear refusal (exit 2) naming the file, no stack trace', async () => {
    const r = await cli(['compat', '--old', 'deep-old.json', '--new', 'deep-new.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^llm-schema: deep-old\.json: .*nested too deeply/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);
});

describe('20,000 properties against one (issue 23: was 80 s, 4.1 GB and a V8 fatal error, exit 134)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    const wide = (n: number) => ({ type: 'object', properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }])) });
    writeFileSync(path.join(dir, 'wide.json'), JSON.stringify(wide(20_000)));
    writeFileSync(path.join(dir, 'one.json'), JSON.stringify(wide(1)));
  });
  afterAll(() => cleanup(dir));

  // timings are measured in the bench (test/bench/compat-wide.mjs); here: an answer, never a crash
  it('compat answers: compatible under BACKWARD (removing optional properties from an open model)', async () => {
    const r = await cli(['compat', '--old', 'wide.json', '--new', 'one.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.compatible).toBe(true);
    expect(out.changes).toHaveLength(19_999);
    expect(out.changes.every((c: { backward: boolean; forward: boolean }) => !c.backward && c.forward)).toBe(true);
  }, 30_000);

  it('compat the other way under FULL: incompatible (decided, or undecided for the budget), never a crash', async () => {
    const r = await cli(['compat', '--old', 'one.json', '--new', 'wide.json', '--mode', 'FULL', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.compatible).toBe(false);
    for (const c of out.changes.filter((x: { undecided?: boolean }) => x.undecided)) expect(c.message).toMatch(/cannot decide/);
  }, 30_000);

  it('diff lists every change', async () => {
    const r = await cli(['diff', '--old', 'wide.json', '--new', 'one.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changes).toHaveLength(19_999);
    expect(r.stderr).toBe('');
  }, 30_000);
});

describe('uncompilable schemas are refused, not called compatible', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'ok.json': { type: 'string' },
      'self.json': { $ref: '#' },
      'loop.json': { $defs: { a: { $ref: '#/$defs/b' }, b: { allOf: [{ $ref: '#/$defs/a' }] } }, $ref: '#/$defs/a' },
      'anyof-loop.json': { anyOf: [{ type: 'string' }, { $ref: '#' }] },
      'badre.json': { type: 'string', pattern: '(a' },
      'recursive.json': { type: 'object', properties: { next: { $ref: '#' } } },
    });
  });
  afterAll(() => cleanup(dir));

  for (const [file, why] of [
    ['self.json', /refers back to itself/],
    ['loop.json', /'\/\$defs\/[ab]' refers back to itself/],
    ['anyof-loop.json', /refers back to itself/],
    ['badre.json', /pattern "\(a" at '\/' is not a valid regular expression/],
  ] as const) {
    it(`${file}: compat and diff exit 2 with the reason, whichever side it is on`, async () => {
      for (const args of [
        ['compat', '--old', 'ok.json', '--new', file],
        ['compat', '--old', file, '--new', 'ok.json'],
        ['diff', '--old', 'ok.json', '--new', file],
      ]) {
        const r = await cli(args, { cwd: dir });
        expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(2);
        expect(r.stderr.trim()).toMatch(new RegExp(`^llm-schema: ${file.replace('.', '\\.')}: schema cannot be compiled: `));
        expect(r.stderr).toMatch(why);
        expect(r.stdout).toBe('');
      }
    });
  }

  it('a recursive schema with a base case (through a property) is fine', async () => {
    const r = await cli(['compat', '--old', 'recursive.json', '--new', 'recursive.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  });

  it('register refuses a $ref to itself (exit 2) and writes nothing', async () => {
    const reg = await newRegistry({ 'self.json': { $ref: '#' } });
    try {
      const r = await cli(['register', '--namespace', 'app', '--name', 'loop', '--file', 'self.json'], { cwd: reg });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/schema cannot be compiled: the schema at '\/' refers back to itself/);
      const l = await cli(['list', '--json'], { cwd: reg });
      expect(l.stdout).not.toMatch(/loop/);
    } finally {
      cleanup(reg);
    }
  });
});

describe('a patternProperties key that needs backtracking (a backreference RE2 cannot run)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    // Natively, ^(a+)+\1b$ against 28 a's and '!' takes tens of seconds (and the comparison then answered past its budget).
    const pattern = '^(a+)+\\1b$';
    const name = 'a'.repeat(28) + '!';
    writeFileSync(
      path.join(dir, 'old.json'),
      JSON.stringify({ type: 'object', patternProperties: { [pattern]: { type: 'string' } }, properties: { [name]: { type: 'integer' } } }),
    );
    writeFileSync(path.join(dir, 'new.json'), JSON.stringify({ type: 'object', patternProperties: { [pattern]: { type: 'string' } } }));
  });
  afterAll(() => cleanup(dir));

  it('is tested with a time limit: the comparison ends undecided (counted as breaking, exit 1) instead of hanging', async () => {
    const r = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).undecided).toBe(true);
  }, 60_000);
});

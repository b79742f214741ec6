/**
 * `check --output-file FILE`: each --format writes to the --output-file after it, so CI runs check once
 * for several reports (JUnit for the test tab, GitLab Code Quality, GitHub annotations on stdout).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry } from '../helpers.js';

describe('check --output-file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'a.json': { type: 'string' }, 'b.json': { type: 'string', maxLength: 3 } });
    for (const args of [
      ['register', 'app.a', '--file', 'a.json'],
      ['register', 'app.a', '--file', 'b.json', '--allow-breaking', 'short codes'],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    mkdirSync(path.join(dir, 'out'));
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('one run writes several reports, each in its own format, and prints the unpaired one', async () => {
    const r = await cli(
      ['check', '--format', 'junit', '--output-file', 'out/r.xml', '--format', 'gitlab', '--output-file', 'out/cq.json', '--format', 'json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const stdout = JSON.parse(r.stdout);
    expect(stdout.ok).toBe(true);
    expect(stdout.findings.map((f: { rule: string }) => f.rule)).toEqual(['BREAKING_CHANGE_APPROVED']);
    const junit = readFileSync(path.join(dir, 'out/r.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('<testsuites name="llm-schema check"');
    const gitlab = JSON.parse(readFileSync(path.join(dir, 'out/cq.json'), 'utf8'));
    expect(Array.isArray(gitlab)).toBe(true);
    // The same report a separate run prints (but for its timings).
    const alone = await cli(['check', '--format', 'junit'], { cwd: dir });
    const untimed = (s: string) => s.replace(/ (time|timestamp)="[^"]*"/g, '');
    expect(untimed(alone.stdout).trimEnd()).toBe(untimed(junit).trimEnd());
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['cq.json', 'r.xml']);
  });

  it('with every report in a file, stdout is empty; a lone --output-file takes the global format', async () => {
    const r = await cli(['check', '--format', 'sarif', '--output-file', 'out/r.sarif'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(path.join(dir, 'out/r.sarif'), 'utf8')).version).toBe('2.1.0');
    const g = await cli(['--format', 'json', 'check', '--output-file', 'out/g.json'], { cwd: dir });
    expect(g.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'out/g.json'), 'utf8')).ok).toBe(true);
  });

  it('usage errors are exit 2 with one line: two reports on stdout, a file given twice, an unknown format', async () => {
    for (const [args, re] of [
      [['check', '--format', 'json', '--format', 'junit'], /only one report can go to stdout/],
      [['check', '--format', 'json', '--output-file', 'out/x', '--format', 'junit', '--output-file', 'out/x'], /--output-file out\/x is given twice/],
      [['check', '--format', 'junit', '--output-file', 'out/y', '--format', 'html', '--output-file', 'out/z'], /unknown --format 'html'/],
    ] as const) {
      const r = await cli([...args], { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(path.join(dir, 'out/x'))).toBe(false);
    expect(existsSync(path.join(dir, 'out/y'))).toBe(false);
  });

  it('an unwritable report file is exit 2 naming it, and leaves nothing half-written', async () => {
    const r = await cli(['check', '--format', 'junit', '--output-file', 'out'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^llm-schema: out: cannot write the report/);
    expect(readdirSync(path.join(dir, 'out')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

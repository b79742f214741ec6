/**
 * compat and diff report through the reporters check uses: --format github|junit|sarif|gitlab and --output-file.
 * text and json keep their own shapes (compat-diff.test.ts). No SARIF 2.1.0 JSON schema is available offline, so
 * the SARIF test asserts what GitHub code scanning requires: version, runs[].tool.driver (name, rules with ids),
 * results with ruleId, a valid level, message.text and a physical location with artifactLocation.uri.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir, writeTree } from '../helpers.js';

const v1 = { type: 'object', properties: { name: { type: 'string', maxLength: 20 } }, additionalProperties: false };
const breaking = { ...v1, properties: { name: { type: 'string', maxLength: 10 } } };
const annotated = { ...v1, description: 'a user' };

describe('compat and diff --format through the shared reporters', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, { 'old.json': v1, 'new.json': breaking, 'same.json': annotated });
  });
  afterAll(() => cleanup(dir));

  it('compat --format sarif: valid SARIF 2.1.0 for code scanning; exit 1 as with text', async () => {
    const r = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toBe('2.1.0');
    expect(doc.$schema).toMatch(/sarif-2\.1\.0/);
    expect(doc.runs).toHaveLength(1);
    const run = doc.runs[0];
    expect(run.tool.driver.name).toBe('llm-schema');
    const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toContain('MAX_LENGTH_DECREASED');
    for (const rule of run.tool.driver.rules) {
      expect(rule.shortDescription.text.length).toBeGreaterThan(3);
      expect(['error', 'warning', 'note', 'none']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.results.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(typeof res.ruleId).toBe('string');
      expect(ids[res.ruleIndex]).toBe(res.ruleId);
      expect(['error', 'warning', 'note', 'none']).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('new.json');
    }
    const hit = run.results.find((x: { ruleId: string }) => x.ruleId === 'MAX_LENGTH_DECREASED');
    expect(hit).toMatchObject({ level: 'error', properties: { pointer: '/properties/name/maxLength', backward: true, forward: false, breaking: true } });
  });

  it('an annotation-only change is a note in SARIF; compat passes (exit 0)', async () => {
    const r = await cli(['compat', '--old', 'old.json', '--new', 'same.json', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout).runs[0].results;
    expect(res.map((x: { ruleId: string; level: string }) => [x.ruleId, x.level])).toEqual([['ANNOTATION_CHANGED', 'note']]);
  });

  it('compat --format github prints annotations and a summary line naming compat', async () => {
    const r = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=new\.json,title=MAX_LENGTH_DECREASED[^:]*::\/properties\/name\/maxLength: maxLength decreased from 20 to 10$/m);
    expect(r.stdout).toMatch(/^llm-schema compat failed: 1 subject \(new\.json against old\.json\): 1 error, 0 warnings, 0 notices$/m);
  });

  it('diff --format junit and gitlab; --output-file writes the report instead of stdout', async () => {
    const j = await cli(['diff', '--old', 'old.json', '--new', 'new.json', '--format', 'junit'], { cwd: dir });
    expect(j.code).toBe(0);
    expect(j.stdout).toContain('<testsuite name="llm-schema diff"');
    expect(j.stdout).toContain('type="MAX_LENGTH_DECREASED"');
    const g = await cli(['diff', '--old', 'old.json', '--new', 'new.json', '--format', 'gitlab', '--output-file', 'cq.json'], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toBe('');
    const issues = JSON.parse(readFileSync(path.join(dir, 'cq.json'), 'utf8'));
    expect(issues[0]).toMatchObject({ check_name: 'MAX_LENGTH_DECREASED', severity: 'major', location: { path: 'new.json' } });
  });

  it('--format json keeps the command JSON (to a file too); an unknown format is a usage error', async () => {
    const r = await cli(['compat', '--old', 'old.json', '--new', 'new.json', '--format', 'json', '--output-file', 'c.json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(readFileSync(path.join(dir, 'c.json'), 'utf8'));
    expect(Object.keys(out)).toEqual(['compatible', 'mode', 'undecided', 'changes']);
    const bad = await cli(['diff', '--old', 'old.json', '--new', 'new.json', '--format', 'xml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown --format 'xml'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});

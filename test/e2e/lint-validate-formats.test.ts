/**
 * lint and validate report through the reporters check, compat and diff use: --format github|junit|sarif|gitlab
 * and --output-file. text and json keep their own shapes (export-lint.test.ts, llm-*.test.ts). No SARIF 2.1.0
 * JSON schema is available offline, so the SARIF tests assert what GitHub code scanning requires: version,
 * runs[].tool.driver (name, rules with ids), results with ruleId and ruleIndex into the rules, a valid level,
 * message.text and a physical location with artifactLocation.uri (and region.startLine where known).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, writeTree } from '../helpers.js';

const TOOL = {
  type: 'object',
  properties: { a: { type: 'string' }, m: { type: 'object', additionalProperties: { type: 'string' } } },
};
const SCHEMA = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
const LEVELS = ['error', 'warning', 'note', 'none'];

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }>;
  properties?: Record<string, unknown>;
}

/** The SARIF document's one run, checked for what code scanning needs. */
function sarifRun(stdout: string): { ids: string[]; results: SarifResult[] } {
  const doc = JSON.parse(stdout);
  expect(doc.version).toBe('2.1.0');
  expect(doc.$schema).toMatch(/sarif-2\.1\.0/);
  expect(doc.runs).toHaveLength(1);
  const run = doc.runs[0];
  expect(run.tool.driver.name).toBe('llm-schema');
  const ids: string[] = run.tool.driver.rules.map((x: { id: string }) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const rule of run.tool.driver.rules) {
    expect(rule.shortDescription.text.length).toBeGreaterThan(3);
    expect(LEVELS).toContain(rule.defaultConfiguration.level);
  }
  for (const res of run.results as SarifResult[]) {
    expect(ids[res.ruleIndex!]).toBe(res.ruleId);
    expect(LEVELS).toContain(res.level);
    expect(res.message.text.length).toBeGreaterThan(0);
    expect(res.locations[0].physicalLocation.artifactLocation.uri.length).toBeGreaterThan(0);
  }
  return { ids, results: run.results };
}

describe('lint and validate --format through the shared reporters', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'tool.json': TOOL, 'schema.json': SCHEMA, 'answer.json': SCHEMA });
    writeTree(dir, { 'data.jsonl': '{"a":"x"}\n{"a":1}\n{bad\n', 'one.json': { a: 2 } });
    const r = await cli(['register', '--namespace', 'myapp', '--name', 'answer', '--file', 'answer.json', '--kind', 'response'], { cwd: dir });
    if (r.code !== 0) throw new Error(r.stderr);
  });
  afterAll(() => cleanup(dir));

  it('lint --format sarif: the profile declared as tool.driver.rules, each finding at its file; exit 1 on errors', async () => {
    const r = await cli(['lint', '--schema', 'tool.json', '--target', 'openai', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    const { ids, results } = sarifRun(r.stdout);
    expect(ids).toContain('openai/root-object');
    expect(ids).toContain('openai/all-required');
    const hit = results.find((x) => x.ruleId === 'openai/map-object')!;
    expect(hit).toMatchObject({ level: 'error', properties: { pointer: '/properties/m/additionalProperties' } });
    expect(hit.locations[0].physicalLocation.artifactLocation.uri).toBe('tool.json');
    // the pointer's line in the file (JSON.stringify(TOOL, null, 2): "additionalProperties" of m is line 9)
    expect(hit.locations[0].physicalLocation.region?.startLine).toBe(9);
    expect(results.find((x) => x.ruleId === 'openai/all-required')?.level).toBe('note');
  });

  it('lint --format github of a registered subject: annotations at the version file, a summary naming lint', async () => {
    const r = await cli(['lint', 'myapp.answer', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^::warning file=schemas\/myapp\/answer\/1\.0\.0\.json,line=4,title=generic\/property-description myapp\.answer 1\.0\.0::\/properties\/a: /m,
    );
    expect(r.stdout).toMatch(/^llm-schema lint passed: 1 subject \(generic rules\): 0 errors, 2 warnings, 0 notices$/m);
  });

  it('lint --format junit and gitlab; --output-file writes the report instead of stdout', async () => {
    const j = await cli(['lint', '--schema', 'tool.json', '--target', 'openai', '--format', 'junit'], { cwd: dir });
    expect(j.code).toBe(1);
    expect(j.stdout).toContain('<testsuite name="llm-schema lint"');
    expect(j.stdout).toContain('type="openai/map-object"');
    const g = await cli(['lint', '--schema', 'tool.json', '--format', 'gitlab', '--output-file', 'cq.json'], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toBe('');
    const issues = JSON.parse(readFileSync(path.join(dir, 'cq.json'), 'utf8'));
    expect(issues[0]).toMatchObject({ check_name: 'generic/property-description', severity: 'minor', location: { path: 'tool.json' } });
  });

  it('lint --format json keeps its fields, to a file too', async () => {
    const a = await cli(['lint', '--schema', 'tool.json', '--json'], { cwd: dir });
    const b = await cli(['lint', '--schema', 'tool.json', '--json', '--output-file', 'l.json'], { cwd: dir });
    expect(b.stdout).toBe('');
    expect(readFileSync(path.join(dir, 'l.json'), 'utf8')).toBe(a.stdout + '\n'); // execa drops the last newline
    expect(Object.keys(JSON.parse(a.stdout))).toEqual(['target', 'profile', 'ok', 'errors', 'warnings', 'notes', 'subjects', 'skipped', 'findings']);
  });

  it('validate --format sarif: one result per failing record, at its file and line, rule = its outcome', async () => {
    const r = await cli(['validate', '--schema', 'schema.json', '--data', 'data.jsonl', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 passed, 2 failed');
    const { ids, results } = sarifRun(r.stdout);
    expect(ids).toEqual(expect.arrayContaining(['DATA_INVALID', 'DATA_UNREADABLE', 'DATA_UNPARSEABLE', 'DATA_NO_JSON']));
    expect(
      results.map((x) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region?.startLine]),
    ).toEqual([
      ['DATA_INVALID', 'error', 'data.jsonl', 2],
      ['DATA_UNREADABLE', 'error', 'data.jsonl', 3],
    ]);
    expect(results[0]).toMatchObject({ message: { text: '/a must be string' }, properties: { outcome: 'invalid', errors: [{ path: '/a', keyword: 'type' }] } });
  });

  it('validate --format github: an annotation per failing record, then the summary; a single JSON file has no line', async () => {
    const r = await cli(['validate', '--schema', 'schema.json', '--data', 'data.jsonl', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      '::error file=data.jsonl,line=2,title=DATA_INVALID schema.json::/a must be string',
      expect.stringMatching(/^::error file=data\.jsonl,line=3,title=DATA_UNREADABLE schema\.json::invalid JSON/),
    ]);
    expect(r.stdout).toMatch(/^llm-schema validate failed: 1 subject \(schema\.json\): 2 errors, 0 warnings, 0 notices$/m);
    const one = await cli(['validate', 'myapp.answer', '--data', 'one.json', '--format', 'github'], { cwd: dir });
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/^::error file=one\.json,title=DATA_INVALID myapp\.answer 1\.0\.0::\/a must be string$/m);
  });

  it('validate --format junit and gitlab; text and json to --output-file are what stdout shows', async () => {
    const j = await cli(['validate', '--schema', 'schema.json', '--data', 'data.jsonl', '--format', 'junit'], { cwd: dir });
    expect(j.stdout).toContain('<testsuite name="llm-schema validate"');
    expect(j.stdout).toContain('type="DATA_INVALID"');
    const g = await cli(['validate', '--schema', 'schema.json', '--data', 'data.jsonl', '--format', 'gitlab'], { cwd: dir });
    expect(JSON.parse(g.stdout).map((i: { check_name: string; location: unknown }) => [i.check_name, i.location])).toEqual([
      ['DATA_INVALID', { path: 'data.jsonl', lines: { begin: 2 } }],
      ['DATA_UNREADABLE', { path: 'data.jsonl', lines: { begin: 3 } }],
    ]);
    for (const format of ['text', 'json']) {
      const a = await cli(['validate', '--schema', 'schema.json', '--data', 'data.jsonl', '--format', format], { cwd: dir });
      const b = await cli(['validate', '--schema', 'schema.json', '--data', 'data.jsonl', '--format', format, '--output-file', `v.${format}`], { cwd: dir });
      expect(b.code).toBe(a.code);
      expect(b.stdout).toBe('');
      expect(readFileSync(path.join(dir, `v.${format}`), 'utf8')).toBe(a.stdout + '\n');
    }
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, makeRepo, read, V2_BREAKING, write } from './check-helpers.js';

// One failing change set, rendered by every reporter: an edited registered version and an incompatible new one.
let repo: string;
let reg: string;
const USER = 'schemas/app/user';
beforeAll(async () => {
  ({ repo, reg } = await makeRepo());
  write(reg, 'v2.avsc', V2_BREAKING);
  const r = await cli(reg, ['register', 'app.user', '--file', 'v2.avsc', '--allow-breaking', 'x']);
  expect(r.exitCode).toBe(0);
  write(reg, `${USER}/subject.yaml`, read(reg, `${USER}/subject.yaml`).replace(/^\s*allow-breaking:.*\n/m, ''));
  write(reg, `${USER}/1.0.0.avsc`, read(reg, `${USER}/1.0.0.avsc`).replace('"User"', '"Person"'));
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const check = (format: string, env: Record<string, string> = {}) => cli(reg, ['check', '--against', 'main', '--format', format], env);

describe('check reporters', () => {
  it('github: ::error annotations with file and line, and a Markdown job summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llms-summary-'));
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '');
    try {
      const res = await check('github', { GITHUB_STEP_SUMMARY: summary });
      expect(res.exitCode).toBe(1);
      const lines = res.stdout.split('\n').filter((l) => l.startsWith('::'));
      expect(lines.some((l) => /^::error file=schemas\/app\/user\/1\.0\.0\.avsc,line=1,title=VERSION_CHANGED app\.user 1\.0\.0::/.test(l))).toBe(true);
      const incompatible = lines.find((l) => l.includes('title=INCOMPATIBLE_CHANGE'))!;
      expect(incompatible).toMatch(/^::error file=schemas\/app\/user\/subject\.yaml,line=\d+,/);
      const md = readFileSync(summary, 'utf8');
      expect(md).toMatch(/^### :x: llm-schema check/m);
      expect(md).toMatch(/\| error \| `VERSION_CHANGED` \| app\.user \| 1\.0\.0 \|/);
      expect(md).toContain('allow-breaking');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('github: prints at most 10 annotations, then a count', async () => {
    const { repo: r2, reg: reg2 } = await makeRepo();
    try {
      for (let i = 0; i < 12; i++) write(reg2, `schemas/app/s${i}/1.0.0.avsc`, '{}');
      const res = await cli(reg2, ['check', '--against', 'main', '--format', 'github']);
      expect(res.exitCode).toBe(1);
      expect(res.stdout.split('\n').filter((l) => l.startsWith('::error')).length).toBe(10);
      expect(res.stdout).toMatch(/and 2 more findings/);
    } finally {
      rmSync(r2, { recursive: true, force: true });
    }
  });

  it('junit: well-formed XML with one testcase per subject and the findings as failures', async () => {
    const res = await check('junit');
    expect(res.exitCode).toBe(1);
    const xml = res.stdout;
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(wellFormed(xml)).toBe(true);
    const cases = xml.match(/<testcase [^>]*name="([^"]+)"/g)!;
    expect(cases.length).toBe(1);
    expect(cases[0]).toContain('name="app.user"');
    expect(xml).toMatch(/<failure message="[^"]+" type="(VERSION_CHANGED|INCOMPATIBLE_CHANGE)">/);
    expect(xml).toContain('INCOMPATIBLE_CHANGE 2.0.0');
    expect(xml).toMatch(/failures="1"/);
  });

  it('sarif: SARIF 2.1.0 with rule metadata and located results', async () => {
    const res = await check('sarif');
    expect(res.exitCode).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc.version).toBe('2.1.0');
    const run = doc.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toContain('VERSION_CHANGED');
    expect(run.tool.driver.rules.every((r: { shortDescription: { text: string } }) => r.shortDescription.text.length > 0)).toBe(true);
    const changed = run.results.find((r: { ruleId: string }) => r.ruleId === 'VERSION_CHANGED');
    expect(changed.level).toBe('error');
    expect(ids[changed.ruleIndex]).toBe('VERSION_CHANGED');
    expect(changed.locations[0].physicalLocation.artifactLocation.uri).toBe(`${USER}/1.0.0.avsc`);
    expect(changed.locations[0].physicalLocation.region.startLine).toBe(1);
    expect(run.results.some((r: { ruleId: string }) => r.ruleId === 'INCOMPATIBLE_CHANGE')).toBe(true);
  });

  it('gitlab: a Code Quality array with unique fingerprints and locations', async () => {
    const res = await check('gitlab');
    expect(res.exitCode).toBe(1);
    const issues = JSON.parse(res.stdout) as Array<{
      check_name: string;
      fingerprint: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }>;
    expect(Array.isArray(issues)).toBe(true);
    expect(issues.map((i) => i.check_name)).toEqual(expect.arrayContaining(['VERSION_CHANGED', 'INCOMPATIBLE_CHANGE']));
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    for (const i of issues) {
      expect(i.fingerprint).toMatch(/^[0-9a-f]{32,}$/);
      expect(i.severity).toBe('major');
      expect(i.location.lines.begin).toBeGreaterThan(0);
    }
    // Stable across runs, so GitLab can tell new issues from old ones.
    const again = JSON.parse((await check('gitlab')).stdout) as typeof issues;
    expect(again.map((i) => i.fingerprint)).toEqual(issues.map((i) => i.fingerprint));
  });

  it('json and text carry the same findings', async () => {
    const j = JSON.parse((await check('json')).stdout);
    const t = (await check('text')).stdout;
    expect(j.ok).toBe(false);
    for (const f of j.findings) expect(t).toContain(f.rule);
    expect(t).toMatch(/failed: checked 1 changed subject/);
  });

  it('refuses an unknown format with exit 2', async () => {
    const res = await check('xml');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/unknown --format 'xml'/);
  });
});

/** A small XML well-formedness check: balanced tags, quoted attributes, no stray '<' or '&'. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(body))) {
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(m[5])) return false;
      continue;
    }
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]);
  }
  return pos === body.length && stack.length === 0;
}

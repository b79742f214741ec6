/**
 * The reporter layer for changes and records is pure: views in, text out (src/report/changes.ts,
 * src/report/records.ts). The commands' byte-for-byte output is covered by the e2e suite; these pin the shapes.
 */
import { describe, expect, it } from 'vitest';
import type { CompatReport } from '../../src/core/compat.js';
import type { Change } from '../../src/model/types.js';
import { changeJson, changeLines, compatJson, compatText, diffJson, diffText, registerJson, registerText } from '../../src/report/changes.js';
import { recordLines, summaryLine, validateJson } from '../../src/report/records.js';

const narrowed: Change = {
  rule: 'MAX_LENGTH_DECREASED',
  path: '/name/maxLength',
  message: 'maxLength decreased from 20 to 10',
  breaksBackward: true,
  breaksForward: false,
  category: 'validation',
  witness: { value: { name: 'x'.repeat(11) }, validUnder: 'old' },
};
const added: Change = {
  rule: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  path: '/properties/b',
  message: "property 'b' added to an open content model",
  breaksBackward: false,
  breaksForward: false,
  category: 'validation',
  caution: 'only the semantic policy forbids this',
};
const doc: Change = {
  rule: 'ANNOTATION_CHANGED',
  path: '/description',
  message: 'description changed',
  breaksBackward: false,
  breaksForward: false,
  category: 'annotation',
};

describe('report/changes', () => {
  it('one change shape: directions, breaking under the mode, severity from the verdict', () => {
    expect(changeJson(narrowed, true)).toEqual({
      rule: 'MAX_LENGTH_DECREASED',
      path: '/name/maxLength',
      message: 'maxLength decreased from 20 to 10',
      backward: true,
      forward: false,
      breaking: true,
      severity: 'error',
      category: 'validation',
      witness: { value: { name: 'xxxxxxxxxxx' }, validUnder: 'old' },
    });
    expect(changeJson(narrowed, false).severity).toBe('warning');
    expect(changeJson(doc).severity).toBe('info');
    expect(changeJson(added, false)).toMatchObject({ severity: 'warning', caution: 'only the semantic policy forbids this' });
    expect(changeJson(doc)).not.toHaveProperty('caution');
  });

  it('change lines: mark, verdict and the policy that would forbid a change', () => {
    expect(changeLines(narrowed, { breaking: true, mode: 'BACKWARD' })).toEqual([
      '  ✗ MAX_LENGTH_DECREASED /name/maxLength: maxLength decreased from 20 to 10 [breaks BACKWARD]',
      '      example valid under old only: {"name":"xxxxxxxxxxx"}',
    ]);
    expect(changeLines(narrowed, { breaking: false, mode: 'FORWARD' })[0]).toContain('[breaks BACKWARD, which FORWARD does not check]');
    expect(changeLines(added, { breaking: false, mode: 'BACKWARD' })[0]).toBe(
      "  ! PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/b: property 'b' added to an open content model [warning: only the semantic policy forbids this]",
    );
    expect(changeLines(doc, { breaking: false, mode: 'BACKWARD' })[0]).toMatch(/^ {2}· ANNOTATION_CHANGED .*\[breaks nothing\]$/);
  });

  it('compat: verdict line, changes, a note when nothing changed; JSON with compatible, mode and changes', () => {
    const report: CompatReport = {
      compatible: false,
      mode: 'FULL',
      undecided: false,
      changes: [
        { ...narrowed, against: '1.0.0', breaking: true },
        { ...doc, against: '1.0.0', breaking: false },
      ],
    };
    const t = compatText({ report, label: 'new.json against app.user' });
    expect(t.out.split('\n')[0]).toBe('incompatible under FULL: new.json against app.user');
    expect(t.out).toContain('(against 1.0.0)');
    expect(t.notes).toEqual([]);
    expect(compatText({ report, label: 'x' }, { quiet: true }).out).not.toContain('ANNOTATION_CHANGED');
    const empty = compatText({ report: { compatible: true, mode: 'BACKWARD', undecided: false, changes: [] }, label: 'x' });
    expect(empty).toEqual({ out: 'compatible under BACKWARD: x\n', notes: ['no changes'] });
    const j = JSON.parse(compatJson({ report, label: 'x' }));
    expect(j).toMatchObject({ compatible: false, mode: 'FULL', undecided: false });
    expect(j.changes[0]).toMatchObject({ rule: 'MAX_LENGTH_DECREASED', breaking: true, against: '1.0.0' });
  });

  it('diff: changes, the bump with the next version, the structural view last', () => {
    const view = {
      from: 'app.u 1.0.0',
      to: 'app.u 1.1.0',
      mode: 'BACKWARD' as const,
      bump: 'minor',
      reason: 'a compatible change to what validates under BACKWARD',
      fromVersion: '1.0.0',
      suggestedVersion: '1.1.0',
      changes: [added],
      breaking: [false],
      structural: ' {\n+  b: 1\n }',
    };
    const lines = diffText(view).split('\n');
    expect(lines[0]).toBe('diff app.u 1.0.0 -> app.u 1.1.0');
    expect(lines[2]).toBe('suggested bump: minor (1.0.0 -> 1.1.0): a compatible change to what validates under BACKWARD');
    expect(lines.slice(3, 5)).toEqual(['', 'structural view (json-diff):']);
    expect(JSON.parse(diffJson(view))).toMatchObject({
      bump: 'minor',
      suggestedVersion: '1.1.0',
      breaking: false,
      breaksBackward: false,
      changes: [{ rule: added.rule, severity: 'warning' }],
    });
    expect(diffText({ ...view, changes: [], breaking: [], bump: 'none', structural: undefined }).split('\n')[1]).toBe('  no changes');
  });

  it('register: the outcome on stdout, the changes as notes; JSON changes in the one change shape', () => {
    const v = {
      outcome: 'registered' as const,
      subject: 'app.u',
      version: '2.0.0',
      id: 7,
      file: 'schemas/app/u/2.0.0.json',
      bump: 'major',
      previous: '1.0.0',
      mode: 'BACKWARD' as const,
      dryRun: true,
      changes: [narrowed],
    };
    expect(registerText(v)).toEqual({
      out: 'would register app.u 2.0.0 (id 7) → schemas/app/u/2.0.0.json\n',
      notes: ['  major change from 1.0.0 (mode BACKWARD)', '  - MAX_LENGTH_DECREASED at /name/maxLength: maxLength decreased from 20 to 10'],
    });
    expect(JSON.parse(registerJson(v)).changes[0]).toEqual(changeJson(narrowed, true));
  });
});

describe('report/records', () => {
  it('a failing record, the summary and the JSON document', () => {
    const r = {
      file: 'd.jsonl',
      line: 3,
      outcome: 'invalid' as const,
      errors: [
        { path: '/a', message: 'must be string', keyword: 'type' },
        { path: '', message: 'x' },
      ],
    };
    expect(recordLines(r, { maxErrors: 1 })).toEqual(['✗ d.jsonl:3: /a must be string', '  … and 1 more errors in this record']);
    expect(recordLines({ file: 'r.txt', outcome: 'no-json', errors: [], reason: 'no JSON found' }, { maxErrors: 5 })).toEqual(['✗ r.txt: no JSON found']);
    const summary = {
      passed: 1,
      failed: 2,
      files: 2,
      byOutcome: { valid: 1, invalid: 1, unreadable: 0, 'no-json': 1, unparseable: 0 },
      repaired: { passed: 0, failed: 0 },
    };
    expect(summaryLine(summary, true)).toBe('1 passed, 2 failed (1 invalid, 1 no JSON found, 0 JSON does not parse)');
    expect(summaryLine(summary, false)).toBe('1 passed, 2 failed');
    expect(JSON.parse(validateJson('s.json', summary, [r])).failures[0]).toEqual({
      file: 'd.jsonl',
      line: 3,
      outcome: 'invalid',
      errors: [
        { path: '/a', message: 'must be string', keyword: 'type' },
        { path: '', message: 'x' },
      ],
    });
    // Repairs are visible: a ~ line, counts in the summary, the list in JSON.
    const fixed = { file: 'r.txt', outcome: 'valid' as const, errors: [], repaired: ['closed a cut-off reply'] };
    expect(recordLines(fixed, { maxErrors: 5 })).toEqual(['~ r.txt: repaired: closed a cut-off reply']);
    expect(recordLines({ file: 'v.json', outcome: 'valid', errors: [] }, { maxErrors: 5 })).toEqual([]);
    const withRepairs = { ...summary, repaired: { passed: 1, failed: 0 } };
    expect(summaryLine(withRepairs, false)).toBe('1 passed (1 repaired), 2 failed');
    const doc = JSON.parse(validateJson('s.json', withRepairs, [r], [fixed]));
    expect(doc.repaired).toEqual({ passed: 1, failed: 0 });
    expect(doc.repairs).toEqual([{ file: 'r.txt', outcome: 'valid', repaired: ['closed a cut-off reply'] }]);
  });
});

/** The one finding shape (model/finding.ts): adapters from check's findings and from changes, and back to check's words. */
import { describe, expect, it } from 'vitest';
import { findingSeverity, fromChange, fromCheckFinding, legacySeverity } from '../../src/model/finding.js';
import { findingsResult } from '../../src/report/findings.js';

describe('one Finding shape', () => {
  it('three severity words: notice and info are note; note is notice again in check words', () => {
    expect(['error', 'warning', 'notice', 'info', 'note'].map((s) => findingSeverity(s as 'error'))).toEqual(['error', 'warning', 'note', 'note', 'note']);
    expect(legacySeverity('note')).toBe('notice');
  });

  it('a check finding: location from its flat fields, args as data', () => {
    const f = fromCheckFinding({
      rule: 'VERSION_CHANGED',
      severity: 'notice',
      subject: 'a.b',
      version: '1.0.0',
      file: 's/a/b/1.0.0.json',
      line: 3,
      message: 'm',
      args: { x: 1 },
    });
    expect(f).toEqual({
      rule: 'VERSION_CHANGED',
      severity: 'note',
      location: { file: 's/a/b/1.0.0.json', line: 3 },
      message: 'm',
      subject: 'a.b',
      version: '1.0.0',
      data: { x: 1 },
    });
  });

  it('a change: pointer, the file it came from, directions and witness as data; handed to reporters in check words', () => {
    const f = fromChange(
      {
        rule: 'MAX_LENGTH_DECREASED',
        path: '/properties/n/maxLength',
        message: 'maxLength decreased from 20 to 10',
        breaksBackward: true,
        breaksForward: false,
        breaking: true,
        witness: { value: 'x', validUnder: 'old' },
      },
      'error',
      'new.json',
    );
    expect(f.location).toEqual({ file: 'new.json', pointer: '/properties/n/maxLength' });
    expect(f.data).toMatchObject({ backward: true, forward: false, breaking: true, witness: { value: 'x', validUnder: 'old' } });
    const r = findingsResult([f, { ...f, rule: 'ANNOTATION_CHANGED', severity: 'note' }], ['new.json against old.json'], { head: 'new.json against old.json' });
    expect([r.errors, r.warnings, r.notices]).toEqual([1, 0, 1]);
    expect(r.findings[1]).toMatchObject({
      severity: 'notice',
      file: 'new.json',
      subject: 'new.json against old.json',
      args: { pointer: '/properties/n/maxLength' },
    });
  });
});

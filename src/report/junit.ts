import { where } from './text.js';
import type { Finding, Reporter } from './types.js';

function esc(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters: they are dropped
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/** JUnit XML: one testcase per subject checked (and one for registry-wide findings); errors are failures. */
export const junit: Reporter = (result, ctx) => {
  const command = ctx?.command ?? 'check';
  const bySubject = new Map<string, Finding[]>();
  for (const s of result.subjects) bySubject.set(s, []);
  for (const f of result.findings) {
    const key = f.subject ?? '(registry)';
    if (!bySubject.has(key)) bySubject.set(key, []);
    bySubject.get(key)!.push(f);
  }
  const cases: string[] = [];
  let failures = 0;
  for (const [subject, findings] of bySubject) {
    const errors = findings.filter((f) => f.severity === 'error');
    const others = findings.filter((f) => f.severity !== 'error');
    let body = '';
    if (errors.length) {
      failures++;
      const text = errors.map((f) => `${where(f) ? where(f) + ': ' : ''}${f.rule}${f.version ? ` ${f.version}` : ''}: ${f.message}`).join('\n');
      body += `      <failure message="${esc(errors[0].message)}" type="${esc(errors[0].rule)}">${esc(text)}</failure>\n`;
    }
    if (others.length) {
      body += `      <system-out>${esc(others.map((f) => `${f.severity} ${f.rule}${f.version ? ` ${f.version}` : ''}: ${f.message}`).join('\n'))}</system-out>\n`;
    }
    const file = findings.find((f) => f.file)?.file;
    cases.push(
      `    <testcase classname="llm-schema.${command}" name="${esc(subject)}"${file ? ` file="${esc(file)}"` : ''}${body ? `>\n${body}    </testcase>` : ' />'}`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="llm-schema ${command}" tests="${bySubject.size}" failures="${failures}" errors="0">`,
    `  <testsuite name="llm-schema ${command}" tests="${bySubject.size}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
};

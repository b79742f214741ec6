import type { Finding, Reporter } from './types.js';

export function where(f: Finding): string {
  if (!f.file) return '';
  return f.line !== undefined ? `${f.file}:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : f.file;
}

export function counts(r: { errors: number; warnings: number; notices: number }): string {
  const p = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return [p(r.errors, 'error'), p(r.warnings, 'warning'), p(r.notices, 'notice')].join(', ');
}

/** Human text: one line per finding, then a summary. */
export const text: Reporter = (result, ctx) => {
  const paint = (code: number, s: string) => (ctx.color ? `\u001b[${code}m${s}\u001b[39m` : s);
  const lines: string[] = [];
  for (const f of result.findings) {
    const sev = f.severity === 'error' ? paint(31, 'error') : f.severity === 'warning' ? paint(33, 'warning') : paint(36, 'notice');
    const loc = where(f);
    lines.push(`${loc ? loc + ': ' : ''}${sev} ${f.rule}${f.subject ? ` ${f.subject}${f.version ? ` ${f.version}` : ''}` : ''}: ${f.message}`);
  }
  const n = result.subjects.length;
  const what = result.mode === 'diff' ? `${n} changed subject${n === 1 ? '' : 's'}` : `${n} subject${n === 1 ? '' : 's'}`;
  const verdict = result.errors ? paint(31, 'failed') : paint(32, 'ok');
  lines.push(`${verdict}: checked ${what} (${ctx.comparison}): ${counts(result)}`);
  return lines.join('\n') + '\n';
};

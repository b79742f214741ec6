/**
 * The reporter layer for data records (validate): pure renderers for one failing record (streamed as
 * records are read), the closing summary, and the whole run as JSON. The command prints what they return.
 */
import type { RecordResult, ValidateSummary } from '../core/validate.js';
import { plain, type Paint } from './changes.js';

/**
 * Human lines for one record: a `~` line when the repair pass changed it, then for a failing record one
 * line per error (at most maxErrors) or its reason. A valid record without repairs gives no line.
 */
export function recordLines(r: RecordResult, ctx: { maxErrors: number; paint?: Paint }): string[] {
  const c = ctx.paint ?? plain;
  const where = r.line !== undefined ? `${r.file}:${r.line}` : r.file;
  const lines: string[] = [];
  for (const w of r.warnings ?? []) lines.push(`${c.yellow('!')} ${where}: ${w}`);
  if (r.repaired?.length) lines.push(`${c.yellow('~')} ${where}: repaired: ${r.repaired.join(', ')}${r.outcome === 'valid' ? '' : ' (then failed)'}`);
  if (r.outcome === 'valid') return lines;
  if (r.reason !== undefined) return [...lines, `${c.red('✗')} ${where}: ${r.reason}`];
  for (const e of r.errors.slice(0, ctx.maxErrors)) lines.push(`${c.red('✗')} ${where}: ${c.bold(e.path || '(root)')} ${e.message}`);
  if (r.errors.length > ctx.maxErrors) lines.push(`  … and ${r.errors.length - ctx.maxErrors} more errors in this record`);
  return lines;
}

/** The closing line: `N passed, N failed`, with the outcomes of text replies under --extract. */
export function summaryLine(summary: ValidateSummary, extract: boolean): string {
  const rp = summary.repaired;
  const parts = [
    `${summary.passed} passed${rp.passed ? ` (${rp.passed} repaired)` : ''}, ${summary.failed} failed${rp.failed ? ` (${rp.failed} repaired)` : ''}`,
  ];
  if (summary.byOutcome.timeout && !extract) parts.push(`(${summary.byOutcome.timeout} timed out)`);
  if (extract && summary.failed) {
    const b = summary.byOutcome;
    parts.push(
      `(${b.invalid} invalid, ${b['no-json']} no JSON found, ${b.unparseable} JSON does not parse${b.refused ? `, ${b.refused} refused` : ''}${b.truncated ? `, ${b.truncated} truncated` : ''}${b.unreadable ? `, ${b.unreadable} unreadable` : ''}${b.timeout ? `, ${b.timeout} timed out` : ''})`,
    );
  }
  return parts.join(' ');
}

/** The whole run as one JSON document; `repairedRecords` (given under --repair) adds the repair counts and list. */
export function validateJson(label: string, summary: ValidateSummary, failures: RecordResult[], repairedRecords?: RecordResult[]): string {
  return (
    JSON.stringify(
      {
        schema: label,
        passed: summary.passed,
        failed: summary.failed,
        outcomes: summary.byOutcome,
        ...(repairedRecords
          ? {
              repaired: summary.repaired,
              repairs: repairedRecords.map((r) => ({
                file: r.file,
                ...(r.line !== undefined ? { line: r.line } : {}),
                outcome: r.outcome,
                repaired: r.repaired,
              })),
            }
          : {}),
        failures: failures.map((r) => ({
          file: r.file,
          ...(r.line !== undefined ? { line: r.line } : {}),
          outcome: r.outcome,
          ...(r.reason !== undefined ? { reason: r.reason } : {}),
          ...(r.repaired?.length ? { repaired: r.repaired } : {}),
          errors: r.errors.map((e) => ({ path: e.path, message: e.message, ...(e.keyword ? { keyword: e.keyword } : {}) })),
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

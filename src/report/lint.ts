/**
 * The reporter layer for `lint`: pure renderers of a LintRun (core/lint.ts) as JSON or text. The command
 * prints what they return and picks the exit code.
 */
import type { LintRun } from '../core/lint.js';
import { plain, type Paint } from './changes.js';

const SKIPPED_REASON = 'lint checks JSON Schema and prompt subjects only';

export function lintJson(run: LintRun): string {
  return (
    JSON.stringify(
      {
        target: run.target ?? null,
        profile: run.profile,
        ok: run.errors === 0,
        errors: run.errors,
        warnings: run.warnings,
        notes: run.notes,
        subjects: run.linted,
        skipped: run.skipped.map((s) => ({ ...s, reason: SKIPPED_REASON })),
        findings: run.findings.map((f) => ({
          subject: f.subject,
          version: f.version,
          pointer: f.pointer,
          rule: f.rule,
          severity: f.severity,
          message: f.message,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The text answer on stdout (findings grouped by schema, then a summary line), and notes for stderr. */
export function lintText(run: LintRun, paint: Paint = plain): { out: string; notes: string[] } {
  const c = paint;
  const lines: string[] = [];
  for (const l of run.linted) {
    const mine = run.findings.filter((f) => f.subject === l.subject);
    if (!mine.length) continue;
    lines.push(c.underline(`${l.subject}${l.version ? ` ${l.version}` : ''}`) + (l.file !== l.subject ? c.dim(` (${l.file})`) : ''));
    for (const f of mine) {
      const sev = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.cyan('note   ');
      lines.push(`  ${sev} ${f.pointer || '/'}  ${f.message}  ${c.dim(f.rule)}`);
    }
  }
  const what = run.target ? `${run.target} profile as of ${run.profile.asOf}` : `generic rules`;
  const scope = `${plural(run.linted.length, 'schema')}${run.skipped.length ? `, ${run.skipped.length} skipped` : ''}`;
  if (!run.findings.length) lines.push(`no findings in ${scope} (${what})`);
  else {
    const notes = run.notes ? `, ${plural(run.notes, 'note')} (rewritten by the export)` : '';
    lines.push(`${plural(run.errors, 'error')}, ${plural(run.warnings, 'warning')}${notes} in ${scope} (${what})`);
  }
  return { out: lines.join('\n') + '\n', notes: run.skipped.map((s) => `note: skipped ${s.subject} (${s.format}): ${SKIPPED_REASON}`) };
}

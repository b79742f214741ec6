/**
 * The reporter layer for changes between schemas (compat, diff): one change shape (`changeJson`, also what
 * register and the library's JSON hold) and pure renderers (view, context) => string. Commands build the
 * view (verdict, changes, bump) and pick a renderer by --format; they print nothing themselves.
 */
import { breaksMode, severityOf, type CompatFinding, type CompatReport } from '../core/compat.js';
import type { DiffView } from '../core/diffreport.js';

export type { DiffView };
import type { Change, CompatibilityMode } from '../model/types.js';

/** The colours a text renderer may use (a chalk instance fits; `plain` when colour is off). */
export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  underline(s: string): string;
}

const id = (s: string) => s;
export const plain: Paint = { red: id, yellow: id, green: id, cyan: id, dim: id, bold: id, underline: id };

export interface ChangeReportContext {
  paint?: Paint;
  /** --quiet: only what breaks the mode, no notes. */
  quiet?: boolean;
}

/**
 * One change as JSON: `backward`/`forward` say whether it breaks that direction, `breaking` whether it
 * breaks the mode asked for, `severity` follows `breaking`, and `caution` says why a change that breaks
 * nothing is still a warning.
 */
export function changeJson(c: Change | CompatFinding, breaking = 'breaking' in c ? c.breaking : false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: c.rule,
    path: c.path,
    message: c.message,
    backward: c.breaksBackward,
    forward: c.breaksForward,
    breaking,
    severity: severityOf(c, breaking),
  };
  if (c.category) out.category = c.category;
  if (c.undecided) out.undecided = true;
  if (c.caution) out.caution = c.caution;
  if ('against' in c && c.against) out.against = c.against;
  if (c.witness) out.witness = c.witness;
  if (c.file) out.file = c.file;
  if (c.line !== undefined) out.line = c.line;
  if (c.column !== undefined) out.column = c.column;
  return out;
}

export interface ChangeLineContext {
  /** Whether the change breaks the mode asked for. */
  breaking: boolean;
  mode: CompatibilityMode;
}

/**
 * Human lines for one change. The mark follows the severity: ✗ error (breaks the mode), ! warning
 * (breaks a direction the mode does not check, or the format's caution: `[warning: <caution>]`), ? undecided,
 * ✓ a compatible validation change, · annotations.
 */
export function changeLines(c: Change | CompatFinding, ctx: ChangeLineContext, ch: Paint = plain): string[] {
  const breaks = [c.breaksBackward ? 'BACKWARD' : '', c.breaksForward ? 'FORWARD' : ''].filter(Boolean);
  const severity = severityOf(c, ctx.breaking);
  const mark = c.undecided
    ? ch.yellow('?')
    : severity === 'error'
      ? ch.red('✗')
      : severity === 'warning'
        ? ch.yellow('!')
        : c.category === 'annotation'
          ? ch.dim('·')
          : ch.green('✓');
  const where = c.path || '/';
  const loc = c.file ? `${c.file}${c.line !== undefined ? `:${c.line}:${c.column ?? 1}` : ''} ` : '';
  let verdict: string;
  if (ctx.breaking) verdict = ch.red(`breaks ${breaks.join(' and ')}`);
  else if (breaks.length) verdict = ch.yellow(`breaks ${breaks.join(' and ')}${ctx.mode === 'NONE' ? '' : `, which ${ctx.mode} does not check`}`);
  else if (severity === 'warning') verdict = ch.yellow(c.caution ? `warning: ${c.caution}` : 'warning');
  else verdict = ch.green('breaks nothing');
  const against = 'against' in c && c.against ? ch.dim(` (against ${c.against})`) : '';
  const lines = [`  ${mark} ${ch.bold(c.rule)} ${ch.cyan(loc + where)}: ${c.message} [${verdict}]${against}`];
  if (c.witness) {
    const w = JSON.stringify(c.witness.value);
    lines.push(`      ${ch.dim(`example valid under ${c.witness.validUnder} only:`)} ${w.length > 200 ? w.slice(0, 197) + '...' : w}`);
  }
  return lines;
}

/** What `compat` reports: the verdict of a candidate against its history. */
export interface CompatView {
  report: CompatReport;
  /** "new.json against old.json", "schema.json against app.user". */
  label: string;
}

export function compatJson(v: CompatView): string {
  const { report } = v;
  return (
    JSON.stringify(
      { compatible: report.compatible, mode: report.mode, undecided: report.undecided, changes: report.changes.map((c) => changeJson(c)) },
      null,
      2,
    ) + '\n'
  );
}

/** The text answer on stdout, and notes (for stderr, hidden by --quiet). */
export function compatText(v: CompatView, ctx: ChangeReportContext = {}): { out: string; notes: string[] } {
  const ch = ctx.paint ?? plain;
  const { report } = v;
  const head = report.compatible
    ? ch.green(`compatible under ${report.mode}`)
    : ch.red(`incompatible under ${report.mode}`) + (report.undecided ? ch.yellow(' (some changes could not be decided: counted as breaking)') : '');
  const lines = [`${head}: ${v.label}`];
  const shown = ctx.quiet ? report.changes.filter((x) => x.breaking) : report.changes;
  for (const x of shown) lines.push(...changeLines(x, { breaking: x.breaking, mode: report.mode }, ch));
  return { out: lines.join('\n') + '\n', notes: report.changes.length ? [] : ['no changes'] };
}

export function diffJson(v: DiffView): string {
  return (
    JSON.stringify(
      {
        from: v.from,
        to: v.to,
        mode: v.mode,
        bump: v.bump,
        reason: v.reason,
        ...(v.suggestedVersion ? { suggestedVersion: v.suggestedVersion } : {}),
        breaking: v.breaking.some(Boolean),
        breaksBackward: v.changes.some((x) => x.breaksBackward),
        breaksForward: v.changes.some((x) => x.breaksForward),
        changes: v.changes.map((x, i) => changeJson(x, v.breaking[i])),
      },
      null,
      2,
    ) + '\n'
  );
}

export function diffText(v: DiffView, ctx: ChangeReportContext = {}): string {
  const ch = ctx.paint ?? plain;
  const lines = [`${ch.bold('diff')} ${v.from} -> ${v.to}`];
  if (!v.changes.length) lines.push('  no changes');
  v.changes.forEach((x, i) => lines.push(...changeLines(x, { breaking: v.breaking[i], mode: v.mode }, ch)));
  const bumpText = v.bump === 'none' ? 'none' : `${v.bump}${v.suggestedVersion ? ` (${v.fromVersion} -> ${v.suggestedVersion})` : ''}`;
  const colour = v.bump === 'major' ? ch.red : v.bump === 'minor' ? ch.yellow : ch.green;
  lines.push(`suggested bump: ${colour(bumpText)}: ${v.reason}`);
  if (v.structural) lines.push('', ch.dim('structural view (json-diff):'), v.structural);
  return lines.join('\n') + '\n';
}

/** What `register` reports: the outcome, and the changes from the latest version. */
export interface RegisterView {
  outcome: 'registered' | 'unchanged';
  metadataUpdated?: boolean;
  subject: string;
  version: string;
  id: number;
  /** The version file, for display. */
  file: string;
  bump: string;
  previous?: string;
  mode: CompatibilityMode;
  dryRun: boolean;
  changes: Change[];
  commit?: { commit: string; author: string };
}

export function registerJson(v: RegisterView): string {
  return (
    JSON.stringify(
      {
        outcome: v.outcome,
        ...(v.metadataUpdated !== undefined ? { metadataUpdated: v.metadataUpdated } : {}),
        subject: v.subject,
        version: v.version,
        id: v.id,
        file: v.file,
        bump: v.bump,
        previous: v.previous ?? null,
        mode: v.mode,
        dryRun: v.dryRun,
        // The one change shape (as compat and diff print it); `breaking` is judged under the subject's mode.
        changes: v.changes.map((c) => changeJson(c, breaksMode(c, v.mode))),
        ...(v.commit ? { commit: v.commit.commit } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

/** The text answer on stdout, and notes (for stderr, hidden by --quiet). */
export function registerText(v: RegisterView, ctx: ChangeReportContext = {}): { out: string; notes: string[] } {
  const c = ctx.paint ?? plain;
  const what = `${v.subject} ${v.version} (id ${v.id})`;
  let out: string;
  if (v.outcome === 'unchanged') {
    out =
      `${c.yellow('unchanged')} ${what}: identical content is already registered` +
      (v.metadataUpdated ? (v.dryRun ? '; the subject metadata would be updated' : '; subject metadata updated') : '');
  } else if (v.dryRun) out = `${c.cyan('would register')} ${what} → ${v.file}`;
  else out = `${c.green('registered')} ${what} → ${v.file}`;
  const notes: string[] = [];
  if (v.outcome === 'registered') {
    if (v.bump === 'initial') notes.push('  first version of the subject');
    else notes.push(`  ${v.bump} change from ${v.previous} (mode ${v.mode})`);
    for (const ch of v.changes.slice(0, 20)) notes.push(`  - ${ch.rule} at ${ch.path || '/'}: ${ch.message}`);
    if (v.changes.length > 20) notes.push(`  … and ${v.changes.length - 20} more changes`);
  }
  if (v.commit) notes.push(`  committed ${v.commit.commit.slice(0, 7)} as ${v.commit.author}`);
  return { out: out + '\n', notes };
}

/**
 * The one way compat, diff, lint and validate write a report: text and json as each command renders them
 * (their shapes are kept for scripts); github, junit, sarif and gitlab through the reporter registry `check`
 * uses, from the command's findings in the one shape (model/finding.ts). To --output-file when given.
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import type { RuleInfo } from '../core/check.js';
import { InputError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import type { Context } from './context.js';

/** The report formats of compat, diff, lint and validate (and check): text and json keep their own shape; the rest are the shared reporters. */
export const REPORT_FORMATS = ['text', 'json', 'github', 'junit', 'sarif', 'gitlab'];

/** What the shared reporters need from a command: its findings, the rules they may name, what was looked at. */
export interface FindingsReport {
  findings: Finding[];
  /** The rule table published with the report (SARIF tool.driver.rules). */
  rules: () => Promise<Record<string, RuleInfo>>;
  /** What the command looked at (subjects or files): JUnit's test cases, the summaries' counts. */
  subjects: string[];
  /** A description of what was compared or checked, e.g. "new.json against old.json". */
  label: string;
}

/** Whether --format names one of the shared reporters (not the command's own text or json). */
export function sharedFormat(format: string): boolean {
  return format !== 'text' && format !== 'json';
}

export async function writeReport(
  ctx: Context<{ outputFile?: string }>,
  command: 'compat' | 'diff' | 'lint' | 'validate',
  own: () => Promise<string | undefined>,
  findings: () => FindingsReport | Promise<FindingsReport>,
): Promise<void> {
  const file = ctx.opts.outputFile;
  let text: string | undefined;
  if (!sharedFormat(ctx.format)) text = await own();
  else {
    const f = await findings();
    const { getReporter } = await import('../report/index.js');
    const { findingsResult } = await import('../report/findings.js');
    const result = findingsResult(f.findings, f.subjects, { head: f.label });
    text = (await getReporter(ctx.format))(result, { rules: await f.rules(), version: packageVersion(), comparison: f.label, command, color: false });
  }
  if (text === undefined) return;
  if (file === undefined) {
    ctx.out.write(text);
    return;
  }
  await writeReportFile(file, text);
}

/** Write one report whole (a temporary file renamed into place), or fail naming the file. */
export async function writeReportFile(file: string, text: string): Promise<void> {
  const { writeFileAtomic } = await import('../storage/fsutil.js');
  try {
    await writeFileAtomic(path.resolve(file), text);
  } catch (err) {
    throw new InputError(`cannot write the report: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

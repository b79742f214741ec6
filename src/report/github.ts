import { counts, where } from './text.js';
import type { CheckResult, Finding, ReportContext, Reporter } from './types.js';

/** How many annotations to print; GitHub shows only a few per step anyway. */
export const MAX_ANNOTATIONS = 10;

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(f: Finding): string {
  const level = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
  const props: string[] = [];
  if (f.file) props.push(`file=${escapeProperty(f.file)}`);
  if (f.file && f.line !== undefined) props.push(`line=${f.line}`);
  if (f.file && f.line !== undefined && f.column !== undefined) props.push(`col=${f.column}`);
  props.push(`title=${escapeProperty(`${f.rule}${f.subject ? ` ${f.subject}${f.version ? ` ${f.version}` : ''}` : ''}`)}`);
  return `::${level} ${props.join(',')}::${escapeData(f.message)}`;
}

/** GitHub Actions workflow commands: the most important findings as annotations, then a count. */
export const github: Reporter = (result, ctx) => {
  const lines = result.findings.slice(0, MAX_ANNOTATIONS).map(command);
  const rest = result.findings.length - MAX_ANNOTATIONS;
  if (rest > 0)
    lines.push(`... and ${rest} more finding${rest === 1 ? '' : 's'} (run 'llm-schema ${ctx.command ?? 'check'}' locally or use --format json to see all)`);
  lines.push(
    `llm-schema ${ctx.command ?? 'check'} ${result.errors ? 'failed' : 'passed'}: ${result.subjects.length} subject${result.subjects.length === 1 ? '' : 's'} (${ctx.comparison}): ${counts(result)}`,
  );
  return lines.join('\n') + '\n';
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The Markdown job summary ($GITHUB_STEP_SUMMARY). */
export function githubSummary(result: CheckResult, ctx: ReportContext): string {
  const icon = result.errors ? ':x:' : ':white_check_mark:';
  const out = [
    `### ${icon} llm-schema check`,
    '',
    `${result.subjects.length} subject${result.subjects.length === 1 ? '' : 's'} checked (${cell(ctx.comparison)}): ${counts(result)}.`,
    '',
  ];
  if (result.findings.length) {
    out.push('| Severity | Rule | Subject | Version | Location | Message |', '| --- | --- | --- | --- | --- | --- |');
    for (const f of result.findings) {
      out.push(`| ${f.severity} | \`${f.rule}\` | ${cell(f.subject ?? '')} | ${cell(f.version ?? '')} | ${cell(where(f))} | ${cell(f.message)} |`);
    }
    out.push('');
  }
  if (result.findings.some((f) => f.rule === 'INCOMPATIBLE_CHANGE')) {
    out.push(
      "To approve an intentional break, add `allow-breaking: <reason>` to the version's entry in subject.yaml (or register it with `--allow-breaking`), so the approval is reviewed in the pull request.",
      '',
    );
  }
  return out.join('\n') + '\n';
}

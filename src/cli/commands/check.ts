import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { Context } from '../context.js';
import { run } from '../main.js';
import { packageVersion, REPORT_FORMATS as FORMATS, writeReportFile } from '../report.js';

interface Opts {
  against?: string;
  staged?: boolean;
  head?: boolean;
  policy?: string;
}

/** One report: a --format, written to its --output-file or (at most one) to stdout. */
interface ReportTarget {
  format?: string;
  file?: string;
}

export function define(program: Command): void {
  // `--format junit --output-file r.xml --format gitlab --output-file cq.json`: each --output-file goes
  // with the --format before it, so CI runs check once for several reports. Options are seen in order.
  const targets: ReportTarget[] = [];
  const cmd = program.command('check');
  cmd.on('option:format', (v: string) => targets.push({ format: v }));
  cmd.on('option:json', () => targets.push({ format: 'json' }));
  cmd.on('option:output-file', (file: string) => {
    const last = targets.at(-1);
    if (last && last.file === undefined) last.file = file;
    else targets.push({ file });
  });
  cmd
    .description('check the registry: whole-registry consistency, or the changes against a git ref (CI) or in the index (pre-commit)')
    .option('--against <ref>', 'compare with the merge base of REF and HEAD (a branch, origin/main, a tag or a commit)')
    .option('--staged', 'check the staged content (the index) instead of the working tree; against HEAD unless --against is given')
    .option('--head', 'check the HEAD commit instead of the working tree')
    .option('--policy <name>', 'comparison policy for every subject (json: semantic|lenient; protobuf: wire|strict)')
    .option('--output-file <file>', 'write the report of the --format before it to FILE (repeatable: one run, several reports)')
    .addHelpText(
      'after',
      `
Output: --format text|json|github|junit|sarif|gitlab, each optionally followed by --output-file FILE
(e.g. --format junit --output-file r.xml --format gitlab --output-file cq.json --format github); at most
one report goes to stdout. Exit 0: no errors; 1: findings; 2: usage or input error.
An intentional break is approved in the repository, never by a flag: add 'allow-breaking: <reason>' to the
version's entry in subject.yaml (or register it with --allow-breaking). A looser compatibility mode is approved
with 'compatibility-change: <reason>' in subject.yaml (or llm-schema.yaml for the default).`,
    )
    .action((_o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd, FORMATS),
        async (ctx) => {
          const o = ctx.opts;
          const reports = reportTargets(targets, cmd);
          if (o.staged && o.head) throw new UsageError('--staged and --head pick different sides to check: give one');
          const root = ctx.registryRoot();
          if (!root) throw new UsageError("no registry found: no llm-schema.yaml in this folder or above (run 'llm-schema init', or pass --registry DIR)");
          const { checkRegistry } = await import('../../core/check/setup.js');
          const { CHECK_RULES } = await import('../../core/check.js');
          const { result, comparison } = await checkRegistry({ root, against: o.against, staged: o.staged, head: o.head, policy: o.policy });
          const { getReporter } = await import('../../report/index.js');
          const reportCtx = { rules: CHECK_RULES, version: packageVersion(), comparison, color: ctx.out.color };
          let summaryWritten = false;
          for (const t of reports) {
            const reporter = await getReporter(t.format);
            const text = reporter(result, { ...reportCtx, color: t.file === undefined && ctx.out.color });
            // --quiet (as the hooks run it): silent on success, the full report only when something fails.
            const silent = ctx.out.quiet && t.format === 'text' && !result.errors;
            if (t.file !== undefined) await writeReportFile(t.file, text);
            else if (!silent) for (const line of text.replace(/\n$/, '').split('\n')) ctx.out.line(line);
            if (t.format === 'github' && process.env.GITHUB_STEP_SUMMARY && !summaryWritten) {
              summaryWritten = true;
              const { githubSummary } = await import('../../report/github.js');
              try {
                appendFileSync(process.env.GITHUB_STEP_SUMMARY, githubSummary(result, reportCtx));
              } catch (err) {
                ctx.out.warn(`cannot write the job summary to $GITHUB_STEP_SUMMARY: ${(err as Error).message}`);
              }
            }
          }
          return result.errors ? 1 : 0;
        },
      ),
    );
}

/**
 * The reports to write: each --format with its --output-file (a lone --output-file takes the format given
 * before the command, else text); with no --format after the command, one report in the global format on stdout.
 */
function reportTargets(targets: ReportTarget[], cmd: Command): Array<{ format: string; file?: string }> {
  const parent = cmd.parent?.opts() ?? {};
  const fallback = parent.json ? 'json' : ((parent.format as string | undefined) ?? 'text');
  const list: Array<{ format: string; file?: string }> = targets.length
    ? targets.map((t) => ({ format: t.format ?? fallback, file: t.file }))
    : [{ format: fallback }];
  for (const t of list) {
    if (!FORMATS.includes(t.format)) throw new UsageError(`unknown --format '${t.format}': expected ${FORMATS.join(', ')}`);
  }
  const toStdout = list.filter((t) => t.file === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(
      `--format ${toStdout.map((t) => t.format).join(' and --format ')}: only one report can go to stdout; give the others an --output-file`,
    );
  }
  const files = list.map((t) => t.file).filter((f): f is string => f !== undefined);
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup !== undefined) throw new UsageError(`--output-file ${dup} is given twice`);
  return list;
}

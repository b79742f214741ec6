import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { lintFile, lintFindings, lintRegistry, type LintRun } from '../../core/lint.js';
import { checkKind } from '../../core/subject.js';
import { LINT_TARGETS, type LintTarget } from '../../providers/types.js';
import { lintJson, lintText } from '../../report/lint.js';
import { Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { REPORT_FORMATS, writeReport } from '../report.js';
import { ruleTable } from '../../report/findings.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
  target?: string;
  schema?: string;
  kind?: string;
  outputFile?: string;
}

const TARGETS = LINT_TARGETS;

export function define(program: Command): void {
  program
    .command('lint')
    .description(
      'check schemas against a provider profile: errors for what the export cannot express, notes for what it rewrites; or the generic rules; exit 1 on errors',
    )
    .argument('[subject]', 'the subject as <namespace>.<name> (default: every JSON Schema subject, latest versions)')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', "the version, or 'latest'", 'latest')
    .option('--target <target>', `${LINT_TARGETS.join(', ')} (default: the generic rules)`)
    .option('--schema <file>', 'lint this JSON Schema file instead of the registry')
    .option('--kind <kind>', 'with --schema: the kind (prompt, response, tool, event, data) for kind-specific rules')
    .option('--output-file <file>', 'write the report (--format text|json|github|junit|sarif|gitlab) to FILE instead of stdout')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd, REPORT_FORMATS),
        async (ctx) => {
          const o = ctx.opts;
          if (o.target !== undefined && !(TARGETS as readonly string[]).includes(o.target)) {
            throw new UsageError(`unknown --target '${o.target}': expected ${TARGETS.join(', ')} (or none for the generic rules)`);
          }
          const target = o.target as LintTarget | undefined;
          let result: LintRun;
          if (o.schema) {
            if (subject !== undefined || o.namespace !== undefined || o.name !== undefined)
              throw new UsageError('give either --schema FILE or a subject, not both');
            result = await lintFile(o.schema, () => readInputFile(o.schema!), target, o.kind ? checkKind(o.kind) : undefined);
          } else {
            if (o.kind) throw new UsageError('--kind goes with --schema; registered subjects carry their kind in subject.yaml');
            const ref = subjectFrom(o, subject, false);
            if (!ref && o.version !== 'latest') throw new UsageError('--version goes with one subject; the whole registry is linted at its latest versions');
            result = await lintRegistry(await ctx.registry(), target, ref, o.version);
          }
          const what = result.target ? `${result.target} profile as of ${result.profile.asOf}` : 'generic rules';
          await writeReport(
            ctx,
            'lint',
            async () => {
              if (ctx.out.json) return lintJson(result);
              const { out, notes } = lintText(result, o.outputFile === undefined ? await ctx.out.chalk() : undefined);
              for (const n of notes) ctx.out.info(n);
              return out;
            },
            async () => {
              const { findings, rules } = await lintFindings(result);
              return { findings, rules: async () => ruleTable(rules, findings), subjects: result.linted.map((l) => l.subject), label: what };
            },
          );
          return result.errors ? 1 : 0;
        },
      ),
    );
}

import type { Command } from 'commander';
import { diffSchemas, diffVersions, viewOf, type SchemaDiff } from '../../core/diff.js';
import { UsageError } from '../../model/errors.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { budgetOf, compareOptions, loadFile, modeOf, parseOptionsOf } from './compat.js';
import { REPORT_FORMATS, writeReport } from '../report.js';
import { severityOf } from '../../core/compat.js';
import { fromChange } from '../../model/finding.js';
import { diffJson, diffText } from '../../report/changes.js';

interface Opts {
  namespace?: string;
  name?: string;
  from?: string;
  to?: string;
  old?: string;
  new?: string;
  mode?: string;
  policy?: string;
  type?: string;
  protoPath?: string[];
  message?: string;
  budget?: string;
  structural?: boolean;
  outputFile?: string;
}

export function define(program: Command): void {
  const cmd = program
    .command('diff')
    .description('list every change between two versions of a subject (--from/--to) or two files (--old/--new), and the version bump it needs')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--from <version>', 'the old version')
    .option('--to <version>', "the new version (default: 'latest')")
    .option('--old <file>', 'the old schema file (no registry needed)')
    .option('--new <file>', 'the new schema file (no registry needed)')
    .option('--mode <mode>', "the compatibility mode for the bump (default: the subject's, else BACKWARD)")
    .option('--no-structural', 'do not print the structural (json-diff) view');
  compareOptions(cmd).action((subject: string | undefined, _o, c: Command) =>
    run(
      () => new Context<Opts>(c, REPORT_FORMATS),
      async (ctx) => {
        const o = ctx.opts;
        const parseOptions = parseOptionsOf(o);
        let d: SchemaDiff;
        if (o.old !== undefined || o.new !== undefined) {
          if (o.old === undefined || o.new === undefined) throw new UsageError('--old and --new go together');
          if (o.from !== undefined || o.to !== undefined || subject !== undefined || o.namespace !== undefined || o.name !== undefined) {
            throw new UsageError('give either a subject with --from/--to, or --old and --new, not both');
          }
          const a = await loadFile(o.old, o.type, parseOptions);
          const b = await loadFile(o.new, o.type, parseOptions);
          d = await diffSchemas({
            handler: b.handler,
            old: a.schema,
            new: b.schema,
            from: o.old,
            to: o.new,
            mode: modeOf(o.mode),
            policy: o.policy,
            budgetMs: budgetOf(o.budget),
          });
        } else {
          const ref = subjectFrom(o, subject)!;
          if (o.from === undefined) throw new UsageError('which versions? pass --from VERSION [--to VERSION] (or --old A --new B without a registry)');
          d = await diffVersions({
            registry: await ctx.registry(),
            subject: ref,
            from: o.from,
            to: o.to,
            mode: modeOf(o.mode),
            policy: o.policy,
            budgetMs: budgetOf(o.budget),
            parseOptions,
          });
        }
        const [oldS, newS, fromLabel, toLabel] = [d.old, d.new, d.from, d.to];
        const view = viewOf(d);
        const changes = view.changes;
        const file = o.old !== undefined ? o.new : newS.file;
        const findings = async () => {
          const all = changes.map((x, i) => fromChange(x, severityOf(x, view.breaking[i]), file));
          const label = `${toLabel} against ${fromLabel}`;
          const { rulesOf } = await import('../../report/findings.js');
          return { findings: all, rules: () => rulesOf(all, newS.format), subjects: [label], label };
        };
        if (ctx.format !== 'text') {
          await writeReport(ctx, 'diff', async () => diffJson(view), findings);
          return 0;
        }
        if (
          o.structural !== false &&
          !ctx.out.quiet &&
          (oldS.format === 'json' || oldS.format === 'avro') &&
          (newS.format === 'json' || newS.format === 'avro') &&
          changes.length
        ) {
          const spec = 'json-diff'; // untyped CommonJS module
          const { diffString } = (await import(spec)) as { diffString(a: unknown, b: unknown, o?: { color?: boolean }): string };
          const text = diffString(oldS.value, newS.value, { color: ctx.out.color && o.outputFile === undefined });
          if (text.trim()) view.structural = text.replace(/\n$/, '');
        }
        await writeReport(ctx, 'diff', async () => diffText(view, { paint: o.outputFile === undefined ? await ctx.out.chalk() : undefined }), findings);
        return 0;
      },
    ),
  );
}

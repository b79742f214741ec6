import type { Command } from 'commander';
import { settleComparison, verdictOf, type Comparison } from '../../core/comparison.js';
import { checkMode } from '../../core/config.js';
import { UsageError } from '../../model/errors.js';
import type { CompatibilityMode, FormatHandler, ParsedSchema, ParseOptions } from '../../model/types.js';
import { formatOfFile, getHandler } from '../../formats/index.js';
import { collect, Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { compatJson, compatText, type CompatView } from '../../report/changes.js';
import { fromChange } from '../../model/finding.js';
import { REPORT_FORMATS, writeReport } from '../report.js';

interface Opts {
  namespace?: string;
  name?: string;
  file?: string;
  old?: string;
  new?: string;
  mode?: string;
  policy?: string;
  type?: string;
  protoPath?: string[];
  message?: string;
  budget?: string;
  outputFile?: string;
}

/** Options shared by compat and diff. */
export function compareOptions(cmd: Command): Command {
  return cmd
    .option('--policy <policy>', 'compatibility policy: semantic|lenient (JSON Schema), wire|strict (Protobuf)')
    .option('--type <type>', 'json, avro or protobuf (default: from the file extension)')
    .option('--proto-path <dir>', 'folder to resolve Protobuf imports against (repeatable)', collect)
    .option('--message <type>', 'Protobuf message (pkg.Type)')
    .option('--budget <ms>', 'time budget of one comparison in milliseconds; past it a change is "undecided" (breaking)', '2000')
    .option('--output-file <file>', 'write the report (--format text|json|github|junit|sarif|gitlab) to FILE instead of stdout');
}

/** --budget as milliseconds (a whole number from 1 to 600000). */
export function budgetOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 600_000) throw new UsageError(`invalid --budget '${value}': expected milliseconds, a whole number from 1 to 600000`);
  return n;
}

export function parseOptionsOf(o: { protoPath?: string[]; message?: string }): ParseOptions {
  const p: ParseOptions = {};
  if (o.protoPath?.length) p.protoPaths = o.protoPath;
  if (o.message) p.message = o.message;
  return p;
}

/** Read and parse a schema file given on the command line. */
export async function loadFile(file: string, type: string | undefined, parseOptions: ParseOptions): Promise<{ schema: ParsedSchema; handler: FormatHandler }> {
  const format = formatOfFile(file, type);
  const handler = await getHandler(format);
  const text = await readInputFile(file);
  const schema = await handler.parse(text, { ...parseOptions, file });
  return { schema, handler };
}

export function modeOf(mode: string | undefined): CompatibilityMode | undefined {
  return mode === undefined ? undefined : checkMode(mode.toUpperCase(), '--mode');
}

export function define(program: Command): void {
  const cmd = program
    .command('compat')
    .description('check a schema against a subject under its compatibility mode, or two files (--old/--new) under --mode')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--file <file>', 'the candidate schema (with a subject)')
    .option('--old <file>', 'the old schema (no registry needed)')
    .option('--new <file>', 'the new schema (no registry needed)')
    .option('--mode <mode>', 'BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE');
  compareOptions(cmd).action((subject: string | undefined, _o, c: Command) =>
    run(
      () => new Context<Opts>(c, REPORT_FORMATS),
      async (ctx) => {
        const o = ctx.opts;
        const mode = modeOf(o.mode);
        const parseOptions = parseOptionsOf(o);
        let comparison: Comparison;
        let candidate: ParsedSchema;
        let label: string;
        let subjectName: string | undefined;
        if (o.old !== undefined || o.new !== undefined) {
          if (o.old === undefined || o.new === undefined) throw new UsageError('--old and --new go together');
          if (o.file !== undefined || subject !== undefined || o.namespace !== undefined || o.name !== undefined) {
            throw new UsageError('give either a subject with --file, or --old and --new, not both');
          }
          const a = await loadFile(o.old, o.type, parseOptions);
          const b = await loadFile(o.new, o.type, parseOptions);
          candidate = b.schema;
          comparison = await settleComparison({
            handler: b.handler,
            against: [{ version: o.old, schema: a.schema }],
            mode: mode ?? 'BACKWARD',
            policy: o.policy,
            budgetMs: budgetOf(o.budget),
          });
          label = `${o.new} against ${o.old}`;
        } else {
          const ref = subjectFrom(o, subject)!;
          if (!o.file) throw new UsageError('which schema? pass --file FILE (or --old A --new B without a registry)');
          const registry = await ctx.registry();
          const loaded = await loadFile(o.file, o.type, parseOptions);
          candidate = loaded.schema;
          comparison = await settleComparison({ handler: loaded.handler, registry, subject: ref, mode, policy: o.policy, budgetMs: budgetOf(o.budget) });
          label = `${o.file} against ${ref.namespace}.${ref.name}`;
          subjectName = `${ref.namespace}.${ref.name}`;
        }
        const report = verdictOf(comparison, candidate);
        const view: CompatView = { report, label };
        const file = o.old !== undefined ? o.new : o.file;
        await writeReport(
          ctx,
          'compat',
          async () => {
            if (ctx.out.json) return compatJson(view);
            const { out, notes } = compatText(view, { paint: o.outputFile === undefined ? await ctx.out.chalk() : undefined, quiet: ctx.out.quiet });
            for (const n of notes) ctx.out.info(n);
            return out;
          },
          async () => {
            const findings = report.changes.map((c) => ({ ...fromChange(c, c.severity, file), ...(subjectName ? { subject: subjectName } : {}) }));
            const { rulesOf } = await import('../../report/findings.js');
            return { findings, rules: () => rulesOf(findings, candidate.format), subjects: [subjectName ?? label], label };
          },
        );
        return report.compatible ? 0 : 1;
      },
    ),
  );
}

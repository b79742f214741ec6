import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { lintFile, lintRegistry, type LintRun } from '../../core/lint.js';
import { checkKind } from '../../core/subject.js';
import { LINT_TARGETS, type LintTarget } from '../../providers/types.js';
import { lintJson, lintText } from '../../report/lint.js';
import { Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
  target?: string;
  schema?: string;
  kind?: string;
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
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
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
          if (ctx.out.json) ctx.out.write(lintJson(result));
          else {
            const { out, notes } = lintText(result, await ctx.out.chalk());
            for (const n of notes) ctx.out.info(n);
            ctx.out.write(out);
          }
          return result.errors ? 1 : 0;
        },
      ),
    );
}

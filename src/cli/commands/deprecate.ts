import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';

export function define(program: Command): void {
  program
    .command('deprecate')
    .description('mark a version deprecated (validate against it warns); the version stays registered')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', 'the version to deprecate')
    .option('--reason <text>', 'why, and what to use instead')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<{ namespace?: string; name?: string; version?: string; reason?: string }>(cmd),
        async (ctx) => {
          const ref = subjectFrom(ctx.opts, subject)!;
          if (!ctx.opts.version) throw new UsageError('which version? pass --version X.Y.Z');
          const registry = await ctx.registry();
          const entry = await registry.deprecate(ref, ctx.opts.version, ctx.opts.reason);
          const name = `${ref.namespace}.${ref.name}`;
          if (ctx.out.json) ctx.out.printJson({ subject: name, version: entry.version, state: entry.state, reason: entry.reason ?? null });
          else ctx.out.line(`deprecated ${name} ${entry.version}${entry.reason ? `: ${entry.reason}` : ''}`);
        },
      ),
    );
}

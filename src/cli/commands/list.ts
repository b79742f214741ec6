import type { Command } from 'commander';
import { subjectsJson, subjectsText } from '../../report/listing.js';
import { Context } from '../context.js';
import { run } from '../main.js';

export function define(program: Command): void {
  program
    .command('list')
    .description('list subjects and their versions')
    .argument('[namespace]', 'only this namespace (and the ones below it)')
    .option('--namespace <ns>', 'only this namespace')
    .action((nsArg: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<{ namespace?: string }>(cmd),
        async (ctx) => {
          const registry = await ctx.registry();
          // A subject whose subject.yaml links out of the registry is left out with a warning (as serve does), not
          // a reason to refuse the whole list; `check` fails on it with SYMLINK_OUTSIDE_REGISTRY.
          const subjects = await registry.listSubjects(ctx.opts.namespace ?? nsArg, (subject, err) => ctx.out.warn(`left out ${subject}: ${err.message}`));
          if (ctx.out.json) {
            ctx.out.write(subjectsJson(subjects, registry.config.compatibility));
            return;
          }
          if (subjects.length === 0) {
            ctx.out.info('no subjects' + ((ctx.opts.namespace ?? nsArg) ? ` in namespace '${ctx.opts.namespace ?? nsArg}'` : ''));
            return;
          }
          ctx.out.write(subjectsText(subjects, await ctx.out.chalk()));
        },
      ),
    );
}

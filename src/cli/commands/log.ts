import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../model/errors.js';
import { subjectName } from '../../core/names.js';
import { historyJson, historyText } from '../../report/listing.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  limit?: string;
  ref?: string;
}

export function define(program: Command): void {
  program
    .command('log')
    .description("a subject's history from git: who registered which version, when, in which commit (newest first)")
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--ref <ref>', 'start from this ref instead of HEAD', 'HEAD')
    .option('-n, --limit <n>', 'show at most N commits')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const ref = subjectFrom(ctx.opts, subject)!;
          const limit = ctx.opts.limit === undefined ? Infinity : Number(ctx.opts.limit);
          if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1))
            throw new UsageError(`invalid --limit '${ctx.opts.limit}': expected a positive whole number`);
          const registry = await ctx.registry();
          const { openGit, resolveRef } = await import('../../storage/git.js');
          const git = await openGit(registry.root);
          const { subjectHistory } = await import('../../core/history.js');
          const { commits: out, truncated } = await subjectHistory(git, registry.subjectDir(ref), await resolveRef(git, ctx.opts.ref ?? 'HEAD'), limit);
          if (!out.length && !(await registry.readSubject(ref))) throw new NotFoundError(`unknown subject '${subjectName(ref)}'`, 'subject');
          if (ctx.out.json) {
            ctx.out.write(historyJson(subjectName(ref), out, truncated));
            return;
          }
          ctx.out.write(historyText(subjectName(ref), out));
          if (truncated) ctx.out.warn("the history stops early: this is a shallow clone ('git fetch --unshallow' fetches the rest)");
        },
      ),
    );
}

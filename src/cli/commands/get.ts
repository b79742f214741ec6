import type { Command } from 'commander';
import { versionJson } from '../../report/listing.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
}

export function define(program: Command): void {
  program
    .command('get')
    .description('print a registered schema (--json adds its metadata)')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', "the version, or 'latest'", 'latest')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const ref = subjectFrom(ctx.opts, subject)!;
          const registry = await ctx.registry();
          const info = await registry.getVersion(ref, ctx.opts.version);
          if (ctx.out.json) {
            ctx.out.write(versionJson(info, await registry.getSubject(ref), registry.display(info.file)));
          } else {
            ctx.out.line(info.text.replace(/\n$/, ''));
            if (info.entry.state === 'deprecated') {
              ctx.out.warn(`${info.subject} ${info.entry.version} is deprecated${info.entry.reason ? `: ${info.entry.reason}` : ''}`);
            }
          }
        },
      ),
    );
}

import type { Command } from 'commander';
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
            const meta = await registry.getSubject(ref);
            let schema: unknown = info.text;
            if (info.format === 'json' || info.format === 'avro') schema = JSON.parse(info.text);
            ctx.out.printJson({
              subject: info.subject,
              namespace: info.namespace,
              name: info.name,
              version: info.entry.version,
              id: info.entry.id,
              format: info.format,
              state: info.entry.state,
              ...(info.entry.reason ? { reason: info.entry.reason } : {}),
              ...(info.entry.references?.length ? { references: info.entry.references } : {}),
              file: registry.display(info.file),
              description: meta.description,
              owners: meta.owners ?? [],
              tags: meta.tags ?? [],
              kind: meta.kind,
              schema,
            });
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

import type { Command } from 'commander';
import { greatest } from '../../core/version.js';
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
          const subjects = await registry.listSubjects(ctx.opts.namespace ?? nsArg);
          if (ctx.out.json) {
            ctx.out.printJson(
              subjects.map((s) => ({
                subject: s.subject,
                namespace: s.namespace,
                name: s.name,
                format: s.meta.format,
                kind: s.meta.kind,
                description: s.meta.description,
                owners: s.meta.owners ?? [],
                tags: s.meta.tags ?? [],
                aliases: s.meta.aliases ?? [],
                compatibility: s.meta.compatibility ?? registry.config.compatibility,
                latest: greatest(s.meta.versions.map((v) => v.version)) ?? null,
                versions: s.meta.versions.map((v) => ({ version: v.version, id: v.id, state: v.state, ...(v.reason ? { reason: v.reason } : {}) })),
              })),
            );
            return;
          }
          if (subjects.length === 0) {
            ctx.out.info('no subjects' + ((ctx.opts.namespace ?? nsArg) ? ` in namespace '${ctx.opts.namespace ?? nsArg}'` : ''));
            return;
          }
          const c = await ctx.out.chalk();
          for (const s of subjects) {
            const versions = s.meta.versions.map((v) => (v.state === 'deprecated' ? c.dim(`${v.version} (deprecated)`) : v.version));
            const kind = s.meta.kind ? ` ${c.dim(s.meta.kind)}` : '';
            ctx.out.line(`${c.bold(s.subject)}  ${s.meta.format}${kind}  ${versions.join(', ') || c.dim('no versions')}`);
            if (s.meta.description) ctx.out.line(`  ${c.dim(s.meta.description)}`);
          }
        },
      ),
    );
}

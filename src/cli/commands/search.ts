import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { greatest } from '../../core/version.js';
import { Context } from '../context.js';
import { run } from '../main.js';

export function define(program: Command): void {
  program
    .command('search')
    .description('find subjects by name, description, tags, owners, kind and field names (every word must match)')
    .argument('<words...>', 'words to look for')
    .action((words: string[], _o, cmd: Command) =>
      run(
        () => new Context(cmd),
        async (ctx) => {
          if (!words.length || words.every((w) => !w.trim())) throw new UsageError('search needs at least one word');
          const registry = await ctx.registry();
          const hits = await registry.search(words);
          if (ctx.out.json) {
            ctx.out.printJson(
              hits.map((h) => ({
                subject: h.subject,
                format: h.meta.format,
                description: h.meta.description,
                tags: h.meta.tags ?? [],
                latest: greatest(h.meta.versions.map((v) => v.version)) ?? null,
                matches: h.matches,
              })),
            );
            return;
          }
          if (hits.length === 0) {
            ctx.out.info(`no subject matches '${words.join(' ')}'`);
            return 1;
          }
          const c = await ctx.out.chalk();
          for (const h of hits) {
            const latest = greatest(h.meta.versions.map((v) => v.version));
            ctx.out.line(`${c.bold(h.subject)}${latest ? ` ${latest}` : ''}  ${c.dim(`(${h.matches.join(', ')})`)}`);
            if (h.meta.description) ctx.out.line(`  ${h.meta.description}`);
          }
        },
      ),
    );
}

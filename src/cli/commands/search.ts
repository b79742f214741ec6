import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { searchJson, searchText } from '../../report/listing.js';
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
          // as list does: a subject whose subject.yaml links out of the registry is left out with a warning
          const hits = await registry.search(words, (subject, err) => ctx.out.warn(`left out ${subject}: ${err.message}`));
          if (ctx.out.json) {
            ctx.out.write(searchJson(hits));
            return;
          }
          if (hits.length === 0) {
            ctx.out.info(`no subject matches '${words.join(' ')}'`);
            return 1;
          }
          ctx.out.write(searchText(hits, await ctx.out.chalk()));
        },
      ),
    );
}

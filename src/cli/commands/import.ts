import type { Command } from 'commander';
import { importRegistry, parseMapFile, type ImportResult } from '../../core/import.js';
import { UsageError } from '../../model/errors.js';
import { Context, readInputFile } from '../context.js';
import { run } from '../main.js';

interface Opts {
  from?: string;
  user?: string;
  token?: string;
  subjectPrefix?: string;
  namespace?: string;
  map?: string;
  dryRun?: boolean;
}

export function define(program: Command): void {
  program
    .command('import')
    .description("import a live Confluent-compatible registry's subjects and versions, keeping its ids and version numbers")
    .option('--from <url>', 'the source registry (Confluent, Karapace, Apicurio ccompat, another serve); user:password@ in the URL is basic auth')
    .option('--user <name:password>', 'basic auth for the source')
    .option('--token <token>', 'bearer token for the source (also $LLM_SCHEMA_IMPORT_TOKEN)')
    .option('--subject-prefix <prefix>', 'only subjects whose name starts with this')
    .option('--namespace <ns>', 'namespace for subjects not named <namespace>.<name> (their source name becomes an alias)')
    .option('--map <file>', 'YAML: source subject (or /regex/) -> namespace.name')
    .option('--dry-run', 'say what would be imported; write nothing')
    .action((_o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          if (!o.from) throw new UsageError('which registry? pass --from URL');
          let user: string | undefined;
          let password: string | undefined;
          if (o.user !== undefined) {
            const i = o.user.indexOf(':');
            if (i <= 0) throw new UsageError(`invalid --user '${o.user.split(':')[0]}…': expected NAME:PASSWORD`);
            user = o.user.slice(0, i);
            password = o.user.slice(i + 1);
          }
          const token = o.token ?? (process.env.LLM_SCHEMA_IMPORT_TOKEN || undefined);
          if (token !== undefined && user !== undefined) throw new UsageError('--user and --token both given: pass one');
          const map = o.map === undefined ? undefined : parseMapFile(await readInputFile(o.map), o.map);
          const registry = await ctx.registry();
          const spinner = await ctx.out.spinner(`reading ${o.from}`);
          let result: ImportResult;
          try {
            result = await importRegistry(registry, {
              url: o.from,
              user,
              password,
              token,
              subjectPrefix: o.subjectPrefix,
              namespace: o.namespace,
              map,
              dryRun: o.dryRun,
              onProgress: (text) => {
                spinner.text = text;
              },
            });
          } finally {
            spinner.stop();
          }
          if (ctx.out.json) {
            ctx.out.write(JSON.stringify(result, null, 2) + '\n');
            return;
          }
          const lines: string[] = [];
          const verb = result.dryRun ? 'would import' : 'imported';
          for (const a of result.actions) {
            let line = `${verb} ${a.source} version ${a.number} (id ${a.id}) as ${a.subject} ${a.version}`;
            if (a.newSubject?.aliases.length) line += `, alias ${a.newSubject.aliases.join(', ')}`;
            if (a.newSubject?.compatibility) line += `, compatibility ${a.newSubject.compatibility}`;
            if (a.allowBreaking) line += ' (incompatible under the mode here: recorded as allow-breaking)';
            lines.push(line);
          }
          const counted = `${result.subjects} subject${result.subjects === 1 ? '' : 's'}, ${result.versions} version${result.versions === 1 ? '' : 's'} read from ${result.from}`;
          if (!result.actions.length) lines.push(`nothing new: ${counted}, all already imported`);
          else
            lines.push(
              `${result.dryRun ? 'dry run: would import' : 'imported'} ${result.actions.length} version${result.actions.length === 1 ? '' : 's'} (${counted}; ${result.unchanged} already imported)${result.dryRun ? '; nothing was written' : ''}`,
            );
          ctx.out.write(lines.join('\n') + '\n');
        },
      ),
    );
}

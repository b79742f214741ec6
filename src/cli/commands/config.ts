import type { Command } from 'commander';
import { isLooser } from '../../core/compat.js';
import { checkMode } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { checkAlias } from '../../core/subject.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';

export function define(program: Command): void {
  program
    .command('config')
    .description("show or set the compatibility mode: the registry default, or a subject's own")
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--compatibility <mode>', 'set the mode: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE')
    .option('--alias <name>', "add a Confluent subject name that answers for this subject (repeatable), e.g. orders-value for Kafka's TopicNameStrategy", collect, [])
    .option('--remove-alias <name>', 'remove an alias (repeatable)', collect, [])
    .option('--reason <text>', "why the mode changes: recorded as 'compatibility-change' (check requires one to loosen a mode)")
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(() => new Context<{ namespace?: string; name?: string; compatibility?: string; reason?: string; alias: string[]; removeAlias: string[] }>(cmd), async (ctx) => {
        const ref = subjectFrom(ctx.opts, subject, false);
        const aliasChange = ctx.opts.alias.length > 0 || ctx.opts.removeAlias.length > 0;
        if (aliasChange && !ref) throw new UsageError('--alias and --remove-alias name a subject: llm-schema config <namespace>.<name> --alias NAME');
        for (const a of ctx.opts.alias) checkAlias(a);
        const mode = ctx.opts.compatibility === undefined ? undefined : checkMode(ctx.opts.compatibility);
        if (ctx.opts.reason !== undefined && !mode) throw new UsageError('--reason goes with --compatibility');
        const registry = await ctx.registry();
        if (ref) {
          const meta = await registry.getSubject(ref);
          if (mode) {
            const from = meta.compatibility ?? registry.config.compatibility;
            if (isLooser(from, mode) && !ctx.opts.reason) {
              ctx.out.warn(`${from} → ${mode} loosens the mode: 'check --against' will fail until it is approved with --reason "<why>"`);
            }
            await registry.setSubjectCompatibility(ref, mode, ctx.opts.reason);
          }
          const aliases = aliasChange ? await registry.setSubjectAliases(ref, ctx.opts.alias, ctx.opts.removeAlias) : meta.aliases ?? [];
          const effective = mode ?? meta.compatibility ?? registry.config.compatibility;
          const source = mode || meta.compatibility ? 'subject' : 'registry default';
          const name = `${ref.namespace}.${ref.name}`;
          if (ctx.out.json) ctx.out.printJson({ subject: name, compatibility: effective, source, policy: meta.policy ?? registry.config.policy ?? null, aliases });
          else {
            if (mode || !aliasChange) ctx.out.line(mode ? `${name}: compatibility set to ${mode}` : `${name}: ${effective} (${source})`);
            if (aliasChange || aliases.length) ctx.out.line(`${name}: aliases ${aliases.length ? aliases.join(', ') : '(none)'}`);
          }
          return;
        }
        if (mode) {
          if (isLooser(registry.config.compatibility, mode) && !ctx.opts.reason) {
            ctx.out.warn(`${registry.config.compatibility} → ${mode} loosens the default mode: 'check --against' will fail until it is approved with --reason "<why>"`);
          }
          await registry.setDefaultCompatibility(mode, ctx.opts.reason);
        }
        const effective = registry.config.compatibility;
        if (ctx.out.json) ctx.out.printJson({ compatibility: effective, policy: registry.config.policy ?? null, schemas: registry.config.schemas });
        else ctx.out.line(mode ? `registry default compatibility set to ${mode}` : `registry default: ${effective}`);
      }),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

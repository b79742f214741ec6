import type { Command } from 'commander';
import { checkMode } from '../../core/config.js';
import { UsageError } from '../../model/errors.js';
import { checkAlias } from '../../core/subject.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';

/** Policies that check less than the format's default: choosing one needs a reason, as a looser mode does. */

export function define(program: Command): void {
  program
    .command('config')
    .description("show or set the compatibility mode and policy: the registry default, or a subject's own")
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--compatibility <mode>', 'set the mode: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE')
    .option(
      '--alias <name>',
      "add a Confluent subject name that answers for this subject (repeatable), e.g. orders-value for Kafka's TopicNameStrategy",
      collect,
      [],
    )
    .option('--remove-alias <name>', 'remove an alias (repeatable)', collect, [])
    .option('--policy <name>', 'set the comparison policy: semantic or lenient (JSON Schema), wire or strict (Protobuf); a looser one needs --reason')
    .option('--reason <text>', "why the mode or policy changes: recorded as 'compatibility-change' (check requires one to loosen a mode)")
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () =>
          new Context<{ namespace?: string; name?: string; compatibility?: string; policy?: string; reason?: string; alias: string[]; removeAlias: string[] }>(
            cmd,
          ),
        async (ctx) => {
          const ref = subjectFrom(ctx.opts, subject, false);
          const aliasChange = ctx.opts.alias.length > 0 || ctx.opts.removeAlias.length > 0;
          if (aliasChange && !ref) throw new UsageError('--alias and --remove-alias name a subject: llm-schema config <namespace>.<name> --alias NAME');
          for (const a of ctx.opts.alias) checkAlias(a);
          const mode = ctx.opts.compatibility === undefined ? undefined : checkMode(ctx.opts.compatibility);
          const policyArg = ctx.opts.policy;
          if (ctx.opts.reason !== undefined && !mode && policyArg === undefined) throw new UsageError('--reason goes with --compatibility or --policy');
          const registry = await ctx.registry();
          const { configure } = await import('../../core/registry/aliases-config.js');
          const r = await configure(registry, {
            subject: ref,
            compatibility: mode,
            policy: policyArg,
            reason: ctx.opts.reason,
            addAliases: ctx.opts.alias,
            removeAliases: ctx.opts.removeAlias,
            onLoosened: ({ from, to, scope }) =>
              ctx.out.warn(
                `${from} → ${to} loosens the ${scope === 'subject' ? 'mode' : 'default mode'}: 'check --against' will fail until it is approved with --reason "<why>"`,
              ),
          });
          if (r.scope === 'subject') {
            const { subject: name, compatibility: effective, source, policy: effectivePolicy, aliases, set } = r;
            if (ctx.out.json) ctx.out.printJson({ subject: name, compatibility: effective, source, policy: effectivePolicy, aliases });
            else {
              if (set.compatibility || set.policy) {
                ctx.out.line(
                  [set.compatibility ? `${name}: compatibility set to ${set.compatibility}` : '', set.policy ? `${name}: policy set to ${set.policy}` : '']
                    .filter(Boolean)
                    .join('\n'),
                );
              } else if (!r.aliasesChanged) ctx.out.line(`${name}: ${effective} (${source})${effectivePolicy ? `, policy ${effectivePolicy}` : ''}`);
              if (r.aliasesChanged || aliases.length) ctx.out.line(`${name}: aliases ${aliases.length ? aliases.join(', ') : '(none)'}`);
            }
            return;
          }
          if (ctx.out.json) ctx.out.printJson({ compatibility: r.compatibility, policy: r.policy, schemas: r.schemas });
          else if (r.set.compatibility || r.set.policy !== undefined) {
            ctx.out.line(
              [
                r.set.compatibility ? `registry default compatibility set to ${r.set.compatibility}` : '',
                r.set.policy !== undefined ? `registry default policy set to ${r.set.policy}` : '',
              ]
                .filter(Boolean)
                .join('\n'),
            );
          } else ctx.out.line(`registry default: ${r.compatibility}${r.policy ? `, policy ${r.policy}` : ''}`);
        },
      ),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

import type { Command } from 'commander';
import { isLooser } from '../../core/compat.js';
import { checkMode } from '../../core/config.js';
import { checkPolicy, loosenedFrom, policyInForce } from '../../core/policy.js';
import { FORMATS, getHandler } from '../../formats/index.js';
import { UsageError } from '../../model/errors.js';
import { checkAlias } from '../../core/subject.js';
import type { CompatibilityMode } from '../../model/types.js';
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
          // A policy that checks less than the one in force needs a reason (check asks for it as compatibility-change).
          const refuseLoosening = (from: string | undefined, to: string | undefined, what: string) => {
            const stricter = loosenedFrom(from, to);
            if (stricter && !ctx.opts.reason) {
              throw new UsageError(
                `policy ${to} checks less than ${stricter} for ${what}: say why with --reason "<why>" (recorded as compatibility-change, which check asks for)`,
              );
            }
          };
          if (ref) {
            const meta = await registry.getSubject(ref);
            const name = `${ref.namespace}.${ref.name}`;
            const handler = await getHandler(meta.format);
            let policy: string | undefined;
            if (policyArg !== undefined) {
              policy = checkPolicy(handler, policyArg);
              refuseLoosening(policyInForce(handler, meta.policy, registry.config.policy), policy, name);
            }
            if (mode || policy) {
              const from = meta.compatibility ?? registry.config.compatibility;
              if (mode && isLooser(from, mode) && !ctx.opts.reason) {
                ctx.out.warn(`${from} → ${mode} loosens the mode: 'check --against' will fail until it is approved with --reason "<why>"`);
              }
              await registry.setSubjectConfig(
                ref,
                { ...(mode ? { compatibility: mode as CompatibilityMode } : {}), ...(policy ? { policy } : {}) },
                ctx.opts.reason,
              );
            }
            const aliases = aliasChange ? await registry.setSubjectAliases(ref, ctx.opts.alias, ctx.opts.removeAlias) : (meta.aliases ?? []);
            const effective = mode ?? meta.compatibility ?? registry.config.compatibility;
            const source = mode || meta.compatibility ? 'subject' : 'registry default';
            const effectivePolicy = policy ?? policyInForce(handler, meta.policy, registry.config.policy) ?? null;
            if (ctx.out.json) ctx.out.printJson({ subject: name, compatibility: effective, source, policy: effectivePolicy, aliases });
            else {
              if (mode || policy) {
                ctx.out.line(
                  [mode ? `${name}: compatibility set to ${mode}` : '', policy ? `${name}: policy set to ${policy}` : ''].filter(Boolean).join('\n'),
                );
              } else if (!aliasChange) ctx.out.line(`${name}: ${effective} (${source})${effectivePolicy ? `, policy ${effectivePolicy}` : ''}`);
              if (aliasChange || aliases.length) ctx.out.line(`${name}: aliases ${aliases.length ? aliases.join(', ') : '(none)'}`);
            }
            return;
          }
          if (policyArg !== undefined) {
            // The registry default applies to the format that has the policy: compare with what is in force there.
            const owner = (await Promise.all(FORMATS.map((f) => getHandler(f)))).find((h) => h.policies?.includes(policyArg));
            if (owner) refuseLoosening(policyInForce(owner, undefined, registry.config.policy), policyArg, 'the registry default');
            await registry.setDefaultPolicy(policyArg, ctx.opts.reason);
          }
          if (mode) {
            if (isLooser(registry.config.compatibility, mode) && !ctx.opts.reason) {
              ctx.out.warn(
                `${registry.config.compatibility} → ${mode} loosens the default mode: 'check --against' will fail until it is approved with --reason "<why>"`,
              );
            }
            await registry.setDefaultCompatibility(mode, ctx.opts.reason);
          }
          const effective = registry.config.compatibility;
          if (ctx.out.json) ctx.out.printJson({ compatibility: effective, policy: registry.config.policy ?? null, schemas: registry.config.schemas });
          else if (mode || policyArg !== undefined) {
            ctx.out.line(
              [mode ? `registry default compatibility set to ${mode}` : '', policyArg !== undefined ? `registry default policy set to ${policyArg}` : '']
                .filter(Boolean)
                .join('\n'),
            );
          } else ctx.out.line(`registry default: ${effective}${registry.config.policy ? `, policy ${registry.config.policy}` : ''}`);
        },
      ),
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

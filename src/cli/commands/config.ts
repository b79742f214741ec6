import type { Command } from 'commander';
import { isLooser } from '../../core/compat.js';
import { checkMode } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
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
    .option('--reason <text>', "why the mode changes: recorded as 'compatibility-change' (check requires one to loosen a mode)")
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(() => new Context<{ namespace?: string; name?: string; compatibility?: string; reason?: string }>(cmd), async (ctx) => {
        const ref = subjectFrom(ctx.opts, subject, false);
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
          const effective = mode ?? meta.compatibility ?? registry.config.compatibility;
          const source = mode || meta.compatibility ? 'subject' : 'registry default';
          const name = `${ref.namespace}.${ref.name}`;
          if (ctx.out.json) ctx.out.printJson({ subject: name, compatibility: effective, source, policy: meta.policy ?? registry.config.policy ?? null });
          else ctx.out.line(mode ? `${name}: compatibility set to ${mode}` : `${name}: ${effective} (${source})`);
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

import type { Command } from 'commander';
import { compareSchemas, requiredBump } from '../../core/compat.js';
import { UsageError } from '../../core/errors.js';
import type { Change, CompatibilityMode, FormatHandler, ParsedSchema } from '../../core/types.js';
import { bump as bumpVersion } from '../../core/version.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { checkPolicy } from '../../core/policy.js';
import { breaksMode, changeJson, checkSubjectPolicy, compareOptions, loadFile, modeOf, otherPolicies, parseOptionsOf, printChange } from './compat.js';

interface Opts {
  namespace?: string;
  name?: string;
  from?: string;
  to?: string;
  old?: string;
  new?: string;
  mode?: string;
  policy?: string;
  type?: string;
  protoPath?: string[];
  message?: string;
  structural?: boolean;
}

export function define(program: Command): void {
  const cmd = program
    .command('diff')
    .description('list every change between two versions of a subject (--from/--to) or two files (--old/--new), and the version bump it needs')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--from <version>', 'the old version')
    .option('--to <version>', "the new version (default: 'latest')")
    .option('--old <file>', 'the old schema file (no registry needed)')
    .option('--new <file>', 'the new schema file (no registry needed)')
    .option('--mode <mode>', "the compatibility mode for the bump (default: the subject's, else BACKWARD)")
    .option('--no-structural', 'do not print the structural (json-diff) view');
  compareOptions(cmd).action((subject: string | undefined, _o, c: Command) =>
    run(() => new Context<Opts>(c), async (ctx) => {
      const o = ctx.opts;
      const parseOptions = parseOptionsOf(o);
      let oldS: ParsedSchema;
      let newS: ParsedSchema;
      let handler: FormatHandler;
      let mode: CompatibilityMode = modeOf(o.mode) ?? 'BACKWARD';
      let policy = o.policy;
      let fromLabel: string;
      let toLabel: string;
      let fromVersion: string | undefined;
      if (o.old !== undefined || o.new !== undefined) {
        if (o.old === undefined || o.new === undefined) throw new UsageError('--old and --new go together');
        if (o.from !== undefined || o.to !== undefined || subject !== undefined || o.namespace !== undefined || o.name !== undefined) {
          throw new UsageError('give either a subject with --from/--to, or --old and --new, not both');
        }
        const a = await loadFile(o.old, o.type, parseOptions);
        const b = await loadFile(o.new, o.type, parseOptions);
        [oldS, newS, handler] = [a.schema, b.schema, b.handler];
        [fromLabel, toLabel] = [o.old, o.new];
        policy = checkPolicy(handler, o.policy);
      } else {
        const ref = subjectFrom(o, subject)!;
        if (o.from === undefined) throw new UsageError('which versions? pass --from VERSION [--to VERSION] (or --old A --new B without a registry)');
        const registry = await ctx.registry();
        const meta = await registry.getSubject(ref);
        const resolved = registry.resolveMode(meta);
        mode = modeOf(o.mode) ?? resolved.mode;
        const a = await registry.loadSchema(ref, o.from, parseOptions);
        const b = await registry.loadSchema(ref, o.to ?? 'latest', parseOptions);
        [oldS, newS, handler] = [a.schema, b.schema, b.handler];
        policy = o.policy !== undefined ? checkPolicy(handler, o.policy) : await checkSubjectPolicy(registry, ref, handler);
        fromVersion = a.info.entry.version;
        [fromLabel, toLabel] = [`${a.info.subject} ${a.info.entry.version}`, `${b.info.subject} ${b.info.entry.version}`];
      }
      const options = { policy };
      const decision = requiredBump(handler, oldS, newS, mode, options);
      const changes = decision.bump === 'none' ? [] : decision.changes.length ? decision.changes : compareSchemas(handler, oldS, newS, options);
      const suggested = fromVersion && decision.bump !== 'none' ? bumpVersion(fromVersion, decision.bump) : undefined;
      const reason = bumpReason(decision.bump, decision.reason, changes, mode);
      if (ctx.out.json) {
        ctx.out.printJson({
          from: fromLabel,
          to: toLabel,
          mode,
          bump: decision.bump,
          reason,
          ...(suggested ? { suggestedVersion: suggested } : {}),
          breaking: changes.some((x) => breaksMode(x, mode)),
          breaksBackward: changes.some((x) => x.breaksBackward),
          breaksForward: changes.some((x) => x.breaksForward),
          changes: changes.map((x) => changeJson(x, breaksMode(x, mode))),
        });
        return 0;
      }
      const ch = await ctx.out.chalk();
      ctx.out.line(`${ch.bold('diff')} ${fromLabel} -> ${toLabel}`);
      if (!changes.length) ctx.out.line('  no changes');
      const others = otherPolicies(handler, policy);
      for (const x of changes) await printChange(ctx.out, x, { breaking: breaksMode(x, mode), mode, otherPolicies: others });
      const bumpText = decision.bump === 'none' ? 'none' : `${decision.bump}${suggested ? ` (${fromVersion} -> ${suggested})` : ''}`;
      const colour = decision.bump === 'major' ? ch.red : decision.bump === 'minor' ? ch.yellow : ch.green;
      ctx.out.line(`suggested bump: ${colour(bumpText)}: ${reason}`);
      if (o.structural !== false && !ctx.out.quiet && (oldS.format === 'json' || oldS.format === 'avro') && (newS.format === 'json' || newS.format === 'avro') && changes.length) {
        const spec = 'json-diff'; // untyped CommonJS module
        const { diffString } = (await import(spec)) as { diffString(a: unknown, b: unknown, o?: { color?: boolean }): string };
        const text = diffString(oldS.value, newS.value, { color: ctx.out.color });
        if (text.trim()) {
          ctx.out.line('');
          ctx.out.line(ch.dim('structural view (json-diff):'));
          ctx.out.line(text.replace(/\n$/, ''));
        }
      }
      return 0;
    }),
  );
}

/**
 * The bump's reason in words. A patch for a rewrite that validates the same (type array -> anyOf, an
 * inlined $ref) is an "equivalent rewrite", not "annotations only"; the mode is named only where it
 * decided the bump (major, minor).
 */
export function bumpReason(bump: string, reason: string, changes: Change[], mode: CompatibilityMode): string {
  if (bump === 'patch' && changes.some((c) => c.rule === 'EQUIVALENT_REWRITE')) {
    return changes.every((c) => c.rule === 'EQUIVALENT_REWRITE') ? 'equivalent rewrite' : 'equivalent rewrite and annotations';
  }
  if ((bump === 'major' || bump === 'minor') && !reason.includes(' under ')) return `${reason} under ${mode}`;
  return reason;
}

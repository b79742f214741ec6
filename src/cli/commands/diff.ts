import type { Command } from 'commander';
import { diffReport } from '../../core/diffreport.js';
import { UsageError } from '../../core/errors.js';
import type { CompatibilityMode, FormatHandler, ParsedSchema } from '../../core/types.js';
import { Context, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { checkPolicy } from '../../core/policy.js';
import { breaksMode, checkSubjectPolicy, compareOptions, loadFile, modeOf, otherPolicies, parseOptionsOf, printChange } from './compat.js';

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
      const report = diffReport(handler, oldS, newS, mode, policy, fromVersion);
      const { raw: changes, suggestedVersion: suggested } = report;
      if (ctx.out.json) {
        const { raw: _raw, ...rest } = report;
        ctx.out.printJson({ from: fromLabel, to: toLabel, ...rest });
        return 0;
      }
      const ch = await ctx.out.chalk();
      ctx.out.line(`${ch.bold('diff')} ${fromLabel} -> ${toLabel}`);
      if (!changes.length) ctx.out.line('  no changes');
      const others = otherPolicies(handler, policy);
      for (const x of changes) await printChange(ctx.out, x, { breaking: breaksMode(x, mode), mode, otherPolicies: others });
      const bumpText = report.bump === 'none' ? 'none' : `${report.bump}${suggested ? ` (${fromVersion} -> ${suggested})` : ''}`;
      const colour = report.bump === 'major' ? ch.red : report.bump === 'minor' ? ch.yellow : ch.green;
      ctx.out.line(`suggested bump: ${colour(bumpText)}: ${report.reason}`);
      if (o.structural !== false && !ctx.out.quiet && oldS.format !== 'protobuf' && newS.format !== 'protobuf' && changes.length) {
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

export { bumpReason } from '../../core/diffreport.js';

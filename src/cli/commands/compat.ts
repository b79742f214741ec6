import type { Command } from 'commander';
import { breaksMode, checkCompatibility, directions, severityOf, type CompatFinding, type CompatReport } from '../../core/compat.js';
import { checkMode } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { checkPolicy } from '../../core/policy.js';
import type { SubjectRef } from '../../core/names.js';
import type { Registry } from '../../core/registry.js';
import type { Change, CompatibilityMode, FormatHandler, ParsedSchema, ParseOptions, Severity } from '../../core/types.js';
import { formatOfFile, getHandler } from '../../formats/index.js';
import { collect, Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';
import type { Output } from '../output.js';

interface Opts {
  namespace?: string;
  name?: string;
  file?: string;
  old?: string;
  new?: string;
  mode?: string;
  policy?: string;
  type?: string;
  protoPath?: string[];
  message?: string;
}

/** Options shared by compat and diff. */
export function compareOptions(cmd: Command): Command {
  return cmd
    .option('--policy <policy>', 'compatibility policy: semantic|lenient (JSON Schema), wire|strict (Protobuf)')
    .option('--type <type>', 'json, avro or protobuf (default: from the file extension)')
    .option('--proto-path <dir>', 'folder to resolve Protobuf imports against (repeatable)', collect)
    .option('--message <type>', 'Protobuf message (pkg.Type)');
}

export function parseOptionsOf(o: { protoPath?: string[]; message?: string }): ParseOptions {
  const p: ParseOptions = {};
  if (o.protoPath?.length) p.protoPaths = o.protoPath;
  if (o.message) p.message = o.message;
  return p;
}

/** Read and parse a schema file given on the command line. */
export async function loadFile(file: string, type: string | undefined, parseOptions: ParseOptions): Promise<{ schema: ParsedSchema; handler: FormatHandler }> {
  const format = formatOfFile(file, type);
  const handler = await getHandler(format);
  const text = await readInputFile(file);
  const schema = await handler.parse(text, { ...parseOptions, file });
  return { schema, handler };
}

/** The policy a subject's YAML gives (its subject.yaml, else llm-schema.yaml), checked against the format. */
export async function checkSubjectPolicy(registry: Registry, ref: SubjectRef, handler: FormatHandler): Promise<string | undefined> {
  const meta = await registry.getSubject(ref);
  const where = meta.policy !== undefined ? `${registry.subjectDir(ref)}/subject.yaml` : 'llm-schema.yaml';
  return checkPolicy(handler, registry.resolveMode(meta).policy, where);
}

export function modeOf(mode: string | undefined): CompatibilityMode | undefined {
  return mode === undefined ? undefined : checkMode(mode.toUpperCase(), '--mode');
}

/** True when the change makes the candidate fail `mode` (as checkCompatibility judges it; never under NONE). */
export { breaksMode, severityOf };

import { changeJson } from '../../core/diffreport.js';

export { changeJson };

export interface PrintContext {
  /** Whether the change breaks the mode asked for. */
  breaking: boolean;
  mode: CompatibilityMode;
  /** The format's policies other than the one in use (for "only the strict policy forbids this"). */
  otherPolicies?: readonly string[];
}

/** The format's policies other than `policy` (the default when none is given). */
export function otherPolicies(handler: FormatHandler, policy: string | undefined): string[] {
  const all = handler.policies ?? [];
  const used = policy ?? all[0];
  return all.filter((p) => p !== used);
}

/**
 * Human lines for one change. The mark follows the severity: ✗ error (breaks the mode), ! warning
 * (breaks a direction the mode does not check, or only a stricter policy forbids it), ? undecided,
 * ✓ a compatible validation change, · annotations.
 */
export async function printChange(out: Output, c: Change | CompatFinding, ctx: PrintContext): Promise<void> {
  const ch = await out.chalk();
  const breaks = [c.breaksBackward ? 'BACKWARD' : '', c.breaksForward ? 'FORWARD' : ''].filter(Boolean);
  const severity = severityOf(c, ctx.breaking);
  const mark = c.undecided
    ? ch.yellow('?')
    : severity === 'error'
      ? ch.red('✗')
      : severity === 'warning'
        ? ch.yellow('!')
        : c.category === 'annotation'
          ? ch.dim('·')
          : ch.green('✓');
  const where = c.path || '/';
  const loc = c.file ? `${c.file}${c.line !== undefined ? `:${c.line}:${c.column ?? 1}` : ''} ` : '';
  let verdict: string;
  if (ctx.breaking) verdict = ch.red(`breaks ${breaks.join(' and ')}`);
  else if (breaks.length) verdict = ch.yellow(`breaks ${breaks.join(' and ')}${ctx.mode === 'NONE' ? '' : `, which ${ctx.mode} does not check`}`);
  else if (severity === 'warning') {
    const others = ctx.otherPolicies ?? [];
    verdict = ch.yellow(others.length ? `warning: only the ${others.join(' or ')} polic${others.length > 1 ? 'ies forbid' : 'y forbids'} this` : 'warning');
  } else verdict = ch.green('breaks nothing');
  const against = 'against' in c && c.against ? ch.dim(` (against ${c.against})`) : '';
  out.line(`  ${mark} ${ch.bold(c.rule)} ${ch.cyan(loc + where)}: ${c.message} [${verdict}]${against}`);
  if (c.witness) {
    const w = JSON.stringify(c.witness.value);
    out.line(`      ${ch.dim(`example valid under ${c.witness.validUnder} only:`)} ${w.length > 200 ? w.slice(0, 197) + '...' : w}`);
  }
}

export function reportJson(report: CompatReport): Record<string, unknown> {
  return {
    compatible: report.compatible,
    mode: report.mode,
    undecided: report.undecided,
    changes: report.changes.map((c) => changeJson(c)),
  };
}

export function define(program: Command): void {
  const cmd = program
    .command('compat')
    .description("check a schema against a subject under its compatibility mode, or two files (--old/--new) under --mode")
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--file <file>', 'the candidate schema (with a subject)')
    .option('--old <file>', 'the old schema (no registry needed)')
    .option('--new <file>', 'the new schema (no registry needed)')
    .option('--mode <mode>', 'BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE');
  compareOptions(cmd).action((subject: string | undefined, _o, c: Command) =>
    run(() => new Context<Opts>(c), async (ctx) => {
      const o = ctx.opts;
      const mode = modeOf(o.mode);
      const parseOptions = parseOptionsOf(o);
      let report: CompatReport;
      let label: string;
      let policy: string | undefined;
      let others: string[] = [];
      if (o.old !== undefined || o.new !== undefined) {
        if (o.old === undefined || o.new === undefined) throw new UsageError('--old and --new go together');
        if (o.file !== undefined || subject !== undefined || o.namespace !== undefined || o.name !== undefined) {
          throw new UsageError('give either a subject with --file, or --old and --new, not both');
        }
        const a = await loadFile(o.old, o.type, parseOptions);
        const b = await loadFile(o.new, o.type, parseOptions);
        policy = checkPolicy(b.handler, o.policy);
        others = otherPolicies(b.handler, policy);
        report = checkCompatibility(b.handler, b.schema, [{ version: o.old, schema: a.schema }], mode ?? 'BACKWARD', { policy });
        label = `${o.new} against ${o.old}`;
      } else {
        const ref = subjectFrom(o, subject)!;
        if (!o.file) throw new UsageError('which schema? pass --file FILE (or --old A --new B without a registry)');
        const registry = await ctx.registry();
        const { schema, handler } = await loadFile(o.file, o.type, parseOptions);
        policy = o.policy !== undefined ? checkPolicy(handler, o.policy) : await checkSubjectPolicy(registry, ref, handler);
        others = otherPolicies(handler, policy);
        report = await registry.compat(ref, schema, { mode, policy: o.policy });
        label = `${o.file} against ${ref.namespace}.${ref.name}`;
      }
      if (ctx.out.json) {
        ctx.out.printJson(reportJson(report));
      } else {
        const ch = await ctx.out.chalk();
        const head = report.compatible
          ? ch.green(`compatible under ${report.mode}`)
          : ch.red(`incompatible under ${report.mode}`) + (report.undecided ? ch.yellow(' (some changes could not be decided: counted as breaking)') : '');
        ctx.out.line(`${head}: ${label}`);
        const shown = ctx.out.quiet ? report.changes.filter((x) => x.breaking) : report.changes;
        for (const x of shown) await printChange(ctx.out, x, { breaking: x.breaking, mode: report.mode, otherPolicies: others });
        if (!report.changes.length) ctx.out.info('no changes');
      }
      return report.compatible ? 0 : 1;
    }),
  );
}

import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import type { ParsedSchema, SubjectKind } from '../../model/types.js';
import { checkKind } from '../../core/subject.js';
import { formatOfFile, getHandler } from '../../formats/index.js';
import { LINT_TARGETS, type LintFinding, type LintTarget } from '../../providers/types.js';
import { Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
  target?: string;
  schema?: string;
  kind?: string;
}

const TARGETS = LINT_TARGETS;

interface Linted {
  subject: string;
  version?: string;
  file: string;
}

export function define(program: Command): void {
  program
    .command('lint')
    .description(
      'check schemas against a provider profile: errors for what the export cannot express, notes for what it rewrites; or the generic rules; exit 1 on errors',
    )
    .argument('[subject]', 'the subject as <namespace>.<name> (default: every JSON Schema subject, latest versions)')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', "the version, or 'latest'", 'latest')
    .option('--target <target>', `${LINT_TARGETS.join(', ')} (default: the generic rules)`)
    .option('--schema <file>', 'lint this JSON Schema file instead of the registry')
    .option('--kind <kind>', 'with --schema: the kind (prompt, response, tool, event, data) for kind-specific rules')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          if (o.target !== undefined && !(TARGETS as readonly string[]).includes(o.target)) {
            throw new UsageError(`unknown --target '${o.target}': expected ${TARGETS.join(', ')} (or none for the generic rules)`);
          }
          const target = o.target as LintTarget | undefined;
          const { bundleSchema, lintSchema, PROFILES } = await import('../../providers/index.js');
          const profile = PROFILES[target ?? 'generic'];

          const findings: LintFinding[] = [];
          const linted: Linted[] = [];
          const skipped: Array<{ subject: string; format: string }> = [];
          const lintOne = (schema: unknown, kind: SubjectKind | undefined, where: Linted) => {
            linted.push(where);
            for (const f of lintSchema(schema, target, { kind }))
              findings.push({ ...f, subject: where.subject, ...(where.version ? { version: where.version } : {}) });
          };

          // A prompt: its template against its input schema, then its output schema as a structured-output schema.
          const lintPrompt = async (schema: ParsedSchema, where: Linted) => {
            linted.push(where);
            const handler = await getHandler('prompt');
            for (const d of handler.lint!(schema)) {
              findings.push({
                rule: d.rule,
                severity: d.severity,
                pointer: d.path,
                message: d.line ? `line ${d.line}: ${d.message}` : d.message,
                subject: where.subject,
                ...(where.version ? { version: where.version } : {}),
              });
            }
            const { promptParts } = await import('../../formats/prompt/handler.js');
            const output = promptParts(schema).output;
            if (output) {
              for (const f of lintSchema(output.value, target, { kind: 'response' })) {
                findings.push({ ...f, pointer: `/output/schema${f.pointer}`, subject: where.subject, ...(where.version ? { version: where.version } : {}) });
              }
            }
          };

          if (o.schema) {
            if (subject !== undefined || o.namespace !== undefined || o.name !== undefined)
              throw new UsageError('give either --schema FILE or a subject, not both');
            const format = formatOfFile(o.schema);
            if (format === 'prompt') {
              const parsed = await (await getHandler('prompt')).parse(await readInputFile(o.schema), { file: o.schema });
              await lintPrompt(parsed, { subject: o.schema, file: o.schema });
            } else {
              if (format !== 'json') throw new UsageError(`lint checks JSON Schema and prompt templates; '${o.schema}' is ${format}`);
              const parsed = await (await getHandler('json')).parse(await readInputFile(o.schema), { file: o.schema });
              lintOne(parsed.value, o.kind ? checkKind(o.kind) : undefined, { subject: o.schema, file: o.schema });
            }
          } else {
            if (o.kind) throw new UsageError('--kind goes with --schema; registered subjects carry their kind in subject.yaml');
            const registry = await ctx.registry();
            const ref = subjectFrom(o, subject, false);
            const subjects = ref ? [{ ...ref, subject: `${ref.namespace}.${ref.name}`, meta: await registry.getSubject(ref) }] : await registry.listSubjects();
            if (!ref && o.version !== 'latest') throw new UsageError('--version goes with one subject; the whole registry is linted at its latest versions');
            for (const s of subjects) {
              if (s.meta.format === 'prompt') {
                if (!s.meta.versions.length) continue;
                const loaded = await registry.loadSchema(s, ref ? o.version : 'latest');
                await lintPrompt(loaded.schema, { subject: s.subject, version: loaded.info.entry.version, file: registry.display(loaded.info.file) });
                continue;
              }
              if (s.meta.format !== 'json') {
                skipped.push({ subject: s.subject, format: s.meta.format });
                continue;
              }
              if (!s.meta.versions.length) continue;
              const loaded = await registry.loadSchema(s, ref ? o.version : 'latest');
              const bundled = bundleSchema(loaded.schema.value, loaded.schema.references ?? []);
              lintOne(bundled, s.meta.kind, { subject: s.subject, version: loaded.info.entry.version, file: registry.display(loaded.info.file) });
            }
            if (ref && skipped.length)
              throw new UsageError(`lint checks JSON Schema and prompt templates; '${skipped[0].subject}' holds ${skipped[0].format} schemas`);
          }

          const errors = findings.filter((f) => f.severity === 'error').length;
          const notes = findings.filter((f) => f.severity === 'note').length;
          const warnings = findings.length - errors - notes;
          const profileInfo = { provider: profile.provider, asOf: profile.asOf, source: profile.source };
          if (ctx.out.json) {
            ctx.out.printJson({
              target: target ?? null,
              profile: profileInfo,
              ok: errors === 0,
              errors,
              warnings,
              notes,
              subjects: linted,
              skipped: skipped.map((s) => ({ ...s, reason: 'lint checks JSON Schema and prompt subjects only' })),
              findings: findings.map((f) => ({
                subject: f.subject,
                version: f.version,
                pointer: f.pointer,
                rule: f.rule,
                severity: f.severity,
                message: f.message,
              })),
            });
          } else {
            const c = await ctx.out.chalk();
            for (const s of skipped) ctx.out.info(`note: skipped ${s.subject} (${s.format}): lint checks JSON Schema and prompt subjects only`);
            for (const l of linted) {
              const mine = findings.filter((f) => f.subject === l.subject);
              if (!mine.length) continue;
              ctx.out.line(c.underline(`${l.subject}${l.version ? ` ${l.version}` : ''}`) + (l.file !== l.subject ? c.dim(` (${l.file})`) : ''));
              for (const f of mine) {
                const sev = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.cyan('note   ');
                ctx.out.line(`  ${sev} ${f.pointer || '/'}  ${f.message}  ${c.dim(f.rule)}`);
              }
            }
            const what = target ? `${target} profile as of ${profile.asOf}` : `generic rules`;
            const n = linted.length;
            const scope = `${n} schema${n === 1 ? '' : 's'}${skipped.length ? `, ${skipped.length} skipped` : ''}`;
            if (!findings.length) ctx.out.line(`no findings in ${scope} (${what})`);
            else
              ctx.out.line(
                `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${notes ? `, ${notes} note${notes === 1 ? '' : 's'} (rewritten by the export)` : ''} in ${scope} (${what})`,
              );
          }
          return errors ? 1 : 0;
        },
      ),
    );
}

import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { exportRun, type ExportSource } from '../../core/export.js';
import { writeFileAtomic } from '../../storage/fsutil.js';
import { EXPORT_APIS, EXPORT_TARGETS, REPLY_TARGETS, type ExportApi, type ExportTarget, type ReplyTarget } from '../../providers/types.js';
import { exportNotes, exportText } from '../../report/export.js';
import { Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
  target?: string;
  schema?: string;
  out?: string;
  toolName?: string;
  for?: string;
  api?: string;
}

const TARGETS = EXPORT_TARGETS;
const FORMS = REPLY_TARGETS;

export function define(program: Command): void {
  program
    .command('export')
    .description(
      'export a JSON Schema as an OpenAI tool and response_format, an Anthropic tool, a Gemini function declaration, TypeScript types, a Zod schema, or a self-contained JSON Schema',
    )
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', "the version, or 'latest'", 'latest')
    .option('--target <target>', TARGETS.join(', '))
    .option(
      '--for <target>',
      `typescript and zod: describe replies as the model gives them under ${FORMS.join('|')} (e.g. openai: optional properties as T | null)`,
    )
    .option('--schema <file>', 'export this JSON Schema file instead of a registered version')
    .option('--out <file>', 'write to this file (atomically) instead of printing')
    .option(
      '--api <api>',
      'openai: chat (Chat Completions, default) or responses (Responses API); anthropic, anthropic-strict: tools (default) or output (output_config.format)',
    )
    .option('--tool-name <name>', 'the tool / format / type name (default: the subject name or the file name)')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          if (!o.target) throw new UsageError(`which target? pass --target ${TARGETS.join('|')}`);
          if (!(TARGETS as readonly string[]).includes(o.target)) throw new UsageError(`unknown --target '${o.target}': expected ${TARGETS.join(', ')}`);
          const target = o.target as ExportTarget;
          if (o.for !== undefined) {
            if (target !== 'typescript' && target !== 'zod') throw new UsageError('--for goes with --target typescript or zod');
            if (!(FORMS as readonly string[]).includes(o.for)) throw new UsageError(`unknown --for '${o.for}': expected ${FORMS.join(', ')}`);
          }
          if (o.api !== undefined) {
            const apis = EXPORT_APIS[target];
            if (!apis) throw new UsageError(`--api goes with --target ${Object.keys(EXPORT_APIS).join(', ')}`);
            if (!apis.includes(o.api as ExportApi)) throw new UsageError(`unknown --api '${o.api}' for ${target}: expected ${apis.join(', ')}`);
          }
          let source: ExportSource;
          if (o.schema) {
            if (subject !== undefined || o.namespace !== undefined || o.name !== undefined)
              throw new UsageError('give either --schema FILE or a subject, not both');
            source = { file: o.schema, read: () => readInputFile(o.schema!) };
          } else {
            const ref = subjectFrom(o, subject)!;
            source = { registry: await ctx.registry(), ref, version: o.version };
          }
          const result = await exportRun(source, {
            target,
            toolName: o.toolName,
            ...(o.for ? { form: o.for as ReplyTarget } : {}),
            ...(o.api ? { api: o.api as ExportApi } : {}),
          });
          const { warnings, notes } = exportNotes(result);
          for (const w of warnings) ctx.out.warn(w);
          if (!ctx.out.quiet) for (const n of notes) process.stderr.write(`${n}\n`);
          const text = exportText(result, ctx.out.json);
          if (o.out) {
            await writeFileAtomic(path.resolve(o.out), text);
            ctx.out.info(`wrote ${o.out} (${target} export of ${result.label})`);
          } else {
            ctx.out.line(text.replace(/\n$/, ''));
          }
        },
      ),
    );
}

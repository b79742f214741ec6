import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import { writeFileAtomic } from '../../core/fsutil.js';
import type { SubjectKind } from '../../model/types.js';
import { formatOfFile, getHandler } from '../../formats/index.js';
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
}

const TARGETS = ['openai', 'anthropic', 'anthropic-strict', 'gemini', 'typescript', 'zod', 'generic'] as const;
const FORMS = ['openai', 'anthropic', 'anthropic-strict', 'gemini'] as const;
type Target = (typeof TARGETS)[number];

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
    .option('--tool-name <name>', 'the tool / format / type name (default: the subject name or the file name)')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd),
        async (ctx) => {
          const o = ctx.opts;
          if (!o.target) throw new UsageError(`which target? pass --target ${TARGETS.join('|')}`);
          if (!(TARGETS as readonly string[]).includes(o.target)) throw new UsageError(`unknown --target '${o.target}': expected ${TARGETS.join(', ')}`);
          const target = o.target as Target;
          if (o.for !== undefined) {
            if (target !== 'typescript' && target !== 'zod') throw new UsageError('--for goes with --target typescript or zod');
            if (!(FORMS as readonly string[]).includes(o.for)) throw new UsageError(`unknown --for '${o.for}': expected ${FORMS.join(', ')}`);
          }
          const { bundleSchema, exportSchema } = await import('../../providers/index.js');

          let schema: unknown;
          let name: string;
          let description: string | undefined;
          let kind: SubjectKind | undefined;
          let label: string;
          if (o.schema) {
            if (subject !== undefined || o.namespace !== undefined || o.name !== undefined)
              throw new UsageError('give either --schema FILE or a subject, not both');
            const format = formatOfFile(o.schema);
            if (format !== 'json') throw new UsageError(`export takes JSON Schema; '${o.schema}' is ${format}`);
            const handler = await getHandler('json');
            const parsed = await handler.parse(await readInputFile(o.schema), { file: o.schema });
            schema = parsed.value;
            name = o.schema === '-' ? 'schema' : path.basename(o.schema).replace(/\.[^.]*$/, '');
            label = o.schema;
          } else {
            const ref = subjectFrom(o, subject)!;
            const registry = await ctx.registry();
            const meta = await registry.getSubject(ref);
            if (meta.format !== 'json') throw new UsageError(`export takes JSON Schema subjects; '${ref.namespace}.${ref.name}' holds ${meta.format} schemas`);
            const loaded = await registry.loadSchema(ref, o.version);
            schema = bundleSchema(loaded.schema.value, loaded.schema.references ?? []);
            name = ref.name;
            description = meta.description;
            kind = meta.kind;
            label = `${loaded.info.subject} ${loaded.info.entry.version}`;
            if (loaded.info.entry.state === 'deprecated') {
              ctx.out.warn(`${label} is deprecated${loaded.info.entry.reason ? `: ${loaded.info.entry.reason}` : ''}`);
            }
          }
          if (o.toolName !== undefined) {
            if (o.toolName === '') throw new UsageError('--tool-name must not be empty');
            name = o.toolName;
          }
          const own = schema !== null && typeof schema === 'object' ? (schema as Record<string, unknown>) : {};
          description = typeof own.description === 'string' ? own.description : (description ?? (typeof own.title === 'string' ? own.title : undefined));

          const result = await exportSchema(target, { schema, name, description, kind, ...(o.for ? { form: o.for as (typeof FORMS)[number] } : {}) });
          if (!ctx.out.quiet) for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
          // TypeScript is text; with --json it comes wrapped in an object so the output is always JSON.
          const output =
            typeof result.output === 'string' && ctx.out.json ? { target, subject: label, [target]: result.output, notes: result.notes } : result.output;
          const text = typeof output === 'string' ? output : JSON.stringify(output, null, 2) + '\n';
          if (o.out) {
            await writeFileAtomic(path.resolve(o.out), text);
            ctx.out.info(`wrote ${o.out} (${target} export of ${label})`);
          } else {
            ctx.out.line(text.replace(/\n$/, ''));
          }
        },
      ),
    );
}

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { ParsedSchema, ParseOptions } from '../../core/types.js';
import { validateInputs, type RecordResult } from '../../core/validate.js';
import { formatOfFile, getHandler } from '../../formats/index.js';
import { collect, Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';

interface Opts {
  namespace?: string;
  name?: string;
  version: string;
  schema?: string;
  data?: string[];
  type?: string;
  protoPath?: string[];
  message?: string;
  extract?: boolean;
  repair?: boolean;
  field?: string;
  maxErrors: string;
  parallel: boolean;
}

export function define(program: Command): void {
  program
    .command('validate')
    .description('validate data against a registered version or a schema file; ends with "N passed, N failed"')
    .argument('[subject]', 'the subject as <namespace>.<name>')
    .option('--namespace <ns>', 'the subject namespace')
    .option('--name <name>', 'the subject name')
    .option('--version <version>', "the version, or 'latest'", 'latest')
    .option('--schema <file>', 'validate against this schema file instead of the registry')
    .option('--data <inputs...>', "data: files, globs, folders, '-' for stdin (.json, .jsonl/.ndjson, .yaml/.yml)")
    .option('--type <type>', 'json, avro or protobuf (default: from the schema file extension)')
    .option('--proto-path <dir>', 'folder to resolve Protobuf imports against (repeatable)', collect)
    .option('--message <type>', 'Protobuf message the data is (pkg.Type; default: the first message)')
    .option('--extract', "pull the JSON out of LLM text replies first (code fences, prose around it)")
    .option('--repair', 'with --extract: repair trailing commas and single quotes')
    .option('--field <name>', 'with --extract on JSON Lines: the field holding the reply text')
    .option('--max-errors <n>', 'errors shown per record', '10')
    .option('--no-parallel', 'validate large JSON Lines files on one thread')
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(() => new Context<Opts>(cmd), async (ctx) => {
        const o = ctx.opts;
        // `--data a.json myapp.user`: the variadic --data took the subject; give it back.
        const last = o.data?.at(-1);
        if (subject === undefined && !o.schema && o.namespace === undefined && o.name === undefined && o.data!.length > 1 && last && isSubjectLike(last)) {
          subject = o.data!.pop();
        }
        if (!o.data?.length) throw new UsageError("what to validate? pass --data FILE|GLOB|FOLDER|- (stdin)");
        if ((o.repair || o.field) && !o.extract) throw new UsageError('--repair and --field go with --extract');
        const maxErrors = Number(o.maxErrors);
        if (!Number.isInteger(maxErrors) || maxErrors < 1) throw new UsageError(`--max-errors must be a whole number >= 1, got '${o.maxErrors}'`);
        const parseOptions: ParseOptions = { protoPaths: o.protoPath, message: o.message };

        let schema: ParsedSchema;
        let label: string;
        let canParallel = false;
        if (o.schema) {
          if (subject !== undefined || o.namespace !== undefined || o.name !== undefined) {
            throw new UsageError('give either --schema FILE or a subject, not both');
          }
          const text = await readInputFile(o.schema);
          const format = formatOfFile(o.schema, o.type);
          const handler = await getHandler(format);
          schema = await handler.parse(text, { ...parseOptions, file: o.schema });
          label = o.schema;
          canParallel = true;
        } else {
          const ref = subjectFrom(o, subject, false);
          if (!ref) throw new UsageError('validate against what? pass --schema FILE, or a subject: --namespace N --name S (or N.S)');
          const registry = await ctx.registry();
          const loaded = await registry.loadSchema(ref, o.version, parseOptions);
          schema = loaded.schema;
          label = `${loaded.info.subject} ${loaded.info.entry.version}`;
          canParallel = !loaded.info.entry.references?.length;
          if (loaded.info.entry.state === 'deprecated') {
            ctx.out.warn(`${label} is deprecated${loaded.info.entry.reason ? `: ${loaded.info.entry.reason}` : ''}`);
          }
        }
        const handler = await getHandler(schema.format);
        const validator = handler.compile(schema, parseOptions);
        const c = await ctx.out.chalk();
        const failures: RecordResult[] = [];
        const print = (r: RecordResult) => {
          if (ctx.out.json) {
            failures.push(r);
            return;
          }
          const where = r.line !== undefined ? `${r.file}:${r.line}` : r.file;
          if (r.reason !== undefined) {
            ctx.out.line(`${c.red('✗')} ${where}: ${r.reason}`);
            return;
          }
          for (const e of r.errors.slice(0, maxErrors)) {
            ctx.out.line(`${c.red('✗')} ${where}: ${c.bold(e.path || '(root)')} ${e.message}`);
          }
          if (r.errors.length > maxErrors) ctx.out.line(`  … and ${r.errors.length - maxErrors} more errors in this record`);
        };
        const summary = await validateInputs(
          {
            data: o.data,
            handler,
            schema,
            validator,
            extract: o.extract,
            repair: o.repair,
            field: o.field,
            parallel: o.parallel !== false && canParallel,
            workerSchema: canParallel
              ? { format: schema.format, text: schema.text, file: schema.file, protoPaths: o.protoPath, message: o.message }
              : undefined,
          },
          print,
        );
        if (summary.passed + summary.failed === 0) ctx.out.warn(`no records found in ${o.data.join(', ')}`);
        if (ctx.out.json) {
          ctx.out.printJson({
            schema: label,
            passed: summary.passed,
            failed: summary.failed,
            outcomes: summary.byOutcome,
            failures: failures.map((r) => ({
              file: r.file,
              ...(r.line !== undefined ? { line: r.line } : {}),
              outcome: r.outcome,
              ...(r.reason !== undefined ? { reason: r.reason } : {}),
              errors: r.errors.map((e) => ({ path: e.path, message: e.message, ...(e.keyword ? { keyword: e.keyword } : {}) })),
            })),
          });
        } else {
          const parts = [`${summary.passed} passed, ${summary.failed} failed`];
          if (o.extract && summary.failed) {
            const b = summary.byOutcome;
            parts.push(`(${b.invalid} invalid, ${b['no-json']} no JSON found, ${b.unparseable} JSON does not parse${b.unreadable ? `, ${b.unreadable} unreadable` : ''})`);
          }
          ctx.out.line(parts.join(' '));
        }
        return summary.failed > 0 ? 1 : 0;
      }),
    );
}

/** A word that names a subject (ns.name) rather than data: no such file, no data extension, no path or glob characters. */
function isSubjectLike(word: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)+$/.test(word) && !/\.(json|jsonl|ndjson|ya?ml|avro|txt)$/i.test(word) && !existsSync(word);
}

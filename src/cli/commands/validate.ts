import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../model/errors.js';
import type { ParsedSchema, ParseOptions } from '../../model/types.js';
import { validateInputs, type RecordResult } from '../../core/validate.js';
import { guardPatterns, patternTimeoutMs } from '../../formats/jsonschema/regex-guard.js';
import { formatOfFile, getHandler } from '../../formats/index.js';
import { collect, Context, readInputFile, subjectFrom } from '../context.js';
import { run } from '../main.js';
import { recordLines, summaryLine, validateJson } from '../../report/records.js';
import { REPORT_FORMATS, sharedFormat, writeReport } from '../report.js';

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
  repairTruncated?: boolean;
  field?: string;
  maxErrors: string;
  parallel: boolean;
  target?: string;
  normalize?: boolean;
  envelope?: string;
  pick?: string;
  validOut?: string;
  quarantine?: string;
  assertFormat: boolean;
  outputFile?: string;
}

const TARGETS = ['openai', 'anthropic', 'anthropic-strict', 'gemini', 'registered'];

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
    .option('--extract', 'pull the JSON out of LLM text replies first (code fences, prose around it)')
    .option(
      '--repair',
      'with --extract: repair trailing commas, quotes (single, smart, full-width), comments, Python literals and cut-off replies; every repair is reported',
    )
    .option('--repair-truncated', 'with --envelope: repair replies the provider cut off (stop reason length / max_tokens) instead of failing them')
    .option('--no-repair-truncated', 'with --repair: fail replies cut off mid-JSON instead of closing them')
    .option(
      '--field <name>',
      'JSON Lines: the field holding the reply (text with --extract, or an object such as tool_use.input; a dotted path); with --envelope, the response object',
    )
    .option(
      '--envelope <kind>',
      'read provider response objects (one per JSONL line): openai-chat, openai-responses, anthropic, gemini, or auto (by structure, for mixed logs); outcomes valid, invalid, refused, truncated, no JSON found, unparseable',
    )
    .option('--pick <which>', 'a reply holding several JSON candidates: last (default: the last that fits the schema) or first')
    .option('--valid-out <file>', 'JSON Lines input: write the passing lines here, byte for byte')
    .option('--quarantine <file>', 'JSON Lines input: write each failing line here with its line number, outcome and reasons')
    .option(
      '--target <target>',
      "check replies against the form the model was given: openai, anthropic, anthropic-strict, gemini; 'registered' for the schema as registered (default: the subject's first 'targets:' entry)",
    )
    .option(
      '--normalize',
      'with a target: map what the provider adds (OpenAI strict nulls for optional properties) back, then validate against the registered schema',
    )
    .option('--max-errors <n>', 'errors shown per record', '10')
    .option('--no-parallel', 'validate large JSON Lines files on one thread')
    .option('--output-file <file>', 'write the report (--format text|json|github|junit|sarif|gitlab) to FILE instead of stdout')
    .option('--no-assert-format', 'JSON Schema: treat `format` as an annotation only (by default it is asserted in every dialect; see below)')
    .addHelpText(
      'after',
      '\nJSON Schema `format` (email, date-time, uri, ...) is asserted: a string that does not match its format is invalid, in\n' +
        'every dialect, as ajv does. 2019-09 and 2020-12 define `format` as an annotation unless a validator opts in;\n' +
        'llm-schema opts in. Pass --no-assert-format for annotation-only behaviour (format is then never checked).',
    )
    .action((subject: string | undefined, _o, cmd: Command) =>
      run(
        () => new Context<Opts>(cmd, REPORT_FORMATS),
        async (ctx) => {
          const o = ctx.opts;
          // `--data a.json myapp.user`: the variadic --data took the subject; give it back.
          const last = o.data?.at(-1);
          if (subject === undefined && !o.schema && o.namespace === undefined && o.name === undefined && o.data!.length > 1 && last && isSubjectLike(last)) {
            subject = o.data!.pop();
          }
          if (!o.data?.length) throw new UsageError('what to validate? pass --data FILE|GLOB|FOLDER|- (stdin)');
          if (o.repair && !o.extract && !o.envelope) throw new UsageError('--repair goes with --extract or --envelope');
          if (o.repairTruncated === false && !o.repair) throw new UsageError('--no-repair-truncated goes with --repair');
          if (o.repairTruncated === true && !o.envelope) throw new UsageError('--repair-truncated goes with --envelope');
          if (o.pick !== undefined && o.pick !== 'first' && o.pick !== 'last') throw new UsageError(`unknown --pick '${o.pick}': expected first or last`);
          if (o.pick !== undefined && !o.extract && !o.envelope) throw new UsageError('--pick goes with --extract or --envelope');
          const { ENVELOPE_KINDS } = await import('../../llm/envelope.js');
          if (o.envelope !== undefined && !(ENVELOPE_KINDS as readonly string[]).includes(o.envelope))
            throw new UsageError(`unknown --envelope '${o.envelope}': expected ${ENVELOPE_KINDS.join(', ')}`);
          const replies = o.envelope !== undefined || o.validOut !== undefined || o.quarantine !== undefined || (o.field !== undefined && !o.extract);
          const maxErrors = Number(o.maxErrors);
          if (!Number.isInteger(maxErrors) || maxErrors < 1) throw new UsageError(`--max-errors must be a whole number >= 1, got '${o.maxErrors}'`);
          const parseOptions: ParseOptions = { protoPaths: o.protoPath, message: o.message, assertFormat: o.assertFormat !== false };

          let schema: ParsedSchema;
          let label: string;
          let canParallel = false;
          let target = o.target;
          if (target !== undefined && !TARGETS.includes(target)) throw new UsageError(`unknown --target '${target}': expected ${TARGETS.join(', ')}`);
          let bundled: unknown;
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
            bundled = schema.value;
          } else {
            const ref = subjectFrom(o, subject, false);
            if (!ref) throw new UsageError('validate against what? pass --schema FILE, or a subject: --namespace N --name S (or N.S)');
            const registry = await ctx.registry();
            const loaded = await registry.loadSchema(ref, o.version, parseOptions);
            schema = loaded.schema;
            label = `${loaded.info.subject} ${loaded.info.entry.version}`;
            canParallel = !loaded.info.entry.references?.length;
            if (target === undefined && schema.format === 'json') target = (await registry.getSubject(ref)).targets?.[0];
            if (target !== undefined && target !== 'registered' && schema.format === 'json') {
              const { bundleSchema } = await import('../../providers/index.js');
              bundled = bundleSchema(loaded.schema.value, loaded.schema.references ?? []);
            }
            if (loaded.info.entry.state === 'deprecated') {
              ctx.out.warn(`${label} is deprecated${loaded.info.entry.reason ? `: ${loaded.info.entry.reason}` : ''}`);
            }
          }
          if (schema.format === 'prompt' && (o.extract || o.envelope || o.field !== undefined)) {
            // Replies to a prompt are checked against its output schema.
            const { promptParts } = await import('../../formats/prompt/handler.js');
            const output = promptParts(schema).output;
            if (!output) throw new UsageError(`${label} has no output schema to check replies against`);
            schema = output;
            bundled = output.value;
            label = `${label} (output schema)`;
            canParallel = false;
          }
          const handler = await getHandler(schema.format);
          let validator = handler.compile(schema, parseOptions);
          const fits = schema.format === 'json' ? (await import('../../llm/shape.js')).shapeFits(bundled ?? schema.value) : undefined;
          if (target === 'registered') target = undefined;
          if (o.normalize && target === undefined)
            throw new UsageError('--normalize needs a target: pass --target openai|anthropic|anthropic-strict|gemini (or name targets: in subject.yaml)');
          if (target !== undefined) {
            if (schema.format !== 'json') throw new UsageError(`--target applies to JSON Schema; ${label} is ${schema.format}`);
            const { formValidator, givenForm, normalizeReply } = await import('../../providers/index.js');
            const form = givenForm(target as never, bundled);
            if (o.normalize) {
              const registered = validator;
              validator = { validate: (v: unknown) => registered.validate(normalizeReply(v, form)) };
              label = `${label} (${target} replies, normalized)`;
            } else {
              const text = JSON.stringify(form.schema);
              const formSchema = await handler.parse(text, { file: schema.file });
              validator = formValidator(form, handler.compile(formSchema, parseOptions), validator);
              label = `${label} (as given to ${target})`;
              // the form is self-contained (references bundled): workers can rebuild it from its text
              schema = formSchema;
              canParallel = !form.recheck;
            }
            if (o.normalize) canParallel = false;
          }
          // text streams each record as it is read, unless it goes to a file; the other formats report at the end
          const streaming = !ctx.out.json && !sharedFormat(ctx.format) && o.outputFile === undefined;
          const c = streaming ? await ctx.out.chalk() : undefined;
          const failures: RecordResult[] = [];
          const repairedRecords: RecordResult[] = [];
          const lines: string[] = [];
          const print = (r: RecordResult) => {
            if (r.repaired?.length) repairedRecords.push(r);
            if (ctx.out.json || sharedFormat(ctx.format)) {
              if (r.outcome !== 'valid') failures.push(r);
              return;
            }
            for (const line of recordLines(r, { maxErrors, paint: c })) {
              if (streaming) ctx.out.line(line);
              else lines.push(line);
            }
          };
          // Replies read through envelopes are bounded like any record: a backtracking pattern times out.
          const prevGuard = replies ? guardPatterns(patternTimeoutMs()) : undefined;
          const summary = replies
            ? await (
                await import('../../llm/replies.js')
              )
                .validateReplies(
                  {
                    data: o.data,
                    validator,
                    envelope: o.envelope as never,
                    field: o.field,
                    extract: o.extract,
                    repair: o.repair,
                    repairTruncated: o.envelope ? o.repairTruncated === true : o.repairTruncated,
                    pick: o.pick as 'first' | 'last' | undefined,
                    fits,
                    validOut: o.validOut,
                    quarantine: o.quarantine,
                  },
                  (r) => {
                    if (r.outcome !== 'valid' || r.repaired?.length || r.warnings?.length) print(r);
                  },
                )
                .finally(() => guardPatterns(prevGuard))
            : await validateInputs(
                {
                  data: o.data,
                  handler,
                  schema,
                  validator,
                  extract: o.extract,
                  repair: o.repair,
                  repairTruncated: o.repairTruncated,
                  field: o.field,
                  pick: o.pick as 'first' | 'last' | undefined,
                  fits,
                  parallel: o.parallel !== false && canParallel,
                  workerSchema: canParallel
                    ? {
                        format: schema.format,
                        text: schema.text,
                        file: schema.file,
                        protoPaths: o.protoPath,
                        message: o.message,
                        assertFormat: o.assertFormat !== false,
                      }
                    : undefined,
                  // a record is never stuck on a pattern that needs backtracking: past the limit it is reported timed out
                  patternTimeoutMs: patternTimeoutMs(),
                },
                print,
              );
          if (summary.passed + summary.failed === 0) ctx.out.warn(`no records found in ${o.data.join(', ')}`);
          const summaryText = summaryLine(summary, !!o.extract || replies);
          if (streaming) ctx.out.line(summaryText);
          else {
            await writeReport(
              ctx,
              'validate',
              async () =>
                ctx.out.json ? validateJson(label, summary, failures, o.repair ? repairedRecords : undefined) : [...lines, summaryText].join('\n') + '\n',
              async () => {
                const { recordFinding, VALIDATE_RULE_SPECS } = await import('../../core/validate-rules.js');
                const { ruleTable } = await import('../../report/findings.js');
                const findings = failures.map((r) => recordFinding(r, maxErrors)!);
                // the verdict goes to stderr: stdout (or the file) holds the report only
                ctx.out.info(summaryText);
                return { findings, rules: async () => ruleTable(VALIDATE_RULE_SPECS, findings), subjects: [label], label };
              },
            );
          }
          return summary.failed > 0 ? 1 : 0;
        },
      ),
    );
}

/** A word that names a subject (ns.name) rather than data: no such file, no data extension, no path or glob characters. */
function isSubjectLike(word: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)+$/.test(word) && !/\.(json|jsonl|ndjson|ya?ml|avro|txt)$/i.test(word) && !existsSync(word);
}

/**
 * The `export` use-case: a JSON Schema (a file, or a registered version with its references bundled) as a
 * provider tool / response format, TypeScript, Zod or a self-contained JSON Schema. It builds data only (the
 * output, the notes, what was exported); report/export.ts renders it and the command writes or prints it.
 */
import * as path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { ParsedSchema, SubjectKind } from '../model/types.js';
import { formatOfFile, getHandler } from '../formats/index.js';
import type { ExportApi, ExportTarget, ReplyTarget } from '../providers/types.js';
import type { SubjectRef } from './names.js';
import type { Registry } from './registry.js';

/** What to export: a file (`read` gives its text; `-` is standard input) or a subject's version. */
export type ExportSource = { file: string; read: () => Promise<string> } | { registry: Registry; ref: SubjectRef; version: string };

export interface ExportRequest {
  target: ExportTarget;
  /** typescript and zod: replies as the model gives them under this target. */
  form?: ReplyTarget;
  /** The tool / format / type name (default: the subject's name or the file's base name). */
  toolName?: string;
  /** The API shape: openai chat|responses, anthropic tools|output. */
  api?: ExportApi;
}

export interface ExportRun {
  target: ExportTarget;
  /** "app.user 1.2.0" or the file name. */
  label: string;
  /** The provider object, or text (typescript, zod). */
  output: unknown;
  /** For the user: name changed, schema rewritten, strict off. */
  notes: string[];
  /** Set when the exported version is deprecated (its reason, or ''). */
  deprecated?: string;
}

export async function exportRun(source: ExportSource, req: ExportRequest): Promise<ExportRun> {
  const { bundleSchema, exportSchema } = await import('../providers/index.js');
  let schema: unknown;
  let name: string;
  let description: string | undefined;
  let kind: SubjectKind | undefined;
  let label: string;
  let deprecated: string | undefined;
  if ('file' in source) {
    const format = formatOfFile(source.file);
    if (format === 'prompt') {
      const parsed = await (await getHandler('prompt')).parse(await source.read(), { file: source.file });
      const base = source.file === '-' ? 'prompt' : path.basename(source.file).replace(/\.[^.]*$/, '');
      return exportPrompt(parsed, req, req.toolName ?? base, undefined, source.file);
    }
    if (format !== 'json') throw new UsageError(`export takes JSON Schema and prompt templates; '${source.file}' is ${format}`);
    const parsed = await (await getHandler('json')).parse(await source.read(), { file: source.file });
    schema = parsed.value;
    name = source.file === '-' ? 'schema' : path.basename(source.file).replace(/\.[^.]*$/, '');
    label = source.file;
  } else {
    const { registry, ref } = source;
    const meta = await registry.getSubject(ref);
    if (meta.format !== 'json' && meta.format !== 'prompt')
      throw new UsageError(`export takes JSON Schema and prompt subjects; '${ref.namespace}.${ref.name}' holds ${meta.format} schemas`);
    const loaded = await registry.loadSchema(ref, source.version);
    if (meta.format === 'prompt') {
      const label = `${loaded.info.subject} ${loaded.info.entry.version}`;
      const r = await exportPrompt(loaded.schema, req, req.toolName ?? ref.name, meta.description, label);
      return { ...r, ...(loaded.info.entry.state === 'deprecated' ? { deprecated: loaded.info.entry.reason ?? '' } : {}) };
    }
    schema = bundleSchema(loaded.schema.value, loaded.schema.references ?? []);
    name = ref.name;
    description = meta.description;
    kind = meta.kind;
    label = `${loaded.info.subject} ${loaded.info.entry.version}`;
    if (loaded.info.entry.state === 'deprecated') deprecated = loaded.info.entry.reason ?? '';
  }
  if (req.toolName !== undefined) {
    if (req.toolName === '') throw new UsageError('--tool-name must not be empty');
    name = req.toolName;
  }
  const own = schema !== null && typeof schema === 'object' ? (schema as Record<string, unknown>) : {};
  description = typeof own.description === 'string' ? own.description : (description ?? (typeof own.title === 'string' ? own.title : undefined));
  const result = await exportSchema(req.target, {
    schema,
    name,
    description,
    kind,
    ...(req.form ? { form: req.form } : {}),
    ...(req.api ? { api: req.api } : {}),
  });
  return { target: req.target, label, output: result.output, notes: result.notes, ...(deprecated !== undefined ? { deprecated } : {}) };
}

/**
 * A prompt subject: the output schema where the target has a response format (OpenAI response_format /
 * text.format, Anthropic output_config, Gemini generationConfig, TypeScript, Zod, generic), the input schema
 * for the tool (OpenAI tool, Anthropic tool, Gemini functionDeclaration).
 */
async function exportPrompt(parsed: ParsedSchema, req: ExportRequest, name: string, subjectDescription: string | undefined, label: string): Promise<ExportRun> {
  const { exportSchema } = await import('../providers/index.js');
  const { promptParts } = await import('../formats/prompt/handler.js');
  const parts = promptParts(parsed);
  const describe = (v: unknown) =>
    v !== null && typeof v === 'object' && typeof (v as Record<string, unknown>).description === 'string'
      ? ((v as Record<string, unknown>).description as string)
      : subjectDescription;
  const run = async (part: 'input' | 'output') => {
    const p = parts[part];
    if (!p) return undefined;
    const kind: SubjectKind = part === 'output' ? 'response' : 'tool';
    return exportSchema(req.target, {
      schema: p.value,
      name,
      description: describe(p.value),
      kind,
      ...(req.form ? { form: req.form } : {}),
      ...(req.api ? { api: req.api } : {}),
    });
  };
  const toolSide =
    req.target === 'openai' || req.target === 'gemini' || ((req.target === 'anthropic' || req.target === 'anthropic-strict') && req.api !== 'output');
  const onlyTool = (req.target === 'anthropic' || req.target === 'anthropic-strict') && req.api !== 'output';
  const output = onlyTool ? undefined : await run('output').catch((e: unknown) => (parts.input && toolSide ? undefined : Promise.reject(e)));
  const input = toolSide ? await run('input').catch((e: unknown) => (output ? undefined : Promise.reject(e))) : undefined;
  if (!output && !input)
    throw new UsageError(`${label} has no ${onlyTool ? 'input' : toolSide ? 'input or output' : 'output'} schema to export for ${req.target}`);
  const notes = [...(output ? output.notes.map((n) => `output schema: ${n}`) : []), ...(input ? input.notes.map((n) => `input schema: ${n}`) : [])];
  let result: unknown;
  const o = output?.output as Record<string, unknown> | undefined;
  const i = input?.output as Record<string, unknown> | undefined;
  if (req.target === 'openai') {
    // tool: the input schema; response_format / text: the output schema.
    result = { ...(i && 'tool' in i ? { tool: i.tool } : {}), ...(o ? Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'tool')) : {}) };
  } else if (req.target === 'gemini') {
    result = { ...(i?.functionDeclaration ? { functionDeclaration: i.functionDeclaration } : {}), ...(o ? { generationConfig: o.generationConfig } : {}) };
  } else result = (onlyTool ? i : o) ?? i;
  return { target: req.target, label, output: result, notes };
}

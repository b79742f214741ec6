/**
 * The `export` use-case: a JSON Schema (a file, or a registered version with its references bundled) as a
 * provider tool / response format, TypeScript, Zod or a self-contained JSON Schema. It builds data only (the
 * output, the notes, what was exported); report/export.ts renders it and the command writes or prints it.
 */
import * as path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { SubjectKind } from '../model/types.js';
import { formatOfFile, getHandler } from '../formats/index.js';
import type { ExportTarget, ReplyTarget } from '../providers/types.js';
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
    if (format !== 'json') throw new UsageError(`export takes JSON Schema; '${source.file}' is ${format}`);
    const parsed = await (await getHandler('json')).parse(await source.read(), { file: source.file });
    schema = parsed.value;
    name = source.file === '-' ? 'schema' : path.basename(source.file).replace(/\.[^.]*$/, '');
    label = source.file;
  } else {
    const { registry, ref } = source;
    const meta = await registry.getSubject(ref);
    if (meta.format !== 'json') throw new UsageError(`export takes JSON Schema subjects; '${ref.namespace}.${ref.name}' holds ${meta.format} schemas`);
    const loaded = await registry.loadSchema(ref, source.version);
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
  const result = await exportSchema(req.target, { schema, name, description, kind, ...(req.form ? { form: req.form } : {}) });
  return { target: req.target, label, output: result.output, notes: result.notes, ...(deprecated !== undefined ? { deprecated } : {}) };
}

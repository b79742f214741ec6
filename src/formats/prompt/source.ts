/**
 * Reading a Dotprompt file (.prompt): YAML front matter between `---` lines, then a Handlebars template.
 * The front matter is read with `yaml` first (so that a malformed one is an error naming line and column,
 * where dotprompt itself only logs it), then handed to dotprompt's own parser and Picoschema compiler,
 * so that what the registry checks is exactly what dotprompt renders.
 */
import { parseDocument } from 'yaml';
import { firstLine, InputError, lineColumnAt } from '../../model/errors.js';
import type { ResolvedReference } from '../../model/types.js';

/** The front matter and body, split the way dotprompt splits them. */
const FRONT_MATTER = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/;

/** The parsed prompt: what the registry compares, checks and renders. */
export interface PromptModel {
  /** The front matter as written (YAML to JSON). */
  front: Record<string, unknown>;
  /** The Handlebars body, trimmed as dotprompt trims it. */
  template: string;
  /** 1-based line of the file where the template starts (for messages). */
  templateLine: number;
  model?: string;
  config?: Record<string, unknown>;
  /** The input schema as JSON Schema (Picoschema expanded, named schemas inlined), or null when none. */
  input: Record<string, unknown> | boolean | null;
  /** The output schema as JSON Schema, or null when none. */
  output: Record<string, unknown> | boolean | null;
  /** `output.format` (json, text, ...), when given. */
  outputFormat?: string;
  /** Partials the template may use, by name: templates of referenced prompt subjects. */
  partials: Record<string, string>;
  /** Named schemas (Dotprompt's schema names), by name: JSON Schemas of referenced subjects. */
  schemas: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Split the source and read its front matter, with errors naming the file, line and column. */
export function splitPrompt(text: string, file?: string): { front: Record<string, unknown>; body: string; bodyLine: number } {
  const src = text.replace(/^\uFEFF/, '');
  if (!/^---\s*(?:\r\n|\r|\n)/.test(src)) {
    return { front: {}, body: src, bodyLine: 1 };
  }
  const m = FRONT_MATTER.exec(src);
  if (!m) throw new InputError("the front matter that starts on line 1 has no closing '---' line", { file, line: 1, column: 1 });
  const frontText = m[1];
  const frontStart = src.indexOf(frontText, 3);
  let doc;
  try {
    doc = parseDocument(frontText, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    throw new InputError(`invalid YAML front matter: ${firstLine((err as Error).message)}`, { file });
  }
  const e = doc.errors[0];
  if (e) {
    const { line, column } = lineColumnAt(src, frontStart + (e.pos?.[0] ?? 0));
    throw new InputError(`invalid YAML front matter: ${firstLine(e.message)}`, { file, line, column });
  }
  let front: unknown;
  try {
    front = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`invalid YAML front matter: ${firstLine((err as Error).message)}`, { file });
  }
  if (front === null || front === undefined) front = {};
  if (!isRecord(front)) throw new InputError('the front matter must be a YAML mapping (model, config, input, output, ...)', { file, line: 2, column: 1 });
  const bodyStart = src.length - m[2].length;
  // dotprompt trims the body: the template starts at its first non-blank character
  const lead = m[2].length - m[2].trimStart().length;
  return { front, body: m[2], bodyLine: lineColumnAt(src, bodyStart + lead).line };
}

/** Where a key sits in the front matter, for messages: 'input.schema'. */
function checkShape(front: Record<string, unknown>, file?: string): void {
  for (const key of ['input', 'output'] as const) {
    const v = front[key];
    if (v !== undefined && v !== null && !isRecord(v)) throw new InputError(`'${key}' in the front matter must be a mapping (with 'schema')`, { file });
  }
  if (front.config !== undefined && front.config !== null && !isRecord(front.config))
    throw new InputError("'config' in the front matter must be a mapping", { file });
  if (front.model !== undefined && front.model !== null && typeof front.model !== 'string')
    throw new InputError("'model' in the front matter must be a string", { file });
  const out = front.output as Record<string, unknown> | undefined;
  if (out?.format !== undefined && typeof out.format !== 'string') throw new InputError("'output.format' must be a string such as json or text", { file });
}

/**
 * Parse a .prompt file into its model: dotprompt parses the document and expands Picoschema; named
 * schemas (`schema: Ticket`) resolve to referenced JSON Schema subjects, `{{> name}}` partials to
 * referenced prompt subjects.
 */
export async function readPrompt(text: string, file: string | undefined, references: ResolvedReference[] = []): Promise<PromptModel> {
  const { front, bodyLine } = splitPrompt(text, file);
  checkShape(front, file);
  const { Dotprompt, picoschema } = await import('dotprompt');
  const parsed = new Dotprompt().parse(text.replace(/^\uFEFF/, ''));
  const schemas: Record<string, unknown> = {};
  const partials: Record<string, string> = {};
  for (const r of references) {
    if (r.schema.format === 'json') schemas[r.name] = r.schema.value;
    else if (r.schema.format === 'prompt') {
      // the partial, and the partials it includes itself (a partial renders in this prompt's Handlebars)
      const inner = r.schema.value as PromptModel;
      for (const [n, t] of Object.entries(inner.partials)) if (!(n in partials)) partials[n] = t;
      partials[r.name] = inner.template;
    } else
      throw new InputError(
        `reference '${r.name}' (${r.subject} ${r.version}) is ${r.schema.format}: a prompt refers to JSON Schema subjects (named schemas) and prompt subjects (partials)`,
        { file },
      );
  }
  const resolve = async (where: 'input' | 'output', raw: unknown): Promise<Record<string, unknown> | boolean | null> => {
    if (raw === undefined || raw === null) return null;
    if (typeof raw === 'boolean') return raw;
    try {
      const out = await picoschema(raw, {
        schemaResolver: (name: string) => {
          if (name in schemas) return structuredClone(schemas[name]) as Record<string, unknown>;
          throw new InputError(
            `${where}.schema names '${name}', which is neither a Picoschema type nor a referenced schema: register it as a JSON Schema subject and pass --reference ${name}=NAMESPACE.NAME@VERSION`,
            { file },
          );
        },
      });
      return (out ?? null) as Record<string, unknown> | null;
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (err instanceof RangeError) throw new InputError(`${where}.schema is nested too deeply`, { file });
      throw new InputError(`invalid ${where}.schema: ${firstLine((err as Error).message).replace(/^Picoschema: /, '')}`, { file });
    }
  };
  const input = await resolve('input', (front.input as Record<string, unknown> | undefined)?.schema);
  const output = await resolve('output', (front.output as Record<string, unknown> | undefined)?.schema);
  return {
    front,
    template: parsed.template,
    templateLine: bodyLine,
    ...(typeof front.model === 'string' ? { model: front.model } : {}),
    ...(isRecord(front.config) ? { config: front.config } : {}),
    input,
    output,
    ...(typeof (front.output as Record<string, unknown> | undefined)?.format === 'string'
      ? { outputFormat: (front.output as Record<string, string>).format }
      : {}),
    partials,
    schemas,
  };
}

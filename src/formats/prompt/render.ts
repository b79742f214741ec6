/**
 * Rendering a registered prompt: the input is checked against the input schema (with the front matter's
 * `input.default` filled in first, as a caller would expect), then dotprompt renders the template. The
 * result is the request a caller sends: messages, model, config and the output schema.
 */
import { InputError, UsageError } from '../../model/errors.js';
import type { DataValidator, ResolvedReference, SchemaReference, VersionEntry } from '../../model/types.js';
import { ajvFor, compileSchema, dialectOf, toDataErrors } from '../jsonschema/ajv.js';
import { RenderInputError } from './errors.js';
import { readPrompt, type PromptModel } from './source.js';

export { RenderInputError };

/**
 * What render needs of a prompt: its source and its model (a ParsedSchema of the prompt format has both).
 * Render reads prompts without the format handler: it needs neither the comparison engine nor the
 * template checker, and a render is one process in a caller's hot path (see test/bench/prompt-render.mjs).
 */
export interface PromptSource {
  text: string;
  value: PromptModel;
}

export interface RenderedPart {
  text?: string;
  media?: { url: string; contentType?: string };
  [k: string]: unknown;
}

export interface RenderedMessage {
  role: string;
  content: RenderedPart[];
}

export interface RenderedRequest {
  model?: string;
  config: Record<string, unknown>;
  messages: RenderedMessage[];
  output?: { format?: string; schema?: unknown };
}

type Renderer = (data: { input: Record<string, unknown> }) => Promise<{ messages: RenderedMessage[] }>;
const renderers = new WeakMap<PromptModel, Promise<Renderer>>();
const validators = new WeakMap<PromptModel, DataValidator>();

async function rendererOf(schema: PromptSource): Promise<Renderer> {
  const model = schema.value;
  let r = renderers.get(model);
  if (!r) {
    r = (async () => {
      const { Dotprompt } = await import('dotprompt');
      const dp = new Dotprompt({ partials: model.partials, schemas: model.schemas as Record<string, unknown> });
      return (await dp.compile(schema.text.replace(/^\uFEFF/, ''))) as unknown as Renderer;
    })();
    renderers.set(model, r);
    r.catch(() => renderers.delete(model));
  }
  return r;
}

/** The input schema compiled with ajv (a prompt's schemas are self-contained: named schemas are inlined). */
function inputValidator(model: PromptModel): DataValidator {
  let v = validators.get(model);
  if (!v) {
    const schema = model.input;
    if (schema === null) v = { validate: () => null };
    else {
      const fn = compileSchema(ajvFor(dialectOf(schema)), schema);
      v = {
        validate(data: unknown) {
          try {
            return fn(data) ? null : toDataErrors(fn.errors);
          } catch (err) {
            if (err instanceof RangeError) return [{ path: '', message: 'data is nested too deeply to validate' }];
            throw err;
          }
        },
      };
    }
    validators.set(model, v);
  }
  return v;
}

function defaultsOf(model: PromptModel): Record<string, unknown> {
  const d = (model.front.input as Record<string, unknown> | undefined)?.default;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

/** Validate the input and render. Throws RenderInputError when the input does not match. */
export async function renderPrompt(schema: PromptSource, input: unknown, label = 'the prompt'): Promise<RenderedRequest> {
  const model = schema.value;
  const merged = input && typeof input === 'object' && !Array.isArray(input) ? { ...defaultsOf(model), ...(input as Record<string, unknown>) } : input;
  const errors = inputValidator(model).validate(merged);
  if (errors) throw new RenderInputError(`the input does not match the input schema of ${label}`, errors);
  if (!merged || typeof merged !== 'object' || Array.isArray(merged)) {
    throw new RenderInputError(`the input of ${label} must be an object of template variables`, [{ path: '', message: 'must be object' }]);
  }
  let rendered: { messages: RenderedMessage[] };
  try {
    const render = await rendererOf(schema);
    rendered = await render({ input: merged as Record<string, unknown> });
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(`cannot render ${label}: the template or its input is nested too deeply`);
    throw new InputError(`cannot render ${label}: ${String((err as Error)?.message ?? err).split('\n')[0]}`);
  }
  const out: RenderedRequest = {
    ...(model.model ? { model: model.model } : {}),
    config: model.config ?? {},
    messages: rendered.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (model.output !== null || model.outputFormat) {
    out.output = { ...(model.outputFormat ? { format: model.outputFormat } : {}), ...(model.output !== null ? { schema: model.output } : {}) };
  }
  return out;
}

/**
 * What render needs of a registry (core's Registry has it): a version's file and the schemas it references.
 * Declared here, on the formats floor, so that render does not import core (issue 24: no upward arrows).
 */
export interface PromptRegistry {
  getVersion(
    ref: { namespace: string; name: string },
    version: string,
  ): Promise<{ subject: string; format: string; entry: VersionEntry; file: string; text: string }>;
  resolveReferences(refs: SchemaReference[], seen?: Set<string>): Promise<ResolvedReference[]>;
  display(rel: string): string;
}

export interface LoadedPrompt extends PromptSource {
  subject: string;
  version: string;
  deprecated?: string;
}

/**
 * Load a registered prompt version for rendering (references resolved), refusing subjects of other formats.
 * The version passed its checks when it was registered; only its model is built here.
 */
export async function loadPrompt(registry: PromptRegistry, ref: { namespace: string; name: string }, version = 'latest'): Promise<LoadedPrompt> {
  const info = await registry.getVersion(ref, version);
  if (info.format !== 'prompt') throw new UsageError(`'${info.subject}' holds ${info.format} schemas: only prompt subjects (.prompt) render`);
  const references = info.entry.references?.length
    ? await registry.resolveReferences(info.entry.references, new Set([`${info.subject}@${info.entry.version}`]))
    : [];
  const value = await readPrompt(info.text, registry.display(info.file), references);
  return {
    subject: info.subject,
    version: info.entry.version,
    ...(info.entry.state === 'deprecated' ? { deprecated: info.entry.reason ?? 'deprecated' } : {}),
    text: info.text,
    value,
  };
}

/** The render use-case over a registry: load the version, validate the input, render. */
export async function renderRegistered(
  registry: PromptRegistry,
  ref: { namespace: string; name: string },
  input: unknown,
  version = 'latest',
): Promise<{ subject: string; version: string; deprecated?: string; request: RenderedRequest }> {
  const p = await loadPrompt(registry, ref, version);
  const request = await renderPrompt(p, input, `${p.subject} ${p.version}`);
  return { subject: p.subject, version: p.version, ...(p.deprecated ? { deprecated: p.deprecated } : {}), request };
}

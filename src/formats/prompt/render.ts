/**
 * Rendering a registered prompt: the input is checked against the input schema (with the front matter's
 * `input.default` filled in first, as a caller would expect), then dotprompt renders the template. The
 * result is the request a caller sends: messages, model, config and the output schema.
 */
import type { ParsedSchema } from '../../core/types.js';
import { RenderInputError } from './errors.js';

export { RenderInputError };
import { promptHandler, promptModel } from './handler.js';
import type { PromptModel } from './source.js';

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
const renderers = new WeakMap<ParsedSchema, Promise<Renderer>>();

async function rendererOf(schema: ParsedSchema): Promise<Renderer> {
  let r = renderers.get(schema);
  if (!r) {
    const model = promptModel(schema);
    r = (async () => {
      const { Dotprompt } = await import('dotprompt');
      const dp = new Dotprompt({ partials: model.partials, schemas: model.schemas as Record<string, unknown> });
      return (await dp.compile(schema.text.replace(/^\uFEFF/, ''))) as unknown as Renderer;
    })();
    renderers.set(schema, r);
    r.catch(() => renderers.delete(schema));
  }
  return r;
}

function defaultsOf(model: PromptModel): Record<string, unknown> {
  const d = (model.front.input as Record<string, unknown> | undefined)?.default;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

/** Validate the input and render. Throws RenderInputError when the input does not match. */
export async function renderPrompt(schema: ParsedSchema, input: unknown, label = 'the prompt'): Promise<RenderedRequest> {
  const model = promptModel(schema);
  const merged = input && typeof input === 'object' && !Array.isArray(input) ? { ...defaultsOf(model), ...(input as Record<string, unknown>) } : input;
  const errors = promptHandler.compile(schema).validate(merged);
  if (errors) throw new RenderInputError(`the input does not match the input schema of ${label}`, errors);
  if (!merged || typeof merged !== 'object' || Array.isArray(merged)) {
    throw new RenderInputError(`the input of ${label} must be an object of template variables`, [{ path: '', message: 'must be object' }]);
  }
  const render = await rendererOf(schema);
  const rendered = await render({ input: merged as Record<string, unknown> });
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

/** The text of a message (its text parts; media shown as a placeholder). */
export function messageText(m: RenderedMessage): string {
  return m.content.map((p) => (typeof p.text === 'string' ? p.text : p.media ? `[media ${p.media.url}]` : `[${Object.keys(p).join(', ')}]`)).join('');
}

/** The render use-case over a registry: load the version (references resolved), check it is a prompt, render. */
export async function renderRegistered(
  registry: import('../../core/registry.js').Registry,
  ref: { namespace: string; name: string },
  input: unknown,
  version = 'latest',
): Promise<{ subject: string; version: string; deprecated?: string; request: RenderedRequest }> {
  const meta = await registry.getSubject(ref);
  const subject = `${ref.namespace}.${ref.name}`;
  if (meta.format !== 'prompt') {
    const { UsageError } = await import('../../core/errors.js');
    throw new UsageError(`'${subject}' holds ${meta.format} schemas: only prompt subjects (.prompt) render`);
  }
  const { info, schema } = await registry.loadSchema(ref, version);
  const request = await renderPrompt(schema, input, `${subject} ${info.entry.version}`);
  return {
    subject,
    version: info.entry.version,
    ...(info.entry.state === 'deprecated' ? { deprecated: info.entry.reason ?? 'deprecated' } : {}),
    request,
  };
}

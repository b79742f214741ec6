/**
 * Provider response objects ("envelopes") as logged: where the reply is, and whether the provider refused
 * or cut it off. One reader per provider; each returns facts, the caller decides the outcome.
 *  - openai-chat: Chat Completions `{choices: [{message: {content, refusal, tool_calls}, finish_reason}]}`
 *  - openai-responses: Responses API `{status, incomplete_details, output: [{type: message|function_call|reasoning}]}`
 *  - anthropic: Messages `{stop_reason, content: [{type: text|tool_use|thinking}]}`
 *  - gemini: generateContent `{candidates: [{content: {parts}, finishReason}], promptFeedback}`
 */
export type EnvelopeKind = 'openai-chat' | 'openai-responses' | 'anthropic' | 'gemini' | 'auto';
export const ENVELOPE_KINDS: readonly EnvelopeKind[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini', 'auto'];

/** Which provider's response object this is, by its structure (for logs that mix providers). */
export function detectEnvelope(env: unknown): Exclude<EnvelopeKind, 'auto'> | undefined {
  if (!isO(env)) return undefined;
  if (Array.isArray(env.choices)) return 'openai-chat';
  if (Array.isArray(env.output) && (env.object === 'response' || 'status' in env)) return 'openai-responses';
  if (Array.isArray(env.content) && (env.type === 'message' || 'stop_reason' in env)) return 'anthropic';
  if (Array.isArray(env.candidates) || isO(env.promptFeedback)) return 'gemini';
  return undefined;
}

export interface EnvelopeReply {
  /** The provider refused (its refusal field, stop reason or safety block). */
  refused?: string;
  /** The provider stopped at the token limit (finish_reason length, max_tokens, MAX_TOKENS, max_output_tokens). */
  truncated?: string;
  /** Reply text to extract JSON from (content, or tool-call arguments as sent: a JSON string). */
  text?: string;
  /** A reply that is already a value (Anthropic tool_use.input, Gemini functionCall.args). */
  value?: unknown;
  hasValue?: boolean;
  /** Not an envelope of this kind: why. */
  notEnvelope?: string;
}

type O = Record<string, unknown>;
const isO = (v: unknown): v is O => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function readEnvelope(kind: EnvelopeKind, env: unknown): EnvelopeReply {
  if (!isO(env)) return { notEnvelope: `not a ${kind === 'auto' ? 'provider' : kind} response object` };
  if (kind === 'auto') {
    const found = detectEnvelope(env);
    if (!found) return { notEnvelope: 'not a response object of a known provider (openai-chat, openai-responses, anthropic, gemini)' };
    kind = found;
  }
  switch (kind) {
    case 'openai-chat':
      return openaiChat(env);
    case 'openai-responses':
      return openaiResponses(env);
    case 'anthropic':
      return anthropic(env);
    case 'gemini':
      return gemini(env);
  }
}

function openaiChat(env: O): EnvelopeReply {
  const choice = arr(env.choices)[0];
  if (!isO(choice) || !isO(choice.message)) return { notEnvelope: 'no choices[0].message (not a Chat Completions response)' };
  const m = choice.message;
  const out: EnvelopeReply = {};
  if (typeof m.refusal === 'string' && m.refusal) return { refused: m.refusal };
  if (choice.finish_reason === 'content_filter') return { refused: 'finish_reason: content_filter' };
  if (choice.finish_reason === 'length') out.truncated = 'finish_reason: length';
  const call = arr(m.tool_calls).find((c) => isO(c) && isO(c.function));
  if (isO(call) && isO(call.function) && typeof call.function.arguments === 'string') return { ...out, text: call.function.arguments };
  if (typeof m.content === 'string') return { ...out, text: m.content };
  if (Array.isArray(m.content))
    return {
      ...out,
      text: m.content
        .filter((p): p is O => isO(p) && typeof p.text === 'string')
        .map((p) => p.text)
        .join(''),
    };
  return out;
}

function openaiResponses(env: O): EnvelopeReply {
  if (!Array.isArray(env.output)) return { notEnvelope: 'no output array (not a Responses API response)' };
  const out: EnvelopeReply = {};
  const reason = isO(env.incomplete_details) ? env.incomplete_details.reason : undefined;
  if (env.status === 'incomplete' && reason === 'content_filter') return { refused: 'incomplete: content_filter' };
  if (env.status === 'incomplete') out.truncated = `incomplete: ${typeof reason === 'string' ? reason : 'max_output_tokens'}`;
  let text = '';
  for (const item of env.output) {
    if (!isO(item)) continue;
    if (item.type === 'function_call' && typeof item.arguments === 'string') return { ...out, text: item.arguments };
    if (item.type !== 'message') continue; // reasoning items are skipped
    for (const part of arr(item.content)) {
      if (!isO(part)) continue;
      if (part.type === 'refusal' && typeof part.refusal === 'string') return { refused: part.refusal };
      if (typeof part.text === 'string') text += part.text;
    }
  }
  return text ? { ...out, text } : out;
}

function anthropic(env: O): EnvelopeReply {
  if (!Array.isArray(env.content)) return { notEnvelope: 'no content array (not a Messages response)' };
  const out: EnvelopeReply = {};
  if (env.stop_reason === 'refusal') {
    const said = env.content.filter((b): b is O => isO(b) && b.type === 'text' && typeof b.text === 'string').map((b) => b.text as string);
    return { refused: said.join(' ').trim() || 'stop_reason: refusal' };
  }
  if (env.stop_reason === 'max_tokens' || env.stop_reason === 'model_context_window_exceeded') out.truncated = `stop_reason: ${String(env.stop_reason)}`;
  const tool = env.content.find((b) => isO(b) && b.type === 'tool_use');
  if (isO(tool) && 'input' in tool) return { ...out, value: tool.input, hasValue: true };
  const text = env.content
    .filter((b): b is O => isO(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join(''); // thinking and redacted_thinking blocks are skipped
  return text ? { ...out, text } : out;
}

const GEMINI_BLOCKED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

function gemini(env: O): EnvelopeReply {
  if (isO(env.promptFeedback) && typeof env.promptFeedback.blockReason === 'string') return { refused: `prompt blocked: ${env.promptFeedback.blockReason}` };
  const cand = arr(env.candidates)[0];
  if (!isO(cand)) return { notEnvelope: 'no candidates[0] (not a generateContent response)' };
  const fr = cand.finishReason;
  if (typeof fr === 'string' && GEMINI_BLOCKED.has(fr)) return { refused: `finishReason: ${fr}` };
  const out: EnvelopeReply = {};
  if (fr === 'MAX_TOKENS') out.truncated = 'finishReason: MAX_TOKENS';
  const parts = isO(cand.content) ? arr(cand.content.parts) : [];
  const call = parts.find((p) => isO(p) && isO(p.functionCall));
  if (isO(call) && isO(call.functionCall)) return { ...out, value: call.functionCall.args ?? {}, hasValue: true };
  const text = parts
    .filter((p): p is O => isO(p) && typeof p.text === 'string' && p.thought !== true)
    .map((p) => p.text)
    .join('');
  return text ? { ...out, text } : out;
}

/**
 * The reporter layer for `render`: a rendered prompt as the request JSON, or as text (each message under its
 * role, media as a placeholder). Type-only imports: loading it does not load the renderer.
 */
import type { RenderedMessage, RenderedRequest } from '../formats/prompt/render.js';
import { plain, type Paint } from './changes.js';

export interface RenderView {
  subject: string;
  version: string;
  request: RenderedRequest;
}

export function renderJson(v: RenderView): string {
  return JSON.stringify({ subject: v.subject, version: v.version, ...v.request }, null, 2) + '\n';
}

/** The text of a message (its text parts; media shown as a placeholder). */
export function messageText(m: RenderedMessage): string {
  return m.content.map((p) => (typeof p.text === 'string' ? p.text : p.media ? `[media ${p.media.url}]` : `[${Object.keys(p).join(', ')}]`)).join('');
}

/** Each message as `[role]` then its text, messages separated by a blank line. */
export function renderText(v: RenderView, c: Paint = plain): string {
  return v.request.messages.map((m) => `${c.bold(`[${m.role}]`)}\n${messageText(m).replace(/^\n+|\n+$/g, '')}\n`).join('\n');
}

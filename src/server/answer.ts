/** An HTTP answer ready to send (status, headers, bytes, ETag, metrics label), and how one is made. */
import { createHash } from 'node:crypto';

export const CONFLUENT_TYPE = 'application/vnd.schemaregistry.v1+json';
export const JSON_TYPE = 'application/json';

/** A response ready to send: status, headers (with length and ETag) and body bytes. */
export interface Prepared {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
  etag?: string;
  /** Route template, the label used in metrics. */
  route: string;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/** A JSON (or raw) response with its bytes, length and, when asked, an ETag. */
export function prepare(status: number, value: unknown, contentType: string, route: string, options: { etag?: boolean; raw?: boolean } = {}): Prepared {
  const text = options.raw ? String(value) : JSON.stringify(value);
  const body = Buffer.from(text, 'utf8');
  const headers: Record<string, string | number> = { 'Content-Type': contentType, 'Content-Length': body.length };
  let etag: string | undefined;
  if (options.etag) {
    etag = etagOf(body);
    headers.ETag = etag;
    headers['Cache-Control'] = 'no-cache';
  }
  return { status, headers, body, etag, route };
}

/**
 * A small HTTP client for `llm-schema serve`: typed calls for its own API (and schema-by-id from the
 * Confluent API), an in-memory cache revalidated with ETags, and retries with exponential backoff and
 * jitter on network errors and retriable statuses. Uses the global fetch (Node >= 20).
 *
 *   const client = new RegistryClient({ baseUrl: 'http://127.0.0.1:8080' });
 *   const { schema } = await client.getSchema('myapp.user-schema');
 *   const { is_valid, errors } = await client.validate('myapp.user-schema', record);
 */
import type { Change, CompatibilityMode, DataError, FormatName, SchemaReference, SubjectKind } from '../model/types.js';

export type SubjectArg = string | { namespace: string; name: string };

export interface RegistryClientOptions {
  /** The server, e.g. http://127.0.0.1:8080 (a path prefix is kept). */
  baseUrl: string;
  /** Time allowed for one attempt, in ms (default 5000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** First backoff in ms (default 100); doubles each retry, with full jitter, up to retryMaxMs (default 2000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a cached answer is used without asking the server (default 30 s); after that it is revalidated with its ETag. */
  cacheTtlMs?: number;
  /** Cached answers kept at most (default 1000; least recently used go first). */
  maxCacheEntries?: number;
  /** Extra request headers (auth for a proxy in front of serve). */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
}

export interface ServedSubject {
  subject: string;
  namespace: string;
  name: string;
  format: FormatName;
  compatibility: CompatibilityMode;
  description?: string;
  owners: string[];
  tags: string[];
  kind?: SubjectKind;
  /** Confluent subject names that answer for this subject (Kafka naming strategies). */
  aliases: string[];
  latest?: string;
  versions: string[];
}

export interface ServedSubjectDetail extends Omit<ServedSubject, 'versions'> {
  versions: Array<{ version: string; index: number; id: number; state: 'active' | 'deprecated'; reason?: string; registered?: string }>;
}

export interface ServedSchema {
  subject: string;
  namespace: string;
  name: string;
  version: string;
  /** 1-based registration order (the Confluent version number). */
  index: number;
  id: number;
  format: FormatName;
  state: 'active' | 'deprecated';
  reason?: string;
  references?: SchemaReference[];
  registered?: string;
  description?: string;
  owners: string[];
  tags: string[];
  kind?: SubjectKind;
  /** Parsed JSON for JSON Schema and Avro; the source text for Protobuf. */
  schema: unknown;
}

export interface ServedSchemaById {
  schema: string;
  /** Absent for Avro, as in Confluent. */
  schemaType?: 'JSON' | 'PROTOBUF';
  references?: Array<{ name: string; subject: string; version: number }>;
}

export interface ServedValidation {
  is_valid: boolean;
  errors: DataError[];
  subject: string;
  version: string;
}

export interface ServedCompatibility {
  is_compatible: boolean;
  mode: CompatibilityMode;
  undecided: boolean;
  changes: Array<Change & { against: string; breaking: boolean }>;
}

export interface ServedHealth {
  status: 'ok';
  source: string;
  commit?: string;
  subjects: number;
  versions: number;
  snapshot: number;
  loaded_at: string;
  uptime_seconds: number;
}

/** An answer other than 2xx/304 from the server, with Confluent's error_code when it sent one. */
export class RegistryHttpError extends Error {
  readonly status: number;
  readonly errorCode?: number;
  readonly url: string;
  constructor(status: number, message: string, url: string, errorCode?: number) {
    super(message);
    this.name = 'RegistryHttpError';
    this.status = status;
    this.errorCode = errorCode;
    this.url = url;
  }
}

interface CacheEntry {
  etag?: string;
  value: unknown;
  fetchedAt: number;
  /** Never changes (a schema id): no revalidation. */
  immutable: boolean;
}

const RETRIABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class RegistryClient {
  private readonly base: string;
  private readonly opts: Required<Omit<RegistryClientOptions, 'baseUrl' | 'headers' | 'fetch'>>;
  private readonly headers: Record<string, string>;
  private readonly fetchFn: typeof fetch;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(options: RegistryClientOptions) {
    if (!options?.baseUrl) throw new TypeError('RegistryClient needs a baseUrl, e.g. http://127.0.0.1:8080');
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.opts = {
      timeoutMs: options.timeoutMs ?? 5000,
      retries: options.retries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 100,
      retryMaxMs: options.retryMaxMs ?? 2000,
      cacheTtlMs: options.cacheTtlMs ?? 30_000,
      maxCacheEntries: options.maxCacheEntries ?? 1000,
    };
    this.headers = { Accept: 'application/json, application/vnd.schemaregistry.v1+json', ...options.headers };
    const f = options.fetch ?? globalThis.fetch;
    if (!f) throw new TypeError('no fetch available: pass options.fetch');
    this.fetchFn = f;
  }

  health(): Promise<ServedHealth> {
    return this.get('/health', { cache: false });
  }

  /** Every subject with its versions. */
  async listSubjects(): Promise<ServedSubject[]> {
    return (await this.get<{ subjects: ServedSubject[] }>('/registry')).subjects;
  }

  /** One subject with the details of each version. */
  getSubject(subject: SubjectArg): Promise<ServedSubjectDetail> {
    const { namespace, name } = split(subject);
    return this.get(`/schemas/${enc(namespace)}/${enc(name)}`);
  }

  /** A version (semver) or 'latest' (the default). */
  getSchema(subject: SubjectArg, version = 'latest'): Promise<ServedSchema> {
    const { namespace, name } = split(subject);
    return this.get(`/schemas/${enc(namespace)}/${enc(name)}/${enc(version)}`);
  }

  /** A schema by its id (the id in a Kafka message's wire format). Cached for good: an id's schema never changes. */
  getSchemaById(id: number): Promise<ServedSchemaById> {
    if (!Number.isInteger(id) || id <= 0) return Promise.reject(new TypeError(`invalid schema id ${id}`));
    return this.get(`/schemas/ids/${id}`, { immutable: true });
  }

  search(words: string | string[]): Promise<{ query: string; results: Array<ServedSubject & { matches: string[] }> }> {
    const q = Array.isArray(words) ? words.join(' ') : words;
    return this.get(`/search?q=${encodeURIComponent(q)}`);
  }

  /** Validate one record against a version (default latest) on the server. */
  validate(subject: SubjectArg, data: unknown, options: { version?: string } = {}): Promise<ServedValidation> {
    const { namespace, name } = split(subject);
    return this.post('/schemas/validate', { namespace, name, ...(options.version ? { version: options.version } : {}), data });
  }

  /** Check a candidate schema (text or JSON value) against the subject, under its mode or the one given. */
  checkCompatibility(subject: SubjectArg, schema: string | object, options: { mode?: CompatibilityMode; policy?: string } = {}): Promise<ServedCompatibility> {
    const { namespace, name } = split(subject);
    return this.post('/schemas/compatibility', { namespace, name, schema, ...options });
  }

  /** Forget every cached answer. */
  clearCache(): void {
    this.cache.clear();
  }

  private async get<T>(path: string, o: { cache?: boolean; immutable?: boolean } = {}): Promise<T> {
    const useCache = o.cache !== false;
    const hit = useCache ? this.cache.get(path) : undefined;
    if (hit && (hit.immutable || Date.now() - hit.fetchedAt < this.opts.cacheTtlMs)) {
      // Refresh its place in the LRU order.
      this.cache.delete(path);
      this.cache.set(path, hit);
      return hit.value as T;
    }
    const running = this.inflight.get(path);
    if (running) return running as Promise<T>;
    const p = (async () => {
      const headers: Record<string, string> = { ...this.headers };
      if (hit?.etag) headers['If-None-Match'] = hit.etag;
      const res = await this.request('GET', path, headers);
      if (res.status === 304 && hit) {
        hit.fetchedAt = Date.now();
        return hit.value as T;
      }
      const value = (await readBody(res, this.base + path)) as T;
      if (useCache) this.remember(path, { etag: res.headers.get('etag') ?? undefined, value, fetchedAt: Date.now(), immutable: !!o.immutable });
      return value;
    })();
    this.inflight.set(path, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(path);
    }
  }

  private async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.request('POST', path, { ...this.headers, 'Content-Type': 'application/json' }, JSON.stringify(body));
    return (await readBody(res, this.base + path)) as T;
  }

  private remember(path: string, entry: CacheEntry): void {
    this.cache.delete(path);
    this.cache.set(path, entry);
    while (this.cache.size > this.opts.maxCacheEntries) this.cache.delete(this.cache.keys().next().value!);
  }

  /** One request with retries (every call of this client is a read, so retrying is safe). */
  private async request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
    const url = this.base + path;
    let attempt = 0;
    while (true) {
      let res: Response | undefined;
      let error: unknown;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), this.opts.timeoutMs);
      try {
        res = await this.fetchFn(url, { method, headers, body, signal: ac.signal });
      } catch (err) {
        error = err;
      } finally {
        clearTimeout(timer);
      }
      const retriable = res ? RETRIABLE.has(res.status) && !(await isJobTimeout(res)) : true;
      if (!retriable || attempt >= this.opts.retries) {
        if (res) return res;
        const reason = (error as Error)?.name === 'AbortError' ? `no answer within ${this.opts.timeoutMs} ms` : ((error as Error)?.message ?? String(error));
        throw new RegistryHttpError(0, `${method} ${url} failed after ${attempt + 1} attempt(s): ${reason}`, url);
      }
      const retryAfter = res ? Number(res.headers.get('retry-after')) : NaN;
      await res?.body?.cancel().catch(() => {});
      const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** attempt);
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, this.opts.retryMaxMs) : Math.random() * backoff;
      await new Promise((r) => setTimeout(r, wait));
      attempt++;
    }
  }
}

/** A 500 with error_code 50002 is a request stopped for taking too long: retrying would take as long. */
async function isJobTimeout(res: Response): Promise<boolean> {
  if (res.status !== 500) return false;
  try {
    const body = (await res.clone().json()) as { error_code?: number };
    return body?.error_code === 50002;
  } catch {
    return false;
  }
}

async function readBody(res: Response, url: string): Promise<unknown> {
  const text = await res.text();
  let value: unknown = text;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  if (res.status >= 200 && res.status < 300) return value;
  const b = value as { error_code?: number; message?: string } | undefined;
  const message = typeof b === 'object' && b?.message ? b.message : `HTTP ${res.status}`;
  throw new RegistryHttpError(res.status, message, url, typeof b === 'object' ? b?.error_code : undefined);
}

function split(subject: SubjectArg): { namespace: string; name: string } {
  if (typeof subject !== 'string') return subject;
  const i = subject.lastIndexOf('.');
  if (i <= 0 || i === subject.length - 1) throw new TypeError(`invalid subject '${subject}': expected <namespace>.<name>`);
  return { namespace: subject.slice(0, i), name: subject.slice(i + 1) };
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

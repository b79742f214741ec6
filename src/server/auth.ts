/**
 * Authentication and authorization for `serve --auth-file`: users with salted scrypt hashes of a password
 * (HTTP basic) or a token (bearer), each allowed to read some namespaces. The file holds hashes only.
 * A verified Authorization header is remembered by its SHA-256 (never the secret itself), so a
 * keep-alive client costs one scrypt per credential and reload, not one per request.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { InputError } from '../model/errors.js';
import { parseYaml } from '../model/yaml.js';

export interface AuthUser {
  name: string;
  /** 'scrypt$N$r$p$salt$hash' (base64url salt and hash). */
  password?: string;
  token?: string;
  /** Namespace patterns: 'shop' (exactly), 'billing.*' (every namespace under billing), '*' (all). */
  namespaces: string[];
}

export interface AuthFile {
  users: AuthUser[];
}

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEYLEN = 32;
const HASH_RE = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const PATTERN_RE = /^(\*|[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*(\.\*)?)$/;

function scrypt(secret: string | Buffer, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A salted scrypt hash of a secret, in the auth file's notation. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEYLEN, { ...PARAMS, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * True when secret matches the stored hash (constant-time comparison of the derived keys). `client` (a
 * remote address) is whose turn it is in the queue of derivations; throws CredentialQueueFull when that
 * client already has too many waiting.
 */
export async function verifySecret(secret: string, stored: string, client = ''): Promise<boolean> {
  const m = HASH_RE.exec(stored);
  if (!m) return false;
  await scryptQueue.acquire(client);
  try {
    return await derive(secret, m);
  } catch {
    return false; // parameters scrypt refuses (a hand-edited hash): no match
  } finally {
    scryptQueue.release(client);
  }
}

/** A client (or everyone) has too many credential checks waiting: answered 429 with Retry-After. */
export class CredentialQueueFull extends Error {
  constructor() {
    super('too many credential checks waiting');
  }
}

/**
 * At most two scrypt derivations at once: they run on libuv's thread pool (4 threads), which file reads
 * share, so a flood of made-up credentials slows only the checking of new credentials, nothing else.
 * Waiting checks are taken in turn per client (round robin over remote addresses), so a client flooding
 * with made-up credentials waits behind itself, not in front of everyone else; and each client may have
 * only so many waiting (the rest are refused at once, without hashing: the refusal depends on the queue,
 * never on the credentials).
 */
export class FairQueue {
  private running = 0;
  private waiting = 0;
  private runningBy = new Map<string, number>();
  /** client -> its waiters; the Map's order is the round-robin order. */
  private queues = new Map<string, Array<() => void>>();

  /**
   * parallel: derivations at once; perClientRunning: at once for one client (below parallel, a newcomer
   * always finds a thread free or about to be); perClient / total: waiting, beyond which it is refused.
   */
  constructor(
    readonly parallel: number,
    readonly perClientRunning: number,
    readonly perClient: number,
    readonly total: number,
  ) {}

  acquire(client: string): Promise<void> {
    const q = this.queues.get(client);
    if (!q && this.running < this.parallel && (this.runningBy.get(client) ?? 0) < this.perClientRunning) {
      this.start(client);
      return Promise.resolve();
    }
    if ((q?.length ?? 0) >= this.perClient || this.waiting >= this.total) return Promise.reject(new CredentialQueueFull());
    return new Promise((resolve) => {
      if (q) q.push(resolve);
      else this.queues.set(client, [resolve]);
      this.waiting++;
    });
  }

  release(client: string): void {
    this.running--;
    const n = (this.runningBy.get(client) ?? 1) - 1;
    if (n > 0) this.runningBy.set(client, n);
    else this.runningBy.delete(client);
    this.dispatch();
  }

  private start(client: string): void {
    this.running++;
    this.runningBy.set(client, (this.runningBy.get(client) ?? 0) + 1);
  }

  /** Start waiters in turn: the first client in the round whose running share is not used up. */
  private dispatch(): void {
    while (this.running < this.parallel && this.waiting > 0) {
      let picked: string | undefined;
      for (const client of this.queues.keys()) {
        if ((this.runningBy.get(client) ?? 0) < this.perClientRunning) {
          picked = client;
          break;
        }
      }
      if (picked === undefined) return;
      const q = this.queues.get(picked)!;
      const next = q.shift()!;
      this.waiting--;
      // The client goes to the end of the round (or leaves it when it has nothing more waiting).
      this.queues.delete(picked);
      if (q.length > 0) this.queues.set(picked, q);
      this.start(picked);
      next();
    }
  }
}

const scryptQueue = new FairQueue(2, 1, 32, 2048);

/** The queue key of a remote address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 (one host holds a whole /64). */
export function clientKey(address: string | undefined): string {
  if (!address) return '';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!address.includes(':')) return address;
  const parts = address.split('::');
  const head = parts[0] === '' ? [] : parts[0].split(':');
  const tail = parts.length > 1 && parts[1] !== '' ? parts[1].split(':') : [];
  const full = parts.length > 1 ? [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail] : head;
  return full.slice(0, 4).join(':') + '::/64';
}

async function derive(secret: string, m: RegExpExecArray): Promise<boolean> {
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const expected = Buffer.from(m[5], 'base64url');
  const key = await scrypt(secret, Buffer.from(m[4], 'base64url'), expected.length, { N, r, p, maxmem: 256 * 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random bearer token: 32 bytes, base64url, with a recognisable prefix. */
export function newToken(): string {
  return `lsr_${randomBytes(32).toString('base64url')}`;
}

export function checkPattern(p: string): boolean {
  return PATTERN_RE.test(p);
}

/** Parse and check an auth file's text; errors name the file (and the line for YAML errors). */
export function parseAuthFile(text: string, file: string): AuthFile {
  const value = text.trim() === '' ? { users: [] } : parseYaml(text, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError("an auth file is a mapping with a 'users' list", { file });
  const users = (value as { users?: unknown }).users ?? [];
  if (!Array.isArray(users)) throw new InputError("'users' must be a list", { file });
  const seen = new Set<string>();
  const out: AuthUser[] = [];
  users.forEach((u: unknown, i: number) => {
    const where = `users[${i}]`;
    if (typeof u !== 'object' || u === null || Array.isArray(u))
      throw new InputError(`${where} must be a mapping with name, password or token, and namespaces`, { file });
    const { name, password, token, namespaces } = u as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME_RE.test(name)) throw new InputError(`${where}: 'name' must be 1-128 letters, digits, '.', '_', '@' or '-'`, { file });
    if (seen.has(name)) throw new InputError(`${where}: user '${name}' appears twice`, { file });
    seen.add(name);
    if ((password === undefined) === (token === undefined)) throw new InputError(`${where} (${name}): give exactly one of 'password' and 'token'`, { file });
    const hash = password ?? token;
    if (typeof hash !== 'string' || !HASH_RE.test(hash)) {
      throw new InputError(
        `${where} (${name}): '${password !== undefined ? 'password' : 'token'}' must be a scrypt hash written by 'llm-schema auth add', never the secret itself`,
        { file },
      );
    }
    if (!Array.isArray(namespaces) || namespaces.length === 0 || !namespaces.every((n) => typeof n === 'string' && checkPattern(n))) {
      throw new InputError(`${where} (${name}): 'namespaces' must be a non-empty list of namespaces, 'ns.*' or '*'`, { file });
    }
    out.push({ name, ...(password !== undefined ? { password: hash } : { token: hash }), namespaces: namespaces as string[] });
  });
  return { users: out };
}

export async function readAuthFile(file: string): Promise<AuthFile> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(e.code === 'ENOENT' ? 'no such auth file' : `cannot read the auth file: ${e.code ?? e.message}`, { file });
  }
  return parseAuthFile(text, file);
}

/** Decides which namespaces a user may read. */
export class NamespaceFilter {
  readonly all: boolean;
  private exact = new Set<string>();
  private prefixes: string[] = [];
  private cache = new Map<string, boolean>();
  constructor(readonly patterns: string[]) {
    this.all = patterns.includes('*');
    for (const p of patterns) {
      if (p.endsWith('.*')) this.prefixes.push(p.slice(0, -1));
      else this.exact.add(p);
    }
  }
  namespace(ns: string): boolean {
    if (this.all) return true;
    let ok = this.cache.get(ns);
    if (ok === undefined) {
      ok = this.exact.has(ns) || this.prefixes.some((p) => ns.startsWith(p));
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(ns, ok);
    }
    return ok;
  }
  /** A full subject name '<namespace>.<name>': the namespace is everything before the last dot. */
  subject(subject: string): boolean {
    if (this.all) return true;
    const dot = subject.lastIndexOf('.');
    return dot > 0 && this.namespace(subject.slice(0, dot));
  }
}

export interface Principal {
  name: string;
  filter: NamespaceFilter;
}

/** Verifies Authorization headers against the users of an auth file. */
export class Authenticator {
  private users: AuthUser[] = [];
  private byName = new Map<string, AuthUser>();
  private principals = new Map<string, Principal>();
  /** sha256(header) -> principal (or null: rejected). Cleared on reload. */
  private verified = new Map<string, Principal>();
  /** Rejected headers, apart: a flood of bad credentials never evicts the good ones. */
  private rejected = new Map<string, null>();
  private inflight = new Map<string, Promise<Principal | null | 'busy'>>();
  private generation = 0;
  static readonly MAX_CACHE = 10_000;

  constructor(readonly file: string) {}

  get size(): number {
    return this.users.length;
  }

  /** (Re)read the file. On error the previous users stay in force and the error is thrown. */
  async load(): Promise<void> {
    const parsed = await readAuthFile(this.file);
    this.users = parsed.users;
    this.byName = new Map(parsed.users.map((u) => [u.name, u]));
    this.principals = new Map(parsed.users.map((u) => [u.name, { name: u.name, filter: new NamespaceFilter(u.namespaces) }]));
    this.verified.clear();
    this.rejected.clear();
    this.inflight.clear();
    this.generation++;
  }

  /**
   * The principal for an Authorization header value: synchronously when this header was seen before,
   * else a promise (scrypt runs off the main thread). null: no or wrong credentials.
   */
  authenticate(header: string | undefined, conn?: { remoteAddress?: string }): Principal | null | Promise<Principal | null | 'busy'> {
    if (header === undefined || header.length > 8192) return null;
    // The same header again on a keep-alive connection: no hashing at all.
    if (conn !== undefined) {
      const last = this.perConnection.get(conn);
      if (last !== undefined && last.header === header && last.generation === this.generation) return last.principal;
    }
    const found = this.lookup(header, clientKey(conn?.remoteAddress));
    if (conn !== undefined && !(found instanceof Promise)) this.perConnection.set(conn, { header, principal: found, generation: this.generation });
    return found;
  }

  private perConnection = new WeakMap<object, { header: string; principal: Principal | null; generation: number }>();

  private lookup(header: string, client: string): Principal | null | Promise<Principal | null | 'busy'> {
    const key = createHash('sha256').update(header).digest('base64');
    const known = this.verified.get(key);
    if (known !== undefined) return known;
    if (this.rejected.has(key)) return null;
    let p = this.inflight.get(key);
    if (!p) {
      const gen = this.generation;
      p = this.verify(header, client).then(
        (principal) => {
          if (gen === this.generation) {
            const cache = principal ? this.verified : this.rejected;
            if (cache.size >= Authenticator.MAX_CACHE) cache.clear();
            if (principal) this.verified.set(key, principal);
            else this.rejected.set(key, null);
            this.inflight.delete(key);
          }
          return principal;
        },
        (err: unknown) => {
          if (gen === this.generation) this.inflight.delete(key);
          // Not checked (the client's queue was full): nothing is remembered; the client may retry.
          if (err instanceof CredentialQueueFull) return 'busy' as const;
          throw err;
        },
      );
      this.inflight.set(key, p);
    }
    return p;
  }

  private async verify(header: string, client: string): Promise<Principal | null> {
    const sp = header.indexOf(' ');
    if (sp < 0) return null;
    const scheme = header.slice(0, sp).toLowerCase();
    const value = header.slice(sp + 1).trim();
    if (scheme === 'basic') {
      let decoded: string;
      try {
        decoded = Buffer.from(value, 'base64').toString('utf8');
      } catch {
        return null;
      }
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const name = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const user = this.byName.get(name);
      if (!user?.password) {
        // The same work as for a real user, so that timing does not tell which names exist.
        await verifySecret(password, DUMMY, client);
        return null;
      }
      return (await verifySecret(password, user.password, client)) ? this.principals.get(user.name)! : null;
    }
    if (scheme === 'bearer') {
      if (value === '') return null;
      let found: Principal | null = null;
      // Every token user is tried (each hash has its own salt); results are cached per header.
      for (const u of this.users) {
        if (u.token && (await verifySecret(value, u.token, client)) && !found) found = this.principals.get(u.name)!;
      }
      if (!this.users.some((u) => u.token)) await verifySecret(value, DUMMY, client);
      return found;
    }
    return null;
  }
}

/** A hash nobody's secret matches (its key is random), for constant work on unknown users. */
const DUMMY = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${randomBytes(16).toString('base64url')}$${randomBytes(KEYLEN).toString('base64url')}`;

/** Helpers for the serve e2e tests: a registry with Avro and JSON subjects, and a running `serve`. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { BIN, cli, newRegistry } from '../helpers.js';

export const ORDER_V1 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
};
export const ORDER_V2 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'currency', type: 'string', default: 'EUR' }] };

export const USER_V1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
};
export const USER_V2 = {
  ...USER_V1,
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
};

export const PING_PROTO = 'syntax = "proto3";\npackage shop;\n\nmessage Ping {\n  string id = 1;\n  int64 at = 2;\n}\n';

async function ok(args: string[], cwd: string): Promise<string> {
  const r = await cli(args, { cwd });
  if (r.code !== 0) throw new Error(`llm-schema ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/**
 * A git registry holding:
 * - shop.orders-value (Avro, 1.0.0 and 1.1.0, subject compatibility FULL): the Kafka topic 'shop.orders' under
 *   the default TopicNameStrategy;
 * - shop.users-value (JSON Schema, 1.0.0 deprecated, 2.0.0);
 * - shop.users-copy (JSON Schema, 1.0.0 identical to shop.users-value 1.0.0: the same id);
 * - shop.ping (Protobuf, 1.0.0).
 */
export async function buildServeRegistry(): Promise<string> {
  const dir = await newRegistry({
    'order-v1.avsc': ORDER_V1,
    'order-v2.avsc': ORDER_V2,
    'user-v1.json': USER_V1,
    'user-v2.json': USER_V2,
    'ping.proto': PING_PROTO,
  });
  await ok(['register', '--namespace', 'shop', '--name', 'orders-value', '--file', 'order-v1.avsc', '--description', 'Orders placed', '--tag', 'orders'], dir);
  await ok(['register', '--namespace', 'shop', '--name', 'orders-value', '--file', 'order-v2.avsc'], dir);
  await ok(['config', '--namespace', 'shop', '--name', 'orders-value', '--compatibility', 'FULL'], dir);
  await ok(['register', '--namespace', 'shop', '--name', 'users-value', '--file', 'user-v1.json', '--description', 'Users'], dir);
  await ok(
    ['register', '--namespace', 'shop', '--name', 'users-value', '--file', 'user-v2.json', '--version', '2.0.0', '--allow-breaking', 'test fixture'],
    dir,
  );
  await ok(['deprecate', '--namespace', 'shop', '--name', 'users-value', '--version', '1.0.0', '--reason', 'use 2.x'], dir);
  await ok(['register', '--namespace', 'shop', '--name', 'users-copy', '--file', 'user-v1.json'], dir);
  await ok(['register', '--namespace', 'shop', '--name', 'ping', '--file', 'ping.proto'], dir);
  await execa('git', ['add', '-A'], { cwd: dir });
  await execa('git', ['commit', '-q', '-m', 'registry'], { cwd: dir });
  return dir;
}

export interface Served {
  url: string;
  firstLine: string;
  proc: ResultPromise;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number>;
}

/** Start `llm-schema serve --port 0` on the registry; resolves once it printed its listening line. */
export async function startServe(dir: string, args: string[] = []): Promise<Served> {
  const proc = execa('node', [BIN, 'serve', '--port', '0', ...args], {
    cwd: dir,
    env: { NO_COLOR: '1', LLM_SCHEMA_REGISTRY: '' },
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) {
        proc.stdout!.off('data', onData);
        resolve(out.slice(0, nl));
      }
    };
    proc.stdout!.on('data', onData);
    void proc.then((r) => reject(new Error(`serve exited (${r.exitCode}) before listening: ${err}`)));
  });
  const m = /listening on (https?:\/\/\S+) /.exec(firstLine);
  if (!m) throw new Error(`unexpected first line: ${firstLine}`);
  return {
    url: m[1],
    firstLine,
    proc,
    stderr: () => err,
    async stop() {
      proc.kill('SIGTERM');
      const r = await proc;
      return r.exitCode ?? -1;
    },
  };
}

export const CONFLUENT = 'application/vnd.schemaregistry.v1+json';

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // raw
  }
  return { status: res.status, body, headers: res.headers };
}

export function post(url: string, body: unknown, type = 'application/json') {
  return getJson(url, { method: 'POST', headers: { 'Content-Type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** A self-signed certificate for 127.0.0.1 and localhost, made with the real openssl into DIR: the PEM paths. */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const subject = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', ...subject], { stdio: 'ignore' });
  return { cert, key };
}

export { path };

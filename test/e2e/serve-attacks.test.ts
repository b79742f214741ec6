/**
 * The attack suite: what a hostile client can send to `serve`. After each attack the server answers
 * /health within a second, and the registry's files are unchanged.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, snapshot, tempDir } from '../helpers.js';
import { buildServeRegistry, CONFLUENT, getJson, post, startServe, type Served } from './serve-helpers.js';

let dir: string;
let outside: string;
let served: Served;
let url: string;
let before: Record<string, string>;

const SECRET_PROTO = 'syntax = "proto3";\npackage secret;\nmessage Leak { string token = 1; }\n';

beforeAll(async () => {
  dir = await buildServeRegistry();
  // A registered schema with a catastrophic pattern that only a backtracking engine runs (the backreference
  // keeps it off RE2): hostile data makes it backtrack for ever, so only the job budget stops it.
  writeFileSync(
    path.join(dir, 'redos.json'),
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { name: { type: 'string', pattern: '^(a+)+\\1$' } },
    }),
  );
  const reg = await cli(['register', '--namespace', 'shop', '--name', 'redos', '--file', 'redos.json'], { cwd: dir });
  expect(reg.code, reg.stderr).toBe(0);
  // The classic ReDoS pattern: validate runs it on the linear-time engine, so it is answered at once.
  writeFileSync(
    path.join(dir, 'redos-linear.json'),
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } }),
  );
  const lin = await cli(['register', '--namespace', 'shop', '--name', 'redos-linear', '--file', 'redos-linear.json'], { cwd: dir });
  expect(lin.code, lin.stderr).toBe(0);
  // A file outside the registry that a traversal would reach: a valid .proto and a valid JSON Schema.
  outside = tempDir('llm-schema-outside-');
  writeFileSync(path.join(outside, 'secret.proto'), SECRET_PROTO);
  writeFileSync(path.join(outside, 'secret.json'), JSON.stringify({ type: 'string', title: 'SECRET-MARKER' }));
  before = snapshot(dir);
  served = await startServe(dir, ['--job-timeout', '2000']);
  url = served.url;
}, 60_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  expect(snapshot(dir)).toEqual(before);
  cleanup(dir);
  cleanup(outside);
});

/** The server still answers at once, and nothing in the registry changed. */
async function stillHealthy(): Promise<void> {
  const t0 = Date.now();
  const r = await getJson(`${url}/health`, { signal: AbortSignal.timeout(5000) });
  expect(r.status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(1000);
  expect(served.proc.exitCode).toBeNull();
  expect(snapshot(dir)).toEqual(before);
}

function noServerPaths(body: unknown): void {
  const text = JSON.stringify(body);
  // The server's own folders never show (what the attacker sent may be echoed).
  expect(text).not.toContain(dir);
  expect(text).not.toContain(process.cwd());
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain('--reference');
  expect(text).not.toContain('--proto-path');
  expect(text).not.toContain('Leak');
  expect(text).not.toContain('looked in');
}

describe('attack: file traversal through imports and $refs', () => {
  const rel = () => path.relative(dir, path.join(outside, 'secret.proto'));
  const protoImporting = (imp: string) =>
    `syntax = "proto3";\npackage shop;\nimport "${imp}";\nmessage Ping {\n  string id = 1;\n  int64 at = 2;\n  secret.Leak leak = 3;\n}\n`;
  const imports = () => [
    rel(),
    path.join(outside, 'secret.proto'),
    '../../../../../../proc/self/environ',
    'google/protobuf/../../package.json',
    'google/protobuf/../../../../../../etc/passwd',
    'missing/nothing.proto',
  ];

  it('Protobuf imports on every POST route resolve only against references and google/protobuf', async () => {
    for (const imp of imports()) {
      const schema = protoImporting(imp);
      const answers = [
        await post(`${url}/subjects/shop.ping`, { schemaType: 'PROTOBUF', schema }, CONFLUENT),
        await post(`${url}/subjects/shop.ping?normalize=true`, { schemaType: 'PROTOBUF', schema }, CONFLUENT),
        await post(`${url}/compatibility/subjects/shop.ping/versions/latest`, { schemaType: 'PROTOBUF', schema }, CONFLUENT),
        await post(`${url}/compatibility/subjects/shop.ping/versions`, { schemaType: 'PROTOBUF', schema }, CONFLUENT),
        await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'ping', schema }),
      ];
      for (const r of answers) {
        expect(r.status, `${imp}: ${JSON.stringify(r.body)}`).toBe(422);
        expect(r.body.error_code).toBe(42201);
        noServerPaths(r.body);
      }
      await stillHealthy();
    }
  });

  it('a well-known import still works', async () => {
    const schema =
      'syntax = "proto3";\npackage shop;\nimport "google/protobuf/timestamp.proto";\nmessage Ping {\n  string id = 1;\n  int64 at = 2;\n  google.protobuf.Timestamp when = 3;\n}\n';
    const r = await post(`${url}/compatibility/subjects/shop.ping/versions/latest`, { schemaType: 'PROTOBUF', schema }, CONFLUENT);
    expect(r.status).toBe(200);
    expect(r.body.is_compatible).toBe(true);
  });

  it('JSON Schema $refs to files (relative, absolute, file: URLs) never resolve', async () => {
    const targets = [
      path.relative(dir, path.join(outside, 'secret.json')),
      path.join(outside, 'secret.json'),
      `file://${path.join(outside, 'secret.json')}`,
      '../../../../../../etc/passwd',
    ];
    for (const ref of targets) {
      const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { name: { type: 'string' }, x: { $ref: ref } } };
      const answers = [
        await post(`${url}/subjects/shop.users-value`, { schemaType: 'JSON', schema: JSON.stringify(schema) }, CONFLUENT),
        await post(`${url}/compatibility/subjects/shop.users-value/versions/latest`, { schemaType: 'JSON', schema: JSON.stringify(schema) }, CONFLUENT),
        await post(`${url}/compatibility/subjects/shop.users-value/versions`, { schemaType: 'JSON', schema: JSON.stringify(schema) }, CONFLUENT),
        await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'users-value', schema }),
        await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'users-value', schema: JSON.stringify(schema) }),
      ];
      for (const r of answers) {
        expect(r.status, `${ref}: ${JSON.stringify(r.body)}`).toBe(422);
        expect(r.body.error_code).toBe(42201);
        expect(JSON.stringify(r.body)).not.toContain('SECRET-MARKER');
        noServerPaths(r.body);
      }
      await stillHealthy();
    }
  });

  it('paths with encoded traversal name nothing', async () => {
    for (const p of [
      '/schemas/..%2F..%2F..%2Fetc/passwd/latest',
      '/subjects/..%2F..%2Fetc%2Fpasswd/versions/1',
      '/schemas/shop/..%2Fping/latest',
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const r = await getJson(`${url}${p}`);
      expect([400, 404, 422]).toContain(r.status);
      expect(JSON.stringify(r.body)).not.toContain('root:');
    }
    await stillHealthy();
  });
});

describe('attack: expensive bodies', () => {
  it('deeply nested arrays on /schemas/validate, twice, do not kill the process', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (let i = 0; i < 2; i++) {
      const r = await post(`${url}/schemas/validate`, `{"namespace":"shop","name":"users-value","data":${deep}}`);
      expect(r.status).toBe(422);
      expect(r.body.error_code).toBe(42201);
      await stillHealthy();
    }
    const ok = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'x' } });
    expect(ok.body.is_valid).toBe(true);
  });

  it('a deeply nested schema on /schemas/compatibility is refused at once and does not block others', async () => {
    const schema = '{"type":"array","items":'.repeat(5000) + '{"type":"string"}' + '}'.repeat(5000);
    const t0 = Date.now();
    const r = await post(`${url}/schemas/compatibility`, `{"namespace":"shop","name":"users-value","schema":${schema}}`);
    expect([422, 500]).toContain(r.status);
    expect(typeof r.body.error_code).toBe('number');
    // As text (parsed inside the worker): bounded too.
    const asText = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'users-value', schema });
    expect([422, 500]).toContain(asText.status);
    expect(typeof asText.body.error_code).toBe('number');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const next = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'x' } });
    expect(next.body.is_valid).toBe(true);
    await stillHealthy();
  });

  it('a catastrophic regex (ReDoS) is stopped by the job budget; the next request is answered', async () => {
    const t0 = Date.now();
    const r = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'redos', data: { name: 'a'.repeat(40) + '!' } });
    expect(r.status).toBe(500);
    expect(r.body.error_code).toBe(50002);
    expect(Date.now() - t0).toBeLessThan(15_000);
    await stillHealthy();
    // ^(a+)+$ itself never reaches the budget: it runs on RE2 and answers invalid.
    const linear = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'redos-linear', data: { name: 'a'.repeat(40) + '!' } });
    expect(linear.status).toBe(200);
    expect(linear.body.is_valid).toBe(false);
    // The same pattern as a candidate on compatibility: compared, bounded.
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } };
    const c = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'users-value', schema });
    expect([200, 422, 500]).toContain(c.status);
    await stillHealthy();
    const next = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'x' } });
    expect(next.status).toBe(200);
  });

  it('while a catastrophic regex holds one worker, other POSTs are answered before it ends', async () => {
    // A generous budget, so that the order below does not depend on how loaded the machine is.
    const s8 = await startServe(dir, ['--job-timeout', '8000']);
    const url = s8.url;
    const order: string[] = [];
    // One job first, so the pool's workers are started (and a spare holds the snapshot).
    expect((await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'x' } })).status).toBe(200);
    const slow = post(`${url}/schemas/validate`, { namespace: 'shop', name: 'redos', data: { name: 'a'.repeat(40) + '!' } }).then((r) => {
      order.push('slow');
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    const fast = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'x' } });
    order.push('fast');
    expect(fast.body.is_valid).toBe(true);
    const s = await slow;
    expect(s.body.error_code).toBe(50002);
    expect(order).toEqual(['fast', 'slow']);
    expect(await s8.stop()).toBe(0);
    await stillHealthy();
  });

  it('a giant enum is bounded', async () => {
    const e = Array.from({ length: 60_000 }, (_, i) => `v${i}`);
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { name: { type: 'string', enum: e } },
      required: ['name'],
    };
    const t0 = Date.now();
    const r = await post(`${url}/schemas/compatibility`, { namespace: 'shop', name: 'users-value', schema });
    expect([200, 413, 422, 500]).toContain(r.status);
    expect(Date.now() - t0).toBeLessThan(15_000);
    await stillHealthy();
  });

  it('huge arrays of data are bounded by --max-body (413) and by the job budget', async () => {
    const big = `{"namespace":"shop","name":"users-value","data":[${'1,'.repeat(600_000)}1]}`;
    const r = await post(`${url}/schemas/validate`, big);
    expect(r.status).toBe(413);
    await stillHealthy();
    const many = `{"namespace":"shop","name":"users-value","data":[${'{"name":"x"},'.repeat(60_000)}{}]}`;
    const r2 = await post(`${url}/schemas/validate`, many);
    expect(r2.status).toBe(200);
    expect(r2.body.is_valid).toBe(false);
    await stillHealthy();
  });

  it('a slow body (one byte at a time) does not hold up other requests', async () => {
    const u = new URL(url);
    const sock = net.connect(Number(u.port), u.hostname);
    await new Promise((r) => sock.once('connect', r));
    sock.write('POST /schemas/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const timer = setInterval(() => sock.write(' '), 200);
    try {
      await stillHealthy();
      const r = await post(`${url}/schemas/validate`, { namespace: 'shop', name: 'users-value', data: { name: 'x' } });
      expect(r.body.is_valid).toBe(true);
    } finally {
      clearInterval(timer);
      sock.destroy();
    }
    await stillHealthy();
  });
});

describe('attack: symbolic links out of the registry', () => {
  let reg: string;
  let secret: string;
  let linked: Served | undefined;
  beforeAll(async () => {
    reg = await buildServeRegistry();
    secret = tempDir('llm-schema-secret-');
    writeFileSync(path.join(secret, 'passwd.json'), JSON.stringify({ type: 'string', title: 'SECRET-MARKER' }) + '\n');
    // A new version whose file is a link to a file outside the registry.
    const yamlPath = path.join(reg, 'schemas/shop/users-copy/subject.yaml');
    const { readFileSync } = await import('node:fs');
    const y = readFileSync(yamlPath, 'utf8').replace(/versions:\n/, 'versions:\n');
    writeFileSync(yamlPath, y.replace(/(\n\s*- version: 1\.0\.0[\s\S]*)$/, `$1  - version: 1.1.0\n    id: 4242\n    state: active\n`));
    symlinkSync(path.join(secret, 'passwd.json'), path.join(reg, 'schemas/shop/users-copy/1.1.0.json'));
    // A linked folder leading out: never listed.
    mkdirSync(path.join(secret, 'evil', 'x'), { recursive: true });
    symlinkSync(path.join(secret, 'evil'), path.join(reg, 'schemas/evilns'));
  }, 60_000);
  afterAll(async () => {
    if (linked) await linked.stop();
    cleanup(reg);
    cleanup(secret);
  });

  it('serve (working tree) keeps running, logs the version and does not serve it', async () => {
    linked = await startServe(reg);
    const r = await getJson(`${linked.url}/schemas/shop/users-copy/1.1.0`);
    expect(r.status).toBe(404);
    const all = await getJson(`${linked.url}/subjects/shop.users-copy/versions`);
    expect(JSON.stringify(all.body)).not.toContain('2');
    const latest = await getJson(`${linked.url}/schemas/shop/users-copy/latest`);
    expect(latest.status).toBe(200);
    expect(JSON.stringify(latest.body)).not.toContain('SECRET-MARKER');
    for (const p of ['/schemas', '/subjects']) expect(JSON.stringify((await getJson(`${linked.url}${p}`)).body)).not.toContain('SECRET-MARKER');
    expect((await getJson(`${linked.url}/search?q=SECRET-MARKER`)).body.results).toEqual([]);
    expect(JSON.stringify((await getJson(`${linked.url}/subjects`)).body)).not.toContain('evilns');
    expect(linked.stderr()).toContain('SYMLINK_OUTSIDE_REGISTRY');
    expect(linked.stderr()).toContain('users-copy');
    expect((await getJson(`${linked.url}/health`)).status).toBe(200);
  });

  it('check reports the link as SYMLINK_OUTSIDE_REGISTRY (exit 1)', async () => {
    const r = await cli(['check', '--against', 'HEAD', '--format', 'json'], { cwd: reg });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('SYMLINK_OUTSIDE_REGISTRY');
    expect(r.stdout).not.toContain('SECRET-MARKER');
    const text = await cli(['check', '--against', 'HEAD'], { cwd: reg });
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).toContain('SYMLINK_OUTSIDE_REGISTRY');
  });

  it('serve --ref: a committed link leading out is logged and not served (neither its text nor its target)', async () => {
    const { execa } = await import('execa');
    {
      // Commit the linked version (git stores the link's target path, not the file).
      await execa('git', ['-C', reg, 'add', '-A']);
      await execa('git', ['-C', reg, '-c', 'user.email=t@example.com', '-c', 'user.name=T', 'commit', '-q', '-m', 'link']);
      const s = await startServe(reg, ['--ref', 'HEAD']);
      try {
        for (const p of ['/schemas/shop/users-copy/1.1.0', '/subjects/shop.users-copy/versions/latest', '/schemas']) {
          const r = await getJson(`${s.url}${p}`);
          expect(JSON.stringify(r.body)).not.toContain('SECRET-MARKER');
          expect(JSON.stringify(r.body)).not.toContain(secret);
        }
        expect((await getJson(`${s.url}/schemas/shop/users-copy/1.1.0`)).status).toBe(404);
        expect(s.stderr()).toContain('SYMLINK_OUTSIDE_REGISTRY');
        expect((await getJson(`${s.url}/health`)).status).toBe(200);
      } finally {
        await s.stop();
      }
    }
  });
});

/** serve: reloads (working tree, SIGHUP, --ref), a bad commit, port in use, timeouts, graceful shutdown. */
import { writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 30_000 });
import { cleanup, cli, writeTree } from '../helpers.js';
import { buildServeRegistry, getJson, post, startServe, USER_V2, type Served } from './serve-helpers.js';

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await what();
  while (!ok(last)) {
    if (Date.now() > end) return last;
    await new Promise((r) => setTimeout(r, 100));
    last = await what();
  }
  return last;
}

async function git(dir: string, ...args: string[]) {
  return execa('git', args, { cwd: dir });
}

let dir: string;
beforeAll(async () => {
  dir = await buildServeRegistry();
}, 60_000);
afterAll(() => cleanup(dir));

describe('serve: working tree', () => {
  let served: Served;
  afterAll(async () => {
    if (served) expect(await served.stop()).toBe(0);
  });

  it('picks up a new registration by polling', async () => {
    served = await startServe(dir, ['--poll-interval', '200']);
    expect((await getJson(`${served.url}/subjects/shop.users-copy/versions`)).body).toEqual([1]);
    writeFileSync(path.join(dir, 'copy2.json'), JSON.stringify(USER_V2));
    const r = await cli(['register', '--namespace', 'shop', '--name', 'users-copy', '--file', 'copy2.json', '--allow-breaking', 'test'], { cwd: dir });
    expect(r.code).toBe(0);
    const after = await until(
      () => getJson(`${served.url}/subjects/shop.users-copy/versions`),
      (x) => JSON.stringify(x.body) === '[1,2]',
    );
    expect(after.body).toEqual([1, 2]);
    expect((await getJson(`${served.url}/health`)).body.snapshot).toBeGreaterThan(1);
  });

  it('keeps the last good snapshot when the tree is broken, and logs it', async () => {
    const file = path.join(dir, 'schemas/shop/users-copy/subject.yaml');
    const { readFileSync } = await import('node:fs');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, 'format: [unclosed\n');
    try {
      await until(
        async () => served.stderr(),
        (s) => s.includes('reload_failed'),
      );
      expect(served.stderr()).toMatch(/"event":"reload_failed".*subject\.yaml/);
      expect((await getJson(`${served.url}/subjects/shop.users-copy/versions`)).body).toEqual([1, 2]);
      const health = await getJson(`${served.url}/health`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', last_reload_error: { message: expect.stringContaining('subject.yaml') } });
    } finally {
      writeFileSync(file, good);
    }
    // Fixed again: the next good reload clears it.
    const healed = await until(
      () => getJson(`${served.url}/health`),
      (x) => (x.body as { status: string }).status === 'ok',
    );
    expect(healed.body).not.toHaveProperty('last_reload_error');
  });
});

describe('serve: SIGHUP', () => {
  it('reloads on SIGHUP when polling is off', async () => {
    const served = await startServe(dir, ['--poll-interval', '0']);
    try {
      const before = (await getJson(`${served.url}/subjects`)).body as string[];
      writeTree(dir, { 'hup.json': { type: 'object' } });
      const r = await cli(['register', '--namespace', 'shop', '--name', 'hup', '--file', 'hup.json'], { cwd: dir });
      expect(r.code).toBe(0);
      await new Promise((res) => setTimeout(res, 500));
      expect((await getJson(`${served.url}/subjects`)).body).toEqual(before);
      served.proc.kill('SIGHUP');
      const after = await until(
        () => getJson(`${served.url}/subjects`),
        (x) => (x.body as string[]).includes('shop.hup'),
      );
      expect(after.body).toContain('shop.hup');
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe('serve --ref', () => {
  it('serves a ref, follows it when it moves, and skips a bad commit', async () => {
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', 'more');
    await git(dir, 'branch', '-f', 'published', 'HEAD');
    const served = await startServe(dir, ['--ref', 'published', '--poll-interval', '200']);
    try {
      expect(served.firstLine).toMatch(/\(\d+ subjects, \d+ versions, ref published @ [0-9a-f]{12}\)$/);
      const start = (await getJson(`${served.url}/subjects`)).body as string[];
      expect(start).toContain('shop.hup');
      // Uncommitted work is not served.
      writeTree(dir, { 'wip.json': { type: 'object' } });
      expect((await cli(['register', '--namespace', 'shop', '--name', 'wip', '--file', 'wip.json'], { cwd: dir })).code).toBe(0);
      await new Promise((res) => setTimeout(res, 500));
      expect((await getJson(`${served.url}/subjects`)).body).toEqual(start);
      // A commit with a broken subject.yaml: logged, skipped, the last good snapshot stays.
      writeFileSync(path.join(dir, 'schemas/shop/wip/subject.yaml'), 'format: nope\nversions: 3\n');
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-q', '-m', 'broken');
      await git(dir, 'branch', '-f', 'published', 'HEAD');
      await until(
        async () => served.stderr(),
        (s) => s.includes('reload_failed'),
      );
      expect(served.stderr()).toMatch(/"event":"reload_failed".*"commit":"[0-9a-f]{40}"/);
      expect((await getJson(`${served.url}/subjects`)).body).toEqual(start);
      expect((await getJson(`${served.url}/health`)).status).toBe(200);
      // Fixed in the next commit: served.
      expect((await cli(['register', '--namespace', 'shop', '--name', 'wip2', '--file', 'wip.json'], { cwd: dir })).code).toBe(0);
      await execa('git', ['rm', '-q', '-r', 'schemas/shop/wip'], { cwd: dir });
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-q', '-m', 'fixed');
      const { stdout: head } = await git(dir, 'rev-parse', 'HEAD');
      await git(dir, 'branch', '-f', 'published', 'HEAD');
      const after = await until(
        () => getJson(`${served.url}/subjects`),
        (x) => (x.body as string[]).includes('shop.wip2'),
      );
      expect(after.body).toContain('shop.wip2');
      expect((await getJson(`${served.url}/health`)).body.commit).toBe(head.trim());
    } finally {
      expect(await served.stop()).toBe(0);
    }
  }, 60_000);

  it('an unknown ref is a one-line error, exit 2', async () => {
    const r = await cli(['serve', '--port', '0', '--ref', 'no-such-branch'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no-such-branch');
  });
});

describe('serve: start-up errors', () => {
  it('a port in use: one line, exit 2', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await cli(['serve', '--port', String(port)], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`127.0.0.1:${port}`);
      expect(r.stderr).toContain('already in use');
    } finally {
      blocker.close();
    }
  });

  it('a malformed registry at start: one line naming the file, exit 2', async () => {
    const { newRegistry } = await import('../helpers.js');
    const bad = await newRegistry({ 'schemas/a/b/subject.yaml': 'format: json\nversions:\n  - version: 1.0.0\n    id: [\n' });
    try {
      const r = await cli(['serve', '--port', '0'], { cwd: bad });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/schemas\/a\/b\/subject\.yaml:\d+:\d+/);
      expect(r.stdout).toBe('');
    } finally {
      cleanup(bad);
    }
  });

  it('--json prints the start line as one JSON object', async () => {
    const { execa: run } = await import('execa');
    const { BIN } = await import('../helpers.js');
    const proc = run('node', [BIN, 'serve', '--port', '0', '--json'], {
      cwd: dir,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      env: { NO_COLOR: '1', LLM_SCHEMA_REGISTRY: '' },
    });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
    });
    const info = JSON.parse(line);
    expect(info).toMatchObject({ host: '127.0.0.1', source: 'working tree' });
    expect((await getJson(`${info.url}/health`)).body.versions).toBe(info.versions);
    proc.kill('SIGTERM');
    expect((await proc).exitCode).toBe(0);
  });

  it('bad flags: exit 2', async () => {
    expect((await cli(['serve', '--port', 'http'], { cwd: dir })).code).toBe(2);
    expect((await cli(['serve', '--max-body', '-1'], { cwd: dir })).code).toBe(2);
  });
});

describe('serve: slow clients and slow requests', () => {
  it('a client that never finishes its headers is cut off; others are served', async () => {
    const served = await startServe(dir, ['--headers-timeout', '500', '--request-timeout', '1000']);
    try {
      const u = new URL(served.url);
      const res = await new Promise<string>((resolve) => {
        const sock = net.connect(Number(u.port), u.hostname, () => sock.write('GET /subjects HTTP/1.1\r\nHost: localhost\r\n'));
        let data = '';
        sock.on('data', (c) => (data += c.toString()));
        sock.on('close', () => resolve(data || 'closed'));
        sock.on('error', () => resolve(data || 'closed'));
      });
      expect(res).toMatch(/^HTTP\/1\.1 408|^closed$/);
      expect((await getJson(`${served.url}/health`)).status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('a validation past its time budget is stopped (50002) and the server keeps answering', async () => {
    // a backreference keeps this pattern on the backtracking engine (RE2 takes (a+)+ alone in linear time)
    writeTree(dir, { 'redos.json': { type: 'string', pattern: '^(a+)+\\1$' } });
    expect((await cli(['register', '--namespace', 'shop', '--name', 'redos', '--file', 'redos.json'], { cwd: dir })).code).toBe(0);
    // The budget must be far above what a fresh worker needs on a loaded machine (the follow-up request
    // gets the same budget), and far below what 2^40 backtracking steps take.
    const served = await startServe(dir, ['--job-timeout', '3000']);
    try {
      const slow = await post(`${served.url}/schemas/validate`, { namespace: 'shop', name: 'redos', data: 'a'.repeat(40) + '!' });
      expect(slow.status).toBe(500);
      expect(slow.body.error_code).toBe(50002);
      const fine = await post(`${served.url}/schemas/validate`, { namespace: 'shop', name: 'redos', data: 'aaa' });
      expect(fine.body).toMatchObject({ is_valid: true });
      expect((await getJson(`${served.url}/health`)).status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe('serve: graceful shutdown', () => {
  it('SIGTERM finishes the request in flight, then exits 0', async () => {
    const served = await startServe(dir, ['--job-timeout', '3000']);
    // A request that takes a while (the ReDoS pattern with a shorter input) is in flight when SIGTERM arrives.
    const inFlight = post(`${served.url}/schemas/validate`, { namespace: 'shop', name: 'redos', data: 'a'.repeat(25) + '!' });
    // SIGTERM once the server is answering it (the /metrics request counts itself: 2 means one more in flight).
    const inFlightCount = (t: string) => Number(/^llm_schema_requests_in_flight (\d+)/m.exec(t)?.[1] ?? 0);
    await until(
      () => fetch(`${served.url}/metrics`).then((r) => r.text()),
      (t) => inFlightCount(t) >= 2,
    );
    served.proc.kill('SIGTERM');
    const answer = await inFlight;
    expect([200, 500]).toContain(answer.status);
    expect(answer.body).toHaveProperty(answer.status === 200 ? 'is_valid' : 'error_code');
    const r = await served.proc;
    expect(r.exitCode).toBe(0);
    expect(served.stderr()).toContain('"event":"stopped"');
  });
});

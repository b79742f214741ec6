/**
 * Meta-tests over the route table (src/server/routes): every row is reached by a request built from its
 * own pattern, answers in its family's shape and is counted under its pattern in /metrics; and every row
 * that reads a subject (by path or body) refuses a user outside that subject's namespaces. New rows are
 * covered without touching this file.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, hashSecret } from '../../src/server/auth.js';
import { RegistryServer } from '../../src/server/http.js';
import { ROUTES, type Route } from '../../src/server/routes/index.js';
import type { Snapshot } from '../../src/server/snapshot.js';
import { cleanup, tempDir } from '../helpers.js';
import { A1, files, snapshotOf } from './server-fixture.js';

const dir = tempDir('llm-schema-routes-');
afterAll(() => cleanup(dir));

/** A path for a pattern, its params filled with things the fixture registry holds. */
function samplePath(r: Route, snap: Snapshot): string {
  const values: Record<string, string> = {
    s: 'app.user',
    v: '1',
    id: '11',
    guid: snap.ids.get(11)!.guid,
    ns: 'app',
    name: 'user',
    version: '1.0.0',
    subject: 'app.user',
    file: 'app.js',
    target: 'openai',
    rest: 'x',
    resource: 'lkc-1',
  };
  return r.pattern.replace(/\{([A-Za-z]+)\*?\}/g, (_m, p: string) => {
    if (!(p in values)) throw new Error(`no sample value for {${p}} in ${r.pattern}: add one`);
    return encodeURIComponent(values[p]);
  });
}

const QUERIES: Record<string, string> = {
  '/search': '?q=user',
  '/schemas/{ns}/{name}/diff': '?from=1.0.0',
  '/schemas/{ns}/{name}/{version}/export': '?target=openai',
};

function body(r: Route): string | undefined {
  if (r.method === 'GET') return undefined;
  return JSON.stringify({
    namespace: 'app',
    name: 'user',
    data: { name: 'x' },
    input: {},
    schema: r.family === 'confluent' ? JSON.stringify(A1) : A1,
    schemaType: 'JSON',
  });
}

async function request(base: string, r: Route, snap: Snapshot, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${samplePath(r, snap)}${QUERIES[r.pattern] ?? ''}`, {
    method: r.method,
    headers: { ...headers, ...(r.method !== 'GET' ? { 'Content-Type': 'application/json' } : {}) },
    body: body(r),
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

const FAMILY_TYPES: Record<Route['family'], RegExp> = {
  confluent: /^application\/vnd\.schemaregistry\.v1\+json$/,
  own: /^application\/json$/,
  ops: /^(application\/json|text\/plain; version=0\.0\.4; charset=utf-8)$/,
  ui: /^(text\/html|application\/json|text\/javascript|text\/plain)/,
};

describe('the route table', () => {
  let server: RegistryServer;
  let base: string;
  let snap: Snapshot;
  beforeAll(async () => {
    snap = await snapshotOf(files());
    server = new RegistryServer(snap, { port: 0, inlineJobs: true });
    base = `http://127.0.0.1:${(await server.listen()).port}`;
  });
  afterAll(() => server.close(1000));

  it('patterns are unique per method and every parameter has a sample', () => {
    const seen = new Set<string>();
    for (const r of ROUTES) {
      expect(seen.has(`${r.method} ${r.pattern}`), r.pattern).toBe(false);
      seen.add(`${r.method} ${r.pattern}`);
      expect(() => samplePath(r, snap)).not.toThrow();
    }
  });

  it('every route is reached by its sample path, answers in its family, and is counted under its pattern', async () => {
    for (const r of ROUTES) {
      const got = await request(base, r, snap);
      const what = `${r.method} ${r.pattern}: ${got.status} ${got.text.slice(0, 200)}`;
      // Writes are refused (422 / 42205) by their rows; no other row refuses; and (below) every answer is
      // counted under the row's pattern, not as 'unknown' (the router's 404 / 405).
      if (r.refuses) {
        expect(got.status, what).toBe(422);
        expect(JSON.parse(got.text).error_code, what).toBe(42205);
      } else {
        expect(got.text, what).not.toContain('"error_code":42205');
      }
      if (got.status !== 308) expect(got.type, what).toMatch(FAMILY_TYPES[r.family]);
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const r of ROUTES) expect(metrics, r.pattern).toContain(`route="${r.pattern}"`);
  });
});

describe('access, from the table', () => {
  let server: RegistryServer;
  let base: string;
  let snap: Snapshot;
  const token = 'lsr_elsewhere';
  beforeAll(async () => {
    const file = path.join(dir, 'auth.yaml');
    writeFileSync(file, `users:\n  - name: other\n    token: "${await hashSecret(token)}"\n    namespaces: [elsewhere]\n`);
    const auth = new Authenticator(file);
    await auth.load();
    snap = await snapshotOf(files());
    server = new RegistryServer(snap, { port: 0, inlineJobs: true, auth });
    base = `http://127.0.0.1:${(await server.listen()).port}`;
  });
  afterAll(() => server.close(1000));

  it("every route that reads a subject refuses one outside the user's namespaces (403, or 404 where the route hides)", async () => {
    const bearing = ROUTES.filter(
      (r) => r.touches?.({ s: 'app.user', ns: 'app', subject: 'app.user', id: '11', guid: snap.ids.get(11)!.guid } as never, snap) || r.bodyTouches,
    );
    expect(bearing.length).toBeGreaterThan(15);
    for (const r of bearing) {
      const got = await request(base, r, snap, { Authorization: `Bearer ${token}` });
      const what = `${r.method} ${r.pattern}: ${got.status} ${got.text.slice(0, 200)}`;
      if (r.hides) {
        expect(got.status, what).toBe(404);
        expect(got.text, what).not.toContain('app.copy');
      } else {
        expect(got.status, what).toBe(403);
        expect(JSON.parse(got.text).error_code, what).toBe(40301);
      }
    }
  });

  it('lists are filtered for the user (typed data), and unfiltered for no one else', async () => {
    const h = { Authorization: `Bearer ${token}` };
    for (const r of ROUTES.filter((x) => x.lists && x.family !== 'ui' && !x.touches)) {
      const got = await request(base, r, snap, h);
      expect(got.status, r.pattern).toBe(200);
      expect(got.text, r.pattern).not.toContain('app.user');
    }
  });
});

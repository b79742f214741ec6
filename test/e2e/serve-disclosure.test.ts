/**
 * What serve tells past per-namespace auth (issue 23, item 11) and in its error wording (item 13):
 * - the open /health says only ok/degraded without credentials; with them, counts of what the user may
 *   read, and the text of a reload error (which names a file) only for a user who may read everything;
 * - /metrics counts only what the scraping user may read (none for an anonymous --metrics-public scraper);
 * - ?fetchMaxId=true gives the largest id the user may read;
 * - HTTP error messages never carry a command-line flag such as (--name).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir } from '../helpers.js';
import { buildServeRegistry, getJson, startServe, type Served } from './serve-helpers.js';

let dir: string;
let keys: string;
let authFile: string;
let token: string;
let served: Served;
let url: string;

const PASSWORD = 'correct horse battery';
const basic = (user: string) => ({ Authorization: 'Basic ' + Buffer.from(`${user}:${PASSWORD}`).toString('base64') });
const INVOICE = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { total: { type: 'number' } } };

async function ok(args: string[], input?: string): Promise<string> {
  const r = await cli(args, { cwd: dir, input });
  if (r.code !== 0) throw new Error(`llm-schema ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  dir = await buildServeRegistry();
  writeFileSync(path.join(dir, 'invoice.json'), JSON.stringify(INVOICE));
  await ok(['register', '--namespace', 'billing.eu', '--name', 'invoice', '--file', 'invoice.json']);
  keys = tempDir('llm-schema-keys-');
  authFile = path.join(keys, 'auth.yaml');
  await ok(['auth', 'add', 'shopper', '--file', authFile, '--namespaces', 'shop'], PASSWORD + '\n');
  await ok(['auth', 'add', 'biller', '--file', authFile, '--namespaces', 'billing.*'], PASSWORD + '\n');
  token = (await ok(['auth', 'add', 'ci', '--file', authFile, '--namespaces', '*', '--token'])).trim();
  served = await startServe(dir, ['--auth-file', authFile, '--metrics-public', '--poll-interval', '0']);
  url = served.url;
}, 90_000);

afterAll(async () => {
  if (served) expect(await served.stop()).toBe(0);
  cleanup(dir);
  cleanup(keys);
});

const ci = () => ({ Authorization: `Bearer ${token}` });

describe('counts and ids follow what the user may read', () => {
  it('/health: only the status without credentials; counts per user with them', async () => {
    const open = await getJson(`${url}/health`);
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ status: 'ok' });
    const wrong = await getJson(`${url}/health`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ status: 'ok' });
    const all = await getJson(`${url}/health`, { headers: ci() });
    expect(all.body).toMatchObject({ status: 'ok', subjects: 5, versions: 7 });
    const shop = await getJson(`${url}/health`, { headers: basic('shopper') });
    expect(shop.body).toMatchObject({ status: 'ok', subjects: 4, versions: 6 });
    const billing = await getJson(`${url}/health`, { headers: basic('biller') });
    expect(billing.body).toMatchObject({ status: 'ok', subjects: 1, versions: 1 });
  });

  it('/metrics: an anonymous scraper sees no registry counts; a user sees its own', async () => {
    const anon = await (await fetch(`${url}/metrics`)).text();
    expect(anon).toContain('llm_schema_http_requests_total');
    expect(anon).not.toMatch(/^llm_schema_(subjects|versions) /m);
    const shop = await (await fetch(`${url}/metrics`, { headers: basic('shopper') })).text();
    expect(shop).toMatch(/^llm_schema_subjects 4$/m);
    expect(shop).toMatch(/^llm_schema_versions 6$/m);
    const all = await (await fetch(`${url}/metrics`, { headers: ci() })).text();
    expect(all).toMatch(/^llm_schema_subjects 5$/m);
  });

  it('?fetchMaxId=true: the largest id the user may read', async () => {
    const schemas = (await getJson(`${url}/schemas`, { headers: ci() })).body as Array<{ id: number; subject: string }>;
    const maxOf = (ns: string) => Math.max(...schemas.filter((s) => s.subject.startsWith(`${ns}.`)).map((s) => s.id));
    const global = Math.max(...schemas.map((s) => s.id));
    const shopId = schemas.find((s) => s.subject === 'shop.ping')!.id;
    const billingId = schemas.find((s) => s.subject === 'billing.eu.invoice')!.id;
    const asShop = await getJson(`${url}/schemas/ids/${shopId}?fetchMaxId=true`, { headers: basic('shopper') });
    expect(asShop.status).toBe(200);
    expect(asShop.body.maxId).toBe(maxOf('shop'));
    const asBilling = await getJson(`${url}/schemas/ids/${billingId}?fetchMaxId=true`, { headers: basic('biller') });
    expect(asBilling.body.maxId).toBe(maxOf('billing.eu'));
    expect((await getJson(`${url}/schemas/ids/${shopId}?fetchMaxId=true`, { headers: ci() })).body.maxId).toBe(global);
    // One of the two namespaces does not hold the largest id: its user no longer learns it.
    expect(Math.min(asShop.body.maxId, asBilling.body.maxId)).toBeLessThan(global);
  });

  it('/health after a failed reload: the error names its file only to a user who may read everything', async () => {
    const broken = path.join(dir, 'schemas', 'billing.eu', 'invoice', 'subject.yaml');
    writeFileSync(broken, 'format: json\nversions: [[[\n');
    served.proc.kill('SIGHUP');
    const deadline = Date.now() + 30_000;
    let all = await getJson(`${url}/health`, { headers: ci() });
    while (all.body.status !== 'degraded' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      all = await getJson(`${url}/health`, { headers: ci() });
    }
    expect(all.body.status).toBe('degraded');
    expect(all.body.last_reload_error.message).toContain('billing.eu');
    const open = await getJson(`${url}/health`);
    expect(open.body).toEqual({ status: 'degraded' });
    const shop = await getJson(`${url}/health`, { headers: basic('shopper') });
    expect(shop.body.status).toBe('degraded');
    expect(JSON.stringify(shop.body)).not.toContain('billing');
    expect(shop.body.last_reload_error).toEqual({ at: expect.any(String) });
  });
});

describe('HTTP error messages speak of request fields, never of command-line flags', () => {
  it('an empty namespace or name, an unknown policy', async () => {
    const post = (p: string, body: unknown) =>
      getJson(`${url}${p}`, { method: 'POST', headers: { ...ci(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const cases: Array<[string, unknown, RegExp]> = [
      ['/schemas/validate', { namespace: '', name: 'users-value', data: {} }, /'namespace'/],
      ['/schemas/validate', { namespace: 'shop', name: '', data: {} }, /'name'/],
      ['/schemas/render', { namespace: 'shop', name: '', input: {} }, /'name'/],
      ['/schemas/compatibility', { namespace: '', name: 'users-value', schema: { type: 'object' } }, /'namespace'/],
      ['/schemas/compatibility', { namespace: 'shop', name: 'users-value', schema: { type: 'object' }, policy: 'nope' }, /'policy'.*semantic/],
    ];
    for (const [p, body, expected] of cases) {
      const r = await post(p, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.message).toMatch(expected);
      expect(r.body.message, r.body.message).not.toMatch(/(^|[\s(])--[a-z]/);
    }
  });
});

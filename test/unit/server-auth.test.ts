import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Authenticator, hashSecret, NamespaceFilter, parseAuthFile, verifySecret } from '../../src/server/auth.js';
import { mayRead, pathSegments, ROUTES, Router } from '../../src/server/routes/index.js';
import { cleanup, tempDir } from '../helpers.js';
import { files, snapshotOf } from './server-fixture.js';

const dir = tempDir('llm-schema-auth-unit-');
afterAll(() => cleanup(dir));

describe('scrypt hashes', () => {
  it('are salted, verify the right secret only', async () => {
    const a = await hashSecret('s3cret-pass');
    const b = await hashSecret('s3cret-pass');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifySecret('s3cret-pass', a)).toBe(true);
    expect(await verifySecret('s3cret-pasS', a)).toBe(false);
    expect(await verifySecret('', a)).toBe(false);
    expect(await verifySecret('s3cret-pass', 's3cret-pass')).toBe(false);
    expect(await verifySecret('s3cret-pass', a.replace(/\$[^$]+$/, '$AAAA'))).toBe(false);
  });
});

describe('parseAuthFile', () => {
  const h = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  it('accepts hashes, refuses plain secrets, duplicates, bad namespaces, both or neither secret', () => {
    expect(parseAuthFile(`users:\n  - name: a\n    password: "${h}"\n    namespaces: [shop, "billing.*"]\n`, 'auth.yaml').users).toHaveLength(1);
    expect(parseAuthFile('', 'auth.yaml').users).toEqual([]);
    const bad = [
      'users:\n  - name: a\n    password: hunter2\n    namespaces: ["*"]\n',
      `users:\n  - name: a\n    password: "${h}"\n    token: "${h}"\n    namespaces: ["*"]\n`,
      'users:\n  - name: a\n    namespaces: ["*"]\n',
      `users:\n  - name: a\n    password: "${h}"\n    namespaces: ["../x"]\n`,
      `users:\n  - name: a\n    password: "${h}"\n    namespaces: []\n`,
      `users:\n  - name: a\n    password: "${h}"\n    namespaces: ["*"]\n  - name: a\n    token: "${h}"\n    namespaces: ["*"]\n`,
      'users: {a: 1}\n',
      'users: [\n',
    ];
    for (const text of bad) expect(() => parseAuthFile(text, 'auth.yaml'), text).toThrow(/auth\.yaml/);
    expect(() => parseAuthFile('users:\n  - name: a\n    password: hunter2\n    namespaces: ["*"]\n', 'auth.yaml')).not.toThrow(/hunter2/);
  });
});

describe('NamespaceFilter', () => {
  it('exact names, ns.* for everything under ns, * for all', () => {
    const f = new NamespaceFilter(['shop', 'billing.*']);
    expect(f.namespace('shop')).toBe(true);
    expect(f.namespace('shop.eu')).toBe(false);
    expect(f.namespace('shopping')).toBe(false);
    expect(f.namespace('billing')).toBe(false);
    expect(f.namespace('billing.eu')).toBe(true);
    expect(f.namespace('billing.eu.x')).toBe(true);
    expect(f.namespace('billingx.eu')).toBe(false);
    expect(f.subject('shop.orders-value')).toBe(true);
    expect(f.subject('billing.eu.invoice')).toBe(true);
    expect(f.subject('billing.invoice')).toBe(false);
    expect(f.subject('orders')).toBe(false);
    expect(new NamespaceFilter(['*']).subject('anything.at-all')).toBe(true);
  });
});

describe('Authenticator', () => {
  it('basic and bearer, cached per header; a reload drops removed users', async () => {
    const file = path.join(dir, 'auth.yaml');
    const pw = await hashSecret('password-1');
    const tok = await hashSecret('lsr_token');
    writeFileSync(file, `users:\n  - name: alice\n    password: "${pw}"\n    namespaces: [shop]\n  - name: ci\n    token: "${tok}"\n    namespaces: ["*"]\n`);
    const a = new Authenticator(file);
    await a.load();
    const basic = 'Basic ' + Buffer.from('alice:password-1').toString('base64');
    const first = a.authenticate(basic);
    expect(first).toBeInstanceOf(Promise);
    expect((await first)?.name).toBe('alice');
    // Cached: answered synchronously, without scrypt.
    expect((a.authenticate(basic) as { name: string }).name).toBe('alice');
    expect((await a.authenticate('Bearer lsr_token'))?.name).toBe('ci');
    expect(await a.authenticate('Bearer lsr_tokens')).toBeNull();
    expect(await a.authenticate('Basic ' + Buffer.from('alice:password-2').toString('base64'))).toBeNull();
    expect(await a.authenticate('Basic ' + Buffer.from('bob:password-1').toString('base64'))).toBeNull();
    expect(await a.authenticate(undefined)).toBeNull();
    expect(await a.authenticate('Digest x')).toBeNull();
    writeFileSync(file, `users:\n  - name: ci\n    token: "${tok}"\n    namespaces: ["*"]\n`);
    await a.load();
    expect(await a.authenticate(basic)).toBeNull();
    // A file that no longer loads keeps the previous users.
    writeFileSync(file, 'users: [\n');
    await expect(a.load()).rejects.toThrow(/auth\.yaml/);
    expect((await a.authenticate('Bearer lsr_token'))?.name).toBe('ci');
  });
});

describe('access from the route table', () => {
  it('a match names the subject, namespace or id a path reads', async () => {
    const snap = await snapshotOf(files());
    const router = new Router(ROUTES);
    const touch = (p: string, method = 'GET') => {
      const m = router.match(method, pathSegments(p)!);
      return m?.route.touches?.(m.params as never, snap);
    };
    expect(touch('/subjects/app.user/versions/1')).toEqual({ subject: 'app.user' });
    expect(touch('/subjects/app%2Euser/versions')).toEqual({ subject: 'app.user' });
    expect(touch('/compatibility/subjects/app.user/versions/latest', 'POST')).toEqual({ subject: 'app.user' });
    expect(touch('/config/app.user')).toEqual({ subject: 'app.user' });
    expect(touch('/schemas/app/user/latest')).toEqual({ namespace: 'app' });
    expect(touch('/schemas/other/thing')).toEqual({ namespace: 'other' });
    expect(touch('/schemas/ids/12/subjects')).toEqual({ id: 12 });
    expect(touch('/subjects')).toBeUndefined();
    expect(touch('/schemas')).toBeUndefined();
    expect(touch('/schemas/validate', 'POST')).toBeUndefined();
    expect(touch('/schemas/types')).toBeUndefined();
    expect(touch('/health')).toBeUndefined();
  });

  it('mayRead: aliases as their subjects, ids through the subjects using them', async () => {
    const m = files();
    m.set('schemas/app/copy/subject.yaml', m.get('schemas/app/copy/subject.yaml')!.replace('format: json', 'format: json\naliases:\n  - copy-value'));
    const snap = await snapshotOf(m);
    const viewer = { name: 'u', filter: new NamespaceFilter(['app']) };
    const other = { name: 'o', filter: new NamespaceFilter(['other']) };
    expect(mayRead(viewer, { subject: 'copy-value' }, snap)).toBe(true);
    expect(mayRead(other, { subject: 'copy-value' }, snap)).toBe(false);
    expect(mayRead(other, { id: 11 }, snap)).toBe(false);
    expect(mayRead(other, { id: 999 }, snap)).toBe(true); // unknown: the route answers 404
    expect(mayRead(undefined, { subject: 'app.user' }, snap)).toBe(true);
    expect(mayRead(null, { subject: 'app.user' }, snap)).toBe(false);
  });
});

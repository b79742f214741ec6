import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Authenticator, hashSecret, NamespaceFilter, parseAuthFile, verifySecret } from '../../src/server/auth.js';
import { filterAnswer, subjectOfPath } from '../../src/server/gate.js';
import { prepare } from '../../src/server/snapshot.js';
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

describe('gate helpers', () => {
  it('subjectOfPath names the subject, namespace or id a path reads', async () => {
    const snap = await snapshotOf(files());
    expect(subjectOfPath('/subjects/app.user/versions/1', snap)).toBe('app.user');
    expect(subjectOfPath('/subjects/app%2Euser/versions', snap)).toBe('app.user');
    expect(subjectOfPath('/compatibility/subjects/app.user/versions/latest', snap)).toBe('app.user');
    expect(subjectOfPath('/config/app.user', snap)).toBe('app.user');
    expect(subjectOfPath('/schemas/app/user/latest', snap)).toBe('app.user');
    expect(subjectOfPath('/schemas/other/thing', snap)).toBe('ns:other');
    expect(subjectOfPath('/schemas/ids/12/subjects', snap)).toBe(12);
    expect(subjectOfPath('/subjects', snap)).toBeUndefined();
    expect(subjectOfPath('/schemas', snap)).toBeUndefined();
    expect(subjectOfPath('/schemas/validate', snap)).toBeUndefined();
    expect(subjectOfPath('/schemas/types', snap)).toBeUndefined();
    expect(subjectOfPath('/health', snap)).toBeUndefined();
  });

  it('filterAnswer keeps only allowed subjects in lists of names and objects', () => {
    const ok = (s: string) => s.startsWith('app.');
    const names = filterAnswer(prepare(200, ['app.a', 'other.b'], 'application/json', '/subjects'), ok);
    expect(JSON.parse(names.body.toString())).toEqual(['app.a']);
    expect(names.headers['Content-Length']).toBe(names.body.length);
    const objs = filterAnswer(prepare(200, { subjects: [{ subject: 'app.a' }, { namespace: 'other', name: 'b' }] }, 'application/json', '/schemas'), ok);
    expect(JSON.parse(objs.body.toString())).toEqual({ subjects: [{ subject: 'app.a' }] });
    const search = filterAnswer(prepare(200, { query: 'x', results: [{ subject: 'other.b' }] }, 'application/json', '/search'), ok);
    expect(JSON.parse(search.body.toString())).toEqual({ query: 'x', results: [] });
  });
});

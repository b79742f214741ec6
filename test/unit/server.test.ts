import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryServer } from '../../src/server/http.js';
import { A1, A2, files, snapshotOf } from './server-fixture.js';

describe('buildSnapshot', () => {
  it('precomputes Confluent and own answers, ids shared by subjects, and ETags', async () => {
    const snap = await snapshotOf(files());
    expect(snap.subjectNames).toEqual(['app.copy', 'app.user']);
    expect(snap.versionCount).toBe(3);
    const latest = snap.get.get('/subjects/app.user/versions/latest')!;
    expect(JSON.parse(latest.body.toString())).toEqual({
      subject: 'app.user',
      version: 2,
      id: 12,
      guid: expect.any(String),
      schemaType: 'JSON',
      schema: JSON.stringify(A2),
      metadata: { properties: expect.objectContaining({ 'llm-schema.version': expect.any(String) }) },
    });
    expect(snap.get.get('/subjects/app.user/versions/-1')).toBe(latest);
    expect(latest.etag).toMatch(/^".+"$/);
    expect(latest.headers['Content-Length']).toBe(latest.body.length);
    // id 11 is registered in both subjects: one schema, both uses.
    expect(JSON.parse(snap.get.get('/schemas/ids/11/versions')!.body.toString())).toEqual([
      { subject: 'app.copy', version: 1 },
      { subject: 'app.user', version: 1 },
    ]);
    expect(snap.get.get('/schemas/ids/11/schema')!.body.toString()).toBe(JSON.stringify(A1));
    const own = JSON.parse(snap.get.get('/schemas/app/user/1.0.0')!.body.toString());
    expect(own).toMatchObject({ version: '1.0.0', index: 1, state: 'deprecated', reason: 'old', schema: A1 });
  });

  it('refuses a registry with a missing version file', async () => {
    const m = files();
    m.delete('schemas/app/user/1.1.0.json');
    await expect(snapshotOf(m)).rejects.toThrow(/version file is missing|lists version 1\.1\.0 but 1\.1\.0\.json is missing/);
  });
});

describe('RegistryServer', () => {
  let server: RegistryServer | undefined;
  afterEach(async () => {
    await server?.close(1000);
    server = undefined;
  });

  it('an in-flight request finishes on the snapshot it started with', async () => {
    const first = await snapshotOf(files());
    const m = files();
    m.set('schemas/app/user/subject.yaml', m.get('schemas/app/user/subject.yaml')!.replace(/- version: 1\.1\.0[\s\S]*$/, ''));
    m.delete('schemas/app/user/1.1.0.json'); // subject.yaml and the files agree, or the snapshot is refused
    const second = await snapshotOf(m);
    expect(second.subjects.get('app.user')!.versions).toHaveLength(1);
    server = new RegistryServer(first, { port: 0, inlineJobs: true });
    const { port } = await server.listen();
    const body = JSON.stringify({ namespace: 'app', name: 'user', data: { name: 'x', age: 'not a number' } });
    const answer = new Promise<string>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      let data = '';
      sock.on('data', (c) => (data += c.toString()));
      sock.on('end', () => resolve(data));
      sock.write(
        `POST /schemas/validate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      sock.write(body.slice(0, 10));
      setTimeout(() => {
        server!.swap(second);
        sock.write(body.slice(10));
      }, 100);
    });
    const text = await answer;
    const json = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    // Under the first snapshot the latest is 1.1.0 (age must be an integer).
    expect(json).toMatchObject({ is_valid: false, version: '1.1.0' });
    // New requests see the new snapshot.
    const res = await fetch(`http://127.0.0.1:${port}/subjects/app.user/versions`);
    expect(await res.json()).toEqual([1]);
  });

  it('answers HEAD with headers only, and OPTIONS with Allow', async () => {
    server = new RegistryServer(await snapshotOf(files()), { port: 0, inlineJobs: true });
    const { port } = await server.listen();
    const head = await fetch(`http://127.0.0.1:${port}/subjects`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(JSON.stringify(['app.copy', 'app.user']).length));
    expect(await head.text()).toBe('');
    const options = await fetch(`http://127.0.0.1:${port}/subjects`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toContain('GET');
  });

  it('a smaller --max-body applies', async () => {
    server = new RegistryServer(await snapshotOf(files()), { port: 0, inlineJobs: true, maxBody: 64 });
    const { port } = await server.listen();
    const res = await fetch(`http://127.0.0.1:${port}/schemas/validate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'app', name: 'user', data: { name: 'x'.repeat(100) } }),
    });
    expect(res.status).toBe(413);
    const ok = await fetch(`http://127.0.0.1:${port}/schemas/validate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ namespace: 'app', name: 'user', data: { name: 'x' } }),
    });
    expect((await ok.json()).is_valid).toBe(true);
  });
});

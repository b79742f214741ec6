/**
 * The built job runner with real worker threads: a job that cannot be posted, one nested too deeply, one
 * past its budget; none leaves the runner stuck, and the next job is answered. (Built code: the worker is
 * dist/server/worker.js.)
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { files } from '../unit/server-fixture.js';

const dist = (p: string) => import(pathToFileURL(path.join(REPO, 'dist', p)).href);

let runner: any;
let snap: any;

beforeAll(async () => {
  const { JobRunner } = await dist('server/jobs.js');
  const { buildSnapshot } = await dist('server/load.js');
  const { MemoryStorage } = await dist('storage/fs.js');
  const extra = {
    'schemas/app/slow/subject.yaml': 'format: json\nversions:\n  - version: 1.0.0\n    id: 77\n    state: active\n',
    'schemas/app/slow/1.0.0.json': JSON.stringify({ type: 'string', pattern: '^(a+)+\\1$' }) + '\n',
  };
  snap = await buildSnapshot('/registry', new MemoryStorage(files(extra)), 'memory');
  runner = new JobRunner({ timeoutMs: 1500, workers: 1 });
});

afterAll(async () => {
  await runner?.close();
});

const ok = () => runner.run(snap, { kind: 'validate', namespace: 'app', name: 'user', data: { name: 'x' } });

describe('JobRunner', () => {
  it('answers a job', async () => {
    expect(await ok()).toMatchObject({ status: 200, body: { is_valid: true } });
  });

  it('a job that cannot be posted (not cloneable) fails alone; the next is answered', async () => {
    const r = await runner.run(snap, { kind: 'validate', namespace: 'app', name: 'user', data: { f: () => 1 } });
    expect(r.status).toBe(500);
    expect(r.body.error_code).toBe(50001);
    expect(await ok()).toMatchObject({ status: 200 });
  });

  it('over-deep data is refused before it reaches the worker', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    const r = await runner.run(snap, { kind: 'validate', namespace: 'app', name: 'user', data: deep });
    expect(r).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(await ok()).toMatchObject({ status: 200 });
  });

  it('a job past its budget is stopped (50002); jobs queued behind it run on a new worker', async () => {
    const slow = runner.run(snap, { kind: 'validate', namespace: 'app', name: 'slow', data: 'a'.repeat(40) + '!' });
    const next = ok();
    expect(await slow).toMatchObject({ status: 500, body: { error_code: 50002 } });
    expect(await next).toMatchObject({ status: 200 });
    expect(runner.timeouts).toBe(1);
  });

  it('after close, jobs are refused with 503', async () => {
    const { JobRunner } = await dist('server/jobs.js');
    const r2 = new JobRunner({ timeoutMs: 1000 });
    await r2.close();
    expect(await r2.run(snap, { kind: 'search', q: 'user' })).toMatchObject({ status: 503 });
  });
});

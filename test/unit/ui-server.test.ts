/**
 * The UI's answers over an in-memory snapshot: the viewer hook that --auth-file plugs into (a user limited
 * to some subjects sees only those, and the others look like they do not exist), and per-snapshot caching.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { uiAnswer } from '../../src/server/routes/index.js';
import { files, snapshotOf } from './server-fixture.js';

const only = (allowed: string[]) => ({ key: allowed.join(','), may: (s: string) => allowed.includes(s) });

describe('uiAnswer', () => {
  it('everyone sees every subject without a viewer', async () => {
    const snap = await snapshotOf(files());
    const home = await uiAnswer(snap, '/ui/', undefined);
    expect(home.status).toBe(200);
    const html = home.body.toString();
    expect(html).toContain('data-s="app.user"');
    expect(html).toContain('data-s="app.copy"');
    // Deprecated latest? app.user's latest (1.1.0) is active; the row says so.
    expect(html).toMatch(/data-s="app.user".*?<td>1.1.0<\/td><td>active<\/td>/);
    expect(await uiAnswer(snap, '/ui/', undefined)).toBe(home); // built once per snapshot
    const gz = await uiAnswer(snap, '/ui/', 'gzip');
    expect(gunzipSync(gz.body).toString()).toBe(html);
  });

  it('a limited viewer lists and opens only what it may read; the rest is a 404 like an unknown subject', async () => {
    const snap = await snapshotOf(files());
    const viewer = only(['app.user']);
    const html = (await uiAnswer(snap, '/ui/', undefined, viewer)).body.toString();
    expect(html).toContain('data-s="app.user"');
    expect(html).not.toContain('app.copy');
    const data = JSON.parse((await uiAnswer(snap, '/ui/api/home', undefined, viewer)).body.toString());
    expect(data.subjects.map((s: { subject: string }) => s.subject)).toEqual(['app.user']);
    expect((await uiAnswer(snap, '/ui/api/s/app.user', undefined, viewer)).status).toBe(200);
    const hidden = await uiAnswer(snap, '/ui/api/s/app.copy', undefined, viewer);
    const unknown = await uiAnswer(snap, '/ui/api/s/app.nope', undefined, viewer);
    expect(hidden.status).toBe(404);
    expect(hidden.body.toString()).toBe(unknown.body.toString().replace('app.nope', 'app.copy'));
    expect((await uiAnswer(snap, '/ui/s/app.copy', undefined, viewer)).status).toBe(404);
    expect((await uiAnswer(snap, '/ui/s/app.user/v/1.0.0', undefined, viewer)).status).toBe(200);
    // Another viewer gets its own page, the unrestricted one is unchanged.
    expect((await uiAnswer(snap, '/ui/', undefined, only(['app.copy']))).body.toString()).not.toContain('data-s="app.user"');
    expect((await uiAnswer(snap, '/ui/', undefined)).body.toString()).toContain('data-s="app.copy"');
  });

  it('the subject answer carries mode, where it comes from, the policy and each version state', async () => {
    const snap = await snapshotOf(files());
    const body = JSON.parse((await uiAnswer(snap, '/ui/api/s/app.copy', undefined)).body.toString());
    expect(body).toMatchObject({ subject: 'app.copy', compatibility: 'FULL', compatibilityFrom: 'subject', policy: 'semantic', latest: '1.0.0' });
    const user = JSON.parse((await uiAnswer(snap, '/ui/api/s/app.user', undefined)).body.toString());
    expect(user.versions.map((v: { state: string; reason?: string }) => [v.state, v.reason])).toEqual([
      ['deprecated', 'old'],
      ['active', undefined],
    ]);
    expect(user.versions[0].commit).toBeUndefined(); // not a git ref
    expect(user.aliases).toEqual([]);
  });

  it('aliases are shown, and a subject page opens by alias too', async () => {
    const map = files();
    map.set('schemas/app/copy/subject.yaml', map.get('schemas/app/copy/subject.yaml')!.replace('format: json', 'format: json\naliases:\n  - copy-value'));
    const snap = await snapshotOf(map);
    const body = JSON.parse((await uiAnswer(snap, '/ui/api/s/copy-value', undefined)).body.toString());
    expect(body).toMatchObject({ subject: 'app.copy', aliases: ['copy-value'] });
    expect((await uiAnswer(snap, '/ui/s/copy-value', undefined)).status).toBe(200);
    // A viewer who may read app.copy reads it by alias; one who may not, cannot.
    expect((await uiAnswer(snap, '/ui/api/s/copy-value', undefined, only(['app.copy']))).status).toBe(200);
    expect((await uiAnswer(snap, '/ui/api/s/copy-value', undefined, only(['app.user']))).status).toBe(404);
  });
});

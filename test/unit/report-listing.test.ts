/**
 * The read commands' reporters (src/report/listing.ts) are pure: subjects, search hits and a subject's
 * history in, text or JSON out. The e2e suite covers the commands' output; these pin the shapes.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/core/history.js';
import type { SubjectInfo } from '../../src/core/registry.js';
import { historyJson, historyText, searchJson, searchText, subjectsJson, subjectsText } from '../../src/report/listing.js';

const user: SubjectInfo = {
  namespace: 'app',
  name: 'user',
  subject: 'app.user',
  file: 'app/user/subject.yaml',
  meta: {
    format: 'json',
    kind: 'response',
    description: 'A user',
    versions: [
      { version: '1.0.0', id: 1, state: 'deprecated', reason: 'old' },
      { version: '1.1.0', id: 2, state: 'active' },
    ],
  } as SubjectInfo['meta'],
};
const empty: SubjectInfo = { namespace: 'app', name: 'none', subject: 'app.none', file: 'x', meta: { format: 'avro', versions: [] } as SubjectInfo['meta'] };

describe('report/listing', () => {
  it('list: a line per subject with versions (deprecated marked), the description below; JSON with the mode in force', () => {
    expect(subjectsText([user, empty])).toBe('app.user  json response  1.0.0 (deprecated), 1.1.0\n  A user\napp.none  avro  no versions\n');
    const j = JSON.parse(subjectsJson([user, empty], 'FULL'));
    expect(j[0]).toMatchObject({
      subject: 'app.user',
      latest: '1.1.0',
      compatibility: 'FULL',
      versions: [{ version: '1.0.0', reason: 'old' }, { version: '1.1.0' }],
    });
    expect(j[1]).toMatchObject({ latest: null, owners: [], tags: [], aliases: [] });
  });

  it('search: subject, latest version and the fields that matched', () => {
    const hits = [{ ...user, matches: ['name', 'description'] }];
    expect(searchText(hits)).toBe('app.user 1.1.0  (name, description)\n  A user\n');
    expect(JSON.parse(searchJson(hits))).toEqual([
      { subject: 'app.user', format: 'json', description: 'A user', tags: [], latest: '1.1.0', matches: ['name', 'description'] },
    ]);
  });

  it('log: what each commit did, aligned; a subject without commits says so', () => {
    const e = (what: Partial<LogEntry>): LogEntry => ({
      commit: 'a'.repeat(40),
      author: { name: 'Ann', email: 'ann@x' },
      date: '2026-01-02T03:04:05Z',
      message: 'Register\n\nbody',
      versions: [],
      deprecated: [],
      change: 'metadata',
      ...what,
    });
    const text = historyText('app.user', [e({ versions: ['1.1.0'], change: 'registered' }), e({ deprecated: ['1.0.0'], change: 'deprecated' })]);
    expect(text.split('\n')).toEqual([
      '1.1.0             aaaaaaa  2026-01-02 03:04:05  Ann <ann@x>  Register',
      'deprecated 1.0.0  aaaaaaa  2026-01-02 03:04:05  Ann <ann@x>  Register',
      '',
    ]);
    expect(historyText('app.user', [])).toBe('app.user has no committed history yet\n');
    expect(JSON.parse(historyJson('app.user', [], true))).toEqual({ subject: 'app.user', truncated: true, commits: [] });
  });
});

describe('report/render', () => {
  it('a rendered prompt: each message under its role, a blank line between, media as a placeholder; JSON is the request', async () => {
    const { renderJson, renderText } = await import('../../src/report/render.js');
    const view = {
      subject: 'app.greet',
      version: '1.0.0',
      request: {
        config: {},
        messages: [
          { role: 'system', content: [{ text: '\nBe kind.\n' }] },
          { role: 'user', content: [{ text: 'Look: ' }, { media: { url: 'https://x/y.png' } }] },
        ],
      },
    };
    expect(renderText(view)).toBe('[system]\nBe kind.\n\n[user]\nLook: [media https://x/y.png]\n');
    expect(JSON.parse(renderJson(view))).toEqual({ subject: 'app.greet', version: '1.0.0', config: {}, messages: view.request.messages });
  });
});

/** The web UI's pure parts: the side-by-side line diff and the shared markup (escaping every input). */
import { describe, expect, it } from 'vitest';
import { prettySource, sideBySide } from '../../src/server/ui/linediff.js';
import { esc, renderHome, subjectPath } from '../../src/ui/render.js';

describe('sideBySide', () => {
  it('pairs a changed line with its replacement and numbers both sides', () => {
    const rows = sideBySide('a\nb\nc', 'a\nB\nc\nd');
    expect(rows).toEqual([
      { op: ' ', a: 1, b: 1, left: 'a', right: 'a' },
      { op: '~', a: 2, b: 2, left: 'b', right: 'B' },
      { op: ' ', a: 3, b: 3, left: 'c', right: 'c' },
      { op: '+', b: 4, right: 'd' },
    ]);
  });

  it('shows removals alone on the left, and identical texts as unchanged rows', () => {
    expect(sideBySide('x\ny\nz', 'x\nz')).toEqual([
      { op: ' ', a: 1, b: 1, left: 'x', right: 'x' },
      { op: '-', a: 2, left: 'y' },
      { op: ' ', a: 3, b: 2, left: 'z', right: 'z' },
    ]);
    expect(sideBySide('', '').length).toBe(0);
    expect(sideBySide('q', 'q').every((r) => r.op === ' ')).toBe(true);
  });

  it('pretty-prints JSON-based formats alike, keeps Protobuf and unparsable text as written', () => {
    expect(prettySource('{"a":1}', 'json')).toBe('{\n  "a": 1\n}');
    expect(prettySource('{"type":"string"}', 'avro')).toBe('{\n  "type": "string"\n}');
    expect(prettySource('syntax = "proto3";\r\n', 'protobuf')).toBe('syntax = "proto3";');
    expect(prettySource('{oops', 'json')).toBe('{oops');
  });
});

describe('render', () => {
  it('escapes every field of a hostile subject', () => {
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const html = renderHome({
      source: 'working tree',
      subjects: [
        {
          subject: 'ns.a',
          namespace: evil,
          name: evil,
          format: evil,
          kind: evil,
          latest: evil,
          state: 'deprecated',
          reason: evil,
          versions: 1,
          owners: [evil],
          tags: [evil],
        },
      ],
    });
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/title="[^"]*"[^>]*onerror/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(esc(undefined)).toBe('');
    expect(subjectPath('a.b', '1.0.0')).toBe('/ui/s/a.b/v/1.0.0');
    expect(subjectPath('a/../b')).toBe('/ui/s/a%2F..%2Fb');
  });

  it('counts subjects and namespaces, and says so when the registry is empty', () => {
    const row = (ns: string, name: string) => ({ subject: `${ns}.${name}`, namespace: ns, name, format: 'json', versions: 1, owners: [], tags: [] });
    expect(renderHome({ source: 's', subjects: [row('a', 'x'), row('a', 'y'), row('b', 'z')] })).toContain('3 subjects in 2 namespaces');
    expect(renderHome({ source: 's', subjects: [] })).toContain('No subjects registered yet');
  });
});

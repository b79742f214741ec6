/**
 * Every Protobuf fixture pair (fixtures/compat/protobuf/<case>/old.proto, new.proto) against its expect.json:
 * the rules that break under `wire` and `strict`, the warnings `wire` keeps, and the first finding's location.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { protobufHandler as h } from '../../src/formats/protobuf/handler.js';
import { severityOf } from '../../src/core/compat.js';
import { PROTOBUF_RULES } from '../../src/formats/protobuf/compat.js';
import { BUF_CSR_RULES, PROTOBUF_RULE_TABLE } from '../../src/formats/protobuf/rules.js';

const base = join(__dirname, '../../fixtures/compat/protobuf');
const cases = readdirSync(base)
  .filter((d) => !d.startsWith('.'))
  .sort();

async function pair(c: string) {
  const o = await h.parse(readFileSync(join(base, c, 'old.proto'), 'utf8'), { file: 'old.proto' });
  const n = await h.parse(readFileSync(join(base, c, 'new.proto'), 'utf8'), { file: 'new.proto' });
  return { o, n };
}

describe('protobuf rule table <-> fixtures', () => {
  it('every fixture folder is <RULE> or <RULE>__<shape> of a real rule id, and every rule id is emitted by some fixture', async () => {
    const ids = PROTOBUF_RULE_TABLE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of cases) {
      expect(c).toMatch(/^[A-Z0-9_]+?(__[a-z0-9_]+)?$/);
      expect(ids, c).toContain(c.split('__')[0]);
    }
    const emitted = new Set<string>();
    for (const c of cases) {
      const { o, n } = await pair(c);
      const mine = new Set<string>();
      for (const policy of ['wire', 'strict']) for (const x of h.compare!(o, n, { policy }).changes) mine.add(x.rule);
      // the folder's rule is among what its pair emits
      expect([...mine], c).toContain(c.split('__')[0]);
      for (const r of mine) emitted.add(r);
    }
    expect(ids.filter((id) => !emitted.has(id))).toEqual([]);
    for (const r of PROTOBUF_RULE_TABLE) {
      expect(r.purpose.length, r.id).toBeGreaterThan(10);
      expect(r.template.length, r.id).toBeGreaterThan(2);
      for (const p of ['wire', 'strict'] as const) expect(['none', 'backward', 'forward', 'both']).toContain(r.breaks[p]);
    }
  });
});

describe("the strict rule table lists every rule of buf's CSR", () => {
  it('each CSR rule has fixtures whose strict findings stand for it, or a reason it cannot fire file to file', async () => {
    expect(Object.keys(BUF_CSR_RULES).length).toBe(32);
    for (const [bufRule, row] of Object.entries(BUF_CSR_RULES)) {
      if ('reason' in row) {
        expect(row.reason.length, bufRule).toBeGreaterThan(20);
        continue;
      }
      expect(row.fixtures.length, bufRule).toBeGreaterThan(0);
      for (const c of row.fixtures) {
        expect(cases, bufRule).toContain(c);
        const { o, n } = await pair(c);
        const standsFor = h.compare!(o, n, { policy: 'strict' })
          .changes.filter((x) => x.breaksBackward || x.breaksForward)
          .flatMap((x) => PROTOBUF_RULE_TABLE.find((r) => r.id === x.rule)?.buf ?? []);
        expect(standsFor, `${c} for ${bufRule}`).toContain(bufRule);
      }
    }
    // and every buf rule a row stands for is a CSR rule
    for (const r of PROTOBUF_RULE_TABLE) for (const b of r.buf ?? []) expect(Object.keys(BUF_CSR_RULES), r.id).toContain(b);
  });
});

describe('protobuf compatibility fixtures', () => {
  it('has at least 40 pairs', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const c of cases) {
    it(c, async () => {
      const exp = JSON.parse(readFileSync(join(base, c, 'expect.json'), 'utf8'));
      const { o, n } = await pair(c);
      const wire = h.compare!(o, n, { policy: 'wire' }).changes;
      const strict = h.compare!(o, n, { policy: 'strict' }).changes;
      const rules = (cs: typeof wire) => [...new Set(cs.filter((x) => x.breaksBackward || x.breaksForward).map((x) => x.rule))].sort();
      expect(!wire.some((x) => x.breaksBackward)).toBe(exp.wire.compatible);
      expect(rules(wire)).toEqual(exp.wire.breaking);
      expect([...new Set(wire.filter((x) => x.caution !== undefined).map((x) => x.rule))].sort()).toEqual(exp.wire.warnings);
      expect(!strict.some((x) => x.breaksBackward)).toBe(exp.strict.compatible);
      expect(rules(strict)).toEqual(exp.strict.breaking);
      if (exp.first) expect(strict[0]).toMatchObject(exp.first);
      // what only strict forbids is a warning (never an error) under wire
      for (const c2 of wire) if (c2.caution !== undefined) expect(c2.breaksBackward || c2.breaksForward).toBe(false);
      // every rule id used is in the rule table
      for (const c2 of [...wire, ...strict]) if (!['ANNOTATION_CHANGED', 'SCHEMA_CHANGED'].includes(c2.rule)) expect(PROTOBUF_RULES).toHaveProperty(c2.rule);
    });
  }

  it('names the element, file, line and column of a changed type', async () => {
    const { o, n } = await pair('FIELD_SCALAR_KIND_CHANGED');
    const [c] = h.compare!(o, n, { policy: 'wire' }).changes;
    expect(c).toMatchObject({ rule: 'FIELD_SCALAR_KIND_CHANGED', file: 'new.proto', line: 6, column: 10, breaksBackward: true, breaksForward: true });
    expect(c.message).toBe('Field "3" with name "age" on message "User" changed type from "int32" to "string"');
  });

  it('int32 -> int64 is wire-compatible with a warning, and breaks under strict', async () => {
    const { o, n } = await pair('FIELD_SAME_TYPE__int32_int64');
    const w = h.compare!(o, n, { policy: 'wire' }).changes;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ rule: 'FIELD_SAME_TYPE', caution: 'only the strict policy forbids this', breaksBackward: false, breaksForward: false });
    expect(severityOf(w[0], false)).toBe('warning');
    expect(w[0].message).toMatch(/JSON encodes 64-bit integers as strings/);
    expect(h.compare!(o, n, { policy: 'strict' }).changes[0]).toMatchObject({ breaksBackward: true });
    expect(h.compare!(o, n, { policy: 'strict' }).changes[0].caution).toBeUndefined();
  });

  it('a removed message breaks BACKWARD only; a field moved into an existing oneof too', async () => {
    for (const c of ['MESSAGE_REMOVED', 'FIELD_MOVED_TO_EXISTING_ONEOF']) {
      const { o, n } = await pair(c);
      const found = h.compare!(o, n, { policy: 'wire' }).changes.find((x) => x.rule === c)!;
      expect(found).toMatchObject({ breaksBackward: true, breaksForward: false });
    }
  });

  it('comments only: an annotation change (patch), and no change at all for the canonical form without annotations', async () => {
    const { o, n } = await pair('ANNOTATION_CHANGED__comment_only');
    expect(h.canonical(o)).not.toBe(h.canonical(n));
    expect(h.canonicalWithoutAnnotations(o)).toBe(h.canonicalWithoutAnnotations(n));
    expect(h.compare!(o, n, {}).changes).toEqual([expect.objectContaining({ rule: 'ANNOTATION_CHANGED', category: 'annotation' })]);
  });

  it('loading does not depend on the order of imports (an extend of a type from the later import)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'pborder-'));
    writeFileSync(join(d, 'a.proto'), 'syntax = "proto2";\npackage a;\nmessage Foo {\n  extensions 100 to max;\n  optional string x = 1;\n}\n');
    writeFileSync(join(d, 'b.proto'), 'syntax = "proto2";\npackage b;\nmessage Bar {\n  optional int32 y = 1;\n}\n');
    const main = (first: string, second: string) =>
      `syntax = "proto2";\npackage a;\nimport "${first}";\nimport "${second}";\nextend Foo {\n  optional string note = 100;\n}\nmessage M {\n  optional b.Bar bar = 1;\n}\n`;
    for (const [x, y] of [
      ['b.proto', 'a.proto'],
      ['a.proto', 'b.proto'],
    ]) {
      const text = main(x, y);
      writeFileSync(join(d, 'main.proto'), text);
      const s = await h.parse(text, { file: join(d, 'main.proto') });
      expect(h.compare!(s, s, { policy: 'strict' }).changes, `${x} then ${y}`).toEqual([]);
    }
  });

  it('refuses an unknown policy', async () => {
    const { o, n } = await pair('FIELD_ADDED');
    expect(() => h.compare!(o, n, { policy: 'lenient' })).toThrow(/unknown Protobuf policy/);
  });

  it('compares imported files too: a change inside an import changes the verdict', async () => {
    const mk = (common: string) => {
      const d = mkdtempSync(join(tmpdir(), 'pbimp-'));
      mkdirSync(join(d, 'acme'));
      writeFileSync(join(d, 'acme', 'common.proto'), `syntax = "proto3";\npackage acme.common;\n\nmessage Money {\n  ${common}\n}\n`);
      const main = 'syntax = "proto3";\npackage acme.v1;\nimport "acme/common.proto";\n\nmessage Order {\n  acme.common.Money total = 1;\n}\n';
      writeFileSync(join(d, 'order.proto'), main);
      return h.parse(main, { file: join(d, 'order.proto') });
    };
    const o = await mk('int64 cents = 1;');
    const n = await mk('string cents = 1;');
    const changes = h.compare!(o, n, { policy: 'wire' }).changes;
    expect(changes).toEqual([expect.objectContaining({ rule: 'FIELD_SCALAR_KIND_CHANGED', path: 'Money.cents', breaksBackward: true, line: 5, column: 10 })]);
    expect(changes[0].file).toMatch(/acme[\\/]common\.proto$/);
    expect(h.canonical(o)).not.toBe(h.canonical(n));
  });
});

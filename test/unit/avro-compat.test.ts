/**
 * Avro compatibility: every fixture pair (fixtures/compat/avro/<case>/old.avsc, new.avsc) against expect.json,
 * and a comparison with avsc's createResolver on every pair. Where they differ, the specification wins; each
 * such case is listed in AVSC_DIFFERENCES with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AVRO_RULES } from '../../src/formats/avro/compat.js';
import { ruleOfFixture } from '../../src/model/rule-spec.js';
import { avroHandler as h, avscTypeOf, parsingCanonicalForm } from '../../src/formats/avro/handler.js';
import type { ParsedSchema } from '../../src/model/types.js';

const base = join(__dirname, '../../fixtures/compat/avro');
const cases = readdirSync(base)
  .filter((d) => !d.startsWith('.'))
  .sort();

async function pair(c: string) {
  const o = await h.parse(readFileSync(join(base, c, 'old.avsc'), 'utf8'), { file: 'old.avsc' });
  const n = await h.parse(readFileSync(join(base, c, 'new.avsc'), 'utf8'), { file: 'new.avsc' });
  return { o, n };
}

async function avscReads(writer: ParsedSchema, reader: ParsedSchema): Promise<boolean> {
  try {
    (await avscTypeOf(reader)).createResolver(await avscTypeOf(writer));
    return true;
  } catch {
    return false;
  }
}

/** Where avsc's resolver and the specification disagree: avsc's verdicts (can NEW read OLD, can OLD read NEW), and why. */
const AVSC_DIFFERENCES: Record<string, { backward: boolean; forward: boolean; reason: string }> = {
  NAMESPACE_CHANGED: {
    backward: false,
    forward: false,
    reason:
      'the specification (1.10+) matches named types on their unqualified names; avsc compares full names, so a namespace change alone fails in avsc (we report a NAMESPACE_CHANGED warning)',
  },
  DECIMAL_MISMATCH: {
    backward: true,
    forward: true,
    reason:
      'the specification says two decimals match only when precision and scale match; avsc resolves the underlying bytes and would read values at the wrong scale',
  },
};

describe('Avro rule catalog', () => {
  it('every fixture folder is a real id (<ID> or <ID>__<variant>), every id has a fixture and is emitted by some fixture', async () => {
    const ids = AVRO_RULES.map((r) => r.id);
    const emitted = new Set<string>();
    for (const c of cases) {
      const { o, n } = await pair(c);
      for (const x of h.compare!(o, n).changes) emitted.add(x.rule);
    }
    expect(ids.filter((id) => !emitted.has(id))).toEqual([]);
    expect([...emitted].filter((id) => !ids.includes(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(cases.map(ruleOfFixture).filter((id) => !ids.includes(id))).toEqual([]);
    expect(ids.filter((id) => !cases.some((c) => ruleOfFixture(c) === id))).toEqual([]);
    for (const r of AVRO_RULES) {
      expect(r.format).toBe('avro');
      expect(r.purpose.length, r.id).toBeGreaterThan(10);
      expect(r.fixture).toBe(`fixtures/compat/avro/${r.id}`);
    }
  });
});

describe('avro compatibility fixtures', () => {
  for (const c of cases) {
    it(c, async () => {
      const exp = JSON.parse(readFileSync(join(base, c, 'expect.json'), 'utf8'));
      const { o, n } = await pair(c);
      const changes = h.compare!(o, n).changes;
      expect(!changes.some((x) => x.breaksBackward)).toBe(exp.backward.compatible);
      expect(!changes.some((x) => x.breaksForward)).toBe(exp.forward.compatible);
      expect([...new Set(changes.filter((x) => x.breaksBackward).map((x) => x.rule))].sort()).toEqual(exp.backward.rules);
      expect([...new Set(changes.filter((x) => x.breaksForward).map((x) => x.rule))].sort()).toEqual(exp.forward.rules);
      expect(changes.map((x) => ({ rule: x.rule, path: x.path }))).toEqual(exp.changes);
      for (const x of changes) expect(AVRO_RULES.map((r) => r.id)).toContain(x.rule);
      // A folder named by a bare id shows that rule; <ID>__<variant> folders are scenarios around it.
      if (!c.includes('__')) expect(changes.map((x) => x.rule)).toContain(c);
    });
  }

  it('agrees with avsc createResolver on every pair, except the documented differences', async () => {
    const differences: string[] = [];
    for (const c of cases) {
      const { o, n } = await pair(c);
      const changes = h.compare!(o, n).changes;
      const ours = { backward: !changes.some((x) => x.breaksBackward), forward: !changes.some((x) => x.breaksForward) };
      const avsc = { backward: await avscReads(o, n), forward: await avscReads(n, o) };
      if (ours.backward !== avsc.backward || ours.forward !== avsc.forward) {
        differences.push(c);
        expect(AVSC_DIFFERENCES[c], `undocumented difference with avsc on ${c}`).toBeDefined();
        expect(avsc).toEqual({ backward: AVSC_DIFFERENCES[c].backward, forward: AVSC_DIFFERENCES[c].forward });
      }
    }
    expect(differences.sort()).toEqual(Object.keys(AVSC_DIFFERENCES).sort());
  });

  it('findings name the field path, and a BACKWARD break of an added field without default', async () => {
    const { o, n } = await pair('READER_FIELD_MISSING_DEFAULT_VALUE__nested_record');
    const [c] = h.compare!(o, n).changes;
    expect(c).toMatchObject({ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', path: '/a/zip', breaksBackward: true, breaksForward: false });
    expect(c.message).toMatch(/field "zip" was added to acme.Address without a default/);
  });

  it('recursive types terminate and are compared', async () => {
    const { o, n } = await pair('READER_FIELD_MISSING_DEFAULT_VALUE__recursive');
    expect(h.compare!(o, n).changes).toEqual([expect.objectContaining({ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', path: '/label' })]);
  });

  it('doc-only changes are annotations: same canonical form without annotations, same PCF', async () => {
    const { o, n } = await pair('ANNOTATION_CHANGED');
    expect(h.canonical(o)).not.toBe(h.canonical(n));
    expect(h.canonicalWithoutAnnotations(o)).toBe(h.canonicalWithoutAnnotations(n));
    expect(parsingCanonicalForm(o)).toBe(parsingCanonicalForm(n));
    expect(h.compare!(o, n).changes[0]).toMatchObject({ category: 'annotation', breaksBackward: false, breaksForward: false });
  });

  it('Parsing Canonical Form follows the specification', async () => {
    const s = await h.parse(
      JSON.stringify({
        namespace: 'a.b',
        doc: 'x',
        type: 'record',
        name: 'R',
        aliases: ['Q'],
        fields: [
          { name: 'f', doc: 'y', type: { type: 'fixed', size: 4, name: 'F' }, default: 'abcd' },
          { name: 'e', type: { type: 'enum', name: 'c.E', symbols: ['X'] } },
          { name: 'g', type: 'F' },
        ],
      }),
    );
    expect(parsingCanonicalForm(s)).toBe(
      '{"name":"a.b.R","type":"record","fields":[{"name":"f","type":{"name":"a.b.F","type":"fixed","size":4}},{"name":"e","type":{"name":"c.E","type":"enum","symbols":["X"]}},{"name":"g","type":"a.b.F"}]}',
    );
    // key order and white space in the file never change the canonical form; defaults and aliases do
    const t = await h.parse(
      JSON.stringify(
        {
          fields: [
            { type: { name: 'F', size: 4, type: 'fixed' }, name: 'f', default: 'abcd', doc: 'y' },
            { name: 'e', type: { symbols: ['X'], type: 'enum', name: 'c.E' } },
            { type: 'F', name: 'g' },
          ],
          name: 'R',
          type: 'record',
          namespace: 'a.b',
          aliases: ['Q'],
          doc: 'x',
        },
        null,
        4,
      ),
    );
    expect(h.canonical(t)).toBe(h.canonical(s));
    const u = await h.parse(
      JSON.stringify({
        namespace: 'a.b',
        doc: 'x',
        type: 'record',
        name: 'R',
        fields: [
          { name: 'f', doc: 'y', type: { type: 'fixed', size: 4, name: 'F' }, default: 'abce' },
          { name: 'e', type: { type: 'enum', name: 'c.E', symbols: ['X'] } },
          { name: 'g', type: 'F' },
        ],
      }),
    );
    expect(h.canonical(u)).not.toBe(h.canonical(s));
  });
});

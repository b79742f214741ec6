/**
 * One RuleSpec for every rule table (rule-spec.ts): the JSON Schema, Avro, Protobuf, prompt, core and check tables
 * share the shape, ids are unique within a table, and the three meanings FORMAT_CHANGED once had are three ids.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_RULE_SPECS, CHECK_RULES } from '../../src/core/check.js';
import { readFileSync } from 'node:fs';
import { checkCompatibility, compareSchemas, CORE_RULES, severityOf } from '../../src/core/compat.js';
import { changeLines } from '../../src/report/changes.js';
import { fillTemplate, indexRules, ruleOfFixture, specOf } from '../../src/model/rule-spec.js';
import { RULES as JSON_RULES } from '../../src/formats/jsonschema/compare/rules.js';
import { AVRO_RULES } from '../../src/formats/avro/compat.js';
import { getHandler } from '../../src/formats/index.js';
import { PROTOBUF_RULE_SPECS } from '../../src/formats/protobuf/rules.js';
import { PROMPT_RULE_SPECS } from '../../src/formats/prompt/rules.js';

describe('RuleSpec tables', () => {
  const tables = { json: JSON_RULES, avro: AVRO_RULES, protobuf: PROTOBUF_RULE_SPECS, prompt: PROMPT_RULE_SPECS, core: CORE_RULES, check: CHECK_RULE_SPECS };

  it('every table is RuleSpec data: unique ids, its own format, a purpose', () => {
    for (const [format, table] of Object.entries(tables)) {
      expect(() => indexRules(table), format).not.toThrow();
      for (const r of table) {
        expect(r.id, format).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(r.format, r.id).toBe(format);
        expect(r.purpose.length, r.id).toBeGreaterThan(10);
      }
    }
    expect(Object.keys(CHECK_RULES).sort()).toEqual(CHECK_RULE_SPECS.map((r) => r.id).sort());
  });

  it('FORMAT_CHANGED means one thing: the JSON Schema `format` keyword; the other two meanings have their own ids', () => {
    expect(JSON_RULES.find((r) => r.id === 'FORMAT_CHANGED')?.template).toMatch(/^format changed/);
    expect(CORE_RULES.map((r) => r.id)).toContain('SCHEMA_FORMAT_CHANGED');
    expect(CHECK_RULE_SPECS.map((r) => r.id)).toContain('SUBJECT_FORMAT_CHANGED');
    const all = Object.values(tables).flatMap((t) => t.map((r) => r.id));
    expect(all.filter((id) => id === 'FORMAT_CHANGED')).toHaveLength(1);
  });

  it('a change of schema language between versions is SCHEMA_FORMAT_CHANGED, breaking both ways', async () => {
    const json = await getHandler('json');
    const avro = await getHandler('avro');
    const a = await json.parse('{"type":"string"}');
    const b = await avro.parse('"string"');
    const [c] = compareSchemas(avro, a, b);
    expect(c).toMatchObject({ rule: 'SCHEMA_FORMAT_CHANGED', breaksBackward: true, breaksForward: true, message: 'the format changed from json to avro' });
  });

  it('helpers: fixture folders name their rule, unknown ids throw where they are emitted, templates fill', () => {
    expect(ruleOfFixture('TYPE_PROMOTED__int_long')).toBe('TYPE_PROMOTED');
    expect(ruleOfFixture('FIELD_ADDED')).toBe('FIELD_ADDED');
    expect(() => specOf(indexRules(AVRO_RULES), 'NOT_A_RULE')).toThrow(/NOT_A_RULE/);
    expect(() => indexRules([...CORE_RULES, CORE_RULES[0]])).toThrow(/declared twice/);
    expect(fillTemplate('from {old} to {new}', { old: 'a', new: 'b' })).toBe('from a to b');
  });
});

describe('severity is computed once, from the facts the formats give (core/compat.ts severityOf)', () => {
  const FIX = new URL('../../fixtures/compat/', import.meta.url).pathname;
  const pairOf = async (format: 'json' | 'avro' | 'protobuf' | 'prompt', dir: string, ext: string) => {
    const h = await getHandler(format);
    const read = (side: string) => readFileSync(`${FIX}${format}/${dir}/${side}${ext}`, 'utf8');
    const o = await h.parse(read('old'), { file: `old${ext}` });
    const n = await h.parse(read('new'), { file: `new${ext}` });
    return { h, o, n };
  };

  it('no format sets a severity; a caution or a broken direction makes a warning, breaking the mode an error', async () => {
    const seen: Record<string, string> = {};
    for (const [format, dir, ext] of [
      ['avro', 'LOGICAL_TYPE_CHANGED', '.avsc'],
      ['avro', 'NAMESPACE_CHANGED', '.avsc'],
      ['prompt', 'MODEL_CHANGED', '.prompt'],
      ['protobuf', 'FIELD_SAME_TYPE__int32_uint32', '.proto'],
      ['json', 'SCHEMA_EXTENDED', '.json'],
    ] as const) {
      const { h, o, n } = await pairOf(format, dir, ext);
      const report = checkCompatibility(h, n, [{ version: '1.0.0', schema: o }], 'BACKWARD');
      for (const c of compareSchemas(h, o, n)) expect(c, `${format} ${c.rule}`).not.toHaveProperty('severity');
      for (const c of report.changes) {
        expect(c.severity, `${format} ${c.rule}`).toBe(severityOf(c, c.breaking));
        if (c.caution) seen[`${format} ${c.rule}`] = `${c.severity}: ${c.caution}`;
      }
    }
    expect(seen).toMatchObject({
      'avro LOGICAL_TYPE_CHANGED': 'warning: the bytes resolve, but their meaning changes',
      'avro NAMESPACE_CHANGED': 'warning: readers that compare full names (avsc, older Java) fail',
      'prompt MODEL_CHANGED': 'warning: the same input may give other answers',
      'protobuf FIELD_SAME_TYPE': 'warning: only the strict policy forbids this',
    });
    // Under `semantic`, a change judged harmless with the schema as a whole is not "forbidden by lenient".
    expect(seen['json MAX_LENGTH_DECREASED']).toMatch(/^warning: changes what validates here, but breaks neither direction on its own/);
    expect(Object.values(seen).join('\n')).not.toMatch(/lenient policy/);
  });

  it('the text verdict gives the caution', async () => {
    const { h, o, n } = await pairOf('avro', 'LOGICAL_TYPE_CHANGED', '.avsc');
    const c = checkCompatibility(h, n, [{ version: '1.0.0', schema: o }], 'BACKWARD').changes.find((x) => x.rule === 'LOGICAL_TYPE_CHANGED')!;
    expect(changeLines(c, { breaking: false, mode: 'BACKWARD' })[0]).toMatch(
      /^ {2}! LOGICAL_TYPE_CHANGED .*\[warning: the bytes resolve, but their meaning changes\]/,
    );
  });
});

/**
 * Issue 26: JavaScript's prototype property names (`__proto__`, `constructor`, `toString`) behave like any
 * other property name in `required`, `properties`, `additionalProperties` and `propertyNames`, in validate
 * (ajv alone gets `required: ["__proto__"]` on `{}` wrong, and drops `properties.__proto__`) and in compat/diff.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaHandler as h } from '../../src/formats/jsonschema/handler.js';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

async function valid(schema: string, data: string): Promise<boolean> {
  const s = await h.parse(schema);
  return h.compile(s).validate(JSON.parse(data)) === null;
}

describe('validate: prototype names are ordinary names', () => {
  for (const name of NAMES) {
    const n = JSON.stringify(name);
    it(name, async () => {
      // required
      expect(await valid(`{"type":"object","required":[${n}]}`, '{}')).toBe(false);
      expect(await valid(`{"type":"object","required":[${n}]}`, `{${n}:1}`)).toBe(true);
      // properties: absent is fine, present must match
      expect(await valid(`{"type":"object","properties":{${n}:{"type":"integer"}}}`, '{}')).toBe(true);
      expect(await valid(`{"type":"object","properties":{${n}:{"type":"integer"}}}`, `{${n}:1}`)).toBe(true);
      expect(await valid(`{"type":"object","properties":{${n}:{"type":"integer"}}}`, `{${n}:"x"}`)).toBe(false);
      // declared, so not additional; undeclared, so additional
      expect(await valid(`{"type":"object","properties":{${n}:{}},"additionalProperties":false}`, `{${n}:1}`)).toBe(true);
      expect(await valid(`{"type":"object","properties":{"a":{}},"additionalProperties":false}`, `{${n}:1}`)).toBe(false);
      expect(await valid(`{"type":"object","properties":{${n}:{}},"unevaluatedProperties":false}`, `{${n}:1}`)).toBe(true);
      // propertyNames
      expect(await valid(`{"propertyNames":{"not":{"const":${n}}}}`, '{}')).toBe(true);
      expect(await valid(`{"propertyNames":{"not":{"const":${n}}}}`, `{${n}:1}`)).toBe(false);
      expect(await valid(`{"propertyNames":{"const":${n}}}`, `{${n}:1}`)).toBe(true);
      // nested and beside other properties
      expect(await valid(`{"properties":{"o":{"required":[${n}],"properties":{${n}:{"const":2}}}}}`, `{"o":{${n}:2}}`)).toBe(true);
      expect(await valid(`{"properties":{"o":{"required":[${n}],"properties":{${n}:{"const":2}}}}}`, `{"o":{${n}:3}}`)).toBe(false);
      expect(await valid(`{"properties":{"o":{"required":[${n}]}}}`, `{"o":{}}`)).toBe(false);
    });
  }
});

describe('compat and diff: prototype names are ordinary names', () => {
  const compare = async (a: object, b: object) => h.compare!(await h.parse(JSON.stringify(a)), await h.parse(JSON.stringify(b)));
  for (const name of NAMES) {
    it(name, async () => {
      const props = (v: object) => JSON.parse(`{${JSON.stringify(name)}:${JSON.stringify(v)}}`);
      // making it required breaks BACKWARD ({} was valid), with a witness
      const req = await compare({ type: 'object' }, { type: 'object', required: [name] });
      expect(req.changes.some((c) => c.breaksBackward)).toBe(true);
      expect(req.changes.filter((c) => c.undecided)).toEqual([]);
      const w = req.changes.find((c) => c.witness)?.witness;
      expect(w?.value).toEqual({});
      if (w) expect(await valid(JSON.stringify({ type: 'object', required: [name] }), JSON.stringify(w.value))).toBe(w.validUnder === 'new');
      // dropping the requirement breaks only FORWARD
      const unreq = await compare({ type: 'object', required: [name] }, { type: 'object' });
      expect(unreq.changes.some((c) => c.breaksBackward)).toBe(false);
      expect(unreq.changes.some((c) => c.breaksForward)).toBe(true);
      expect(unreq.changes.filter((c) => c.undecided)).toEqual([]);
      // declaring it on one side only: added to an open model (semantic: breaks BACKWARD, a typed property), removed
      const added = await compare({ type: 'object' }, { type: 'object', properties: props({ type: 'integer' }) });
      expect(added.changes.map((c) => c.rule)).toContain('PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
      const addedClosed = await compare(
        { type: 'object', additionalProperties: false },
        { type: 'object', properties: props({}), additionalProperties: false },
      );
      expect(addedClosed.changes.some((c) => c.breaksBackward)).toBe(false);
      expect(addedClosed.changes.some((c) => c.breaksForward)).toBe(true);
      // narrowing its type breaks BACKWARD; an identical schema changes nothing
      const narrowed = await compare({ type: 'object', properties: props({ type: 'number' }) }, { type: 'object', properties: props({ type: 'integer' }) });
      expect(narrowed.changes.some((c) => c.breaksBackward)).toBe(true);
      const same = await compare({ type: 'object', properties: props({ type: 'integer' }) }, { type: 'object', properties: props({ type: 'integer' }) });
      expect(same.changes).toEqual([]);
      // closing the model around it: other names break, this one does not
      const closed = await compare(
        { type: 'object', properties: props({}), additionalProperties: false },
        { type: 'object', properties: props({}), additionalProperties: false, required: [] },
      );
      expect(closed.changes.some((c) => c.breaksBackward || c.breaksForward)).toBe(false);
      // forbidding the name through propertyNames breaks BACKWARD
      const pn = await compare({ type: 'object' }, { type: 'object', propertyNames: { not: { const: name } } });
      expect(pn.changes.some((c) => c.breaksBackward)).toBe(true);
    });
  }
});

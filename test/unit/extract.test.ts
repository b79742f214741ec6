import { describe, expect, it } from 'vitest';
import { extractJson, repairJson } from '../../src/core/extract.js';
import { validateReplyText } from '../../src/core/reply.js';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';

const found = (text: string, repair = false) => {
  const r = extractJson(text, { repair });
  if (r.kind !== 'found') throw new Error(`expected found, got ${JSON.stringify(r)}`);
  return r;
};

describe('extractJson: where the JSON is', () => {
  it('takes a ```json fence, with offsets into the reply', () => {
    const text = 'Here is the result:\n```json\n{"city": "Paris", "days": 3}\n```\nAnything else?';
    const r = found(text);
    expect(r.value).toEqual({ city: 'Paris', days: 3 });
    expect(r.via).toBe('fence');
    expect(text.slice(r.start, r.end)).toBe('{"city": "Paris", "days": 3}');
    expect(r.text).toBe('{"city": "Paris", "days": 3}');
    expect(r.repaired).toBe(false);
  });

  it('takes a ```JSON fence whatever the case, and a one-line fence', () => {
    expect(found('```JSON\n[1, 2]\n```').value).toEqual([1, 2]);
    expect(found('x ```json {"a": 1}``` y').value).toEqual({ a: 1 });
  });

  it('prefers a json fence over a bare fence that comes first', () => {
    const r = found('```\n{"bare": true}\n```\nand\n```json\n{"tagged": true}\n```');
    expect(r.value).toEqual({ tagged: true });
    expect(r.via).toBe('fence');
  });

  it('takes a bare fence whose content looks like JSON, passing over other code', () => {
    const r = found('Run:\n```\nnpm install\n```\nResult:\n```\n{"ok": true}\n```');
    expect(r.value).toEqual({ ok: true });
    expect(r.via).toBe('bare-fence');
  });

  it('ignores fences of other languages', () => {
    expect(extractJson('```python\nprint({"a": 1})\n```').kind).not.toBe('fence');
    const r = found('```python\nx = 1\n```\nThe answer: {"a": 1}');
    expect(r.via).toBe('balanced');
  });

  it('finds the first balanced object in prose, string-aware', () => {
    const text = 'Sure! {"note": "a } and a { inside", "n": [1, {"m": 2}]} Hope that helps.';
    const r = found(text);
    expect(r.value).toEqual({ note: 'a } and a { inside', n: [1, { m: 2 }] });
    expect(r.via).toBe('balanced');
    expect(text.slice(r.start, r.end)).toBe(r.text);
  });

  it('finds an array in prose, but not a [1] citation or a {placeholder}', () => {
    expect(found('The ids are [3, 5, 8].').value).toEqual([3, 5, 8]);
    expect(found('See [1] for {name} details. Then {"ok": true}').value).toEqual({ ok: true });
    expect(extractJson('Use {name} and [1] in the template.').kind).toBe('none');
  });

  it('takes a reply that is JSON as a whole', () => {
    const r = found('  {"a": 1}\n');
    expect(r.via).toBe('whole');
    expect(r.start).toBe(2);
    expect(found('42').value).toBe(42);
    expect(found('"yes"').value).toBe('yes');
  });

  it('with several blocks, takes the first that parses', () => {
    const text = '```json\n{"a": 1,,}\n```\nfixed:\n```json\n{"a": 2}\n```';
    const r = found(text);
    expect(r.value).toEqual({ a: 2 });
    expect(r.start).toBe(text.lastIndexOf('{'));
  });
});

describe('extractJson: no JSON, broken JSON', () => {
  it('says none for prose and refusals', () => {
    expect(extractJson("I'm sorry, I can't help with that.")).toEqual({ kind: 'none' });
    expect(extractJson('')).toEqual({ kind: 'none' });
    expect(extractJson('```\nls -la\n```')).toEqual({ kind: 'none' });
  });

  it('says unparseable, with line and column in the reply, for broken JSON', () => {
    const r = extractJson('Result:\n```json\n{"a": 1 "b": 2}\n```');
    expect(r.kind).toBe('unparseable');
    if (r.kind !== 'unparseable') return;
    expect(r.reason).toMatch(/expected ','/);
    expect(r.line).toBe(3);
    expect(r.column).toBe(9); // the "b" after 1
  });

  it('says unparseable for a truncated reply (unclosed fence, unbalanced object)', () => {
    const fenced = extractJson('```json\n{"items": [1, 2, 3');
    expect(fenced.kind).toBe('unparseable');
    const prose = extractJson('Here: {"items": [1, 2, {"x": "abc');
    expect(prose.kind).toBe('unparseable');
    if (prose.kind === 'unparseable') expect(prose.reason).toMatch(/truncated/);
  });
});

describe('extractJson: repair', () => {
  it('repairs trailing commas, single quotes, unquoted keys, Python literals and comments', () => {
    const r = found("```json\n{'name': 'O\\'Brien', age: 41, ok: True, none: None, tags: ['a', 'b',], // note\n}\n```", true);
    expect(r.value).toEqual({ name: "O'Brien", age: 41, ok: true, none: null, tags: ['a', 'b'] });
    expect(r.repaired).toBe(true);
    expect(extractJson("{'a': 1}").kind).toBe('unparseable'); // not without repair
  });

  it('keeps double quotes inside single-quoted strings', () => {
    expect(found(`{'q': 'say "hi"'}`, true).value).toEqual({ q: 'say "hi"' });
  });

  it('closes a truncated tail, dropping the unfinished member', () => {
    expect(found('```json\n{"items": [1, 2, 3', true).value).toEqual({ items: [1, 2, 3] });
    expect(found('Here: {"a": 1, "b": {"c": [true, fal', true).value).toEqual({ a: 1, b: { c: [true] } });
    expect(found('{"a": 1, "b": "unfinished str', true).value).toEqual({ a: 1 });
    expect(found('{"a": 1, "b":', true).value).toEqual({ a: 1 });
  });

  it('does not touch JSON that parses', () => {
    expect(found('{"a": [1, 2]}', true).repaired).toBe(false);
  });

  it('gives up on text that is not recognisably JSON', () => {
    expect(repairJson('{"a": undefined}')).toBeUndefined();
    expect(extractJson('{"a": @@}', { repair: true }).kind).toBe('unparseable');
  });

  it('escapes raw newlines inside strings', () => {
    expect(found('{"text": "line1\nline2"}', true).value).toEqual({ text: 'line1\nline2' });
  });
});

describe('extractJson: hostile input', () => {
  it('handles 100,000 nested brackets without recursion', () => {
    const deep = 'Result: ' + '['.repeat(100_000) + ']'.repeat(100_000);
    expect(extractJson(deep).kind).toBe('found');
    const open = 'x ' + '{"a":'.repeat(100_000);
    expect(extractJson(open).kind).toBe('unparseable');
    expect(extractJson(open, { repair: true }).kind).toBe('found');
  });

  it('stays linear on many openers that are not JSON', () => {
    expect(extractJson('{a '.repeat(100_000), { repair: true }).kind).toBe('none');
    expect(extractJson('```'.repeat(50_000)).kind).toBe('none');
  });
});

describe('validateReplyText', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const validator = jsonSchemaHandler.compile({ format: 'json', text: JSON.stringify(schema), value: schema });

  it('tells valid, invalid, no-json and unparseable apart', () => {
    expect(validateReplyText(validator, 'ok: ```json\n{"city": "Oslo"}\n```').outcome).toBe('valid');
    const invalid = validateReplyText(validator, '{"town": "Oslo"}');
    expect(invalid.outcome).toBe('invalid');
    expect(invalid.errors[0].message).toMatch(/city/);
    const none = validateReplyText(validator, 'I cannot answer that.');
    expect(none.outcome).toBe('no-json');
    expect(none.errors[0].message).toBe('no JSON found');
    const broken = validateReplyText(validator, '```json\n{"city": }\n```');
    expect(broken.outcome).toBe('unparseable');
    expect(broken.errors[0].message).toMatch(/^JSON does not parse: .*line 2/);
    expect(validateReplyText(validator, "{'city': 'Oslo',}", { repair: true }).outcome).toBe('valid');
  });
});

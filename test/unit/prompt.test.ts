/**
 * The prompt format: every prompt rule has a fixture pair (fixtures/compat/prompt/<RULE>/) asserting the rule,
 * its path, its directions and the bump it needs, with witnesses re-checked against the input/output schemas;
 * the template type checker; rendering through dotprompt.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { promptHandler, promptParts } from '../../src/formats/prompt/handler.js';
import { PROMPT_LINT_RULES, PROMPT_RULES } from '../../src/formats/prompt/rules.js';
import { renderPrompt, RenderInputError } from '../../src/formats/prompt/render.js';
import { RULES as JSON_RULES } from '../../src/formats/jsonschema/compare/index.js';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { checkCompatibility, requiredBump } from '../../src/core/compat.js';
import { InputError } from '../../src/model/errors.js';
import type { ParsedSchema, ResolvedReference } from '../../src/model/types.js';

const DIR = path.join(REPO, 'fixtures/compat/prompt');
const ruleDirs = readdirSync(DIR).filter((d) => /^[A-Z_]+$/.test(d) && statSync(path.join(DIR, d)).isDirectory());

const parse = (text: string, references: ResolvedReference[] = [], file = 'test.prompt') => promptHandler.parse(text, { file, references });
const load = (file: string) => parse(readFileSync(file, 'utf8'), [], file);

function prompt(front: string, body: string): string {
  return `---\n${front.trim()}\n---\n${body}\n`;
}

describe('prompt rule catalog', () => {
  it('has a fixture for every prompt rule; every fixture names a prompt rule or a JSON Schema rule', () => {
    const ids = PROMPT_RULES.map((r) => r.id);
    const jsonIds = JSON_RULES.map((r) => r.id);
    expect(ids.filter((id) => !ruleDirs.includes(id))).toEqual([]);
    expect(ruleDirs.filter((d) => !ids.includes(d) && !jsonIds.includes(d))).toEqual([]);
    expect(new Set([...ids, ...PROMPT_LINT_RULES.map((r) => r.id)]).size).toBe(ids.length + PROMPT_LINT_RULES.length);
    for (const id of ids) expect(jsonIds, id).not.toContain(id);
  });

  for (const rule of ruleDirs) {
    it(rule, async () => {
      const exp = JSON.parse(readFileSync(path.join(DIR, rule, 'expect.json'), 'utf8'));
      const a = await load(path.join(DIR, rule, 'old.prompt'));
      const b = await load(path.join(DIR, rule, 'new.prompt'));
      // the fixtures are clean prompts: no template finding at all
      expect(promptHandler.lint!(a)).toEqual([]);
      expect(promptHandler.lint!(b)).toEqual([]);
      const changes = promptHandler.compare!(a, b).changes;
      const hit = changes.find((c) => c.rule === exp.rule && c.path === exp.path);
      expect(hit, JSON.stringify(changes, null, 1)).toBeDefined();
      expect({ b: hit!.breaksBackward, f: hit!.breaksForward }).toEqual({ b: exp.breaksBackward, f: exp.breaksForward });
      expect(changes.some((c) => c.breaksBackward)).toBe(!exp.backwardCompatible);
      expect(changes.some((c) => c.breaksForward)).toBe(!exp.forwardCompatible);
      expect(checkCompatibility(promptHandler, b, [{ version: '1.0.0', schema: a }], 'BACKWARD').compatible).toBe(exp.backwardCompatible);
      expect(checkCompatibility(promptHandler, b, [{ version: '1.0.0', schema: a }], 'FORWARD').compatible).toBe(exp.forwardCompatible);
      expect(requiredBump(promptHandler, a, b, 'BACKWARD').bump).toBe(exp.bump);
      // witnesses hold against the real input/output schemas
      for (const c of changes) {
        if (!c.witness) continue;
        const which = c.path.startsWith('/input/') ? 'input' : 'output';
        const [sa, sb] = [promptParts(a)[which]!, promptParts(b)[which]!];
        const ok = (s: ParsedSchema) => jsonSchemaHandler.compile(s).validate(c.witness!.value) === null;
        expect([ok(sa), ok(sb)], `${c.rule} ${JSON.stringify(c.witness.value)}`).toEqual(c.witness.validUnder === 'old' ? [true, false] : [false, true]);
      }
    });
  }
});

describe('prompt compatibility from the caller side', () => {
  const base = prompt('input:\n  schema:\n    q: string\noutput:\n  schema:\n    answer: string', '{{q}}');
  it('an optional output property added to a closed output schema breaks BACKWARD callers, with an output they reject', async () => {
    const a = await parse(base);
    const b = await parse(prompt('input:\n  schema:\n    q: string\noutput:\n  schema:\n    answer: string\n    score?: number', '{{q}}'));
    const r = checkCompatibility(promptHandler, b, [{ version: '1.0.0', schema: a }], 'BACKWARD');
    expect(r.compatible).toBe(false);
    const c = r.changes.find((x) => x.breaking)!;
    expect(c.path).toBe('/output/schema/properties/score');
    expect(c.witness?.validUnder).toBe('new');
    expect(jsonSchemaHandler.compile(promptParts(a).output!).validate(c.witness!.value)).not.toBeNull();
  });
  it('an input property made optional is compatible BACKWARD (old callers still send it)', async () => {
    const a = await parse(prompt('input:\n  schema:\n    q: string\n    lang: string', '{{q}} {{lang}}'));
    const b = await parse(prompt('input:\n  schema:\n    q: string\n    lang?: string', '{{q}} {{lang}}'));
    expect(checkCompatibility(promptHandler, b, [{ version: '1.0.0', schema: a }], 'BACKWARD').compatible).toBe(true);
    expect(checkCompatibility(promptHandler, b, [{ version: '1.0.0', schema: a }], 'FORWARD').compatible).toBe(false);
  });
  it('reformatted front matter is the same prompt (same canonical form)', async () => {
    const a = await parse(base);
    const b = await parse('---\noutput: {schema: {answer: string}}\ninput:\n    schema: {q: string}\n---\n{{q}}\n');
    expect(promptHandler.canonical(a)).toBe(promptHandler.canonical(b));
  });
});

describe('template type checking', () => {
  const front = `input:
  schema:
    name: string
    user(object):
      address(object):
        city: string
      tags(array): string
    items(array):
      title: string
      price: number
    extra?: string`;
  const lint = async (body: string, f = front, refs: ResolvedReference[] = []) => promptHandler.lint!(await parse(prompt(f, body), refs));

  it('accepts declared variables, nested paths, each/with/if, block params, @root, this', async () => {
    const d = await lint(
      'Hi {{name}} from {{user.address.city}}\n{{#each items as |it i|}}{{i}}. {{it.title}} {{price}} {{@index}} {{@root.name}}{{/each}}\n' +
        '{{#with user}}{{address.city}}{{#each tags}}{{this}}{{/each}}{{/with}}{{#if extra}}{{extra}}{{/if}}{{json user}}{{role "user"}}',
    );
    expect(d).toEqual([]);
  });
  it('names an undeclared variable, with its line', async () => {
    const d = await lint('Hello {{name}}\n{{user.address.city}} {{#each items}}{{title}}{{price}}{{/each}}{{user.tags}}{{extra}}\nand {{nickname}}');
    const e = d.filter((x) => x.severity === 'error');
    expect(e.map((x) => [x.rule, x.line])).toContainEqual(['PROMPT_UNDECLARED_VARIABLE', 16]); // line 3 of the template, after 13 lines of front matter
    expect(e.find((x) => x.rule === 'PROMPT_UNDECLARED_VARIABLE')!.message).toContain("'nickname'");
    expect(e.map((x) => x.rule)).toEqual(['PROMPT_VARIABLE_TYPE_MISMATCH', 'PROMPT_UNDECLARED_VARIABLE']); // {{user.tags}} prints an array
  });
  it('an undeclared nested property and one inside each are errors', async () => {
    const d = await lint('{{name}}{{user.address.zip}}{{#each items}}{{title}}{{price}}{{sku}}{{/each}}{{user.tags}}{{extra}}');
    const msgs = d.filter((x) => x.rule === 'PROMPT_UNDECLARED_VARIABLE').map((x) => x.message);
    expect(msgs.some((m) => m.includes("'user.address.zip'"))).toBe(true);
    expect(msgs.some((m) => m.includes("'sku'"))).toBe(true);
  });
  it('types: a property of a string, each over a string, an object printed as text', async () => {
    const d = await lint('{{name.first}}{{#each name}}x{{/each}}{{user}}{{#each items}}{{title}}{{price}}{{/each}}{{extra}}');
    expect(d.filter((x) => x.rule === 'PROMPT_VARIABLE_TYPE_MISMATCH').length).toBe(3);
  });
  it('an input property never used is a warning, not an error', async () => {
    const d = await lint('{{name}} {{user.address.city}} {{#each items}}{{title}}{{/each}}');
    expect(d.every((x) => x.severity === 'warning')).toBe(true);
    expect(d.map((x) => x.path).sort()).toEqual([
      '/input/schema/properties/extra',
      '/input/schema/properties/items/items/properties/price',
      '/input/schema/properties/user/properties/tags',
    ]);
  });
  it('no input schema: every variable is undeclared', async () => {
    const d = promptHandler.lint!(await parse('Hello {{name}}\n'));
    expect(d.map((x) => x.rule)).toEqual(['PROMPT_UNDECLARED_VARIABLE']);
  });
  it('unknown helpers and partials are errors; a referenced partial is checked in the caller scope', async () => {
    expect((await lint('{{shout name}}')).some((x) => x.rule === 'PROMPT_UNKNOWN_HELPER')).toBe(true);
    expect((await lint('{{> footer}}')).some((x) => x.rule === 'PROMPT_UNKNOWN_PARTIAL')).toBe(true);
    expect(
      (await lint('{{name}}{{role}}{{media}}{{#each}}x{{/each}}', 'input:\n  schema:\n    name: string')).filter((x) => x.rule === 'PROMPT_HELPER_ARGUMENTS')
        .length,
    ).toBe(3);
    const partial = await parse('Signed, {{name}} ({{nope}})\n', [], 'footer.prompt');
    const ref: ResolvedReference = { name: 'footer', subject: 'x.footer', version: '1.0.0', schema: partial };
    const d = await lint('{{> footer}}', 'input:\n  schema:\n    name: string', [ref]);
    expect(d.map((x) => x.message).join('\n')).toContain("'nope'");
    expect(d.some((x) => x.message.includes("'name'"))).toBe(false);
  });
  it('JSON Schema input with $ref and anyOf is navigated', async () => {
    const f = `input:
  schema:
    type: object
    properties:
      who: {$ref: '#/$defs/person'}
      v: {anyOf: [{type: string}, {type: number}]}
    $defs:
      person: {type: object, properties: {name: {type: string}}}`;
    expect(await lint('{{who.name}} {{v}}', f)).toEqual([]);
    expect((await lint('{{who.age}} {{v}}', f)).map((x) => x.rule)).toContain('PROMPT_UNDECLARED_VARIABLE');
  });
});

describe('parsing prompts', () => {
  it('malformed front matter names the file line and column', async () => {
    const err = await parse('---\nmodel: x\ninput:\n  schema: [\n---\nhi\n').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).line).toBeGreaterThanOrEqual(4);
    expect((err as InputError).file).toBe('test.prompt');
  });
  it('an unclosed block names its line', async () => {
    const err = (await parse('---\ninput:\n  schema:\n    a: string\n---\nline\n{{#if a}}\n').catch((e) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/open block/);
  });
  it('bad Picoschema and unknown named schemas are input errors', async () => {
    await expect(parse(prompt('input:\n  schema:\n    a(strange): string', 'x'))).rejects.toThrow(/invalid input.schema/);
    await expect(parse(prompt('input:\n  schema: Ticket', 'x'))).rejects.toThrow(/--reference Ticket=/);
  });
  it('a named schema resolves to a referenced JSON Schema subject', async () => {
    const ticket = await jsonSchemaHandler.parse(JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }), {
      file: 't.json',
    });
    const p = await parse(prompt('input:\n  schema:\n    ticket: Ticket', 'Ticket {{ticket.id}}'), [
      { name: 'Ticket', subject: 'myapp.ticket', version: '1.0.0', schema: ticket },
    ]);
    expect(promptHandler.lint!(p)).toEqual([]);
    expect(promptHandler.compile(p).validate({ ticket: {} })).not.toBeNull();
  });
});

describe('rendering', () => {
  it('validates, fills defaults, renders roles; invalid input is a RenderInputError listing the errors', async () => {
    const p = await parse(
      prompt(
        'model: m1\nconfig:\n  temperature: 0.1\ninput:\n  schema:\n    name: string\n    lang?: string\n  default:\n    lang: en\noutput:\n  schema:\n    ok: boolean',
        '{{role "system"}}Reply in {{lang}}.\n{{role "user"}}Hi, I am {{name}}.',
      ),
    );
    const r = await renderPrompt(p, { name: 'Ada' });
    expect(r.model).toBe('m1');
    expect(r.config).toEqual({ temperature: 0.1 });
    expect(r.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(r.messages[0].content[0].text).toContain('Reply in en.');
    expect(r.messages[1].content[0].text).toContain('Hi, I am Ada.');
    expect(r.output?.schema).toMatchObject({ type: 'object', properties: { ok: { type: 'boolean' } } });
    const err = await renderPrompt(p, { name: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(RenderInputError);
    expect((err as RenderInputError).errors[0].path).toBe('/name');
    await expect(renderPrompt(p, [])).rejects.toBeInstanceOf(RenderInputError);
  });
  it('a failure inside dotprompt is an InputError naming the prompt, not an internal error', async () => {
    const p = await parse(prompt('input:\n  schema:\n    n: string', '{{n}} {{#each}}x{{/each}}'));
    const err = await renderPrompt(p, { n: 'a' }, 'app.x 1.0.0').catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^cannot render app.x 1.0.0: /);
  });
});

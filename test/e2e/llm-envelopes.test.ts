/**
 * Issue 27: replies as they come. Provider response objects (--envelope), refusals and truncation, the
 * extraction repros (reasoning blocks, several candidates, smart quotes), --field on objects, prompt
 * subjects, and the quarantine split of a 100-envelope log (byte for byte).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, REPO, writeTree } from '../helpers.js';

const ENV = path.join(REPO, 'fixtures', 'llm', 'envelopes');
const WEATHER = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { enum: ['c', 'f'] } },
  required: ['city'],
};
const ORDER = {
  type: 'object',
  properties: { customer: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, items: { type: 'array' } },
  required: ['customer', 'items'],
};
const PROMPT = `---
model: googleai/gemini-2.5-flash
input:
  schema:
    type: object
    properties:
      topic: { type: string }
    required: [topic]
output:
  schema:
    type: object
    properties:
      title: { type: string }
      tags: { type: array, items: { type: string } }
    required: [title, tags]
---
Write a title about {{topic}}.
`;

describe('replies as they come (issue 27)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'weather.json': WEATHER, 'order.json': ORDER, 'title.prompt': PROMPT });
    const r = await cli(['register', 'app.title', '--file', 'title.prompt', '--kind', 'prompt'], { cwd: dir });
    if (r.code !== 0) throw new Error(r.stderr);
    writeTree(dir, {
      'think.txt': '<think>...{"city":"Lyon"}...</think>\n{"city":"Rome","unit":"c"}',
      'think-bad.txt': '<think>...{"city":"Lyon"}...</think>\n{"city":"Rome","unit":"x"}',
      'example.txt': 'Example: {"city":"Example"}. Final: {"city":"Cairo","unit":"x"}',
      'smart.txt': 'Result: {\u201ccustomer\u201d: {\u201cname\u201d: \u201cAda\u201d}, \u201citems\u201d: []}',
      'reply.txt': 'Sure:\n```json\n{"title": "Tides", "tags": ["sea"]}\n```',
      'chat.jsonl': [
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, refusal: "I can't help with that." }, finish_reason: 'stop' }] }),
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: '{"city": "Paris", "unit": "c", "no' }, finish_reason: 'length' }] }),
        JSON.stringify({ choices: [{ message: { role: 'assistant', content: '{"city": "Paris"}' }, finish_reason: 'stop' }] }),
      ].join('\n'),
      'tools.jsonl': JSON.stringify({ id: 1, content: [{ type: 'tool_use', name: 'w', input: { city: 'Oslo', unit: 'f' } }] }) + '\n',
    });
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('a <think> block is skipped: the answer after it is validated', async () => {
    expect((await cli(['validate', '--schema', 'weather.json', '--data', 'think.txt', '--extract'], { cwd: dir })).code).toBe(0);
    const bad = await cli(['validate', '--schema', 'weather.json', '--data', 'think-bad.txt', '--extract'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/\/unit must be one of/);
  });

  it('several candidates: the last that fits is taken, with a warning naming the other; --pick first forces the first', async () => {
    const r = await cli(['validate', '--schema', 'weather.json', '--data', 'example.txt', '--extract'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 JSON candidates: took \{"city":"Cairo","unit":"x"\}.*passed over \{"city":"Example"\}/);
    expect(r.stdout).toMatch(/\/unit must be one of/);
    const first = await cli(['validate', '--schema', 'weather.json', '--data', 'example.txt', '--extract', '--pick', 'first'], { cwd: dir });
    expect(first.code).toBe(0);
  });

  it('smart quotes around and inside JSON are repaired under --repair', async () => {
    const r = await cli(['validate', '--schema', 'order.json', '--data', 'smart.txt', '--extract', '--repair'], { cwd: dir });
    expect(r.stdout).toMatch(/repaired: smart quotes/);
    expect(r.stdout).toMatch(/^1 passed \(1 repaired\), 0 failed$/m);
    expect(r.code).toBe(0);
  });

  it('--envelope openai-chat: a refusal is refused, a cut-off reply is truncated (not repaired into a pass)', async () => {
    const r = await cli(['validate', '--schema', 'weather.json', '--data', 'chat.jsonl', '--envelope', 'openai-chat', '--repair', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.outcomes).toMatchObject({ valid: 1, refused: 1, truncated: 1, unreadable: 0 });
    const forced = await cli(['validate', '--schema', 'weather.json', '--data', 'chat.jsonl', '--envelope', 'openai-chat', '--repair-truncated'], { cwd: dir });
    expect(forced.stdout).toMatch(/^2 passed \(1 repaired\), 1 failed/m);
  });

  it('--field reads an object-valued field (tool_use.input) without --extract', async () => {
    const r = await cli(['validate', '--schema', 'weather.json', '--data', 'tools.jsonl', '--field', 'content.0.input'], { cwd: dir });
    expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(r.code).toBe(0);
  });

  it('a prompt subject: replies are validated against its output schema; export takes it', async () => {
    const r = await cli(['validate', 'app.title', '--data', 'reply.txt', '--extract'], { cwd: dir });
    expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(r.code).toBe(0);
    const e = await cli(['export', 'app.title', '--target', 'openai'], { cwd: dir });
    expect(e.code).toBe(0);
    const out = JSON.parse(e.stdout);
    expect(Object.keys(out.tool.function.parameters.properties)).toEqual(['topic']);
    expect(Object.keys(out.response_format.json_schema.schema.properties)).toEqual(['title', 'tags']);
    const a = await cli(['export', 'app.title', '--target', 'anthropic-strict', '--api', 'output'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).output_config.format.type).toBe('json_schema');
    const resp = await cli(['export', 'app.title', '--target', 'openai', '--api', 'responses'], { cwd: dir });
    expect(JSON.parse(resp.stdout).text.format.type).toBe('json_schema');
    expect((await cli(['export', 'app.title', '--target', 'gemini', '--api', 'responses'], { cwd: dir })).code).toBe(2);
  });

  it('100 mixed envelopes: exact outcome counts, and byte-exact --valid-out and --quarantine files', async () => {
    const args = ['validate', '--schema', path.join(ENV, 'weather.json'), '--data', path.join(ENV, 'mixed.jsonl'), '--envelope', 'auto'];
    const r = await cli([...args, '--valid-out', 'ok.jsonl', '--quarantine', 'bad.jsonl', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.outcomes).toEqual({ valid: 90, invalid: 5, refused: 3, truncated: 2, 'no-json': 0, unparseable: 0, unreadable: 0, timeout: 0 });
    const bad = readFileSync(path.join(dir, 'bad.jsonl'), 'utf8');
    expect(bad).toBe(readFileSync(path.join(ENV, 'mixed.quarantine.jsonl'), 'utf8'));
    const failing = new Set(
      bad
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { line: number }).line),
    );
    const input = readFileSync(path.join(ENV, 'mixed.jsonl'));
    const lines: Buffer[] = [];
    let from = 0;
    for (let i = input.indexOf(10), n = 1; i !== -1; from = i + 1, i = input.indexOf(10, from), n++)
      if (!failing.has(n)) lines.push(input.subarray(from, i + 1));
    expect(readFileSync(path.join(dir, 'ok.jsonl')).equals(Buffer.concat(lines))).toBe(true);
    expect(readFileSync(path.join(dir, 'ok.jsonl'), 'latin1')).toMatch(/\r\n/); // the CRLF line kept its bytes
  });

  it('bad input: an unknown envelope or a split of non-JSONL input is a usage error (exit 2, one line)', async () => {
    const r = await cli(['validate', '--schema', 'weather.json', '--data', 'chat.jsonl', '--envelope', 'cohere'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const t = await cli(['validate', '--schema', 'weather.json', '--data', 'think.txt', '--extract', '--quarantine', 'q.jsonl'], { cwd: dir });
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/think\.txt/);
  });
});

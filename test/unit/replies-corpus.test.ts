/**
 * fixtures/llm/replies.jsonl: raw model replies (fences, prose, tags, truncation, quotes, Python and JS
 * literals, comments, replies beyond repair) with the expected outcome under --repair, the repairs it
 * must report, and the outcome without repair.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateReplyText } from '../../src/core/reply.js';
import { jsonSchemaHandler } from '../../src/formats/jsonschema/handler.js';
import { REPO } from '../helpers.js';

interface Case {
  why: string;
  text: string;
  outcome: string;
  repaired: string[];
  /** The outcome without --repair (null: not asserted). */
  withoutRepair: string | null;
}

const CASES: Case[] = readFileSync(path.join(REPO, 'fixtures', 'llm', 'replies.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Case);

const schema = await jsonSchemaHandler.parse(
  JSON.stringify({ type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] }),
);
const validator = jsonSchemaHandler.compile(schema);

describe('reply corpus', () => {
  it('has at least 40 replies covering every outcome and every kind of repair', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.outcome))).toEqual(new Set(['valid', 'invalid', 'no-json', 'unparseable']));
    const repairs = new Set(CASES.flatMap((c) => c.repaired.map((r) => r.replace(/\d+ brackets?/, 'N'))));
    for (const r of [
      'trailing commas',
      'extra commas',
      'single quotes',
      'smart quotes',
      'full-width punctuation',
      'unquoted keys',
      'Python literals',
      'comments',
      'control characters in strings',
      'truncated: closed N',
    ]) {
      expect(repairs, r).toContain(r);
    }
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i + 1} ${c.why}`, () => {
      const r = validateReplyText(validator, c.text, { repair: true });
      expect({ outcome: r.outcome, repaired: r.repaired }).toEqual({ outcome: c.outcome, repaired: c.repaired });
      if (c.withoutRepair !== null) expect(validateReplyText(validator, c.text).outcome).toBe(c.withoutRepair);
      // a truncated reply is refused when truncation repair is off
      if (c.repaired.some((x) => x.startsWith('truncated'))) {
        expect(validateReplyText(validator, c.text, { repair: true, repairTruncated: false }).outcome).toBe('unparseable');
      }
    });
  }
});

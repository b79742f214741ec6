/**
 * Realistic schemas (fixtures/llm/schemas: nested, optional, enums, unions, $defs, recursive, maps,
 * formats, nullable, Pydantic- and zod-to-json-schema-shaped) exported for every target, with lint and
 * export agreeing on each. OpenAI strict exports go through the official `openai` package's
 * toStrictJsonSchema; Gemini exports, TypeScript types and Zod modules are type-checked by tsc against
 * @google/genai's and zod's types; Zod modules are run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { RefusedError } from '../../src/model/errors.js';
import { exportSchema, lintSchema, type ExportTarget, type LintTarget } from '../../src/providers/index.js';
import { REPO } from '../helpers.js';

const require = createRequire(import.meta.url);
const { toStrictJsonSchema } = require('openai/lib/transform') as { toStrictJsonSchema: (s: unknown) => unknown };

const DIR = path.join(REPO, 'fixtures', 'llm', 'schemas');
const CORPUS = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), schema: JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Record<string, unknown> }));

type Outcome = string;
/** What each export does with each corpus schema. */
const EXPECTED: Record<string, Record<'openai' | 'anthropic' | 'anthropic-strict' | 'gemini' | 'zod', Outcome>> = {
  'comment-thread': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'refused', zod: 'refused' },
  'get-weather': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'keywords-list': { openai: 'refused', anthropic: 'refused', 'anthropic-strict': 'refused', gemini: 'schema', zod: 'ok' },
  'meeting-formats': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'org-chart': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'refused', zod: 'refused' },
  'product-attributes': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'json', zod: 'ok' },
  'pydantic-invoice': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'review-constraints': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'root-ref-contact': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'shapes-union': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'support-ticket': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'pydantic-hero-ref': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'picoschema-enum': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'anthropic-constraints': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'gemini-nullable-recursion': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'refused', zod: 'refused' },
  'zod-recipe': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'allof-composition': { openai: 'refused', anthropic: 'refused', 'anthropic-strict': 'refused', gemini: 'schema', zod: 'ok' },
  'deep-nesting': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'if-then-else': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'linked-list-optional': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'json', zod: 'refused' },
  'map-only': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'json', zod: 'ok' },
  'mixed-enum': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'not-keyword': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'oneof-notification': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'pydantic-event-literal': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'pydantic-library-catalog': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'pydantic-order-discriminated': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'pydantic-settings-dict': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'json', zod: 'ok' },
  'root-array-entities': { openai: 'refused', anthropic: 'refused', 'anthropic-strict': 'refused', gemini: 'schema', zod: 'ok' },
  'tool-create-event': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'wide-form': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'zod-draft07-tuple': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'schema', zod: 'ok' },
  'zod-nullable-union': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
  'zod-point-tuple': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'json', zod: 'ok' },
  'zod-scores-record': { openai: 'non-strict', anthropic: 'ok', 'anthropic-strict': 'refused', gemini: 'json', zod: 'ok' },
  'zod-user-profile': { openai: 'strict', anthropic: 'ok', 'anthropic-strict': 'ok', gemini: 'schema', zod: 'ok' },
};

const TARGETS: ExportTarget[] = ['openai', 'anthropic', 'anthropic-strict', 'gemini', 'typescript', 'zod', 'generic'];

interface Exported {
  name: string;
  target: ExportTarget;
  outcome: Outcome;
  output?: unknown;
  notes: string[];
  refusal?: string;
}

async function exportAll(): Promise<Exported[]> {
  const out: Exported[] = [];
  for (const { name, schema } of CORPUS) {
    for (const target of TARGETS) {
      try {
        const r = await exportSchema(target, {
          schema,
          name: name.replace(/-/g, '_'),
          description: typeof schema.description === 'string' ? schema.description : 'x',
        });
        const o = r.output as Record<string, any>;
        const outcome =
          target === 'openai'
            ? o.tool.function.strict
              ? 'strict'
              : 'non-strict'
            : target === 'gemini'
              ? o.generationConfig.responseJsonSchema
                ? 'json'
                : 'schema'
              : 'ok';
        out.push({ name, target, outcome, output: r.output, notes: r.notes });
      } catch (err) {
        expect(err).toBeInstanceOf(RefusedError);
        out.push({ name, target, outcome: 'refused', notes: [], refusal: (err as Error).message });
      }
    }
  }
  return out;
}

const exportsP = exportAll();
const tmp = (() => {
  const base = path.join(REPO, 'node_modules', '.cache');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, 'llm-corpus-'));
})();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('provider corpus', () => {
  it('holds the shapes the issue names, and every schema has expectations', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(EXPECTED).sort()).toEqual(CORPUS.map((c) => c.name));
  });

  it('exports every schema for every target with the expected outcome', async () => {
    const all = await exportsP;
    const got: Record<string, Record<string, Outcome>> = {};
    for (const e of all) if (e.target in EXPECTED[e.name]) (got[e.name] ??= {})[e.target] = e.outcome;
    expect(got).toEqual(EXPECTED);
    // typescript and generic export everything here (refs are local)
    expect(all.filter((e) => (e.target === 'typescript' || e.target === 'generic') && e.outcome !== 'ok')).toEqual([]);
  });

  it('lint and export agree: errors exactly when the export refuses, goes non-strict or loses a constraint', async () => {
    const all = await exportsP;
    const pairs: Array<[LintTarget, ExportTarget]> = [
      ['openai', 'openai'],
      ['anthropic', 'anthropic'],
      ['anthropic-strict', 'anthropic-strict'],
      ['gemini', 'gemini'],
    ];
    const disagreements: string[] = [];
    for (const { name, schema } of CORPUS) {
      for (const [lt, et] of pairs) {
        const findings = lintSchema(schema, lt);
        const errors = findings.filter((f) => f.severity === 'error');
        const e = all.find((x) => x.name === name && x.target === et)!;
        const degraded = e.outcome === 'refused' || e.outcome === 'non-strict' || e.notes.some((n) => /drops|ignores/.test(n));
        if (errors.length > 0 !== degraded) disagreements.push(`${name} ${lt}: ${errors.length} errors, export ${e.outcome} ${e.notes.join(' | ')}`);
        // what lint notes as rewritten, the export says it rewrote
        if (e.outcome === 'strict') {
          const notes = e.notes.join('\n');
          for (const f of findings.filter((x) => x.severity === 'note')) {
            const said: Record<string, RegExp> = {
              'openai/all-required': /made required and nullable/,
              'openai/additional-properties-false': /closed with additionalProperties: false/,
              'openai/one-of': /oneOf rewritten as anyOf/,
              'openai/allof-single': /one-branch allOf flattened/,
              'openai/root-ref': /root \$ref .* inlined/,
              'openai/dropped-annotation': /annotations dropped/,
              'openai/enum-type': /enum\/const without type given the type of its values/,
              'openai/ref-inlined': /with a description or title beside it inlined/,
              'openai/moved-to-description': /moved into the description/,
            };
            if (!said[f.rule]?.test(notes)) disagreements.push(`${name}: lint notes ${f.rule} at ${f.pointer}, export does not say so`);
          }
        }
        if (e.outcome === 'json' && !findings.some((f) => f.rule === 'gemini/map-object' || f.rule === 'gemini/recursive-schema' || f.rule === 'gemini/tuple'))
          disagreements.push(`${name}: gemini JSON form without a lint note`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("every strict OpenAI export passes the openai package's toStrictJsonSchema unchanged", async () => {
    const strict = (await exportsP).filter((e) => e.target === 'openai' && e.outcome === 'strict');
    expect(strict.length).toBeGreaterThanOrEqual(7);
    for (const e of strict) {
      const o = e.output as { tool: { function: { parameters: unknown } }; response_format: { json_schema: { schema: unknown } } };
      expect(o.tool.function.parameters).toEqual(o.response_format.json_schema.schema);
      let sdk: unknown;
      expect(() => (sdk = toStrictJsonSchema(o.tool.function.parameters)), e.name).not.toThrow();
      expect(sdk, e.name).toEqual(o.tool.function.parameters);
    }
  });

  it("every Anthropic strict export is a fixed point of the Anthropic SDK's transformJSONSchema", async () => {
    // @anthropic-ai/sdk (devDependency): the transform jsonSchemaOutputFormat and strict tools apply.
    const { transformJSONSchema } = require('@anthropic-ai/sdk/lib/transform-json-schema') as { transformJSONSchema: (s: unknown) => unknown };
    const strict = (await exportsP).filter((e) => e.target === 'anthropic-strict' && e.outcome === 'ok');
    expect(strict.length).toBeGreaterThanOrEqual(9);
    for (const e of strict) {
      const schema = (e.output as { input_schema: unknown }).input_schema;
      expect(transformJSONSchema(schema), e.name).toEqual(schema);
    }
  });

  it("the SDK's helper rejects the schemas the export refuses for OpenAI", () => {
    for (const { name, schema } of CORPUS.filter((c) => EXPECTED[c.name].openai === 'refused')) {
      // a root typed other than object fails the root check; a typeless allOf root (allof-composition) fails
      // on its first open or optional member, or on the allOf the helper cannot merge
      if (typeof schema.type === 'string') expect(() => toStrictJsonSchema(schema), name).toThrow(/Root schema must have type: 'object'/);
      else expect(() => toStrictJsonSchema(schema), name).toThrow(/without `.nullable\(\)`|cannot be merged/);
    }
  });

  it("Gemini exports, TypeScript types and Zod modules type-check against @google/genai's and zod's types", async () => {
    const all = await exportsP;
    const files: string[] = [];
    let gem = "import { Type, type FunctionDeclaration, type GenerateContentConfig } from '@google/genai';\n";
    for (const [i, e] of all.filter((x) => x.target === 'gemini' && x.outcome !== 'refused').entries()) {
      const o = e.output as { functionDeclaration?: unknown; generationConfig: unknown };
      const lit = (v: unknown) => JSON.stringify(v, null, 1).replace(/"type": "([A-Z]+)"/g, 'type: Type.$1');
      if (o.functionDeclaration) gem += `export const f${i}: FunctionDeclaration = ${lit(o.functionDeclaration)};\n`;
      gem += `export const c${i}: GenerateContentConfig = ${lit(o.generationConfig)};\n`;
    }
    writeFileSync(path.join(tmp, 'gemini.ts'), gem);
    files.push('gemini.ts');
    for (const e of all.filter((x) => (x.target === 'typescript' || x.target === 'zod') && x.outcome === 'ok')) {
      const f = `${e.target}-${e.name}.ts`;
      writeFileSync(path.join(tmp, f), e.output as string);
      files.push(f);
    }
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    let out = '';
    try {
      execFileSync(
        process.execPath,
        [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', ...files],
        { cwd: tmp, encoding: 'utf8' },
      );
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(out).toBe('');
  }, 120_000);

  it('Zod modules run: a reply the schema accepts parses, one it rejects does not', async () => {
    const all = await exportsP;
    const samples: Record<string, { ok: unknown; bad: unknown }> = {
      'support-ticket': {
        ok: { customer: { name: 'Ada' }, category: 'bug', summary: 'It crashes' },
        bad: { customer: { name: 'Ada' }, category: 'spam', summary: 'x' },
      },
      'pydantic-invoice': {
        ok: {
          number: 'F-1',
          issued: '2025-01-31',
          seller: { name: 'S' },
          buyer: { name: 'B', vat_id: null },
          lines: [{ description: 'x', quantity: 1, unit_price: 2 }],
        },
        bad: { number: 'F-1', issued: '2025-01-31', seller: { name: 'S' }, buyer: { name: 'B' }, lines: [{ description: 'x', quantity: 1.5, unit_price: 2 }] },
      },
      'shapes-union': { ok: { shapes: [{ kind: 'circle', radius: 1 }] }, bad: { shapes: [{ kind: 'circle', width: 1 }] } },
      'tool-create-event': {
        ok: { title: 'Sync', start: '2025-03-01T10:00:00Z', duration_minutes: 30, room: 'B204', attendees: ['a@example.com'] },
        bad: { title: 'Sync', start: '2025-03-01T10:00:00Z', duration_minutes: 30, room: 'b204', attendees: ['a@example.com'] },
      },
      'pydantic-order-discriminated': {
        ok: { order_id: 'o1', status: 'paid', payment: { method: 'card', last4: '4242' }, placed_at: '2025-03-01T10:00:00Z' },
        bad: { order_id: 'o1', status: 'lost', payment: { method: 'card', last4: '4242' }, placed_at: '2025-03-01T10:00:00Z' },
      },
      'zod-nullable-union': {
        ok: { query: 'q', limit: 10, cursor: null, filter: null, value: true },
        bad: { query: 'q', limit: 1000, cursor: null, filter: null, value: true },
      },
      // prefixItems (2020-12) reaches json-schema-to-zod as a draft-07 items array: a tuple, not z.array(z.any())
      'zod-point-tuple': { ok: { label: 'a', point: [1, 2] }, bad: { label: 'a', point: [1, 'x'] } },
      'mixed-enum': { ok: { name: 'mode', value: 0 }, bad: { name: 'mode', value: 'manual' } },
      'wide-form': {
        ok: Object.fromEntries(
          [...Array(60).keys()].filter((i) => (i + 1) % 3).map((i) => [`field_${String(i + 1).padStart(2, '0')}`, ['x', 1, 1.5, false][(i + 1) % 4]]),
        ),
        bad: {},
      },
    };
    for (const [name, s] of Object.entries(samples)) {
      const e = all.find((x) => x.name === name && x.target === 'zod')!;
      // the module is TypeScript: transpile it the way a user's build would
      const js = ts.transpileModule(e.output as string, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const file = path.join(tmp, `run-${name}.mjs`);
      writeFileSync(file, js);
      const mod = (await import(pathToFileURL(file).href)) as Record<string, { safeParse: (v: unknown) => { success: boolean } }>;
      const schema = Object.values(mod)[0];
      expect(schema.safeParse(s.ok).success, name).toBe(true);
      expect(schema.safeParse(s.bad).success, name).toBe(false);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { lintSchema, PROFILES, type LintTarget, type SchemaContext } from '../../src/providers/index.js';

type S = Record<string, unknown>;
/** A strict object: every property required, closed. */
const obj = (properties: S, extra: S = {}): S => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra });
const str = (extra: S = {}): S => ({ type: 'string', description: 'd', ...extra });
const nest = (levels: number): S => (levels === 1 ? obj({ leaf: str() }) : obj({ child: nest(levels - 1) }));
const many = (n: number, make: (i: number) => S = () => str()): S => obj(Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, make(i)])));

interface Case {
  rule: string;
  fail: unknown;
  pass: unknown;
  context?: SchemaContext;
}

const CASES: Partial<Record<LintTarget | 'generic', Case[]>> = {
  openai: [
    { rule: 'openai/root-object', fail: { anyOf: [obj({ a: str() }), obj({ b: str() })] }, pass: obj({ a: str() }) },
    { rule: 'openai/all-required', fail: { ...obj({ a: str(), b: str() }), required: ['a'] }, pass: obj({ a: str(), b: str({ type: ['string', 'null'] }) }) },
    { rule: 'openai/additional-properties-false', fail: obj({ a: obj({ b: str() }, { additionalProperties: true }) }), pass: obj({ a: obj({ b: str() }) }) },
    {
      rule: 'openai/map-object',
      fail: obj({ m: { type: 'object', additionalProperties: { type: 'number' } } }),
      pass: obj({ m: obj({ a: { type: 'number' } }) }),
    },
    { rule: 'openai/no-composition', fail: obj({ a: { allOf: [str(), { pattern: 'x' }] } }), pass: obj({ a: { anyOf: [str(), { type: 'null' }] } }) },
    { rule: 'openai/one-of', fail: obj({ a: { oneOf: [str(), { type: 'number' }] } }), pass: obj({ a: { anyOf: [str(), { type: 'number' }] } }) },
    {
      rule: 'openai/allof-single',
      fail: { ...obj({ a: { allOf: [{ $ref: '#/$defs/a' }], description: 'd' } }), $defs: { a: str() } },
      pass: { ...obj({ a: { $ref: '#/$defs/a', description: 'd' } }), $defs: { a: str() } },
    },
    { rule: 'openai/root-ref', fail: { $ref: '#/$defs/A', $defs: { A: obj({ a: str() }) } }, pass: obj({ a: str() }) },
    { rule: 'openai/dropped-annotation', fail: obj({ a: str({ default: 'x' }) }), pass: obj({ a: str() }) },
    { rule: 'openai/array-items', fail: obj({ a: { type: 'array', description: 'd' } }), pass: obj({ a: { type: 'array', items: str() } }) },
    {
      rule: 'openai/ref-siblings',
      fail: { ...obj({ a: { $ref: '#/$defs/a', maxLength: 3 } }), $defs: { a: str() } },
      pass: { ...obj({ a: { $ref: '#/$defs/a', title: 't' } }), $defs: { a: str() } },
    },
    { rule: 'openai/unsupported-keyword', fail: obj({ a: str({ minProperties: 1 }) }), pass: obj({ a: str({ pattern: '^[a-z]+$' }) }) },
    { rule: 'openai/moved-to-description', fail: obj({ a: str({ maxLength: 10 }) }), pass: obj({ a: str({ pattern: '^[a-z]+$' }) }) },
    {
      rule: 'openai/ref-inlined',
      fail: { ...obj({ hero: { $ref: '#/$defs/H', description: 'x' } }), $defs: { H: obj({ t: str() }) } },
      pass: { ...obj({ hero: { $ref: '#/$defs/H' } }), $defs: { H: obj({ t: str() }) } },
    },
    { rule: 'openai/enum-type', fail: obj({ u: { enum: ['c', 'f'] } }), pass: obj({ u: { type: 'string', enum: ['c', 'f'] } }) },
    { rule: 'openai/unsupported-format', fail: obj({ a: str({ format: 'uri' }) }), pass: obj({ a: str({ format: 'date-time' }) }) },
    { rule: 'openai/type-required', fail: obj({ a: { description: 'anything' } }), pass: obj({ a: { description: 'one of', enum: ['x', 'y'] } }) },
    {
      rule: 'openai/external-ref',
      fail: obj({ a: { $ref: 'https://example.com/a.json' } }),
      pass: { ...obj({ a: { $ref: '#/$defs/a' } }), $defs: { a: str() } },
    },
    { rule: 'openai/max-depth', fail: nest(11), pass: nest(10) },
    { rule: 'openai/max-properties', fail: many(5001), pass: many(5000) },
    {
      rule: 'openai/max-enum-values',
      fail: many(11, () => str({ enum: Array.from({ length: 100 }, (_, i) => `v${i}`) })),
      pass: many(10, () => str({ enum: Array.from({ length: 100 }, (_, i) => `v${i}`) })),
    },
    {
      rule: 'openai/large-enum-chars',
      fail: obj({ a: str({ enum: Array.from({ length: 251 }, (_, i) => `${'x'.repeat(60)}${i}`) }) }),
      pass: obj({ a: str({ enum: Array.from({ length: 250 }, (_, i) => `${'x'.repeat(60)}${i}`) }) }),
    },
    {
      rule: 'openai/max-string-chars',
      fail: many(600, (i) => str({ const: `${'c'.repeat(200)}${i}` })),
      pass: many(500, (i) => str({ const: `${'c'.repeat(200)}${i}` })),
    },
  ],
  'openai-finetuned': [{ rule: 'openai/fine-tuned-keyword', fail: obj({ a: str({ pattern: '^a' }) }), pass: obj({ a: str() }) }],
  anthropic: [
    { rule: 'anthropic/root-object', fail: { type: 'array', items: str() }, pass: { type: 'object', properties: { a: { type: 'string', maxLength: 3 } } } },
  ],
  'anthropic-strict': [
    {
      rule: 'anthropic/map-object',
      fail: obj({ m: { type: 'object', additionalProperties: { type: 'number' } } }),
      pass: obj({ m: obj({ a: { type: 'number' } }) }),
    },
    { rule: 'anthropic/additional-properties-false', fail: { type: 'object', properties: { a: str() } }, pass: obj({ a: str() }) },
    {
      rule: 'anthropic/moved-to-description',
      fail: obj({
        n: { type: 'integer', minimum: 1 },
        l: { type: 'array', items: str(), minItems: 2 },
        a: str({ format: 'regex', pattern: '^(?=.*\\d)\\w+$' }),
      }),
      pass: obj({ n: { type: 'integer' }, l: { type: 'array', items: str(), minItems: 1 }, a: str({ format: 'uri' }) }),
    },
    { rule: 'anthropic/one-of', fail: obj({ a: { oneOf: [str(), { type: 'number' }] } }), pass: obj({ a: { anyOf: [str(), { type: 'number' }] } }) },
    { rule: 'anthropic/type-required', fail: obj({ a: { description: 'anything' } }), pass: obj({ a: { description: 'a string', type: 'string' } }) },
    {
      rule: 'anthropic/array-items',
      fail: obj({ a: { type: 'array', items: [str(), { type: 'number' }] } }),
      pass: obj({ a: { type: 'array', items: str() } }),
    },
    { rule: 'anthropic/enum-values', fail: obj({ a: { enum: [{ x: 1 }, 'y'] } }), pass: obj({ a: { enum: [1, 'y', null] } }) },
    {
      rule: 'anthropic/recursive-schema',
      fail: { ...obj({ root: { $ref: '#/$defs/node' } }), $defs: { node: obj({ kids: { type: 'array', items: { $ref: '#/$defs/node' } } }) } },
      pass: { ...obj({ root: { $ref: '#/$defs/node' } }), $defs: { node: obj({ name: str() }) } },
    },
    { rule: 'anthropic/external-ref', fail: obj({ a: { $ref: 'other.json' } }), pass: { ...obj({ a: { $ref: '#/$defs/a' } }), $defs: { a: str() } } },
    {
      rule: 'anthropic/allof-single',
      fail: { ...obj({ a: { allOf: [{ $ref: '#/$defs/a' }], description: 'd' } }), $defs: { a: str() } },
      pass: { ...obj({ a: { $ref: '#/$defs/a', description: 'd' } }), $defs: { a: str() } },
    },
    { rule: 'anthropic/root-ref', fail: { $ref: '#/$defs/A', $defs: { A: obj({ a: str() }) } }, pass: obj({ a: str() }) },
    {
      rule: 'anthropic/allof-ref',
      fail: { ...obj({ a: { allOf: [{ $ref: '#/$defs/a' }, { description: 'x' }] } }), $defs: { a: str() } },
      pass: obj({ a: { allOf: [str()] } }),
    },
    { rule: 'anthropic/max-optional', fail: { ...many(25), required: [] }, pass: { ...many(25), required: ['p0'] } },
    { rule: 'anthropic/max-unions', fail: many(17, () => ({ type: ['string', 'null'] })), pass: many(16, () => ({ type: ['string', 'null'] })) },
  ],
  gemini: [
    { rule: 'gemini/root-object', fail: { type: 'string' }, pass: { type: 'string' }, context: { kind: 'tool' } },
    { rule: 'gemini/parameter-name', fail: obj({ 'user-id': str() }), pass: obj({ user_id: str() }) },
    { rule: 'gemini/unsupported-keyword', fail: obj({ n: { type: 'number', multipleOf: 0.5 } }), pass: obj({ n: { type: 'number', minimum: 0 } }) },
    { rule: 'gemini/enum-values', fail: obj({ n: { type: 'integer', enum: [1, 2] } }), pass: obj({ n: { type: 'string', enum: ['1', '2'] } }) },
    {
      rule: 'gemini/map-object',
      fail: obj({ m: { type: 'object', additionalProperties: { type: 'number' } } }),
      pass: obj({ m: obj({ a: { type: 'number' } }) }),
    },
    {
      rule: 'gemini/json-unsupported-keyword',
      fail: obj({ m: { type: 'object', additionalProperties: { type: 'number', multipleOf: 2 } } }),
      pass: obj({ m: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } }),
    },
    {
      // Gemini allows recursion only within non-required properties: a required nullable one is not enough.
      rule: 'gemini/required-recursion',
      fail: { ...obj({ n: { $ref: '#/$defs/n' } }), $defs: { n: obj({ next: { anyOf: [{ $ref: '#/$defs/n' }, { type: 'null' }] } }) } },
      pass: { ...obj({ n: { $ref: '#/$defs/n' } }), $defs: { n: obj({ kids: { type: 'array', items: { $ref: '#/$defs/n' } } }, { required: [] }) } },
    },
    {
      rule: 'gemini/ref-siblings',
      fail: { ...obj({ n: { $ref: '#/$defs/n', description: 'the root' } }), $defs: { n: obj({ next: { $ref: '#/$defs/n' } }, { required: [] }) } },
      pass: { ...obj({ n: { $ref: '#/$defs/n' } }), $defs: { n: obj({ next: { $ref: '#/$defs/n' } }, { required: [] }) } },
    },
    { rule: 'gemini/one-of', fail: obj({ a: { oneOf: [str(), { type: 'number' }] } }), pass: obj({ a: { anyOf: [str(), { type: 'number' }] } }) },
    { rule: 'gemini/type-union', fail: obj({ a: { type: ['string', 'number'] } }), pass: obj({ a: { type: ['string', 'null'] } }) },
    { rule: 'gemini/unsupported-format', fail: obj({ a: str({ format: 'email' }) }), pass: obj({ a: str({ format: 'date-time' }) }) },
    {
      rule: 'gemini/tuple',
      fail: obj({ p: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] } }),
      pass: obj({ p: { type: 'array', items: { type: 'number' } } }),
    },
    {
      rule: 'gemini/recursive-schema',
      fail: { ...obj({ root: { $ref: '#/$defs/node' } }), $defs: { node: obj({ kids: { type: 'array', items: { $ref: '#/$defs/node' } } }) } },
      pass: { ...obj({ root: { $ref: '#/$defs/node' } }), $defs: { node: obj({ name: str() }) } },
    },
  ],
  generic: [
    {
      rule: 'generic/property-description',
      fail: obj({ a: { type: 'string', maxLength: 5 } }),
      pass: obj({ a: { type: 'string', maxLength: 5, description: 'what a is' } }),
    },
    { rule: 'generic/open-response', fail: { type: 'object', properties: { a: str() } }, pass: obj({ a: str() }), context: { kind: 'response' } },
    { rule: 'generic/unbounded-string', fail: obj({ q: str() }), pass: obj({ q: str({ maxLength: 200 }) }), context: { kind: 'tool' } },
  ],
};

/** Profiles shared by two lint targets: the rules are split between them. */
const OPENAI: Array<LintTarget> = ['openai', 'openai-finetuned'];
const ANTHROPIC: Array<LintTarget> = ['anthropic', 'anthropic-strict'];
const SHARED: Record<string, Array<LintTarget | 'generic'>> = {
  openai: OPENAI,
  'openai-finetuned': OPENAI,
  anthropic: ANTHROPIC,
  'anthropic-strict': ANTHROPIC,
};

for (const [target, cases] of Object.entries(CASES) as Array<[LintTarget | 'generic', Case[]]>) {
  describe(`lint rules: ${target}`, () => {
    for (const c of cases) {
      it(`${c.rule}: reports the failing schema, not the passing one`, () => {
        const t = target === 'generic' ? undefined : target;
        const failing = lintSchema(c.fail, t, c.context).filter((f) => f.rule === c.rule);
        // the gemini root-object case differs by kind: a string root is fine for a response schema
        const passing =
          c.rule === 'gemini/root-object'
            ? lintSchema(c.pass, t, { kind: 'response' }).filter((f) => f.rule === c.rule)
            : lintSchema(c.pass, t, c.context).filter((f) => f.rule === c.rule);
        expect(failing.length, JSON.stringify(lintSchema(c.fail, t, c.context))).toBeGreaterThan(0);
        expect(failing[0].severity).toBe(PROFILES[target].rules[c.rule as never]['severity']);
        expect(typeof failing[0].pointer).toBe('string');
        expect(passing).toEqual([]);
      });
    }

    it('every rule of the profile has a case, and the profile is dated', () => {
      const shared = SHARED[target];
      if (!shared) expect(Object.keys(PROFILES[target].rules).sort()).toEqual(cases.map((c) => c.rule).sort());
      else expect(Object.keys(PROFILES[target].rules).sort()).toEqual(shared.flatMap((t) => CASES[t]!.map((c) => c.rule)).sort());
      expect(PROFILES[target].asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
  });
}

describe('lint locations', () => {
  it('names the JSON pointer of the offending keyword', () => {
    const f = lintSchema(obj({ a: obj({ b: str({ maxLength: 3 }) }) }), 'openai');
    expect(f).toEqual([
      {
        rule: 'openai/moved-to-description',
        severity: 'note',
        pointer: '/properties/a/properties/b/maxLength',
        message: "'maxLength' is moved into the description (strict mode does not accept it); validate --target openai still checks it",
      },
    ]);
  });

  it('a fully strict schema passes OpenAI and Anthropic with no findings', () => {
    const s = { ...obj({ name: str(), tags: { type: 'array', items: str() }, addr: { $ref: '#/$defs/addr' } }), $defs: { addr: obj({ city: str() }) } };
    expect(lintSchema(s, 'openai')).toEqual([]);
    expect(lintSchema(s, 'anthropic')).toEqual([]);
    expect(lintSchema(s, 'anthropic-strict')).toEqual([]);
  });

  it('notes point into the schema as written, not the rewritten one', () => {
    const s = {
      $ref: '#/$defs/Order',
      $defs: {
        Order: { type: 'object', properties: { note: { allOf: [{ $ref: '#/$defs/Note' }], description: 'd', default: null } } },
        Note: { type: 'string' },
      },
    };
    const f = lintSchema(s, 'openai').map((x) => `${x.severity} ${x.rule} ${x.pointer}`);
    expect(f).toEqual(
      [
        'note openai/dropped-annotation /$defs/Order/properties/note/default',
        'note openai/allof-single /$defs/Order/properties/note/allOf',
        'note openai/additional-properties-false /$defs/Order',
        'note openai/all-required /$defs/Order/required',
        'note openai/root-ref /$ref',
      ].sort((a, b) => (a.split(' ')[2] < b.split(' ')[2] ? -1 : a.split(' ')[2] > b.split(' ')[2] ? 1 : a < b ? -1 : 1)),
    );
  });
});

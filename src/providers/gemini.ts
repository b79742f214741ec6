/**
 * Google Gemini: function declarations and response schemas in Gemini's `Schema` (a subset of the
 * OpenAPI 3.0 schema object), falling back to `parametersJsonSchema` / `responseJsonSchema` (JSON
 * Schema as is) when the schema cannot be expressed there (recursive or external $refs).
 */
import { childSchemas, mapSchema } from '../formats/jsonschema/walk.js';
import { isObject, isObjectSchema, recursiveRefs, resolveLocalRef, toolName, typesOf, walkSchema, withoutIdentity, type JsonObject } from './schema.js';
import { RefusedError } from '../model/errors.js';
import type { ExportInput, ExportResult, LintFinding, ProviderProfile, SchemaContext } from './types.js';

/**
 * Gemini API function calling and structured output, as documented (FunctionDeclaration, Schema,
 * structured output guide) on 2025-11-15. Gemini documents no numeric limits: very large or deep
 * schemas are rejected at request time with a 400, so none are checked here.
 */
export const GEMINI_PROFILE = {
  provider: 'gemini',
  asOf: '2025-11-15',
  source: 'Gemini API reference: FunctionDeclaration and Schema; structured output guide',
  /** Function names: start with a letter or '_', then letters, digits, '_', '.', ':', '-'; at most 64. */
  namePattern: /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/,
  /** Parameter (top-level property) names. */
  parameterNamePattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
  /** Schema fields Gemini accepts (OpenAPI subset), besides type. */
  fields: [
    'format',
    'title',
    'description',
    'nullable',
    'enum',
    'maxItems',
    'minItems',
    'properties',
    'required',
    'minProperties',
    'maxProperties',
    'minLength',
    'maxLength',
    'pattern',
    'example',
    'anyOf',
    'propertyOrdering',
    'default',
    'items',
    'minimum',
    'maximum',
  ],
  /**
   * Keywords responseJsonSchema / parametersJsonSchema honour (the JSON Schema subset listed in the structured
   * output guide, "JSON Schema support", as of 2025-11-15); other keywords are accepted but ignored.
   */
  jsonKeywords: [
    '$id',
    '$defs',
    'definitions',
    '$ref',
    '$anchor',
    '$schema',
    'type',
    'format',
    'title',
    'description',
    'enum',
    'const',
    'items',
    'prefixItems',
    'minItems',
    'maxItems',
    'minimum',
    'maximum',
    'anyOf',
    'oneOf',
    'properties',
    'additionalProperties',
    'required',
    'propertyOrdering',
    'default',
    'examples',
    '$comment',
    'nullable',
  ],
  formats: { string: ['enum', 'date-time'], number: ['float', 'double'], integer: ['int32', 'int64'] } as Record<string, readonly string[]>,
  unsupported: [
    'allOf',
    'not',
    'if',
    'then',
    'else',
    'dependentRequired',
    'dependentSchemas',
    'dependencies',
    'patternProperties',
    'propertyNames',
    'unevaluatedProperties',
    'unevaluatedItems',
    'contains',
    'minContains',
    'maxContains',
    'prefixItems',
    'additionalItems',
    'uniqueItems',
    'multipleOf',
    'exclusiveMinimum',
    'exclusiveMaximum',
  ],
  rules: {
    'gemini/root-object': { severity: 'error', purpose: 'function parameters must be an object schema' },
    'gemini/parameter-name': { severity: 'error', purpose: 'parameter names start with a letter or _ and hold only letters, digits and _ (at most 64)' },
    'gemini/unsupported-keyword': { severity: 'error', purpose: 'keywords outside the OpenAPI subset cannot be expressed (the constraint would be lost)' },
    'gemini/enum-values': { severity: 'error', purpose: 'enum values must be strings' },
    'gemini/map-object': {
      severity: 'note',
      purpose: 'a map (additionalProperties as a schema) cannot be expressed in responseSchema; the export uses responseJsonSchema / parametersJsonSchema',
    },
    'gemini/json-unsupported-keyword': { severity: 'error', purpose: 'responseJsonSchema ignores keywords outside its subset (the constraint would be lost)' },
    'gemini/required-recursion': {
      severity: 'error',
      purpose:
        'recursion is allowed only within non-required properties (a nullable or array-valued required property is not enough); Gemini rejects it otherwise',
    },
    'gemini/ref-siblings': {
      severity: 'note',
      purpose: 'responseJsonSchema allows no other keywords beside $ref: the export wraps the $ref in a one-branch anyOf beside them',
    },
    'gemini/one-of': { severity: 'warning', purpose: 'oneOf is sent as anyOf; exclusivity is not enforced' },
    'gemini/type-union': { severity: 'warning', purpose: 'a type array with several types is sent as anyOf' },
    'gemini/unsupported-format': { severity: 'warning', purpose: 'formats other than the documented ones are dropped' },
    'gemini/recursive-schema': { severity: 'note', purpose: 'recursive $refs cannot be inlined; the export uses parametersJsonSchema / responseJsonSchema' },
    'gemini/tuple': {
      severity: 'note',
      purpose: 'a tuple (prefixItems) cannot be expressed in responseSchema; the export uses parametersJsonSchema / responseJsonSchema, which honour it',
    },
  },
} as const satisfies ProviderProfile & Record<string, unknown>;

type Rule = keyof typeof GEMINI_PROFILE.rules;

/** Does the OpenAPI subset (responseSchema / parameters) fail to express this schema (maps, external or recursive $refs, tuples), so the export uses the JSON Schema form? */
export function needsJsonForm(schema: unknown): boolean {
  let map = false;
  walkSchema(schema, (v) => {
    if (isObject(v.schema.additionalProperties) || (typeof v.schema.$ref === 'string' && !v.schema.$ref.startsWith('#')) || Array.isArray(v.schema.prefixItems))
      map = true;
  });
  return map || recursiveRefs(schema).length > 0;
}

/**
 * What the Gemini export loses. `gemini` lints the form the export picks (responseSchema, or the JSON
 * Schema form when maps or recursion need it); `gemini-json` always the JSON Schema form.
 */
export function lintGemini(schema: unknown, context: SchemaContext = {}, options: { json?: boolean } = {}): LintFinding[] {
  const P = GEMINI_PROFILE;
  const out: LintFinding[] = [];
  const add = (rule: Rule, pointer: string, message: string) => out.push({ rule, severity: P.rules[rule].severity, pointer, message });
  const asFunction = context.kind !== 'response';
  if (context.kind === 'tool' && (!isObject(schema) || !isObjectSchema(schema) || typesOf(schema).some((t) => t !== 'object'))) {
    add('gemini/root-object', '', 'function parameters must be { "type": "object" }');
  }
  if (!isObject(schema)) return out;
  if (asFunction && isObject(schema.properties)) {
    for (const k of Object.keys(schema.properties)) {
      if (!P.parameterNamePattern.test(k))
        add(
          'gemini/parameter-name',
          `/properties/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          `parameter name '${k}' is not allowed (letters, digits and _, starting with a letter or _)`,
        );
    }
  }
  for (const p of requiredCycles(schema))
    add('gemini/required-recursion', p, 'this schema recurses through required properties; Gemini allows recursion only within non-required properties');
  const json = options.json || needsJsonForm(schema);
  walkSchema(schema, (v) => {
    const s = v.schema;
    const p = v.pointer;
    if (json) {
      for (const k of Object.keys(s)) {
        if ((P.jsonKeywords as readonly string[]).includes(k)) continue;
        if (k === 'allOf' && Array.isArray(s.allOf) && s.allOf.length === 1) continue;
        if (k === 'items' || k === 'additionalProperties') continue;
        if (/^x-/.test(k)) continue;
        add('gemini/json-unsupported-keyword', `${p}/${k}`, `'${k}' is ignored by responseJsonSchema; the constraint would be lost`);
      }
      if (typeof s.$ref === 'string' && refSiblings(s).length)
        add(
          'gemini/ref-siblings',
          `${p}/$ref`,
          `${refSiblings(s)
            .map((k) => `'${k}'`)
            .join(', ')} beside $ref: the export wraps the $ref in a one-branch anyOf`,
        );
      if (Array.isArray(s.prefixItems) && !options.json)
        add('gemini/tuple', `${p}/prefixItems`, 'a tuple cannot be expressed in responseSchema; exported as responseJsonSchema / parametersJsonSchema');
      if (isObject(s.additionalProperties) && !options.json)
        add(
          'gemini/map-object',
          `${p}/additionalProperties`,
          'a map cannot be expressed in responseSchema; exported as responseJsonSchema / parametersJsonSchema',
        );
      return;
    }
    for (const k of P.unsupported) {
      if (!(k in s)) continue;
      if (k === 'allOf' && Array.isArray(s.allOf) && s.allOf.length === 1) continue; // merged by the export
      add('gemini/unsupported-keyword', `${p}/${k}`, `'${k}' cannot be expressed in Gemini's schema`);
    }
    if (Array.isArray(s.items))
      add('gemini/unsupported-keyword', `${p}/items`, "tuple-form items (an array of schemas) cannot be expressed in Gemini's schema");
    if (Array.isArray(s.enum) && s.enum.some((e) => typeof e !== 'string' && e !== null)) add('gemini/enum-values', `${p}/enum`, 'enum values must be strings');
    if ('const' in s && typeof s.const !== 'string' && s.const !== null)
      add('gemini/enum-values', `${p}/const`, 'const must be a string (sent as a one-value enum)');
    if ('oneOf' in s) add('gemini/one-of', `${p}/oneOf`, 'oneOf is sent as anyOf; exclusivity is not enforced');
    const nonNull = typesOf(s).filter((t) => t !== 'null');
    if (nonNull.length > 1) add('gemini/type-union', `${p}/type`, `type [${nonNull.join(', ')}] is sent as anyOf`);
    if (typeof s.format === 'string') {
      const ok = nonNull.some((t) => (P.formats[t] ?? []).includes(s.format as string));
      if (!ok)
        add(
          'gemini/unsupported-format',
          `${p}/format`,
          `format '${s.format}' is dropped (supported: string ${P.formats.string.join('/')}, number ${P.formats.number.join('/')}, integer ${P.formats.integer.join('/')})`,
        );
    }
  });
  if (!options.json)
    for (const r of recursiveRefs(schema))
      add('gemini/recursive-schema', r.slice(1), `'${r}' refers to itself; the export falls back to JSON Schema (parametersJsonSchema / responseJsonSchema)`);
  return out;
}

/**
 * Local $ref targets that reach themselves through required properties only (each step a required
 * property whose schema is, or directly holds, a $ref): no finite value can satisfy them.
 */
export function requiredCycles(root: unknown): string[] {
  // Every subschema counts except the values of non-required properties (and definitions, reached through $refs).
  const edges = (s: unknown): string[] => {
    const out: string[] = [];
    const stack: Array<[unknown, string]> = [[s, '']];
    while (stack.length) {
      const [x, p] = stack.pop()!;
      if (!isObject(x)) continue;
      if (typeof x.$ref === 'string' && x.$ref.startsWith('#')) out.push(x.$ref);
      const req = new Set(Array.isArray(x.required) ? x.required : []);
      for (const [child, cp] of childSchemas(x, p)) {
        const rel = cp.slice(p.length);
        if (rel.startsWith('/$defs/') || rel.startsWith('/definitions/')) continue;
        if (rel.startsWith('/properties/') && !req.has(rel.slice('/properties/'.length).replace(/~1/g, '/').replace(/~0/g, '~'))) continue;
        stack.push([child, cp]);
      }
    }
    return out;
  };
  const found: string[] = [];
  const targets = new Set<string>(edges(root));
  for (const t of recursiveRefs(root)) targets.add(t);
  for (const t of targets) {
    const seen = new Set<string>();
    const stack = edges(t === '#' ? root : resolveLocalRef(root, t));
    while (stack.length) {
      const x = stack.pop()!;
      if (x === t) {
        found.push(t === '#' ? '' : t.slice(1));
        break;
      }
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...edges(x === '#' ? root : resolveLocalRef(root, x)));
    }
  }
  return [...new Set(found)].sort();
}

class CannotInline extends Error {}

const TYPES: Record<string, string> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
  null: 'NULL',
};

/**
 * Convert a JSON Schema to Gemini's Schema: local $refs inlined, `type: [T, "null"]` as `nullable`,
 * const as a one-value enum, oneOf as anyOf, `propertyOrdering` from the declared order. Keywords
 * with no equivalent are dropped and named in `dropped`. Throws CannotInline for recursive or
 * external $refs.
 */
export function toGeminiSchema(schema: unknown, dropped: Set<string> = new Set()): unknown {
  const root = schema;
  const onPath: string[] = [];
  const convert = (s: unknown): JsonObject => {
    if (s === true || (isObject(s) && Object.keys(s).length === 0)) {
      dropped.add('an untyped (any) schema');
      return {};
    }
    if (!isObject(s)) {
      dropped.add('a false schema');
      return {};
    }
    if (typeof s.$ref === 'string') {
      const ref = s.$ref;
      if (!ref.startsWith('#') || onPath.includes(ref)) throw new CannotInline(ref);
      const target = resolveLocalRef(root, ref);
      if (target === undefined) throw new CannotInline(ref);
      onPath.push(ref);
      const inner = convert(target);
      onPath.pop();
      const { $ref: _r, ...siblings } = s;
      if (Object.keys(siblings).length === 0) return inner;
      return { ...inner, ...convert(siblings) };
    }
    const out: JsonObject = {};
    let ts = typesOf(s);
    let nullable = ts.includes('null');
    ts = ts.filter((t) => t !== 'null');
    let anyOf: unknown[] | undefined = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
    if (Array.isArray(s.allOf) && s.allOf.length === 1 && isObject(s.allOf[0])) {
      const { allOf: _a, ...rest } = s;
      return convert({ ...s.allOf[0], ...rest });
    }
    if (anyOf) {
      const branches = anyOf.filter((b) => !(isObject(b) && typesOf(b).length === 1 && typesOf(b)[0] === 'null'));
      if (branches.length < anyOf.length) nullable = true;
      anyOf = branches;
    }
    if (ts.length === 0) {
      if (Array.isArray(s.enum) || typeof s.const === 'string') ts = ['string'];
      else if (isObject(s.properties)) ts = ['object'];
      else if (s.items !== undefined) ts = ['array'];
    }
    if (ts.length > 1) {
      const { type: _t, ...rest } = s;
      anyOf = ts.map((t) => ({ ...rest, type: t }));
      ts = [];
    }
    if (ts.length === 1) out.type = TYPES[ts[0]] ?? ts[0].toUpperCase();
    if (typeof s.title === 'string') out.title = s.title;
    if (typeof s.description === 'string') out.description = s.description;
    if (nullable) out.nullable = true;
    if (Array.isArray(s.enum)) {
      const values = s.enum.filter((e) => e !== null);
      if (values.every((e) => typeof e === 'string')) out.enum = values;
      else dropped.add('enum (non-string values)');
      if (s.enum.includes(null)) out.nullable = true;
    }
    if ('const' in s) {
      if (typeof s.const === 'string') out.enum = [s.const];
      else dropped.add('const (not a string)');
    }
    if (typeof s.format === 'string') {
      if (ts.length === 1 && (GEMINI_PROFILE.formats[ts[0]] ?? []).includes(s.format)) out.format = s.format;
      else dropped.add(`format '${s.format}'`);
    }
    // int64 fields: strings in the API's JSON mapping (and in @google/genai's Schema type).
    for (const k of ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const) {
      if (typeof s[k] === 'number') out[k] = String(s[k]);
    }
    for (const k of ['minimum', 'maximum', 'pattern', 'default'] as const) {
      if (k in s) out[k] = s[k];
    }
    if (Array.isArray(s.examples) && s.examples.length) out.example = s.examples[0];
    if (isObject(s.properties)) {
      const props: JsonObject = {};
      for (const [k, v] of Object.entries(s.properties)) props[k] = convert(v);
      out.properties = props;
      const names = Object.keys(props);
      if (Array.isArray(s.required)) {
        const req = s.required.filter((r): r is string => typeof r === 'string' && names.includes(r));
        if (req.length) out.required = req;
      }
      if (names.length > 1) out.propertyOrdering = names;
    }
    if (isObject(s.items) || s.items === true) out.items = convert(s.items);
    else if (Array.isArray(s.items)) dropped.add('items (tuple form)');
    if (anyOf) {
      const conv = anyOf.map(convert);
      if (conv.length === 1 && out.type === undefined) Object.assign(out, conv[0], out.nullable ? { nullable: true } : {});
      else if (conv.length) out.anyOf = conv;
      if ('oneOf' in s) dropped.add('oneOf (sent as anyOf)');
    }
    if (isObject(s.additionalProperties)) dropped.add('additionalProperties (a map)');
    for (const k of GEMINI_PROFILE.unsupported) {
      if (k in s && !(k === 'allOf' && Array.isArray(s.allOf) && s.allOf.length === 1)) dropped.add(k);
    }
    return out;
  };
  return convert(schema);
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: unknown;
  parametersJsonSchema?: unknown;
}

export interface GeminiExport {
  /** Absent when the root is not an object (function parameters must be one). */
  functionDeclaration?: GeminiFunctionDeclaration;
  generationConfig: { responseMimeType: 'application/json'; responseSchema?: unknown; responseJsonSchema?: unknown };
}

/**
 * A function declaration and a generationConfig with the response schema, in Gemini's Schema; when
 * the schema cannot be inlined (recursive or external $refs), as JSON Schema (parametersJsonSchema,
 * responseJsonSchema) instead.
 */
export function exportGemini(input: ExportInput): ExportResult<GeminiExport> {
  const notes: string[] = [];
  const name = toolName(input.name, { mustStartWithLetter: true });
  if (name !== input.name) notes.push(`name '${input.name}' is not a valid Gemini function name; using '${name}'`);
  const description = input.description ? { description: input.description } : {};
  const dropped = new Set<string>();
  const objectRoot = isObject(input.schema) && isObjectSchema(input.schema) && !typesOf(input.schema).some((t) => t !== 'object');
  if (!objectRoot) {
    if (input.kind === 'tool') throw new RefusedError('cannot export for Gemini: function parameters must be { "type": "object" }');
    notes.push('no functionDeclaration: function parameters must be an object; exported as a response schema only');
  }
  const cycles = requiredCycles(input.schema);
  if (cycles.length)
    throw new RefusedError(`cannot export for Gemini: ${cycles[0] || '/'} requires itself through required properties (no finite value matches)`);
  try {
    if (needsJsonForm(input.schema)) throw new CannotInline('a map (additionalProperties as a schema), a tuple (prefixItems) or a recursive $ref');
    const converted = toGeminiSchema(input.schema, dropped);
    // Formats and oneOf only relax what the model is held to (lint warnings); other keywords are constraints lost (lint errors).
    const relaxed = [...dropped].filter((d) => d.startsWith('format ') || d.startsWith('oneOf'));
    const lost = [...dropped].filter((d) => !relaxed.includes(d));
    if (lost.length) notes.push(`Gemini's schema cannot express, so the export drops: ${lost.join(', ')}`);
    if (relaxed.length) notes.push(`Gemini's schema relaxes: ${relaxed.join(', ')}`);
    return {
      output: {
        ...(objectRoot ? { functionDeclaration: { name, ...description, parameters: converted } } : {}),
        generationConfig: { responseMimeType: 'application/json', responseSchema: converted },
      },
      notes,
    };
  } catch (err) {
    if (!(err instanceof CannotInline)) throw err;
    const schema = jsonForm(input.schema);
    const wrapped = countRefSiblings(input.schema);
    if (wrapped)
      notes.push(
        `${wrapped} $ref${wrapped === 1 ? '' : 's'} with keywords beside ${wrapped === 1 ? 'it' : 'them'} wrapped in a one-branch anyOf (responseJsonSchema allows nothing beside $ref)`,
      );
    const ignored = lintGemini(input.schema, { kind: input.kind }, { json: true }).filter((f) => f.rule === 'gemini/json-unsupported-keyword');
    if (ignored.length)
      notes.push(
        `responseJsonSchema ignores ${ignored.length} keyword${ignored.length === 1 ? '' : 's'} (${[...new Set(ignored.map((f) => f.pointer.split('/').pop()))].join(', ')}); the export drops nothing but Gemini will not enforce them`,
      );
    notes.push(
      `${err.message.startsWith('#') ? `'${err.message}'` : err.message} cannot be expressed in Gemini's OpenAPI schema; exported as JSON Schema (parametersJsonSchema, responseJsonSchema)`,
    );
    return {
      output: {
        ...(objectRoot ? { functionDeclaration: { name, ...description, parametersJsonSchema: schema } } : {}),
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema },
      },
      notes,
    };
  }
}

/** Keywords beside a $ref (other than definitions, which only hold schemas). */
function refSiblings(s: JsonObject): string[] {
  return Object.keys(s).filter((k) => k !== '$ref' && k !== '$defs' && k !== 'definitions' && k !== '$schema' && k !== '$id');
}

function countRefSiblings(schema: unknown): number {
  let n = 0;
  walkSchema(schema, (v) => {
    if (typeof v.schema.$ref === 'string' && refSiblings(v.schema).length) n++;
  });
  return n;
}

/** The JSON Schema form (responseJsonSchema, parametersJsonSchema): identity dropped, `{$ref, ...k}` as `{...k, anyOf: [{$ref}]}`. */
export function jsonForm(schema: unknown): unknown {
  return withoutIdentity(
    mapSchema(schema, (o) => {
      if (typeof o.$ref !== 'string' || !refSiblings(o).length) return o;
      const { $ref, ...rest } = o;
      return { ...rest, anyOf: [{ $ref }] };
    }),
  );
}

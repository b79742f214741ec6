/**
 * Anthropic: tools `{name, description, input_schema}`, and the JSON Schema subset of strict tool use
 * (`strict: true`) and JSON outputs (structured outputs).
 */
import { RefusedError } from '../model/errors.js';
import { mapSchema } from '../formats/jsonschema/walk.js';
import {
  describeMoved,
  inlineRootRef,
  isObject,
  isObjectSchema,
  isSingleAllOf,
  recursiveRefs,
  toolName,
  typesOf,
  walkSchema,
  withoutIdentity,
  type JsonObject,
} from './schema.js';
import type { ExportInput, ExportResult, LintFinding, ProviderProfile, SchemaContext } from './types.js';

/**
 * Anthropic structured outputs and strict tool use, as documented in "Structured outputs" (Build with
 * Claude) on 2025-11-15. Tools without `strict` accept any object schema; these rules say what strict
 * tool use and JSON outputs reject. The optional and union limits count across all strict schemas of
 * one request; a single schema is checked against them alone.
 */
export const ANTHROPIC_PROFILE = {
  provider: 'anthropic',
  asOf: '2025-11-15',
  source: 'Anthropic docs, Build with Claude: Structured outputs (JSON Schema limitations)',
  namePattern: /^[a-zA-Z0-9_-]{1,64}$/,
  limits: {
    /** Optional parameters across all strict schemas of a request. */
    maxOptionalProperties: 24,
    /** Parameters using anyOf or type arrays across all strict schemas of a request. */
    maxUnionProperties: 16,
  },
  formats: ['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid'],
  unsupported: [
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'minLength',
    'maxLength',
    'maxItems',
    'uniqueItems',
    'contains',
    'minContains',
    'maxContains',
    'prefixItems',
    'additionalItems',
    'unevaluatedItems',
    'patternProperties',
    'propertyNames',
    'minProperties',
    'maxProperties',
    'unevaluatedProperties',
    'oneOf',
    'not',
    'if',
    'then',
    'else',
    'dependentRequired',
    'dependentSchemas',
    'dependencies',
    '$dynamicRef',
    '$recursiveRef',
  ],
  rules: {
    // Tools (no strict): input_schema is any JSON Schema whose root is an object.
    'anthropic/root-object': { severity: 'error', purpose: 'input_schema must be an object schema' },
    // Strict tool use (strict: true) and JSON outputs: the rules below.
    'anthropic/additional-properties-false': { severity: 'note', purpose: 'the strict export closes every object (additionalProperties: false)' },
    'anthropic/map-object': { severity: 'error', purpose: 'additionalProperties as a schema (a map) cannot be expressed in strict mode' },
    'anthropic/moved-to-description': {
      severity: 'note',
      purpose:
        "keywords strict mode cannot express (numeric and length constraints, pattern, unsupported formats, minItems above 1, not, conditionals, ...) are moved into the description, as the Anthropic SDK's transform does; validate --target anthropic-strict still checks them",
    },
    'anthropic/one-of': {
      severity: 'note',
      purpose: 'oneOf is sent as anyOf (as the Anthropic SDK does); validate --target anthropic-strict still checks exclusivity',
    },
    'anthropic/type-required': {
      severity: 'error',
      purpose: 'every schema needs a type (or anyOf, oneOf, allOf, enum, const, $ref): the SDK transform refuses it otherwise',
    },
    'anthropic/enum-values': { severity: 'error', purpose: 'enum values must be strings, numbers, booleans or null' },
    'anthropic/array-items': {
      severity: 'error',
      purpose: "tuple-form items (draft-07's array of schemas) cannot be expressed; the SDK transform throws on it",
    },
    'anthropic/recursive-schema': { severity: 'error', purpose: 'recursive schemas are not supported' },
    'anthropic/external-ref': { severity: 'error', purpose: '$ref must point inside the schema' },
    'anthropic/allof-ref': { severity: 'error', purpose: 'allOf may not contain $ref' },
    'anthropic/allof-single': { severity: 'note', purpose: "a one-branch allOf (Pydantic's field-with-description shape) is flattened by the strict export" },
    'anthropic/root-ref': { severity: 'note', purpose: 'a root $ref is inlined (input_schema must be an object)' },
    'anthropic/max-optional': { severity: 'error', purpose: 'at most 24 optional properties' },
    'anthropic/max-unions': { severity: 'error', purpose: 'at most 16 properties using anyOf or type arrays' },
  },
} as const satisfies ProviderProfile & Record<string, unknown>;

type Rule = keyof typeof ANTHROPIC_PROFILE.rules;

/**
 * What Anthropic would reject in this schema: as a plain tool (only a non-object root), or with
 * `strict: true` (strict tool use and JSON outputs: every rule of the profile; open objects are a note,
 * the strict export closes them).
 */
export function lintAnthropic(schema: unknown, _context: SchemaContext = {}, options: { strict?: boolean } = {}): LintFinding[] {
  const P = ANTHROPIC_PROFILE;
  const out: LintFinding[] = [];
  const add = (rule: Rule, pointer: string, message: string) => out.push({ rule, severity: P.rules[rule].severity, pointer, message });
  const root = inlineRootRef(schema);
  if (root.inlined) add('anthropic/root-ref', '/$ref', `the root $ref '${root.inlined}' is inlined`);
  const top = root.schema;
  if (!isObject(top) || !isObjectSchema(top) || typesOf(top).some((t) => t !== 'object')) {
    add('anthropic/root-object', '', 'input_schema must be { "type": "object" }');
  }
  if (!isObject(schema)) return out;
  if (typeof schema.$ref === 'string' && !schema.$ref.startsWith('#')) add('anthropic/external-ref', '/$ref', `'${schema.$ref}' points outside the schema`);
  if (!options.strict) return out;
  let optional = 0;
  let unions = 0;
  let typeless = false;
  walkSchema(schema, (v) => {
    const s = v.schema;
    const p = v.pointer;
    if (Array.isArray(s.enum) && s.enum.some((e) => e !== null && typeof e === 'object'))
      add('anthropic/enum-values', `${p}/enum`, 'enum holds objects or arrays; only primitive values are supported');
    if (typeof s.$ref === 'string' && !s.$ref.startsWith('#')) add('anthropic/external-ref', `${p}/$ref`, `'${s.$ref}' points outside the schema`);
    if (isSingleAllOf(s)) add('anthropic/allof-single', `${p}/allOf`, 'a one-branch allOf is flattened into its branch');
    else if (Array.isArray(s.allOf) && s.allOf.some((b) => isObject(b) && '$ref' in b))
      add('anthropic/allof-ref', `${p}/allOf`, 'allOf with $ref is not supported');
    if (Array.isArray(s.items))
      add('anthropic/array-items', `${p}/items`, 'tuple-form items (an array of schemas) cannot be expressed in strict mode; give one items schema');
    if (Array.isArray(s.oneOf) && !Array.isArray(s.anyOf))
      add('anthropic/one-of', `${p}/oneOf`, 'oneOf is sent as anyOf; validate --target anthropic-strict still checks that exactly one branch matches');
    if (isObjectSchema(s)) {
      if (isObject(s.additionalProperties) || isObject(s.patternProperties))
        add(
          'anthropic/map-object',
          `${p}/${isObject(s.additionalProperties) ? 'additionalProperties' : 'patternProperties'}`,
          'an object with undeclared keys (a map) cannot be expressed in strict mode (strict objects are closed)',
        );
      else if (s.additionalProperties !== false) {
        add(
          'anthropic/additional-properties-false',
          s.additionalProperties === undefined ? p : `${p}/additionalProperties`,
          'the strict export closes this object (additionalProperties: false)',
        );
      }
      const props = isObject(s.properties) ? s.properties : {};
      const req = new Set(Array.isArray(s.required) ? s.required : []);
      for (const [k, ps] of Object.entries(props)) {
        if (!req.has(k)) optional++;
        if (isObject(ps) && (Array.isArray(ps.anyOf) || (Array.isArray(ps.type) && ps.type.length > 1))) unions++;
      }
    }
    if (
      !typeless &&
      typesOf(s).length === 0 &&
      !isObjectSchema(s) &&
      !['anyOf', 'oneOf', 'allOf', 'enum', 'const', '$ref', 'items'].some((k) => k in s) &&
      !(v.property === undefined && v.inDefs === false && p !== '' && /\/(not|if|then|else|contains|propertyNames|additionalItems|unevaluatedItems)$/.test(p))
    ) {
      typeless = true;
      add('anthropic/type-required', p, 'this schema has no type (a free-form value); strict mode needs one');
    }
  });
  if (!out.some((f) => f.severity === 'error')) {
    for (const m of toAnthropicStrictForm(schema).moved)
      add(
        'anthropic/moved-to-description',
        m.pointer,
        `${m.keys.map((k) => `'${k}'`).join(', ')} moved into the description; validate --target anthropic-strict still checks ${m.keys.length === 1 ? 'it' : 'them'}`,
      );
  }
  for (const r of recursiveRefs(schema)) add('anthropic/recursive-schema', r.slice(1), `'${r}' refers to itself (directly or through other definitions)`);
  if (optional > P.limits.maxOptionalProperties)
    add('anthropic/max-optional', '', `${optional} optional properties; strict schemas allow at most ${P.limits.maxOptionalProperties} per request`);
  if (unions > P.limits.maxUnionProperties)
    add('anthropic/max-unions', '', `${unions} properties use anyOf or type arrays; strict schemas allow at most ${P.limits.maxUnionProperties} per request`);
  return out;
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: unknown;
  strict?: boolean;
}

/** The schema a strict tool / JSON output is given (see toAnthropicStrictForm). */
export function toAnthropicStrict(schema: unknown): unknown {
  return toAnthropicStrictForm(schema).schema;
}

/** String formats the Anthropic SDK's transform keeps. */
const KEPT_FORMATS = new Set(ANTHROPIC_PROFILE.formats as readonly string[]);

/**
 * The strict form, built like the Anthropic SDK's `transformJSONSchema` (lib/transform-json-schema, the
 * transform `jsonSchemaOutputFormat` and strict tools apply) so that the export is a fixed point of it:
 * the root $ref inlined, one-branch allOf flattened, `definitions` renamed `$defs`, a `$ref` with keywords
 * other than a description wrapped in a one-branch anyOf, implicit object/array types made explicit, object
 * or array type unions split into anyOf; then oneOf as anyOf, objects closed, and every keyword strict mode
 * cannot express moved into the description as `{key: value, ...}`. `moved` lists where.
 */
export function toAnthropicStrictForm(schema: unknown): { schema: unknown; moved: Array<{ pointer: string; keys: string[] }> } {
  let root = withoutIdentity(inlineRootRef(schema).schema);
  if (isObject(root) && isObject(root.definitions)) {
    const { definitions, ...rest } = root;
    root = mapSchema({ ...rest, $defs: { ...(definitions as JsonObject), ...(isObject(rest.$defs) ? rest.$defs : {}) } }, (o) =>
      typeof o.$ref === 'string' && o.$ref.startsWith('#/definitions/') ? { ...o, $ref: '#/$defs/' + o.$ref.slice('#/definitions/'.length) } : o,
    );
  }
  const prepared = mapSchema(root, (o0) => {
    let o = o0;
    if (isSingleAllOf(o)) {
      const branch = (o.allOf as JsonObject[])[0];
      const { allOf: _a, ...rest } = o;
      o = { ...branch, ...rest };
    }
    if (typeof o.$ref === 'string') {
      const others = Object.keys(o).filter((k) => k !== '$ref' && k !== 'description' && k !== '$defs');
      if (others.length) {
        const { $ref, ...rest } = o;
        o = { ...rest, anyOf: [{ $ref }] };
      }
      return o;
    }
    const composed = ['anyOf', 'oneOf', 'allOf', 'enum', 'const'].some((k) => k in o);
    if (!composed && typesOf(o).length === 0) {
      if (isObject(o.properties) || o.additionalProperties !== undefined || Array.isArray(o.required)) o = { type: 'object', ...o };
      else if ('items' in o) o = { type: 'array', ...o };
    }
    const ts = typesOf(o);
    if (!composed && ts.length > 1 && (ts.includes('object') || ts.includes('array'))) {
      const { type: _t, description, title, ...rest } = o;
      o = {
        ...(description !== undefined ? { description } : {}),
        ...(title !== undefined ? { title } : {}),
        anyOf: ts.map((t) => (t === 'null' ? { type: 'null' } : { ...rest, type: t })),
      };
    }
    return o;
  });
  const moved: Array<{ pointer: string; keys: string[] }> = [];
  const go = (input: unknown, p: string): unknown => {
    if (!isObject(input)) return input;
    const s: JsonObject = { ...input };
    const out: JsonObject = {};
    const pop = (k: string): unknown => {
      const v = s[k];
      delete s[k];
      return v;
    };
    const defs = pop('$defs');
    if (isObject(defs)) out.$defs = Object.fromEntries(Object.entries(defs).map(([n, d]) => [n, go(d, `${p}/$defs/${n}`)]));
    if (typeof s.$ref === 'string') {
      out.$ref = pop('$ref');
      if (s.description !== undefined) out.description = s.description;
      return out;
    }
    const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';
    if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every(isPrimitive)) out.enum = pop('enum');
    if (s.const !== undefined && isPrimitive(s.const)) out.const = pop('const');
    const literals = 'enum' in out || 'const' in out;
    const declared = pop('type');
    const type = literals ? undefined : declared;
    const anyOf = pop('anyOf');
    const oneOf = pop('oneOf');
    const allOf = pop('allOf');
    pop('$schema');
    if (Array.isArray(anyOf)) out.anyOf = anyOf.map((b, i) => go(b, `${p}/anyOf/${i}`));
    else if (Array.isArray(oneOf)) out.anyOf = oneOf.map((b, i) => go(b, `${p}/oneOf/${i}`));
    else if (Array.isArray(allOf)) out.allOf = allOf.map((b, i) => go(b, `${p}/allOf/${i}`));
    else if (!literals) out.type = type;
    if (Array.isArray(oneOf) && Array.isArray(anyOf)) s.oneOf = oneOf;
    if (Array.isArray(allOf) && (Array.isArray(anyOf) || Array.isArray(oneOf))) s.allOf = allOf;
    const description = pop('description');
    if (description !== undefined) out.description = description;
    const title = pop('title');
    if (title !== undefined) out.title = title;
    if (type === 'object') {
      const props = pop('properties');
      out.properties = Object.fromEntries(Object.entries(isObject(props) ? props : {}).map(([k, v]) => [k, go(v, `${p}/properties/${k}`)]));
      pop('additionalProperties');
      out.additionalProperties = false;
      const required = pop('required');
      if (required !== undefined) out.required = required;
    } else if (type === 'string') {
      if (typeof s.format === 'string' && KEPT_FORMATS.has(s.format)) out.format = pop('format');
    } else if (type === 'array') {
      const items = pop('items');
      if (items !== undefined) out.items = go(items, `${p}/items`);
      if (s.minItems === 0 || s.minItems === 1) out.minItems = pop('minItems');
    }
    const rest = Object.entries(s).filter(([, v]) => v !== undefined);
    if (rest.length) {
      out.description = describeMoved(out.description, rest);
      moved.push({ pointer: p, keys: rest.map(([k]) => k) });
    }
    return out;
  };
  return { schema: go(prepared, ''), moved };
}

/**
 * A tool definition: the schema as written (bundled), with a valid name; with `strict`, objects closed
 * and `strict: true`, or refused when lintAnthropic (strict) finds errors. A non-object root is refused.
 */
/** Structured outputs (JSON outputs) of the Messages API: `output_config.format`, for response subjects. */
export interface AnthropicOutputFormat {
  output_config: { format: { type: 'json_schema'; schema: unknown } };
}

export function exportAnthropic(input: ExportInput & { strict?: boolean; api?: 'tools' }): ExportResult<AnthropicTool>;
export function exportAnthropic(input: ExportInput & { strict?: boolean }): ExportResult<AnthropicTool | AnthropicOutputFormat>;
export function exportAnthropic(input: ExportInput & { strict?: boolean }): ExportResult<AnthropicTool | AnthropicOutputFormat> {
  if (input.api === 'output') return exportAnthropicOutput(input);
  const notes: string[] = [];
  const name = toolName(input.name);
  if (name !== input.name) notes.push(`name '${input.name}' is not a valid Anthropic tool name (^[a-zA-Z0-9_-]{1,64}$); using '${name}'`);
  const errors = lintAnthropic(input.schema, {}, { strict: input.strict }).filter((f) => f.severity === 'error');
  if (errors.length) {
    throw new RefusedError(
      `cannot export for Anthropic${input.strict ? ' strict tool use' : ''}: ${errors
        .slice(0, 3)
        .map((f) => `${f.pointer || '/'}: ${f.message}`)
        .join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`,
    );
  }
  const root = inlineRootRef(input.schema);
  if (root.inlined) notes.push(`the root $ref '${root.inlined}' inlined (input_schema must be an object)`);
  const form = input.strict ? toAnthropicStrictForm(input.schema) : undefined;
  const schema = form ? form.schema : withoutIdentity(root.schema);
  if (input.strict) notes.push('strict tool use: every object closed with additionalProperties: false');
  if (form?.moved.length) notes.push(movedNote(form.moved));
  if (!input.description) notes.push('the tool has no description; Claude chooses tools by their descriptions');
  return {
    output: { name, ...(input.description ? { description: input.description } : {}), input_schema: schema, ...(input.strict ? { strict: true } : {}) },
    notes,
  };
}

function movedNote(moved: Array<{ pointer: string; keys: string[] }>): string {
  const n = moved.reduce((a, m) => a + m.keys.length, 0);
  const keys = [...new Set(moved.flatMap((m) => m.keys))];
  return `strict mode: ${n} keyword${n === 1 ? '' : 's'} (${keys.join(', ')}) moved into descriptions, as the Anthropic SDK does; validate --target anthropic-strict still checks them`;
}

/** `output_config.format` for JSON outputs: always the strict form (the API applies the same subset). */
function exportAnthropicOutput(input: ExportInput): ExportResult<AnthropicOutputFormat> {
  const errors = lintAnthropic(input.schema, {}, { strict: true }).filter((f) => f.severity === 'error');
  if (errors.length)
    throw new RefusedError(
      `cannot export for Anthropic structured outputs: ${errors
        .slice(0, 3)
        .map((f) => `${f.pointer || '/'}: ${f.message}`)
        .join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`,
    );
  const form = toAnthropicStrictForm(input.schema);
  const notes = ['structured outputs (output_config.format): every object closed with additionalProperties: false'];
  if (form.moved.length) notes.push(movedNote(form.moved));
  return { output: { output_config: { format: { type: 'json_schema', schema: form.schema } } }, notes };
}

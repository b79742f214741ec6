/**
 * Anthropic: tools `{name, description, input_schema}`, and the JSON Schema subset of strict tool use
 * (`strict: true`) and JSON outputs (structured outputs).
 */
import { RefusedError } from '../model/errors.js';
import { mapSchema } from '../formats/jsonschema/walk.js';
import { inlineRootRef, isObject, isObjectSchema, isSingleAllOf, recursiveRefs, toolName, typesOf, walkSchema, withoutIdentity } from './schema.js';
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
    'anthropic/unsupported-keyword': {
      severity: 'error',
      purpose: 'numeric and length constraints, oneOf, not, conditionals and other keywords are not supported',
    },
    'anthropic/min-items': { severity: 'error', purpose: 'minItems may only be 0 or 1' },
    'anthropic/unsupported-format': { severity: 'error', purpose: 'only the documented string formats are supported' },
    'anthropic/pattern-features': { severity: 'error', purpose: 'patterns may not use backreferences, lookaround or word boundaries' },
    'anthropic/enum-values': { severity: 'error', purpose: 'enum values must be strings, numbers, booleans or null' },
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
  walkSchema(schema, (v) => {
    const s = v.schema;
    const p = v.pointer;
    for (const k of P.unsupported) if (k in s) add('anthropic/unsupported-keyword', `${p}/${k}`, `'${k}' is not supported in strict mode`);
    if (typeof s.minItems === 'number' && s.minItems !== 0 && s.minItems !== 1)
      add('anthropic/min-items', `${p}/minItems`, `minItems ${s.minItems} is not supported (only 0 or 1)`);
    if (typeof s.format === 'string' && !(P.formats as readonly string[]).includes(s.format)) {
      add('anthropic/unsupported-format', `${p}/format`, `format '${s.format}' is not supported (supported: ${P.formats.join(', ')})`);
    }
    if (typeof s.pattern === 'string' && /\\[1-9]|\\k<|\(\?[=!<]|\\[bB]/.test(s.pattern)) {
      add('anthropic/pattern-features', `${p}/pattern`, `pattern '${s.pattern}' uses backreferences, lookaround or word boundaries`);
    }
    if (Array.isArray(s.enum) && s.enum.some((e) => e !== null && typeof e === 'object'))
      add('anthropic/enum-values', `${p}/enum`, 'enum holds objects or arrays; only primitive values are supported');
    if (typeof s.$ref === 'string' && !s.$ref.startsWith('#')) add('anthropic/external-ref', `${p}/$ref`, `'${s.$ref}' points outside the schema`);
    if (isSingleAllOf(s)) add('anthropic/allof-single', `${p}/allOf`, 'a one-branch allOf is flattened into its branch');
    else if (Array.isArray(s.allOf) && s.allOf.some((b) => isObject(b) && '$ref' in b))
      add('anthropic/allof-ref', `${p}/allOf`, 'allOf with $ref is not supported');
    if (isObjectSchema(s)) {
      if (isObject(s.additionalProperties))
        add('anthropic/map-object', `${p}/additionalProperties`, 'an object with undeclared keys (a map) cannot be expressed in strict mode');
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
  });
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

/** The schema a strict tool is given: every object closed. */
export function toAnthropicStrict(schema: unknown): unknown {
  return withoutIdentity(
    mapSchema(inlineRootRef(schema).schema, (o) => {
      if (isSingleAllOf(o)) {
        const branch = (o.allOf as Array<Record<string, unknown>>)[0];
        delete o.allOf;
        o = { ...branch, ...o };
      }
      if (isObjectSchema(o) && (o.additionalProperties === undefined || o.additionalProperties === true)) o.additionalProperties = false;
      return o;
    }),
  );
}

/**
 * A tool definition: the schema as written (bundled), with a valid name; with `strict`, objects closed
 * and `strict: true`, or refused when lintAnthropic (strict) finds errors. A non-object root is refused.
 */
export function exportAnthropic(input: ExportInput & { strict?: boolean }): ExportResult<AnthropicTool> {
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
  const schema = input.strict ? toAnthropicStrict(input.schema) : withoutIdentity(root.schema);
  if (input.strict) notes.push('strict tool use: every object closed with additionalProperties: false');
  if (!input.description) notes.push('the tool has no description; Claude chooses tools by their descriptions');
  return {
    output: { name, ...(input.description ? { description: input.description } : {}), input_schema: schema, ...(input.strict ? { strict: true } : {}) },
    notes,
  };
}

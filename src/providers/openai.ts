/**
 * OpenAI: function tools and `response_format` json_schema objects, and the Structured Outputs
 * (strict mode) subset of JSON Schema.
 */
import { mapSchema } from '../formats/jsonschema/walk.js';
import {
  isObject,
  isObjectSchema,
  objectDepth,
  toolName,
  typesOf,
  walkSchema,
  withoutIdentity,
  type JsonObject,
} from './schema.js';
import type { ExportInput, ExportResult, LintFinding, ProviderProfile, SchemaContext } from './types.js';

/**
 * OpenAI Structured Outputs (strict: true), as documented in the "Supported schemas" section of the
 * Structured Outputs guide on 2025-11-15. Limits change: update them here, in one place.
 */
export const OPENAI_PROFILE = {
  provider: 'openai',
  asOf: '2025-11-15',
  source: 'OpenAI API docs, Structured Outputs guide, "Supported schemas"',
  namePattern: /^[a-zA-Z0-9_-]{1,64}$/,
  limits: {
    /** Object nesting levels. */
    maxDepth: 10,
    /** Object properties in total. */
    maxProperties: 5000,
    /** Enum values in total, across all enums. */
    maxEnumValues: 1000,
    /** A single string enum with more than this many values ... */
    largeEnumValues: 250,
    /** ... may hold at most this many characters in total. */
    largeEnumChars: 15_000,
    /** Characters of all property names, definition names, enum and const values. */
    maxStringChars: 120_000,
  },
  types: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'],
  /** string formats strict mode accepts. */
  formats: ['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid'],
  /** Composition and conditional keywords strict mode rejects. */
  composition: ['allOf', 'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'dependencies', 'oneOf'],
  /** Other keywords strict mode rejects. */
  unsupported: [
    'minLength', 'maxLength', 'patternProperties', 'unevaluatedProperties', 'propertyNames', 'minProperties', 'maxProperties',
    'unevaluatedItems', 'contains', 'minContains', 'maxContains', 'uniqueItems', 'prefixItems', 'additionalItems', 'default',
    'contentEncoding', 'contentMediaType', 'contentSchema', '$dynamicRef', '$recursiveRef',
  ],
  rules: {
    'openai/root-object': { severity: 'error', summary: 'the root must be an object schema (not anyOf, not another type)' },
    'openai/all-required': { severity: 'error', summary: 'every property must be listed in required (optional ones as type [T, "null"])' },
    'openai/additional-properties-false': { severity: 'error', summary: 'every object must set additionalProperties: false' },
    'openai/no-composition': { severity: 'error', summary: 'allOf, oneOf, not, if/then/else and dependent* are not supported' },
    'openai/unsupported-keyword': { severity: 'error', summary: 'only the documented keywords are supported' },
    'openai/unsupported-format': { severity: 'error', summary: 'only the documented string formats are supported' },
    'openai/type-required': { severity: 'error', summary: 'every schema needs a supported type (or anyOf, enum, const, $ref)' },
    'openai/external-ref': { severity: 'error', summary: '$ref must point inside the schema' },
    'openai/max-depth': { severity: 'error', summary: 'objects nest at most 10 levels' },
    'openai/max-properties': { severity: 'error', summary: 'at most 5,000 object properties in total' },
    'openai/max-enum-values': { severity: 'error', summary: 'at most 1,000 enum values in total' },
    'openai/large-enum-chars': { severity: 'error', summary: 'a string enum of more than 250 values holds at most 15,000 characters' },
    'openai/max-string-chars': { severity: 'error', summary: 'property names, definition names, enum and const values hold at most 120,000 characters' },
  },
} as const satisfies ProviderProfile & Record<string, unknown>;

type Rule = keyof typeof OPENAI_PROFILE.rules;

/** Everything OpenAI strict mode would reject in this schema. */
export function lintOpenAI(schema: unknown, _context: SchemaContext = {}): LintFinding[] {
  const P = OPENAI_PROFILE;
  const out: LintFinding[] = [];
  const add = (rule: Rule, pointer: string, message: string) => out.push({ rule, severity: P.rules[rule].severity, pointer, message });
  if (!isObject(schema) || !typesOf(schema).includes('object') || typesOf(schema).length !== 1) {
    add('openai/root-object', '', isObject(schema) && Array.isArray(schema.anyOf) ? 'the root is anyOf; strict mode needs an object at the root' : 'the root must be { "type": "object" }');
    if (!isObject(schema)) return out;
  }
  let properties = 0;
  let enumValues = 0;
  let chars = 0;
  walkSchema(schema, (v) => {
    const s = v.schema;
    const p = v.pointer;
    for (const k of P.composition) if (k in s) add('openai/no-composition', `${p}/${k}`, `'${k}' is not supported in strict mode`);
    for (const k of P.unsupported) if (k in s) add('openai/unsupported-keyword', `${p}/${k}`, `'${k}' is not supported in strict mode`);
    if (typeof s.format === 'string' && !(P.formats as readonly string[]).includes(s.format)) {
      add('openai/unsupported-format', `${p}/format`, `format '${s.format}' is not supported (supported: ${P.formats.join(', ')})`);
    }
    const ts = typesOf(s);
    for (const t of ts) if (!(P.types as readonly string[]).includes(t)) add('openai/type-required', `${p}/type`, `type '${t}' is not supported`);
    if (ts.length === 0 && !('anyOf' in s) && !('$ref' in s) && !('enum' in s) && !('const' in s) && !('oneOf' in s) && !('allOf' in s)) {
      add('openai/type-required', p, 'the schema has no type; strict mode needs one (a free-form value cannot be generated strictly)');
    }
    if (typeof s.$ref === 'string' && !s.$ref.startsWith('#')) add('openai/external-ref', `${p}/$ref`, `'${s.$ref}' points outside the schema`);
    if (isObjectSchema(s)) {
      const props = isObject(s.properties) ? Object.keys(s.properties) : [];
      properties += props.length;
      for (const k of props) chars += k.length;
      const req = new Set(Array.isArray(s.required) ? s.required : []);
      const missing = props.filter((k) => !req.has(k));
      if (missing.length) {
        add('openai/all-required', `${p}/required`, `${missing.map((k) => `'${k}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in required; strict mode needs every property required (make optional ones nullable: type [T, "null"])`);
      }
      if (s.additionalProperties !== false) {
        add('openai/additional-properties-false', s.additionalProperties === undefined ? p : `${p}/additionalProperties`, 'additionalProperties must be false');
      }
    }
    for (const k of ['$defs', 'definitions']) if (isObject(s[k])) for (const n of Object.keys(s[k] as JsonObject)) chars += n.length;
    if (Array.isArray(s.enum)) {
      enumValues += s.enum.length;
      let enumChars = 0;
      for (const e of s.enum) {
        const len = typeof e === 'string' ? e.length : JSON.stringify(e).length;
        chars += len;
        enumChars += len;
      }
      if (s.enum.length > P.limits.largeEnumValues && s.enum.every((e) => typeof e === 'string') && enumChars > P.limits.largeEnumChars) {
        add('openai/large-enum-chars', `${p}/enum`, `this enum has ${s.enum.length} values holding ${enumChars} characters; above ${P.limits.largeEnumValues} values at most ${P.limits.largeEnumChars} characters are allowed`);
      }
    }
    if ('const' in s) chars += typeof s.const === 'string' ? s.const.length : JSON.stringify(s.const).length;
  });
  const depth = objectDepth(schema);
  if (depth.depth > P.limits.maxDepth) add('openai/max-depth', depth.pointer, `objects are nested ${depth.depth} levels deep; at most ${P.limits.maxDepth} are allowed`);
  if (properties > P.limits.maxProperties) add('openai/max-properties', '', `${properties} object properties in total; at most ${P.limits.maxProperties} are allowed`);
  if (enumValues > P.limits.maxEnumValues) add('openai/max-enum-values', '', `${enumValues} enum values in total; at most ${P.limits.maxEnumValues} are allowed`);
  if (chars > P.limits.maxStringChars) add('openai/max-string-chars', '', `property names, definition names, enum and const values hold ${chars} characters; at most ${P.limits.maxStringChars} are allowed`);
  return out;
}

/** Annotations strict mode rejects or that carry nothing for generation; dropping them changes no validation. */
const DROPPED_ANNOTATIONS = ['$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'];

/**
 * Rewrite a schema towards strict mode where little is lost: optional properties become required and
 * nullable (`type: [T, "null"]`, or `anyOf [..., {type: null}]`), objects with declared properties
 * get `additionalProperties: false`, and annotations strict mode rejects (default, examples) go.
 * Returns the rewritten schema and what was changed; it may still fail lintOpenAI.
 */
export function toOpenAIStrict(schema: unknown): { schema: unknown; changes: string[] } {
  const madeNullable: string[] = [];
  const closed: string[] = [];
  const dropped = new Set<string>();
  let oneOf = 0;
  const rewritten = mapSchema(schema, (o) => {
    for (const k of DROPPED_ANNOTATIONS) {
      if (k in o) {
        dropped.add(k);
        delete o[k];
      }
    }
    if (Array.isArray(o.oneOf) && !('anyOf' in o)) {
      o.anyOf = o.oneOf;
      delete o.oneOf;
      oneOf++;
    }
    if (isObjectSchema(o) && isObject(o.properties)) {
      const props: JsonObject = { ...o.properties };
      const req = new Set(Array.isArray(o.required) ? (o.required as unknown[]) : []);
      for (const k of Object.keys(props)) {
        if (!req.has(k)) {
          props[k] = nullable(props[k]);
          madeNullable.push(k);
        }
      }
      o.properties = props;
      o.required = Object.keys(props);
      if (o.additionalProperties === undefined || o.additionalProperties === true) {
        o.additionalProperties = false;
        closed.push(typeof o.title === 'string' ? o.title : Object.keys(props).slice(0, 3).join('/') || '{}');
      }
    }
    return o;
  });
  const changes: string[] = [];
  if (madeNullable.length) {
    changes.push(`strict mode: ${madeNullable.length} optional propert${madeNullable.length === 1 ? 'y' : 'ies'} (${summarise(madeNullable)}) made required and nullable; send null for "absent"`);
  }
  if (closed.length) changes.push(`strict mode: ${closed.length} open object${closed.length === 1 ? '' : 's'} closed with additionalProperties: false`);
  if (oneOf) changes.push(`strict mode: oneOf rewritten as anyOf (${oneOf}); the model is not held to exactly one branch`);
  if (dropped.size) changes.push(`strict mode: annotations dropped (${[...dropped].join(', ')})`);
  return { schema: withoutIdentity(rewritten), changes };
}

function summarise(names: string[]): string {
  const u = [...new Set(names)];
  return u.length <= 5 ? u.join(', ') : `${u.slice(0, 5).join(', ')}, ...`;
}

/** The same schema also accepting null. */
export function nullable(s: unknown): unknown {
  if (!isObject(s)) return s;
  const ts = typesOf(s);
  if (ts.includes('null')) return s;
  if (ts.length && !('anyOf' in s) && !('$ref' in s) && !('const' in s)) {
    const out: JsonObject = { ...s, type: [...ts, 'null'] };
    if (Array.isArray(s.enum) && !s.enum.includes(null)) out.enum = [...s.enum, null];
    return out;
  }
  if (ts.length === 0 && Array.isArray(s.enum) && !('anyOf' in s) && !('$ref' in s)) {
    return s.enum.includes(null) ? s : { ...s, enum: [...s.enum, null] };
  }
  if (Array.isArray(s.anyOf) && Object.keys(s).every((k) => k === 'anyOf' || k === 'description' || k === 'title')) {
    if (s.anyOf.some((b) => isObject(b) && typesOf(b).includes('null'))) return s;
    return { ...s, anyOf: [...s.anyOf, { type: 'null' }] };
  }
  const { description, ...rest } = s;
  return { ...(typeof description === 'string' ? { description } : {}), anyOf: [rest, { type: 'null' }] };
}

export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters: unknown; strict: boolean };
}

export interface OpenAIResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; description?: string; schema: unknown; strict: boolean };
}

export interface OpenAIExport {
  tool: OpenAITool;
  response_format: OpenAIResponseFormat;
}

/**
 * A function tool and a response_format for a JSON Schema. The schema is rewritten for strict mode
 * (toOpenAIStrict); when the result still breaks a strict-mode rule, strict is false, the schema is
 * sent as written, and the notes say why.
 */
export function exportOpenAI(input: ExportInput): ExportResult<OpenAIExport> {
  const notes: string[] = [];
  const name = toolName(input.name);
  if (name !== input.name) notes.push(`name '${input.name}' is not a valid OpenAI name (^[a-zA-Z0-9_-]{1,64}$); using '${name}'`);
  const strictAttempt = toOpenAIStrict(input.schema);
  const findings = lintOpenAI(strictAttempt.schema).filter((f) => f.severity === 'error');
  const strict = findings.length === 0;
  let schema: unknown;
  if (strict) {
    schema = strictAttempt.schema;
    notes.push(...strictAttempt.changes);
  } else {
    schema = withoutIdentity(input.schema);
    const shown = findings.slice(0, 5).map((f) => `${f.rule} at ${f.pointer || '/'}: ${f.message}`);
    notes.push(`strict mode is off: the schema cannot be made strict (${findings.length} problem${findings.length === 1 ? '' : 's'}): ${shown.join('; ')}${findings.length > 5 ? '; ...' : ''}`);
  }
  const description = input.description;
  return {
    output: {
      tool: { type: 'function', function: { name, ...(description ? { description } : {}), parameters: schema, strict } },
      response_format: { type: 'json_schema', json_schema: { name, ...(description ? { description } : {}), schema, strict } },
    },
    notes,
  };
}

/**
 * OpenAI: function tools and `response_format` json_schema objects, and the Structured Outputs
 * (strict mode) subset of JSON Schema.
 */
import { mapSchema } from '../formats/jsonschema/walk.js';
import { RefusedError } from '../model/errors.js';
import {
  describeMoved,
  isObject,
  isObjectSchema,
  objectDepth,
  resolveLocalRef,
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
    'minLength',
    'maxLength',
    'patternProperties',
    'unevaluatedProperties',
    'propertyNames',
    'minProperties',
    'maxProperties',
    'unevaluatedItems',
    'contains',
    'minContains',
    'maxContains',
    'uniqueItems',
    'prefixItems',
    'additionalItems',
    'default',
    'contentEncoding',
    'contentMediaType',
    'contentSchema',
    '$dynamicRef',
    '$recursiveRef',
  ],
  /**
   * Keywords fine-tuned models reject in strict mode (same guide, "Supported properties": these are "not yet
   * supported for fine-tuned models"), as of 2025-11-15. The `openai-finetuned` lint profile adds them as errors.
   */
  fineTunedUnsupported: ['pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems'],
  rules: {
    // Errors: what the export cannot express in strict mode (it then sends strict: false, or refuses a non-object root).
    'openai/root-object': { severity: 'error', purpose: 'the root must be an object schema (not anyOf, not another type); OpenAI rejects the tool otherwise' },
    'openai/map-object': { severity: 'error', purpose: 'additionalProperties as a schema (a map) cannot be expressed: strict objects are closed' },
    'openai/no-composition': { severity: 'error', purpose: 'allOf (with more than one branch), not, if/then/else and dependent* are not supported' },
    'openai/unsupported-keyword': { severity: 'error', purpose: 'only the documented keywords are supported' },
    'openai/unsupported-format': { severity: 'error', purpose: 'only the documented string formats are supported' },
    'openai/type-required': { severity: 'error', purpose: 'every schema needs a supported type (or anyOf, enum, const, $ref)' },
    'openai/array-items': { severity: 'error', purpose: 'an array needs one items schema (no tuples, no missing items)' },
    'openai/ref-siblings': { severity: 'error', purpose: '$ref may only carry annotations (description, title) beside it' },
    'openai/external-ref': { severity: 'error', purpose: '$ref must point inside the schema' },
    'openai/max-depth': { severity: 'error', purpose: 'objects nest at most 10 levels' },
    'openai/max-properties': { severity: 'error', purpose: 'at most 5,000 object properties in total' },
    'openai/max-enum-values': { severity: 'error', purpose: 'at most 1,000 enum values in total' },
    'openai/large-enum-chars': { severity: 'error', purpose: 'a string enum of more than 250 values holds at most 15,000 characters' },
    'openai/max-string-chars': { severity: 'error', purpose: 'property names, definition names, enum and const values hold at most 120,000 characters' },
    'openai/fine-tuned-keyword': {
      severity: 'error',
      purpose: 'fine-tuned models do not support pattern, format, minimum/maximum, multipleOf, minItems/maxItems',
    },
    // Notes: what the export rewrites so the schema is accepted in strict mode.
    'openai/all-required': {
      severity: 'note',
      purpose: 'optional properties are sent required and nullable; the model answers null for "absent" (validate --normalize maps it back)',
    },
    'openai/additional-properties-false': { severity: 'note', purpose: 'objects are sent closed (additionalProperties: false)' },
    'openai/one-of': { severity: 'note', purpose: 'oneOf is sent as anyOf; the model is not held to exactly one branch' },
    'openai/allof-single': { severity: 'note', purpose: "a one-branch allOf (Pydantic's field-with-description shape) is flattened" },
    'openai/root-ref': { severity: 'note', purpose: 'a root $ref is inlined (the root must be an object)' },
    'openai/dropped-annotation': { severity: 'note', purpose: 'default, examples, $comment, deprecated, readOnly and writeOnly are dropped' },
    'openai/ref-inlined': {
      severity: 'note',
      purpose: 'a $ref with a description or title beside it is inlined (OpenAI rejects keywords beside $ref; the openai-python SDK inlines the same way)',
    },
    'openai/enum-type': { severity: 'note', purpose: 'an enum or const without type gets the type of its values (OpenAI needs a type key)' },
    'openai/moved-to-description': {
      severity: 'note',
      purpose:
        'minLength/maxLength are moved into the description (the openai SDK keeps strict mode with them); validate --target openai checks them on replies',
    },
  },
} as const satisfies ProviderProfile & Record<string, unknown>;

type Rule = keyof typeof OPENAI_PROFILE.rules;

/** Annotations strict mode rejects or that carry nothing for generation; dropping them changes no validation. */
const DROPPED_ANNOTATIONS = ['$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'];
/** Keywords that may stand beside $ref and beside a one-branch allOf. */
const ANNOTATIONS = new Set(['title', 'description', ...DROPPED_ANNOTATIONS]);

export interface OpenAILintOptions {
  /** The fine-tuned models profile: also rejects pattern, format, numeric and array-size keywords. */
  fineTuned?: boolean;
}

/**
 * What the export does to this schema for strict mode: errors for what it cannot express, notes for what
 * it rewrites. Pointers are into the schema given (the user's), not into the rewritten one.
 */
export function lintOpenAI(schema: unknown, _context: SchemaContext = {}, options: OpenAILintOptions = {}): LintFinding[] {
  const P = OPENAI_PROFILE;
  const out: LintFinding[] = [];
  const add = (rule: Rule, pointer: string, message: string) => out.push({ rule, severity: P.rules[rule].severity, pointer, message });
  const root = rootObject(schema);
  if (root.inlined) add('openai/root-ref', '/$ref', `the root $ref '${root.inlined}' is inlined`);
  if (!root.ok) {
    add('openai/root-object', root.pointer, root.reason);
    if (!isObject(schema)) return out;
  }
  let properties = 0;
  let enumValues = 0;
  let chars = 0;
  walkSchema(schema, (v) => {
    const s = v.schema;
    const p = v.pointer;
    const singleAllOf = isSingleAllOf(s);
    if (singleAllOf) add('openai/allof-single', `${p}/allOf`, 'a one-branch allOf is flattened into its branch');
    for (const k of P.composition) {
      if (!(k in s) || (k === 'allOf' && singleAllOf)) continue;
      if (k === 'oneOf') add('openai/one-of', `${p}/oneOf`, 'oneOf is sent as anyOf; the model is not held to exactly one branch');
      else add('openai/no-composition', `${p}/${k}`, `'${k}' is not supported in strict mode`);
    }
    for (const k of P.unsupported) {
      if (!(k in s)) continue;
      if (MOVED_TO_DESCRIPTION.includes(k))
        add(
          'openai/moved-to-description',
          `${p}/${k}`,
          `'${k}' is moved into the description (strict mode does not accept it); validate --target openai still checks it`,
        );
      else if (k === 'default') add('openai/dropped-annotation', `${p}/default`, "'default' is dropped (strict mode does not accept it)");
      else add('openai/unsupported-keyword', `${p}/${k}`, `'${k}' is not supported in strict mode`);
    }
    if (options.fineTuned)
      for (const k of P.fineTunedUnsupported)
        if (k in s) add('openai/fine-tuned-keyword', `${p}/${k}`, `'${k}' is not supported by fine-tuned models in strict mode`);
    if (typeof s.format === 'string' && !(P.formats as readonly string[]).includes(s.format) && !options.fineTuned) {
      add('openai/unsupported-format', `${p}/format`, `format '${s.format}' is not supported (supported: ${P.formats.join(', ')})`);
    }
    const ts = typesOf(s);
    for (const t of ts) if (!(P.types as readonly string[]).includes(t)) add('openai/type-required', `${p}/type`, `type '${t}' is not supported`);
    if (ts.length === 0 && !('anyOf' in s) && !('$ref' in s) && !('oneOf' in s) && !('allOf' in s) && !isObjectSchema(s) && !('not' in s)) {
      if ('enum' in s || 'const' in s) {
        const t = literalTypes(s);
        if (t) add('openai/enum-type', p, `the ${'enum' in s ? 'enum' : 'const'} has no type; it is sent with type ${JSON.stringify(t)}`);
        else add('openai/type-required', p, `the ${'enum' in s ? 'enum' : 'const'} has no type and holds objects or arrays; give it a type`);
      } else add('openai/type-required', p, 'the schema has no type; strict mode needs one (a free-form value cannot be generated strictly)');
    }
    if (ts.includes('array') || 'items' in s) {
      if (Array.isArray(s.items)) add('openai/array-items', `${p}/items`, 'tuple-form items cannot be expressed; give one items schema');
      else if (!('items' in s) || typeof s.items === 'boolean') add('openai/array-items', p, 'the array has no items schema; strict mode needs one');
    }
    if (typeof s.$ref === 'string') {
      if (!s.$ref.startsWith('#')) add('openai/external-ref', `${p}/$ref`, `'${s.$ref}' points outside the schema`);
      const extra = Object.keys(s).filter(
        (k) => k !== '$ref' && k !== '$defs' && k !== 'definitions' && !ANNOTATIONS.has(k) && !(p === '' && (k === '$schema' || k === '$id')),
      );
      const notes = Object.keys(s).filter((k) => k === 'description' || k === 'title');
      if (!extra.length && notes.length && s.$ref.startsWith('#') && !(p === '' && root.inlined))
        add('openai/ref-inlined', `${p}/$ref`, `'${s.$ref}' has ${notes.map((k) => `'${k}'`).join(', ')} beside it (OpenAI rejects that): it is inlined`);
      if (extra.length && !(p === '' && root.inlined))
        add(
          'openai/ref-siblings',
          `${p}/$ref`,
          `$ref with ${extra.map((k) => `'${k}'`).join(', ')} beside it cannot be expressed; move them into the referenced schema`,
        );
    }
    if (isObjectSchema(s)) {
      const props = isObject(s.properties) ? Object.keys(s.properties) : [];
      properties += props.length;
      for (const k of props) chars += k.length;
      const req = new Set(Array.isArray(s.required) ? s.required : []);
      const missing = props.filter((k) => !req.has(k));
      if (missing.length) {
        add(
          'openai/all-required',
          `${p}/required`,
          `${missing.map((k) => `'${k}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} sent required and nullable; the model answers null for "absent"`,
        );
      }
      if (isObject(s.additionalProperties)) {
        add(
          'openai/map-object',
          `${p}/additionalProperties`,
          'an object with undeclared keys (a map) cannot be expressed in strict mode; declare its properties or use an array of {key, value}',
        );
      } else if (s.additionalProperties !== false) {
        add(
          'openai/additional-properties-false',
          s.additionalProperties === undefined ? p : `${p}/additionalProperties`,
          'the object is sent closed (additionalProperties: false)',
        );
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
        add(
          'openai/large-enum-chars',
          `${p}/enum`,
          `this enum has ${s.enum.length} values holding ${enumChars} characters; above ${P.limits.largeEnumValues} values at most ${P.limits.largeEnumChars} characters are allowed`,
        );
      }
    }
    if ('const' in s) chars += typeof s.const === 'string' ? s.const.length : JSON.stringify(s.const).length;
  });
  const depth = objectDepth(schema);
  if (depth.depth > P.limits.maxDepth)
    add('openai/max-depth', depth.pointer, `objects are nested ${depth.depth} levels deep; at most ${P.limits.maxDepth} are allowed`);
  if (properties > P.limits.maxProperties)
    add('openai/max-properties', '', `${properties} object properties in total; at most ${P.limits.maxProperties} are allowed`);
  if (enumValues > P.limits.maxEnumValues)
    add('openai/max-enum-values', '', `${enumValues} enum values in total; at most ${P.limits.maxEnumValues} are allowed`);
  if (chars > P.limits.maxStringChars)
    add(
      'openai/max-string-chars',
      '',
      `property names, definition names, enum and const values hold ${chars} characters; at most ${P.limits.maxStringChars} are allowed`,
    );
  return out;
}

/** Keywords strict mode rejects that the openai SDK's strict helper passes through: moved into the description. */
const MOVED_TO_DESCRIPTION: readonly string[] = ['minLength', 'maxLength'];

/** The JSON types of an enum's (or const's) values, as a `type` value; undefined when one is an object or array. */
export function literalTypes(s: JsonObject): string | string[] | undefined {
  const values = Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const] : [];
  const types: string[] = [];
  for (const v of values) {
    const t =
      v === null
        ? 'null'
        : typeof v === 'string'
          ? 'string'
          : typeof v === 'boolean'
            ? 'boolean'
            : typeof v === 'number'
              ? Number.isInteger(v)
                ? 'integer'
                : 'number'
              : undefined;
    if (!t) return undefined;
    if (!types.includes(t)) types.push(t);
  }
  if (types.includes('number') && types.includes('integer')) types.splice(types.indexOf('integer'), 1);
  if (!types.length) return undefined;
  return types.length === 1 ? types[0] : types;
}

/** A one-branch allOf whose siblings are annotations only: `{"allOf": [X], "description": ...}`. */
function isSingleAllOf(s: JsonObject): boolean {
  return Array.isArray(s.allOf) && s.allOf.length === 1 && isObject(s.allOf[0]) && Object.keys(s).every((k) => k === 'allOf' || ANNOTATIONS.has(k));
}

/**
 * Is the root (after inlining a root $ref and flattening a one-branch allOf) an object schema? OpenAI
 * rejects a tool or response format whose root is not `type: object`, strict or not.
 */
export function rootObject(schema: unknown): { ok: boolean; pointer: string; reason: string; inlined?: string } {
  if (!isObject(schema)) return { ok: false, pointer: '', reason: 'the root must be { "type": "object" }' };
  let s: unknown = schema;
  let pointer = '';
  let inlined: string | undefined;
  for (let hops = 0; hops < 8 && isObject(s); hops++) {
    if (typeof s.$ref === 'string' && s.$ref.startsWith('#/')) {
      if (pointer === '') inlined = s.$ref;
      pointer = s.$ref.slice(1);
      s = resolveLocalRef(schema, s.$ref);
    } else if (isSingleAllOf(s)) {
      pointer += '/allOf/0';
      s = (s.allOf as unknown[])[0];
    } else break;
  }
  const base = { pointer, ...(inlined ? { inlined } : {}) };
  if (!isObject(s)) return { ok: false, ...base, reason: 'the root must be { "type": "object" }' };
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf))
    return {
      ok: false,
      ...base,
      reason: `the root is ${Array.isArray(s.anyOf) ? 'anyOf' : 'oneOf'}; OpenAI needs an object at the root (wrap the union in a property)`,
    };
  const ts = typesOf(s);
  if (ts.length ? ts.length !== 1 || ts[0] !== 'object' : !isObjectSchema(s)) {
    return {
      ok: false,
      ...base,
      reason: `the root is ${ts.length ? `type ${ts.join('|')}` : 'not an object schema'}; OpenAI needs { "type": "object" } at the root (wrap the value in a property)`,
    };
  }
  return { ok: true, ...base, reason: '' };
}

/** Where the export made an optional property required and nullable: owner object schema (in the output) -> property names. */
export type NullableMap = WeakMap<object, Set<string>>;

/**
 * Rewrite a schema for strict mode: a root $ref inlined, one-branch allOf flattened, optional
 * properties required and nullable (`type: [T, "null"]`, or `anyOf [..., {type: null}]`), objects
 * closed, oneOf as anyOf, annotations strict mode rejects dropped. What it changed is in `changes`
 * (sentences) and `rewrites` (lint notes pointing into the input). It may still fail lintOpenAI's errors.
 */
export function toOpenAIStrict(
  schema: unknown,
  options: { keepConstraints?: boolean } = {},
): { schema: unknown; changes: string[]; rewrites: LintFinding[]; nullable: NullableMap; moved: number } {
  const madeNullable: string[] = [];
  let inlinedRefs = 0;
  let typed = 0;
  let moved = 0;
  const nullableMap: NullableMap = new WeakMap();
  let closed = 0;
  const dropped = new Set<string>();
  let oneOf = 0;
  let allOf = 0;
  const fix = (o: JsonObject): JsonObject => {
    for (const k of DROPPED_ANNOTATIONS) {
      if (k in o) {
        dropped.add(k);
        delete o[k];
      }
    }
    if (isSingleAllOf(o)) {
      const branch = (o.allOf as JsonObject[])[0];
      delete o.allOf;
      o = { ...branch, ...o };
      allOf++;
    }
    if (typesOf(o).length === 0 && ('enum' in o || 'const' in o) && !('anyOf' in o) && !('$ref' in o)) {
      const t = literalTypes(o);
      if (t) {
        o = { type: t, ...o };
        typed++;
      }
    }
    const movable = MOVED_TO_DESCRIPTION.filter((k) => k in o);
    if (movable.length && !options.keepConstraints) {
      o.description = describeMoved(
        o.description,
        movable.map((k) => [k, o[k]]),
      );
      for (const k of movable) delete o[k];
      moved += movable.length;
    }
    if (Array.isArray(o.oneOf) && !('anyOf' in o)) {
      o.anyOf = o.oneOf;
      delete o.oneOf;
      oneOf++;
    }
    if (isObjectSchema(o)) {
      const props: JsonObject = isObject(o.properties) ? { ...o.properties } : {};
      const req = new Set(Array.isArray(o.required) ? (o.required as unknown[]) : []);
      const made = new Set<string>();
      for (const k of Object.keys(props)) {
        if (!req.has(k)) {
          const before = props[k];
          props[k] = nullable(before);
          // nullable() copies the property's schema: what was recorded for the original holds for the copy.
          const inner = isObject(before) ? nullableMap.get(before) : undefined;
          if (inner && isObject(props[k])) {
            const after = props[k] as JsonObject;
            nullableMap.set(
              Array.isArray(after.anyOf) && after.anyOf.length === 2 && isObject(after.anyOf[0]) && !('anyOf' in (before as JsonObject))
                ? after.anyOf[0]
                : after,
              inner,
            );
          }
          madeNullable.push(k);
          made.add(k);
        }
      }
      if (isObject(o.properties) || Object.keys(props).length) {
        o.properties = props;
        o.required = Object.keys(props);
      }
      if (o.additionalProperties === undefined || o.additionalProperties === true) {
        o.additionalProperties = false;
        closed++;
      }
      if (made.size) nullableMap.set(o, made);
    }
    return o;
  };
  const root = rootObject(schema);
  let input = schema;
  if (root.inlined && isObject(schema)) {
    const target = resolveLocalRef(schema, root.inlined);
    const { $ref: _r, ...rest } = schema;
    if (isObject(target)) input = { ...target, ...rest };
  }
  // A $ref with annotations beside it (Pydantic's described nested model): inlined one level, as openai-python does.
  const refRoot = input;
  input = mapSchema(input, (o) => {
    if (typeof o.$ref !== 'string' || !o.$ref.startsWith('#')) return o;
    const siblings = Object.keys(o).filter((k) => k !== '$ref');
    if (!siblings.length || !siblings.every((k) => ANNOTATIONS.has(k)) || o === refRoot) return o;
    const target = resolveLocalRef(refRoot, o.$ref);
    if (!isObject(target)) return o;
    const { $ref: _r, ...rest } = o;
    inlinedRefs++;
    const copy: JsonObject = { ...target, ...rest };
    delete copy.$defs;
    delete copy.definitions;
    return copy;
  });
  const rewritten = mapSchema(input, fix);
  const changes: string[] = [];
  if (root.inlined) changes.push(`strict mode: the root $ref '${root.inlined}' inlined (the root must be an object)`);
  if (allOf) changes.push(`strict mode: ${allOf} one-branch allOf flattened`);
  if (inlinedRefs)
    changes.push(
      `strict mode: ${inlinedRefs} $ref${inlinedRefs === 1 ? '' : 's'} with a description or title beside it inlined (OpenAI rejects keywords beside $ref)`,
    );
  if (typed) changes.push(`strict mode: ${typed} enum/const without type given the type of its values`);
  if (moved) changes.push(`strict mode: ${moved} minLength/maxLength moved into the description (validate --target openai still checks them)`);
  if (madeNullable.length) {
    changes.push(
      `strict mode: ${madeNullable.length} optional propert${madeNullable.length === 1 ? 'y' : 'ies'} (${summarise(madeNullable)}) made required and nullable; the model sends null for "absent" (validate --target openai --normalize maps it back)`,
    );
  }
  if (closed) changes.push(`strict mode: ${closed} open object${closed === 1 ? '' : 's'} closed with additionalProperties: false`);
  if (oneOf) changes.push(`strict mode: oneOf rewritten as anyOf (${oneOf}); the model is not held to exactly one branch`);
  if (dropped.size) changes.push(`strict mode: annotations dropped (${[...dropped].join(', ')})`);
  const rewrites = lintOpenAI(schema).filter((f) => f.severity === 'note');
  const out = withoutIdentity(rewritten);
  if (out !== rewritten && isObject(rewritten) && nullableMap.has(rewritten)) nullableMap.set(out as object, nullableMap.get(rewritten)!);
  return { schema: out, changes, rewrites, nullable: nullableMap, moved };
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

/** The Responses API's shapes: a flat function tool and `text.format`. */
export interface OpenAIResponsesExport {
  tool: { type: 'function'; name: string; description?: string; parameters: unknown; strict: boolean };
  text: { format: { type: 'json_schema'; name: string; description?: string; schema: unknown; strict: boolean } };
}

/**
 * The form of the schema the model is given under this target: the strict rewrite when strict mode can
 * express the schema, else the schema as written (root $ref inlined). Used by export, validate --target
 * and the TypeScript types of replies. Throws RefusedError when the root is not an object.
 */
export function openAIForm(
  schema: unknown,
  options: { keepConstraints?: boolean } = {},
): { schema: unknown; strict: boolean; notes: string[]; nullable: NullableMap; errors: LintFinding[]; moved: number } {
  const findings = lintOpenAI(schema);
  const errors = findings.filter((f) => f.severity === 'error');
  const root = errors.find((f) => f.rule === 'openai/root-object');
  if (root) throw new RefusedError(`cannot export for OpenAI: ${root.message}${root.pointer ? ` (at ${root.pointer})` : ''}`);
  if (errors.length === 0) {
    const strict = toOpenAIStrict(schema, options);
    return { schema: strict.schema, strict: true, notes: strict.changes, nullable: strict.nullable, errors, moved: strict.moved };
  }
  const rootInfo = rootObject(schema);
  let s = withoutIdentity(schema);
  if (rootInfo.inlined && isObject(s)) {
    const { $ref: _r, ...rest } = s;
    s = { ...(resolveLocalRef(schema, rootInfo.inlined) as JsonObject), ...rest };
  }
  const shown = errors.slice(0, 5).map((f) => `${f.rule} at ${f.pointer || '/'}: ${f.message}`);
  const notes = [
    `strict mode is off: the schema cannot be made strict (${errors.length} problem${errors.length === 1 ? '' : 's'}): ${shown.join('; ')}${errors.length > 5 ? '; ...' : ''}`,
  ];
  if (rootInfo.inlined) notes.unshift(`the root $ref '${rootInfo.inlined}' inlined (the root must be an object)`);
  return { schema: s, strict: false, notes, nullable: new WeakMap(), errors, moved: 0 };
}

/**
 * A function tool and a response_format for a JSON Schema, in the form openAIForm gives (strict when
 * lintOpenAI finds no error: the two never disagree).
 */
export function exportOpenAI(input: ExportInput & { api?: 'chat' }): ExportResult<OpenAIExport>;
export function exportOpenAI(input: ExportInput): ExportResult<OpenAIExport | OpenAIResponsesExport>;
export function exportOpenAI(input: ExportInput): ExportResult<OpenAIExport | OpenAIResponsesExport> {
  const notes: string[] = [];
  const name = toolName(input.name);
  if (name !== input.name) notes.push(`name '${input.name}' is not a valid OpenAI name (^[a-zA-Z0-9_-]{1,64}$); using '${name}'`);
  const form = openAIForm(input.schema);
  notes.push(...form.notes);
  const { schema, strict } = form;
  const description = input.description;
  if (input.api === 'responses') {
    const d = description ? { description } : {};
    return {
      output: { tool: { type: 'function', name, ...d, parameters: schema, strict }, text: { format: { type: 'json_schema', name, ...d, schema, strict } } },
      notes,
    };
  }
  return {
    output: {
      tool: { type: 'function', function: { name, ...(description ? { description } : {}), parameters: schema, strict } },
      response_format: { type: 'json_schema', json_schema: { name, ...(description ? { description } : {}), schema, strict } },
    },
    notes,
  };
}

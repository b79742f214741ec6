/**
 * The form of a schema a model is given under each target: one transformation per target, shared by
 * export, lint, `validate --target` and the TypeScript types of replies. `normalizeReply` maps what the
 * provider's form adds (OpenAI strict mode's null for an optional property) back to the registered shape.
 */
import { toAnthropicStrictForm } from './anthropic.js';
import { jsonForm, needsJsonForm, toGeminiSchema } from './gemini.js';
import { openAIForm, type NullableMap } from './openai.js';
import { inlineRootRef, isObject, resolveLocalRef, typesOf, walkSchema, withoutIdentity, type JsonObject } from './schema.js';
import { REPLY_TARGETS, type ReplyTarget } from './types.js';

/** Targets a reply can come from (declared in types.ts, which commands load without the providers). */
export { REPLY_TARGETS, type ReplyTarget };

export interface GivenForm {
  target: ReplyTarget;
  /** The JSON Schema the model was given (for Gemini's OpenAPI form, its JSON Schema equivalent). */
  schema: unknown;
  /** What the transformation changed. */
  notes: string[];
  /** OpenAI: where optional properties were made required and nullable. */
  nullable: NullableMap;
  /**
   * Constraints the form moved into descriptions (or relaxed, oneOf as anyOf): a reply that passes the form
   * is then checked against the registered schema (normalized with normalizeReply), so nothing is lost.
   */
  recheck: boolean;
}

/** The schema the model is given for a target. Throws RefusedError where the export refuses. */
export function givenForm(target: ReplyTarget, schema: unknown): GivenForm {
  const keepDialect = (s: unknown): unknown => (isObject(schema) && typeof schema.$schema === 'string' && isObject(s) ? { $schema: schema.$schema, ...s } : s);
  switch (target) {
    case 'openai': {
      const f = openAIForm(schema);
      const withDialect = keepDialect(f.schema);
      if (withDialect !== f.schema && isObject(f.schema) && f.nullable.has(f.schema)) f.nullable.set(withDialect as object, f.nullable.get(f.schema)!);
      return { target, schema: withDialect, notes: f.notes, nullable: f.nullable, recheck: f.moved > 0 };
    }
    case 'anthropic':
      return { target, schema: keepDialect(withoutIdentity(inlineRootRef(schema).schema)), notes: [], nullable: new WeakMap(), recheck: false };
    case 'anthropic-strict': {
      const f = toAnthropicStrictForm(schema);
      let oneOf = false;
      walkSchema(schema, (v) => {
        if (Array.isArray(v.schema.oneOf)) oneOf = true;
      });
      const notes = [
        'objects closed (additionalProperties: false)',
        ...(f.moved.length ? [`${f.moved.length} schema(s) with keywords moved into the description`] : []),
      ];
      return { target, schema: keepDialect(f.schema), notes, nullable: new WeakMap(), recheck: f.moved.length > 0 || oneOf };
    }
    case 'gemini': {
      if (needsJsonForm(schema))
        return { target, schema: keepDialect(jsonForm(schema)), notes: ['sent as responseJsonSchema'], nullable: new WeakMap(), recheck: false };
      const dropped = new Set<string>();
      const g = toGeminiSchema(schema, dropped);
      return {
        target,
        schema: fromGeminiSchema(g),
        notes: dropped.size ? [`dropped: ${[...dropped].join(', ')}`] : [],
        nullable: new WeakMap(),
        recheck: false,
      };
    }
    default:
      throw new Error(`unknown target '${String(target)}'`);
  }
}

/** The JSON Schema that Gemini's Schema (OpenAPI subset) means. */
export function fromGeminiSchema(g: unknown): unknown {
  if (!isObject(g)) return {};
  const out: JsonObject = {};
  const t = typeof g.type === 'string' ? g.type.toLowerCase() : undefined;
  const nullable = g.nullable === true;
  if (t) out.type = nullable ? [t, 'null'] : t;
  for (const k of ['title', 'description', 'format', 'minimum', 'maximum', 'pattern']) if (k in g) out[k] = g[k];
  for (const k of ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties']) if (k in g) out[k] = Number(g[k]);
  if (Array.isArray(g.enum)) out.enum = nullable ? [...g.enum, null] : g.enum;
  if (isObject(g.properties)) {
    out.properties = Object.fromEntries(Object.entries(g.properties).map(([k, v]) => [k, fromGeminiSchema(v)]));
    if (Array.isArray(g.required)) out.required = g.required;
  }
  if (isObject(g.items)) out.items = fromGeminiSchema(g.items);
  if (Array.isArray(g.anyOf)) {
    const branches = g.anyOf.map(fromGeminiSchema);
    if (nullable && !t) branches.push({ type: 'null' });
    out.anyOf = branches;
  }
  return out;
}

/**
 * A copy of a reply with the provider's additions taken back: for OpenAI strict mode, a null sent for a
 * property that is optional in the registered schema is removed (the model had to send something).
 * Other values are kept as they are, so a null the registered schema rejects still fails there.
 */
export function normalizeReply(value: unknown, form: GivenForm): unknown {
  const root = form.schema;
  const go = (v: unknown, s: unknown, depth: number): unknown => {
    if (depth > 200 || !isObject(s)) return v;
    if (typeof s.$ref === 'string') {
      const target = resolveLocalRef(root, s.$ref);
      return go(v, target, depth + 1);
    }
    if (Array.isArray(s.anyOf)) return go(v, pickBranch(v, s.anyOf, root), depth + 1);
    if (Array.isArray(v)) {
      if (!isObject(s.items)) return v;
      return v.map((x) => go(x, s.items, depth + 1));
    }
    if (isObject(v) && isObject(s.properties)) {
      const made = form.nullable.get(s);
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === null && made?.has(k)) continue;
        out[k] = k in s.properties ? go(x, s.properties[k], depth + 1) : x;
      }
      return out;
    }
    return v;
  };
  return go(value, root, 0);
}

/** The anyOf branch a value most likely took: matching type; for objects, the one declaring most of its keys. */
function pickBranch(v: unknown, branches: unknown[], root: unknown): unknown {
  const kind = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
  let best: unknown;
  let bestScore = -1;
  for (const b0 of branches) {
    let b = b0;
    for (let i = 0; i < 8 && isObject(b) && typeof b.$ref === 'string'; i++) b = resolveLocalRef(root, b.$ref);
    if (!isObject(b)) continue;
    const ts = typesOf(b);
    const typeOk = ts.length === 0 || ts.includes(kind) || (kind === 'integer' && ts.includes('number'));
    if (!typeOk) continue;
    let score = 1;
    if (kind === 'object' && isObject(v) && isObject(b.properties)) {
      const props = b.properties;
      const keys = Object.keys(v);
      score = 2 + keys.filter((k) => k in props).length - keys.filter((k) => !(k in props)).length;
    }
    if (score > bestScore) {
      best = b0;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The validator of replies under a target: the form the model was given, then (when the form moved
 * constraints into descriptions or relaxed oneOf) the registered schema on the normalized reply.
 */
export function formValidator(
  form: GivenForm,
  given: { validate(v: unknown): ReturnType<RegisteredValidator['validate']> },
  registered: RegisteredValidator,
): RegisteredValidator {
  if (!form.recheck) return given;
  return { validate: (v: unknown) => given.validate(v) ?? registered.validate(normalizeReply(v, form)) };
}

type RegisteredValidator = import('../model/types.js').DataValidator;

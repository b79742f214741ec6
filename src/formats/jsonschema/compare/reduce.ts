/**
 * A schema too large for ajv to compile in time (a 10,000-branch anyOf takes ajv seconds), reduced for one
 * instance: the root's anyOf / oneOf branches that certainly reject the instance are dropped. The reduced
 * schema accepts that instance exactly when the whole one does (an anyOf needs one accepting branch, a oneOf
 * exactly one; a rejecting branch counts for neither, and evaluates no property or item for
 * unevaluated*), so ajv can still confirm a witness against it.
 *
 * The root's properties are kept to those the instance holds (the others decide nothing about it).
 * A big enum at the root is reduced too: to [w] when it holds the (primitive) instance w, else to one of its
 * values, which w is not.
 *
 * "Certainly rejects" is decided only by keywords whose meaning is plain and identical in ajv: type, const,
 * enum, required, and those keywords under properties the instance has. Anything else keeps the branch.
 * Schemas that use $ref (or $dynamicRef, $recursiveRef) anywhere are not reduced: a dropped branch could be
 * the target of a reference.
 */
import { jsonEqual } from '../../../model/json.js';
import { isObject, surveyOf } from '../walk.js';

const MAX_ENUM = 1000;
/** Past this many values a root enum is reduced to the witness's answer (hasBigEnum). */
const BIG_ENUM = 1000;

/** The root holds an enum ajv would take long to search (worth reducing for each witness). */
export function hasBigEnum(schema: unknown): boolean {
  return isObject(schema) && Array.isArray(schema.enum) && schema.enum.length > BIG_ENUM;
}

/** The reduced schema, or undefined when the schema cannot be reduced (not an object, or it refers). */
export function reduceForInstance(schema: unknown, w: unknown): unknown {
  if (!isObject(schema) || surveyOf(schema).refers) return undefined;
  const out: Record<string, unknown> = { ...schema };
  // a big enum at the root: the witness's membership is all that it decides (strict equality is JSON
  // equality for a primitive); ajv tries the values one by one, a million deep-equal calls per instance
  const en = schema.enum;
  if (Array.isArray(en) && en.length > BIG_ENUM && (w === null || typeof w !== 'object')) out.enum = en.includes(w) ? [w] : [en[0]];
  // properties the instance does not have decide nothing about it (additionalProperties and
  // unevaluatedProperties look only at the instance's names): a root with 20,000 properties is kept to the few
  // the witness holds
  if (isObject(schema.properties)) {
    const props = schema.properties;
    const kept: Record<string, unknown> = {};
    if (isObject(w)) for (const k of Object.keys(w)) if (Object.prototype.hasOwnProperty.call(props, k)) kept[k] = props[k];
    out.properties = kept;
  }
  for (const k of ['anyOf', 'oneOf'] as const) {
    const branches = schema[k];
    if (!Array.isArray(branches)) continue;
    const kept = branches.filter((b) => !rejects(b, w, 0));
    out[k] = kept.length ? kept : [false];
  }
  return out;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** True only when schema `s` rejects instance `w` for sure (see the module comment). */
function rejects(s: unknown, w: unknown, depth: number): boolean {
  if (s === false) return true;
  if (!isObject(s)) return false;
  const t = s.type;
  if (typeof t === 'string' || Array.isArray(t)) {
    const types = (Array.isArray(t) ? t : [t]) as unknown[];
    const jt = jsonType(w);
    const ok = types.some((x) => x === jt || (jt === 'number' && x === 'integer' && Number.isInteger(w)));
    if (!ok) return true;
  }
  if ('const' in s && !jsonEqual(s.const, w)) return true;
  if (Array.isArray(s.enum) && s.enum.length <= MAX_ENUM && !s.enum.some((x) => jsonEqual(x, w))) return true;
  if (isObject(w)) {
    if (Array.isArray(s.required) && s.required.some((r) => typeof r === 'string' && !Object.prototype.hasOwnProperty.call(w, r))) return true;
    if (depth < 4 && isObject(s.properties)) {
      for (const [k, sub] of Object.entries(s.properties)) {
        if (Object.prototype.hasOwnProperty.call(w, k) && rejects(sub, w[k], depth + 1)) return true;
      }
    }
  }
  return false;
}

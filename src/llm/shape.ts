/**
 * Does a value have the shape a JSON Schema wants, at the top: its type, and for objects the property
 * names (required ones present, none undeclared where the object is closed, at least one declared one)?
 * Values are not checked: this picks among several JSON candidates in a reply, it does not validate.
 */
import { isObject, resolveLocalRef, typesOf, type JsonObject } from '../providers/schema.js';

export function shapeFits(schema: unknown): (value: unknown) => boolean {
  return (value) => fits(schema, schema, value, 0);
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

function fits(root: unknown, s0: unknown, v: unknown, depth: number): boolean {
  if (depth > 16 || s0 === true || !isObject(s0)) return s0 !== false;
  let s: JsonObject = s0;
  if (typeof s.$ref === 'string') {
    const t = resolveLocalRef(root, s.$ref);
    if (isObject(t)) return fits(root, { ...t, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== '$ref')) }, v, depth + 1);
  }
  if (Array.isArray(s.allOf)) {
    if (!s.allOf.every((b) => fits(root, b, v, depth + 1))) return false;
    s = { ...s, allOf: undefined };
  }
  for (const k of ['anyOf', 'oneOf'] as const) {
    const branches = s[k];
    if (Array.isArray(branches) && !branches.some((b) => fits(root, b, v, depth + 1))) return false;
  }
  const t = jsonType(v);
  const types = typesOf(s);
  if (types.length && !types.includes(t) && !(t === 'integer' && types.includes('number'))) return false;
  if (t === 'object' && isObject(s.properties)) {
    const props = s.properties;
    const keys = Object.keys(v as object);
    if (Array.isArray(s.required) && !s.required.every((r) => typeof r !== 'string' || keys.includes(r))) return false;
    if (s.additionalProperties === false && keys.some((k) => !(k in props))) return false;
    if (keys.length && Object.keys(props).length && !keys.some((k) => k in props)) return false;
  }
  return true;
}

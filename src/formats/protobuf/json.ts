/**
 * Validation of data in the proto3 JSON mapping against a message type: field names (JSON name or proto
 * name), 64-bit integers as strings or numbers, enums by name or number, bytes as base64, well-known types
 * in their special forms (Timestamp as RFC 3339, Duration as "1.5s", wrappers as bare values, Struct/Value
 * as any JSON, FieldMask as a string, Any with "@type"). Errors carry a JSON pointer and a reason.
 */
import type { DataError } from '../../model/types.js';
import { jsonNameOf } from './compat.js';
import type { PbEnum, PbField, PbType } from './load.js';

const esc = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

const RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const DURATION = /^-?\d+(\.\d{1,9})?s$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
const WRAPPERS: Record<string, string> = {
  DoubleValue: 'double',
  FloatValue: 'float',
  Int64Value: 'int64',
  UInt64Value: 'uint64',
  Int32Value: 'int32',
  UInt32Value: 'uint32',
  BoolValue: 'bool',
  StringValue: 'string',
  BytesValue: 'bytes',
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  return `${typeof v} ${String(v)}`;
}
function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class ProtoJsonValidator {
  /** Per message type: JSON key -> field. */
  private readonly keys = new WeakMap<PbType, Map<string, PbField>>();
  constructor(private readonly root: PbType) {}

  validate(data: unknown): DataError[] | null {
    const out: DataError[] = [];
    this.message(this.root, data, '', out, 0);
    return out.length ? out : null;
  }

  private fieldKeys(t: PbType): Map<string, PbField> {
    let m = this.keys.get(t);
    if (!m) {
      m = new Map();
      for (const f of t.fieldsArray as PbField[]) {
        m.set(f.name, f);
        m.set(jsonNameOf(f), f);
      }
      this.keys.set(t, m);
    }
    return m;
  }

  private message(t: PbType, v: unknown, path: string, out: DataError[], depth: number): void {
    if (out.length >= 50) return;
    if (depth > 100) {
      out.push({ path, message: 'data is nested too deeply to validate' });
      return;
    }
    const full = String(t.fullName).replace(/^\./, '');
    if (full.startsWith('google.protobuf.')) {
      const special = this.wellKnown(full.slice('google.protobuf.'.length), v, path, out, depth);
      if (special) return;
    }
    if (!isObj(v)) {
      out.push({ path, message: `expected message ${full} (an object), got ${describe(v)}`, keyword: 'type' });
      return;
    }
    const keys = this.fieldKeys(t);
    const oneofSeen = new Map<string, string>();
    for (const k of Object.keys(v)) {
      const f = keys.get(k);
      const p = `${path}/${esc(k)}`;
      if (!f) {
        out.push({ path: p, message: `unknown field "${k}" in message ${full}`, keyword: 'additionalProperties' });
        continue;
      }
      const x = v[k];
      if (x === null && !(f.resolvedType && String(f.resolvedType.fullName) === '.google.protobuf.Value')) continue; // null: the default
      if (f.partOf && !f.options?.proto3_optional) {
        const prev = oneofSeen.get(f.partOf.name);
        if (prev) out.push({ path: p, message: `fields "${prev}" and "${k}" are both set, but belong to oneof "${f.partOf.name}"`, keyword: 'oneof' });
        else oneofSeen.set(f.partOf.name, k);
      }
      this.field(f, x, p, out, depth);
    }
    for (const f of t.fieldsArray as PbField[]) {
      if (f.required && v[f.name] === undefined && v[jsonNameOf(f)] === undefined) {
        out.push({ path: `${path}/${esc(jsonNameOf(f))}`, message: `missing required field "${f.name}"`, keyword: 'required' });
      }
    }
  }

  private field(f: PbField, v: unknown, path: string, out: DataError[], depth: number): void {
    if (f.map) {
      if (!isObj(v)) {
        out.push({ path, message: `expected a map (an object), got ${describe(v)}`, keyword: 'type' });
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        const kp = `${path}/${esc(k)}`;
        if (f.keyType === 'bool') {
          if (k !== 'true' && k !== 'false') out.push({ path: kp, message: `map key "${k}" is not a bool ("true" or "false")`, keyword: 'propertyNames' });
        } else if (f.keyType !== 'string' && !/^-?\d+$/.test(k)) {
          out.push({ path: kp, message: `map key "${k}" is not a ${f.keyType}`, keyword: 'propertyNames' });
        }
        this.single(f, x, kp, out, depth);
      }
      return;
    }
    if (f.repeated) {
      if (!Array.isArray(v)) {
        out.push({ path, message: `expected a list (repeated ${f.type}), got ${describe(v)}`, keyword: 'type' });
        return;
      }
      v.forEach((x, i) => this.single(f, x, `${path}/${i}`, out, depth));
      return;
    }
    this.single(f, v, path, out, depth);
  }

  private single(f: PbField, v: unknown, path: string, out: DataError[], depth: number): void {
    const rt = f.resolvedType;
    if (rt && 'values' in rt && !('fields' in rt)) return this.enumValue(rt as PbEnum, v, path, out);
    if (rt) return this.message(rt, v, path, out, depth + 1);
    const problem = scalarProblem(f.type, v);
    if (problem) out.push({ path, message: problem, keyword: 'type' });
  }

  private enumValue(e: PbEnum, v: unknown, path: string, out: DataError[]): void {
    const full = String(e.fullName).replace(/^\./, '');
    if (full === 'google.protobuf.NullValue' && v === null) return;
    if (typeof v === 'string') {
      if (!(v in e.values)) out.push({ path, message: `"${v}" is not a value of enum ${full} (${Object.keys(e.values).join(', ')})`, keyword: 'enum' });
      return;
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return; // open enums accept numbers
    out.push({ path, message: `expected a value of enum ${full} (a name or a number), got ${describe(v)}`, keyword: 'enum' });
  }

  /** Returns true when the type has a special JSON form (and it was checked). */
  private wellKnown(name: string, v: unknown, path: string, out: DataError[], depth: number): boolean {
    const fail = (message: string): true => {
      out.push({ path, message, keyword: 'format' });
      return true;
    };
    switch (name) {
      case 'Timestamp': {
        if (typeof v !== 'string') return fail(`expected a Timestamp as an RFC 3339 string, got ${describe(v)}`);
        const m = RFC3339.exec(v);
        if (
          !m ||
          Number(m[2]) < 1 ||
          Number(m[2]) > 12 ||
          Number(m[3]) < 1 ||
          Number(m[3]) > 31 ||
          Number(m[4]) > 23 ||
          Number(m[5]) > 59 ||
          Number(m[6]) > 60
        ) {
          return fail(`"${v}" is not an RFC 3339 timestamp (e.g. "2024-01-31T12:00:00Z")`);
        }
        return true;
      }
      case 'Duration':
        if (typeof v !== 'string' || !DURATION.test(v))
          return fail(`expected a Duration as a string of seconds with an "s" suffix (e.g. "1.5s"), got ${describe(v)}`);
        return true;
      case 'FieldMask':
        if (typeof v !== 'string') return fail(`expected a FieldMask as a comma-separated string, got ${describe(v)}`);
        return true;
      case 'Struct':
        if (!isObj(v)) return fail(`expected a Struct (an object), got ${describe(v)}`);
        return true;
      case 'ListValue':
        if (!Array.isArray(v)) return fail(`expected a ListValue (an array), got ${describe(v)}`);
        return true;
      case 'Value':
        return true;
      case 'Empty':
        if (!isObj(v) || Object.keys(v).length) return fail(`expected an Empty message ({}), got ${describe(v)}`);
        return true;
      case 'Any':
        if (!isObj(v) || typeof v['@type'] !== 'string') return fail(`expected an Any: an object with an "@type" string, got ${describe(v)}`);
        return true;
      default:
        if (name in WRAPPERS) {
          const p = scalarProblem(WRAPPERS[name], v);
          if (p) fail(p);
          return true;
        }
        void depth;
        return false;
    }
  }
}

export function scalarProblem(type: string, v: unknown): string | null {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? null : `expected a string, got ${describe(v)}`;
    case 'bool':
      return typeof v === 'boolean' ? null : `expected a bool (true or false), got ${describe(v)}`;
    case 'bytes':
      return typeof v === 'string' && BASE64.test(v) ? null : `expected bytes as a base64 string, got ${describe(v)}`;
    case 'float':
    case 'double':
      if (typeof v === 'number') return null;
      if (typeof v === 'string' && (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || (v.trim() !== '' && !Number.isNaN(Number(v))))) return null;
      return `expected a ${type} (a number, or "NaN"/"Infinity"/"-Infinity"), got ${describe(v)}`;
    default: {
      const range = RANGES[type];
      if (!range) return null;
      let n: bigint;
      if (typeof v === 'number') {
        if (!Number.isInteger(v)) return `expected ${type} (an integer), got ${v}`;
        n = BigInt(v);
      } else if (typeof v === 'string' && /^-?\d+$/.test(v)) {
        n = BigInt(v);
      } else if (typeof v === 'string' && /^-?\d+(\.0*)?(e\+?\d+)?$/i.test(v) && Number.isInteger(Number(v))) {
        n = BigInt(Number(v));
      } else {
        return `expected ${type} (an integer${/64/.test(type) ? ', usually as a string' : ''}), got ${describe(v)}`;
      }
      if (n < range[0] || n > range[1]) return `${String(v)} is out of the ${type} range`;
      return null;
    }
  }
}

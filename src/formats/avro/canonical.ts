/**
 * Canonical forms of an Avro schema.
 *
 * - `pcf`: Avro's Parsing Canonical Form exactly as the specification defines it (full names, no
 *   namespace/doc/aliases/defaults, fixed key order, no white space). What the wire format depends on.
 * - `canonical` (ids, "identical content"): the PCF layout plus everything else that changes what the schema
 *   means to a reader or a user: field defaults, aliases (they steer schema resolution), enum defaults,
 *   logical types and their attributes, sort order, docs and custom properties. Extra attributes follow the PCF
 *   keys in sorted order, so key order and white space in the file never matter.
 * - `withoutAnnotations`: `canonical` minus docs and custom properties (annotation-only changes need a patch bump).
 */
import { canonicalJson } from '../../model/json.js';
import type { AvroNode, FieldNode } from './model.js';

interface Opts {
  pcf: boolean;
  annotations: boolean;
}

export function pcf(root: AvroNode): string {
  return emit(root, { pcf: true, annotations: false }, new Set());
}
export function canonicalForm(root: AvroNode): string {
  return emit(root, { pcf: false, annotations: true }, new Set());
}
export function canonicalWithoutAnnotations(root: AvroNode): string {
  return emit(root, { pcf: false, annotations: false }, new Set());
}

function extras(parts: string[], attrs: Record<string, unknown>): void {
  for (const k of Object.keys(attrs).sort()) {
    if (attrs[k] === undefined) continue;
    parts.push(JSON.stringify(k) + ':' + canonicalJson(attrs[k]));
  }
}

function commonAttrs(n: { logicalType?: string; props: Record<string, unknown>; doc?: string }, o: Opts): Record<string, unknown> {
  if (o.pcf) return {};
  const a: Record<string, unknown> = {};
  if (n.logicalType) {
    a.logicalType = n.logicalType;
    // precision/scale belong to decimal and matter for resolution
    if ('precision' in n.props) a.precision = n.props.precision;
    if ('scale' in n.props) a.scale = n.props.scale;
  }
  if (o.annotations) {
    if (n.doc !== undefined) a.doc = n.doc;
    for (const [k, v] of Object.entries(n.props)) if (!(k in a)) a[k] = v;
  }
  return a;
}

function emit(n: AvroNode, o: Opts, defined: Set<string>): string {
  switch (n.kind) {
    case 'primitive': {
      const a = commonAttrs(n, o);
      if (Object.keys(a).length === 0) return JSON.stringify(n.type);
      const parts = ['"type":' + JSON.stringify(n.type)];
      extras(parts, a);
      return '{' + parts.join(',') + '}';
    }
    case 'union':
      return '[' + n.branches.map((b) => emit(b, o, defined)).join(',') + ']';
    case 'array': {
      const parts = ['"type":"array"', '"items":' + emit(n.items, o, defined)];
      extras(parts, commonAttrs(n, o));
      return '{' + parts.join(',') + '}';
    }
    case 'map': {
      const parts = ['"type":"map"', '"values":' + emit(n.values, o, defined)];
      extras(parts, commonAttrs(n, o));
      return '{' + parts.join(',') + '}';
    }
    default: {
      if (defined.has(n.name) || n.external) return JSON.stringify(n.name);
      defined.add(n.name);
      const parts = ['"name":' + JSON.stringify(n.name), '"type":' + JSON.stringify(n.kind === 'record' ? (o.pcf ? 'record' : n.recordType) : n.kind)];
      if (n.kind === 'record') parts.push('"fields":[' + n.fields.map((f) => emitField(f, o, defined)).join(',') + ']');
      if (n.kind === 'enum') parts.push('"symbols":' + JSON.stringify(n.symbols));
      if (n.kind === 'fixed') parts.push('"size":' + String(n.size));
      const a = commonAttrs(n, o);
      if (!o.pcf) {
        if (n.aliases.length) a.aliases = [...n.aliases].sort();
        if (n.kind === 'enum' && n.default !== undefined) a.default = n.default;
      }
      extras(parts, a);
      return '{' + parts.join(',') + '}';
    }
  }
}

function emitField(f: FieldNode, o: Opts, defined: Set<string>): string {
  const parts = ['"name":' + JSON.stringify(f.name), '"type":' + emit(f.type, o, defined)];
  if (!o.pcf) {
    const a: Record<string, unknown> = {};
    if (f.aliases.length) a.aliases = [...f.aliases].sort();
    if (f.hasDefault) a.default = f.default;
    if (f.order && f.order !== 'ascending') a.order = f.order;
    if (o.annotations) {
      if (f.doc !== undefined) a.doc = f.doc;
      Object.assign(a, f.props);
    }
    extras(parts, a);
  }
  return '{' + parts.join(',') + '}';
}

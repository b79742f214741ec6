/**
 * A resolved model of an Avro schema: full names, named types shared by reference (recursive types
 * are cycles), field aliases made absolute. The compatibility walker, the data validator and the
 * canonical form all work on this model, never on the raw JSON.
 */
import { InputError } from '../../model/errors.js';

export type PrimitiveName = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';
export const PRIMITIVES: readonly string[] = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'];

/** Attributes every node may carry besides its structure: logical type, doc, custom properties. */
interface Common {
  logicalType?: string;
  /** logicalType companions (precision, scale) and other properties, excluding doc. */
  props: Record<string, unknown>;
  doc?: string;
}

export interface PrimitiveNode extends Common {
  kind: 'primitive';
  type: PrimitiveName;
}
export interface NamedBase extends Common {
  name: string;
  aliases: string[];
  /** Defined in a referenced schema, not in this one (the canonical form names it only). */
  external?: boolean;
}
export interface RecordNode extends NamedBase {
  kind: 'record';
  /** 'record' or 'error' */
  recordType: string;
  fields: FieldNode[];
}
export interface EnumNode extends NamedBase {
  kind: 'enum';
  symbols: string[];
  default?: string;
}
export interface FixedNode extends NamedBase {
  kind: 'fixed';
  size: number;
}
export interface ArrayNode extends Common {
  kind: 'array';
  items: AvroNode;
}
export interface MapNode extends Common {
  kind: 'map';
  values: AvroNode;
}
export interface UnionNode {
  kind: 'union';
  branches: AvroNode[];
}
export interface FieldNode {
  name: string;
  aliases: string[];
  type: AvroNode;
  hasDefault: boolean;
  default?: unknown;
  doc?: string;
  order?: string;
  props: Record<string, unknown>;
}
export type NamedNode = RecordNode | EnumNode | FixedNode;
export type AvroNode = PrimitiveNode | NamedNode | ArrayNode | MapNode | UnionNode;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED: Record<string, Set<string>> = {
  record: new Set(['type', 'name', 'namespace', 'fields', 'aliases', 'doc']),
  error: new Set(['type', 'name', 'namespace', 'fields', 'aliases', 'doc']),
  enum: new Set(['type', 'name', 'namespace', 'symbols', 'aliases', 'doc', 'default']),
  fixed: new Set(['type', 'name', 'namespace', 'size', 'aliases', 'doc']),
  array: new Set(['type', 'items', 'doc']),
  map: new Set(['type', 'values', 'doc']),
  primitive: new Set(['type', 'doc']),
  field: new Set(['name', 'type', 'default', 'doc', 'order', 'aliases']),
};

function qualify(name: string, namespace: string | undefined): string {
  if (name.includes('.')) return name;
  return namespace ? `${namespace}.${name}` : name;
}

function checkFullName(full: string, what: string): void {
  for (const part of full.split('.')) {
    if (!NAME_RE.test(part)) throw new Error(`invalid ${what} name: "${full}"`);
  }
}

/** The namespace part of a full name. */
export function namespaceOf(full: string): string | undefined {
  const i = full.lastIndexOf('.');
  return i < 0 ? undefined : full.slice(0, i);
}
export function shortName(full: string): string {
  return full.slice(full.lastIndexOf('.') + 1);
}

/** Builds the model; throws plain Errors with a reason (the handler adds the file). */
export class ModelBuilder {
  readonly named = new Map<string, NamedNode>();

  /** Register the named types of a referenced schema (they are named, not inlined, in this one's canonical form). */
  addExternal(value: unknown): void {
    const before = new Set(this.named.keys());
    this.build(value, undefined);
    for (const [k, v] of this.named) if (!before.has(k)) v.external = true;
  }

  build(schema: unknown, namespace: string | undefined): AvroNode {
    if (typeof schema === 'string') return this.byName(schema, namespace);
    if (Array.isArray(schema)) {
      // Java's parser takes `[]` (and calls it a compatible writer for any reader: it can write nothing); avsc,
      // which validates data and reads containers here, refuses it, and so does llm-schema (README: Avro)
      if (schema.length === 0) throw new Error('empty union: a union needs at least one branch (no value can be written with [])');
      const branches = schema.map((s) => this.build(s, namespace));
      const seen = new Set<string>();
      for (const b of branches) {
        if (b.kind === 'union') throw new Error('a union cannot directly contain another union');
        const key = branchKey(b);
        if (seen.has(key)) throw new Error(`duplicate union branch: "${key}"`);
        seen.add(key);
      }
      return { kind: 'union', branches };
    }
    if (schema === null || typeof schema !== 'object') throw new Error(`invalid type: ${JSON.stringify(schema)}`);
    const obj = schema as Record<string, unknown>;
    const type = obj.type;
    if (typeof type !== 'string') {
      if (type !== undefined && typeof type === 'object') {
        // {"type": {...}} or {"type": [...]}: a wrapped type
        return this.build(type, namespace);
      }
      throw new Error(`missing or invalid "type" in ${JSON.stringify(schema).slice(0, 80)}`);
    }
    const doc = typeof obj.doc === 'string' ? obj.doc : undefined;
    const logicalType = typeof obj.logicalType === 'string' ? obj.logicalType : undefined;
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      return this.buildNamed(obj, type, namespace, doc, logicalType);
    }
    if (type === 'array') {
      if (obj.items === undefined) throw new Error('array without "items"');
      return { kind: 'array', items: this.build(obj.items, namespace), doc, logicalType, props: extraProps(obj, RESERVED.array) };
    }
    if (type === 'map') {
      if (obj.values === undefined) throw new Error('map without "values"');
      return { kind: 'map', values: this.build(obj.values, namespace), doc, logicalType, props: extraProps(obj, RESERVED.map) };
    }
    if (PRIMITIVES.includes(type)) {
      return { kind: 'primitive', type: type as PrimitiveName, doc, logicalType, props: extraProps(obj, RESERVED.primitive) };
    }
    // {"type": "SomeNamedType"}
    return this.byName(type, namespace);
  }

  private byName(name: string, namespace: string | undefined): AvroNode {
    if (PRIMITIVES.includes(name)) return { kind: 'primitive', type: name as PrimitiveName, props: {} };
    const found = this.named.get(qualify(name, namespace)) ?? this.named.get(name);
    if (!found) throw new Error(`unknown type: "${name}"`);
    return found;
  }

  private buildNamed(
    obj: Record<string, unknown>,
    type: string,
    namespace: string | undefined,
    doc: string | undefined,
    logicalType: string | undefined,
  ): NamedNode {
    if (typeof obj.name !== 'string') throw new Error(`${type} without a "name"`);
    const ns = obj.name.includes('.')
      ? namespaceOf(obj.name)
      : typeof obj.namespace === 'string' && obj.namespace !== ''
        ? obj.namespace
        : obj.namespace === ''
          ? undefined
          : namespace;
    const full = qualify(obj.name, ns);
    checkFullName(full, type);
    if (PRIMITIVES.includes(shortName(full)) && !full.includes('.')) throw new Error(`invalid ${type} name: "${full}" is a primitive type`);
    if (this.named.has(full)) throw new Error(`duplicate type name: "${full}"`);
    const aliases = this.aliases(obj.aliases, ns, type);
    const props = extraProps(obj, RESERVED[type]);
    let node: NamedNode;
    if (type === 'enum') {
      if (!Array.isArray(obj.symbols)) throw new Error(`enum "${full}" without "symbols"`);
      const seen = new Set<string>();
      for (const s of obj.symbols) {
        if (typeof s !== 'string' || !NAME_RE.test(s)) throw new Error(`invalid symbol ${JSON.stringify(s)} in enum "${full}"`);
        if (seen.has(s)) throw new Error(`duplicate symbol "${s}" in enum "${full}"`);
        seen.add(s);
      }
      if (obj.default !== undefined && (typeof obj.default !== 'string' || !seen.has(obj.default))) {
        throw new Error(`bad default ${JSON.stringify(obj.default)} for enum "${full}": not one of its symbols`);
      }
      node = { kind: 'enum', name: full, aliases, symbols: obj.symbols as string[], default: obj.default as string | undefined, doc, logicalType, props };
      this.named.set(full, node);
      return node;
    }
    if (type === 'fixed') {
      if (typeof obj.size !== 'number' || !Number.isInteger(obj.size) || obj.size < 0) throw new Error(`fixed "${full}" needs a non-negative integer "size"`);
      node = { kind: 'fixed', name: full, aliases, size: obj.size, doc, logicalType, props };
      this.named.set(full, node);
      return node;
    }
    if (!Array.isArray(obj.fields)) throw new Error(`record "${full}" without "fields"`);
    const rec: RecordNode = { kind: 'record', recordType: type, name: full, aliases, fields: [], doc, logicalType, props };
    this.named.set(full, rec); // before the fields: recursive types refer to it
    const names = new Set<string>();
    for (const f of obj.fields as unknown[]) {
      if (f === null || typeof f !== 'object' || Array.isArray(f)) throw new Error(`invalid field in record "${full}"`);
      const fo = f as Record<string, unknown>;
      if (typeof fo.name !== 'string' || !NAME_RE.test(fo.name)) throw new Error(`invalid field name ${JSON.stringify(fo.name)} in record "${full}"`);
      if (names.has(fo.name)) throw new Error(`duplicate field "${fo.name}" in record "${full}"`);
      names.add(fo.name);
      if (fo.type === undefined) throw new Error(`field "${fo.name}" of record "${full}" has no "type"`);
      const ftype = this.build(fo.type, ns);
      const faliases = Array.isArray(fo.aliases) ? fo.aliases.filter((a): a is string => typeof a === 'string') : [];
      for (const a of faliases) if (!NAME_RE.test(a)) throw new Error(`invalid alias "${a}" of field "${fo.name}" in record "${full}"`);
      rec.fields.push({
        name: fo.name,
        aliases: faliases,
        type: ftype,
        hasDefault: 'default' in fo,
        default: fo.default,
        doc: typeof fo.doc === 'string' ? fo.doc : undefined,
        order: typeof fo.order === 'string' ? fo.order : undefined,
        props: extraProps(fo, RESERVED.field),
      });
    }
    return rec;
  }

  private aliases(v: unknown, ns: string | undefined, type: string): string[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new Error(`"aliases" of a ${type} must be an array`);
    return v.map((a) => {
      if (typeof a !== 'string') throw new Error(`invalid alias ${JSON.stringify(a)}`);
      const full = qualify(a, ns);
      checkFullName(full, 'alias');
      return full;
    });
  }
}

function extraProps(obj: Record<string, unknown>, reserved: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) if (!reserved.has(k) && k !== 'namespace') out[k] = obj[k];
  return out;
}

/** The key a value of this branch takes in Avro's JSON encoding of a union. */
export function branchKey(n: AvroNode): string {
  switch (n.kind) {
    case 'primitive':
      return n.type;
    case 'record':
    case 'enum':
    case 'fixed':
      return n.name;
    case 'array':
      return 'array';
    case 'map':
      return 'map';
    case 'union':
      return 'union';
  }
}

/** A short, readable type name for messages. */
export function typeLabel(n: AvroNode): string {
  switch (n.kind) {
    case 'primitive':
      return n.logicalType ? `${n.type} (${n.logicalType})` : n.type;
    case 'record':
    case 'enum':
    case 'fixed':
      return `${n.kind} ${n.name}`;
    case 'array':
      return `array<${typeLabel(n.items)}>`;
    case 'map':
      return `map<${typeLabel(n.values)}>`;
    case 'union':
      return `[${n.branches.map(typeLabel).join(', ')}]`;
  }
}

/** Checks a default value against its type (Avro's JSON encoding, a union's default matching its first branch). */
export function defaultProblem(n: AvroNode, v: unknown, seen = 0): string | null {
  if (seen > 200) return null;
  switch (n.kind) {
    case 'primitive':
      switch (n.type) {
        case 'null':
          return v === null ? null : 'expected null';
        case 'boolean':
          return typeof v === 'boolean' ? null : 'expected a boolean';
        case 'int':
          return Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647 ? null : 'expected an int';
        case 'long':
          return Number.isInteger(v) ? null : 'expected a long';
        case 'float':
        case 'double':
          return typeof v === 'number' ? null : 'expected a number';
        case 'bytes':
        case 'string':
          return typeof v === 'string' ? null : 'expected a string';
      }
      return null;
    case 'enum':
      return typeof v === 'string' && n.symbols.includes(v) ? null : `expected one of ${n.symbols.join(', ')}`;
    case 'fixed':
      return typeof v === 'string' && v.length === n.size ? null : `expected a string of ${n.size} bytes`;
    case 'array':
      if (!Array.isArray(v)) return 'expected an array';
      for (const x of v) {
        const p = defaultProblem(n.items, x, seen + 1);
        if (p) return p;
      }
      return null;
    case 'map':
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected an object';
      for (const x of Object.values(v)) {
        const p = defaultProblem(n.values, x, seen + 1);
        if (p) return p;
      }
      return null;
    case 'union': {
      const p = defaultProblem(n.branches[0], v, seen + 1);
      return p ? `${p} (a union's default must match its first branch, ${typeLabel(n.branches[0])})` : null;
    }
    case 'record': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'expected an object';
      const o = v as Record<string, unknown>;
      for (const f of n.fields) {
        if (!(f.name in o)) {
          if (f.hasDefault) continue;
          return `missing field "${f.name}"`;
        }
        const p = defaultProblem(f.type, o[f.name], seen + 1);
        if (p) return `${f.name}: ${p}`;
      }
      return null;
    }
  }
}

/** Parse a schema JSON value into the model, with the named types of references available. */
export interface RefLike {
  value: unknown;
  references?: { schema: RefLike }[];
}

export function buildModel(value: unknown, references: RefLike[] = [], file?: string): AvroNode {
  const b = new ModelBuilder();
  const addRefs = (refs: RefLike[]): void => {
    for (const r of refs) {
      addRefs((r.references ?? []).map((x) => x.schema));
      try {
        b.addExternal(r.value);
      } catch (err) {
        if (/duplicate type name/.test((err as Error).message)) continue; // shared by two references
        throw new InputError(`a referenced schema is invalid: ${(err as Error).message}`, { file });
      }
    }
  };
  addRefs(references);
  const root = b.build(value, undefined);
  checkDefaults(root, new Set());
  return root;
}

function checkDefaults(n: AvroNode, seen: Set<AvroNode>): void {
  if (seen.has(n)) return;
  seen.add(n);
  switch (n.kind) {
    case 'record':
      for (const f of n.fields) {
        if (f.hasDefault) {
          const p = defaultProblem(f.type, f.default);
          if (p) throw new Error(`bad default ${JSON.stringify(f.default)} for field "${f.name}" of record "${n.name}": ${p}`);
        }
        checkDefaults(f.type, seen);
      }
      return;
    case 'array':
      return checkDefaults(n.items, seen);
    case 'map':
      return checkDefaults(n.values, seen);
    case 'union':
      for (const b of n.branches) checkDefaults(b, seen);
      return;
    default:
      return;
  }
}

/** Every field, record, enum and symbol name, for search. */
export function names(root: AvroNode): string[] {
  const out = new Set<string>();
  const seen = new Set<AvroNode>();
  const walk = (n: AvroNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    switch (n.kind) {
      case 'record':
        out.add(shortName(n.name));
        for (const f of n.fields) {
          out.add(f.name);
          walk(f.type);
        }
        return;
      case 'enum':
        out.add(shortName(n.name));
        return;
      case 'fixed':
        out.add(shortName(n.name));
        return;
      case 'array':
        return walk(n.items);
      case 'map':
        return walk(n.values);
      case 'union':
        return n.branches.forEach(walk);
      default:
        return;
    }
  };
  walk(root);
  return [...out];
}

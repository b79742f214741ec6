/**
 * Protobuf schemas as `FileDescriptorProto`s, the form Confluent's clients ask for with `format=serialized`
 * (base64 of the encoded descriptor) and may post to lookup and compatibility routes.
 *
 * The descriptor is built and encoded with protobufjs's descriptor extension; this module only picks what
 * belongs to the schema's own file (its imports become `dependency` entries, named as the references name
 * them) and brings the result to protoc's conventions that Confluent's clients rely on: fully-qualified type
 * names, map entries named `<Field>Entry`, synthetic oneofs (proto3 `optional`) after the real ones.
 */
import { createRequire } from 'node:module';
import { InputError } from '../../model/errors.js';
import type { ParsedSchema, ParseOptions } from '../../model/types.js';
import { loadedOf, protobufHandler } from './handler.js';
import { protobufjs, type PbType } from './load.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
let descriptorModule: any;
async function descriptorExt(): Promise<any> {
  if (!descriptorModule) {
    await protobufjs(); // the extension adds toDescriptor/fromDescriptor to the classes protobufjs already loaded
    descriptorModule = createRequire(import.meta.url)('protobufjs/ext/descriptor');
  }
  return descriptorModule;
}

function camel(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * The declaration order of each message's nested types in the source, as protoc writes them: nested messages,
 * proto2 groups and map entries (`<Field>Entry`, at the map field's place). protobufjs keeps no positions and
 * lists map entries first; message indexes of nested types depend on this order. Keyed by full name ('.pkg.Msg').
 */
export function nestedOrder(text: string): Map<string, string[]> {
  const clean = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
  const tokens: string[] = clean.match(/[A-Za-z_][\w.]*|\S/g) ?? [];
  const out = new Map<string, string[]>();
  let pkg = '';
  const stack: Array<string | null> = []; // message names, null for other blocks
  const current = (): string | undefined => {
    const names = stack.filter((x): x is string => x !== null);
    if (stack.length === 0 || names.length === 0) return undefined;
    return '.' + [pkg, ...names].filter(Boolean).join('.');
  };
  const add = (item: string) => {
    const c = current();
    if (c === undefined) return;
    const l = out.get(c) ?? [];
    l.push(item);
    out.set(c, l);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'package' && stack.length === 0 && tokens[i + 1]) {
      pkg = tokens[i + 1];
      i++;
    } else if (t === 'message' && tokens[i + 2] === '{' && /^[A-Za-z_]\w*$/.test(tokens[i + 1] ?? '')) {
      add(tokens[i + 1]);
      stack.push(tokens[i + 1]);
      i += 2;
    } else if (t === 'group' && /^[A-Z]\w*$/.test(tokens[i + 1] ?? '')) {
      const open = tokens.indexOf('{', i);
      if (open === -1) break;
      add(tokens[i + 1]);
      stack.push(tokens[i + 1]);
      i = open;
    } else if (t === 'map' && tokens[i + 1] === '<') {
      const close = tokens.indexOf('>', i);
      if (close === -1) break;
      const field = tokens[close + 1];
      if (field) add(camel(field) + 'Entry');
      i = close + 1;
    } else if (t === '{') stack.push(null);
    else if (t === '}') stack.pop();
  }
  return out;
}

/** Fix one message descriptor (plain object) against its protobufjs type, recursively. */
function fixMessage(d: any, type: PbType, order?: Map<string, string[]>): void {
  const fields: any[] = d.field ?? [];
  const nested: any[] = d.nestedType ?? [];
  for (const fd of fields) {
    const f = type.fields?.[fd.name];
    if (!f) continue;
    if (f.map) {
      // protobufjs names the entry type after the field; protoc (and every client) calls it <Field>Entry.
      const entryName = camel(fd.name) + 'Entry';
      const entry = nested.find((n) => n.name === fd.typeName && n.options?.mapEntry);
      if (entry) {
        entry.name = entryName;
        const value = (entry.field ?? []).find((x: any) => x.number === 2);
        if (value && value.typeName !== undefined && f.resolvedType) value.typeName = String(f.resolvedType.fullName);
      }
      fd.typeName = `${String(type.fullName)}.${entryName}`;
    } else if (fd.typeName !== undefined && f.resolvedType) {
      fd.typeName = String(f.resolvedType.fullName);
    }
    if (fd.options && Object.keys(fd.options).length === 0) delete fd.options;
  }
  // Synthetic oneofs (proto3 optional) come after the real ones, as protoc writes them.
  const oneofs: any[] = d.oneofDecl ?? [];
  if (oneofs.length) {
    const synthetic = new Set<number>();
    for (const fd of fields) if (fd.proto3Optional && fd.oneofIndex !== undefined) synthetic.add(fd.oneofIndex);
    const order = [...oneofs.keys()].filter((i) => !synthetic.has(i)).concat([...oneofs.keys()].filter((i) => synthetic.has(i)));
    const newIndex = new Map(order.map((old, i) => [old, i]));
    d.oneofDecl = order.map((i) => oneofs[i]);
    for (const fd of fields) if (fd.oneofIndex !== undefined) fd.oneofIndex = newIndex.get(fd.oneofIndex);
  }
  for (const n of nested) {
    if (n.options?.mapEntry) continue;
    const t = type.nested?.[n.name];
    if (t) fixMessage(n, t, order);
  }
  const want = order?.get(String(type.fullName));
  if (want && nested.length > 1) {
    const rank = (n: any) => {
      const r = want.indexOf(n.name);
      return r === -1 ? want.length : r;
    };
    d.nestedType = nested
      .map((n, i) => ({ n, i }))
      .sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i)
      .map((x) => x.n);
  }
}

export interface DescriptorOptions {
  /** The descriptor's file name (Confluent's clients key their file registry by it). */
  name: string;
}

/** The schema's own file as a FileDescriptorProto (plain object in protobufjs's toObject shape). */
export async function fileDescriptorObject(schema: ParsedSchema, options: DescriptorOptions): Promise<Record<string, unknown>> {
  const desc = await descriptorExt();
  const loaded = loadedOf(schema);
  const main = loaded.files.get('');
  if (!main) throw new InputError('not a parsed Protobuf schema', { file: schema.file });
  const edition = main.syntax.startsWith('edition ') ? main.syntax.slice('edition '.length) : main.syntax;
  const file: Record<string, unknown> = { name: options.name };
  if (main.package) file.package = main.package;
  if (main.imports.length) file.dependency = [...main.imports];
  const order = nestedOrder(main.text);
  const messageType: any[] = [];
  const enumType: any[] = [];
  const service: any[] = [];
  // The package's namespace holds the file's top-level declarations (and those of files sharing the package).
  let ns: any = loaded.root;
  if (main.package) ns = loaded.root.lookup(main.package) ?? loaded.root;
  for (const c of ns.nestedArray ?? []) {
    if (c.filename !== '') continue;
    if (c instanceof (await protobufjs()).Type) {
      const d = desc.DescriptorProto.toObject(c.toDescriptor(edition), { enums: Number });
      fixMessage(d, c, order);
      messageType.push(d);
    } else if (c instanceof (await protobufjs()).Enum) {
      enumType.push(desc.EnumDescriptorProto.toObject(c.toDescriptor(), { enums: Number }));
    } else if (c instanceof (await protobufjs()).Service) {
      service.push(desc.ServiceDescriptorProto.toObject(c.toDescriptor(), { enums: Number }));
    }
  }
  if (messageType.length) file.messageType = messageType;
  if (enumType.length) file.enumType = enumType;
  if (service.length) file.service = service;
  if (ns.options && main.package) {
    const opts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ns.options as Record<string, unknown>)) {
      const key = k.replace(/_([a-z])/g, (_m, x: string) => x.toUpperCase());
      if (Object.prototype.hasOwnProperty.call(desc.FileOptions.fields, key)) opts[key] = v;
    }
    if (Object.keys(opts).length) file.options = opts;
  }
  if (edition === 'proto3') file.syntax = 'proto3';
  else if (edition !== 'proto2') {
    file.syntax = 'editions';
    file.edition = desc.Edition[`EDITION_${edition}`];
  }
  return file;
}

/** base64 of the encoded FileDescriptorProto: Confluent's `format=serialized`. */
export async function serializedDescriptor(schema: ParsedSchema, options: DescriptorOptions): Promise<string> {
  const desc = await descriptorExt();
  const obj = await fileDescriptorObject(schema, options);
  const msg = desc.FileDescriptorProto.fromObject(obj);
  return Buffer.from(desc.FileDescriptorProto.encode(msg).finish()).toString('base64');
}

/** Decode a base64 FileDescriptorProto, or undefined when the text is not one. */
export async function decodeDescriptor(text: string): Promise<Record<string, unknown> | undefined> {
  const t = text.trim();
  if (t === '' || t.length % 4 === 1 || !/^[A-Za-z0-9+/\r\n]+={0,2}$/.test(t)) return undefined;
  const desc = await descriptorExt();
  try {
    const bytes = Buffer.from(t, 'base64');
    const msg = desc.FileDescriptorProto.decode(bytes);
    const obj = desc.FileDescriptorProto.toObject(msg, { enums: Number }) as Record<string, unknown>;
    if (!obj.messageType && !obj.enumType && !obj.service && !obj.package) return undefined;
    return obj;
  } catch {
    return undefined;
  }
}

/**
 * A descriptor reduced to what two builds of the same .proto share: no file name, json names, source
 * info or options (other than map entries), type names fully qualified with a leading dot.
 */
export function normalizeDescriptor(file: Record<string, unknown>): string {
  const strip = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x));
    if (v === null || typeof v !== 'object') {
      if (key === 'typeName' && typeof v === 'string' && !v.startsWith('.')) return '.' + v;
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'jsonName' || k === 'sourceCodeInfo' || (k === 'name' && v === file)) continue;
      if (k === 'options') {
        const mapEntry = (x as Record<string, unknown> | undefined)?.mapEntry;
        if (mapEntry) out.options = { mapEntry: true };
        continue;
      }
      if (k === 'syntax' && x === 'proto2') continue;
      out[k] = strip(x, k);
    }
    return out;
  };
  return JSON.stringify(strip(file));
}

/** protoc's default JSON name: underscores removed, the following letter upper-cased. */
function defaultJsonName(name: string): string {
  return name.replace(/_+([a-zA-Z0-9]?)/g, (_m, c: string) => c.toUpperCase());
}

function dropDefaultJsonNames(d: any): void {
  for (const f of d.field ?? []) if (f.jsonName !== undefined && f.jsonName === defaultJsonName(f.name)) delete f.jsonName;
  for (const n of d.nestedType ?? []) dropDefaultJsonNames(n);
}

/**
 * A schema from a posted FileDescriptorProto (base64, decoded): its imports are resolved like a .proto's
 * (references and google/protobuf types), its own types come from the descriptor, so it compares with
 * registered versions as if it had been sent as text.
 */
export async function parseDescriptor(file: Record<string, any>, options: ParseOptions & { file?: string } = {}): Promise<ParsedSchema> {
  const pb = await protobufjs();
  await descriptorExt();
  const deps: string[] = file.dependency ?? [];
  for (const d of deps) {
    // Import names are looked up among the references and google/protobuf types only, never as paths.
    if (typeof d !== 'string' || d === '' || d.split(/[\\/]/).some((part) => part === '..' || part === '.') || /^[\\/]/.test(d) || /["\n\0]/.test(d)) {
      throw new InputError(`invalid FileDescriptorProto: dependency ${JSON.stringify(d)} is not an import path`, { file: options.file });
    }
  }
  const syntax = file.syntax === 'proto3' ? 'proto3' : file.syntax === 'editions' ? `edition ${String(file.edition ?? '').replace(/^EDITION_/, '')}` : 'proto2';
  // The imports, loaded as for a .proto that imports them (a file of only imports).
  const stub = `syntax = "proto3";\n${deps.map((d) => `import ${JSON.stringify(d)};`).join('\n')}\n`;
  const schema = await protobufHandler.parse(stub, { ...options, sealed: true });
  const loaded = loadedOf(schema);
  const root = loaded.root;
  const edition = syntax.startsWith('edition ') ? syntax.slice('edition '.length) : syntax;
  const ctx = { edition, keepCase: true };
  const ns = file.package ? root.define(file.package) : root;
  const own = (o: any) => {
    o.filename = '';
    for (const c of o.nestedArray ?? []) own(c);
  };
  try {
    for (const m of file.messageType ?? []) {
      dropDefaultJsonNames(m);
      const t = pb.Type.fromDescriptor(m, ctx);
      ns.add(t);
      own(t);
    }
    for (const e of file.enumType ?? []) {
      const t = pb.Enum.fromDescriptor(e, ctx);
      ns.add(t);
      own(t);
    }
    for (const sv of file.service ?? []) {
      const t = pb.Service.fromDescriptor(sv, ctx);
      ns.add(t);
      own(t);
    }
    root.resolveAll();
  } catch (err) {
    throw new InputError(`invalid FileDescriptorProto: ${(err as Error).message}`, { file: options.file });
  }
  const main = loaded.files.get('')!;
  main.syntax = syntax;
  main.package = file.package ?? '';
  main.imports = [...deps];
  main.text = '';
  return { ...schema, text: '' };
}

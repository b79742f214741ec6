/**
 * The Protobuf format: .proto files (proto2, proto3, editions protobufjs supports) with their imports,
 * data in the proto3 JSON mapping, compatibility under the `wire` (default) or `strict` policy.
 */
import { InputError, UsageError } from '../../model/errors.js';
import { canonicalJson } from '../../model/json.js';
import type { CompareOptions, CompareResult, DataValidator, FormatHandler, ParsedSchema, ParseOptions } from '../../model/types.js';
import { compareProto, type Policy } from './compat.js';
import { ProtoJsonValidator } from './json.js';
import { loadProto, type Loaded, type PbType } from './load.js';

const LOADED = Symbol.for('llm-schema.protobuf.loaded');
const MESSAGE = Symbol.for('llm-schema.protobuf.message');

/** The files behind a parsed schema (kept on its Root). */
export function loadedOf(schema: ParsedSchema): Loaded {
  const root = schema.value as Record<symbol, Loaded | undefined>;
  const l = root?.[LOADED];
  if (!l) throw new InputError('not a parsed Protobuf schema', { file: schema.file });
  return l;
}

/** Options that change neither the wire format nor the JSON mapping are annotations. */
const MEANINGFUL_OPTIONS = new Set(['json_name', 'packed', 'default', 'proto3_optional', 'allow_alias', 'map_entry', 'message_set_wire_format']);

function strip(v: unknown, annotations: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => strip(x, annotations));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!annotations && (k === 'comment' || k === 'comments')) continue;
    if (annotations && (k === 'comment' || k === 'comments') && (x === null || x === undefined)) continue;
    if (!annotations && k === 'options' && x && typeof x === 'object') {
      const kept = Object.fromEntries(Object.entries(x as Record<string, unknown>).filter(([ok]) => MEANINGFUL_OPTIONS.has(ok) || ok.startsWith('features')));
      if (Object.keys(kept).length) out[k] = kept;
      continue;
    }
    out[k] = strip(x, annotations);
  }
  return out;
}

function canonicalOf(schema: ParsedSchema, annotations: boolean): string {
  const loaded = loadedOf(schema);
  const files: Record<string, unknown> = {};
  for (const f of loaded.files.values()) files[f.key] = { syntax: f.syntax, package: f.package, imports: [...f.imports].sort() };
  const json = loaded.root.toJSON({ keepComments: annotations });
  return canonicalJson({ files, root: strip(json, annotations) });
}

/** Every message type defined in the non-well-known files, main file first, in declaration order. */
function messagesOf(loaded: Loaded, mainOnly: boolean): PbType[] {
  const out: PbType[] = [];
  const walk = (ns: { nestedArray?: PbType[] }): void => {
    for (const c of ns.nestedArray ?? []) {
      if ('fieldsArray' in c && c.fields !== undefined) {
        const f = c.filename == null ? undefined : loaded.files.get(c.filename);
        if (f && !f.wellKnown && (!mainOnly || f.key === '')) out.push(c);
      }
      if (c.nestedArray) walk(c);
    }
  };
  walk(loaded.root);
  return out;
}

function pickMessage(schema: ParsedSchema, name?: string): PbType {
  const loaded = loadedOf(schema);
  if (name) {
    const want = name.replace(/^\./, '');
    const all = messagesOf(loaded, false);
    const found = all.find((t) => String(t.fullName).slice(1) === want) ?? all.filter((t) => String(t.fullName).endsWith('.' + want)).at(0);
    if (!found) {
      throw new UsageError(
        `--message ${name}: no such message in ${schema.file ?? 'the schema'} (messages: ${
          messagesOf(loaded, true)
            .map((t) => String(t.fullName).slice(1))
            .join(', ') || 'none'
        })`,
      );
    }
    return found;
  }
  const first = messagesOf(loaded, true)[0];
  if (!first) throw new InputError('the schema defines no message to validate data against', { file: schema.file });
  return first;
}

const validators = new WeakMap<object, Map<string, DataValidator>>();

export const protobufHandler: FormatHandler = {
  format: 'protobuf',
  extension: '.proto',
  policies: ['wire', 'strict'],

  async parse(text: string, options: ParseOptions = {}): Promise<ParsedSchema> {
    const loaded = await loadProto(text, options);
    (loaded.root as Record<symbol, unknown>)[LOADED] = loaded;
    if (options.message) (loaded.root as Record<symbol, unknown>)[MESSAGE] = options.message;
    const schema: ParsedSchema = { format: 'protobuf', text, value: loaded.root, file: options.file, references: options.references };
    if (options.message) pickMessage(schema, options.message); // refuse an unknown --message at once
    return schema;
  },

  canonical(schema: ParsedSchema): string {
    return canonicalOf(schema, true);
  },

  canonicalWithoutAnnotations(schema: ParsedSchema): string {
    return canonicalOf(schema, false);
  },

  compile(schema: ParsedSchema, options: ParseOptions = {}): DataValidator {
    const root = schema.value as Record<symbol, unknown>;
    const name = options.message ?? (root[MESSAGE] as string | undefined);
    let cache = validators.get(root);
    if (!cache) {
      cache = new Map();
      validators.set(root, cache);
    }
    const key = name ?? '';
    let v = cache.get(key);
    if (!v) {
      v = new ProtoJsonValidator(pickMessage(schema, name));
      cache.set(key, v);
    }
    return v;
  },

  compare(oldSchema: ParsedSchema, newSchema: ParsedSchema, options: CompareOptions = {}): CompareResult {
    const policy = (options.policy ?? 'wire') as Policy;
    if (policy !== 'wire' && policy !== 'strict') {
      throw new UsageError(`unknown Protobuf policy '${options.policy}': expected wire or strict`);
    }
    const changes = compareProto(loadedOf(oldSchema), loadedOf(newSchema), policy);
    if (changes.length === 0 && protobufHandler.canonical(oldSchema) !== protobufHandler.canonical(newSchema)) {
      const annotationsOnly = protobufHandler.canonicalWithoutAnnotations(oldSchema) === protobufHandler.canonicalWithoutAnnotations(newSchema);
      changes.push({
        rule: annotationsOnly ? 'ANNOTATION_CHANGED' : 'SCHEMA_CHANGED',
        path: '',
        message: annotationsOnly
          ? 'only comments or options that affect neither the wire nor JSON changed'
          : 'the schema changed without affecting compatibility (options, imports, declaration order)',
        breaksBackward: false,
        breaksForward: false,
        category: annotationsOnly ? 'annotation' : 'validation',
      });
    }
    return { changes };
  },

  fieldNames(schema: ParsedSchema): string[] {
    const loaded = loadedOf(schema);
    const out = new Set<string>();
    for (const t of messagesOf(loaded, false)) {
      out.add(String(t.name));
      for (const f of t.fieldsArray) out.add(String(f.name));
    }
    const walkEnums = (ns: { nestedArray?: PbType[] }): void => {
      for (const c of ns.nestedArray ?? []) {
        if (c.values && !c.fieldsArray) {
          const f = c.filename == null ? undefined : loaded.files.get(c.filename);
          if (f && !f.wellKnown) out.add(String(c.name));
        }
        if (c.nestedArray) walkEnums(c);
      }
    };
    walkEnums(loaded.root);
    return [...out];
  },
};

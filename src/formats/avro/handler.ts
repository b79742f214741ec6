/**
 * The Avro format: .avsc schemas (JSON), data in Avro's JSON encoding or object container files (.avro),
 * compatibility by the specification's schema resolution (see compat.ts).
 */
import { InputError } from '../../model/errors.js';
import { parseJson } from '../../model/json.js';
import type { Change, CompareResult, DataError, DataRecord, DataValidator, FormatHandler, ParsedSchema, ParseOptions } from '../../model/types.js';
import { canonicalForm, canonicalWithoutAnnotations, pcf } from './canonical.js';
import { compareAvro } from './compat.js';
import { readContainer } from './container.js';
import { collectErrors, compileCheck, compileCheckGenerated } from './data.js';
import { type AvroNode, buildModel, names, type RefLike } from './model.js';

const models = new WeakMap<ParsedSchema, AvroNode>();
const validators = new WeakMap<ParsedSchema, DataValidator>();

function refsOf(schema: { references?: { schema: RefLike }[] }): RefLike[] {
  return (schema.references ?? []).map((r) => r.schema);
}

/** The resolved model of a parsed schema (built once). */
export function modelOf(schema: ParsedSchema): AvroNode {
  let m = models.get(schema);
  if (!m) {
    m = buildModel(schema.value, refsOf(schema), schema.file);
    models.set(schema, m);
  }
  return m;
}

/** Avro's Parsing Canonical Form of a parsed schema. */
export function parsingCanonicalForm(schema: ParsedSchema): string {
  return pcf(modelOf(schema));
}

type AvscType = { createResolver(t: AvscType): unknown };
interface Avsc {
  Type: { forSchema(s: unknown, o?: Record<string, unknown>): AvscType };
}

/** Registers referenced named types (recursively) into an avsc registry. */
function registerRefs(avro: Avsc, refs: RefLike[], registry: Record<string, unknown>, file?: string): void {
  for (const r of refs) {
    registerRefs(avro, refsOf(r), registry, file);
    try {
      avro.Type.forSchema(r.value, { registry });
    } catch (err) {
      if (/duplicate type name/.test((err as Error).message)) continue;
      throw new InputError(`a referenced schema is invalid: ${(err as Error).message}`, { file });
    }
  }
}

/** The avsc Type of a parsed schema (references registered first). */
export async function avscTypeOf(schema: ParsedSchema, options: Record<string, unknown> = {}): Promise<AvscType> {
  const avro = (await import('avsc')).default as unknown as Avsc;
  const registry: Record<string, unknown> = {};
  registerRefs(avro, refsOf(schema), registry, schema.file);
  return avro.Type.forSchema(schema.value, { ...options, registry });
}

export const avroHandler: FormatHandler = {
  format: 'avro',
  extension: '.avsc',
  policies: [],
  binaryDataExtensions: ['.avro'],

  async parse(text: string, options: ParseOptions = {}): Promise<ParsedSchema> {
    const file = options.file;
    const value = parseJson(text, file);
    const schema: ParsedSchema = { format: 'avro', text, value, file, references: options.references };
    let model: AvroNode;
    try {
      model = buildModel(value, refsOf(schema), file);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`invalid Avro schema: ${(err as Error).message}`, { file });
    }
    // avsc is the second opinion: anything it refuses (and we let through) is refused too.
    try {
      await avscTypeOf(schema);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`invalid Avro schema: ${(err as Error).message}`, { file });
    }
    for (const r of options.references ?? []) {
      const probe = buildModelNames(r.schema);
      if (!probe.includes(r.name)) {
        throw new InputError(
          `reference '${r.name}' (${r.subject} ${r.version}) does not define an Avro type named ${r.name} (it defines ${probe.join(', ') || 'no named type'})`,
          { file },
        );
      }
    }
    models.set(schema, model);
    return schema;
  },

  canonical(schema: ParsedSchema): string {
    return canonicalForm(modelOf(schema));
  },

  canonicalWithoutAnnotations(schema: ParsedSchema): string {
    return canonicalWithoutAnnotations(modelOf(schema));
  },

  compile(schema: ParsedSchema): DataValidator {
    let v = validators.get(schema);
    if (v) return v;
    const root = modelOf(schema);
    let check: (v: unknown) => boolean;
    try {
      check = compileCheckGenerated(root);
    } catch {
      check = compileCheck(root);
    }
    v = {
      validate(data: unknown): DataError[] | null {
        if (check(data)) return null;
        const errors: DataError[] = [];
        collectErrors(root, data, '', errors);
        return errors.length ? errors : [{ path: '', message: 'does not match the schema' }];
      },
    };
    validators.set(schema, v);
    return v;
  },

  compare(oldSchema: ParsedSchema, newSchema: ParsedSchema): CompareResult {
    const changes: Change[] = compareAvro(modelOf(oldSchema), modelOf(newSchema));
    if (changes.length === 0 && avroHandler.canonical(oldSchema) !== avroHandler.canonical(newSchema)) {
      if (avroHandler.canonicalWithoutAnnotations(oldSchema) === avroHandler.canonicalWithoutAnnotations(newSchema)) {
        changes.push({
          rule: 'ANNOTATION_CHANGED',
          path: '',
          message: 'only docs or custom properties changed',
          breaksBackward: false,
          breaksForward: false,
          category: 'annotation',
        });
      } else {
        changes.push({
          rule: 'SCHEMA_CHANGED',
          path: '',
          message: 'the schema changed without affecting schema resolution (sort order, aliases, logical attributes)',
          breaksBackward: false,
          breaksForward: false,
          category: 'validation',
        });
      }
    }
    return { changes };
  },

  fieldNames(schema: ParsedSchema): string[] {
    return names(modelOf(schema));
  },

  readDataFile(file: string, schema: ParsedSchema): AsyncIterable<DataRecord> {
    return readContainer(file, modelOf(schema), refsOf(schema));
  },
};

function buildModelNames(s: ParsedSchema): string[] {
  // the full names a referenced schema defines
  const out: string[] = [];
  const walk = (v: unknown, ns?: string): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, ns));
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.name === 'string' && (o.type === 'record' || o.type === 'error' || o.type === 'enum' || o.type === 'fixed')) {
      const nsx = o.name.includes('.') ? o.name.slice(0, o.name.lastIndexOf('.')) : typeof o.namespace === 'string' ? o.namespace : ns;
      out.push(o.name.includes('.') || !nsx ? o.name : `${nsx}.${o.name}`);
      if (Array.isArray(o.fields)) for (const f of o.fields) walk((f as Record<string, unknown>)?.type, nsx);
      return;
    }
    if (o.type && typeof o.type === 'object') walk(o.type, ns);
    if (o.items) walk(o.items, ns);
    if (o.values) walk(o.values, ns);
  };
  walk(s.value);
  return out;
}

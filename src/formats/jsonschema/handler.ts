import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { InputError } from '../../model/errors.js';
import { canonicalJson, jsonEqual, parseJson } from '../../model/json.js';
import {
  TIMEOUT_KEYWORD,
  type CompareOptions,
  type CompareResult,
  type DataValidator,
  type FormatHandler,
  type ParsedSchema,
  type ParseOptions,
  type ResolvedReference,
} from '../../model/types.js';
import { PatternTimeout } from './regex-guard.js';
import { ajvFor, compileSchema, dialectOf, metaschemaErrors, newAjv, protoPropertiesAsPatterns, toDataErrors, type Dialect } from './ajv.js';
import { forEachSubschema, isObject, propertyNames, stripAnnotations } from './walk.js';
import { compareJsonSchemas, refuseUncompilable } from './compare/index.js';
import { Docs } from './compare/doc.js';

/** The compiled validator is kept on the parsed schema so that parse + compile costs one ajv compile. */
const compiled = new WeakMap<ParsedSchema, ValidateFunction>();
/** The same with `format` an annotation (validate --no-assert-format). */
const compiledAnnotatingFormat = new WeakMap<ParsedSchema, ValidateFunction>();
/** Schemas parsed as registered versions: their outside $refs must be references, never files on disk. */
const sealedSchemas = new WeakSet<ParsedSchema>();
/** Schemas that arrived over the network: sealed, and their errors carry no command-line hints. */
const untrustedSchemas = new WeakSet<ParsedSchema>();

/** True when some $ref points outside the document (not '#...'). */
function hasExternalRefs(value: unknown): boolean {
  let found = false;
  forEachSubschema(value, (s) => {
    if (typeof s.$ref === 'string' && !s.$ref.startsWith('#')) found = true;
  });
  return found;
}

/**
 * Compile with ajv. References registered with the version are added by name. A schema given as a file
 * (not a registered version) may also $ref JSON files beside it by relative path, as protobuf imports do;
 * a registered version (sealed) must name every outside schema as a reference.
 */
function compileWith(
  value: unknown,
  dialect: Dialect,
  references: ResolvedReference[] | undefined,
  file?: string,
  sealed = false,
  untrusted = false,
  assertFormat = true,
): ValidateFunction {
  value = protoPropertiesAsPatterns(value);
  const external = hasExternalRefs(value);
  const ajv = references?.length || external ? newAjv(dialect, assertFormat) : ajvFor(dialect, assertFormat);
  for (const r of references ?? []) {
    try {
      ajv.addSchema(r.schema.value as object, r.name);
    } catch (err) {
      throw new InputError(`reference '${r.name}' (${r.subject} ${r.version}) cannot be used: ${(err as Error).message}`, { file });
    }
  }
  const loaded = new Set<string>();
  const rootId = isObject(value) && typeof value.$id === 'string' ? value.$id.replace(/#$/, '') : 'urn:llm-schema:root';
  // set once a $ref names the root's own $id: with addUsedSchema off, ajv finds the root by that URI only
  // when the schema is added under it (on this instance of its own, as every schema with such $refs gets)
  let selfAdded = false;
  for (let attempt = 0; ; attempt++) {
    try {
      if (selfAdded) {
        const fn = ajv.getSchema(rootId);
        if (fn) return fn;
      }
      return compileSchema(ajv, value, external || !!references?.length);
    } catch (err) {
      if (err instanceof RangeError) throw new InputError('schema is nested too deeply to compile', { file });
      const missing = (err as { missingSchema?: string }).missingSchema;
      const missingRef = (err as { missingRef?: string }).missingRef;
      if (missing !== undefined && missing !== '' && missing === rootId && rootId !== 'urn:llm-schema:root' && !selfAdded && external) {
        selfAdded = true;
        try {
          ajv.addSchema(value as object);
        } catch (e) {
          throw new InputError(`schema cannot be compiled: ${(e as Error).message}`, { file });
        }
        continue;
      }
      if (missing !== undefined && (missing === '' || missing === rootId)) {
        // the whole reference as written (the synthetic base of a root without $id left out)
        const ref = (missingRef ?? missing).replace(/^urn:llm-schema:root/, '') || '#';
        throw new InputError(`cannot resolve $ref '${ref}': no such location in the schema`, { file });
      }
      if (missing !== undefined && missing !== '') {
        const fromDisk = !sealed && file && file !== '-' && !/^[a-z][a-z0-9+.-]*:/i.test(missing) ? path.resolve(path.dirname(file), missing) : undefined;
        if (fromDisk && !loaded.has(fromDisk) && attempt < 100 && existsSync(fromDisk)) {
          loaded.add(fromDisk);
          const text = readFileSync(fromDisk, 'utf8');
          ajv.removeSchema(missing);
          ajv.addSchema(parseJson(text, fromDisk) as object, missing);
          continue;
        }
        const how = untrusted
          ? "only the request's references can be referred to"
          : sealed
            ? `register that schema as a subject and pass --reference ${missing}=NAMESPACE.NAME@VERSION`
            : /^[a-z][a-z0-9+.-]*:/i.test(missing)
              ? `no schema in this document has that $id; register it and pass --reference ${missing}=NAMESPACE.NAME@VERSION`
              : `no file '${missing}' beside the schema; give it, or register it and pass --reference ${missing}=NAMESPACE.NAME@VERSION`;
        throw new InputError(`cannot resolve $ref '${missingRef ?? missing}': ${how}`, { file });
      }
      throw new InputError(`schema cannot be compiled: ${(err as Error).message}`, { file });
    }
  }
}

export function parseJsonSchemaValue(value: unknown, text: string, options: ParseOptions = {}): ParsedSchema {
  const file = options.file;
  if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InputError('a JSON Schema must be an object or a boolean', { file });
  }
  const dialect = dialectOf(value, file);
  let meta: string | null;
  try {
    meta = metaschemaErrors(ajvFor(dialect), value);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError('schema is nested too deeply to process', { file });
    throw err;
  }
  if (meta) throw new InputError(`not a valid JSON Schema (${dialect}): ${meta}`, { file });
  // Compiling (which also resolves $refs) happens on first use of compile(); register calls it at once.
  const schema: ParsedSchema = { format: 'json', text, value, file, references: options.references };
  if (options.sealed || options.untrusted) sealedSchemas.add(schema);
  if (options.untrusted) untrustedSchemas.add(schema);
  return schema;
}

export const jsonSchemaHandler: FormatHandler = {
  format: 'json',
  extension: '.json',
  policies: ['semantic', 'lenient'],

  async parse(text: string, options: ParseOptions = {}): Promise<ParsedSchema> {
    const value = parseJson(text, options.file);
    return parseJsonSchemaValue(value, text, options);
  },

  canonical(schema: ParsedSchema): string {
    return canonicalJson(schema.value);
  },

  identical(a: ParsedSchema, b: ParsedSchema): boolean {
    return jsonEqual(a.value, b.value);
  },

  canonicalWithoutAnnotations(schema: ParsedSchema): string {
    return canonicalJson(stripAnnotations(schema.value));
  },

  compile(schema: ParsedSchema, options: ParseOptions = {}): DataValidator {
    const validate = compiledFor(schema, options.assertFormat !== false);
    return {
      validate(data: unknown) {
        try {
          if (validate(data)) return null;
        } catch (err) {
          if (err instanceof RangeError) return [{ path: '', message: 'data is nested too deeply to validate' }];
          // a pattern that needs backtracking ran past its time limit: the record cannot be validated
          if (err instanceof PatternTimeout) return [{ path: '', message: err.message, keyword: TIMEOUT_KEYWORD }];
          throw err;
        }
        return toDataErrors(validate.errors);
      },
    };
  },

  fieldNames(schema: ParsedSchema): string[] {
    return propertyNames(schema.value);
  },

  compare(oldSchema: ParsedSchema, newSchema: ParsedSchema, options: CompareOptions = {}): CompareResult {
    // compiled on first use: most comparisons never need a witness checked; only valid/invalid is asked, so
    // ajv's errors are not turned into messages (one listing a million enum values costs a second)
    const validator = (s: ParsedSchema) => {
      let fn: ValidateFunction | undefined;
      return (x: unknown) => {
        fn ??= compiledFor(s);
        try {
          return Boolean(fn(x));
        } catch (err) {
          if (err instanceof RangeError) return false;
          throw err;
        }
      };
    };
    // a schema value (a large schema reduced for one witness) compiled as `like` would be
    const validWith = (like: ParsedSchema, value: unknown) => {
      const fn = compileWith(value, dialectOf(like.value, like.file), like.references, like.file, sealedSchemas.has(like), untrustedSchemas.has(like));
      return (x: unknown) => {
        try {
          return Boolean(fn(x));
        } catch (err) {
          if (err instanceof RangeError) return false;
          throw err;
        }
      };
    };
    return compareJsonSchemas(oldSchema, newSchema, { ...options, validOld: validator(oldSchema), validNew: validator(newSchema), validWith });
  },
};

/** The schema's ajv validator, compiled once per parsed schema. */
function compiledFor(schema: ParsedSchema, assertFormat = true): ValidateFunction {
  const cache = assertFormat ? compiled : compiledAnnotatingFormat;
  let fn = cache.get(schema);
  if (!fn) {
    // a $ref loop with no base case compiles in ajv but overflows on every instance: refuse it here too
    // (only a schema that refers at all can loop: the check normalises the whole document, costly for huge enums)
    if (/\$(?:dynamic|recursive)?[Rr]ef/.test(schema.text) || (schema.references?.length ?? 0) > 0) {
      const docs = new Docs();
      refuseUncompilable(docs, docs.load(schema), schema.file);
    }
    fn = compileWith(
      schema.value,
      dialectOf(schema.value, schema.file),
      schema.references,
      schema.file,
      sealedSchemas.has(schema),
      untrustedSchemas.has(schema),
      assertFormat,
    );
    cache.set(schema, fn);
  }
  return fn;
}

import type { ValidateFunction } from 'ajv';
import { InputError } from '../../core/errors.js';
import { canonicalJson, parseJson } from '../../core/json.js';
import type { CompareOptions, CompareResult, DataValidator, FormatHandler, ParsedSchema, ParseOptions, ResolvedReference } from '../../core/types.js';
import { ajvFor, compileSchema, dialectOf, metaschemaErrors, newAjv, toDataErrors, type Dialect } from './ajv.js';
import { propertyNames, stripAnnotations } from './walk.js';
import { compareJsonSchemas } from './compare/index.js';

/** The compiled validator is kept on the parsed schema so that parse + compile costs one ajv compile. */
const compiled = new WeakMap<ParsedSchema, ValidateFunction>();

function compileWith(value: unknown, dialect: Dialect, references: ResolvedReference[] | undefined, file?: string): ValidateFunction {
  const ajv = references?.length ? newAjv(dialect) : ajvFor(dialect);
  if (references?.length) {
    for (const r of references) {
      try {
        ajv.addSchema(r.schema.value as object, r.name);
      } catch (err) {
        throw new InputError(`reference '${r.name}' (${r.subject} ${r.version}) cannot be used: ${(err as Error).message}`, { file });
      }
    }
  }
  try {
    return compileSchema(ajv, value, !!references?.length);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError('schema is nested too deeply to compile', { file });
    throw new InputError(`schema cannot be compiled: ${(err as Error).message}`, { file });
  }
}

export function parseJsonSchemaValue(value: unknown, text: string, options: ParseOptions = {}): ParsedSchema {
  const file = options.file;
  if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InputError('a JSON Schema must be an object or a boolean', { file });
  }
  const dialect = dialectOf(value, file);
  const meta = metaschemaErrors(ajvFor(dialect), value);
  if (meta) throw new InputError(`not a valid JSON Schema (${dialect}): ${meta}`, { file });
  // Compiling (which also resolves $refs) happens on first use of compile(); register calls it at once.
  return { format: 'json', text, value, file, references: options.references };
}

export const jsonSchemaHandler: FormatHandler = {
  format: 'json',
  extension: '.json',

  async parse(text: string, options: ParseOptions = {}): Promise<ParsedSchema> {
    const value = parseJson(text, options.file);
    return parseJsonSchemaValue(value, text, options);
  },

  canonical(schema: ParsedSchema): string {
    return canonicalJson(schema.value);
  },

  canonicalWithoutAnnotations(schema: ParsedSchema): string {
    return canonicalJson(stripAnnotations(schema.value));
  },

  compile(schema: ParsedSchema): DataValidator {
    let fn = compiled.get(schema);
    if (!fn) {
      fn = compileWith(schema.value, dialectOf(schema.value, schema.file), schema.references, schema.file);
      compiled.set(schema, fn);
    }
    const validate = fn;
    return {
      validate(data: unknown) {
        try {
          if (validate(data)) return null;
        } catch (err) {
          if (err instanceof RangeError) return [{ path: '', message: 'data is nested too deeply to validate' }];
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
    // compiled on first use: most comparisons never need a witness checked
    const validator = (s: ParsedSchema) => {
      let v: DataValidator | undefined;
      return (x: unknown) => (v ??= jsonSchemaHandler.compile(s)).validate(x) === null;
    };
    return compareJsonSchemas(oldSchema, newSchema, { ...options, validOld: validator(oldSchema), validNew: validator(newSchema) });
  },
};

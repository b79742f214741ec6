/** Provider-independent lint: what makes a schema a weak contract for a model, as warnings. */
import { RefusedError } from '../model/errors.js';
import { isObject, isObjectSchema, isStringSchema, walkSchema } from './schema.js';
import type { ExportInput, ExportResult, LintFinding, ProviderProfile, SchemaContext } from './types.js';

export const GENERIC_PROFILE = {
  provider: 'generic',
  asOf: '2025-11-15',
  source: 'llm-schema house rules',
  rules: {
    'generic/property-description': { severity: 'warning', purpose: 'every property should have a description: models read them' },
    'generic/open-response': { severity: 'warning', purpose: 'response schemas should close objects with additionalProperties: false' },
    'generic/unbounded-string': { severity: 'warning', purpose: 'string arguments of tools should be bounded (maxLength, enum, const, format or pattern)' },
  },
} as const satisfies ProviderProfile;

type Rule = keyof typeof GENERIC_PROFILE.rules;

export function lintGeneric(schema: unknown, context: SchemaContext = {}): LintFinding[] {
  const out: LintFinding[] = [];
  const add = (rule: Rule, pointer: string, message: string) => out.push({ rule, severity: GENERIC_PROFILE.rules[rule].severity, pointer, message });
  walkSchema(schema, (v) => {
    const s = v.schema;
    if (v.property && typeof s.description !== 'string' && !(typeof s.$ref === 'string' && Object.keys(s).length === 1)) {
      add('generic/property-description', v.pointer, `property '${v.property.name}' has no description`);
    }
    if (context.kind === 'response' && isObjectSchema(s) && s.additionalProperties !== false && s.unevaluatedProperties !== false) {
      add('generic/open-response', v.pointer, 'this object of a response schema accepts undeclared properties: set additionalProperties: false');
    }
    if (context.kind === 'tool' && isStringSchema(s) && !('maxLength' in s) && !('enum' in s) && !('const' in s) && !('format' in s) && !('pattern' in s)) {
      add('generic/unbounded-string', v.pointer, 'this string argument has no maxLength (or enum, format, pattern)');
    }
  });
  void isObject;
  return out;
}

/**
 * A self-contained JSON Schema: references into other subjects are bundled as $defs (by the caller,
 * bundleSchema); a $ref that still points outside the document is refused.
 */
export function exportGeneric(input: ExportInput): ExportResult<unknown> {
  const external: string[] = [];
  walkSchema(input.schema, (v) => {
    if (typeof v.schema.$ref === 'string' && !v.schema.$ref.startsWith('#')) external.push(`${v.pointer}/$ref`);
  });
  if (external.length) throw new RefusedError(`cannot make ${input.name} self-contained: ${external[0]} points outside it and is no registered reference`);
  return { output: input.schema, notes: [] };
}

/**
 * The Avro rule table (rule-spec.ts, the shared RuleSpec): id and purpose, read at run time where a finding is made (an
 * unknown id is a programming error) and by the rule <-> fixture meta-test. No `breaks`: the directions
 * come from the two resolution passes (resolve(old, new) for BACKWARD, resolve(new, old) for FORWARD).
 * Ids follow Confluent's Avro names where one fits; they never change.
 */
import { fixtureFolder, indexRules, type RuleSpec } from '../../model/rule-spec.js';

const A = (id: string, purpose: string, extra: Partial<RuleSpec> = {}): RuleSpec => ({
  id,
  format: 'avro',
  purpose,
  category: 'validation',
  fixture: fixtureFolder('avro', id),
  ...extra,
});

export const AVRO_RULES: readonly RuleSpec[] = [
  A('READER_FIELD_MISSING_DEFAULT_VALUE', 'a field the reader expects is absent from the writer and the reader gives no default'),
  A('TYPE_MISMATCH', 'the writer type cannot be read as the reader type (no promotion applies)'),
  A('NAME_MISMATCH', 'named types (record, enum, fixed) differ in name and no reader alias matches'),
  A('FIXED_SIZE_MISMATCH', 'fixed types differ in size'),
  A('MISSING_ENUM_SYMBOLS', 'the writer has enum symbols the reader lacks, and the reader enum has no default'),
  A('MISSING_UNION_BRANCH', 'a writer type (or union branch) matches no branch of the reader union'),
  A('DECIMAL_MISMATCH', 'decimal logical types differ in precision or scale'),
  A('FIELD_ADDED', 'a field was added (with a default)'),
  A('FIELD_REMOVED', 'a field was removed'),
  A('FIELD_RENAMED', 'a field was renamed, with the old name kept as an alias'),
  A('FIELD_DEFAULT_CHANGED', "a field's default value changed"),
  A('TYPE_PROMOTED', 'a type was widened by an Avro promotion (int->long->float->double, string<->bytes)'),
  A('ENUM_SYMBOLS_ADDED', 'enum symbols were added'),
  A('ENUM_SYMBOLS_REMOVED', 'enum symbols were removed (the reader enum default covers them)'),
  A('ENUM_DEFAULT_CHANGED', "an enum's default symbol changed"),
  A('UNION_BRANCH_ADDED', 'a union gained a branch, or a type became a union'),
  A('NAMED_TYPE_RENAMED', 'a named type was renamed, with the old name kept as an alias'),
  A('NAMESPACE_CHANGED', "a named type's namespace changed (resolution matches unqualified names; some readers compare full names)", {
    caution: 'readers that compare full names (avsc, older Java) fail',
  }),
  A('LOGICAL_TYPE_CHANGED', 'a logical type was added, removed or changed over the same underlying type', {
    caution: 'the bytes resolve, but their meaning changes',
  }),
  A('ANNOTATION_CHANGED', 'only docs or custom properties changed', { category: 'annotation' }),
  A('SCHEMA_CHANGED', 'the schema changed in a way that does not affect resolution (sort order, aliases)'),
];

export const AVRO_RULE_INDEX = indexRules(AVRO_RULES);

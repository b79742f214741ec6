/**
 * The JSON Schema rule catalog: every change the differ reports, by stable ID (Confluent's difference
 * names where one fits), with a one-line purpose and the message template. IDs never change.
 * Whether a change breaks BACKWARD or FORWARD is not in this table (no `breaks`): the semantic checker
 * decides it for each change, in context (see README: "semantic truth"). The shape is the shared RuleSpec (rule-spec.ts).
 */

import { fillTemplate, fixtureFolder, indexRules, type RuleSpec } from '../../../model/rule-spec.js';

/** A JSON Schema rule always has a template, a category and a fixture pair (fixtures/compat/json/<ID>/). */
export type JsonRuleSpec = RuleSpec & { readonly template: string; readonly category: 'annotation' | 'validation' };

const R = (id: string, purpose: string, template: string, category: 'annotation' | 'validation' = 'validation'): JsonRuleSpec => ({
  id,
  format: 'json',
  purpose,
  template,
  category,
  fixture: fixtureFolder('json', id),
});

const bounds = (id: string, kw: string, what: string): JsonRuleSpec[] => [
  R(`${id}_ADDED`, `a ${kw} was added`, `${kw} ${'{new}'} added${what}`),
  R(`${id}_REMOVED`, `the ${kw} was removed`, `${kw} ${'{old}'} removed${what}`),
  R(`${id}_INCREASED`, `the ${kw} was raised`, `${kw} increased from {old} to {new}${what}`),
  R(`${id}_DECREASED`, `the ${kw} was lowered`, `${kw} decreased from {old} to {new}${what}`),
];

export const RULES: readonly JsonRuleSpec[] = [
  R(
    'ANNOTATION_CHANGED',
    'an annotation (title, description, examples, $comment, default, deprecated, ...) changed; nothing that validates',
    '{keyword} changed',
    'annotation',
  ),
  R('DEFINITION_CHANGED', 'a definition that nothing references changed; nothing that validates', 'unused definition {name} changed', 'annotation'),
  R(
    'EQUIVALENT_REWRITE',
    'the schema was rewritten without changing what validates (type array vs anyOf, inlined $ref, reordered branches, const vs enum, ...)',
    'rewritten without changing what validates',
    'annotation',
  ),
  R('BOOLEAN_SCHEMA_CHANGED', 'a boolean schema (true/false) became a schema object, or the reverse', 'schema changed from {old} to {new}'),
  R('TYPE_NARROWED', 'types were removed from the allowed types', 'type narrowed from {old} to {new}'),
  R('TYPE_EXTENDED', 'types were added to the allowed types', 'type extended from {old} to {new}'),
  R('TYPE_CHANGED', 'the allowed types changed', 'type changed from {old} to {new}'),
  R('ENUM_ARRAY_NARROWED', 'enum values were removed (or an enum was added)', 'enum narrowed from {old} to {new}'),
  R('ENUM_ARRAY_EXTENDED', 'enum values were added (or the enum was removed)', 'enum extended from {old} to {new}'),
  R('ENUM_ARRAY_CHANGED', 'enum values were both added and removed', 'enum changed from {old} to {new}'),
  R('CONST_ADDED', 'a const was added', 'const {new} added'),
  R('CONST_REMOVED', 'the const was removed', 'const {old} removed'),
  R('CONST_CHANGED', 'the const value changed', 'const changed from {old} to {new}'),
  ...bounds('MAXIMUM', 'maximum', ''),
  ...bounds('MINIMUM', 'minimum', ''),
  ...bounds('EXCLUSIVE_MAXIMUM', 'exclusiveMaximum', ''),
  ...bounds('EXCLUSIVE_MINIMUM', 'exclusiveMinimum', ''),
  R('MULTIPLE_OF_ADDED', 'a multipleOf was added', 'multipleOf {new} added'),
  R('MULTIPLE_OF_REMOVED', 'the multipleOf was removed', 'multipleOf {old} removed'),
  R('MULTIPLE_OF_EXPANDED', 'multipleOf became a multiple of the old one (fewer numbers pass)', 'multipleOf changed from {old} to {new}'),
  R('MULTIPLE_OF_REDUCED', 'multipleOf became a divisor of the old one (more numbers pass)', 'multipleOf changed from {old} to {new}'),
  R('MULTIPLE_OF_CHANGED', 'multipleOf changed to an unrelated number', 'multipleOf changed from {old} to {new}'),
  ...bounds('MAX_LENGTH', 'maxLength', ''),
  ...bounds('MIN_LENGTH', 'minLength', ''),
  R('PATTERN_ADDED', 'a pattern was added', 'pattern {new} added'),
  R('PATTERN_REMOVED', 'the pattern was removed', 'pattern {old} removed'),
  R('PATTERN_CHANGED', 'the pattern changed', 'pattern changed from {old} to {new}'),
  R('FORMAT_ADDED', 'a format was added', 'format {new} added'),
  R('FORMAT_REMOVED', 'the format was removed', 'format {old} removed'),
  R('FORMAT_CHANGED', 'the format changed', 'format changed from {old} to {new}'),
  ...bounds('MAX_ITEMS', 'maxItems', ''),
  ...bounds('MIN_ITEMS', 'minItems', ''),
  R('UNIQUE_ITEMS_ADDED', 'uniqueItems was turned on', 'uniqueItems added'),
  R('UNIQUE_ITEMS_REMOVED', 'uniqueItems was turned off', 'uniqueItems removed'),
  R('ITEMS_ADDED', 'a schema for (the rest of) the array items was added', 'items schema {new} added'),
  R('ITEMS_REMOVED', 'the schema for (the rest of) the array items was removed', 'items schema {old} removed'),
  R('ITEMS_CHANGED', 'the schema for (the rest of) the array items changed between a boolean and a schema', 'items changed from {old} to {new}'),
  R('PREFIX_ITEM_ADDED', 'a positional (tuple) item schema was added', 'tuple item {index} added'),
  R('PREFIX_ITEM_REMOVED', 'a positional (tuple) item schema was removed', 'tuple item {index} removed'),
  R('CONTAINS_ADDED', 'a contains constraint was added', 'contains added'),
  R('CONTAINS_REMOVED', 'the contains constraint was removed', 'contains removed'),
  R('CONTAINS_CHANGED', 'minContains / maxContains changed', '{keyword} changed from {old} to {new}'),
  ...bounds('MAX_PROPERTIES', 'maxProperties', ''),
  ...bounds('MIN_PROPERTIES', 'minProperties', ''),
  R(
    'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'an optional property was declared where any property was allowed: values the old schema accepted for it may now fail',
    "property '{name}' added to an open content model",
  ),
  R(
    'PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL',
    'a property was declared where additionalProperties: false forbade it',
    "property '{name}' added to a closed content model",
  ),
  R(
    'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
    'a property was declared where patternProperties or an additionalProperties schema governed it',
    "property '{name}' added to a partially open content model",
  ),
  R(
    'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'a new property was added and made required, in an open content model',
    "required property '{name}' added",
  ),
  R(
    'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    'a new property was added and made required, in a closed or partially open content model',
    "required property '{name}' added to a closed or partially open content model",
  ),
  R(
    'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
    'a declared property was removed; any value is now allowed for it',
    "property '{name}' removed from an open content model",
  ),
  R(
    'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    'a declared property was removed where additionalProperties: false now forbids it',
    "property '{name}' removed from a closed content model",
  ),
  R(
    'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
    'a declared property was removed; patternProperties or an additionalProperties schema now governs it',
    "property '{name}' removed from a partially open content model",
  ),
  R('REQUIRED_ATTRIBUTE_ADDED', 'an existing property became required', "property '{name}' is now required"),
  R(
    'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
    'an existing property with a default became required (a default does not make a missing property valid)',
    "property '{name}' is now required (it has a default, but validation does not fill defaults in)",
  ),
  R('REQUIRED_ATTRIBUTE_REMOVED', 'a property is no longer required', "property '{name}' is no longer required"),
  R('PATTERN_PROPERTY_ADDED', 'a patternProperties entry was added', 'patternProperties {pattern} added'),
  R('PATTERN_PROPERTY_REMOVED', 'a patternProperties entry was removed', 'patternProperties {pattern} removed'),
  R('ADDITIONAL_PROPERTIES_ADDED', 'additionalProperties was set where it was absent', 'additionalProperties {new} added'),
  R('ADDITIONAL_PROPERTIES_REMOVED', 'additionalProperties was removed (any other property allowed)', 'additionalProperties {old} removed'),
  R('ADDITIONAL_PROPERTIES_CHANGED', 'additionalProperties changed between true, false and a schema', 'additionalProperties changed from {old} to {new}'),
  R('PROPERTY_NAMES_ADDED', 'a propertyNames schema was added', 'propertyNames added'),
  R('PROPERTY_NAMES_REMOVED', 'the propertyNames schema was removed', 'propertyNames removed'),
  R('PROPERTY_NAMES_CHANGED', 'the propertyNames schema changed', 'propertyNames changed from {old} to {new}'),
  R('DEPENDENCY_ARRAY_ADDED', 'a dependentRequired (dependencies array) entry was added', "dependency of '{name}' on {new} added"),
  R('DEPENDENCY_ARRAY_REMOVED', 'a dependentRequired entry was removed', "dependency of '{name}' on {old} removed"),
  R('DEPENDENCY_ARRAY_EXTENDED', 'a dependentRequired entry requires more properties', "dependency of '{name}' extended from {old} to {new}"),
  R('DEPENDENCY_ARRAY_NARROWED', 'a dependentRequired entry requires fewer properties', "dependency of '{name}' narrowed from {old} to {new}"),
  R('DEPENDENCY_ARRAY_CHANGED', 'a dependentRequired entry changed', "dependency of '{name}' changed from {old} to {new}"),
  R('DEPENDENCY_SCHEMA_ADDED', 'a dependentSchemas (dependencies schema) entry was added', "dependent schema for '{name}' added"),
  R('DEPENDENCY_SCHEMA_REMOVED', 'a dependentSchemas entry was removed', "dependent schema for '{name}' removed"),
  R('DEPENDENCY_SCHEMA_CHANGED', 'a dependentSchemas entry changed', "dependent schema for '{name}' changed"),
  R('SUM_TYPE_EXTENDED', 'anyOf/oneOf branches were added', '{keyword} branch added'),
  R('SUM_TYPE_NARROWED', 'anyOf/oneOf branches were removed', '{keyword} branch removed'),
  R('PRODUCT_TYPE_EXTENDED', 'allOf conjuncts were added', 'allOf subschema added'),
  R('PRODUCT_TYPE_NARROWED', 'allOf conjuncts were removed', 'allOf subschema removed'),
  R('COMBINED_TYPE_SUBSCHEMAS_CHANGED', 'anyOf/oneOf/allOf branches were both added and removed', '{keyword} branches changed'),
  R('COMBINED_TYPE_CHANGED', 'combinators (allOf, anyOf, oneOf, not, if) were added, removed or swapped', 'combinators changed from {old} to {new}'),
  R('NOT_TYPE_CHANGED', 'the schema under not changed', 'not-schema changed'),
  R('CONDITION_CHANGED', 'the if condition of if/then/else changed', 'if-condition changed'),
  R('THEN_ADDED', 'a then branch was added', 'then added'),
  R('THEN_REMOVED', 'the then branch was removed', 'then removed'),
  R('ELSE_ADDED', 'an else branch was added', 'else added'),
  R('ELSE_REMOVED', 'the else branch was removed', 'else removed'),
  R(
    'UNEVALUATED_CHANGED',
    'unevaluatedProperties / unevaluatedItems changed; decided beside properties, patternProperties, additionalProperties, prefixItems and through allOf / $ref; undecided when an anyOf, oneOf, if/then/else or dependentSchemas beside it declares properties (items), when contains evaluates items, and with $dynamicRef',
    '{keyword} changed',
  ),
  R('REF_UNRESOLVED', 'a $ref could not be resolved, so the checker cannot compare what it points to', "cannot resolve $ref '{new}'"),
  R(
    'SCHEMA_NARROWED',
    'the schema as a whole rejects instances it accepted before (found by the semantic check, not by one keyword)',
    'the schema rejects instances the old one accepted',
  ),
  R(
    'SCHEMA_EXTENDED',
    'the schema as a whole accepts instances it rejected before (found by the semantic check, not by one keyword)',
    'the schema accepts instances the old one rejected',
  ),
  R('UNDECIDED', 'the checker could not decide within its budget or model; counted as breaking', 'cannot decide {keyword}: {new}'),
];

export const RULE_INDEX = indexRules(RULES) as ReadonlyMap<string, JsonRuleSpec>;

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  let s: string;
  if (Array.isArray(v) && v.length > 80) {
    // only as many values as can show (an enum of a million values is not written out to be cut at 80)
    const parts: string[] = [];
    let n = 1;
    for (const x of v) {
      const p = JSON.stringify(x) ?? 'null';
      parts.push(p);
      n += p.length + 1;
      if (n > 80) break;
    }
    s = '[' + parts.join(',') + ',';
  } else s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/** A type as people write it: `integer` for one type, `any` for none, the array for several. */
function showType(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return show(v);
}

/** Render a rule's message from its facts. */
export function formatMessage(rule: string, params: Record<string, unknown>): string {
  const spec = RULE_INDEX.get(rule);
  return fillTemplate(spec?.template ?? rule, params, (k, v) => {
    if (rule.startsWith('TYPE_') && (k === 'old' || k === 'new')) return showType(v);
    if (k === 'name' || k === 'keyword' || k === 'pattern') return String(v ?? '');
    if (k === 'index') return String(v);
    return show(v);
  });
}

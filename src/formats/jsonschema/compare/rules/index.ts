/**
 * The JSON Schema rule families, one file each, and the order in which the pair walker (differ.ts) calls
 * their handlers on every old/new pair of nodes. The order is the order changes are reported in.
 */
import type { Raw } from '../doc.js';
import { ANNOTATION_RULES, annotations } from './annotations.js';
import { ARRAY_RULES, contains, itemsAndPrefix, maxItems, minItems, uniqueItems } from './arrays.js';
import { COMPOSITION_RULES, combinators } from './composition.js';
import { DEPENDENCY_RULES, dependentRequired, dependentSchemas } from './dependencies.js';
import { ENUM_RULES, enumConst } from './enum.js';
import { NUMERIC_RULES, exclusiveMaximum, exclusiveMinimum, maximum, minimum, multipleOf } from './numeric.js';
import type { JsonRule, PairHandler } from './pair.js';
import { PROPERTY_RULES, additionalProperties, maxProperties, minProperties, patternProperties, properties, propertyNames } from './properties.js';
import { SCHEMA_RULES, booleanSchema, refWithSiblings } from './schema.js';
import { STRING_RULES, format, maxLength, minLength, pattern } from './strings.js';
import { TYPE_RULES, types } from './type.js';
import { UNEVALUATED_RULES, unevaluated } from './unevaluated.js';
import { VERDICT_RULES } from './verdict.js';

export const FAMILIES: Readonly<Record<string, readonly JsonRule[]>> = {
  annotations: ANNOTATION_RULES,
  schema: SCHEMA_RULES,
  type: TYPE_RULES,
  enum: ENUM_RULES,
  numeric: NUMERIC_RULES,
  strings: STRING_RULES,
  arrays: ARRAY_RULES,
  properties: PROPERTY_RULES,
  dependencies: DEPENDENCY_RULES,
  composition: COMPOSITION_RULES,
  unevaluated: UNEVALUATED_RULES,
  verdict: VERDICT_RULES,
};

export const ALL_RULES: readonly JsonRule[] = Object.values(FAMILIES).flat();

/** Called first, on the pair as it is (either side may be a boolean schema). */
export const RAW_HANDLERS: ReadonlyArray<PairHandler<Raw>> = [booleanSchema];

/** Called in this order on a pair of schema objects; a handler returning STOP ends the pair. */
export const PAIR_HANDLERS: readonly PairHandler[] = [
  refWithSiblings,
  annotations,
  combinators,
  types,
  enumConst,
  // bounds, in the order they were always reported: numbers, strings, arrays, objects
  maximum,
  minimum,
  exclusiveMaximum,
  exclusiveMinimum,
  maxLength,
  minLength,
  maxItems,
  minItems,
  maxProperties,
  minProperties,
  multipleOf,
  pattern,
  format,
  uniqueItems,
  itemsAndPrefix,
  contains,
  properties,
  patternProperties,
  additionalProperties,
  propertyNames,
  dependentRequired,
  dependentSchemas,
  unevaluated,
];

export {
  STOP,
  VALIDATION,
  type JsonRule,
  type JsonRuleSpec,
  type Judgement,
  type Mutation,
  type Pair,
  type PairHandler,
  type Step,
  type StepKind,
} from './pair.js';

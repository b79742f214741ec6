/**
 * Object rules: properties added or removed (by the content model they meet: open, closed, partially open),
 * required, patternProperties, additionalProperties, propertyNames, minProperties and maxProperties.
 */
import { isObject, ptr } from '../../walk.js';
import type { Obj, Raw } from '../doc.js';
import { boundHandler, rule, same, type JsonRule, type Pair } from './pair.js';
import { BudgetExceeded } from '../budget.js';
import { regex } from '../model.js';

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export const maxProperties = boundHandler('maxProperties', {
  added: 'MAX_PROPERTIES_ADDED',
  removed: 'MAX_PROPERTIES_REMOVED',
  increased: 'MAX_PROPERTIES_INCREASED',
  decreased: 'MAX_PROPERTIES_DECREASED',
});
export const minProperties = boundHandler('minProperties', {
  added: 'MIN_PROPERTIES_ADDED',
  removed: 'MIN_PROPERTIES_REMOVED',
  increased: 'MIN_PROPERTIES_INCREASED',
  decreased: 'MIN_PROPERTIES_DECREASED',
});

type Model = 'OPEN' | 'CLOSED' | 'PARTIALLY_OPEN';

/** What governs a name the node does not declare: nothing (open), additionalProperties: false, or a schema. */
function contentModel(s: Obj, name: string): Model {
  if (
    isObject(s.patternProperties) &&
    Object.keys(s.patternProperties).some((p) => {
      try {
        // as ajv runs it (RE2, or a guarded RegExp): a hostile patternProperties key cannot hang the comparison
        return regex(p)?.test(name) ?? false;
      } catch (e) {
        if (e instanceof BudgetExceeded) throw e;
        return false;
      }
    })
  )
    return 'PARTIALLY_OPEN';
  // the 2020-12 idiom: unevaluatedProperties closes the model when additionalProperties is absent
  const ap = s.additionalProperties ?? s.unevaluatedProperties;
  if (ap === undefined || ap === true || (isObject(ap) && Object.keys(ap).length === 0)) return 'OPEN';
  if (ap === false) return 'CLOSED';
  return 'PARTIALLY_OPEN';
}

const ADDED: Record<Model, string> = {
  OPEN: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  CLOSED: 'PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL',
  PARTIALLY_OPEN: 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
};
const REMOVED: Record<Model, string> = {
  OPEN: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  CLOSED: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  PARTIALLY_OPEN: 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
};

/** Declared properties by name (a property added and made required is one change), then required. */
export function properties(p: Pair): void {
  const { o, n } = p;
  const propsO = (isObject(o.properties) ? o.properties : {}) as Record<string, Raw>;
  const propsN = (isObject(n.properties) ? n.properties : {}) as Record<string, Raw>;
  const reqO = new Set((o.required as string[] | undefined) ?? []);
  const reqN = new Set((n.required as string[] | undefined) ?? []);
  const handledReq = new Set<string>();
  for (const name of new Set([...Object.keys(propsO), ...Object.keys(propsN)])) {
    // own keys only: a property named `constructor` is not declared by Object.prototype
    const inO = hasOwn(propsO, name);
    const inN = hasOwn(propsN, name);
    if (inO && inN) {
      p.walk(propsO[name], propsN[name], p.step('prop', { key: name }));
      continue;
    }
    const path = inN ? p.kp('properties') + ptr(name) : p.okp('properties') + ptr(name);
    if (inN) {
      const m = contentModel(o, name);
      const props = () => ({ ...propsO, [name]: propsN[name] });
      if (reqN.has(name) && !reqO.has(name)) {
        handledReq.add(name);
        const id = m === 'OPEN' ? 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL';
        p.emit(
          id,
          path,
          { name },
          p.judge(() => ({ properties: props(), required: [...reqO, name].sort() })),
        );
      } else {
        p.emit(
          ADDED[m],
          path,
          { name },
          p.judge(() => ({ properties: props() }), name),
        );
      }
    } else {
      const props = () => {
        const r = { ...propsO };
        delete r[name];
        return r;
      };
      p.emit(
        REMOVED[contentModel(n, name)],
        path,
        { name },
        p.judge(() => ({ properties: props() }), name),
      );
    }
  }
  for (const name of new Set([...reqO, ...reqN])) {
    if (reqO.has(name) === reqN.has(name) || handledReq.has(name)) continue;
    if (reqN.has(name)) {
      const s = hasOwn(propsN, name) ? propsN[name] : undefined;
      const withDefault = isObject(s) && 'default' in s;
      p.emit(
        withDefault ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED',
        p.kp('required'),
        { name },
        p.judge(() => ({ required: [...reqO, name].sort() })),
      );
    } else {
      p.emit(
        'REQUIRED_ATTRIBUTE_REMOVED',
        p.okp('required'),
        { name },
        p.judge(() => ({ required: [...reqO].filter((x) => x !== name) })),
      );
    }
  }
}

export function patternProperties(p: Pair): void {
  const { o, n } = p;
  const ppO = (isObject(o.patternProperties) ? o.patternProperties : {}) as Record<string, Raw>;
  const ppN = (isObject(n.patternProperties) ? n.patternProperties : {}) as Record<string, Raw>;
  for (const pat of new Set([...Object.keys(ppO), ...Object.keys(ppN)])) {
    if (pat in ppO && pat in ppN) p.walk(ppO[pat], ppN[pat], p.step('pattern', { key: pat }));
    else if (pat in ppN)
      p.emit(
        'PATTERN_PROPERTY_ADDED',
        p.kp('patternProperties') + ptr(pat),
        { pattern: pat },
        p.judge(() => ({ patternProperties: { ...ppO, [pat]: ppN[pat] } })),
      );
    else {
      const rest = () => {
        const r = { ...ppO };
        delete r[pat];
        return r;
      };
      p.emit(
        'PATTERN_PROPERTY_REMOVED',
        p.okp('patternProperties') + ptr(pat),
        { pattern: pat },
        p.judge(() => ({ patternProperties: rest() })),
      );
    }
  }
}

export function additionalProperties(p: Pair): void {
  const a = p.o.additionalProperties as Raw | undefined;
  const b = p.n.additionalProperties as Raw | undefined;
  if (a !== undefined && b !== undefined && isObject(a) && isObject(b)) p.walk(a, b, p.step('addl'));
  else if (!same(a, b)) {
    const id = a === undefined ? 'ADDITIONAL_PROPERTIES_ADDED' : b === undefined ? 'ADDITIONAL_PROPERTIES_REMOVED' : 'ADDITIONAL_PROPERTIES_CHANGED';
    p.emit(id, b === undefined ? p.okp('additionalProperties') : p.kp('additionalProperties'), { old: a, new: b }, p.judge({ additionalProperties: b }));
  }
}

export function propertyNames(p: Pair): void {
  const a = p.o.propertyNames;
  const b = p.n.propertyNames;
  if (same(a, b)) return;
  const id = a === undefined ? 'PROPERTY_NAMES_ADDED' : b === undefined ? 'PROPERTY_NAMES_REMOVED' : 'PROPERTY_NAMES_CHANGED';
  p.emit(id, b === undefined ? p.okp('propertyNames') : p.kp('propertyNames'), { old: a, new: b }, p.judge({ propertyNames: b }));
}

export const PROPERTY_RULES: readonly JsonRule[] = [
  rule('MAX_PROPERTIES_ADDED', 'a maxProperties was added', 'maxProperties {new} added', maxProperties),
  rule('MAX_PROPERTIES_REMOVED', 'the maxProperties was removed', 'maxProperties {old} removed', maxProperties),
  rule('MAX_PROPERTIES_INCREASED', 'the maxProperties was raised', 'maxProperties increased from {old} to {new}', maxProperties),
  rule('MAX_PROPERTIES_DECREASED', 'the maxProperties was lowered', 'maxProperties decreased from {old} to {new}', maxProperties),
  rule('MIN_PROPERTIES_ADDED', 'a minProperties was added', 'minProperties {new} added', minProperties),
  rule('MIN_PROPERTIES_REMOVED', 'the minProperties was removed', 'minProperties {old} removed', minProperties),
  rule('MIN_PROPERTIES_INCREASED', 'the minProperties was raised', 'minProperties increased from {old} to {new}', minProperties),
  rule('MIN_PROPERTIES_DECREASED', 'the minProperties was lowered', 'minProperties decreased from {old} to {new}', minProperties),
  rule(
    'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'an optional property was declared where any property was allowed: values the old schema accepted for it may now fail',
    "property '{name}' added to an open content model",
    properties,
  ),
  rule(
    'PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL',
    'a property was declared where additionalProperties: false forbade it',
    "property '{name}' added to a closed content model",
    properties,
  ),
  rule(
    'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
    'a property was declared where patternProperties or an additionalProperties schema governed it',
    "property '{name}' added to a partially open content model",
    properties,
  ),
  rule(
    'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    'a new property was added and made required, in an open content model',
    "required property '{name}' added",
    properties,
  ),
  rule(
    'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    'a new property was added and made required, in a closed or partially open content model',
    "required property '{name}' added to a closed or partially open content model",
    properties,
  ),
  rule(
    'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
    'a declared property was removed; any value is now allowed for it',
    "property '{name}' removed from an open content model",
    properties,
  ),
  rule(
    'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    'a declared property was removed where additionalProperties: false now forbids it',
    "property '{name}' removed from a closed content model",
    properties,
  ),
  rule(
    'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
    'a declared property was removed; patternProperties or an additionalProperties schema now governs it',
    "property '{name}' removed from a partially open content model",
    properties,
  ),
  rule('REQUIRED_ATTRIBUTE_ADDED', 'an existing property became required', "property '{name}' is now required", properties),
  rule(
    'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
    'an existing property with a default became required (a default does not make a missing property valid)',
    "property '{name}' is now required (it has a default, but validation does not fill defaults in)",
    properties,
  ),
  rule('REQUIRED_ATTRIBUTE_REMOVED', 'a property is no longer required', "property '{name}' is no longer required", properties),
  rule('PATTERN_PROPERTY_ADDED', 'a patternProperties entry was added', 'patternProperties {pattern} added', patternProperties),
  rule('PATTERN_PROPERTY_REMOVED', 'a patternProperties entry was removed', 'patternProperties {pattern} removed', patternProperties),
  rule('ADDITIONAL_PROPERTIES_ADDED', 'additionalProperties was set where it was absent', 'additionalProperties {new} added', additionalProperties),
  rule(
    'ADDITIONAL_PROPERTIES_REMOVED',
    'additionalProperties was removed (any other property allowed)',
    'additionalProperties {old} removed',
    additionalProperties,
  ),
  rule(
    'ADDITIONAL_PROPERTIES_CHANGED',
    'additionalProperties changed between true, false and a schema',
    'additionalProperties changed from {old} to {new}',
    additionalProperties,
  ),
  rule('PROPERTY_NAMES_ADDED', 'a propertyNames schema was added', 'propertyNames added', propertyNames),
  rule('PROPERTY_NAMES_REMOVED', 'the propertyNames schema was removed', 'propertyNames removed', propertyNames),
  rule('PROPERTY_NAMES_CHANGED', 'the propertyNames schema changed', 'propertyNames changed from {old} to {new}', propertyNames),
];

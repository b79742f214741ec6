/**
 * Ways forward for the refusals users meet most. Adding an optional property to an open JSON object is breaking under
 * the semantic policy (data the old schema accepted may hold any value under that name); teams that treat open objects
 * as closed pick the lenient policy, others close the object.
 */

/** Rules the lenient policy lets through: a property declared or removed where any property was allowed. */
export const OPEN_CONTENT_MODEL_RULES: ReadonlySet<string> = new Set(['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL']);

/** The hint for breaking changes that only the semantic policy refuses; undefined when it does not apply. */
export function openContentModelHint(subject: string, breakingRules: Iterable<string>, policy: string | undefined): string | undefined {
  if (policy !== undefined && policy !== 'semantic') return undefined;
  const rules = [...breakingRules];
  if (!rules.length || !rules.every((r) => OPEN_CONTENT_MODEL_RULES.has(r))) return undefined;
  return (
    'the object is open (no "additionalProperties": false), so data valid under the old schema may already hold another value under that name. ' +
    `Ways forward: treat open objects as closed with --policy lenient (for this subject from now on: llm-schema config ${subject} --policy lenient --reason "<why>"), ` +
    'or close the object with "additionalProperties": false (itself a breaking change, approved once with --allow-breaking), after which adding optional properties is compatible'
  );
}

/**
 * The prompt format's rules: one table (id, purpose, which caller direction it breaks, the bump it needs).
 * Changes to the input and output schemas are reported with the JSON Schema rule ids (see
 * formats/jsonschema/compare/rules.ts) at /input/schema/... and /output/schema/...; these are the rules
 * that only a prompt has. Lint rules (the template against its input schema) are listed here too.
 */

import type { RuleSpec } from '../../model/rule-spec.js';

export interface PromptRule {
  id: string;
  purpose: string;
  /** A caller written for the old version breaks on the new one. */
  breaksBackward: boolean;
  /** A caller written for the new version breaks on the old one. */
  breaksForward: boolean;
  /** annotation: a patch bump; validation: a minor one (when it breaks nothing). */
  category: 'annotation' | 'validation';
  /** Why it deserves a look even when it breaks nothing (the change's `caution`). */
  caution?: string;
}

const R = (
  id: string,
  purpose: string,
  breaksBackward: boolean,
  breaksForward: boolean,
  category: 'annotation' | 'validation',
  caution?: string,
): PromptRule => ({ id, purpose, breaksBackward, breaksForward, category, ...(caution ? { caution } : {}) });

export const PROMPT_RULES: readonly PromptRule[] = [
  R('TEMPLATE_TEXT_CHANGED', 'the template text changed (a patch by default; register --text-change minor|major records more)', false, false, 'annotation'),
  R(
    'MODEL_CHANGED',
    'the model the prompt asks for changed: the same input may give other answers',
    false,
    false,
    'validation',
    'the same input may give other answers',
  ),
  R('CONFIG_CHANGED', 'the model configuration (temperature, limits, ...) changed', false, false, 'annotation'),
  R('METADATA_CHANGED', 'other front matter changed (description, tools, input defaults, extensions)', false, false, 'annotation'),
  R('OUTPUT_FORMAT_CHANGED', 'output.format changed (text <-> json): callers parse what they receive differently', true, true, 'validation'),
  R('OUTPUT_SCHEMA_ADDED', 'an output schema was added: callers written for it get unstructured text from the old version', false, true, 'validation'),
  R('OUTPUT_SCHEMA_REMOVED', 'the output schema was removed: callers that parse structured output get unstructured text', true, false, 'validation'),
];

export const PROMPT_RULE_IDS = new Set(PROMPT_RULES.map((r) => r.id));

export function promptRule(id: string): PromptRule {
  const r = PROMPT_RULES.find((x) => x.id === id);
  if (!r) throw new Error(`unknown prompt rule ${id}`);
  return r;
}

/** The template checks (lint and register): id, severity, purpose. */
export const PROMPT_LINT_RULES = [
  { id: 'PROMPT_UNDECLARED_VARIABLE', severity: 'error', purpose: 'the template uses a variable the input schema does not declare' },
  {
    id: 'PROMPT_VARIABLE_TYPE_MISMATCH',
    severity: 'error',
    purpose: 'the template uses a variable in a way its declared type cannot take (a property of a string, {{#each}} over a number, an object printed as text)',
  },
  { id: 'PROMPT_UNKNOWN_HELPER', severity: 'error', purpose: 'the template calls a helper dotprompt does not know (it renders with knownHelpersOnly)' },
  { id: 'PROMPT_HELPER_ARGUMENTS', severity: 'error', purpose: 'a helper is called without the arguments it needs ({{role}}, {{media}} without url=)' },
  { id: 'PROMPT_UNKNOWN_PARTIAL', severity: 'error', purpose: 'the template includes a partial that is not a referenced prompt subject' },
  { id: 'PROMPT_UNUSED_INPUT', severity: 'warning', purpose: 'an input property the template never uses' },
] as const;

/** The table as RuleSpec data (the directions a caller breaks in, whatever the policy), as the other formats declare theirs. */
export const PROMPT_RULE_SPECS: readonly RuleSpec[] = PROMPT_RULES.map((r) => ({
  id: r.id,
  format: 'prompt',
  purpose: r.purpose,
  category: r.category,
  ...(r.caution ? { caution: r.caution } : {}),
  breaks: { default: [...(r.breaksBackward ? (['backward'] as const) : []), ...(r.breaksForward ? (['forward'] as const) : [])] },
}));

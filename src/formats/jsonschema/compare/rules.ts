/**
 * The JSON Schema rule catalog: every change the compare engine reports, by stable ID (Confluent's difference
 * names where one fits). Each rule is declared once, beside the handler that emits it, in its family's file
 * under rules/ (properties.ts, numeric.ts, strings.ts, ...); this module indexes them and renders messages.
 * Whether a change breaks BACKWARD or FORWARD is not in the table (no `breaks`): the semantic checker decides
 * it for each change, in context (see README: "semantic truth"). The shape is the shared RuleSpec (rule-spec.ts).
 */
import { fillTemplate, indexRules } from '../../../model/rule-spec.js';
import { ALL_RULES } from './rules/index.js';
import type { JsonRuleSpec } from './rules/pair.js';

export type { JsonRule, JsonRuleSpec } from './rules/pair.js';

export const RULES: readonly JsonRuleSpec[] = ALL_RULES;

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

/** Render a rule's message from its facts. */
export function formatMessage(rule: string, params: Record<string, unknown>): string {
  const spec = RULE_INDEX.get(rule);
  return fillTemplate(spec?.template ?? rule, params, (k, v) => {
    const own = spec?.show?.(k, v);
    if (own !== undefined) return own;
    if (k === 'name' || k === 'keyword' || k === 'pattern') return String(v ?? '');
    if (k === 'index') return String(v);
    return show(v);
  });
}

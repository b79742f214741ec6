/**
 * Findings of any command (the one shape, model/finding.ts) through the reporter registry check uses: the
 * reporters read check's result shape, so the one-shape findings are handed over in it (`note` written
 * `notice`, the pointer kept in the finding's args). compat and diff use this for github, junit, sarif and gitlab.
 */
import type { CheckResult, RuleInfo } from '../core/check.js';
import type { FormatName } from '../model/types.js';
import { legacySeverity, type Finding } from '../model/finding.js';
import type { RuleSpec } from '../model/rule-spec.js';

export function findingsResult(findings: readonly Finding[], subjects: string[], labels: { head: string; base?: string }): CheckResult {
  const out: CheckResult = { mode: 'diff', head: labels.head, subjects, findings: [], errors: 0, warnings: 0, notices: 0 };
  if (labels.base) out.base = labels.base;
  for (const f of findings) {
    const severity = legacySeverity(f.severity);
    const args: Record<string, unknown> = { ...(f.location.pointer !== undefined ? { pointer: f.location.pointer } : {}), ...(f.data ?? {}) };
    // a finding about the files compared belongs to the one comparison (JUnit groups by subject)
    const subject = f.subject ?? (subjects.length === 1 ? subjects[0] : undefined);
    out.findings.push({
      rule: f.rule,
      severity,
      ...(subject !== undefined ? { subject } : {}),
      ...(f.version !== undefined ? { version: f.version } : {}),
      ...(f.location.file !== undefined ? { file: f.location.file } : {}),
      ...(f.location.line !== undefined ? { line: f.location.line } : {}),
      ...(f.location.column !== undefined ? { column: f.location.column } : {}),
      message: f.location.pointer ? `${f.location.pointer}: ${f.message}` : f.message,
      ...(Object.keys(args).length ? { args } : {}),
    });
    if (severity === 'error') out.errors++;
    else if (severity === 'warning') out.warnings++;
    else out.notices++;
  }
  return out;
}

/** The rule table a reporter publishes (SARIF tool.driver.rules): the rules the findings name, from their format's table. */
export async function rulesOf(findings: readonly Finding[], format: FormatName): Promise<Record<string, RuleInfo>> {
  const tables: RuleSpec[] = [];
  const { CORE_RULES } = await import('../core/compat.js');
  tables.push(...CORE_RULES);
  if (format === 'json') tables.push(...(await import('../formats/jsonschema/compare/rules.js')).RULES);
  else if (format === 'avro') tables.push(...(await import('../formats/avro/rules.js')).AVRO_RULES);
  else if (format === 'protobuf') tables.push(...(await import('../formats/protobuf/rules.js')).PROTOBUF_RULE_SPECS);
  else if (format === 'prompt') {
    tables.push(...(await import('../formats/prompt/rules.js')).PROMPT_RULE_SPECS, ...(await import('../formats/jsonschema/compare/rules.js')).RULES);
  }
  const byId = new Map<string, RuleSpec>();
  for (const s of tables) if (!byId.has(s.id)) byId.set(s.id, s);
  const out: Record<string, RuleInfo> = {};
  for (const f of findings) {
    if (out[f.rule]) continue;
    const spec = byId.get(f.rule);
    out[f.rule] = { id: f.rule, format: spec?.format ?? format, purpose: spec?.purpose ?? f.rule, severity: legacySeverity(f.severity) };
  }
  return out;
}

/** A declared rule table (every rule, as SARIF publishes them) as reporters read it, plus any rule the findings name that it lacks. */
export function ruleTable(specs: readonly RuleSpec[], findings: readonly Finding[] = []): Record<string, RuleInfo> {
  const out: Record<string, RuleInfo> = {};
  for (const s of specs) {
    if (out[s.id]) continue;
    const severity = s.severity === 'info' || s.severity === undefined ? 'notice' : s.severity;
    out[s.id] = { ...s, severity };
  }
  for (const f of findings) if (!out[f.rule]) out[f.rule] = { id: f.rule, format: 'lint', purpose: f.rule, severity: legacySeverity(f.severity) };
  return out;
}

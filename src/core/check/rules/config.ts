/**
 * Check rules about the registry's and the subjects' settings: llm-schema.yaml parses, and a looser
 * compatibility mode or policy is approved with a compatibility-change reason.
 */
import { CONFIG_FILE } from '../../config.js';
import { directions } from '../../compat.js';
import { SUBJECT_FILE } from '../../subject.js';
import type { InputError } from '../../../model/errors.js';
import type { CompatibilityMode } from '../../../model/types.js';
import { bare, lineOf, type CheckRule, type CheckRun, type Side } from '../types.js';

export const CONFIG_RULES: readonly CheckRule[] = [
  { id: 'MALFORMED_CONFIG', severity: 'error', purpose: 'llm-schema.yaml must parse and hold valid settings', handler: malformedConfig },
  { id: 'COMPATIBILITY_LOOSENED', severity: 'error', purpose: 'a looser compatibility mode needs a compatibility-change reason', handler: loosened },
  {
    id: 'COMPATIBILITY_CHANGE_APPROVED',
    severity: 'notice',
    purpose: 'a looser compatibility mode approved with compatibility-change',
    handler: loosened,
  },
];

/** llm-schema.yaml does not parse or holds invalid settings. */
export function malformedConfig(run: CheckRun, err: InputError): void {
  run.add({ rule: 'MALFORMED_CONFIG', file: run.display(CONFIG_FILE), line: err.line, column: err.column, message: bare(err) });
}

/** A looser registry-wide default mode. */
export async function defaultLoosened(run: CheckRun, base: Side, head: Side): Promise<void> {
  const hc = head.config!;
  if (!base.config || !looser(base.config.compatibility, hc.compatibility)) return;
  const reason = ack(base.configRaw, head.configRaw);
  const text = await head.storage.readFile(CONFIG_FILE);
  run.add({
    rule: reason ? 'COMPATIBILITY_CHANGE_APPROVED' : 'COMPATIBILITY_LOOSENED',
    file: run.display(CONFIG_FILE),
    line: lineOf(text, /^compatibility\s*:/m),
    message: reason
      ? `the default compatibility changed from ${base.config.compatibility} to ${hc.compatibility}: approved (${reason})`
      : `the default compatibility loosened from ${base.config.compatibility} to ${hc.compatibility}; if intended, approve it with 'llm-schema config --compatibility ${hc.compatibility} --reason "<why>"' (writes compatibility-change to ${CONFIG_FILE})`,
    args: { from: base.config.compatibility, to: hc.compatibility, reason },
  });
}

/** A looser mode or policy for one subject (lenient over semantic, wire over strict), approved the same way. */
export function loosened(
  run: CheckRun,
  s: { subject: string; yamlRel: string; headText: string | undefined; baseRaw: Record<string, unknown> | undefined; headRaw: Record<string, unknown> },
  key: 'compatibility' | 'policy',
  from: string,
  to: string,
): void {
  const { subject } = s;
  const reason = ack(s.baseRaw, s.headRaw);
  const flag = key === 'compatibility' ? '--compatibility' : '--policy';
  run.add({
    rule: reason ? 'COMPATIBILITY_CHANGE_APPROVED' : 'COMPATIBILITY_LOOSENED',
    subject,
    file: run.display(s.yamlRel),
    line: lineOf(s.headText, new RegExp(`^${key}\\s*:`, 'm')),
    message: reason
      ? `the ${key} of ${subject} changed from ${from} to ${to}: approved (${reason})`
      : `the ${key} of ${subject} loosened from ${from} to ${to}; if intended, approve it with 'llm-schema config ${subject} ${flag} ${to} --reason "<why>"' (writes compatibility-change to its ${SUBJECT_FILE})`,
    args: { from, to, reason },
  });
}

/** True when `to` drops a promise `from` made: a direction, or transitivity. */
export function looser(from: CompatibilityMode, to: CompatibilityMode): boolean {
  if (from === to || from === 'NONE') return false;
  if (to === 'NONE') return true;
  const a = directions(from);
  const b = directions(to);
  return (a.backward && !b.backward) || (a.forward && !b.forward) || (a.transitive && !b.transitive);
}

/** The acknowledgement of a mode change: a compatibility-change reason that is new in this change. */
function ack(base: Record<string, unknown> | undefined, head: Record<string, unknown> | undefined): string | undefined {
  const h = head?.['compatibility-change'];
  if (h === undefined || h === null || String(h).trim() === '') return undefined;
  const b = base?.['compatibility-change'];
  return b !== undefined && b !== null && String(b) === String(h) ? undefined : String(h);
}

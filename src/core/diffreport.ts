/**
 * The report of `diff` between two schemas: the changes with rule ids, severities and witnesses, the bump
 * they need and the version it suggests. One use-case for the CLI (`diff --json` prints it as is) and the
 * server (the web UI's diff view), so both always say the same thing.
 */
import { breaksMode, compareSchemas, requiredBump, severityOf, type CompatFinding } from './compat.js';
import type { Change, CompatibilityMode, FormatHandler, ParsedSchema } from './types.js';
import { bump as bumpVersion } from './version.js';

export interface DiffReport {
  mode: CompatibilityMode;
  bump: 'major' | 'minor' | 'patch' | 'none';
  reason: string;
  suggestedVersion?: string;
  breaking: boolean;
  breaksBackward: boolean;
  breaksForward: boolean;
  /** The changes as data (changeJson), in the order the handler reported them. */
  changes: Array<Record<string, unknown>>;
  /** The same changes, typed (for reporters that print them). */
  raw: Change[];
}

/** Compare OLD with NEW under MODE and POLICY; fromVersion (a registered version) gives the suggested version. */
export function diffReport(
  handler: FormatHandler,
  oldS: ParsedSchema,
  newS: ParsedSchema,
  mode: CompatibilityMode,
  policy: string | undefined,
  fromVersion?: string,
): DiffReport {
  const options = { policy };
  const decision = requiredBump(handler, oldS, newS, mode, options);
  const changes = decision.bump === 'none' ? [] : decision.changes.length ? decision.changes : compareSchemas(handler, oldS, newS, options);
  const suggested = fromVersion && decision.bump !== 'none' ? bumpVersion(fromVersion, decision.bump) : undefined;
  return {
    mode,
    bump: decision.bump as DiffReport['bump'],
    reason: bumpReason(decision.bump, decision.reason, changes, mode),
    ...(suggested ? { suggestedVersion: suggested } : {}),
    breaking: changes.some((x) => breaksMode(x, mode)),
    breaksBackward: changes.some((x) => x.breaksBackward),
    breaksForward: changes.some((x) => x.breaksForward),
    changes: changes.map((x) => changeJson(x, breaksMode(x, mode))),
    raw: changes,
  };
}

/**
 * One change as JSON: `backward`/`forward` say whether it breaks that direction, `breaking` whether it
 * breaks the mode asked for, and `severity` follows `breaking`.
 */
export function changeJson(c: Change | CompatFinding, breaking = 'breaking' in c ? c.breaking : false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: c.rule,
    path: c.path,
    message: c.message,
    backward: c.breaksBackward,
    forward: c.breaksForward,
    breaking,
    severity: severityOf(c, breaking),
  };
  if (c.category) out.category = c.category;
  if (c.undecided) out.undecided = true;
  if ('against' in c && c.against) out.against = c.against;
  if (c.witness) out.witness = c.witness;
  if (c.file) out.file = c.file;
  if (c.line !== undefined) out.line = c.line;
  if (c.column !== undefined) out.column = c.column;
  return out;
}

/**
 * The bump's reason in words. A patch for a rewrite that validates the same (type array -> anyOf, an
 * inlined $ref) is an "equivalent rewrite", not "annotations only"; the mode is named only where it
 * decided the bump (major, minor).
 */
export function bumpReason(bump: string, reason: string, changes: Change[], mode: CompatibilityMode): string {
  if (bump === 'patch' && changes.some((c) => c.rule === 'EQUIVALENT_REWRITE')) {
    return changes.every((c) => c.rule === 'EQUIVALENT_REWRITE') ? 'equivalent rewrite' : 'equivalent rewrite and annotations';
  }
  if ((bump === 'major' || bump === 'minor') && !reason.includes(' under ')) return `${reason} under ${mode}`;
  return reason;
}

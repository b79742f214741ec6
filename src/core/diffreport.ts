/**
 * `diff` between two schemas under a settled comparison: the changes with their rule ids, severities and
 * witnesses, the bump they need and the version it suggests. One use-case for the CLI (`diff`, which hands
 * the view to the reporters) and the server (the web UI's diff view answers `diff --json`'s document), so
 * both always say the same thing.
 */
import { breaksMode, compareSchemas } from './compat.js';
import { bumpOf, type Comparison } from './comparison.js';
import type { Change, CompatibilityMode, ParsedSchema } from '../model/types.js';
import { bump as bumpVersion } from './version.js';

/** What `diff` reports: every change between two schemas and the bump it needs. */
export interface DiffView {
  from: string;
  to: string;
  mode: CompatibilityMode;
  bump: string;
  /** The bump's reason in words. */
  reason: string;
  fromVersion?: string;
  suggestedVersion?: string;
  changes: Change[];
  /** Whether each change breaks the mode (same order as changes). */
  breaking: boolean[];
  /** The structural (json-diff) view, when shown. */
  structural?: string;
}

/** The diff of OLD -> NEW; `fromVersion` (a registered version) gives the suggested version. */
export function diffView(comparison: Comparison, oldS: ParsedSchema, newS: ParsedSchema, labels: { from: string; to: string; fromVersion?: string }): DiffView {
  const { handler, mode, options } = comparison;
  const decision = bumpOf(comparison, newS, oldS);
  const changes = decision.bump === 'none' ? [] : decision.changes.length ? decision.changes : compareSchemas(handler, oldS, newS, options);
  const suggested = labels.fromVersion && decision.bump !== 'none' ? bumpVersion(labels.fromVersion, decision.bump) : undefined;
  return {
    from: labels.from,
    to: labels.to,
    mode,
    bump: decision.bump,
    reason: bumpReason(decision.bump, decision.reason, changes, mode),
    fromVersion: labels.fromVersion,
    suggestedVersion: suggested,
    changes,
    breaking: changes.map((x) => breaksMode(x, mode)),
  };
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

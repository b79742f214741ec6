/**
 * Rules the comparison reports from its whole-schema verdicts (compare/index.ts), not from one pair of nodes:
 * a direction that fails with no keyword change to blame, and a direction the checker cannot decide.
 */
import type { Change } from '../../../../model/types.js';
import { rule, type JsonRule } from './pair.js';

export const VERDICT_RULES: readonly JsonRule[] = [
  rule(
    'SCHEMA_NARROWED',
    'the schema as a whole rejects instances it accepted before (found by the semantic check, not by one keyword)',
    'the schema rejects instances the old one accepted',
    undefined,
  ),
  rule(
    'SCHEMA_EXTENDED',
    'the schema as a whole accepts instances it rejected before (found by the semantic check, not by one keyword)',
    'the schema accepts instances the old one rejected',
    undefined,
  ),
  rule('UNDECIDED', 'the checker could not decide within its budget or model; counted as breaking', 'cannot decide {keyword}: {new}', undefined),
];

/** The schema as a whole breaks `dir` and no keyword change is to blame: the root's witness shows it. */
export function schemaNarrowedOrExtended(
  dir: 'backward' | 'forward',
  witness: unknown,
  message: (rule: string, params: Record<string, unknown>) => string,
): Change {
  const id = dir === 'backward' ? 'SCHEMA_NARROWED' : 'SCHEMA_EXTENDED';
  return {
    rule: id,
    path: '',
    message: message(id, {}),
    breaksBackward: dir === 'backward',
    breaksForward: dir === 'forward',
    category: 'validation',
    witness: { value: witness, validUnder: dir === 'backward' ? 'old' : 'new' },
  };
}

/** A direction (or both) the checker could not decide: treated as breaking. */
export function undecided(message: string, backward: boolean, forward: boolean): Change {
  return { rule: 'UNDECIDED', path: '', message, breaksBackward: backward, breaksForward: forward, undecided: true, category: 'validation' };
}

export function isUndecidedChange(c: Change): boolean {
  return c.rule === 'UNDECIDED';
}

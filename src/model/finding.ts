/**
 * One finding shape for every command that reports something about schemas (compat, diff, check; lint and
 * validate next): which rule, how serious in SARIF's three words, where (file, JSON pointer, line and column
 * where known), the message, and the rule's facts. The older shapes (a format's Change / CompatFinding,
 * check's Finding) keep their JSON for scripts; these adapters are the one place they meet.
 */
import type { Change, Severity as ChangeSeverity } from './types.js';

/** SARIF's levels; check's and lint's `notice` and the compat reports' `info` are `note`. */
export type FindingSeverity = 'error' | 'warning' | 'note';

export interface FindingLocation {
  /** Path for display and annotations (relative to the repository top in git, else as given). */
  file?: string;
  /** JSON pointer (JSON Schema), field path (Avro) or element path (Protobuf) inside the file. */
  pointer?: string;
  line?: number;
  column?: number;
}

export interface Finding {
  rule: string;
  severity: FindingSeverity;
  location: FindingLocation;
  message: string;
  /** `<namespace>.<name>` and version, when the finding is about a registered subject. */
  subject?: string;
  version?: string;
  /** The rule's facts (the template's arguments, directions, witness, ...). */
  data?: Record<string, unknown>;
}

/** Any of the severity words in use, as a FindingSeverity. */
export function findingSeverity(s: ChangeSeverity | 'notice' | 'note'): FindingSeverity {
  return s === 'error' || s === 'warning' ? s : 'note';
}

/** check's (and lint's) older words: `note` is written `notice` there. */
export function legacySeverity(s: FindingSeverity): CheckSeverity {
  return s === 'note' ? 'notice' : s;
}

/** The words `check` (and lint) have always printed and put in JSON: `note` is `notice` there. */
export type CheckSeverity = 'error' | 'warning' | 'notice';

/** A finding as `check` reports it in JSON (flat file/line/column; kept so scripts reading it do not break). */
export interface CheckFinding {
  rule: string;
  severity: CheckSeverity;
  /** `<namespace>.<name>`, when the finding is about a subject. */
  subject?: string;
  version?: string;
  /** Path for display and annotations (relative to the repository top in git, else to the registry root). */
  file?: string;
  line?: number;
  column?: number;
  message: string;
  args?: Record<string, unknown>;
}

/** A check finding in the one shape. */
export function fromCheckFinding(f: CheckFinding): Finding {
  const location: FindingLocation = {};
  if (f.file !== undefined) location.file = f.file;
  if (f.line !== undefined) location.line = f.line;
  if (f.column !== undefined) location.column = f.column;
  return {
    rule: f.rule,
    severity: findingSeverity(f.severity),
    location,
    message: f.message,
    ...(f.subject !== undefined ? { subject: f.subject } : {}),
    ...(f.version !== undefined ? { version: f.version } : {}),
    ...(f.args ? { data: f.args } : {}),
  };
}

/**
 * A change between two schemas (a format's Change, or a CompatFinding with its computed severity) in the one
 * shape. `file` is where the new schema came from, used when the format gave no location of its own.
 */
export function fromChange(c: Change & { severity?: ChangeSeverity; breaking?: boolean; against?: string }, severity: ChangeSeverity, file?: string): Finding {
  const location: FindingLocation = {};
  const f = c.file ?? file;
  if (f !== undefined) location.file = f;
  location.pointer = c.path;
  if (c.line !== undefined) location.line = c.line;
  if (c.column !== undefined) location.column = c.column;
  const data: Record<string, unknown> = { backward: c.breaksBackward, forward: c.breaksForward };
  if (c.breaking !== undefined) data.breaking = c.breaking;
  if (c.category) data.category = c.category;
  if (c.undecided) data.undecided = true;
  if (c.caution) data.caution = c.caution;
  if (c.against) data.against = c.against;
  if (c.witness) data.witness = c.witness;
  return { rule: c.rule, severity: findingSeverity(severity), location, message: c.message, data };
}

/** A provider lint finding (rule, severity, pointer into the schema) in the one shape; `file` is the linted schema's. */
export function fromLintFinding(
  f: { rule: string; severity: 'error' | 'warning' | 'note'; pointer: string; message: string; subject?: string; version?: string },
  file?: string,
): Finding {
  const location: FindingLocation = { pointer: f.pointer };
  if (file !== undefined) location.file = file;
  return {
    rule: f.rule,
    severity: f.severity,
    location,
    message: f.message,
    ...(f.subject !== undefined ? { subject: f.subject } : {}),
    ...(f.version !== undefined ? { version: f.version } : {}),
  };
}

/**
 * Compatibility modes and version bumps: generic code over the one question each format answers
 * (handler.compare: which changes break which direction). FORWARD, FULL and the transitive modes
 * are built here, never inside a format.
 */
import { InputError } from '../model/errors.js';
import { fillTemplate, indexRules, specOf, type RuleSpec } from '../model/rule-spec.js';
import type { Change, CompareOptions, CompatibilityMode, FormatHandler, ParsedSchema, Severity } from '../model/types.js';
import type { Bump } from './version.js';

export interface VersionedSchema {
  version: string;
  schema: ParsedSchema;
}

export interface CompatFinding extends Change {
  /** The earlier version this change was found against ('' for a file). */
  against: string;
  /** True when this change makes the candidate fail the mode. */
  breaking: boolean;
  /** Computed once from the facts (severityOf). */
  severity: Severity;
}

export interface CompatReport {
  compatible: boolean;
  mode: CompatibilityMode;
  /** True when some change could not be decided (counted as breaking). */
  undecided: boolean;
  changes: CompatFinding[];
}

/**
 * The rules the core emits itself, whatever the format (rule-spec.ts, the shared RuleSpec). SCHEMA_FORMAT_CHANGED is a
 * change of schema language between versions; it is not JSON Schema's FORMAT_CHANGED (the `format`
 * keyword) nor check's SUBJECT_FORMAT_CHANGED (subject.yaml's `format:` edited).
 */
export const CORE_RULES: readonly RuleSpec[] = [
  {
    id: 'SCHEMA_FORMAT_CHANGED',
    format: 'core',
    purpose: 'the schema language changed between versions (JSON Schema, Avro, Protobuf)',
    template: 'the format changed from {old} to {new}',
    breaks: { '*': ['backward', 'forward'] },
  },
  {
    id: 'ANNOTATION_CHANGED',
    format: 'core',
    purpose: 'only annotations changed (for a format without its own comparison)',
    template: 'annotations changed',
    category: 'annotation',
  },
  {
    id: 'UNDECIDED',
    format: 'core',
    purpose: "the format's checker cannot compare the schemas; counted as breaking",
    template: 'the {format} checker cannot compare these schemas; treated as incompatible',
    breaks: { '*': ['backward', 'forward'] },
  },
];
const CORE_RULE_INDEX = indexRules(CORE_RULES);

const coreMessage = (id: string, args: Record<string, unknown>): string => fillTemplate(specOf(CORE_RULE_INDEX, id).template!, args);

/** Every change between two schemas, whatever the format. */
export function compareSchemas(handler: FormatHandler, oldS: ParsedSchema, newS: ParsedSchema, options: CompareOptions = {}): Change[] {
  if (oldS.format !== newS.format) {
    return [
      {
        rule: 'SCHEMA_FORMAT_CHANGED',
        path: '',
        message: coreMessage('SCHEMA_FORMAT_CHANGED', { old: oldS.format, new: newS.format }),
        breaksBackward: true,
        breaksForward: true,
        category: 'validation',
      },
    ];
  }
  if (sameContent(handler, oldS, newS)) return [];
  if (handler.compare) {
    try {
      return handler.compare(oldS, newS, options).changes;
    } catch (err) {
      if (err instanceof RangeError) {
        throw new InputError('the schemas are nested too deeply to compare', { file: newS.file ?? oldS.file });
      }
      throw err;
    }
  }
  const annotationsOnly = handler.canonicalWithoutAnnotations(oldS) === handler.canonicalWithoutAnnotations(newS);
  if (annotationsOnly) {
    return [
      {
        rule: 'ANNOTATION_CHANGED',
        path: '',
        message: coreMessage('ANNOTATION_CHANGED', {}),
        breaksBackward: false,
        breaksForward: false,
        category: 'annotation',
      },
    ];
  }
  return [
    {
      rule: 'UNDECIDED',
      path: '',
      message: coreMessage('UNDECIDED', { format: handler.format }),
      breaksBackward: true,
      breaksForward: true,
      undecided: true,
      category: 'validation',
    },
  ];
}

/** Same canonical form (same format): the handler's own test when it has one, else the canonical texts. */
function sameContent(handler: FormatHandler, a: ParsedSchema, b: ParsedSchema): boolean {
  if (handler.identical && !canonicalCache.has(a) && !canonicalCache.has(b)) return handler.identical(a, b);
  return canonicalOf(handler, a) === canonicalOf(handler, b);
}

const canonicalCache = new WeakMap<ParsedSchema, string>();

/** A schema's canonical form, computed once per parsed schema. */
export function canonicalOf(handler: FormatHandler, s: ParsedSchema): string {
  let c = canonicalCache.get(s);
  if (c === undefined) {
    c = handler.canonical(s);
    canonicalCache.set(s, c);
  }
  return c;
}

export function directions(mode: CompatibilityMode): { backward: boolean; forward: boolean; transitive: boolean } {
  return {
    backward: mode.startsWith('BACKWARD') || mode.startsWith('FULL'),
    forward: mode.startsWith('FORWARD') || mode.startsWith('FULL'),
    transitive: mode.endsWith('_TRANSITIVE'),
  };
}

function breaks(c: Change, d: { backward: boolean; forward: boolean }): boolean {
  return (d.backward && c.breaksBackward) || (d.forward && c.breaksForward);
}

/** Whether a change breaks the mode (never under NONE). */
export function breaksMode(c: Change, mode: CompatibilityMode): boolean {
  return mode !== 'NONE' && breaks(c, directions(mode));
}

/**
 * How serious a change is under a mode, the one place it is decided: 'error' exactly when it breaks the
 * mode; 'warning' when it breaks only a direction the mode does not check, could not be decided, or the
 * format gave a caution (forbidden only by a stricter policy, the meaning of the data changes, the model
 * changed); 'info' otherwise. Formats state facts only; every surface (CLI, library, serve, check) calls this.
 */
export function severityOf(c: Change, breaking: boolean): Severity {
  if (breaking) return 'error';
  if (c.breaksBackward || c.breaksForward || c.undecided || c.caution !== undefined) return 'warning';
  return 'info';
}

/**
 * Check a candidate against the history (registration order, oldest first) under a mode. Non-transitive
 * modes compare with the latest version only; transitive ones with every earlier version.
 * NONE is always compatible, but its changes against the latest are still listed.
 */
export function checkCompatibility(
  handler: FormatHandler,
  candidate: ParsedSchema,
  history: VersionedSchema[],
  mode: CompatibilityMode,
  options: CompareOptions = {},
): CompatReport {
  const d = directions(mode);
  const report: CompatReport = { compatible: true, mode, undecided: false, changes: [] };
  if (history.length === 0) return report;
  const against = d.transitive ? [...history].reverse() : [history[history.length - 1]];
  // NONE still lists the changes (both directions); other modes need only their own directions judged.
  const needed = mode === 'NONE' ? undefined : (['backward', 'forward'] as const).filter((x) => d[x]);
  for (const h of against) {
    for (const c of compareSchemas(handler, h.schema, candidate, { ...options, directions: needed ? [...needed] : options.directions })) {
      const breaking = mode !== 'NONE' && breaks(c, d);
      if (breaking) report.compatible = false;
      if (c.undecided) report.undecided = true;
      report.changes.push({ ...c, against: h.version, breaking, severity: severityOf(c, breaking) });
    }
  }
  return report;
}

export interface BumpDecision {
  /** 'none' when the content is identical. */
  bump: Bump | 'none';
  changes: Change[];
  /** Why this bump, in one line. */
  reason: string;
}

/**
 * The smallest correct bump from OLD to NEW (SPEC section 4): incompatible under the mode (BACKWARD when
 * the mode is NONE): major; a compatible change to what validates: minor; annotations only: patch.
 */
export function requiredBump(
  handler: FormatHandler,
  oldS: ParsedSchema,
  newS: ParsedSchema,
  mode: CompatibilityMode,
  options: CompareOptions = {},
): BumpDecision {
  if (oldS.format === newS.format && sameContent(handler, oldS, newS)) {
    return { bump: 'none', changes: [], reason: 'identical content' };
  }
  const changes = compareSchemas(handler, oldS, newS, options);
  const d = mode === 'NONE' ? directions('BACKWARD') : directions(mode);
  if (changes.some((c) => breaks(c, d))) {
    return { bump: 'major', changes, reason: `incompatible under ${mode === 'NONE' ? 'BACKWARD' : mode}` };
  }
  const onlyAnnotations = oldS.format === newS.format && handler.canonicalWithoutAnnotations(oldS) === handler.canonicalWithoutAnnotations(newS);
  if (onlyAnnotations || (changes.length > 0 && changes.every((c) => c.category === 'annotation'))) {
    const rewrites = changes.filter((c) => c.rule === 'EQUIVALENT_REWRITE').length;
    const reason = rewrites === 0 ? 'annotations only' : rewrites === changes.length ? 'equivalent rewrite' : 'annotations and equivalent rewrites';
    return { bump: 'patch', changes, reason };
  }
  return { bump: 'minor', changes, reason: 'a compatible change to what validates' };
}

/** True when moving from `from` to `to` drops a direction or transitivity (what `check` asks a reason for). */
export function isLooser(from: CompatibilityMode, to: CompatibilityMode): boolean {
  const a = directions(from);
  const b = directions(to);
  const strictness = (d: ReturnType<typeof directions>, m: CompatibilityMode) => (m === 'NONE' ? { ...d, backward: false, forward: false } : d);
  const x = strictness(a, from);
  const y = strictness(b, to);
  if ((x.backward && !y.backward) || (x.forward && !y.forward)) return true;
  return x.transitive && !y.transitive;
}

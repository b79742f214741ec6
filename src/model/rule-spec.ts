/**
 * One shape for every rule: a compatibility rule of a format (JSON Schema, Avro, Protobuf), a `check`
 * finding, a provider lint rule. Declared as data in one table per owner, read at run time (the code that
 * emits a rule looks its spec up: category, severity, message), and kept honest by meta-tests (every id
 * emitted by a fixture, every fixture folder a real id). Ids never change. (buf: rules are {ID, purpose,
 * handler} with categories in versioned lists; oasdiff: one table of ids and messages.)
 */

export type RuleOwner = 'json' | 'avro' | 'protobuf' | 'prompt' | 'core' | 'check' | 'lint' | 'validate';
export type Direction = 'backward' | 'forward';
export type RuleSeverity = 'error' | 'warning' | 'notice' | 'info';

export interface RuleSpec {
  /** Stable id, e.g. PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL. */
  readonly id: string;
  /** Who emits it: a format, the core, check or lint. */
  readonly format: RuleOwner;
  /** One line: what the rule is about. */
  readonly purpose: string;
  /**
   * The directions the rule breaks, per policy (buf's categories as data). Absent when the directions are
   * decided per change from the schemas themselves (JSON Schema's semantic checker, Avro's resolution).
   */
  readonly breaks?: Readonly<Record<string, readonly Direction[]>>;
  /** The message, with `{name}` placeholders filled from the change's args. */
  readonly template?: string;
  /** Changes of annotations only (docs, titles) need a patch bump; the rest validate differently. */
  readonly category?: 'annotation' | 'validation';
  /** Why a change of this rule deserves a look even when it breaks nothing (copied to the change's `caution`). */
  readonly caution?: string;
  /** A fixed severity (check findings, lint rules); compatibility changes take theirs from the verdict. */
  readonly severity?: RuleSeverity;
  /** The fixture folder, relative to the package root (fixtures/compat/<format>/<ID>), when it has one. */
  readonly fixture?: string;
}

/** The fixture folder of a compatibility rule by convention: `<ID>` or `<ID>__<variant>` below fixtures/compat/<format>. */
export function fixtureFolder(format: RuleOwner, id: string): string {
  return `fixtures/compat/${format}/${id}`;
}

/** The rule id a fixture folder exercises (`TYPE_PROMOTED__int_long` -> TYPE_PROMOTED). */
export function ruleOfFixture(folder: string): string {
  const i = folder.indexOf('__');
  return i === -1 ? folder : folder.slice(0, i);
}

/** An index by id that refuses duplicates (a table with one id twice is a programming error). */
export function indexRules(specs: readonly RuleSpec[]): ReadonlyMap<string, RuleSpec> {
  const out = new Map<string, RuleSpec>();
  for (const s of specs) {
    if (out.has(s.id)) throw new Error(`rule ${s.id} is declared twice`);
    out.set(s.id, s);
  }
  return out;
}

/** Look a rule up where it is emitted: an id missing from its table is a programming error, caught by the meta-tests. */
export function specOf(index: ReadonlyMap<string, RuleSpec>, id: string): RuleSpec {
  const s = index.get(id);
  if (!s) throw new Error(`rule ${id} is not in its rule table`);
  return s;
}

/** Fill a template's `{name}` placeholders (show: how a value is written; default String). */
export function fillTemplate(
  template: string,
  args: Record<string, unknown>,
  show: (key: string, value: unknown) => string = (_k, v) => String(v ?? ''),
): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => show(k, args[k]));
}

/**
 * The model shared by every part of llm-schema: formats, the registry, the compatibility engine,
 * reporters, the CLI and the HTTP server. Facts only; nothing here prints or exits.
 */

export type FormatName = 'json' | 'avro' | 'protobuf' | 'prompt';

export const COMPATIBILITY_MODES = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export const SUBJECT_KINDS = ['prompt', 'response', 'tool', 'event', 'data'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** A reference from one schema to a schema registered in another subject (Confluent's shape). */
export interface SchemaReference {
  /** The name the referring schema uses: a JSON Schema $ref URI, an Avro full name, a proto import path. */
  name: string;
  /** `<namespace>.<name>` of the referenced subject. */
  subject: string;
  /** The semver of the referenced version. */
  version: string;
}

/** A schema that a format handler has parsed and checked. */
export interface ParsedSchema {
  format: FormatName;
  /** The source text exactly as given. */
  text: string;
  /** The format's own model: a JSON value for JSON Schema and Avro, a protobufjs Root for Protobuf. */
  value: unknown;
  /** Where it came from, for messages. */
  file?: string;
  /** Schemas this one refers to, already parsed (resolved by the registry). */
  references?: ResolvedReference[];
}

export interface ResolvedReference extends SchemaReference {
  schema: ParsedSchema;
}

/** One reason a data record is invalid. */
export interface DataError {
  /** JSON pointer into the instance ('' for the root). */
  path: string;
  message: string;
  /** The schema keyword or rule that failed, when known. */
  keyword?: string;
  /** JSON pointer into the schema, when known. */
  schemaPath?: string;
}

/**
 * The keyword of the one DataError a validator returns when it could not finish a record in time (a pattern
 * that needs backtracking ran past its limit): the record is reported as timed out, not as invalid data.
 */
export const TIMEOUT_KEYWORD = 'timeout';

export interface DataValidator {
  /** Returns null when the record is valid. */
  validate(data: unknown): DataError[] | null;
}

export interface ParseOptions {
  file?: string;
  /** Protobuf: folders to resolve imports against. */
  protoPaths?: string[];
  /** Protobuf: the message that data is validated against. */
  message?: string;
  /** Referenced schemas, resolved by the registry. */
  references?: ResolvedReference[];
  /**
   * A registered version (or one being registered): it may import only its references and well-known
   * types, never files from disk, so that it reads the same on every machine and at every commit.
   */
  sealed?: boolean;
  /**
   * The schema arrived over the network (serve): implies sealed, and errors carry no file-system paths
   * and no command-line hints.
   */
  untrusted?: boolean;
  /**
   * A registered version read back (registration and `check` parse it untrusted): a format may skip checks
   * that cannot change the answer for a version that passed them, e.g. the metaschema check of a prompt's
   * input and output schemas (the costliest part of loading one).
   */
  trusted?: boolean;
  /** JSON Schema: check `format` (the default, in every dialect) or, when false, treat it as an annotation (validate --no-assert-format). */
  assertFormat?: boolean;
}

/** Options for a compatibility comparison. */
export interface CompareOptions {
  /** JSON Schema: 'semantic' | 'lenient'; Protobuf: 'wire' | 'strict'. */
  policy?: string;
  /** Wall-clock budget in milliseconds for one comparison; past it the answer is "cannot decide". */
  budgetMs?: number;
  /** The directions the caller needs judged (default both); a format may skip work for the others. */
  directions?: Array<'backward' | 'forward'>;
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * One typed change between two schemas. Facts: which directions it breaks. The message is
 * rendered from the rule's template by the reporter layer, but a ready message is kept for convenience.
 */
export interface Change {
  /** Stable rule id, e.g. PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL. */
  rule: string;
  /** JSON pointer (JSON Schema), field path (Avro), or element path (Protobuf). */
  path: string;
  message: string;
  /** True when this change alone makes NEW unable to accept something OLD accepted. */
  breaksBackward: boolean;
  /** True when this change alone makes OLD unable to accept something NEW accepts. */
  breaksForward: boolean;
  /** 'annotation' changes (descriptions, titles, examples) only need a patch bump. */
  category?: 'annotation' | 'validation';
  /** An instance valid under one side and not the other, checked with the real validator. */
  witness?: { value: unknown; validUnder: 'old' | 'new' };
  /** True when the checker could not decide; counted as breaking. */
  undecided?: boolean;
  /**
   * Why the change deserves a look even where it breaks nothing the mode checks (e.g. "only the strict policy
   * forbids this", "the same input may give other answers"). A fact from the format; the severity is computed
   * from the facts once, in core/compat.ts severityOf.
   */
  caution?: string;
  /** Source location in the new (or old) schema file, when known. */
  file?: string;
  line?: number;
  column?: number;
}

/** The format's answer to: what changed between OLD and NEW? */
export interface CompareResult {
  changes: Change[];
}

/**
 * A schema format. JSON Schema, Avro and Protobuf each implement this once; no command grows a
 * format-specific branch.
 */
export interface FormatHandler {
  readonly format: FormatName;
  /** File extension of version files, with the dot: '.json', '.avsc', '.proto', '.prompt'. */
  readonly extension: string;
  /**
   * The comparison policies this format has (`policy:` in YAML, `--policy`); the first is the default.
   * Empty or absent: the format has none, and naming one is an error (see core/policy.ts).
   */
  readonly policies?: readonly string[];
  /** Parse and check a schema. Throws InputError (with file, line, column) when it is malformed. */
  parse(text: string, options?: ParseOptions): Promise<ParsedSchema>;
  /** The canonical form used for ids and for "identical content" checks. */
  canonical(schema: ParsedSchema): string;
  /**
   * Whether two schemas of this format have the same canonical form, when the format can tell without
   * building it (optional: a huge schema's canonical text is costly, and most comparisons differ early).
   */
  identical?(a: ParsedSchema, b: ParsedSchema): boolean;
  /** The canonical form with annotations (descriptions, titles, examples, docs) removed. */
  canonicalWithoutAnnotations(schema: ParsedSchema): string;
  /** A validator for data records. */
  compile(schema: ParsedSchema, options?: ParseOptions): DataValidator;
  /** Every typed change between OLD and NEW, each saying which directions it breaks. */
  compare?(oldSchema: ParsedSchema, newSchema: ParsedSchema, options?: CompareOptions): CompareResult;
  /** Field, property and message names, for search. */
  fieldNames?(schema: ParsedSchema): string[];
  /**
   * Findings about one schema on its own (prompt templates: variables their input schema does not declare).
   * Errors refuse `register` and fail `lint` and `check`; warnings are shown.
   */
  lint?(schema: ParsedSchema): SchemaDiagnostic[];
  /**
   * Data files in a binary encoding of the format's own (Avro object container files: ['.avro']).
   * The validate command hands such files to readDataFile instead of parsing them as JSON.
   */
  readonly binaryDataExtensions?: readonly string[];
  readDataFile?(file: string, schema: ParsedSchema): AsyncIterable<DataRecord>;
}

/** A finding about one schema on its own (see FormatHandler.lint). */
export interface SchemaDiagnostic {
  rule: string;
  severity: 'error' | 'warning';
  /** JSON pointer into the schema ('' when it is about the whole file). */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** One record read from a data file: a value, or a reason it could not be read. */
export interface DataRecord {
  /** 1-based line (JSONL) or record number (binary files), when it has one. */
  line?: number;
  value?: unknown;
  /** Set when the record could not be read; counted as a failure. */
  error?: string;
}

export interface VersionEntry {
  version: string;
  id: number;
  state: 'active' | 'deprecated';
  reason?: string;
  references?: SchemaReference[];
  /** ISO timestamp of registration. */
  registered?: string;
  /** An approved intentional break: why the version may break the subject's mode. */
  allowBreaking?: string;
  /**
   * Brought in by `llm-schema import` from a Confluent-compatible registry: `id` is that registry's id (kept so
   * messages already in Kafka decode; never recomputed from the content) and `number` its version number there.
   */
  imported?: ImportedFrom;
}

/** Where an imported version came from (subject.yaml `imported:`). */
export interface ImportedFrom {
  /** The source registry's URL (without credentials). */
  from: string;
  /** The subject's name there. */
  subject: string;
  /** Its version number there (what Confluent clients ask for; `serve` answers it). */
  number: number;
}

export interface SubjectMeta {
  format: FormatName;
  compatibility?: CompatibilityMode;
  /** Why the mode was last changed (`compatibility-change:`): approves loosening it, visible in review. */
  compatibilityChange?: string;
  policy?: string;
  description?: string;
  owners?: string[];
  tags?: string[];
  kind?: SubjectKind;
  /** Other Confluent subject names that answer for this subject (`orders-value` for Kafka's TopicNameStrategy). */
  aliases?: string[];
  /** LLM targets the schema is given to (openai, anthropic, anthropic-strict, gemini): `validate` checks replies against the first one's form. */
  targets?: string[];
  versions: VersionEntry[];
}

export interface RegistryConfig {
  compatibility: CompatibilityMode;
  policy?: string;
  schemas: string;
}

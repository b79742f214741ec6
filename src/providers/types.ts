/** Types shared by the LLM provider exporters and linters. */
import type { RuleSpec } from '../model/rule-spec.js';
import type { SubjectKind } from '../model/types.js';

export type ProviderTarget = 'openai' | 'anthropic' | 'gemini';
export type ExportTarget = ProviderTarget | 'anthropic-strict' | 'typescript' | 'zod' | 'generic';
export const PROVIDER_TARGETS: readonly ProviderTarget[] = ['openai', 'anthropic', 'gemini'];
export const EXPORT_TARGETS: readonly ExportTarget[] = ['openai', 'anthropic', 'anthropic-strict', 'gemini', 'typescript', 'zod', 'generic'];
/** The forms a model gives replies in (validate --target, export --for). */
export type ReplyTarget = 'openai' | 'anthropic' | 'anthropic-strict' | 'gemini';
export const REPLY_TARGETS: readonly ReplyTarget[] = ['openai', 'anthropic', 'anthropic-strict', 'gemini'];
/**
 * Lint profiles: OpenAI structured outputs / strict function calling, OpenAI fine-tuned models,
 * Anthropic tools, Anthropic strict tool use and structured outputs, Gemini responseSchema (OpenAPI
 * subset, falling back to JSON Schema) and Gemini responseJsonSchema.
 */
export type LintTarget = ProviderTarget | 'openai-finetuned' | 'anthropic-strict' | 'gemini-json';
export const LINT_TARGETS: readonly LintTarget[] = ['openai', 'openai-finetuned', 'anthropic', 'anthropic-strict', 'gemini', 'gemini-json'];

/** error: the export cannot express it; warning: a weak contract; note: the export rewrites it (and says so). */
export type LintSeverity = 'error' | 'warning' | 'note';

/** One lint finding: facts only; reporters turn it into words. */
export interface LintFinding {
  /** Stable rule id, e.g. `openai/all-required` (declared in its provider's profile). */
  rule: string;
  severity: LintSeverity;
  /** JSON pointer into the (bundled) schema; '' is the root. */
  pointer: string;
  message: string;
  /** Set by callers that lint registered subjects. */
  subject?: string;
  version?: string;
  /** Where in the file, when known (a prompt template's checks); not part of `lint --json`. */
  line?: number;
  column?: number;
}

/**
 * A rule as listed in a profile: the shared RuleSpec (model/rule-spec.ts) keyed by its id in the profile,
 * with the severity a finding of it has.
 */
export type LintRuleSpec = Pick<RuleSpec, 'purpose'> & { severity: LintSeverity };

/** A provider's rules and limits as documented on one date. */
export interface ProviderProfile {
  provider: ProviderTarget | 'generic';
  /** The date the limits and keyword lists reflect (the providers change them). */
  asOf: string;
  /** Where they were read. */
  source: string;
  rules: Record<string, LintRuleSpec>;
}

/** What the linters and exporters know about the schema besides its body. */
export interface SchemaContext {
  /** The subject's kind: 'response' and 'tool' enable kind-specific checks. */
  kind?: SubjectKind;
}

/** What an exporter gets: a JSON Schema with references into other subjects already bundled. */
export interface ExportInput {
  /** The JSON Schema (bundled: $refs into other subjects are local $defs). */
  schema: unknown;
  /** The name wanted for the tool / format (a subject's name, or a file's base name). */
  name: string;
  /** Description for the tool / format (the schema's description, else the subject's). */
  description?: string;
  kind?: SubjectKind;
  /** typescript and zod: describe replies under this target (e.g. openai: optional properties as `T | null`). */
  form?: 'openai' | 'anthropic' | 'anthropic-strict' | 'gemini';
  /** The API shape: OpenAI 'chat' (Chat Completions, default) or 'responses'; Anthropic 'tools' (default) or 'output' (output_config.format). */
  api?: ExportApi;
}

export type ExportApi = 'chat' | 'responses' | 'tools' | 'output';
export const EXPORT_APIS: Record<string, readonly ExportApi[]> = {
  openai: ['chat', 'responses'],
  anthropic: ['tools', 'output'],
  'anthropic-strict': ['tools', 'output'],
};

/** An exporter's answer: the provider object, and notes for the user (name changed, schema rewritten, strict off). */
export interface ExportResult<T> {
  output: T;
  notes: string[];
}

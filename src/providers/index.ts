/**
 * LLM providers: export a JSON Schema as an OpenAI, Anthropic or Gemini tool / response format, or as
 * TypeScript types; lint it against a provider's dated profile.
 */
import { ANTHROPIC_PROFILE, exportAnthropic, lintAnthropic, type AnthropicOutputFormat, type AnthropicTool } from './anthropic.js';
import { exportGemini, GEMINI_PROFILE, lintGemini, type GeminiExport } from './gemini.js';
import { exportGeneric, GENERIC_PROFILE, lintGeneric } from './generic.js';
import { exportZod } from './zod.js';
import { exportOpenAI, lintOpenAI, OPENAI_PROFILE, type OpenAIExport, type OpenAIResponsesExport } from './openai.js';
import { exportTypeScript } from './typescript.js';
import type { ExportInput, ExportResult, ExportTarget, LintFinding, LintTarget, SchemaContext } from './types.js';

export * from './types.js';
export { bundleSchema, toolName } from './schema.js';
export { exportOpenAI, lintOpenAI, toOpenAIStrict, openAIForm, OPENAI_PROFILE } from './openai.js';
export type { OpenAIExport, OpenAIResponsesExport, OpenAITool, OpenAIResponseFormat } from './openai.js';
export { exportAnthropic, lintAnthropic, toAnthropicStrict, ANTHROPIC_PROFILE } from './anthropic.js';
export type { AnthropicTool, AnthropicOutputFormat } from './anthropic.js';
export { exportGemini, lintGemini, toGeminiSchema, GEMINI_PROFILE } from './gemini.js';
export type { GeminiExport, GeminiFunctionDeclaration } from './gemini.js';
export { exportTypeScript, typeName } from './typescript.js';
export { givenForm, formValidator, normalizeReply, fromGeminiSchema, REPLY_TARGETS, type ReplyTarget, type GivenForm } from './form.js';
export { lintGeneric, exportGeneric, GENERIC_PROFILE } from './generic.js';
export { exportZod } from './zod.js';
export { inlineLocalRefs } from './schema.js';

export const PROFILES = {
  openai: OPENAI_PROFILE,
  'openai-finetuned': OPENAI_PROFILE,
  anthropic: ANTHROPIC_PROFILE,
  'anthropic-strict': ANTHROPIC_PROFILE,
  gemini: GEMINI_PROFILE,
  'gemini-json': GEMINI_PROFILE,
  generic: GENERIC_PROFILE,
} as const;

export interface ExportOutputs {
  openai: OpenAIExport | OpenAIResponsesExport;
  anthropic: AnthropicTool | AnthropicOutputFormat;
  'anthropic-strict': AnthropicTool | AnthropicOutputFormat;
  gemini: GeminiExport;
  typescript: string;
  zod: string;
  generic: unknown;
}

/** Export for any target. */
export async function exportSchema<T extends ExportTarget>(target: T, input: ExportInput): Promise<ExportResult<ExportOutputs[T]>> {
  switch (target) {
    case 'openai':
      return exportOpenAI(input) as ExportResult<ExportOutputs[T]>;
    case 'anthropic':
      return exportAnthropic(input) as ExportResult<ExportOutputs[T]>;
    case 'anthropic-strict':
      return exportAnthropic({ ...input, strict: true }) as ExportResult<ExportOutputs[T]>;
    case 'zod':
      return (await exportZod(input)) as ExportResult<ExportOutputs[T]>;
    case 'generic':
      return exportGeneric(input) as ExportResult<ExportOutputs[T]>;
    case 'gemini':
      return exportGemini(input) as ExportResult<ExportOutputs[T]>;
    case 'typescript':
      return (await exportTypeScript(input)) as ExportResult<ExportOutputs[T]>;
    default:
      throw new Error(`unknown export target '${String(target)}'`);
  }
}

/** Lint for a provider, or the generic rules when no target is given. Findings sorted by location. */
export function lintSchema(schema: unknown, target?: LintTarget, context: SchemaContext = {}): LintFinding[] {
  const findings =
    target === 'openai'
      ? lintOpenAI(schema, context)
      : target === 'openai-finetuned'
        ? lintOpenAI(schema, context, { fineTuned: true })
        : target === 'anthropic'
          ? lintAnthropic(schema, context)
          : target === 'anthropic-strict'
            ? lintAnthropic(schema, context, { strict: true })
            : target === 'gemini'
              ? lintGemini(schema, context)
              : target === 'gemini-json'
                ? lintGemini(schema, context, { json: true })
                : lintGeneric(schema, context);
  return findings.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

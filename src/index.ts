/**
 * The llm-schema library: the registry's operations in-process, typed.
 *
 *   import { openRegistry } from 'llm-schema-registry';
 *   const registry = await openRegistry('./schemas-repo');
 *   const result = await registry.validate('myapp.user-schema', { name: 'Ada' });
 */
import { findRegistryRoot } from './core/config.js';
import { checkCompatibility, compareSchemas, type CompatReport } from './core/compat.js';
import { UsageError } from './model/errors.js';
import { parseSubjectName, type SubjectRef } from './core/names.js';
import { Registry, type SubjectInfo } from './core/registry.js';
import type { Change, CompatibilityMode, Severity, DataError, DataValidator, FormatName, SubjectMeta, VersionEntry } from './model/types.js';
import { greatest } from './core/version.js';
import { validateReplyText, type ReplyResult } from './core/reply.js';
import { getHandler } from './formats/index.js';
import type { RenderedRequest } from './formats/prompt/render.js';
import type { ReplyTarget } from './providers/form.js';

export type SubjectName = string | SubjectRef;

export interface SchemaVersion {
  subject: string;
  version: string;
  id: number;
  format: FormatName;
  state: VersionEntry['state'];
  reason?: string;
  /** Source text of the version file. */
  text: string;
  /** The schema as a value: parsed JSON for JSON Schema and Avro, the source text for Protobuf. */
  schema: unknown;
}

export interface SubjectSummary {
  subject: string;
  namespace: string;
  name: string;
  format: FormatName;
  description?: string;
  owners: string[];
  tags: string[];
  kind?: SubjectMeta['kind'];
  /** Confluent subject names that answer for this subject (`config <subject> --alias NAME`). */
  aliases: string[];
  versions: string[];
  latest?: string;
}

export interface ValidationResult {
  valid: boolean;
  errors: DataError[];
  subject: string;
  version: string;
  /** Set when the version is deprecated. */
  deprecated?: string;
}

/** validateReply's answer: the reply outcome plus the subject and version it was checked against. */
export interface ReplyValidationResult extends ReplyResult {
  valid: boolean;
  subject: string;
  version: string;
  deprecated?: string;
}

/** A rendered prompt (see LlmSchemaRegistry.render). */
export interface RenderResult extends RenderedRequest {
  subject: string;
  version: string;
  deprecated?: string;
}

/**
 * Which form of the schema a reply is checked against: `target` the form the model was given ('openai',
 * 'anthropic', 'anthropic-strict', 'gemini'; default: the subject's first `targets:` entry; 'registered'
 * for the schema as registered); `normalize` maps the provider's additions (OpenAI strict nulls) back and
 * checks the registered schema.
 */
export interface ReplyTargetOptions {
  target?: ReplyTarget | 'registered';
  normalize?: boolean;
}

export interface OpenOptions {
  /** Registry root; default: $LLM_SCHEMA_REGISTRY, else the nearest folder above cwd holding llm-schema.yaml. */
  root?: string;
}

function toRef(s: SubjectName): SubjectRef {
  return typeof s === 'string' ? parseSubjectName(s) : s;
}

export class LlmSchemaRegistry {
  /** The core registry, for operations this wrapper does not cover. */
  readonly core: Registry;
  private validators = new Map<string, Promise<{ validator: DataValidator; version: string; deprecated?: string }>>();
  /** Prompts loaded for render, cached like validators (a registered version never changes). */
  private prompts = new Map<string, Promise<import('./formats/prompt/render.js').LoadedPrompt>>();

  constructor(core: Registry) {
    this.core = core;
  }

  get root(): string {
    return this.core.root;
  }

  async get(subject: SubjectName, version = 'latest'): Promise<SchemaVersion> {
    const info = await this.core.getVersion(toRef(subject), version);
    return {
      subject: info.subject,
      version: info.entry.version,
      id: info.entry.id,
      format: info.format,
      state: info.entry.state,
      reason: info.entry.reason,
      text: info.text,
      schema: info.format === 'protobuf' || info.format === 'prompt' ? info.text : JSON.parse(info.text),
    };
  }

  async list(namespace?: string): Promise<SubjectSummary[]> {
    return (await this.core.listSubjects(namespace)).map(summary);
  }

  async search(words: string | string[]): Promise<SubjectSummary[]> {
    const ws = Array.isArray(words) ? words : words.split(/\s+/);
    return (await this.core.search(ws)).map(summary);
  }

  /** Validate one data value against a version (default latest). Compiled validators are cached. */
  async validate(subject: SubjectName, data: unknown, options: { version?: string } = {}): Promise<ValidationResult> {
    const ref = toRef(subject);
    const { validator, version, deprecated } = await this.validatorFor(ref, options.version);
    const errors = validator.validate(data);
    return { valid: !errors, errors: errors ?? [], subject: `${ref.namespace}.${ref.name}`, version, ...(deprecated ? { deprecated } : {}) };
  }

  /**
   * Render a prompt subject (default: latest version) with the given template variables: the input is
   * validated against the prompt's input schema first (a RefusedError listing the errors when it does not
   * match); the result is the request to send: messages, model, config, output schema.
   */
  async render(subject: SubjectName, input: unknown, options: { version?: string } = {}): Promise<RenderResult> {
    const ref = toRef(subject);
    const key = `${ref.namespace}.${ref.name}@${options.version ?? 'latest'}`;
    let loaded = this.prompts.get(key);
    if (!loaded) {
      loaded = import('./formats/prompt/render.js').then((m) => m.loadPrompt(this.core, ref, options.version));
      this.prompts.set(key, loaded);
      loaded.catch(() => this.prompts.delete(key));
    }
    const p = await loaded;
    const { renderPrompt } = await import('./formats/prompt/render.js');
    const request = await renderPrompt(p, input, `${p.subject} ${p.version}`);
    return { subject: p.subject, version: p.version, ...(p.deprecated ? { deprecated: p.deprecated } : {}), ...request };
  }

  /** The compiled validator of a version, cached. */
  private validatorFor(
    ref: SubjectRef,
    version = 'latest',
    reply: ReplyTargetOptions = {},
  ): Promise<{ validator: DataValidator; version: string; deprecated?: string }> {
    const key = `${ref.namespace}.${ref.name}@${version}${reply.target !== undefined ? `#${reply.target}${reply.normalize ? '+normalize' : ''}` : ''}`;
    let v = this.validators.get(key);
    if (!v) {
      v = this.core.loadSchema(ref, version).then(async ({ info, schema, handler }) => {
        let validator = handler.compile(schema);
        const target = reply.target ?? (schema.format === 'json' ? (await this.core.getSubject(ref)).targets?.[0] : undefined);
        if (target !== undefined && target !== 'registered') {
          if (schema.format !== 'json') throw new UsageError(`target '${target}' applies to JSON Schema; ${info.subject} is ${schema.format}`);
          const { bundleSchema, formValidator, givenForm, normalizeReply } = await import('./providers/index.js');
          const form = givenForm(target as ReplyTarget, bundleSchema(schema.value, schema.references ?? []));
          if (reply.normalize) {
            const registered = validator;
            validator = { validate: (d: unknown) => registered.validate(normalizeReply(d, form)) };
          } else {
            validator = formValidator(form, handler.compile(await handler.parse(JSON.stringify(form.schema))), validator);
          }
        } else if (reply.normalize) {
          throw new UsageError('normalize needs a target (or targets: in subject.yaml)');
        }
        return {
          validator,
          version: info.entry.version,
          deprecated: info.entry.state === 'deprecated' ? (info.entry.reason ?? 'deprecated') : undefined,
        };
      });
      this.validators.set(key, v);
      v.catch(() => this.validators.delete(key));
    }
    return v;
  }

  /**
   * Validate a model's text reply: extract the JSON (code fences, prose around it; `repair` fixes
   * trailing commas, single quotes, unquoted keys and a truncated tail), then validate it. The outcome
   * tells 'valid', 'invalid' (schema errors), 'no-json' ("no JSON found") and 'unparseable'
   * ("JSON does not parse") apart.
   */
  async validateReply(
    subject: SubjectName,
    text: string,
    options: { version?: string; repair?: boolean; repairTruncated?: boolean } & ReplyTargetOptions = {},
  ): Promise<ReplyValidationResult> {
    const ref = toRef(subject);
    const { validator, version, deprecated } = await this.validatorFor(ref, options.version, { target: options.target, normalize: options.normalize });
    const result = validateReplyText(validator, text, { repair: options.repair, repairTruncated: options.repairTruncated });
    return { ...result, valid: result.outcome === 'valid', subject: `${ref.namespace}.${ref.name}`, version, ...(deprecated ? { deprecated } : {}) };
  }

  /** Check a candidate schema (source text, or a JSON value) against a subject under its mode or the given one. */
  async compat(
    subject: SubjectName,
    schema: string | object,
    options: { mode?: CompatibilityMode; policy?: string; format?: FormatName } = {},
  ): Promise<CompatReport> {
    const ref = toRef(subject);
    const meta = await this.core.getSubject(ref);
    const handler = await getHandler(options.format ?? meta.format);
    const candidate = await handler.parse(typeof schema === 'string' ? schema : JSON.stringify(schema));
    return this.core.compat(ref, candidate, options);
  }

  /**
   * Every change between two registered versions, under the subject's policy (or the given one), each with
   * whether it breaks the subject's mode and its severity (as `compat` and `diff --json` give them).
   */
  async diff(
    subject: SubjectName,
    from: string,
    to = 'latest',
    options: { policy?: string } = {},
  ): Promise<Array<Change & { breaking: boolean; severity: Severity }>> {
    const { diffVersions, classifiedChanges } = await import('./core/diff.js');
    return classifiedChanges(await diffVersions({ registry: this.core, subject: toRef(subject), from, to, policy: options.policy }));
  }
}

function summary(s: SubjectInfo): SubjectSummary {
  const versions = s.meta.versions.map((v) => v.version);
  return {
    subject: s.subject,
    namespace: s.namespace,
    name: s.name,
    format: s.meta.format,
    description: s.meta.description,
    owners: s.meta.owners ?? [],
    tags: s.meta.tags ?? [],
    kind: s.meta.kind,
    aliases: s.meta.aliases ?? [],
    versions,
    latest: greatest(versions),
  };
}

/** Open a registry. Throws when no llm-schema.yaml is found. */
export async function openRegistry(options: string | OpenOptions = {}): Promise<LlmSchemaRegistry> {
  const root = findRegistryRoot(typeof options === 'string' ? options : options.root);
  if (!root) throw new UsageError('no registry found: no llm-schema.yaml in this folder or above');
  return new LlmSchemaRegistry(await Registry.open(root));
}

export { Registry, checkCompatibility, compareSchemas };
export type { CompatReport, SubjectRef, SubjectInfo };
export type * from './model/types.js';
export { LlmSchemaError, UsageError, InputError, NotFoundError, RefusedError } from './model/errors.js';
export { extractJson, repairJson, type Extraction, type ExtractOptions } from './core/extract.js';
export { validateReplyText, type ReplyResult, type ReplyOutcome } from './core/reply.js';
export {
  givenForm,
  normalizeReply,
  REPLY_TARGETS,
  openAIForm,
  exportSchema,
  exportOpenAI,
  exportAnthropic,
  exportGemini,
  exportTypeScript,
  bundleSchema,
  toOpenAIStrict,
  toGeminiSchema,
  lintSchema,
  lintOpenAI,
  lintAnthropic,
  lintGemini,
  lintGeneric,
  PROFILES,
  OPENAI_PROFILE,
  ANTHROPIC_PROFILE,
  GEMINI_PROFILE,
  GENERIC_PROFILE,
} from './providers/index.js';
export type {
  ReplyTarget,
  GivenForm,
  LintTarget,
  ExportTarget,
  ProviderTarget,
  ExportInput,
  ExportResult,
  ExportOutputs,
  LintFinding,
  ProviderProfile,
  SchemaContext,
  OpenAIExport,
  OpenAITool,
  OpenAIResponseFormat,
  AnthropicTool,
  GeminiExport,
  GeminiFunctionDeclaration,
} from './providers/index.js';
export { RegistryClient, RegistryHttpError, type RegistryClientOptions } from './client/index.js';
export { RenderInputError } from './formats/prompt/errors.js';
export type { RenderedRequest, RenderedMessage } from './formats/prompt/render.js';

/**
 * The one comparison use-case: "this schema against a subject's history (or an explicit old schema),
 * under the subject's mode and policy unless overridden". Every surface (register, compat, diff, check,
 * serve, the library) settles handler, mode, policy and history here, so they cannot disagree.
 *
 * Policy precedence, decided only here:
 *   1. an explicit policy (`--policy`, a request's `policy`): must be one of the format's, else a UsageError;
 *   2. the subject's `policy:` in subject.yaml: must be one of the format's, else an InputError naming the file;
 *   3. the registry's `policy:` in llm-schema.yaml: applies to the formats that have it and does not apply to
 *      the others (`lenient` is a JSON Schema policy: a Protobuf subject keeps `wire`); a name no format
 *      has (a typo) is an InputError naming llm-schema.yaml;
 *   4. the format's default (its first policy).
 * The valid names come from the handlers themselves (FormatHandler.policies).
 */
import { checkCompatibility, requiredBump, type BumpDecision, type CompatReport, type VersionedSchema } from './compat.js';
import { CONFIG_FILE } from './root.js';
import { checkPolicy } from './policy.js';
import type { SubjectRef } from './names.js';
import type { RegistryReads as Registry } from './registry/reads.js';
import type { CompareOptions, CompatibilityMode, FormatHandler, ParsedSchema, SubjectMeta } from '../model/types.js';
import { FORMATS, getHandler } from '../formats/index.js';

/** Where the candidate is compared: a subject of a registry, and/or explicit old versions. */
export interface ComparisonRequest {
  /** The format of the schemas compared (the candidate's, or the subject's). */
  handler: FormatHandler;
  /** The registry holding the subject (for its mode, policy and history). */
  registry?: Registry;
  subject?: SubjectRef;
  /** The subject's metadata when the caller has read it already. */
  meta?: SubjectMeta;
  /**
   * Explicit old versions, oldest first (the latest last): `compat --old`, `diff --from`, a Confluent
   * request for one version. Default: the subject's history under the mode.
   */
  against?: VersionedSchema[];
  /** Overrides: an explicit mode (`--mode`) and policy (`--policy`). */
  mode?: CompatibilityMode;
  policy?: string;
  budgetMs?: number;
  /** Load a registered version (the server passes its cache); default: registry.loadSchema. */
  load?: (ref: SubjectRef, version: string) => Promise<ParsedSchema>;
}

/** Everything a verdict depends on, settled once. */
export interface Comparison {
  handler: FormatHandler;
  mode: CompatibilityMode;
  /** Undefined for a format without policies. */
  policy: string | undefined;
  /** The versions compared with, the latest last. */
  history: VersionedSchema[];
  /** What handler.compare receives. */
  options: CompareOptions;
}

/** Every policy some format has, from the handlers (loaded only when a registry policy is not the format's own). */
export async function allPolicies(): Promise<Set<string>> {
  const handlers = await Promise.all(FORMATS.map((f) => getHandler(f)));
  return new Set(handlers.flatMap((h) => [...(h.policies ?? [])]));
}

/** The policy that applies to a subject of `handler`'s format (see the precedence at the top). */
export async function resolvePolicy(
  handler: FormatHandler,
  sources: { given?: string; registry?: Registry; subject?: SubjectRef; meta?: SubjectMeta },
): Promise<string | undefined> {
  const { given, registry, subject, meta } = sources;
  if (given !== undefined) return checkPolicy(handler, given);
  if (meta?.policy !== undefined) {
    const where = registry && subject ? registry.display(`${registry.subjectDir(subject)}/subject.yaml`) : 'subject.yaml';
    return checkPolicy(handler, meta.policy, where);
  }
  const fromConfig = registry?.config.policy;
  if (fromConfig !== undefined && !(handler.policies ?? []).includes(fromConfig)) {
    // Another format's policy does not apply here; a policy of no format is a typo worth refusing.
    if ((await allPolicies()).has(fromConfig)) return checkPolicy(handler, undefined);
    return checkPolicy(handler, fromConfig, registry!.display(CONFIG_FILE));
  }
  return checkPolicy(handler, fromConfig);
}

/** Settle handler, mode, policy and history for one comparison. */
export async function settleComparison(req: ComparisonRequest): Promise<Comparison> {
  const { handler, registry, subject } = req;
  let meta = req.meta;
  if (!meta && registry && subject) meta = await registry.getSubject(subject);
  const mode = req.mode ?? meta?.compatibility ?? registry?.config.compatibility ?? 'BACKWARD';
  const policy = await resolvePolicy(handler, { given: req.policy, registry, subject, meta });
  let history = req.against;
  if (!history) {
    if (!registry || !subject || !meta) throw new Error('settleComparison: no history: give a subject or explicit old versions');
    history = await registry.history(subject, meta, mode, req.load);
  }
  const options: CompareOptions = { policy };
  if (req.budgetMs !== undefined) options.budgetMs = req.budgetMs;
  return { handler, mode, policy, history, options };
}

/** The verdict of a candidate under a settled comparison (FORWARD/FULL/transitive built in core/compat.ts). */
export function verdictOf(c: Comparison, candidate: ParsedSchema): CompatReport {
  return checkCompatibility(c.handler, candidate, c.history, c.mode, c.options);
}

/** The smallest correct bump from the latest version compared with (or `from`) to the candidate. */
export function bumpOf(c: Comparison, candidate: ParsedSchema, from: ParsedSchema = c.history[c.history.length - 1].schema): BumpDecision {
  return requiredBump(c.handler, from, candidate, c.mode, c.options);
}

/** Settle and judge in one call: the use-case behind `compat`, `Registry.compat`, serve and the library. */
export async function compareWithSubject(req: ComparisonRequest & { candidate: ParsedSchema }): Promise<{ comparison: Comparison; report: CompatReport }> {
  const comparison = await settleComparison(req);
  return { comparison, report: verdictOf(comparison, req.candidate) };
}

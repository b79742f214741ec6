/**
 * The diff use-case: every change between two registered versions of a subject (or two schemas), under the
 * subject's mode and policy unless overridden. One function for the CLI (`diff`), the server (the web UI's diff
 * view) and the library (`LlmSchemaRegistry.diff`), so the three settle the same comparison; each adapter then
 * picks its words (report/changes.ts's diffText/diffJson, the JSON body, the library's typed list).
 * Never prints, never exits.
 */
import type { Change, CompatibilityMode, FormatHandler, ParsedSchema, ParseOptions, Severity, SubjectMeta } from '../model/types.js';
import { breaksMode, compareSchemas, severityOf } from './compat.js';
import { settleComparison, type Comparison } from './comparison.js';
import { diffView } from './diffreport.js';
import { subjectName, type SubjectRef } from './names.js';
import type { RegistryReads } from './registry/reads.js';

/** A registered version as the diff needs it (the server passes its cache's loader). */
export interface LoadedVersion {
  version: string;
  schema: ParsedSchema;
  handler: FormatHandler;
}

export interface DiffVersionsRequest {
  registry: RegistryReads;
  subject: SubjectRef;
  /** The old version ('latest' or X.Y.Z). */
  from: string;
  /** The new version (default 'latest'). */
  to?: string;
  /** Overrides of the subject's mode and policy (`--mode`, `--policy`). */
  mode?: CompatibilityMode;
  policy?: string;
  budgetMs?: number;
  parseOptions?: ParseOptions;
  /** The subject's metadata when the caller has read it already. */
  meta?: SubjectMeta;
  /** Load a registered version (default: registry.loadSchema). */
  load?: (ref: SubjectRef, version: string) => Promise<LoadedVersion>;
}

/** Two schemas and the comparison settled between them. */
export interface SchemaDiff {
  old: ParsedSchema;
  new: ParsedSchema;
  comparison: Comparison;
  /** Labels for the two sides: "<subject> <version>" for registered versions, else what the caller gave. */
  from: string;
  to: string;
  /** The old side's registered version (it gives the suggested version). */
  fromVersion?: string;
  toVersion?: string;
}

/** The diff between two registered versions of a subject. */
export async function diffVersions(req: DiffVersionsRequest): Promise<SchemaDiff> {
  const { registry, subject: ref } = req;
  const load =
    req.load ??
    (async (r: SubjectRef, v: string): Promise<LoadedVersion> => {
      const { info, schema, handler } = await registry.loadSchema(r, v, req.parseOptions);
      return { version: info.entry.version, schema, handler };
    });
  const a = await load(ref, req.from);
  const b = await load(ref, req.to ?? 'latest');
  const comparison = await settleComparison({
    handler: b.handler,
    registry,
    subject: ref,
    meta: req.meta,
    against: [{ version: a.version, schema: a.schema }],
    mode: req.mode,
    policy: req.policy,
    budgetMs: req.budgetMs,
  });
  const name = subjectName(ref);
  return { old: a.schema, new: b.schema, comparison, from: `${name} ${a.version}`, to: `${name} ${b.version}`, fromVersion: a.version, toVersion: b.version };
}

/** The diff between two schemas given as files (no registry): under `mode` (default BACKWARD) and `policy`. */
export async function diffSchemas(req: {
  handler: FormatHandler;
  old: ParsedSchema;
  new: ParsedSchema;
  from: string;
  to: string;
  mode?: CompatibilityMode;
  policy?: string;
  budgetMs?: number;
}): Promise<SchemaDiff> {
  const comparison = await settleComparison({
    handler: req.handler,
    against: [{ version: req.from, schema: req.old }],
    mode: req.mode ?? 'BACKWARD',
    policy: req.policy,
    budgetMs: req.budgetMs,
  });
  return { old: req.old, new: req.new, comparison, from: req.from, to: req.to };
}

/** The view the reporters print (`diff`, `diff --json`, the web UI): the changes, the bump and the version it suggests. */
export function viewOf(d: SchemaDiff): ReturnType<typeof diffView> {
  return diffView(d.comparison, d.old, d.new, { from: d.from, to: d.to, fromVersion: d.fromVersion });
}

/** Every change of the diff, each with whether it breaks the mode and its severity (the library's `diff`, `compat --json`). */
export function classifiedChanges(d: SchemaDiff): Array<Change & { breaking: boolean; severity: Severity }> {
  return compareSchemas(d.comparison.handler, d.old, d.new, d.comparison.options).map((c) => {
    const breaking = breaksMode(c, d.comparison.mode);
    return { ...c, breaking, severity: severityOf(c, breaking) };
  });
}

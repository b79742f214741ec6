/**
 * The registry's writes to subjects: register and deprecate, and the lock-repair-write steps every subject
 * change takes. Writes go through the storage's writer (only the working tree has one); the write guard defers
 * signals so that an interrupt leaves the old or the new state. Never prints, never exits.
 */
import { openContentModelHint } from '../hints.js';
import { getHandler, EXTENSIONS } from '../../formats/index.js';
import { InputError, LlmSchemaError, RefusedError, UsageError } from '../../model/errors.js';
import type {
  Change,
  CompatibilityMode,
  FormatName,
  ParseOptions,
  SchemaDiagnostic,
  SchemaReference,
  SubjectKind,
  SubjectMeta,
  VersionEntry,
} from '../../model/types.js';
import { LinkEscapeError, withWriteGuard, type WriteGuard } from '../../storage/fsutil.js';
import type { RegistryWriter } from '../../storage/types.js';
import type { CompatReport } from '../compat.js';
import { bumpOf, resolvePolicy, settleComparison, verdictOf } from '../comparison.js';
import { recordedIdStands, schemaId } from '../ids.js';
import { checkName, checkNamespace, subjectName, type SubjectRef } from '../names.js';
import { parseSubject, pendingFiles, PENDING_PREFIX, serializeSubject, SUBJECT_FILE, VERSION_FILE_NAME } from '../subject.js';
import { bump as bumpVersion, bumpBetween, checkVersion, greatest, type Bump } from '../version.js';
import type { RegistryReads } from './reads.js';

export interface RegisterInput extends SubjectRef {
  /** Schema source text. */
  text: string;
  /** Where the text came from, for messages. */
  file?: string;
  format: FormatName;
  version?: string;
  description?: string;
  owners?: string[];
  tags?: string[];
  kind?: SubjectKind;
  references?: SchemaReference[];
  /** Approve an intentional break: recorded with the version in subject.yaml. */
  allowBreaking?: string;
  dryRun?: boolean;
  policy?: string;
  parseOptions?: ParseOptions;
  /** Prompts: the bump a change of the template text alone needs (default patch). */
  textChange?: Bump;
  /**
   * Run after the files are written, still holding the registry lock (`register --commit`: the commit, so
   * that a concurrent register never finds git's index locked).
   */
  afterWrite?: (result: RegisterResult) => Promise<void>;
}

export type RegisterOutcome = 'registered' | 'unchanged';

export interface RegisterResult {
  outcome: RegisterOutcome;
  subject: string;
  version: string;
  id: number;
  file: string;
  /** The bump that the change needed, relative to the latest version. */
  bump: Bump | 'none' | 'initial';
  previous?: string;
  mode: CompatibilityMode;
  compat?: CompatReport;
  changes: Change[];
  dryRun: boolean;
  /** Files written (relative to the root); empty on dry run or no-op. */
  written: string[];
  /** With an unchanged schema: whether the metadata given (description, owners, tags, kind) changed the subject. */
  metadataUpdated?: boolean;
  /** Warnings about the schema on its own (handler.lint: prompt inputs the template never uses). */
  warnings: SchemaDiagnostic[];
}

/** The storage's writer, or a UsageError naming the read-only storage (a git ref, the index, a snapshot). */
export function writerOf(registry: RegistryReads, what = 'write to'): RegistryWriter {
  const writer = registry.storage.writer;
  if (!writer) throw new UsageError(`cannot ${what} ${registry.storage.label}: it is read-only`);
  return writer;
}

/**
 * Register a schema version. Under the registry lock: identical content is a no-op reporting the
 * existing version; otherwise the version is chosen (or checked, when given) from the change, the
 * candidate is checked under the subject's mode, and the version file then subject.yaml are written
 * atomically.
 */
export async function register(registry: RegistryReads, input: RegisterInput): Promise<RegisterResult> {
  const ref = { namespace: checkNamespace(input.namespace), name: checkName(input.name) };
  if (input.version !== undefined) checkVersion(input.version);
  const writer = writerOf(registry, 'register into');
  const handler = await getHandler(input.format);
  const references = await registry.resolveReferences(input.references ?? []);
  const candidate = await handler.parse(input.text, { ...input.parseOptions, file: input.file, references, sealed: true });
  handler.compile(candidate, input.parseOptions); // refuse schemas that cannot be compiled (unresolved $ref, ...)
  const diagnostics = handler.lint?.(candidate) ?? [];
  const lintErrors = diagnostics.filter((d) => d.severity === 'error');
  if (lintErrors.length) {
    throw new RefusedError(
      `refused: ${input.file ?? 'the schema'} has ${lintErrors.length} error${lintErrors.length === 1 ? '' : 's'}: ${lintErrors[0].message}`,
      lintErrors.map((d) => `${d.rule}${d.line ? ` at line ${d.line}` : ''}: ${d.message}`),
    );
  }
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const canonical = handler.canonical(candidate);
  const id = schemaId(input.format, canonical, input.references);

  const lock = input.dryRun ? undefined : await writer.lock();
  try {
    if (!input.dryRun) await repairSubject(registry, ref);
    const existing = await registry.readSubject(ref);
    const meta: SubjectMeta = existing ?? { format: input.format, versions: [] };
    const { mode } = registry.resolveMode(existing);
    // An explicit --policy that the format does not have is refused even for a first version.
    const policy = await resolvePolicy(handler, { given: input.policy, registry, subject: ref, meta: existing });
    const subject = subjectName(ref);

    // A new subject's name must not be another subject's alias (Confluent routes answer by both).
    if (!existing || existing.aliases?.length) {
      const clashes = await registry.aliasClashes(ref, existing?.aliases ?? []);
      if (clashes.length) throw new RefusedError(`refused: ${clashes[0]}`, clashes.slice(1));
    }
    if (existing && existing.format !== input.format) {
      throw new RefusedError(
        `refused: '${subject}' holds ${existing.format} schemas and this one is ${input.format}; a change of format is incompatible (SCHEMA_FORMAT_CHANGED)`,
      );
    }
    // Identical content already registered: a no-op that reports the existing version.
    if (existing && existing.format === input.format) {
      for (const e of existing.versions) {
        if (e.id !== id && !recordedIdStands(e)) continue; // an imported id is the source's, not the content's
        const { schema } = await registry.loadSchema(ref, e.version);
        if (handler.canonical(schema) === canonical) {
          // The content is registered; metadata flags given with it still update the subject.
          const updated = withMetadata(existing, input);
          const changed = serializeSubject(updated) !== serializeSubject(existing);
          const written: string[] = [];
          if (changed && !input.dryRun) {
            await writer.writeFile(registry.subjectFile(ref), serializeSubject(updated));
            written.push(registry.subjectFile(ref));
          }
          const same: RegisterResult = {
            outcome: 'unchanged',
            subject,
            version: e.version,
            id: e.id,
            file: registry.versionFile(ref, e.version, meta.format),
            bump: 'none',
            mode,
            changes: [],
            dryRun: !!input.dryRun,
            written,
            metadataUpdated: changed,
            warnings,
          };
          if (written.length && input.afterWrite) await input.afterWrite(same);
          return same;
        }
      }
    }
    if (input.version && meta.versions.some((e) => e.version === input.version)) {
      throw new InputError(
        `version ${input.version} of '${subject}' is already registered with other content; registered versions never change: register a new version`,
      );
    }

    let version: string;
    let bump: RegisterResult['bump'];
    let changes: Change[] = [];
    let compat: CompatReport | undefined;
    const previous = greatest(meta.versions.map((e) => e.version));
    if (!previous) {
      version = input.version ?? '1.0.0';
      bump = 'initial';
    } else {
      const comparison = await settleComparison({ handler, registry, subject: ref, meta, mode, policy });
      const decision = bumpOf(comparison, candidate);
      changes = decision.changes;
      bump = decision.bump === 'none' ? 'patch' : decision.bump;
      if (input.textChange && rank(input.textChange) > rank(bump) && changes.some((c) => c.rule === 'TEMPLATE_TEXT_CHANGED')) bump = input.textChange;
      compat = verdictOf(comparison, candidate);
      if (!compat.compatible && !input.allowBreaking) {
        const reasons = compat.changes
          .filter((c) => c.breaking)
          .map(
            (c) =>
              `${c.rule} at ${c.path || '/'}: ${c.message}` +
              (c.witness ? ` (e.g. ${JSON.stringify(c.witness.value).slice(0, 120)} is valid only under the ${c.witness.validUnder} version)` : ''),
          );
        const hint = openContentModelHint(
          subject,
          compat.changes.filter((c) => c.breaking).map((c) => c.rule),
          comparison.policy,
        );
        if (hint) reasons.push(hint);
        throw new RefusedError(
          `refused: the schema is incompatible with '${subject}' under ${mode}` +
            (compat.undecided ? ' (the checker could not decide some changes)' : '') +
            `; to approve an intentional break, pass --allow-breaking "<reason>" (recorded in subject.yaml)`,
          reasons,
        );
      }
      if (input.version) {
        const given = bumpBetween(previous, input.version);
        if (given === null) {
          throw new RefusedError(
            `refused: version ${input.version} is not above the latest version ${previous} of '${subject}': versions only grow; this change needs at least ${bumpVersion(previous, bump)}`,
          );
        }
        if (rank(given) < rank(bump)) {
          throw new RefusedError(
            `refused: version ${input.version} understates the change from ${previous}: it needs a ${bump} bump (${decision.reason}), e.g. ${bumpVersion(previous, bump)}`,
            changes.filter((c) => c.breaksBackward || c.breaksForward || c.category !== 'annotation').map((c) => `${c.rule} at ${c.path || '/'}: ${c.message}`),
          );
        }
        version = input.version;
      } else {
        version = bumpVersion(previous, bump);
        while (meta.versions.some((e) => e.version === version)) version = bumpVersion(version, 'patch');
      }
    }

    const entry: VersionEntry = { version, id, state: 'active', registered: new Date().toISOString() };
    if (input.references?.length) entry.references = input.references;
    if (input.allowBreaking && compat && !compat.compatible) entry.allowBreaking = input.allowBreaking;
    const next: SubjectMeta = withMetadata({ ...meta, versions: [...meta.versions, entry] }, input);
    if (!existing) next.format = input.format;
    if (!existing && input.format === 'prompt' && !input.kind) next.kind = 'prompt';

    const versionRel = registry.versionFile(ref, version, input.format);
    const result: RegisterResult = {
      outcome: 'registered',
      subject,
      version,
      id,
      file: versionRel,
      bump,
      previous,
      mode,
      compat,
      changes,
      dryRun: !!input.dryRun,
      written: [],
      warnings,
    };
    if (input.dryRun) return result;

    if (!(await lock!.held())) throw new LlmSchemaError('lost the registry lock while registering; nothing was written', 2);
    const text = input.text.endsWith('\n') ? input.text : input.text + '\n';
    const subjectRel = registry.subjectFile(ref);
    const mark = `${registry.subjectDir(ref)}/${PENDING_PREFIX}${version}${EXTENSIONS[input.format]}`;
    let after = false;
    await withWriteGuard(
      `the registry is unchanged (${subject} ${version} was not registered)`,
      async (guard) => {
        await writeVersion(writer, guard, {
          mark,
          markText: `${JSON.stringify({ pid: process.pid, version, registered: entry.registered })}\n`,
          versionRel,
          text,
          subjectRel,
          subjectText: serializeSubject(next),
          display: registry.display(versionRel),
        });
        result.written = [versionRel, subjectRel];
        // Still under the lock (and the guard): e.g. the git commit of the new files.
        if (input.afterWrite) {
          after = true;
          await input.afterWrite(result);
        }
      },
      () => `${subject} ${version} was registered before the interrupt took effect${after ? '; see git status for the commit' : ''}`,
    );
    return result;
  } finally {
    await lock?.release();
  }
}

/**
 * Under the registry lock, before a write to a subject: remove what a killed writer left in its folder
 * (temporary files of dead processes; version files a register marked pending and never listed).
 */
export async function repairSubject(registry: RegistryReads, ref: SubjectRef): Promise<void> {
  const writer = writerOf(registry);
  const dir = registry.subjectDir(ref);
  await writer.removeStaleTemps(dir);
  const pending = pendingFiles(await writer.listAll(dir));
  if (!pending.size) return;
  let text: string | undefined;
  try {
    text = await registry.storage.readFile(`${dir}/${SUBJECT_FILE}`);
  } catch (err) {
    if (err instanceof LinkEscapeError) return; // a subject.yaml linked out of the registry: its readers say so; nothing is removed
  }
  let listed: Set<string>;
  try {
    const meta = text === undefined ? undefined : parseSubject(text, SUBJECT_FILE);
    listed = new Set((meta?.versions ?? []).map((v) => `${v.version}${EXTENSIONS[meta!.format]}`));
  } catch {
    return; // a subject.yaml that does not parse: its readers say so; nothing is removed
  }
  for (const f of pending) {
    if (VERSION_FILE_NAME.test(f) && !listed.has(f)) await writer.removeFile(`${dir}/${f}`);
    await writer.removeFile(`${dir}/${PENDING_PREFIX}${f}`);
  }
}

/** Change subject metadata under the lock (deprecate, compatibility). */
export async function updateSubject(registry: RegistryReads, ref: SubjectRef, change: (meta: SubjectMeta) => SubjectMeta): Promise<SubjectMeta> {
  const writer = writerOf(registry);
  const lock = await writer.lock();
  try {
    await repairSubject(registry, ref);
    const meta = await registry.getSubject(ref);
    const next = change(structuredClone(meta));
    await withWriteGuard(`${registry.display(registry.subjectFile(ref))} is unchanged`, async (guard) => {
      guard.checkpoint();
      await writer.writeFile(registry.subjectFile(ref), serializeSubject(next));
    });
    return next;
  } finally {
    await lock.release();
  }
}

export async function deprecate(registry: RegistryReads, ref: SubjectRef, version: string, reason?: string): Promise<VersionEntry> {
  let out!: VersionEntry;
  await updateSubject(registry, ref, (meta) => {
    const e = registry.resolveVersion(ref, meta, version);
    e.state = 'deprecated';
    if (reason) e.reason = reason;
    out = e;
    return meta;
  });
  return out;
}

/** The subject with the metadata given to register (description, owners, tags, kind) applied. */
function withMetadata(meta: SubjectMeta, input: RegisterInput): SubjectMeta {
  const next: SubjectMeta = { ...meta };
  if (input.description !== undefined) next.description = input.description;
  if (input.owners?.length) next.owners = [...new Set([...(meta.owners ?? []), ...input.owners])];
  if (input.tags?.length) next.tags = [...new Set([...(meta.tags ?? []), ...input.tags])];
  if (input.kind) next.kind = input.kind;
  return next;
}

function rank(b: Bump | 'none' | 'initial'): number {
  return b === 'major' ? 3 : b === 'minor' ? 2 : b === 'patch' ? 1 : 0;
}

/**
 * The steps that register one version, shared by `register` and `import`: (1) the pending mark (until subject.yaml
 * lists the version, readers leave its file out, and the next write to the subject removes it if this process dies
 * before step 3); (2) the version file, created exclusively: a version file is never replaced; (3) subject.yaml, whose
 * rename is the commit point. A failure undoes what was written, so the registry is as it was.
 */
export async function writeVersion(
  writer: RegistryWriter,
  guard: WriteGuard,
  w: { mark: string; markText: string; versionRel: string; text: string; subjectRel: string; subjectText: string; display: string; unwritten?: string },
): Promise<void> {
  let created = false;
  try {
    guard.checkpoint();
    await writer.writeFile(w.mark, w.markText);
    guard.checkpoint();
    try {
      await writer.writeFile(w.versionRel, w.text, { exclusive: true });
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      throw new InputError(`${w.display} already exists: refusing to overwrite a version file; ${w.unwritten ?? 'nothing was written'}`);
    }
    guard.checkpoint();
    await writer.writeFile(w.subjectRel, w.subjectText);
  } catch (err) {
    if (created) await writer.removeFile(w.versionRel);
    await writer.removeFile(w.mark);
    throw err;
  }
  await writer.removeFile(w.mark);
}

/**
 * The registry: one object over a storage, with its use-cases split by job under core/registry/ (reads.ts:
 * subjects, versions, history; writes.ts: register, deprecate; aliases-config.ts: aliases, modes, policies;
 * search.ts). Writes go through the storage's writer, so a registry opened on a git ref, the index or a
 * snapshot refuses them by type. Never prints, never exits.
 */
import * as path from 'node:path';
import { getHandler } from '../formats/index.js';
import { InputError } from '../model/errors.js';
import type { CompatibilityMode, ParsedSchema, SubjectMeta, VersionEntry } from '../model/types.js';
import { FsStorage } from '../storage/fs.js';
import type { LinkEscapeError } from '../storage/fsutil.js';
import type { RegistryStorage } from '../storage/types.js';
import type { CompatReport } from './compat.js';
import { compareWithSubject } from './comparison.js';
import { CONFIG_FILE, parseConfig } from './config.js';
import type { SubjectRef } from './names.js';
import { setDefaultCompatibility, setDefaultPolicy, setSubjectAliases, setSubjectConfig } from './registry/aliases-config.js';
import { RegistryReads, type SubjectInfo } from './registry/reads.js';
import { search } from './registry/search.js';
import { deprecate, register, type RegisterInput, type RegisterResult } from './registry/writes.js';
import { compareVersions } from './version.js';

export type { SubjectInfo, VersionInfo } from './registry/reads.js';
export type { RegisterInput, RegisterOutcome, RegisterResult } from './registry/writes.js';
export { RegistryReads };

export class Registry extends RegistryReads {
  /** Open the registry whose config is at root/llm-schema.yaml, reading through storage (the working tree by default). */
  static async open(root: string, storage: RegistryStorage = new FsStorage(root)): Promise<Registry> {
    const text = await storage.readFile(CONFIG_FILE);
    const file = path.join(root, CONFIG_FILE);
    if (text === undefined) {
      throw new InputError(`no ${CONFIG_FILE} here: run 'llm-schema init' or pass --registry DIR`, { file });
    }
    return new Registry(root, parseConfig(text, file), storage);
  }

  /** Check a candidate schema against a subject under its mode (or the given one): core/comparison.ts. */
  async compat(
    ref: SubjectRef,
    candidate: ParsedSchema,
    options: { mode?: CompatibilityMode; policy?: string; budgetMs?: number } = {},
  ): Promise<CompatReport> {
    const handler = await getHandler(candidate.format);
    return (await compareWithSubject({ handler, registry: this, subject: ref, ...options, candidate })).report;
  }

  /**
   * Register a schema version. Under the registry lock: identical content is a no-op reporting the
   * existing version; otherwise the version is chosen (or checked, when given) from the change, the
   * candidate is checked under the subject's mode, and the version file then subject.yaml are written
   * atomically (registry/writes.ts).
   */
  register(input: RegisterInput): Promise<RegisterResult> {
    return register(this, input);
  }

  deprecate(ref: SubjectRef, version: string, reason?: string): Promise<VersionEntry> {
    return deprecate(this, ref, version, reason);
  }

  /** Add and remove aliases of a subject (refused with ALIAS_CLASH when one is taken). Returns the new list. */
  setSubjectAliases(ref: SubjectRef, add: string[], remove: string[]): Promise<string[]> {
    return setSubjectAliases(this, ref, add, remove);
  }

  /** Set a subject's mode; a reason is recorded as `compatibility-change` (what `check` asks for when a mode loosens). */
  setSubjectCompatibility(ref: SubjectRef, mode: CompatibilityMode, reason?: string): Promise<void> {
    return setSubjectConfig(this, ref, { compatibility: mode }, reason);
  }

  /**
   * Set a subject's mode and/or policy. A reason is recorded as `compatibility-change` (what `check` asks for when a
   * mode or policy loosens); a change without one drops an earlier reason, which described an earlier change.
   */
  setSubjectConfig(ref: SubjectRef, change: { compatibility?: CompatibilityMode; policy?: string }, reason?: string): Promise<void> {
    return setSubjectConfig(this, ref, change, reason);
  }

  /** Set the registry's default policy (`policy:` in llm-schema.yaml), with the same reason rule as the mode. */
  setDefaultPolicy(policy: string, reason?: string): Promise<void> {
    return setDefaultPolicy(this, policy, reason);
  }

  setDefaultCompatibility(mode: CompatibilityMode, reason?: string): Promise<void> {
    return setDefaultCompatibility(this, mode, reason);
  }

  /** Subjects matching every word in their name, description, tags, owners, kind or field names. */
  /** `skip`: as listSubjects', a subject whose subject.yaml links out of the registry is left out and handed to it. */
  search(words: string[], skip?: (subject: string, err: LinkEscapeError) => void): Promise<Array<SubjectInfo & { matches: string[] }>> {
    return search(this, words, skip);
  }
}

export type { SubjectMeta };
export { compareVersions };

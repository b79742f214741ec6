/**
 * Aliases and configuration: a subject's aliases (refused on ALIAS_CLASH), its mode and policy, and the
 * registry's defaults in llm-schema.yaml. Each change is one atomic write under the registry lock.
 */
import * as path from 'node:path';
import { InputError, RefusedError, UsageError } from '../../model/errors.js';
import type { CompatibilityMode, RegistryConfig, SubjectMeta } from '../../model/types.js';
import { withWriteGuard } from '../../storage/fsutil.js';
import { FORMATS, getHandler } from '../../formats/index.js';
import { isLooser } from '../compat.js';
import { allPolicies } from '../comparison.js';
import { checkPolicy, loosenedFrom, policyInForce } from '../policy.js';
import { CONFIG_FILE, parseConfig, serializeConfig } from '../config.js';
import { subjectName, type SubjectRef } from '../names.js';
import { checkAlias, serializeSubject } from '../subject.js';
import type { RegistryReads } from './reads.js';
import { repairSubject, updateSubject, writerOf } from './writes.js';

/** Add and remove aliases of a subject (refused with ALIAS_CLASH when one is taken). Returns the new list. */
export async function setSubjectAliases(registry: RegistryReads, ref: SubjectRef, add: string[], remove: string[]): Promise<string[]> {
  for (const a of add) checkAlias(a);
  let out: string[] = [];
  const writer = writerOf(registry);
  const lock = await writer.lock();
  try {
    await repairSubject(registry, ref);
    const meta = await registry.getSubject(ref);
    const current = meta.aliases ?? [];
    for (const r of remove) {
      if (!current.includes(r)) throw new UsageError(`'${subjectName(ref)}' has no alias '${r}'`);
    }
    out = [...current.filter((a) => !remove.includes(a))];
    for (const a of add) if (!out.includes(a)) out.push(a);
    const clashes = await registry.aliasClashes(
      ref,
      out.filter((a) => !current.includes(a)),
    );
    if (clashes.length) throw new RefusedError(`refused: ${clashes[0]}`, clashes.slice(1));
    const next: SubjectMeta = { ...meta, aliases: out };
    if (!out.length) delete next.aliases;
    await withWriteGuard(`${registry.display(registry.subjectFile(ref))} is unchanged`, async (guard) => {
      guard.checkpoint();
      await writer.writeFile(registry.subjectFile(ref), serializeSubject(next));
    });
  } finally {
    await lock.release();
  }
  return out;
}

/** Set a subject's mode; a reason is recorded as `compatibility-change` (what `check` asks for when a mode loosens). */

/**
 * Set a subject's mode and/or policy. A reason is recorded as `compatibility-change` (what `check` asks for when a
 * mode or policy loosens); a change without one drops an earlier reason, which described an earlier change.
 */
export async function setSubjectConfig(
  registry: RegistryReads,
  ref: SubjectRef,
  change: { compatibility?: CompatibilityMode; policy?: string },
  reason?: string,
): Promise<void> {
  await updateSubject(registry, ref, (meta) => {
    const next: SubjectMeta = { ...meta, ...change };
    if (reason) next.compatibilityChange = reason;
    else delete next.compatibilityChange;
    return next;
  });
}

/** Set the registry's default policy (`policy:` in llm-schema.yaml), with the same reason rule as the mode. */
export async function setDefaultPolicy(registry: RegistryReads, policy: string, reason?: string): Promise<void> {
  const known = [...(await allPolicies())];
  if (!known.includes(policy)) throw new UsageError(`unknown policy '${policy}': expected ${known.join(', ')}`);
  await updateConfigFile(registry, { policy }, reason);
  (registry.config as RegistryConfig).policy = policy;
}

export async function setDefaultCompatibility(registry: RegistryReads, mode: CompatibilityMode, reason?: string): Promise<void> {
  await updateConfigFile(registry, { compatibility: mode }, reason);
  (registry.config as RegistryConfig).compatibility = mode;
}

async function updateConfigFile(registry: RegistryReads, change: { compatibility?: CompatibilityMode; policy?: string }, reason?: string): Promise<void> {
  const writer = writerOf(registry);
  const lock = await writer.lock();
  try {
    const file = path.join(registry.root, CONFIG_FILE);
    const text = await registry.storage.readFile(CONFIG_FILE);
    if (text === undefined) throw new InputError('no such file', { file });
    const cfg = parseConfig(text, file);
    // Keep every other key the user wrote, in place.
    const { parseDocument } = await import('yaml');
    const doc = parseDocument(text);
    let out: string;
    if (doc.contents && typeof doc.contents === 'object' && 'set' in doc.contents) {
      for (const [k, v] of Object.entries(change)) if (v !== undefined) doc.set(k, v);
      if (reason) doc.set('compatibility-change', reason);
      else doc.delete('compatibility-change');
      out = doc.toString();
    } else {
      out = serializeConfig({ ...cfg, ...change }, reason ? { 'compatibility-change': reason } : {});
    }
    await writer.removeStaleTemps('', CONFIG_FILE);
    await withWriteGuard(`${registry.display(CONFIG_FILE)} is unchanged`, async (guard) => {
      guard.checkpoint();
      await writer.writeFile(CONFIG_FILE, out);
    });
  } finally {
    await lock.release();
  }
}

/** What `config` asks: show or set a subject's mode, policy and aliases, or the registry's defaults. */
export interface ConfigureRequest {
  /** The subject; without one, the registry default. */
  subject?: SubjectRef;
  compatibility?: CompatibilityMode;
  policy?: string;
  /** Why the mode or policy changes (recorded as compatibility-change). */
  reason?: string;
  addAliases?: string[];
  removeAliases?: string[];
  /** Told before a write that loosens a mode without a reason (`check --against` fails until it is approved). */
  onLoosened?: (change: { from: CompatibilityMode; to: CompatibilityMode; scope: 'subject' | 'registry default' }) => void;
}

export type ConfigureResult =
  | {
      scope: 'subject';
      subject: string;
      /** The mode and policy in force after the change, and where the mode comes from. */
      compatibility: CompatibilityMode;
      source: 'subject' | 'registry default';
      policy: string | null;
      aliases: string[];
      /** What this call set (empty: a show). */
      set: { compatibility?: CompatibilityMode; policy?: string };
      aliasesChanged: boolean;
    }
  | {
      scope: 'registry';
      compatibility: CompatibilityMode;
      policy: string | null;
      schemas: string;
      set: { compatibility?: CompatibilityMode; policy?: string };
    };

/**
 * The config use-case. A policy that checks less than the one in force needs a reason (UsageError without one:
 * check asks for it as compatibility-change); a looser mode without one is allowed and told to onLoosened.
 */
export async function configure(registry: RegistryReads, req: ConfigureRequest): Promise<ConfigureResult> {
  const mode = req.compatibility;
  const refuseLoosening = (from: string | undefined, to: string | undefined, what: string) => {
    const stricter = loosenedFrom(from, to);
    if (stricter && !req.reason) {
      throw new UsageError(
        `policy ${to} checks less than ${stricter} for ${what}: say why with --reason "<why>" (recorded as compatibility-change, which check asks for)`,
      );
    }
  };
  const ref = req.subject;
  if (ref) {
    const meta = await registry.getSubject(ref);
    const name = subjectName(ref);
    const handler = await getHandler(meta.format);
    let policy: string | undefined;
    if (req.policy !== undefined) {
      policy = checkPolicy(handler, req.policy);
      refuseLoosening(policyInForce(handler, meta.policy, registry.config.policy), policy, name);
    }
    if (mode || policy) {
      const from = meta.compatibility ?? registry.config.compatibility;
      if (mode && isLooser(from, mode) && !req.reason) req.onLoosened?.({ from, to: mode, scope: 'subject' });
      await setSubjectConfig(registry, ref, { ...(mode ? { compatibility: mode } : {}), ...(policy ? { policy } : {}) }, req.reason);
    }
    const add = req.addAliases ?? [];
    const remove = req.removeAliases ?? [];
    const aliasesChanged = add.length > 0 || remove.length > 0;
    const aliases = aliasesChanged ? await setSubjectAliases(registry, ref, add, remove) : (meta.aliases ?? []);
    return {
      scope: 'subject',
      subject: name,
      compatibility: mode ?? meta.compatibility ?? registry.config.compatibility,
      source: mode || meta.compatibility ? 'subject' : 'registry default',
      policy: policy ?? policyInForce(handler, meta.policy, registry.config.policy) ?? null,
      aliases,
      set: { ...(mode ? { compatibility: mode } : {}), ...(policy ? { policy } : {}) },
      aliasesChanged,
    };
  }
  const policyArg = req.policy;
  if (policyArg !== undefined) {
    // The registry default applies to the format that has the policy: compare with what is in force there.
    const owner = (await Promise.all(FORMATS.map((f) => getHandler(f)))).find((h) => h.policies?.includes(policyArg));
    if (owner) refuseLoosening(policyInForce(owner, undefined, registry.config.policy), policyArg, 'the registry default');
    await setDefaultPolicy(registry, policyArg, req.reason);
  }
  if (mode) {
    if (isLooser(registry.config.compatibility, mode) && !req.reason)
      req.onLoosened?.({ from: registry.config.compatibility, to: mode, scope: 'registry default' });
    await setDefaultCompatibility(registry, mode, req.reason);
  }
  return {
    scope: 'registry',
    compatibility: registry.config.compatibility,
    policy: registry.config.policy ?? null,
    schemas: registry.config.schemas,
    set: { ...(mode ? { compatibility: mode } : {}), ...(policyArg !== undefined ? { policy: policyArg } : {}) },
  };
}

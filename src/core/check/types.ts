/**
 * The shapes the check walker (core/check.ts) and its rule families (check/rules/*.ts) share: a finding, a
 * rule declared with the handler that emits it, the run the handlers report into, the two sides compared,
 * and the small text helpers findings are located with.
 */
import { formatWhere, type InputError } from '../../model/errors.js';
import type { RuleSpec } from '../../model/rule-spec.js';
import type { RegistryConfig } from '../../model/types.js';
import { LinkEscapeError } from '../../storage/fsutil.js';
import type { RegistryStorage } from '../../storage/types.js';
import type { Registry } from '../registry.js';
import type { CheckFinding, CheckSeverity } from '../../model/finding.js';

export type { CheckSeverity };
/** One finding: data, turned into words by a reporter (its shape is model/finding.ts's CheckFinding). */
export type Finding = CheckFinding;

/** A check rule: a RuleSpec (rule-spec.ts, the shared RuleSpec) with its fixed severity. */
export type RuleInfo = RuleSpec & { readonly severity: CheckSeverity };

/** A check rule as its family declares it: id, purpose, severity, and the handler that emits it (buf's {ID, purpose, handler}). */
export interface CheckRule {
  readonly id: string;
  readonly purpose: string;
  readonly severity: CheckSeverity;
  /** The function of the family's file that emits the rule. */
  readonly handler: (...args: never[]) => unknown;
}

export interface CheckOptions {
  /** The registry root on disk (for messages and Registry.open). */
  root: string;
  /** The side being checked: working tree, index or a commit. */
  head: RegistryStorage;
  /** The side it is compared with (the merge base); without it the whole registry is checked. */
  base?: RegistryStorage;
  /** Display path of a registry-relative path (defaults to the path itself). */
  filePath?: (rel: string) => string;
  /**
   * A storage whose reads are cheap (the working tree), used to scan ids of unchanged subjects when its
   * tree ids match the head's. Optional.
   */
  fast?: RegistryStorage;
  policy?: string;
}

export interface CheckResult {
  mode: 'diff' | 'full';
  /** Labels of the compared sides. */
  head: string;
  base?: string;
  /** Subjects examined (changed ones in diff mode, every one in full mode), sorted. */
  subjects: string[];
  findings: Finding[];
  errors: number;
  warnings: number;
  notices: number;
}

export interface Side {
  storage: RegistryStorage;
  registry?: Registry;
  config?: RegistryConfig;
  configRaw?: Record<string, unknown>;
}

export type Storage = RegistryStorage & { fileId?(p: string): Promise<string | undefined> };

/** What a rule handler reports into: the run's options, its finding list, and its display paths. */
export interface CheckRun {
  readonly opts: CheckOptions;
  add(f: Omit<Finding, 'severity'> & { severity?: CheckSeverity }): void;
  display(rel: string): string;
}

/** An error's message without the file:line prefix the finding carries as its location. */
export function bare(err: Error): string {
  const e = err as InputError;
  const prefix = formatWhere({ file: e.file, line: e.line, column: e.column });
  return prefix && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

const VERSION_FILE = /^(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.(json|avsc|proto|prompt)$/;
export function versionFromFile(name: string): string | undefined {
  return VERSION_FILE.exec(name)?.[1];
}

/** 1-based line of the first match, or undefined. */
export function lineOf(text: string | undefined, re: RegExp): number | undefined {
  if (!text) return undefined;
  const m = re.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The line of a version's entry in subject.yaml. */
export function lineOfVersion(text: string | undefined, version: string): number | undefined {
  const v = version.replace(/[.+-]/g, (c) => `\\${c}`);
  return lineOf(text, new RegExp(`^[ \\t-]*version\\s*:\\s*['"]?${v}['"]?\\s*(#.*)?$`, 'm'));
}

/** A file's text, or undefined when it is missing or a link out of the registry (readMeta reports that). */
export async function readUnlessLinkOut(storage: RegistryStorage, rel: string): Promise<string | undefined> {
  try {
    return await storage.readFile(rel);
  } catch (err) {
    if (err instanceof LinkEscapeError) return undefined;
    throw err;
  }
}

/**
 * Check rules about the files of a subject folder: every version file is listed in subject.yaml and every
 * listed version has its file, and no file is a symbolic link leading out of the registry.
 */
import { LinkEscapeError } from '../../../storage/fsutil.js';
import { PENDING_PREFIX, SUBJECT_FILE } from '../../subject.js';
import { lineOfVersion, versionFromFile, type CheckRule, type CheckRun, type Side } from '../types.js';

export const FILE_RULES: readonly CheckRule[] = [
  { id: 'VERSION_FILE_MISSING', severity: 'error', purpose: 'every version listed in subject.yaml has its file', handler: versionFileMissing },
  {
    id: 'SYMLINK_OUTSIDE_REGISTRY',
    severity: 'error',
    purpose: 'a version file or subject.yaml is never a symbolic link leading out of the registry (it is never read)',
    handler: linkOut,
  },
  { id: 'UNREGISTERED_FILE', severity: 'error', purpose: 'every version file is listed in subject.yaml', handler: unregisteredFile },
];

/** A subject.yaml (no version) or a version file that is a link leading out of the registry. */
export function linkOut(run: CheckRun, subject: string, rel: string, version?: string): void {
  // the literal is LinkEscapeError.rule, the storage's name for it
  const rule: 'SYMLINK_OUTSIDE_REGISTRY' = LinkEscapeError.rule;
  run.add({
    rule,
    subject,
    ...(version !== undefined ? { version } : {}),
    file: run.display(rel),
    message:
      version === undefined
        ? `the ${SUBJECT_FILE} of ${subject} is a symbolic link leading out of the registry; it is never read: replace the link with the file`
        : `version ${version} of ${subject} is a symbolic link leading out of the registry; it is never read: replace the link with the file`,
  });
}

export function versionFileMissing(run: CheckRun, subject: string, version: string, ext: string, yamlRel: string, yamlText: string): void {
  run.add({
    rule: 'VERSION_FILE_MISSING',
    subject,
    version,
    file: run.display(yamlRel),
    line: lineOfVersion(yamlText, version),
    message: `version ${version} is listed in ${SUBJECT_FILE} but ${version}${ext} is missing`,
  });
}

/**
 * A version file subject.yaml does not list. The message names the fix: stage subject.yaml (when the index is
 * checked and the working tree's lists it; `side` given), remove an interrupted register's leftover, else `fallback`.
 */
export async function unregisteredFile(
  run: CheckRun,
  side: Side | undefined,
  files: Array<{ name: string }>,
  dir: string,
  name: string,
  subject: string,
  fallback: string,
): Promise<void> {
  const unstaged = side ? await unstagedEntry(run, side, `${dir}/${SUBJECT_FILE}`, name) : undefined;
  run.add({
    rule: 'UNREGISTERED_FILE',
    subject,
    file: run.display(`${dir}/${name}`),
    message: unstaged ?? pendingLeftover(run, files, dir, name, subject) ?? fallback,
  });
}

/**
 * A version file a register marked pending and never listed (it was interrupted): the message naming the
 * exact fix, else undefined.
 */
function pendingLeftover(run: CheckRun, files: Array<{ name: string }>, dir: string, name: string, subject: string): string | undefined {
  if (!files.some((f) => f.name === PENDING_PREFIX + name)) return undefined;
  return `${name} was left by an interrupted register and was never registered: the next register, deprecate or config of ${subject} removes it, or run: rm '${run.display(`${dir}/${name}`)}' '${run.display(`${dir}/${PENDING_PREFIX}${name}`)}'`;
}

/**
 * When the index is checked and the working tree's subject.yaml does list this version file, the fix is to stage
 * it (the usual slip: `git add` of the new version file only). The message saying so, else undefined.
 */
async function unstagedEntry(run: CheckRun, side: Side, yamlRel: string, fileName: string): Promise<string | undefined> {
  const work = run.opts.fast;
  if (!work || work === side.storage || side.storage.label !== 'index') return undefined;
  const version = versionFromFile(fileName);
  if (!version) return undefined;
  const text = await work.readFile(yamlRel).catch(() => undefined);
  const escaped = version.replace(/[.+]/g, '\\$&');
  if (!text || !new RegExp(`^\\s*-?\\s*version:\\s*["']?${escaped}["']?\\s*$`, 'm').test(text)) return undefined;
  return `${fileName} is staged but ${SUBJECT_FILE}, which lists it, is not: run 'git add ${run.display(yamlRel)}'`;
}

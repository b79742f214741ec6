/**
 * What `init` writes outside the registry: CI workflows and commit hooks, placed where GitHub, GitLab, pre-commit, husky
 * and lefthook look (the top of the git repository), with paths prefixed by the registry's folder, and merged into
 * files that already exist instead of replacing them. Pure functions over text: init.ts does the reading and writing.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { firstLine, InputError } from '../model/errors.js';
import { parseDocument, isMap, isSeq, type Document } from 'yaml';

/** Where things are: the repository top, the registry and the npm package (package.json) that holds llm-schema. */
export interface Layout {
  /** The top of the git work tree (the registry folder itself when it is in no repository). */
  top: string;
  inGit: boolean;
  /** The registry folder relative to `top`, '' when it is the top, '/'-separated. */
  registry: string;
  /** The folder of the nearest package.json from the registry up to `top`, relative to `top` ('' for the top). */
  pkg: string;
  hasPackageJson: boolean;
}

export function findLayout(root: string): Layout {
  let top: string | undefined;
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) {
      top = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  const inGit = top !== undefined;
  top ??= root;
  let pkgDir: string | undefined;
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (isFile(path.join(dir, 'package.json'))) {
      pkgDir = dir;
      break;
    }
    if (dir === top || path.dirname(dir) === dir) break;
  }
  return { top, inGit, registry: posix(path.relative(top, root)), pkg: posix(path.relative(top, pkgDir ?? top)), hasPackageJson: pkgDir !== undefined };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A word for a POSIX shell (and YAML plain scalars): quoted only when it needs it. */
export function shellWord(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The values the CI and hook templates are filled with. Every command runs from the repository top. */
export function templateVars(layout: Layout, schemas: string, compatibility: string): Record<string, string> {
  const npmPrefix = layout.pkg ? ` --prefix ${shellWord(layout.pkg)}` : '';
  const registryArg = layout.registry ? ` --registry ${shellWord(layout.registry)}` : '';
  return {
    compatibility,
    schemas,
    npmPrefix,
    registryArg,
    hookCommand: hookCommand(layout),
    pkgFile: layout.pkg ? `${layout.pkg}/package-lock.json` : 'package-lock.json',
    filesPrefix: layout.registry ? `${escapeRe(layout.registry)}/` : '',
    schemasRe: escapeRe(schemas),
    globPrefix: layout.registry ? `${layout.registry}/` : '',
  };
}

/** The command a commit hook runs: the project's locked llm-schema, silent when the check passes. */
export function hookCommand(layout: Layout): string {
  const npmPrefix = layout.pkg ? ` --prefix ${shellWord(layout.pkg)}` : '';
  const registryArg = layout.registry ? ` --registry ${shellWord(layout.registry)}` : '';
  return `npx --no-install${npmPrefix} llm-schema check --staged --quiet${registryArg}`;
}

export type MergeResult = { text: string; action: 'merged' | 'unchanged' } | { action: 'refused'; reason: string };

/** Does this text already run llm-schema's staged check? */
function runsCheck(text: string): boolean {
  return /llm-schema(-registry)?\s+check\b[^\n]*--staged/.test(text);
}

/**
 * husky (v9 hooks are plain shell without a shebang): add the check to an existing .husky/pre-commit, keeping what
 * is there (husky init's sample `npm test` included).
 */
export function mergeHusky(existing: string, command: string): MergeResult {
  if (runsCheck(existing)) return { text: existing, action: 'unchanged' };
  const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return { text: `${existing}${sep}${command}\n`, action: 'merged' };
}

function parseYaml(text: string, file: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new InputError(`not valid YAML: ${firstLine(e.message)}`, { file, line: pos?.line, column: pos?.col });
  }
  return doc;
}

/**
 * lefthook.yml: add an `llm-schema` command to the pre-commit hook (or a job, when the hook uses lefthook 2's `jobs`),
 * keeping every other key and comment. A file holding only lefthook's commented-out sample counts as empty.
 */
export function mergeLefthook(existing: string, file: string, glob: string, command: string): MergeResult {
  const doc = parseYaml(existing, file);
  if (doc.contents !== null && doc.contents !== undefined && !isMap(doc.contents)) {
    return { action: 'refused', reason: `${file} is not a YAML mapping` };
  }
  if (runsCheck(JSON.stringify(doc.toJSON() ?? {}))) return { text: existing, action: 'unchanged' };
  const hook = doc.getIn(['pre-commit']);
  if (hook !== undefined && hook !== null && !isMap(hook)) return { action: 'refused', reason: `${file}: 'pre-commit' is not a mapping` };
  const jobs = doc.getIn(['pre-commit', 'jobs']);
  if (isSeq(jobs)) {
    jobs.add(doc.createNode({ name: 'llm-schema', glob, run: command }));
  } else {
    const commands = doc.getIn(['pre-commit', 'commands']);
    if (commands !== undefined && commands !== null && !isMap(commands))
      return { action: 'refused', reason: `${file}: 'pre-commit.commands' is not a mapping` };
    if (isMap(commands) && commands.has('llm-schema')) return { action: 'refused', reason: `${file} already has a pre-commit command named llm-schema` };
    doc.setIn(['pre-commit', 'commands', 'llm-schema'], doc.createNode({ glob, run: command }));
  }
  return { text: doc.toString({ lineWidth: 0 }), action: 'merged' };
}

/** .pre-commit-config.yaml: add a local llm-schema hook to `repos`, keeping the other repositories and comments. */
export function mergePreCommit(existing: string, file: string, ours: string): MergeResult {
  const doc = parseYaml(existing, file);
  const oursDoc = parseDocument(ours);
  const json = doc.toJSON() as { repos?: Array<{ hooks?: Array<{ id?: string }> }> } | null;
  if (json !== null && (typeof json !== 'object' || Array.isArray(json))) return { action: 'refused', reason: `${file} is not a YAML mapping` };
  const listed = Array.isArray(json?.repos) ? json!.repos : [];
  if (listed.some((r) => Array.isArray(r?.hooks) && r.hooks.some((h) => h?.id === 'llm-schema-check'))) return { text: existing, action: 'unchanged' };
  const repos = doc.getIn(['repos']);
  const ourRepo = doc.createNode((oursDoc.toJSON() as { repos: unknown[] }).repos[0]);
  if (isSeq(repos)) repos.add(ourRepo);
  else if (repos === undefined || repos === null) doc.setIn(['repos'], doc.createNode([ourRepo]));
  else return { action: 'refused', reason: `${file}: 'repos' is not a list` };
  return { text: doc.toString({ lineWidth: 0 }), action: 'merged' };
}

/** lefthook's config file names, in the order lefthook reads them; the first one present is the config. */
export const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml', '.config/lefthook.yml', '.config/lefthook.yaml'];
export const LEFTHOOK_OTHER = ['lefthook.toml', '.lefthook.toml', 'lefthook.json', '.lefthook.json', 'lefthook.jsonc', '.lefthook.jsonc'];

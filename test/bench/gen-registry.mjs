/**
 * A generator of synthetic registries in git repositories, for benchmarks:
 * `node test/bench/gen-registry.mjs DIR SUBJECTS [VERSIONS]` writes DIR as a git repo on branch main holding
 * SUBJECTS Avro subjects (50 per namespace) with VERSIONS compatible versions each (real ids), in one commit.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const dist = new URL('../../dist/', import.meta.url);
const { getHandler } = await import(new URL('formats/index.js', dist).href);
const { schemaId } = await import(new URL('core/ids.js', dist).href);
const { serializeSubject } = await import(new URL('core/subject.js', dist).href);

export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The Avro schema of subject i at version index k (k extra fields, each with a default: every step is compatible). */
export function schemaText(i, k, extraField) {
  const fields = [{ name: 'id', type: 'string' }];
  for (let j = 1; j <= k; j++) fields.push({ name: `f${j}`, type: 'int', default: 0 });
  if (extraField) fields.push({ name: extraField, type: 'string', default: '' });
  return JSON.stringify({ type: 'record', name: `S${i}`, namespace: 'bench', fields }, null, 2) + '\n';
}

export function subjectPath(i) {
  return { ns: `ns${Math.floor(i / 50)}`, name: `subject-${i}` };
}

/** Write version files and subject.yaml for subject i with `versions` versions (1.0.0, 1.1.0, ...). */
export async function writeSubject(root, i, versions, extraVersion) {
  const handler = await getHandler('avro');
  const { ns, name } = subjectPath(i);
  const dir = path.join(root, 'schemas', ns, name);
  mkdirSync(dir, { recursive: true });
  const meta = { format: 'avro', versions: [] };
  const list = [];
  for (let k = 0; k < versions; k++) list.push({ version: `1.${k}.0`, text: schemaText(i, k) });
  if (extraVersion) list.push(extraVersion);
  const files = [];
  for (const v of list) {
    const parsed = await handler.parse(v.text, {});
    meta.versions.push({ version: v.version, id: schemaId('avro', handler.canonical(parsed)), state: 'active', registered: '2026-01-01T00:00:00.000Z' });
    writeFileSync(path.join(dir, `${v.version}.avsc`), v.text);
    files.push(path.join(dir, `${v.version}.avsc`));
  }
  writeFileSync(path.join(dir, 'subject.yaml'), serializeSubject(meta));
  files.push(path.join(dir, 'subject.yaml'));
  return files;
}

export async function generateRegistry(root, subjects, versions = 5) {
  mkdirSync(root, { recursive: true });
  git(root, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(root, 'llm-schema.yaml'), 'compatibility: BACKWARD\nschemas: schemas\n');
  writeFileSync(path.join(root, '.gitignore'), '.llm-schema.lock\n');
  for (let i = 0; i < subjects; i++) await writeSubject(root, i, versions);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', `synthetic registry: ${subjects} subjects x ${versions} versions`);
  return root;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n, v] = process.argv.slice(2);
  if (!dir || !n) {
    console.error('usage: node test/bench/gen-registry.mjs DIR SUBJECTS [VERSIONS]');
    process.exit(2);
  }
  await generateRegistry(path.resolve(dir), Number(n), v ? Number(v) : 5);
  console.log(`wrote ${n} subjects x ${v ?? 5} versions to ${dir}`);
}

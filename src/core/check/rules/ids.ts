/**
 * Check rules about schema ids: a version's recorded id matches its content (ID_MISMATCH), and two different
 * schemas never hold one id (DUPLICATE_ID). Every id in the registry is scanned cheaply (subject.yaml text, from
 * the working tree where it matches); only ids that collide with a checked version are loaded and compared.
 */
import type { FormatName, SchemaReference, VersionEntry } from '../../../model/types.js';
import type { RegistryStorage } from '../../../storage/types.js';
import { recordedIdStands, schemaId } from '../../ids.js';
import { subjectName, type SubjectRef } from '../../names.js';
import { SUBJECT_FILE } from '../../subject.js';
import { readUnlessLinkOut, type CheckRule, type CheckRun, type Side } from '../types.js';

export const ID_RULES: readonly CheckRule[] = [
  { id: 'ID_MISMATCH', severity: 'error', purpose: "a version's recorded id matches its content", handler: idMatches },
  { id: 'DUPLICATE_ID', severity: 'error', purpose: 'two different schemas never hold one id', handler: duplicateIds },
];

/** A new id seen in this run, and where (for duplicate detection). */
export interface NewId {
  id: number;
  subject: string;
  version: string;
  ref: SubjectRef;
  file: string;
  line?: number;
}

/** The id recorded for a new version against the one its canonical content gives. */
export function idMatches(
  run: CheckRun,
  e: { version: string; id: number; references?: SchemaReference[]; imported?: VersionEntry['imported'] },
  format: FormatName,
  canonical: string,
  where: { subject: string; yamlRel: string; line: number | undefined },
): void {
  const id = schemaId(format, canonical, e.references);
  // An id imported from another registry (llm-schema import) is the one Kafka messages carry: it stands as recorded.
  if (id === e.id || recordedIdStands(e)) return;
  run.add({
    rule: 'ID_MISMATCH',
    subject: where.subject,
    version: e.version,
    file: run.display(where.yamlRel),
    line: where.line,
    message: `version ${e.version} records id ${e.id}, but its content gives ${id}: register versions with 'llm-schema register' instead of writing subject.yaml by hand`,
    args: { recorded: e.id, computed: id },
  });
}

export async function duplicateIds(run: CheckRun, head: Side, newIds: readonly NewId[]): Promise<void> {
  if (!newIds.length) return;
  const wanted = new Set(newIds.map((x) => x.id));
  const wantedText = [...wanted].map(String);
  const holders = new Map<number, Array<{ ref: SubjectRef; version: string }>>();
  const schemas = head.config!.schemas;
  const fast: RegistryStorage | undefined = run.opts.fast;
  for (const ns of await head.storage.listDir(schemas)) {
    if (!ns.isDir || ns.name.startsWith('.')) continue;
    for (const n of await head.storage.listDir(`${schemas}/${ns.name}`)) {
      if (!n.isDir || n.name.startsWith('.')) continue;
      const dir = `${schemas}/${ns.name}/${n.name}`;
      let text: string | undefined;
      if (fast && fast !== head.storage && fast.treeId && head.storage.treeId) {
        const [a, b] = await Promise.all([fast.treeId(dir), head.storage.treeId(dir)]);
        if (a !== undefined && a === b) text = await readUnlessLinkOut(fast, `${dir}/${SUBJECT_FILE}`);
      }
      if (text === undefined) text = await readUnlessLinkOut(head.storage, `${dir}/${SUBJECT_FILE}`);
      if (text === undefined) continue;
      // Most files hold none of the wanted ids: a substring test skips them without parsing.
      let maybe = false;
      for (const w of wantedText) if (text.includes(w)) maybe = true;
      if (!maybe) continue;
      for (const { id, version } of scanIds(text)) {
        if (!wanted.has(id)) continue;
        const list = holders.get(id) ?? [];
        list.push({ ref: { namespace: ns.name, name: n.name }, version });
        holders.set(id, list);
      }
    }
  }
  const registry = head.registry!;
  const canon = new Map<string, string | undefined>();
  const canonicalOf = async (ref: SubjectRef, version: string): Promise<string | undefined> => {
    const key = `${subjectName(ref)}@${version}`;
    if (!canon.has(key)) {
      try {
        const { schema, handler } = await registry.loadSchema(ref, version);
        canon.set(key, `${schema.format}\0${handler.canonical(schema)}`);
      } catch {
        canon.set(key, undefined);
      }
    }
    return canon.get(key);
  };
  const reported = new Set<string>();
  for (const x of newIds) {
    const others = (holders.get(x.id) ?? []).filter((h) => !(subjectName(h.ref) === x.subject && h.version === x.version));
    if (!others.length) continue;
    const mine = await canonicalOf(x.ref, x.version);
    if (mine === undefined) continue;
    for (const o of others) {
      const theirs = await canonicalOf(o.ref, o.version);
      if (theirs === undefined || theirs === mine) continue;
      const key = [`${x.subject}@${x.version}`, `${subjectName(o.ref)}@${o.version}`].sort().join(' ');
      if (reported.has(key)) continue;
      reported.add(key);
      run.add({
        rule: 'DUPLICATE_ID',
        subject: x.subject,
        version: x.version,
        file: run.display(x.file),
        line: x.line,
        message: `id ${x.id} of ${x.subject} ${x.version} is also held by ${subjectName(o.ref)} ${o.version}, a different schema`,
        args: { id: x.id, other: { subject: subjectName(o.ref), version: o.version } },
      });
    }
  }
}

/** (id, version) pairs from subject.yaml text, without a YAML parse (ids are integers, versions semver). */
export function scanIds(text: string): Array<{ id: number; version: string }> {
  const out: Array<{ id: number; version: string }> = [];
  const at = text.search(/^versions\s*:/m);
  if (at === -1) return out;
  let version: string | undefined;
  let id: number | undefined;
  const flush = () => {
    if (version !== undefined && id !== undefined) out.push({ id, version });
    version = undefined;
    id = undefined;
  };
  for (const raw of text.slice(at).split('\n').slice(1)) {
    if (/^\S/.test(raw)) break; // the next top-level key
    const item = /^\s*-\s+(.*)$/.exec(raw);
    const body = item ? item[1] : raw.trim();
    if (item) flush();
    const mv = /^version\s*:\s*['"]?([0-9A-Za-z.+-]+)['"]?/.exec(body);
    if (mv) version = mv[1];
    const mi = /^id\s*:\s*(\d+)/.exec(body);
    if (mi) id = Number(mi[1]);
  }
  flush();
  return out;
}

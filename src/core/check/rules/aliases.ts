/**
 * Check rules about aliases: unique, and never another subject's name (Confluent routes answer by both). Only
 * examined subjects are judged; the others' names and aliases are read when an examined subject is new or has
 * aliases (subject.yaml texts without 'aliases' are not parsed).
 */
import { parseSubject, SUBJECT_FILE } from '../../subject.js';
import { lineOf, readUnlessLinkOut, type CheckRule, type CheckRun, type Side } from '../types.js';

export const ALIAS_RULES: readonly CheckRule[] = [
  {
    id: 'ALIAS_CLASH',
    severity: 'error',
    purpose: "a subject alias is unique and never another subject's name (Confluent routes answer by both)",
    handler: aliasClashes,
  },
];

/** A subject examined in this run: its subject.yaml and aliases. */
export interface Examined {
  subject: string;
  file: string;
  text: string;
  aliases: string[];
  isNew: boolean;
}

export async function aliasClashes(run: CheckRun, head: Side, examined: readonly Examined[]): Promise<void> {
  const judged = examined.filter((x) => x.isNew || x.aliases.length);
  if (!judged.length) return;
  const owners = new Map<string, string[]>(); // name or alias -> subjects holding it
  const hold = (key: string, subject: string) => {
    const l = owners.get(key) ?? [];
    if (!l.includes(subject)) l.push(subject);
    owners.set(key, l);
  };
  const schemas = head.config!.schemas;
  for (const ns of await head.storage.listDir(schemas)) {
    if (!ns.isDir || ns.name.startsWith('.')) continue;
    for (const n of await head.storage.listDir(`${schemas}/${ns.name}`)) {
      if (!n.isDir || n.name.startsWith('.')) continue;
      const subject = `${ns.name}.${n.name}`;
      hold(subject, subject);
      const known = examined.find((x) => x.subject === subject);
      let aliases = known?.aliases;
      if (!aliases) {
        const text = await readUnlessLinkOut(head.storage, `${schemas}/${ns.name}/${n.name}/${SUBJECT_FILE}`);
        if (text === undefined || !text.includes('aliases')) continue;
        try {
          aliases = parseSubject(text, SUBJECT_FILE).aliases ?? [];
        } catch {
          continue; // malformed: reported when that subject is examined
        }
      }
      for (const a of aliases) hold(a, subject);
    }
  }
  for (const x of judged) {
    const others = (key: string) => (owners.get(key) ?? []).filter((s) => s !== x.subject);
    const taken = others(x.subject);
    if (taken.length) {
      run.add({
        rule: 'ALIAS_CLASH',
        subject: x.subject,
        file: run.display(x.file),
        message: `the subject name ${x.subject} is also an alias of ${taken.join(', ')}: Confluent routes could not tell them apart`,
      });
    }
    for (const a of x.aliases) {
      const t = others(a);
      if (a === x.subject) {
        run.add({
          rule: 'ALIAS_CLASH',
          subject: x.subject,
          file: run.display(x.file),
          line: lineOf(x.text, new RegExp(`^\\s*-\\s*['"]?${a.replace(/[.]/g, '\\.')}`, 'm')),
          message: `the alias ${a} is the subject's own name`,
        });
      } else if (t.length) {
        run.add({
          rule: 'ALIAS_CLASH',
          subject: x.subject,
          file: run.display(x.file),
          line: lineOf(x.text, new RegExp(`^\\s*-\\s*['"]?${a.replace(/[.]/g, '\\.')}`, 'm')),
          message: `the alias ${a} is also ${t.includes(a) ? 'a subject' : `an alias of ${t.join(', ')}`}: an alias names one subject only`,
          args: { alias: a, others: t },
        });
      }
    }
  }
}

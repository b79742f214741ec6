/** Search: subjects matching words in their name, description, tags, owners, kind or field names. */
import type { LinkEscapeError } from '../../storage/fsutil.js';
import type { RegistryReads, SubjectInfo } from './reads.js';

/** Subjects matching every word in their name, description, tags, owners, kind or field names. */
export async function search(
  registry: RegistryReads,
  words: string[],
  skip?: (subject: string, err: LinkEscapeError) => void,
): Promise<Array<SubjectInfo & { matches: string[] }>> {
  const terms = words.map((w) => w.toLowerCase()).filter(Boolean);
  const out: Array<SubjectInfo & { matches: string[] }> = [];
  for (const s of await registry.listSubjects(undefined, skip)) {
    const fields: Array<[string, string[]]> = [
      ['name', [s.subject]],
      ['description', s.meta.description ? [s.meta.description] : []],
      ['tag', s.meta.tags ?? []],
      ['owner', s.meta.owners ?? []],
      ['kind', s.meta.kind ? [s.meta.kind] : []],
    ];
    let fieldNames: string[] | undefined;
    const matches = new Set<string>();
    let all = true;
    for (const t of terms) {
      let hit = false;
      for (const [label, values] of fields) {
        if (values.some((v) => v.toLowerCase().includes(t))) {
          matches.add(label);
          hit = true;
        }
      }
      if (!hit) {
        if (fieldNames === undefined) fieldNames = await fieldNamesOf(registry, s);
        const f = fieldNames.find((n) => n.toLowerCase().includes(t));
        if (f) {
          matches.add(`field ${f}`);
          hit = true;
        }
      }
      if (!hit) {
        all = false;
        break;
      }
    }
    if (all && terms.length) out.push({ ...s, matches: [...matches] });
  }
  return out;
}

async function fieldNamesOf(registry: RegistryReads, s: SubjectInfo): Promise<string[]> {
  if (s.meta.versions.length === 0) return [];
  try {
    const { schema, handler } = await registry.loadSchema(s, 'latest');
    return handler.fieldNames?.(schema) ?? [];
  } catch {
    return [];
  }
}

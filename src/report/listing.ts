/**
 * The reporter layer for the read commands: `list`, `search`, `get --json` and `log`. Pure renderers (data in, text out);
 * the commands fetch the data, print what these return and pick the exit code.
 */
import type { LogEntry } from '../core/history.js';
import type { SubjectInfo, VersionInfo } from '../core/registry.js';
import { greatest } from '../core/version.js';
import type { CompatibilityMode, SubjectMeta } from '../model/types.js';
import { plain, type Paint } from './changes.js';

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const latestOf = (s: SubjectInfo) => greatest(s.meta.versions.map((v) => v.version)) ?? null;

/** `list --json`: every subject with its settings and versions (the registry default mode where it has none). */
export function subjectsJson(subjects: SubjectInfo[], defaultMode: CompatibilityMode): string {
  return json(
    subjects.map((s) => ({
      subject: s.subject,
      namespace: s.namespace,
      name: s.name,
      format: s.meta.format,
      kind: s.meta.kind,
      description: s.meta.description,
      owners: s.meta.owners ?? [],
      tags: s.meta.tags ?? [],
      aliases: s.meta.aliases ?? [],
      compatibility: s.meta.compatibility ?? defaultMode,
      latest: latestOf(s),
      versions: s.meta.versions.map((v) => ({ version: v.version, id: v.id, state: v.state, ...(v.reason ? { reason: v.reason } : {}) })),
    })),
  );
}

/** `list`: a line per subject (format, kind, versions with the deprecated dimmed), its description below. */
export function subjectsText(subjects: SubjectInfo[], c: Paint = plain): string {
  const lines: string[] = [];
  for (const s of subjects) {
    const versions = s.meta.versions.map((v) => (v.state === 'deprecated' ? c.dim(`${v.version} (deprecated)`) : v.version));
    const kind = s.meta.kind ? ` ${c.dim(s.meta.kind)}` : '';
    lines.push(`${c.bold(s.subject)}  ${s.meta.format}${kind}  ${versions.join(', ') || c.dim('no versions')}`);
    if (s.meta.description) lines.push(`  ${c.dim(s.meta.description)}`);
  }
  return lines.map((l) => l + '\n').join('');
}

export type SearchHit = SubjectInfo & { matches: string[] };

/** `search --json`: the matching subjects and the fields each matched in. */
export function searchJson(hits: SearchHit[]): string {
  return json(
    hits.map((h) => ({
      subject: h.subject,
      format: h.meta.format,
      description: h.meta.description,
      tags: h.meta.tags ?? [],
      latest: latestOf(h),
      matches: h.matches,
    })),
  );
}

export function searchText(hits: SearchHit[], c: Paint = plain): string {
  const lines: string[] = [];
  for (const h of hits) {
    const latest = latestOf(h);
    lines.push(`${c.bold(h.subject)}${latest ? ` ${latest}` : ''}  ${c.dim(`(${h.matches.join(', ')})`)}`);
    if (h.meta.description) lines.push(`  ${h.meta.description}`);
  }
  return lines.map((l) => l + '\n').join('');
}

/** `get --json`: a registered version with its subject's metadata; JSON and Avro schemas as values, others as text. */
export function versionJson(info: VersionInfo, meta: SubjectMeta, file: string): string {
  return json({
    subject: info.subject,
    namespace: info.namespace,
    name: info.name,
    version: info.entry.version,
    id: info.entry.id,
    format: info.format,
    state: info.entry.state,
    ...(info.entry.reason ? { reason: info.entry.reason } : {}),
    ...(info.entry.references?.length ? { references: info.entry.references } : {}),
    file,
    description: meta.description,
    owners: meta.owners ?? [],
    tags: meta.tags ?? [],
    kind: meta.kind,
    schema: info.format === 'json' || info.format === 'avro' ? JSON.parse(info.text) : info.text,
  });
}

/** `log --json`: the subject's commits, newest first, and whether a shallow clone cut the walk short. */
export function historyJson(subject: string, commits: LogEntry[], truncated: boolean): string {
  return json({ subject, truncated, commits });
}

/** `log`: a line per commit: what it did, its id, date, author and subject line. */
export function historyText(subject: string, commits: LogEntry[]): string {
  if (!commits.length) return `${subject} has no committed history yet\n`;
  const rows = commits.map((e) => ({
    what: e.versions.length ? e.versions.join(', ') : e.deprecated.length ? `deprecated ${e.deprecated.join(', ')}` : e.change,
    e,
  }));
  const width = Math.min(40, Math.max(...rows.map((r) => r.what.length)));
  return rows
    .map(
      ({ what, e }) =>
        `${what.padEnd(width)}  ${e.commit.slice(0, 7)}  ${e.date.slice(0, 19).replace('T', ' ')}  ${e.author.name} <${e.author.email}>  ${e.message.split('\n')[0]}\n`,
    )
    .join('');
}

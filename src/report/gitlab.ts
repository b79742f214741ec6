import { createHash } from 'node:crypto';
import type { Reporter } from './types.js';

const SEVERITY = { error: 'major', warning: 'minor', notice: 'info' } as const;

/** GitLab Code Quality: a JSON array of issues, each with a stable fingerprint. */
export const gitlab: Reporter = (result) => {
  const seen = new Map<string, number>();
  const issues = result.findings.map((f) => {
    const base = [f.rule, f.file ?? '', f.subject ?? '', f.version ?? '', f.message].join('\0');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      type: 'issue',
      check_name: f.rule,
      description: `${f.subject ? `${f.subject}${f.version ? ` ${f.version}` : ''}: ` : ''}${f.message}`,
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint: createHash('sha256').update(`${base}\0${n}`).digest('hex').slice(0, 40),
      location: { path: f.file ?? 'llm-schema.yaml', lines: { begin: f.line ?? 1 } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
};

/**
 * Markup shared by the server (the home page is rendered into the first HTML answer, so it paints without
 * waiting for scripts) and the browser (which renders the same markup when navigating back home).
 * Pure string functions: no DOM, no Node.
 */

export interface HomeSubject {
  subject: string;
  namespace: string;
  name: string;
  format: string;
  kind?: string;
  latest?: string;
  state?: string;
  reason?: string;
  versions: number;
  owners: string[];
  tags: string[];
  description?: string;
}

export interface HomeData {
  source: string;
  commit?: string;
  subjects: HomeSubject[];
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESC[c]);
}

/** The UI path of a subject (its full name is [A-Za-z0-9_.-], so it needs no encoding, but encode anyway). */
export function subjectPath(subject: string, version?: string): string {
  return `/ui/s/${encodeURIComponent(subject)}${version ? `/v/${encodeURIComponent(version)}` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The home page: a filter box, counts, and one table per namespace. */
export function renderHome(data: HomeData): string {
  const byNs = new Map<string, HomeSubject[]>();
  for (const s of data.subjects) {
    let list = byNs.get(s.namespace);
    if (!list) byNs.set(s.namespace, (list = []));
    list.push(s);
  }
  const parts: string[] = [];
  parts.push(
    `<h1>Schemas</h1><div class="filter"><label for="q">Filter</label> <input type="search" id="q" name="q" autocomplete="off" placeholder="names, descriptions, tags, field names" aria-controls="subjects">` +
      ` <output id="count" aria-live="polite">${plural(data.subjects.length, 'subject')} in ${plural(byNs.size, 'namespace')}</output></div><div id="subjects">`,
  );
  for (const [ns, list] of byNs) {
    parts.push(
      `<section class="ns" data-ns="${esc(ns)}"><h2>${esc(ns)} <small>${plural(list.length, 'subject')}</small></h2><table><thead><tr><th>Subject</th><th>Format</th><th>Kind</th><th>Latest</th><th>State</th><th class="wide">Owners</th><th class="wide">Tags</th></tr></thead><tbody>`,
    );
    for (const s of list) {
      const state = s.state === 'deprecated' ? `<span class="badge warn" title="${esc(s.reason ?? '')}">deprecated</span>` : esc(s.state ?? '');
      parts.push(
        `<tr data-s="${esc(s.subject)}"><td><a href="${subjectPath(s.subject)}">${esc(s.name)}</a></td><td>${esc(s.format)}</td><td>${esc(s.kind ?? '')}</td>` +
          `<td>${esc(s.latest ?? '')}</td><td>${state}</td><td class="wide">${esc(s.owners.join(', '))}</td><td class="wide">${s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ')}</td></tr>`,
      );
    }
    parts.push('</tbody></table></section>');
  }
  parts.push('</div>');
  if (!data.subjects.length) parts.push('<p>No subjects registered yet: <code>llm-schema register</code> adds one.</p>');
  return parts.join('');
}

/** The page around every view: header, main (the view), the script. */
export function renderShell(title: string, main: string, footer: string, css: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="color-scheme" content="light dark"><title>${esc(title)}</title><style>${css}</style>` +
    `<script type="module" src="/ui/assets/app.js"></script></head><body>` +
    `<header><a href="/ui/" class="home">llm-schema</a><nav aria-label="breadcrumb" id="crumbs"></nav></header>` +
    `<main id="main" tabindex="-1">${main}</main><footer>${footer}</footer></body></html>`
  );
}

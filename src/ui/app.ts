/**
 * The browser side of the web UI: a small router over History API permalinks (/ui/, /ui/s/{subject},
 * /ui/s/{subject}/v/{version}, .../provider/{target}, /ui/s/{subject}/diff?from=A&to=B) that renders each
 * view from the server's JSON. Plain DOM, no framework, nothing loaded from elsewhere.
 */
import { esc, renderHome, subjectPath, type HomeData } from './render.js';

interface VersionRow {
  version: string;
  index: number;
  id: number;
  state: string;
  reason?: string;
  registered?: string;
  commit?: { commit: string; author: { name: string; email: string }; date: string; message: string };
}

interface SubjectInfo {
  subject: string;
  namespace: string;
  name: string;
  format: string;
  kind?: string;
  description?: string;
  owners: string[];
  tags: string[];
  aliases: string[];
  compatibility: string;
  compatibilityFrom: string;
  policy: string | null;
  latest: string | null;
  versions: VersionRow[];
}

interface Finding {
  rule: string;
  path: string;
  message: string;
  severity: string;
  backward: boolean;
  forward: boolean;
  breaking: boolean;
  caution?: string;
  witness?: unknown;
  against?: string;
  line?: number;
  column?: number;
  file?: string;
}

const main = () => document.getElementById('main') as HTMLElement;
let renderSeq = 0;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (!res.ok) {
    const message = body && typeof body === 'object' && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${res.status}`;
    throw new HttpFailure(res.status, message);
  }
  return body as T;
}

function setCrumbs(parts: Array<[string, string?]>): void {
  const nav = document.getElementById('crumbs');
  if (!nav) return;
  nav.innerHTML = parts
    .map(([label, href]) => (href ? `<a href="${esc(href)}">${esc(label)}</a>` : `<span aria-current="page">${esc(label)}</span>`))
    .join(' / ');
}

function apiBase(s: SubjectInfo): string {
  return `/schemas/${encodeURIComponent(s.namespace)}/${encodeURIComponent(s.name)}`;
}

// ---------- source: highlighted, collapsible ----------

function scalar(v: unknown): string {
  if (typeof v === 'string') return `<span class="s">${esc(JSON.stringify(v))}</span>`;
  if (typeof v === 'number') return `<span class="n">${esc(String(v))}</span>`;
  return `<span class="b">${esc(String(v))}</span>`;
}

/**
 * JSON as nested <details>: each object and array folds; keys, strings, numbers and literals coloured. A
 * value's trailing comma goes inside its fold, so a closing bracket and its comma stay on one line.
 */
function tree(v: unknown, trail = ''): string {
  const isArr = Array.isArray(v);
  if (v === null || typeof v !== 'object') return scalar(v) + trail;
  const entries: Array<[string | null, unknown]> = isArr ? (v as unknown[]).map((x) => [null, x]) : Object.entries(v as Record<string, unknown>);
  const [open, close] = isArr ? ['[', ']'] : ['{', '}'];
  if (!entries.length) return `${open}${close}${trail}`;
  const items = entries
    .map(
      ([k, x], i) =>
        `<span class="blk">${k === null ? '' : `<span class="k">${esc(JSON.stringify(k))}</span>: `}${tree(x, i < entries.length - 1 ? ',' : '')}</span>`,
    )
    .join('');
  return `<details open><summary data-close="${close}${trail}" aria-label="${isArr ? `array of ${entries.length}` : `object with ${entries.length} keys`}">${open}</summary>${items}${close}${trail}</details>`;
}

const PROTO_WORDS =
  /\b(syntax|edition|package|import|public|weak|option|message|enum|service|rpc|returns|stream|oneof|map|reserved|extensions|extend|optional|required|repeated|to|max|double|float|int32|int64|uint32|uint64|sint32|sint64|fixed32|fixed64|sfixed32|sfixed64|bool|string|bytes|true|false)\b/;

/** Protobuf (and any other text): comments, strings, numbers and keywords coloured. */
function highlightText(text: string): string {
  const re = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)/g;
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += esc(text.slice(last, m.index));
    const [t] = m;
    if (m[1]) out += `<span class="c">${esc(t)}</span>`;
    else if (m[2]) out += `<span class="s">${esc(t)}</span>`;
    else if (m[3]) out += `<span class="n">${esc(t)}</span>`;
    else out += PROTO_WORDS.test(t) && t.match(PROTO_WORDS)![0] === t ? `<span class="kw">${esc(t)}</span>` : esc(t);
    last = m.index + t.length;
  }
  return out + esc(text.slice(last));
}

// ---------- JSON Schema outline ----------

const CONSTRAINTS = [
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'default',
];

function typeOf(s: Record<string, unknown>): string {
  if (typeof s.$ref === 'string') return `→ ${s.$ref}`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (typeof s.type === 'string') return s.type;
  for (const k of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(s[k])) return k;
  if (s.properties) return 'object';
  return 'any';
}

function outline(schema: unknown, depth = 0): string {
  if (!schema || typeof schema !== 'object' || depth > 12) return '';
  const s = schema as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const parts: string[] = [];
  const props = s.properties && typeof s.properties === 'object' ? Object.entries(s.properties as Record<string, unknown>) : [];
  for (const [name, sub] of props) {
    const p = (sub && typeof sub === 'object' ? sub : {}) as Record<string, unknown>;
    const cons = CONSTRAINTS.filter((k) => k in p).map((k) => `${k}: ${JSON.stringify(p[k])}`);
    if (p.additionalProperties === false) cons.push('closed');
    const desc = typeof p.description === 'string' ? ` — ${esc(p.description)}` : '';
    parts.push(
      `<li><code>${esc(name)}</code> <span class="t">${esc(typeOf(p))}</span>${required.has(name) ? ' <span class="req">required</span>' : ''}` +
        `${cons.length ? ` <span class="cons">${esc(cons.join(', '))}</span>` : ''}${desc}${outline(p, depth + 1)}${p.items ? outline(p.items, depth + 1) : ''}</li>`,
    );
  }
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (Array.isArray(s[k]))
      (s[k] as unknown[]).forEach((alt, i) =>
        parts.push(`<li><span class="t">${k}[${i}]</span> ${esc(typeOf((alt ?? {}) as Record<string, unknown>))}${outline(alt, depth + 1)}</li>`),
      );
  }
  return parts.length ? `<ul>${parts.join('')}</ul>` : '';
}

// ---------- views ----------

function metaList(s: SubjectInfo): string {
  const row = (k: string, v: string) => `<dt>${k}</dt><dd>${v}</dd>`;
  return (
    `<dl class="meta">` +
    row('Format', esc(s.format)) +
    (s.kind ? row('Kind', esc(s.kind)) : '') +
    row('Owners', esc(s.owners.join(', ') || '—')) +
    row('Tags', s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join(' ') || '—') +
    row('Compatibility', `${esc(s.compatibility)} <span class="info">(${esc(s.compatibilityFrom)})</span>`) +
    row('Policy', esc(s.policy ?? '—')) +
    (s.aliases.length ? row('Aliases', s.aliases.map((a) => `<code>${esc(a)}</code>`).join(', ')) : '') +
    `</dl>`
  );
}

function versionsTable(s: SubjectInfo, selected: string): string {
  const rows = s.versions
    .map((v, i) => {
      const prev = s.versions[i - 1];
      const state = v.state === 'deprecated' ? `<span class="badge warn">deprecated</span>${v.reason ? ` ${esc(v.reason)}` : ''}` : esc(v.state);
      const cur = v.version === selected ? ' aria-current="true"' : '';
      return (
        `<tr${cur}><td><a href="${subjectPath(s.subject, v.version)}"${cur}>${esc(v.version)}</a></td><td>${v.index}</td><td>${v.id}</td><td>${state}</td>` +
        `<td class="wide">${v.commit ? `<code title="${esc(v.commit.commit)}">${esc(v.commit.commit.slice(0, 7))}</code> ${esc(v.commit.author.name)}, ${esc(v.commit.date.slice(0, 10))}: ${esc(v.commit.message.split('\n')[0])}` : esc(v.registered ?? '')}</td><td>${prev ? `<a href="${diffPath(s.subject, prev.version, v.version)}">diff from ${esc(prev.version)}</a>` : ''}</td></tr>`
      );
    })
    .reverse()
    .join('');
  return `<h2>Versions</h2><table class="versions"><thead><tr><th>Version</th><th>#</th><th>Id</th><th>State</th><th class="wide">Registered</th><th>Changes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The selected version against the one registered before it (the first against the second). */
function compareHref(s: SubjectInfo, selected: string): string {
  const i = Math.max(
    0,
    s.versions.findIndex((v) => v.version === selected),
  );
  return i > 0 ? diffPath(s.subject, s.versions[i - 1].version, selected) : diffPath(s.subject, s.versions[0].version, s.versions[1].version);
}

function diffPath(subject: string, from: string, to: string): string {
  return `/ui/s/${encodeURIComponent(subject)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
}

function versionSelect(s: SubjectInfo, id: string, selected: string, label: string): string {
  const opts = s.versions
    .map(
      (v) =>
        `<option value="${esc(v.version)}"${v.version === selected ? ' selected' : ''}>${esc(v.version)}${v.state === 'deprecated' ? ' (deprecated)' : ''}</option>`,
    )
    .reverse()
    .join('');
  return `<label for="${id}">${label}</label> <select id="${id}">${opts}</select>`;
}

function tabs(s: SubjectInfo, version: string, current: string): string {
  const items: Array<[string, string]> = [['source', subjectPath(s.subject, version)]];
  if (s.format === 'json') for (const t of ['openai', 'anthropic', 'gemini']) items.push([t, `${subjectPath(s.subject, version)}/provider/${t}`]);
  const names: Record<string, string> = { source: 'Schema', openai: 'OpenAI', anthropic: 'Anthropic', gemini: 'Gemini' };
  return `<nav class="tabs" aria-label="views">${items.map(([k, href]) => `<a href="${href}"${k === current ? ' aria-current="page"' : ''}>${names[k]}</a>`).join('')}</nav>`;
}

async function subjectView(name: string, version: string | undefined, provider: string | undefined, seq: number): Promise<void> {
  const s = await getJson<SubjectInfo>(`/ui/api/s/${encodeURIComponent(name)}`);
  const selected = !version || version === 'latest' ? (s.latest ?? '') : version;
  const v = s.versions.find((x) => x.version === selected);
  if (seq !== renderSeq) return;
  document.title = `${s.subject} ${selected} · llm-schema`;
  setCrumbs([['Schemas', '/ui/'], [s.namespace], [s.name, subjectPath(s.subject)], ...(version ? [[selected] as [string]] : [])]);
  let html =
    `<h1>${esc(s.subject)}</h1>${s.description ? `<p>${esc(s.description)}</p>` : ''}${metaList(s)}` +
    `<div class="toolbar">${versionSelect(s, 'version', selected, 'Version')}` +
    (s.versions.length > 1 ? ` <a class="btn" href="${compareHref(s, selected)}">Compare versions</a>` : '') +
    `</div>`;
  if (v?.state === 'deprecated') html += `<p class="warn" role="note">Version ${esc(v.version)} is deprecated${v.reason ? `: ${esc(v.reason)}` : ''}.</p>`;
  if (!v) {
    html += '<p>No versions registered.</p>' + versionsTable(s, selected);
    main().innerHTML = html;
    bindVersionSelect(s, provider);
    return;
  }
  html += tabs(s, selected, provider ?? 'source') + '<div id="view"><p class="info">Loading…</p></div>' + versionsTable(s, selected);
  main().innerHTML = html;
  bindVersionSelect(s, provider);
  const view = document.getElementById('view')!;
  if (provider) {
    const p = await getJson<{
      output: unknown;
      notes: string[];
      lint: {
        profile: { asOf: string; source: string };
        errors: number;
        findings: Array<{ rule: string; severity: string; pointer: string; message: string }>;
      };
    }>(`${apiBase(s)}/${encodeURIComponent(selected)}/export?target=${encodeURIComponent(provider)}`);
    if (seq !== renderSeq) return;
    const lint = p.lint.findings.length
      ? p.lint.findings
          .map(
            (f) =>
              `<div class="finding ${esc(f.severity)}"><strong>${esc(f.severity)}</strong> <code>${esc(f.rule)}</code> at <code>${esc(f.pointer || '/')}</code><p>${esc(f.message)}</p></div>`,
          )
          .join('')
      : '<p class="ok">No lint findings: the export expresses this schema as registered.</p>';
    view.innerHTML =
      `<div class="cols"><section><h2>${esc(provider)} export</h2><div class="toolbar"><button type="button" data-copy="export">Copy</button></div>` +
      `<pre class="src" id="src">${tree(p.output)}</pre></section><section><h2>Lint <small>${p.lint.errors} errors</small></h2><p class="info">Limits as of ${esc(p.lint.profile.asOf)} (${esc(p.lint.profile.source)})</p>${lint}` +
      `${p.notes.length ? `<h2>Notes</h2><ul>${p.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</section></div>`;
    bindCopy(JSON.stringify(p.output, null, 2));
    return;
  }
  const body = await getJson<{ schema: unknown }>(`${apiBase(s)}/${encodeURIComponent(selected)}`);
  if (seq !== renderSeq) return;
  const text = typeof body.schema === 'string' ? body.schema : JSON.stringify(body.schema, null, 2);
  const src = typeof body.schema === 'string' ? highlightText(body.schema) : tree(body.schema);
  const out = s.format === 'json' ? outline(body.schema) : '';
  view.innerHTML =
    `<div class="${out ? 'cols' : ''}"><section><h2>Schema</h2><div class="toolbar"><button type="button" data-copy="schema">Copy</button>` +
    `<a class="btn" href="/subjects/${encodeURIComponent(s.subject)}/versions/${v.index}/schema" id="raw">Raw</a>` +
    (typeof body.schema === 'string' ? '' : '<button type="button" id="fold">Collapse all</button><button type="button" id="unfold">Expand all</button>') +
    `<span id="copied" role="status" class="info"></span></div><pre class="src" id="src" tabindex="0">${src}</pre></section>` +
    (out ? `<section class="outline"><h2>Outline</h2>${out}</section>` : '') +
    `</div>`;
  bindCopy(text);
  const all = (open: boolean) => () => view.querySelectorAll('#src details').forEach((d, i) => ((d as HTMLDetailsElement).open = open || i === 0));
  document.getElementById('fold')?.addEventListener('click', all(false));
  document.getElementById('unfold')?.addEventListener('click', all(true));
}

function bindVersionSelect(s: SubjectInfo, provider: string | undefined): void {
  document.getElementById('version')?.addEventListener('change', (e) => {
    const v = (e.target as HTMLSelectElement).value;
    navigate(subjectPath(s.subject, v) + (provider ? `/provider/${provider}` : ''));
  });
}

function bindCopy(text: string): void {
  const button = document.querySelector('[data-copy]');
  button?.addEventListener('click', async () => {
    const status = document.getElementById('copied');
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (plain http, some browsers): select a hidden copy instead.
      const area = document.createElement('textarea');
      area.value = text;
      area.className = 'sr';
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    if (status) status.textContent = 'copied';
  });
}

async function diffView(name: string, params: URLSearchParams, seq: number): Promise<void> {
  const s = await getJson<SubjectInfo>(`/ui/api/s/${encodeURIComponent(name)}`);
  const to = params.get('to') || s.latest || '';
  const from = params.get('from') || s.versions[Math.max(0, s.versions.findIndex((v) => v.version === to) - 1)]?.version || to;
  if (seq !== renderSeq) return;
  document.title = `${s.subject} ${from} → ${to} · llm-schema`;
  setCrumbs([['Schemas', '/ui/'], [s.namespace], [s.name, subjectPath(s.subject)], [`diff ${from} → ${to}`]]);
  main().innerHTML =
    `<h1>${esc(s.subject)}: ${esc(from)} → ${esc(to)}</h1><form class="toolbar" id="pick">${versionSelect(s, 'from', from, 'From')} ${versionSelect(s, 'to', to, 'To')} <button type="submit">Compare</button></form>` +
    `<div id="view"><p class="info">Comparing…</p></div>`;
  document.getElementById('pick')!.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(diffPath(s.subject, (document.getElementById('from') as HTMLSelectElement).value, (document.getElementById('to') as HTMLSelectElement).value));
  });
  const d = await getJson<{
    mode: string;
    bump: string;
    reason: string;
    suggestedVersion?: string;
    policy: string | null;
    changes: Finding[];
    source: { rows: Array<{ op: string; a?: number; b?: number; left?: string; right?: string }> };
  }>(`${apiBase(s)}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  if (seq !== renderSeq) return;
  const bumpClass = d.bump === 'major' ? 'error' : d.bump === 'minor' ? 'warn' : 'ok';
  const findings = d.changes.length
    ? d.changes
        .map(
          (c) =>
            `<div class="finding ${esc(c.severity)}"><strong class="${esc(c.severity)}">${esc(c.severity)}</strong> <code class="rule">${esc(c.rule)}</code> at <code>${esc(c.path || '/')}</code>` +
            `${c.line !== undefined ? ` <span class="info">line ${c.line}${c.column !== undefined ? `:${c.column}` : ''}</span>` : ''}` +
            ` <span class="info">${c.backward ? 'breaks BACKWARD' : ''}${c.backward && c.forward ? ', ' : ''}${c.forward ? 'breaks FORWARD' : ''}${c.caution ? esc(c.caution) : ''}</span><p>${esc(c.message)}</p>` +
            `${c.witness !== undefined ? `<details><summary>witness</summary><pre>${esc(JSON.stringify(c.witness, null, 2))}</pre></details>` : ''}</div>`,
        )
        .join('')
    : '<p>No changes.</p>';
  const cls: Record<string, string> = { ' ': '', '-': 'd-del', '+': 'd-add', '~': 'd-chg' };
  const rows = d.source.rows
    .map(
      (r) =>
        `<tr class="${cls[r.op] ?? ''}"><td class="ln">${r.a ?? ''}</td><td class="l">${esc(r.left ?? '')}</td><td class="ln">${r.b ?? ''}</td><td class="r">${esc(r.right ?? '')}</td></tr>`,
    )
    .join('');
  document.getElementById('view')!.innerHTML =
    `<p id="bump">Suggested bump: <strong class="${bumpClass}">${esc(d.bump)}</strong>${d.suggestedVersion ? ` (${esc(from)} → ${esc(d.suggestedVersion)})` : ''}: ${esc(d.reason)} ` +
    `<span class="info">mode ${esc(d.mode)}${d.policy ? `, policy ${esc(d.policy)}` : ''}</span></p>` +
    `<h2>Findings <small>${d.changes.length}</small></h2><div id="findings">${findings}</div>` +
    `<h2>Source</h2><table class="sbs" aria-label="side-by-side source diff"><colgroup><col style="width:3.2em"><col><col style="width:3.2em"><col></colgroup><tbody>${rows}</tbody></table>`;
}

async function homeView(seq: number, initial: boolean): Promise<void> {
  document.title = 'Schemas · llm-schema';
  setCrumbs([]);
  if (!initial || !document.getElementById('subjects')) {
    const data = await getJson<HomeData>('/ui/api/home');
    if (seq !== renderSeq) return;
    main().innerHTML = renderHome(data);
  }
  bindFilter();
}

/** Instant filter: the registry's own search (names, descriptions, tags, field names), as the CLI searches. */
function bindFilter(): void {
  const input = document.getElementById('q') as HTMLInputElement | null;
  const count = document.getElementById('count');
  if (!input || !count) return;
  const total = count.textContent ?? '';
  const rows = [...document.querySelectorAll<HTMLTableRowElement>('#subjects tr[data-s]')];
  let timer: number | undefined;
  let controller: AbortController | undefined;
  const apply = (keep: Set<string> | null) => {
    let shown = 0;
    for (const r of rows) {
      const on = !keep || keep.has(r.dataset.s!);
      r.hidden = !on;
      if (on) shown++;
    }
    for (const sec of document.querySelectorAll<HTMLElement>('#subjects section')) sec.hidden = !sec.querySelector('tr[data-s]:not([hidden])');
    count.textContent = keep ? `${shown} of ${rows.length} subjects` : total;
  };
  const run = async () => {
    const q = input.value.trim();
    controller?.abort();
    if (!q) return apply(null);
    controller = new AbortController();
    try {
      const res = await fetch(`/search?q=${encodeURIComponent(q)}`, { signal: controller.signal });
      if (!res.ok) return;
      const body = (await res.json()) as { results: Array<{ subject: string }> };
      if (input.value.trim() === q) apply(new Set(body.results.map((r) => r.subject)));
    } catch {
      // aborted by the next keystroke
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(run, 80);
  });
  const params = new URLSearchParams(location.search);
  if (params.get('q')) {
    input.value = params.get('q')!;
    void run();
  }
}

async function render(initial = false): Promise<void> {
  const seq = ++renderSeq;
  const path = location.pathname;
  const segs = path
    .replace(/^\/ui\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  try {
    if (segs.length === 0) await homeView(seq, initial);
    else if (segs[0] === 's' && segs[2] === 'diff') await diffView(segs[1], new URLSearchParams(location.search), seq);
    else if (segs[0] === 's') await subjectView(segs[1], segs[2] === 'v' ? segs[3] : undefined, segs[4] === 'provider' ? segs[5] : undefined, seq);
    else main().innerHTML = '<h1>Not found</h1>';
  } catch (err) {
    if (seq !== renderSeq) return;
    const status = err instanceof HttpFailure ? ` (HTTP ${err.status})` : '';
    main().innerHTML = `<h1>Something went wrong</h1><p class="error" role="alert">${esc((err as Error).message)}${status}</p><p><a href="/ui/">All schemas</a></p>`;
  }
  if (!initial && seq === renderSeq) main().focus({ preventScroll: true });
}

function navigate(url: string): void {
  history.pushState(null, '', url);
  window.scrollTo(0, 0);
  void render();
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element).closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/ui/')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => void render());
// '/' jumps to the filter (as on code hosts); Escape in the filter clears it.
document.addEventListener('keydown', (e) => {
  const q = document.getElementById('q') as HTMLInputElement | null;
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement;
  if (e.key === '/' && q && !typing && !e.metaKey && !e.ctrlKey && !e.altKey) {
    e.preventDefault();
    q.focus();
  } else if (e.key === 'Escape' && q && e.target === q && q.value) {
    q.value = '';
    q.dispatchEvent(new Event('input'));
  }
});
void render(true);

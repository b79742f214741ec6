/**
 * The read-only web UI under /ui/: a page shell (the home page rendered into it, so it paints before any
 * script runs), two ES modules compiled from src/ui by the package build, and small JSON answers the UI
 * needs that the API does not give in one piece (home rows with each latest version's state; a subject with
 * its policy). Everything is built from the snapshot once, gzip-compressed once, and served with an ETag.
 * No network at run time: no CDN, no fonts, nothing outside the package.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { greatest } from '../../core/version.js';
import { getHandler } from '../../formats/index.js';
import { renderHome, renderShell, esc, type HomeData } from '../../ui/render.js';
import { CSS } from '../../ui/style.js';
import { resolveSubject, versionSummary, type Prepared, type Snapshot, type SubjectData } from '../snapshot.js';

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const JSON_T = 'application/json';

/** Script from our own origin only; inline style (the stylesheet is inlined); no framing. */
const SECURITY = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** An answer in two encodings: identity and gzip. */
export interface UiAnswer {
  plain: Prepared;
  gzip?: Prepared;
}

function answer(status: number, type: string, text: string | Buffer, route: string, cache = 'no-cache'): UiAnswer {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
  const base = { 'Content-Type': type, 'Cache-Control': cache, Vary: 'Accept-Encoding', ...SECURITY };
  const plain: Prepared = { status, headers: { ...base, 'Content-Length': body.length, ETag: etag }, body, etag, route };
  if (body.length < 512) return { plain };
  const gz = gzipSync(body, { level: 9 });
  const gzEtag = etag.replace(/"$/, '-gz"');
  const gzip: Prepared = { status, headers: { ...base, 'Content-Encoding': 'gzip', 'Content-Length': gz.length, ETag: gzEtag }, body: gz, etag: gzEtag, route };
  return { plain, gzip };
}

const ASSETS = ['app.js', 'render.js'] as const;
let assets: Promise<Map<string, UiAnswer>> | undefined;

/** The compiled front-end modules, read once from the package (dist/ui). */
function loadAssets(): Promise<Map<string, UiAnswer>> {
  assets ??= Promise.all(
    ASSETS.map(async (name) => {
      try {
        const text = await readFile(new URL(`../../ui/${name}`, import.meta.url), 'utf8');
        return [name, answer(200, JS, text, '/ui/assets/{file}')] as const;
      } catch {
        // An install built without the front end (tsc -p . alone): say so rather than fail obscurely.
        return [
          name,
          answer(500, 'text/plain; charset=utf-8', `the web UI's ${name} is missing from this install (npm run build compiles src/ui)\n`, '/ui/assets/{file}'),
        ] as const;
      }
    }),
  ).then((list) => new Map(list));
  return assets;
}

interface PerSnapshot {
  home: UiAnswer;
  homeJson: UiAnswer;
  shell: UiAnswer;
  subjects: Map<string, Promise<UiAnswer>>;
  /** Home pages of viewers who may read only some subjects, by viewer key. */
  homes: Map<string, { home: UiAnswer; homeJson: UiAnswer }>;
}

/**
 * Who is looking, when the server restricts reading (--auth-file): the UI lists and opens only the subjects
 * `may` allows; `key` names the viewer's view (a user name) for caching. Absent: everyone reads everything.
 */
export interface UiViewer {
  key: string;
  may(subject: string): boolean;
}
const cache = new WeakMap<Snapshot, PerSnapshot>();

export function homeData(snap: Snapshot, may: (subject: string) => boolean = () => true): HomeData {
  return {
    source: snap.source,
    ...(snap.commit ? { commit: snap.commit } : {}),
    subjects: snap.subjectNames.filter(may).map((n) => {
      const s = snap.subjects.get(n)!;
      const meta = s.info.meta;
      const latest = greatest(meta.versions.map((v) => v.version)) ?? undefined;
      const entry = meta.versions.find((v) => v.version === latest);
      return {
        subject: s.subject,
        namespace: s.namespace,
        name: s.name,
        format: meta.format,
        ...(meta.kind ? { kind: meta.kind } : {}),
        ...(latest ? { latest } : {}),
        ...(entry ? { state: entry.state } : {}),
        ...(entry?.reason ? { reason: entry.reason } : {}),
        versions: meta.versions.length,
        owners: meta.owners ?? [],
        tags: meta.tags ?? [],
        ...(meta.description ? { description: meta.description } : {}),
      };
    }),
  };
}

function footer(snap: Snapshot): string {
  return `read-only · serving ${esc(snap.source)}${snap.commit ? ` @ <code>${esc(snap.commit.slice(0, 12))}</code>` : ''}`;
}

function homes(snap: Snapshot, may?: (subject: string) => boolean) {
  const data = homeData(snap, may);
  return {
    home: answer(200, HTML, renderShell('Schemas · llm-schema', renderHome(data), footer(snap), CSS), '/ui/'),
    homeJson: answer(200, JSON_T, JSON.stringify(data), '/ui/api/home'),
  };
}

function perSnapshot(snap: Snapshot): PerSnapshot {
  let p = cache.get(snap);
  if (!p) {
    p = {
      ...homes(snap),
      shell: answer(200, HTML, renderShell('llm-schema', '<p class="info">Loading…</p>', footer(snap), CSS), '/ui/s/{subject}'),
      subjects: new Map(),
      homes: new Map(),
    };
    cache.set(snap, p);
  }
  return p;
}

/** The home page and its data as the viewer may see them. */
function homeFor(per: PerSnapshot, snap: Snapshot, viewer: UiViewer | undefined) {
  if (!viewer) return per;
  let h = per.homes.get(viewer.key);
  if (!h) {
    if (per.homes.size > 1000) per.homes.clear();
    per.homes.set(viewer.key, (h = homes(snap, (s) => viewer.may(s))));
  }
  return h;
}

async function subjectJson(snap: Snapshot, s: SubjectData): Promise<UiAnswer> {
  const meta = s.info.meta;
  const handler = await getHandler(meta.format);
  // The policy in force, settled where every other surface settles it (an invalid one shows as none).
  const { resolvePolicy } = await import('../../core/comparison.js');
  const policy = await resolvePolicy(handler, { registry: snap.registry, subject: s, meta }).catch(() => undefined);
  const registeredBy = snap.commit ? await commitsOf(snap, s) : new Map<string, RegisteringCommit>();
  const body = {
    subject: s.subject,
    namespace: s.namespace,
    name: s.name,
    format: meta.format,
    ...(meta.kind ? { kind: meta.kind } : {}),
    ...(meta.description ? { description: meta.description } : {}),
    owners: meta.owners ?? [],
    tags: meta.tags ?? [],
    aliases: meta.aliases ?? [],
    compatibility: meta.compatibility ?? snap.config.compatibility,
    compatibilityFrom: meta.compatibility ? 'subject' : 'registry',
    policy: policy ?? null,
    latest: greatest(meta.versions.map((v) => v.version)) ?? null,
    source: snap.source,
    ...(snap.commit ? { commit: snap.commit } : {}),
    versions: s.versions.map((v) => ({
      ...versionSummary(v),
      ...(v.entry.references?.length ? { references: v.entry.references } : {}),
      ...(registeredBy.has(v.entry.version) ? { commit: registeredBy.get(v.entry.version) } : {}),
    })),
  };
  return answer(200, JSON_T, JSON.stringify(body), '/ui/api/s/{subject}');
}

interface RegisteringCommit {
  commit: string;
  author: { name: string; email: string };
  date: string;
  message: string;
}

/**
 * Serving a git ref: the commit that registered each version (the `llm-schema log` walk from the served
 * commit). Unreadable history (a shallow clone's edge, a repository gone) leaves versions without one.
 */
async function commitsOf(snap: Snapshot, s: SubjectData): Promise<Map<string, RegisteringCommit>> {
  const out = new Map<string, RegisteringCommit>();
  try {
    const { openGit } = await import('../../storage/git.js');
    const { subjectHistory } = await import('../../core/history.js');
    const dir = s.info.file.slice(0, s.info.file.lastIndexOf('/'));
    const { commits } = await subjectHistory(await openGit(snap.root), dir, snap.commit!);
    // Newest first: the oldest commit that lists a version is the one that registered it.
    for (const c of commits) for (const v of c.versions) out.set(v, { commit: c.commit, author: c.author, date: c.date, message: c.message });
  } catch {
    // no history to show
  }
  return out;
}

function notFoundPage(snap: Snapshot, what: string): UiAnswer {
  return answer(
    404,
    HTML,
    renderShell('Not found · llm-schema', `<h1>Not found</h1><p>${esc(what)}</p><p><a href="/ui/">All schemas</a></p>`, footer(snap), CSS),
    '/ui/unknown',
  );
}

function redirect(location: string): UiAnswer {
  const body = Buffer.from(`Moved to ${location}\n`);
  return {
    plain: { status: 308, headers: { Location: location, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length }, body, route: '/ui' },
  };
}

/**
 * The answer for a GET under /ui (rawPath starts with /ui). Unknown pages are 404 pages; unknown subjects
 * a 404 page too (the shell would only say so after a script ran).
 */
export async function uiAnswer(snap: Snapshot, rawPath: string, acceptEncoding: string | undefined, viewer?: UiViewer): Promise<Prepared> {
  const chosen = await pick(snap, rawPath, viewer);
  return chosen.gzip && acceptsGzip(acceptEncoding) ? chosen.gzip : chosen.plain;
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name.trim().toLowerCase() !== 'gzip' && name.trim() !== '*') return false;
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}

async function pick(snap: Snapshot, rawPath: string, viewer: UiViewer | undefined): Promise<UiAnswer> {
  if (rawPath === '/ui') return redirect('/ui/');
  let segs: string[];
  try {
    segs = rawPath.slice('/ui/'.length).split('/').map(decodeURIComponent);
  } catch {
    return notFoundPage(snap, 'This address is not well-formed.');
  }
  const per = perSnapshot(snap);
  // A subject the viewer may not read is answered as one that does not exist (no existence oracle).
  const visible = (name: string) => {
    const s = resolveSubject(snap, name);
    return s && (!viewer || viewer.may(s.subject)) ? s : undefined;
  };
  if (segs.length === 1 && segs[0] === '') return homeFor(per, snap, viewer).home;
  if (segs[0] === 'assets' && segs.length === 2) {
    const a = (await loadAssets()).get(segs[1]);
    return a ?? notFoundPage(snap, 'No such file.');
  }
  if (segs[0] === 'api') {
    if (segs.length === 2 && segs[1] === 'home') return homeFor(per, snap, viewer).homeJson;
    if (segs.length === 3 && segs[1] === 's') {
      const s = visible(segs[2]);
      if (!s) return answer(404, JSON_T, JSON.stringify({ error_code: 40401, message: `Subject '${segs[2]}' not found.` }), '/ui/api/s/{subject}');
      let p = per.subjects.get(s.subject);
      if (!p) per.subjects.set(s.subject, (p = subjectJson(snap, s)));
      return p;
    }
    return answer(404, JSON_T, JSON.stringify({ error_code: 404, message: 'HTTP 404 Not Found' }), '/ui/api/unknown');
  }
  // Pages the browser renders: /ui/s/{subject}[/v/{version}[/provider/{target}]] and /ui/s/{subject}/diff.
  if (segs[0] === 's' && segs.length >= 2) {
    const s = visible(segs[1]);
    if (!s) return notFoundPage(snap, `No subject '${segs[1]}' in this registry.`);
    const rest = segs.slice(2);
    const ok =
      rest.length === 0 ||
      (rest.length === 1 && rest[0] === 'diff') ||
      (rest[0] === 'v' && (rest.length === 2 || (rest.length === 4 && rest[2] === 'provider')));
    if (ok && (rest[0] !== 'v' || rest[1] === 'latest' || s.versions.some((v) => v.entry.version === rest[1]))) return per.shell;
    return notFoundPage(snap, `No such page for '${s.subject}'.`);
  }
  return notFoundPage(snap, 'No such page.');
}

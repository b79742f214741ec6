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
import { registeringCommits, type RegisteringCommit } from '../history.js';
import { versionSummary, type Prepared, type Snapshot, type SubjectData } from '../snapshot.js';

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

/** The UI's JSON for one subject: metadata, mode and policy in force, and each version with its registering commit. */
async function subjectJson(snap: Snapshot, s: SubjectData): Promise<UiAnswer> {
  const meta = s.info.meta;
  const handler = await getHandler(meta.format);
  // The policy in force, settled where every other surface settles it (an invalid one shows as none): from
  // the subject's metadata and the registry config the snapshot holds; nothing is read.
  const { resolvePolicy } = await import('../../core/comparison.js');
  const policy = await resolvePolicy(handler, { registry: snap.registry, subject: s, meta }).catch(() => undefined);
  const registeredBy = (await registeringCommits(snap)).get(s.subject) ?? new Map<string, RegisteringCommit>();
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

/** An answer in the encoding the client accepts. */
export function chosen(a: UiAnswer, acceptEncoding: string | undefined): Prepared {
  return a.gzip && acceptsGzip(acceptEncoding) ? a.gzip : a.plain;
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

/** The pieces the UI's route rows (src/server/routes/ui.ts) answer with, built once per snapshot (per viewer for the home page). */
export const ui = {
  redirect: () => redirect('/ui/'),
  home: (snap: Snapshot, viewer?: UiViewer) => homeFor(perSnapshot(snap), snap, viewer).home,
  homeJson: (snap: Snapshot, viewer?: UiViewer) => homeFor(perSnapshot(snap), snap, viewer).homeJson,
  shell: (snap: Snapshot) => perSnapshot(snap).shell,
  asset: async (snap: Snapshot, file: string) => (await loadAssets()).get(file) ?? notFoundPage(snap, 'No such file.'),
  subject(snap: Snapshot, s: SubjectData): Promise<UiAnswer> {
    const per = perSnapshot(snap);
    let p = per.subjects.get(s.subject);
    if (!p) per.subjects.set(s.subject, (p = subjectJson(snap, s)));
    return p;
  },
  subjectNotFound: (name: string) => answer(404, JSON_T, JSON.stringify({ error_code: 40401, message: `Subject '${name}' not found.` }), '/ui/api/s/{subject}'),
  apiNotFound: () => answer(404, JSON_T, JSON.stringify({ error_code: 404, message: 'HTTP 404 Not Found' }), '/ui/api/unknown'),
  notFound: notFoundPage,
};

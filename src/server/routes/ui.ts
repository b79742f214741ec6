/**
 * The read-only web UI under /ui/ (`serve --no-ui` leaves these rows out). A subject the viewer may not
 * read is answered as one that does not exist (no existence oracle), so these rows hide instead of 403.
 * The pieces are built in ../ui/index.ts (loaded on the first UI request), once per snapshot.
 */
import type { Prepared } from '../answer.js';
import type { Snapshot } from '../snapshot.js';
import type { UiViewer } from '../ui/index.js';
import { route, type Call, type Route } from './table.js';

const pieces = () => import('../ui/index.js');

/** The viewer as the UI's per-viewer caches know it. */
function uiViewer(c: Call): UiViewer | undefined {
  const v = c.viewer;
  if (!v || v.filter.all) return undefined;
  return { key: v.name, may: (s) => c.keep(s) };
}

const subjectTouch = (p: { subject: string }) => ({ subject: p.subject });

/** A page the browser renders (the shell, whose script fetches the data): for a subject the viewer may read. */
async function page(
  c: Pick<Call, 'snap' | 'visible' | 'header'> & { params: { subject: string } },
  ok: (s: NonNullable<ReturnType<Call['visible']>>) => boolean,
): Promise<Prepared> {
  const { ui, chosen } = await pieces();
  const s = c.visible(c.params.subject);
  if (!s) return chosen(ui.notFound(c.snap, `No subject '${c.params.subject}' in this registry.`), c.header('accept-encoding'));
  if (!ok(s)) return chosen(ui.notFound(c.snap, `No such page for '${s.subject}'.`), c.header('accept-encoding'));
  return chosen(ui.shell(c.snap), c.header('accept-encoding'));
}

export const UI_ROUTES: Route[] = [
  route({
    method: 'GET',
    pattern: '/ui',
    family: 'ui',
    handle: async (c) => (await pieces()).chosen((await pieces()).ui.redirect(), c.header('accept-encoding')),
  }),
  route({
    method: 'GET',
    pattern: '/ui/',
    family: 'ui',
    lists: true,
    handle: async (c) => {
      const { ui, chosen } = await pieces();
      return chosen(ui.home(c.snap, uiViewer(c)), c.header('accept-encoding'));
    },
  }),
  route({
    method: 'GET',
    pattern: '/ui/assets/{file}',
    family: 'ui',
    handle: async (c) => {
      const { ui, chosen } = await pieces();
      return chosen(await ui.asset(c.snap, c.params.file), c.header('accept-encoding'));
    },
  }),
  route({
    method: 'GET',
    pattern: '/ui/api/home',
    family: 'ui',
    lists: true,
    handle: async (c) => {
      const { ui, chosen } = await pieces();
      return chosen(ui.homeJson(c.snap, uiViewer(c)), c.header('accept-encoding'));
    },
  }),
  route({
    method: 'GET',
    pattern: '/ui/api/s/{subject}',
    family: 'ui',
    touches: subjectTouch,
    hides: true,
    handle: async (c) => {
      const { ui, chosen } = await pieces();
      const s = c.visible(c.params.subject);
      return chosen(s ? await ui.subject(c.snap, s) : ui.subjectNotFound(c.params.subject), c.header('accept-encoding'));
    },
  }),
  route({
    method: 'GET',
    pattern: '/ui/api/{rest*}',
    family: 'ui',
    handle: async (c) => (await pieces()).chosen((await pieces()).ui.apiNotFound(), c.header('accept-encoding')),
  }),
  route({ method: 'GET', pattern: '/ui/s/{subject}', family: 'ui', touches: subjectTouch, hides: true, handle: (c) => page(c, () => true) }),
  route({ method: 'GET', pattern: '/ui/s/{subject}/diff', family: 'ui', touches: subjectTouch, hides: true, handle: (c) => page(c, () => true) }),
  route({
    method: 'GET',
    pattern: '/ui/s/{subject}/v/{version}',
    family: 'ui',
    touches: subjectTouch,
    hides: true,
    handle: (c) => page(c, (s) => c.params.version === 'latest' || s.versions.some((v) => v.entry.version === c.params.version)),
  }),
  route({
    method: 'GET',
    pattern: '/ui/s/{subject}/v/{version}/provider/{target}',
    family: 'ui',
    touches: subjectTouch,
    hides: true,
    handle: (c) => page(c, (s) => c.params.version === 'latest' || s.versions.some((v) => v.entry.version === c.params.version)),
  }),
  route({ method: 'GET', pattern: '/ui/s/{subject}/{rest*}', family: 'ui', touches: subjectTouch, hides: true, handle: (c) => page(c, () => false) }),
  route({
    method: 'GET',
    pattern: '/ui/{rest*}',
    family: 'ui',
    handle: async (c) => (await pieces()).chosen((await pieces()).ui.notFound(c.snap, 'No such page.'), c.header('accept-encoding')),
  }),
];

/** The web UI's answer for a path whose escapes are malformed (the rest of the server answers 400). */
export async function uiMalformed(snap: Snapshot, acceptEncoding: string | undefined): Promise<Prepared> {
  const { ui, chosen } = await pieces();
  return chosen(ui.notFound(snap, 'This address is not well-formed.'), acceptEncoding);
}

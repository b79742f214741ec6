/** The operator's routes: /health (always open) and /metrics (Prometheus text; open with --metrics-public). */
import type { Snapshot } from '../snapshot.js';
import { route, type Route, type Services, type Viewer } from './table.js';

const counted = new WeakMap<Snapshot, Map<string, { subjects: number; versions: number }>>();

/** Subjects and versions the viewer may read (registry-wide only without --auth-file or for '*'). */
function counts(snap: Snapshot, viewer: Viewer): { subjects: number; versions: number } {
  if (viewer === undefined || viewer?.filter.all) return { subjects: snap.subjects.size, versions: snap.versionCount };
  if (viewer === null) return { subjects: 0, versions: 0 };
  let perUser = counted.get(snap);
  if (!perUser) counted.set(snap, (perUser = new Map()));
  let c = perUser.get(viewer.name);
  if (!c) {
    c = { subjects: 0, versions: 0 };
    for (const s of snap.subjects.values()) {
      if (!viewer.filter.subject(s.subject)) continue;
      c.subjects++;
      c.versions += s.versions.length;
    }
    if (perUser.size > 1000) perUser.clear();
    perUser.set(viewer.name, c);
  }
  return c;
}

function renderMetrics(services: Services, snap: Snapshot, viewer: Viewer): string {
  const mem = process.memoryUsage();
  const n = counts(snap, viewer);
  // An anonymous scraper (--metrics-public) sees no registry counts: they would tell about namespaces it may not read.
  const registryGauges: Record<string, { help: string; value: number }> =
    viewer === null
      ? {}
      : {
          llm_schema_subjects: { help: 'Subjects in the served snapshot (that the scraping user may read).', value: n.subjects },
          llm_schema_versions: { help: 'Schema versions in the served snapshot (that the scraping user may read).', value: n.versions },
        };
  return services.metrics.render({
    ...registryGauges,
    llm_schema_snapshot_loaded_timestamp_seconds: { help: 'When the served snapshot was loaded.', value: Math.floor(snap.loadedAt.getTime() / 1000) },
    llm_schema_job_timeouts_total: { help: 'Validation or compatibility requests stopped for taking too long.', value: services.jobs.timeouts },
    llm_schema_jobs_slow_lane_total: { help: 'Jobs that ran long and moved, with their thread, to the slow lane.', value: services.jobs.demotions },
    llm_schema_requests_in_flight: { help: 'Requests being answered that are not precomputed.', value: services.inFlight },
    process_resident_memory_bytes: { help: 'Resident memory size in bytes.', value: mem.rss },
    process_start_time_seconds: { help: 'Start time of the process since unix epoch in seconds.', value: Math.floor(services.metrics.started / 1000) },
  });
}

export const HEALTH_ROUTES: Route[] = [
  route({
    method: 'GET',
    pattern: '/health',
    family: 'ops',
    open: 'always',
    handle: (c) => {
      const { metrics } = c.services;
      // 'degraded': still serving the last good snapshot, but the newest content failed to load.
      const status = metrics.lastReloadError ? 'degraded' : 'ok';
      // With --auth-file, /health is open: without credentials it says only ok or degraded.
      if (c.viewer === null) return c.ok({ status });
      const n = counts(c.snap, c.viewer);
      const reloadError = metrics.lastReloadError;
      return c.ok({
        status,
        // The error can name any file of the registry: its text only for a user who may read all of it.
        ...(reloadError ? { last_reload_error: c.viewer === undefined || c.viewer.filter.all ? reloadError : { at: reloadError.at } } : {}),
        source: c.snap.source,
        ...(c.snap.commit ? { commit: c.snap.commit } : {}),
        subjects: n.subjects,
        versions: n.versions,
        snapshot: c.snap.seq,
        loaded_at: c.snap.loadedAt.toISOString(),
        uptime_seconds: Math.round((Date.now() - metrics.started) / 1000),
      });
    },
  }),
  route({
    method: 'GET',
    pattern: '/metrics',
    family: 'ops',
    open: 'metrics-public',
    handle: (c) => c.ok(renderMetrics(c.services, c.snap, c.viewer), { raw: true, type: 'text/plain; version=0.0.4; charset=utf-8' }),
  }),
];

/**
 * Loading a snapshot for serving: read the registry (snapshot.ts), then let every route precompute its answers
 * (routes/). Kept apart from snapshot.ts because the routes import the snapshot's types and helpers.
 */
import type { RegistryStorage } from '../storage/types.js';
import { precomputeRoutes } from './routes/index.js';
import { readSnapshot, type Snapshot } from './snapshot.js';

export async function buildSnapshot(root: string, storage: RegistryStorage, source: string, commit?: string): Promise<Snapshot> {
  const snap = await readSnapshot(root, storage, source, commit);
  precomputeRoutes(snap);
  return snap;
}

/**
 * Reporters, registered by name: each is a pure (result, context) => string, loaded on demand.
 */
import type { Reporter } from './types.js';

const loaders: Record<string, () => Promise<Reporter>> = {
  text: async () => (await import('./text.js')).text,
  json: async () => (await import('./json.js')).json,
  github: async () => (await import('./github.js')).github,
  junit: async () => (await import('./junit.js')).junit,
  sarif: async () => (await import('./sarif.js')).sarif,
  gitlab: async () => (await import('./gitlab.js')).gitlab,
};

export const REPORTERS = Object.keys(loaders);

export async function getReporter(name: string): Promise<Reporter> {
  const l = loaders[name];
  if (!l) throw new Error(`unknown reporter '${name}'`);
  return l();
}

export type { Reporter, ReportContext } from './types.js';

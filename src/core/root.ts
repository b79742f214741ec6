import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The registry config file name. Kept apart from config.ts so that finding the root loads no YAML parser. */
export const CONFIG_FILE = 'llm-schema.yaml';

/**
 * The registry root: --registry DIR, else $LLM_SCHEMA_REGISTRY, else the nearest ancestor of cwd
 * holding llm-schema.yaml. Returns undefined when there is none (the caller says what to do).
 */
export function findRegistryRoot(explicit?: string, cwd = process.cwd()): string | undefined {
  if (explicit) return path.resolve(cwd, explicit);
  const env = process.env.LLM_SCHEMA_REGISTRY;
  if (env) return path.resolve(cwd, env);
  let dir = path.resolve(cwd);
  while (true) {
    if (existsSync(path.join(dir, CONFIG_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

import * as path from 'node:path';
import { InputError, UsageError } from '../model/errors.js';
import { COMPATIBILITY_MODES, type CompatibilityMode, type RegistryConfig } from '../model/types.js';
import { parseYaml, toYaml } from '../model/yaml.js';

export { CONFIG_FILE, findRegistryRoot } from './root.js';

export function checkMode(mode: string, where?: string): CompatibilityMode {
  const m = String(mode).toUpperCase().replace(/-/g, '_');
  if ((COMPATIBILITY_MODES as readonly string[]).includes(m)) return m as CompatibilityMode;
  const msg = `unknown compatibility mode '${mode}': expected one of ${COMPATIBILITY_MODES.join(', ')}`;
  if (where) throw new InputError(msg, { file: where }).withCode('INVALID_MODE', { mode });
  throw new UsageError(msg).withCode('INVALID_MODE', { mode });
}

export function parseConfig(text: string, file: string): RegistryConfig {
  const raw = text.trim() === '' ? {} : parseYaml(text, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('registry config must be a YAML mapping', { file });
  }
  const o = raw as Record<string, unknown>;
  const schemas = o.schemas ?? 'schemas';
  if (typeof schemas !== 'string' || schemas === '' || path.isAbsolute(schemas) || schemas.split(/[\\/]/).includes('..')) {
    throw new InputError(`'schemas' must be a folder inside the registry, got ${JSON.stringify(schemas)}`, { file });
  }
  const cfg: RegistryConfig = {
    compatibility: o.compatibility === undefined ? 'BACKWARD' : checkMode(String(o.compatibility), file),
    schemas: schemas.replace(/\\/g, '/').replace(/\/+$/, ''),
  };
  if (o.policy !== undefined) {
    if (typeof o.policy !== 'string') throw new InputError("'policy' must be a string", { file });
    cfg.policy = o.policy;
  }
  return cfg;
}

export function serializeConfig(cfg: RegistryConfig, extra: Record<string, unknown> = {}): string {
  const out: Record<string, unknown> = { compatibility: cfg.compatibility, schemas: cfg.schemas };
  if (cfg.policy) out.policy = cfg.policy;
  return toYaml({ ...extra, ...out });
}

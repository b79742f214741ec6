import { UsageError } from '../model/errors.js';
import type { FormatHandler, FormatName } from '../model/types.js';

/**
 * The format handlers, loaded on first use so that a command only pays for the formats it touches
 * (avsc and protobufjs are not loaded by a JSON Schema validation).
 */
const loaders: Record<FormatName, () => Promise<FormatHandler>> = {
  json: async () => (await import('./jsonschema/handler.js')).jsonSchemaHandler,
  avro: async () => (await import('./avro/handler.js')).avroHandler,
  protobuf: async () => (await import('./protobuf/handler.js')).protobufHandler,
  prompt: async () => (await import('./prompt/handler.js')).promptHandler,
};

const cache = new Map<FormatName, Promise<FormatHandler>>();

export const FORMATS: readonly FormatName[] = ['json', 'avro', 'protobuf', 'prompt'];

export const EXTENSIONS: Record<FormatName, string> = { json: '.json', avro: '.avsc', protobuf: '.proto', prompt: '.prompt' };

export function getHandler(format: FormatName): Promise<FormatHandler> {
  let p = cache.get(format);
  if (!p) {
    p = loaders[format]();
    cache.set(format, p);
  }
  return p;
}

/** `--type json|avro|protobuf|prompt` (also accepts jsonschema, avsc, proto, dotprompt). */
export function parseFormatName(type: string): FormatName {
  const t = type.toLowerCase();
  if (t === 'json' || t === 'jsonschema' || t === 'json-schema') return 'json';
  if (t === 'avro' || t === 'avsc') return 'avro';
  if (t === 'protobuf' || t === 'proto') return 'protobuf';
  if (t === 'prompt' || t === 'dotprompt') return 'prompt';
  throw new UsageError(`unknown --type '${type}': expected json, avro, protobuf or prompt`);
}

/** The format of a schema file, from --type or its extension. */
export function formatOfFile(file: string, type?: string): FormatName {
  if (type) return parseFormatName(type);
  const lower = file.toLowerCase();
  if (lower.endsWith('.avsc')) return 'avro';
  if (lower.endsWith('.proto')) return 'protobuf';
  if (lower.endsWith('.prompt')) return 'prompt';
  if (lower.endsWith('.json') || lower === '-') return 'json';
  throw new UsageError(`cannot tell the format of '${file}' from its extension: use --type json|avro|protobuf|prompt`);
}

import { parseDocument, stringify } from 'yaml';
import { firstLine, InputError, lineColumnAt } from './errors.js';

/** Parse YAML, throwing InputError with file, line and column on the first error. */
export function parseYaml(text: string, file?: string): unknown {
  let doc;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    if (err instanceof RangeError) throw new InputError('YAML is nested too deeply', { file });
    throw new InputError(`invalid YAML: ${(err as Error).message}`, { file });
  }
  const e = doc.errors[0];
  if (e) {
    const { line, column } = lineColumnAt(text, e.pos?.[0] ?? 0);
    throw new InputError(`invalid YAML: ${firstLine(e.message)}`, { file, line, column });
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof RangeError) throw new InputError('YAML is nested too deeply', { file });
    throw new InputError(`invalid YAML: ${firstLine((err as Error).message)}`, { file });
  }
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

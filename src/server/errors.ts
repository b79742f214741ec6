/**
 * The HTTP adapter's rendering of the core's typed errors: a status, Confluent's error code and a message
 * for a client that sends request fields, not flags. It reads each error's `code` and `args`; it never
 * matches message text. (The CLI renders the same errors as its line and exit code in src/cli/main.ts.)
 */
import { formatWhere, InputError, LlmSchemaError, type ErrorCode } from '../model/errors.js';

export interface HttpErrorParts {
  status: number;
  /** Confluent's error_code. */
  code: number;
  message: string;
}

/** Status and Confluent error code per core error code; codes not listed are 422 / 422 (the request's input). */
const STATUS: Partial<Record<ErrorCode, [number, number]>> = {
  SUBJECT_NOT_FOUND: [404, 40401],
  VERSION_NOT_FOUND: [404, 40402],
  SCHEMA_NOT_FOUND: [404, 40403],
  INVALID_VERSION: [422, 42202],
  INVALID_MODE: [422, 42203],
};

/**
 * An error's message for an HTTP client: the core's own words, except where they name a command-line
 * flag, which an HTTP request never sends; those codes are worded here from their arguments.
 */
export function httpText(err: unknown): string {
  if (!(err instanceof LlmSchemaError)) return (err as Error)?.message ?? String(err);
  const a = err.args;
  switch (err.code) {
    case 'NAMESPACE_REQUIRED':
      return "the request needs 'namespace': a non-empty string";
    case 'NAME_REQUIRED':
      return "the request needs 'name': a non-empty string";
    case 'INVALID_POLICY':
      // From a YAML file the message names the file (no flag); from a request it is the request's field.
      return err instanceof InputError && err.file !== undefined ? err.message : `'policy': ${String(a.problem)}`;
    case 'IMPORT_NOT_FOUND': {
      const where = err instanceof InputError ? formatWhere({ file: err.file, line: err.line, column: err.column }) : '';
      return `${where}import "${String(a.import)}" not found${String(a.looked ?? '')}`;
    }
    default:
      return err.message;
  }
}

/** Status, Confluent code and message for a core error (undefined: not a typed core error). */
export function httpError(err: unknown): HttpErrorParts | undefined {
  if (!(err instanceof LlmSchemaError)) return undefined;
  const [status, code] = (err.code && STATUS[err.code]) || [422, 422];
  return { status, code, message: httpText(err) };
}

/** The refusal of every write (Confluent's read-only mode: 422 / 42205). */
export const WRITE_REFUSED =
  'this registry is read-only: it is served from git by llm-schema serve; register schemas with `llm-schema register` and merge them';

/** 42205 for a schema that is not registered under a subject, naming the command that registers it. */
export function notRegistered(subject: string): string {
  return `Schema not registered under subject '${subject}', and this registry is read-only (served from git): register it with \`llm-schema register <namespace>.<name> --file FILE\` (aliased to '${subject}' if that is a topic name), then commit and merge`;
}

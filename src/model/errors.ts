/**
 * Typed errors, thrown deep and mapped to exit codes in exactly one place (src/cli/main.ts).
 * 2: usage or input error. 1: the answer is "no" (raised as NoError by commands that must stop early).
 *
 * An error may also carry a stable `code` and its `args` (the facts the message was written from): an
 * adapter that speaks another language than the command line (the HTTP server: status, Confluent error
 * code, request fields instead of flags) renders from those and never reads the message text. The CLI
 * prints the message, which stays the command line's wording.
 */

/** Stable error codes (add, never rename: adapters and clients key on them). */
export type ErrorCode =
  | 'SUBJECT_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'SCHEMA_NOT_FOUND'
  | 'INVALID_VERSION'
  | 'INVALID_NAMESPACE'
  | 'INVALID_NAME'
  | 'INVALID_SUBJECT'
  | 'NAMESPACE_REQUIRED'
  | 'NAME_REQUIRED'
  | 'INVALID_MODE'
  | 'INVALID_POLICY'
  | 'IMPORT_NOT_FOUND'
  | 'WRITE_FAILED';

export type ErrorArgs = Record<string, string | number | undefined>;

export class LlmSchemaError extends Error {
  readonly exitCode: number;
  /** What went wrong, as a stable code (absent: only the message says). */
  code?: ErrorCode;
  /** The facts behind the message, by name (a subject, a version, a policy...). */
  args: ErrorArgs = {};
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }

  /** Attach a code and its arguments (returns this: `throw new UsageError(msg).withCode(...)`). */
  withCode(code: ErrorCode | undefined, args: ErrorArgs = {}): this {
    this.code = code;
    this.args = args;
    return this;
  }
}

/** Bad flags, missing arguments, invalid names. Exit 2. */
export class UsageError extends LlmSchemaError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Unreadable or malformed input, with the file and, for parse errors, line and column. Exit 2. */
export class InputError extends LlmSchemaError {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, where?: { file?: string; line?: number; column?: number }) {
    super(formatWhere(where) + message, 2);
    this.file = where?.file;
    this.line = where?.line;
    this.column = where?.column;
  }
}

const NOT_FOUND_CODES = { subject: 'SUBJECT_NOT_FOUND', version: 'VERSION_NOT_FOUND', schema: 'SCHEMA_NOT_FOUND' } as const;

/** Unknown subject or version (code SUBJECT_NOT_FOUND, VERSION_NOT_FOUND, SCHEMA_NOT_FOUND). Exit 2. */
export class NotFoundError extends LlmSchemaError {
  readonly what: 'subject' | 'version' | 'schema';
  constructor(message: string, what: 'subject' | 'version' | 'schema', args: ErrorArgs = {}) {
    super(message, 2);
    this.what = what;
    this.withCode(NOT_FOUND_CODES[what], args);
  }
}

/** The answer is "no" (incompatible change, refused version). Exit 1. */
export class RefusedError extends LlmSchemaError {
  readonly details: string[];
  constructor(message: string, details: string[] = []) {
    super(message, 1);
    this.details = details;
  }
}

/**
 * The user stopped the command: Ctrl-C at a prompt (nothing is printed), or a signal during a write
 * (one line saying what state the files are in). Exit 128 + the signal number: 130 for SIGINT, as a shell
 * reports it.
 */
export class InterruptedError extends LlmSchemaError {
  /** Printed on stderr when set. */
  readonly report?: string;
  constructor(report?: string, exitCode = 130) {
    super(report ?? 'interrupted', exitCode);
    this.report = report;
  }
}

export function formatWhere(where?: { file?: string; line?: number; column?: number }): string {
  if (!where?.file) return '';
  if (where.line !== undefined) return `${where.file}:${where.line}:${where.column ?? 1}: `;
  return `${where.file}: `;
}

/** Turn a 0-based character offset into a 1-based line and column. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: end - last };
}

/** The first line of a library's error message, without its own position suffix. */
export function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * A message that echoes user input, safe for a terminal: control characters (ESC, NUL, CR, LF, DEL, the C1
 * range, line and paragraph separators) are written JSON-style (\u001b, \n), so an argument cannot move the
 * cursor, recolour the terminal or split the one line an error is.
 */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

/**
 * What a file-system error code means, in the words every message uses (the CLI's last-resort mapping and the atomic
 * writer's own errors): undefined for a code that is not a problem the user can fix.
 */
export function fsProblem(code: string | undefined): string | undefined {
  return code === undefined ? undefined : FS_PROBLEMS[code];
}

const FS_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  // a path the user gave that cannot be used as given (export --out, init --registry, --registry ...)
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way (a folder was needed there)',
  ELOOP: 'too many levels of symbolic links (a symlink loop)',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * Whether this process is the command-line tool (set by src/cli/main.ts when run as the `llm-schema` binary), as
 * opposed to a library user's process: only the CLI's may install process-wide signal handlers that exit.
 */
export const processRole = { cli: false };

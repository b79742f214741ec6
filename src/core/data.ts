/**
 * Data inputs for validation: files, globs, folders and stdin; records from .json (one document),
 * .jsonl/.ndjson (one record a line, streamed so memory does not grow with the file), .yaml/.yml
 * (each document a record) and .txt (one text record, for --extract).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../model/errors.js';
import { firstLine, lineColumnAt, formatWhere } from '../model/errors.js';
import { parseJson, locateJsonError } from '../model/json.js';
import type { DataRecord } from '../model/types.js';

export const JSON_EXTS = ['.json'];
export const JSONL_EXTS = ['.jsonl', '.ndjson'];
export const YAML_EXTS = ['.yaml', '.yml'];
export const TEXT_EXTS = ['.txt', '.md'];

export type DataKind = 'json' | 'jsonl' | 'yaml' | 'text' | 'binary';

export interface DataSource {
  /** Path as given (or '-' for stdin). */
  file: string;
  kind: DataKind;
}

export interface ExpandOptions {
  /** Extensions a handler reads itself (e.g. '.avro'). */
  binaryExts?: readonly string[];
  /** Treat every input as text replies (--extract). */
  text?: boolean;
}

function kindOf(file: string, opts: ExpandOptions): DataKind | undefined {
  const ext = path.extname(file).toLowerCase();
  if (opts.binaryExts?.includes(ext)) return 'binary';
  if (JSONL_EXTS.includes(ext)) return 'jsonl';
  if (JSON_EXTS.includes(ext)) return opts.text ? 'text' : 'json';
  if (YAML_EXTS.includes(ext)) return 'yaml';
  if (TEXT_EXTS.includes(ext)) return 'text';
  return undefined;
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Expand --data arguments into sources, in a stable order. Throws InputError for what does not exist. */
export async function expandInputs(inputs: string[], opts: ExpandOptions = {}): Promise<DataSource[]> {
  const out: DataSource[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push({ file: '-', kind: opts.text ? 'text' : 'json' });
      continue;
    }
    let st;
    try {
      st = await fsp.stat(input);
    } catch {
      st = undefined;
    }
    if (st?.isFile() || st?.isFIFO()) {
      // a FIFO is a pipe given by name (process substitution: --data <(cmd)), read like a file
      out.push({ file: input, kind: kindOf(input, opts) ?? (opts.text ? 'text' : 'json') });
    } else if (st && !st.isDirectory()) {
      // /dev/zero, /dev/urandom, a socket: reading would never end (or never mean data)
      const what = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'a special file';
      throw new InputError(`not a regular file (${what}): give a data file, a folder, a glob or - for stdin`, { file: input });
    } else if (st?.isDirectory()) {
      const files = await walk(input);
      const picked = files.filter((f) => kindOf(f, opts) !== undefined && !(opts.text === undefined && TEXT_EXTS.includes(path.extname(f).toLowerCase())));
      if (picked.length === 0) throw new InputError('the folder holds no data files (.json, .jsonl, .ndjson, .yaml, .yml)', { file: input });
      for (const f of picked) out.push({ file: f, kind: kindOf(f, opts)! });
    } else if (GLOB_CHARS.test(input)) {
      const { glob } = await import('tinyglobby');
      const files = (await glob([input], { onlyFiles: true, expandDirectories: false })).sort();
      if (files.length === 0) throw new InputError('no files match this pattern', { file: input });
      for (const f of files) out.push({ file: f, kind: kindOf(f, opts) ?? (opts.text ? 'text' : 'json') });
    } else {
      throw new InputError('no such file or folder', { file: input });
    }
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function readWhole(file: string): Promise<string> {
  let buf: Buffer;
  if (file === '-') {
    if (process.stdin.isTTY) throw new InputError('stdin is a terminal: pipe the data in, or name a file', { file: '<stdin>' });
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    buf = Buffer.concat(chunks);
  } else {
    try {
      buf = await fsp.readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`, { file });
    }
  }
  return utf8Text(buf, file === '-' ? '<stdin>' : file);
}

/** The text of a UTF-8 file without its byte order mark; invalid UTF-8 is an input error naming the line. */
export function utf8Text(buf: Buffer, file: string, firstLine = 1): string {
  if (!isUtf8(buf)) throw invalidUtf8(buf, file, firstLine);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The InputError for bytes that are not UTF-8: the first line (counted from firstLine) holding bad bytes. */
function invalidUtf8(buf: Buffer, file: string, firstLine: number): InputError {
  let line = firstLine;
  let from = 0;
  for (;;) {
    const nl = buf.indexOf(10, from);
    const end = nl === -1 ? buf.length : nl;
    if (!isUtf8(buf.subarray(from, end))) break;
    if (nl === -1) break;
    line++;
    from = nl + 1;
  }
  return new InputError('invalid UTF-8: the data must be UTF-8 text', { file, line });
}

/**
 * Lines of a file, streamed in large chunks (faster than readline), in batches (one per chunk) so that
 * callers pay for one await per chunk rather than per line. Line numbers are 1-based; blank lines are
 * skipped; a final line without a newline is still given. stats.lines counts every line read.
 */
export async function* readLineBatches(
  file: string,
  start = 0,
  end?: number,
  stats?: { lines: number },
): AsyncGenerator<Array<{ line: number; text: string }>> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20, start, end });
  // fatal: bytes that are not UTF-8 are an input error (not U+FFFD passed on silently); a byte order mark at
  // the start of the file is dropped (ignoreBOM false), so line 1 parses
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: start !== 0 });
  let rest = '';
  let lineNo = 0;
  // the bytes of the line in progress (since the last newline), to name the line of invalid UTF-8
  let tail: Buffer[] = [];
  try {
    for await (const chunk of stream) {
      let decoded: string;
      try {
        decoded = decoder.decode(chunk as Buffer, { stream: true });
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
        throw invalidUtf8(Buffer.concat([...tail, chunk as Buffer]), file === '-' ? '<stdin>' : file, lineNo + 1);
      }
      const nlAt = (chunk as Buffer).lastIndexOf(10);
      if (nlAt === -1) tail.push(chunk as Buffer);
      else tail = [(chunk as Buffer).subarray(nlAt + 1)];
      const text = rest + decoded;
      const batch: Array<{ line: number; text: string }> = [];
      let from = 0;
      let nl = text.indexOf('\n', from);
      while (nl !== -1) {
        lineNo++;
        let l = text.slice(from, nl);
        if (l.length && l.charCodeAt(l.length - 1) === 13) l = l.slice(0, -1);
        if (!isBlank(l)) batch.push({ line: lineNo, text: l });
        from = nl + 1;
        nl = text.indexOf('\n', from);
      }
      rest = text.slice(from);
      if (batch.length) yield batch;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('no such file', { file });
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new InputError('is a folder', { file });
    throw err;
  }
  try {
    rest += decoder.decode();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw invalidUtf8(Buffer.concat([...tail, Buffer.from([0xff])]), file === '-' ? '<stdin>' : file, lineNo + 1);
  }
  if (rest !== '') lineNo++;
  if (stats) stats.lines = lineNo;
  if (rest.trim() !== '') yield [{ line: lineNo, text: rest.replace(/\r$/, '') }];
}

/** True when a line holds only white space (checked without allocating: most lines start with '{'). */
function isBlank(l: string): boolean {
  for (let i = 0; i < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Lines of a file one at a time (see readLineBatches). */
export async function* readLines(file: string, start = 0, end?: number, stats?: { lines: number }): AsyncGenerator<{ line: number; text: string }> {
  for await (const batch of readLineBatches(file, start, end, stats)) yield* batch;
}

/** Parse one JSONL line into a record; a line that is not JSON becomes a failed record with its column. */
export function jsonlRecord(line: number, text: string): DataRecord {
  try {
    return { line, value: JSON.parse(text) };
  } catch (err) {
    if (err instanceof RangeError) return { line, error: 'JSON is nested too deeply to process' };
    const { offset, reason } = locateJsonError(text);
    return { line, error: `invalid JSON at column ${lineColumnAt(text, offset).column}: ${reason}` };
  }
}

/** The records of a source (not for 'binary' sources, which the format handler reads). */
export async function* readRecords(src: DataSource): AsyncGenerator<DataRecord> {
  switch (src.kind) {
    case 'jsonl':
      for await (const { line, text } of readLines(src.file)) yield jsonlRecord(line, text);
      return;
    case 'json': {
      const text = await readWhole(src.file);
      const name = src.file === '-' ? '<stdin>' : src.file;
      if (src.file === '-') {
        // stdin: one JSON document, else JSON lines, else YAML documents.
        const body = text;
        try {
          yield { value: JSON.parse(body) };
          return;
        } catch {
          const lines = body.split('\n');
          const nonEmpty = lines.filter((l) => l.trim());
          if (nonEmpty.length > 1 && nonEmpty.every((l) => /^\s*[[{"]/.test(l))) {
            for (let i = 0; i < lines.length; i++) if (lines[i].trim()) yield jsonlRecord(i + 1, lines[i].replace(/\r$/, ''));
            return;
          }
          if (!/^\s*[[{]/.test(body)) {
            yield* yamlRecords(body, name);
            return;
          }
        }
      }
      yield { value: parseJson(text, name) };
      return;
    }
    case 'yaml':
      yield* yamlRecords(await readWhole(src.file), src.file);
      return;
    case 'text':
      yield { value: await readWhole(src.file) };
      return;
    case 'binary':
      throw new InputError('binary data needs its format handler', { file: src.file });
  }
}

/** Each YAML document of a text as a record (with its line when there are several). */
async function* yamlRecords(text: string, file: string): AsyncGenerator<DataRecord> {
  const { parseAllDocuments } = await import('yaml');
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const e = doc.errors[0];
    if (e) {
      const { line, column } = lineColumnAt(text, e.pos?.[0] ?? 0);
      throw new InputError(`invalid YAML: ${firstLine(e.message)}`, { file, line, column });
    }
    if (doc.contents === null) continue;
    const line = doc.contents.range ? lineColumnAt(text, doc.contents.range[0]).line : undefined;
    try {
      yield { line: list.length > 1 ? line : undefined, value: doc.toJS({ maxAliasCount: 100 }) };
    } catch (err) {
      throw new InputError(err instanceof RangeError ? 'YAML is nested too deeply' : `invalid YAML: ${(err as Error).message}`, { file });
    }
  }
}

export { formatWhere };

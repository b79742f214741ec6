/**
 * Loading .proto sources into one protobufjs Root: imports resolved against the file's folder, the
 * --proto-path folders and registered references (by import path); well-known types from protobufjs's
 * bundled copies. Every problem is one InputError naming the file, and the line and column when known.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { InputError } from '../../model/errors.js';
import type { ParseOptions } from '../../model/types.js';

// protobufjs types are loose; the parts used here are typed locally.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type PbRoot = any;
export type PbType = any;
export type PbEnum = any;
export type PbField = any;

export interface ProtoFile {
  /** The key: '' for the main file, the import path for imported files. */
  key: string;
  /** Shown in messages. */
  display: string;
  text: string;
  syntax: string;
  package: string;
  imports: string[];
  /** A well-known type shipped with protobufjs. */
  wellKnown: boolean;
}

export interface Loaded {
  root: PbRoot;
  files: Map<string, ProtoFile>;
}

let pbPromise: Promise<any> | undefined;
export function protobufjs(): Promise<any> {
  pbPromise ??= import('protobufjs').then((m) => m.default ?? m);
  return pbPromise;
}

export function syntaxOf(text: string): string {
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const m = /^\s*(syntax|edition)\s*=\s*["']([^"']+)["']/.exec(stripped);
  if (!m) return 'proto2';
  return m[1] === 'edition' ? `edition ${m[2]}` : m[2];
}

function bundledProto(path: string): string | undefined {
  // Only a plain google/protobuf/NAME.proto: never '..' or anything that leaves protobufjs's folder.
  if (!/^google\/protobuf\/[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*\.proto$/.test(path)) return undefined;
  try {
    const req = createRequire(import.meta.url);
    const dir = dirname(req.resolve('protobufjs/package.json'));
    const p = join(dir, path);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** 1-based line/column of the first match of re in text (optionally from a line on). */
export function findPosition(text: string, re: RegExp, fromLine = 1): { line: number; column: number } | undefined {
  const lines = text.split('\n');
  for (let i = Math.max(0, fromLine - 1); i < lines.length; i++) {
    const m = re.exec(lines[i]);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  return undefined;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first non-blank column of the line a position is on (a field statement starts there). */
function atStatement(text: string, p: { line: number; column: number } | undefined): { line?: number; column?: number } {
  if (!p) return {};
  const lineText = text.split('\n')[p.line - 1] ?? '';
  return { line: p.line, column: lineText.length - lineText.trimStart().length + 1 };
}

/** Where protobufjs's error points: its own "(line N)" plus the token for a column, or a search for the element. */
function locateError(message: string, text: string): { line?: number; column?: number; reason: string } {
  const reason = message.replace(/\s*\((?:[^,()]+, )?line \d+\)\s*$/, '');
  const lm = /line (\d+)\)\s*$/.exec(message);
  if (lm) {
    const line = Number(lm[1]);
    const lineText = text.split('\n')[line - 1] ?? '';
    const tm = /^illegal (?:[\w ]+ )?'([^']*)'/.exec(message);
    let column = 1;
    if (tm && tm[1] !== 'null' && lineText.includes(tm[1])) column = lineText.indexOf(tm[1]) + 1;
    else if (/end of input/.test(message)) column = lineText.length + 1;
    return { line, column, reason };
  }
  let m = /^duplicate id (\d+) in \w+ (\S+)/.exec(message);
  if (m) {
    const re = new RegExp(`=\\s*${m[1]}\\b`);
    const first = findPosition(text, re);
    const second = first ? findPosition(text, re, first.line + 1) : undefined;
    return { ...atStatement(text, second ?? first), reason };
  }
  m = /^id (\d+) is reserved/.exec(message);
  if (m) {
    const p = findPosition(text, new RegExp(`=\\s*${m[1]}\\b(?![^;]*\\breserved\\b)`));
    return { ...atStatement(text, p), reason };
  }
  m = /^(?:duplicate name|name) '([^']+)'/.exec(message) ?? /^no such (?:Type or Enum|type) '([^']+)'/.exec(message);
  if (m) {
    const last = m[1].split('.').pop()!;
    const re = new RegExp(`(?<![\\w.])${escapeRe(m[1].replace(/^\./, ''))}(?![\\w])|\\b${escapeRe(last)}\\b`);
    const first = findPosition(text, re);
    if (/^duplicate/.test(message) && first) {
      const second = findPosition(text, new RegExp(`\\b${escapeRe(last)}\\b`), first.line + 1);
      return { ...(second ?? first), reason };
    }
    return { ...first, reason };
  }
  return { reason };
}

/**
 * protobufjs tries an `extend Foo` each time a message is added, looking Foo up through caches it clears only
 * after that try: a miss cached while an unrelated file loaded (import "b.proto" before "a.proto") hid Foo
 * for good ("unresolvable extensions"), so loading depended on the order of imports. Once every file is in,
 * the caches are dropped and the extensions still waiting are tried again, as are later lookups.
 */
function settleExtensions(root: PbRoot): void {
  const stack: any[] = [root];
  while (stack.length) {
    const ns = stack.pop();
    ns._lookupCache = Object.create(null);
    for (const n of ns.nestedArray ?? []) if (n && n.nestedArray) stack.push(n);
  }
  const waiting: any[] = Array.isArray(root.deferred) ? root.deferred.splice(0) : [];
  for (const field of waiting) root._handleAdd(field);
}

/** Load a .proto source and everything it imports. */
export async function loadProto(text: string, options: ParseOptions = {}): Promise<Loaded> {
  const pb = await protobufjs();
  const root = new pb.Root();
  const files = new Map<string, ProtoFile>();
  const mainDisplay = options.file ?? '<input>.proto';
  const searchDirs: string[] = [];
  if (options.file && options.file !== '-') searchDirs.push(dirname(resolvePath(options.file)));
  for (const p of options.protoPaths ?? []) searchDirs.push(resolvePath(p));
  const refTexts = new Map<string, { text: string; display: string }>();
  for (const r of options.references ?? []) {
    refTexts.set(r.name, { text: r.schema.text, display: r.schema.file ?? `${r.subject} ${r.version}` });
  }

  const mainAbs = options.file && options.file !== '-' ? resolvePath(options.file) : undefined;
  const absOf = new Map<string, string | undefined>([['', mainAbs]]);
  const parseOne = (key: string, display: string, src: string, stack: string[]): void => {
    const file: ProtoFile = { key, display, text: src, syntax: syntaxOf(src), package: '', imports: [], wellKnown: false };
    files.set(key, file);
    let parsed: { package?: string; imports?: string[]; weakImports?: string[] };
    try {
      pb.parse.filename = key;
      parsed = pb.parse(src, root, { keepCase: true, alternateCommentMode: true });
    } catch (err) {
      const where = locateError((err as Error).message, src);
      throw new InputError(`invalid .proto: ${where.reason}`, { file: display, line: where.line, column: where.column });
    } finally {
      pb.parse.filename = null;
    }
    file.package = parsed.package ?? '';
    file.imports = [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
    for (const imp of file.imports) {
      const at = findPosition(src, new RegExp(`import\\s+(?:public\\s+|weak\\s+)?["']${escapeRe(imp)}["']`));
      if (stack.includes(imp)) {
        const chain = [...stack.slice(stack.indexOf(imp)), key, imp].map((k) => (k === '' ? display : k));
        throw new InputError(`import cycle: ${chain.join(' -> ')}`, { file: display, ...at });
      }
      if (files.has(imp)) continue;
      if (imp.startsWith('google/protobuf/')) {
        const common = pb.common.get(imp);
        if (common) {
          root.addJSON(common.nested);
          files.set(imp, { key: imp, display: imp, text: '', syntax: 'proto3', package: 'google.protobuf', imports: [], wellKnown: true });
          continue;
        }
        const bundled = bundledProto(imp);
        if (bundled !== undefined) {
          parseOne(imp, imp, bundled, [...stack, key]);
          files.get(imp)!.wellKnown = true;
          continue;
        }
      }
      const ref = refTexts.get(imp);
      if (ref) {
        parseOne(imp, ref.display, ref.text, [...stack, key]);
        continue;
      }
      if (options.untrusted) {
        throw new InputError(`import "${imp}" does not resolve: only the request's references and google/protobuf types can be imported`, {
          file: display,
          ...at,
        });
      }
      if (options.sealed) {
        throw new InputError(
          `import "${imp}" is not a reference: a registered schema may import only other registered subjects and google/protobuf types; register "${imp}" as a subject and pass --reference ${imp}=NAMESPACE.NAME@VERSION`,
          { file: display, ...at },
        );
      }
      let found: string | undefined;
      for (const d of searchDirs) {
        const p = join(d, imp);
        if (existsSync(p)) {
          found = p;
          break;
        }
      }
      if (found) {
        const abs = resolvePath(found);
        const onStack = [...stack, key].find((k) => absOf.get(k) === abs);
        if (onStack !== undefined) {
          const chain = [...[...stack, key].slice([...stack, key].indexOf(onStack)), onStack].map((k) => (k === '' ? mainDisplay : k));
          throw new InputError(`import cycle: ${chain.join(' -> ')}`, { file: display, ...at });
        }
        if ([...absOf.values()].includes(abs)) continue; // the same file under another import path
        absOf.set(imp, abs);
      }
      if (!found) {
        const looked = searchDirs.length ? ` (looked in ${searchDirs.join(', ')}${refTexts.size ? ' and the references' : ''})` : '';
        throw new InputError(`import "${imp}" not found${looked}; add --proto-path DIR or a reference`, { file: display, ...at }).withCode('IMPORT_NOT_FOUND', {
          import: imp,
          looked,
        });
      }
      let importedText: string;
      try {
        importedText = readFileSync(found, 'utf8');
      } catch (err) {
        throw new InputError(`cannot read imported file ${found}: ${(err as Error).message}`, { file: display, ...at });
      }
      parseOne(imp, found, importedText, [...stack, key]);
    }
  };

  parseOne('', mainDisplay, text, []);
  settleExtensions(root);
  try {
    root.resolveAll();
  } catch (err) {
    const msg = (err as Error).message;
    // find the file that mentions the missing name
    for (const f of files.values()) {
      if (f.wellKnown) continue;
      const where = locateError(msg, f.text);
      if (where.line !== undefined) throw new InputError(`invalid .proto: ${where.reason}`, { file: f.display, line: where.line, column: where.column });
    }
    throw new InputError(`invalid .proto: ${msg}`, { file: mainDisplay });
  }
  return { root, files };
}

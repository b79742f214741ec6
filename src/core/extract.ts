/**
 * Pull a JSON value out of a language model's text reply.
 *
 * The search order, and what each step accepts:
 *  0. A reply that is JSON as a whole (and has no code fence) is taken as is: `via: 'whole'`.
 *  1. ```json fences (also ```jsonc, ```json5), in order: `via: 'fence'`.
 *  2. bare ``` fences whose content looks like JSON, in order: `via: 'bare-fence'`.
 *  3. the first balanced JSON object or array in the prose, found by string-aware bracket matching
 *     (a `{...}` that does not look like JSON, such as `{name}`, is passed over): `via: 'balanced'`.
 *  4. the whole text, for scalars such as `42` or `"yes"`: `via: 'whole'`.
 * When several candidates are found, the first that parses wins; earlier ones that did not parse are
 * passed over. Only when no candidate parses is the reply 'unparseable' (the first candidate's error,
 * with line and column in the reply); a reply with no candidate at all is 'none' ("no JSON found").
 * An unclosed fence or an unbalanced object running to the end of the reply (a reply cut off by a token
 * limit) is a candidate that does not parse.
 *
 * With `repair`, a candidate that does not parse gets one repair pass (see repairJson) before the
 * next candidate is tried: comments removed, trailing commas dropped, single-quoted strings and
 * unquoted keys quoted, Python's True/False/None mapped, and a truncated tail closed (the unfinished
 * member dropped, open brackets closed). `repaired: true` says so.
 *
 * Linear in the reply's length (at most a fixed number of balanced-scan attempts), iterative (no
 * recursion, so 100,000 nested brackets are fine), no regular expression that can backtrack.
 */
import { lineColumnAt } from '../model/errors.js';
import { locateJsonError } from '../model/json.js';

export type Extraction =
  | {
      kind: 'found';
      value: unknown;
      text: string;
      start: number;
      end: number;
      repaired: boolean;
      /** What the repair pass fixed, in words ('trailing commas', 'smart quotes', 'truncated: ...'); empty when not repaired. */
      repairs: string[];
      via: 'fence' | 'bare-fence' | 'balanced' | 'whole';
      /** Other JSON candidates the reply held (not taken), with where they are. */
      others?: Array<{ text: string; start: number; end: number }>;
    }
  | { kind: 'none' } // "no JSON found"
  | { kind: 'unparseable'; reason: string; line?: number; column?: number }; // "JSON does not parse"

export interface ExtractOptions {
  /** Try a repair pass (trailing commas, single quotes, unquoted keys, truncated tail) on candidates that do not parse. */
  repair?: boolean;
  /** With repair: close a reply cut off mid-JSON (default true); false reports it as 'unparseable'. */
  repairTruncated?: boolean;
  /**
   * Several JSON candidates of one kind (fences, or objects in prose): 'last' (default) takes the last one
   * that `fits` (else the last), 'first' the first one that parses.
   */
  pick?: 'first' | 'last';
  /** Does a candidate have the shape the schema wants (type, property names)? Used to pick among candidates. */
  fits?: (value: unknown) => boolean;
}

/** Reasoning blocks models write before the answer: skipped (blanked, so offsets stay). */
const REASONING_OPEN = /<(think|thinking|reasoning|reflection)>/gi;

/** The text with `<think>...</think>` (and thinking, reasoning, reflection) blocks blanked out; an unclosed one runs to the end. */
export function blankReasoning(text: string): string {
  if (text.indexOf('<') === -1) return text;
  REASONING_OPEN.lastIndex = 0;
  let out = '';
  let pos = 0;
  for (let m = REASONING_OPEN.exec(text); m; m = REASONING_OPEN.exec(text)) {
    if (m.index < pos) continue;
    const close = text.toLowerCase().indexOf(`</${m[1].toLowerCase()}>`, m.index + m[0].length);
    const end = close === -1 ? text.length : close + m[1].length + 3;
    out += text.slice(pos, m.index) + text.slice(m.index, end).replace(/[^\n]/g, ' ');
    pos = end;
    REASONING_OPEN.lastIndex = end;
  }
  return out + text.slice(pos);
}

/** Typographic and full-width characters models write instead of JSON punctuation; each maps to one code unit. */
const LOOKALIKES: Record<string, string> = {
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\uff02': '"',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\uff07': "'",
  '\uff5b': '{',
  '\uff5d': '}',
  '\uff3b': '[',
  '\uff3d': ']',
  '\uff1a': ':',
  '\uff0c': ',',
};
const LOOKALIKE_RE = /[\u201c-\u201f\u2018\u2019\u2032\u2033\uff02\uff07\uff5b\uff5d\uff3b\uff3d\uff1a\uff0c]/g;
const QUOTE_LOOKALIKES = /[\u201c-\u201f\u2018\u2019\u2032\u2033\uff02\uff07]/;

type Via = 'fence' | 'bare-fence' | 'balanced' | 'whole';

/** How many balanced candidates in prose are tried before giving up (keeps hostile input linear). */
const MAX_BALANCED_ATTEMPTS = 8;

interface Failure {
  reason: string;
  offset: number;
}

export function extractJson(original: string, options: ExtractOptions = {}): Extraction {
  const text = blankReasoning(original);
  const first = extractOnce(text, options);
  if (first.kind === 'found' || !options.repair) return first;
  // Smart quotes and full-width punctuation: mapped one for one (offsets stay), then searched again.
  LOOKALIKE_RE.lastIndex = 0;
  if (!LOOKALIKE_RE.test(text)) return first;
  const mapped = text.replace(LOOKALIKE_RE, (c) => LOOKALIKES[c]);
  const second = extractOnce(mapped, options);
  if (second.kind !== 'found') return first;
  const slice = original.slice(second.start, second.end);
  const what: string[] = [];
  if (QUOTE_LOOKALIKES.test(slice)) what.push('smart quotes');
  if (/[\uff5b\uff5d\uff3b\uff3d\uff1a\uff0c]/.test(slice)) what.push('full-width punctuation');
  return { ...second, text: slice, repaired: true, repairs: [...what, ...second.repairs] };
}

function extractOnce(text: string, options: ExtractOptions): Extraction {
  const repair = !!options.repair;
  const repairTruncated = options.repairTruncated !== false;
  let firstFailure: Failure | undefined;
  const fail = (f: Failure) => {
    if (!firstFailure) firstFailure = f;
  };
  const hasFence = text.indexOf('```') !== -1;

  // 0. The whole reply is a JSON object or array (the common case for JSON-mode replies).
  if (!hasFence) {
    const s = firstNonSpace(text, 0);
    const c = text.charCodeAt(s);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const e = lastNonSpace(text) + 1;
      const lastC = text.charCodeAt(e - 1);
      if (lastC === 125 || lastC === 93) {
        const slice = text.slice(s, e);
        try {
          return found(JSON.parse(slice), slice, s, e, false, 'whole');
        } catch {
          /* fall through to the general search */
        }
      }
    }
  }

  // 1 and 2. Code fences.
  if (hasFence) {
    const blocks = findFences(text);
    for (const pass of ['fence', 'bare-fence'] as const) {
      const candidates: Found[] = [];
      for (const b of blocks) {
        if (b.kind !== pass) continue;
        const s = firstNonSpace(text, b.start);
        const e = Math.max(s, lastNonSpaceBefore(text, b.end) + 1);
        if (s >= e) continue;
        if (pass === 'bare-fence' && !looksLikeJson(text, s)) continue;
        const r = tryParse(text, s, e, repair, pass, repairTruncated);
        if (r.kind === 'found') candidates.push(r);
        else fail(r.failure);
      }
      if (candidates.length) return choose(candidates, options);
    }
  }

  // 3. Balanced objects or arrays in prose (top-level ones: what is inside a candidate is part of it).
  let attempts = 0;
  let pos = 0;
  const openers = new OpenerScanner(text);
  const candidates: Found[] = [];
  while (attempts < MAX_BALANCED_ATTEMPTS) {
    const s = openers.next(pos);
    if (s === -1) break;
    pos = s + 1;
    if (!looksLikeJson(text, s)) continue;
    attempts++;
    const m = matchBrackets(text, s);
    if (m.kind === 'balanced') {
      pos = m.end;
      const r = tryParse(text, s, m.end, repair, 'balanced', repairTruncated);
      if (r.kind === 'found') candidates.push(r);
      else fail(r.failure);
    } else if (m.kind === 'truncated') {
      // Runs to the end of the reply: a cut-off reply. Only the repair pass can use it.
      if (candidates.length) break; // a complete candidate came before it
      const e = lastNonSpace(text) + 1;
      if (repair && repairTruncated) {
        const r = tryParse(text, s, e, true, 'balanced', true);
        if (r.kind === 'found') return r;
      }
      fail({ reason: `unexpected end of input: the reply ends inside ${m.open} unclosed bracket${m.open === 1 ? '' : 's'} (truncated?)`, offset: e });
      break; // every later opener is inside this one
    } else {
      fail({ reason: `'${text[m.at]}' does not close '${text[m.openerAt]}'`, offset: m.at });
    }
  }
  if (candidates.length) return choose(candidates, options);

  // 4. The whole text (scalars).
  const s = firstNonSpace(text, 0);
  const e = lastNonSpace(text) + 1;
  if (s < e && !firstFailure) {
    const slice = text.slice(s, e);
    const c = slice.charCodeAt(0);
    // Only values that can be JSON scalars; prose ("Sorry, I can't") is not JSON.
    if (c === 34 || c === 45 || (c >= 48 && c <= 57) || slice === 'true' || slice === 'false' || slice === 'null') {
      try {
        return found(JSON.parse(slice), slice, s, e, false, 'whole');
      } catch {
        /* not JSON */
      }
    }
  }

  if (firstFailure) {
    const { line, column } = lineColumnAt(text, firstFailure.offset);
    return { kind: 'unparseable', reason: firstFailure.reason, line, column };
  }
  return { kind: 'none' };
}

type Found = Extraction & { kind: 'found' };

/** One candidate of several: the last that fits the schema's shape (else the last), or the first with pick 'first'. */
function choose(candidates: Found[], options: ExtractOptions): Found {
  let i = candidates.length - 1;
  if (options.pick === 'first') i = 0;
  else if (options.fits) {
    for (let k = candidates.length - 1; k >= 0; k--) {
      if (options.fits(candidates[k].value)) {
        i = k;
        break;
      }
    }
  }
  const chosen = candidates[i];
  if (candidates.length === 1) return chosen;
  return { ...chosen, others: candidates.filter((_, k) => k !== i).map((c) => ({ text: c.text, start: c.start, end: c.end })) };
}

function found(value: unknown, text: string, start: number, end: number, repaired: boolean, via: Via, repairs: string[] = []): Extraction {
  return { kind: 'found', value, text, start, end, repaired, repairs, via };
}

function tryParse(
  text: string,
  s: number,
  e: number,
  repair: boolean,
  via: Via,
  repairTruncated = true,
): (Extraction & { kind: 'found' }) | { kind: 'failed'; failure: Failure } {
  const slice = text.slice(s, e);
  try {
    return found(JSON.parse(slice), slice, s, e, false, via) as Extraction & { kind: 'found' };
  } catch (err) {
    if (repair) {
      const repairs = new Set<string>();
      const fixed = repairJson(slice, { truncated: repairTruncated, repairs });
      if (fixed !== undefined && fixed !== slice) {
        try {
          return found(JSON.parse(fixed), slice, s, e, true, via, [...repairs]) as Extraction & { kind: 'found' };
        } catch {
          /* report the original error */
        }
      }
    }
    if (err instanceof RangeError) return { kind: 'failed', failure: { reason: 'JSON is nested too deeply to process', offset: s } };
    const loc = locateJsonError(slice);
    return { kind: 'failed', failure: { reason: loc.reason, offset: s + loc.offset } };
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff || c === 0xa0;
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function lastNonSpace(text: string): number {
  return lastNonSpaceBefore(text, text.length);
}

function lastNonSpaceBefore(text: string, end: number): number {
  let i = end - 1;
  while (i >= 0 && isSpace(text.charCodeAt(i))) i--;
  return i;
}

interface Fence {
  kind: 'fence' | 'bare-fence' | 'other';
  /** Content start and end (exclusive); end is the text's end when the fence is not closed. */
  start: number;
  end: number;
}

const JSON_LANGS = new Set(['json', 'jsonc', 'json5']);

/** Every code fence, in order. A fence not closed runs to the end of the text. */
function findFences(text: string): Fence[] {
  const out: Fence[] = [];
  let pos = 0;
  while (pos < text.length) {
    const i = text.indexOf('```', pos);
    if (i === -1) break;
    let j = i;
    while (text.charCodeAt(j) === 96) j++;
    const ticks = text.slice(i, j);
    let k = j;
    while (k < text.length && /[A-Za-z0-9_+.-]/.test(text[k])) k++;
    const lang = text.slice(j, k).toLowerCase();
    let lineEnd = text.indexOf('\n', k);
    if (lineEnd === -1) lineEnd = text.length;
    // "```json {...}```" on one line: the content starts after the language word.
    const rest = text.slice(k, lineEnd);
    const start = rest.trim() === '' ? Math.min(lineEnd + 1, text.length) : k;
    const close = text.indexOf(ticks, start);
    const end = close === -1 ? text.length : close;
    out.push({ kind: lang === '' ? 'bare-fence' : JSON_LANGS.has(lang) ? 'fence' : 'other', start, end });
    pos = close === -1 ? text.length : close + ticks.length;
  }
  return out;
}

/** Finds the next '{' or '[' at or after a position; remembers both so a long text is scanned once. */
class OpenerScanner {
  private brace = -2;
  private bracket = -2;
  constructor(private readonly text: string) {}
  next(from: number): number {
    if (this.brace !== -1 && this.brace < from) this.brace = this.text.indexOf('{', from);
    if (this.bracket !== -1 && this.bracket < from) this.bracket = this.text.indexOf('[', from);
    if (this.brace === -1) return this.bracket;
    if (this.bracket === -1) return this.brace;
    return Math.min(this.brace, this.bracket);
  }
}

/**
 * Does the text at i (a '{' or '[') start something that looks like JSON? `{name}` and `[1]`-style
 * citations in prose are common; `{"` and `[{` are not.
 */
function looksLikeJson(text: string, i: number): boolean {
  const open = text.charCodeAt(i);
  const j = firstNonSpace(text, i + 1);
  if (j >= text.length) return open === 123 || open === 91; // a cut-off reply: "{" at the very end
  const c = text.charCodeAt(j);
  if (open === 123 /* { */) {
    if (c === 34 /* " */ || c === 125 /* } */ || c === 39 /* ' */ || (c >= 0x2018 && c <= 0x201f) || c === 0xff02) return true;
    // unquoted key: identifier then ':'
    let k = j;
    while (k < text.length && k - j <= 64 && isIdentChar(text.charCodeAt(k))) k++;
    if (k === j || k - j > 64) return false;
    return text.charCodeAt(firstNonSpace(text, k)) === 58; /* : */
  }
  if (open === 91 /* [ */) {
    if (c === 123 || c === 91 || c === 34 || c === 39 || c === 93 || c === 45) return true;
    if (c >= 48 && c <= 57) {
      // [1] in prose is a citation; [1, 2] is an array.
      let k = j;
      while (k < text.length && ((text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) || text[k] === '.')) k++;
      const n = text.charCodeAt(firstNonSpace(text, k));
      return n === 44; /* , */
    }
    return text.startsWith('true', j) || text.startsWith('false', j) || text.startsWith('null', j);
  }
  return false;
}

function isIdentChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

type Match = { kind: 'balanced'; end: number } | { kind: 'truncated'; open: number } | { kind: 'mismatch'; at: number; openerAt: number };

/**
 * Find the bracket closing the one at `start`, skipping strings (double- and single-quoted, so a
 * repairable candidate matches too). Iterative with an explicit stack.
 */
function matchBrackets(text: string, start: number): Match {
  const stack: number[] = []; // positions of open brackets
  const n = text.length;
  let i = start;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 || (c === 39 && stack.length > 0 && quoteStartsString(text, i))) {
      // skip a string
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === c) break;
        else if (d === 10 && c === 39)
          break; // a stray apostrophe does not run past the line
        else i++;
      }
      i++;
      continue;
    }
    if (c === 123 || c === 91) stack.push(i);
    else if (c === 125 || c === 93) {
      const o = stack.pop()!;
      if ((c === 125) !== (text.charCodeAt(o) === 123)) return { kind: 'mismatch', at: i, openerAt: o };
      if (stack.length === 0) return { kind: 'balanced', end: i + 1 };
    }
    i++;
  }
  return { kind: 'truncated', open: stack.length };
}

/** A single quote starts a string when it follows a structural character (not an apostrophe in a word). */
function quoteStartsString(text: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && isSpace(text.charCodeAt(k))) k--;
  const p = text[k];
  return p === '{' || p === '[' || p === ',' || p === ':';
}

/**
 * Repair common defects of model-written JSON. Returns the repaired text, or undefined when the text
 * is not recognisably JSON. One linear pass with an explicit container stack:
 *  - `//` and `/* *\/` comments are removed;
 *  - single-quoted strings become double-quoted; unquoted keys (identifiers before ':') are quoted;
 *  - Python's True, False and None become true, false and null;
 *  - a comma before '}' or ']' is dropped;
 *  - raw control characters in strings are escaped;
 *  - at the end of input (a truncated reply): the unfinished member (a cut string, number or literal,
 *    a dangling key, ':' or ',') is dropped and every open bracket is closed, so a cut-off reply keeps
 *    only what the model finished writing.
 */
export function repairJson(input: string, options: { truncated?: boolean; repairs?: Set<string> } = {}): string | undefined {
  const repairs = options.repairs ?? new Set<string>();
  const out: string[] = [];
  // For each open container: its kind and, for objects, whether a key is pending (key seen, value not yet complete).
  const kinds: number[] = []; // 123 object, 91 array
  // Output length (in chunks) after the last complete member of each container, to cut an unfinished one.
  const safe: number[] = [];
  const n = input.length;
  let i = 0;
  let sawValue = false;

  const completeMember = () => {
    if (safe.length) safe[safe.length - 1] = out.length;
  };

  while (i < n) {
    const c = input.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    // comments
    if (c === 47 && input.charCodeAt(i + 1) === 47) {
      repairs.add('comments');
      const e = input.indexOf('\n', i);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === 47 && input.charCodeAt(i + 1) === 42) {
      repairs.add('comments');
      const e = input.indexOf('*/', i + 2);
      i = e === -1 ? n : e + 2;
      continue;
    }
    if (kinds.length === 0 && sawValue) break; // the value is complete: ignore what follows
    if (c === 123 || c === 91) {
      out.push(c === 123 ? '{' : '[');
      kinds.push(c);
      safe.push(out.length);
      i++;
      continue;
    }
    if (c === 125 || c === 93) {
      if (!kinds.length) break;
      if (out[out.length - 1] === ',') repairs.add('trailing commas');
      dropTrailingComma(out);
      // an object member left without a value ("a": }) is dropped
      if (kinds[kinds.length - 1] === 123 && endsWithColon(out)) out.length = safe[safe.length - 1];
      out.push(kinds[kinds.length - 1] === 123 ? '}' : ']');
      kinds.pop();
      safe.pop();
      i++;
      sawValue = true;
      completeAfterValue();
      continue;
    }
    if (c === 44 /* , */) {
      if (!kinds.length) break;
      if (out[out.length - 1] === ',') repairs.add('extra commas');
      dropTrailingComma(out); // ",," -> ","
      const last = out[out.length - 1];
      if (last !== '{' && last !== '[') out.push(',');
      i++;
      continue;
    }
    if (c === 58 /* : */) {
      if (!kinds.length) return undefined;
      out.push(':');
      i++;
      continue;
    }
    if (c === 34 || c === 39) {
      const key = isKeyPosition();
      const r = readString(input, i, c);
      if (c === 39) repairs.add('single quotes');
      if (r.closed && c === 34 && r.json !== input.slice(i, r.end)) repairs.add('control characters in strings');
      out.push(r.json);
      i = r.end;
      if (!r.closed) {
        if (options.truncated === false) return undefined;
        break; // truncated inside a string: dropped below
      }
      if (key) continue;
      sawValue = true;
      completeAfterValue();
      continue;
    }
    // literals, numbers, identifiers
    let k = i;
    while (k < n && !isSpace(input.charCodeAt(k)) && !',:{}[]"\'/'.includes(input[k])) k++;
    if (k === i) return undefined;
    const word = input.slice(i, k);
    if (kinds.length && kinds[kinds.length - 1] === 123 && isKeyPosition()) {
      if (!/^[A-Za-z_$][\w$-]*$/.test(word)) return undefined;
      repairs.add('unquoted keys');
      out.push(JSON.stringify(word));
      i = k;
      continue;
    }
    const mapped = word === 'True' ? 'true' : word === 'False' ? 'false' : word === 'None' ? 'null' : word;
    if (mapped !== word) repairs.add('Python literals');
    const complete = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(mapped);
    if (!complete) {
      if (k === n && kinds.length && options.truncated !== false) break; // a literal cut off at the end: dropped below
      return undefined;
    }
    out.push(mapped);
    i = k;
    sawValue = true;
    completeAfterValue();
  }

  // Truncated: drop the unfinished member, close what is open.
  if (kinds.length) {
    if (options.truncated === false) return undefined;
    repairs.add(`truncated: closed ${kinds.length} bracket${kinds.length === 1 ? '' : 's'}`);
    while (kinds.length) {
      out.length = Math.min(out.length, safe[safe.length - 1]);
      dropTrailingComma(out);
      out.push(kinds[kinds.length - 1] === 123 ? '}' : ']');
      kinds.pop();
      safe.pop();
      completeMember();
    }
  }
  return out.join('');

  function isKeyPosition(): boolean {
    if (!kinds.length || kinds[kinds.length - 1] !== 123) return false;
    const last = out[out.length - 1];
    return last === '{' || last === ',';
  }
  function completeAfterValue() {
    completeMember();
  }
}

function dropTrailingComma(out: string[]): void {
  if (out[out.length - 1] === ',') out.pop();
}

function endsWithColon(out: string[]): boolean {
  return out[out.length - 1] === ':';
}

/** Read a string starting at i (quote q), returning it as a JSON string literal. */
function readString(input: string, i: number, q: number): { json: string; end: number; closed: boolean } {
  const n = input.length;
  let j = i + 1;
  if (q === 34) {
    // Fast path: a double-quoted string copied as is, with raw control characters escaped.
    while (j < n) {
      const d = input.charCodeAt(j);
      if (d === 92) j += 2;
      else if (d === 34) return { json: escapeControls(input.slice(i, j + 1)), end: j + 1, closed: true };
      else j++;
    }
    let body = input.slice(i + 1, Math.min(j, n));
    if (body.endsWith('\\') && !body.endsWith('\\\\')) body = body.slice(0, -1);
    body = body.replace(/\\u[0-9a-fA-F]{0,3}$/, '');
    return { json: escapeControls('"' + body + '"'), end: n, closed: false };
  }
  // Single-quoted: unescape \' and escape ".
  let s = '';
  while (j < n) {
    const d = input[j];
    if (d === '\\') {
      const e = input[j + 1];
      if (e === "'") s += "'";
      else if (e !== undefined) s += '\\' + e;
      j += 2;
      continue;
    }
    if (d === "'") return { json: escapeControls('"' + s.replace(/(^|[^\\])((?:\\\\)*)"/g, '$1$2\\"') + '"'), end: j + 1, closed: true };
    s += d;
    j++;
  }
  return { json: escapeControls('"' + s.replace(/(^|[^\\])((?:\\\\)*)"/g, '$1$2\\"') + '"'), end: n, closed: false };
}

function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f]/.test(s) ? s.replace(/[\u0000-\u001f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : s;
}

/** The warning for a reply that held several JSON candidates: which one was taken, which were not. */
export function othersWarning(x: Extraction & { kind: 'found' }): string {
  const short = (t: string) => (t.length > 40 ? `${t.slice(0, 37)}...` : t).replace(/\s+/g, ' ');
  const others = x.others ?? [];
  return `the reply holds ${others.length + 1} JSON candidates: took ${short(x.text)} (offset ${x.start}); passed over ${others.map((o) => `${short(o.text)} (offset ${o.start})`).join(', ')} (--pick first|last to choose)`;
}

import { InputError, lineColumnAt } from './errors.js';

/**
 * Parse JSON text. On failure, throws InputError naming the file, line and column of the first error
 * (V8's messages do not always carry a position, so a small scanner finds it).
 */
export function parseJson(text: string, file?: string, lineOffset = 0): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark is not content
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new InputError('JSON is nested too deeply to process', { file });
    }
    const { offset, reason } = locateJsonError(text);
    const { line, column } = lineColumnAt(text, offset);
    throw new InputError(`invalid JSON: ${reason}`, { file, line: line + lineOffset, column });
  }
}

/** Finds the offset and a short reason for the first syntax error in text (which must be invalid JSON). */
export function locateJsonError(text: string): { offset: number; reason: string } {
  let i = 0;
  const n = text.length;
  // Stack of containers: '{' or '['. Iterative so that deep nesting cannot overflow.
  const stack: number[] = [];
  const OBJ = 1;
  const ARR = 2;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (reason: string) => ({ offset: i, reason });
  if (text.trim() === '') return { offset: 0, reason: 'the file is empty' };
  // state: expecting a value
  type State = 'value' | 'afterValue' | 'key' | 'firstKeyOrEnd' | 'firstValueOrEnd';
  let state: State = 'value';
  while (true) {
    ws();
    if (state === 'value' || state === 'firstValueOrEnd') {
      if (i >= n) return fail('unexpected end of input');
      const c = text[i];
      if (state === 'firstValueOrEnd' && c === ']') {
        stack.pop();
        i++;
        state = 'afterValue';
        continue;
      }
      if (c === '{') {
        stack.push(OBJ);
        i++;
        state = 'firstKeyOrEnd';
        continue;
      }
      if (c === '[') {
        stack.push(ARR);
        i++;
        state = 'firstValueOrEnd';
        continue;
      }
      if (c === '"') {
        const r = scanString();
        if (r) return r;
        state = 'afterValue';
        continue;
      }
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) return fail(`unexpected character ${describe(text, i)}`);
      i += m[0].length;
      state = 'afterValue';
      continue;
    }
    if (state === 'key' || state === 'firstKeyOrEnd') {
      if (i >= n) return fail('unexpected end of input');
      if (state === 'firstKeyOrEnd' && text[i] === '}') {
        stack.pop();
        i++;
        state = 'afterValue';
        continue;
      }
      if (text[i] !== '"') return fail(`expected a double-quoted property name, found ${describe(text, i)}`);
      const r = scanString();
      if (r) return r;
      ws();
      if (text[i] !== ':') return i >= n ? fail('unexpected end of input') : fail(`expected ':' after property name, found ${describe(text, i)}`);
      i++;
      state = 'value';
      continue;
    }
    // afterValue
    if (stack.length === 0) {
      if (i < n) return fail(`unexpected ${describe(text, i)} after the JSON value`);
      return { offset: n, reason: 'invalid JSON' };
    }
    if (i >= n) return fail('unexpected end of input');
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === ',') {
      i++;
      state = top === OBJ ? 'key' : 'value';
      continue;
    }
    if (top === OBJ && c === '}') {
      stack.pop();
      i++;
      continue;
    }
    if (top === ARR && c === ']') {
      stack.pop();
      i++;
      continue;
    }
    return fail(top === OBJ ? `expected ',' or '}', found ${describe(text, i)}` : `expected ',' or ']', found ${describe(text, i)}`);
  }

  function scanString(): { offset: number; reason: string } | undefined {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, reason: 'invalid \\u escape in string' };
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return { offset: i, reason: 'invalid escape in string' };
        i += 2;
        continue;
      }
      if (c < 32) return { offset: i, reason: 'control character in string' };
      i++;
    }
    return { offset: start, reason: 'unterminated string' };
  }
}

function describe(text: string, i: number): string {
  const c = text[i];
  if (c === undefined) return 'end of input';
  const code = c.charCodeAt(0);
  if (code === 0xfffd) return 'a byte that is not UTF-8 (is this a binary file?)';
  if (code === 0xfeff) return 'a byte order mark in the middle of the text';
  if (code < 32 || code === 127) return `byte 0x${code.toString(16).padStart(2, '0')} (is this a binary file?)`;
  return `'${c}'`;
}

/**
 * Canonical JSON: object keys sorted, no insignificant white space, numbers in JavaScript's shortest form.
 * Used for ids and for "identical content" checks.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const parts: string[] = [];
  for (const k of keys) {
    if (obj[k] === undefined) continue;
    parts.push(JSON.stringify(k) + ':' + canonicalJson(obj[k]));
  }
  return '{' + parts.join(',') + '}';
}

/**
 * canonicalJson(a) === canonicalJson(b), without building either string: equal JSON values, object keys in
 * any order. Stops at the first difference (a huge enum changed at its end costs one pass of comparisons).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if ((a !== null && typeof a === 'object') || (b !== null && typeof b === 'object')) return false;
    return (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k of Object.keys(x)) {
    if (x[k] === undefined) continue;
    n++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || y[k] === undefined || !jsonEqual(x[k], y[k])) return false;
  }
  for (const k of Object.keys(y)) if (y[k] !== undefined) n--;
  return n === 0;
}

/**
 * The line (1-based) where a JSON pointer's target starts in JSON text: the member's key for an object member,
 * the element for an array item, the first value for '' (the root). Undefined when the text is not JSON or does
 * not hold the pointer (a bundled schema's added $defs). Walks only along the pointer, skipping the rest.
 */
export function lineOfPointer(text: string, pointer: string): number | undefined {
  const segs =
    pointer === ''
      ? []
      : pointer
          .split('/')
          .slice(1)
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const skipString = () => {
    i++; // the opening quote
    while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= n) throw new Error('unterminated string');
    i++;
  };
  const skipValue = () => {
    if (text[i] === '"') return skipString();
    if (text[i] !== '{' && text[i] !== '[') {
      while (i < n && !',}] \t\r\n'.includes(text[i])) i++;
      return;
    }
    let depth = 0;
    do {
      const c = text[i];
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      i++;
    } while (i < n && depth > 0);
    if (depth > 0) throw new Error('unterminated container');
  };
  const lineAt = (pos: number) => lineColumnAt(text, pos).line;
  try {
    ws();
    if (!segs.length) return i < n ? lineAt(i) : undefined;
    for (let d = 0; d < segs.length; d++) {
      const seg = segs[d];
      const last = d === segs.length - 1;
      if (text[i] === '{') {
        i++;
        for (;;) {
          ws();
          if (text[i] !== '"') return undefined; // '}' (not found) or not JSON
          const keyAt = i;
          skipString();
          const key = JSON.parse(text.slice(keyAt, i)) as string;
          ws();
          if (text[i] !== ':') return undefined;
          i++;
          ws();
          if (key === seg) {
            if (last) return lineAt(keyAt);
            break;
          }
          skipValue();
          ws();
          if (text[i] !== ',') return undefined;
          i++;
        }
      } else if (text[i] === '[') {
        if (!/^(0|[1-9]\d*)$/.test(seg)) return undefined;
        const want = Number(seg);
        i++;
        for (let k = 0; ; k++) {
          ws();
          if (text[i] === ']') return undefined;
          if (k === want) {
            if (last) return lineAt(i);
            break;
          }
          skipValue();
          ws();
          if (text[i] !== ',') return undefined;
          i++;
        }
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

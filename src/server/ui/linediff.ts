/**
 * The web UI's side-by-side source diff: both versions pretty-printed the same way, compared line by line
 * with jsdiff (Myers' algorithm), paired into rows. A removed block facing an added block shares rows, so
 * a changed line shows beside its replacement.
 */
import { diffLines } from 'diff';

export interface DiffRow {
  /** ' ' unchanged, '-' only on the left, '+' only on the right, '~' changed (both sides). */
  op: ' ' | '-' | '+' | '~';
  /** 1-based line numbers, absent where the side has no line. */
  a?: number;
  b?: number;
  left?: string;
  right?: string;
}

/** JSON-based sources (JSON Schema, Avro) re-indented with two spaces; others (Protobuf) as written. */
export function prettySource(text: string, format: string): string {
  if (format === 'json' || format === 'avro') {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // a version that is not JSON: shown as written
    }
  }
  return text.replace(/\r\n/g, '\n').replace(/\n$/, '');
}

function lines(value: string): string[] {
  const out = value.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

export function sideBySide(oldText: string, newText: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let a = 1;
  let b = 1;
  const ended = (t: string) => (t === '' || t.endsWith('\n') ? t : t + '\n');
  const parts = diffLines(ended(oldText), ended(newText));
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p.added && !p.removed) {
      for (const l of lines(p.value)) rows.push({ op: ' ', a: a++, b: b++, left: l, right: l });
      continue;
    }
    if (p.removed && parts[i + 1]?.added) {
      const left = lines(p.value);
      const right = lines(parts[i + 1].value);
      for (let k = 0; k < Math.max(left.length, right.length); k++) {
        const row: DiffRow = { op: k < left.length && k < right.length ? '~' : k < left.length ? '-' : '+' };
        if (k < left.length) Object.assign(row, { a: a++, left: left[k] });
        if (k < right.length) Object.assign(row, { b: b++, right: right[k] });
        rows.push(row);
      }
      i++;
      continue;
    }
    for (const l of lines(p.value)) rows.push(p.removed ? { op: '-', a: a++, left: l } : { op: '+', b: b++, right: l });
  }
  return rows;
}

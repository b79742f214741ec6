/** "Did you mean": the closest known names to a mistyped one (edit distance, ignoring case and - _ . separators). */
import { distance } from 'fastest-levenshtein';

const fold = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');

/** Up to `max` candidates close enough to `word` to be what was meant, closest first. */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = fold(word);
  const scored: Array<[string, number]> = [];
  for (const c of candidates) {
    if (c === word) continue;
    const f = fold(c);
    const d = f === w ? 0 : Math.min(distance(word.toLowerCase(), c.toLowerCase()), distance(w, f) + 0.5);
    // Allow about one edit in three characters, and always a single typo.
    if (d <= Math.max(1, Math.floor(Math.max(word.length, c.length) / 3)) || f.includes(w) || (w.length >= 3 && w.includes(f))) scored.push([c, d]);
  }
  return scored
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([c]) => c);
}

/** " (did you mean 'a' or 'b'?)", or '' when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const found = closest(word, candidates);
  if (!found.length) return '';
  const quoted = found.map((c) => `'${c}'`);
  return ` (did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?)`;
}

/**
 * Validate a language model's text reply: extract the JSON (see extract.ts), then validate it.
 * Four outcomes, kept apart because each calls for a different fix:
 *  - 'valid'        the reply holds JSON that the schema accepts;
 *  - 'invalid'      the reply holds JSON that the schema rejects (errors say where and why);
 *  - 'no-json'      "no JSON found": the model answered in prose (or refused);
 *  - 'unparseable'  "JSON does not parse": the model tried (a fence, a bracket) but the JSON is broken or cut off.
 */
import { extractJson, type Extraction, type ExtractOptions } from './extract.js';
import type { DataError, DataValidator } from '../model/types.js';

export type ReplyOutcome = 'valid' | 'invalid' | 'no-json' | 'unparseable';

export interface ReplyResult {
  outcome: ReplyOutcome;
  /** Schema failures ('invalid'), or one error saying why no value was found. Empty when valid. */
  errors: DataError[];
  /** The extracted value, when one was found. */
  value?: unknown;
  extraction: Extraction;
  /** What the repair pass fixed (empty when nothing was repaired). */
  repaired: string[];
}

export const NO_JSON_MESSAGE = 'no JSON found';
export const UNPARSEABLE_MESSAGE = 'JSON does not parse';

export function validateReplyText(validator: DataValidator, text: string, options: ExtractOptions = {}): ReplyResult {
  const extraction = extractJson(text, options);
  if (extraction.kind === 'none') {
    return { outcome: 'no-json', errors: [{ path: '', message: NO_JSON_MESSAGE, keyword: 'extract' }], extraction, repaired: [] };
  }
  if (extraction.kind === 'unparseable') {
    const where = extraction.line !== undefined ? ` (line ${extraction.line}, column ${extraction.column})` : '';
    return {
      outcome: 'unparseable',
      errors: [{ path: '', message: `${UNPARSEABLE_MESSAGE}: ${extraction.reason}${where}`, keyword: 'extract' }],
      extraction,
      repaired: [],
    };
  }
  const errors = validator.validate(extraction.value);
  return { outcome: errors ? 'invalid' : 'valid', errors: errors ?? [], value: extraction.value, extraction, repaired: extraction.repairs };
}

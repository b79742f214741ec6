import type { Reporter } from './types.js';

/** The result as one JSON document; `ok` is the verdict. */
export const json: Reporter = (result, ctx) =>
  JSON.stringify(
    {
      ok: result.errors === 0,
      mode: result.mode,
      head: result.head,
      ...(result.base ? { base: result.base } : {}),
      comparison: ctx.comparison,
      subjects: result.subjects,
      errors: result.errors,
      warnings: result.warnings,
      notices: result.notices,
      findings: result.findings,
    },
    null,
    2,
  ) + '\n';

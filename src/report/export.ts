/**
 * The reporter layer for `export`: the exported document as the text to print or write, and the notes for
 * stderr. TypeScript and Zod are text; under --json they come wrapped in an object so the output is always JSON.
 */
import type { ExportRun } from '../core/export.js';

export function exportText(run: ExportRun, json: boolean): string {
  const output = typeof run.output === 'string' && json ? { target: run.target, subject: run.label, [run.target]: run.output, notes: run.notes } : run.output;
  return typeof output === 'string' ? output : JSON.stringify(output, null, 2) + '\n';
}

/** Lines for stderr: the deprecation warning (without the `warning: ` prefix) and the exporter's notes. */
export function exportNotes(run: ExportRun): { warnings: string[]; notes: string[] } {
  const warnings = run.deprecated !== undefined ? [`${run.label} is deprecated${run.deprecated ? `: ${run.deprecated}` : ''}`] : [];
  return { warnings, notes: run.notes.map((n) => `note: ${n}`) };
}

/**
 * Moved to src/storage/fsutil.ts (issue 24: the storage floor stands on it, so it cannot live in core).
 * This re-export keeps the importers other branches own compiling until they switch; remove it after.
 */
export * from '../storage/fsutil.js';

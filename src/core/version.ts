// The functions used, one module each: the package's index loads all ~40 of its modules (about 25 ms per process).
import clean from 'semver/functions/clean.js';
import compare from 'semver/functions/compare.js';
import gt from 'semver/functions/gt.js';
import inc from 'semver/functions/inc.js';
import major from 'semver/functions/major.js';
import minor from 'semver/functions/minor.js';
import valid from 'semver/functions/valid.js';
import { UsageError } from '../model/errors.js';

/** A strict MAJOR.MINOR.PATCH version (pre-release tags allowed, no build metadata, no leading 'v'). */
export function checkVersion(v: string): string {
  if (typeof v !== 'string' || !valid(v) || clean(v) !== v || v.includes('+')) {
    throw new UsageError(`invalid version '${v}': expected MAJOR.MINOR.PATCH, e.g. 1.0.0`).withCode('INVALID_VERSION', { version: String(v) });
  }
  return v;
}

export const compareVersions = (a: string, b: string) => compare(a, b);

export type Bump = 'major' | 'minor' | 'patch';

export function bump(v: string, kind: Bump): string {
  return inc(v, kind)!;
}

/** Which bump takes `from` to `to` at the least (null when `to` is not greater). */
export function bumpBetween(from: string, to: string): Bump | null {
  if (!gt(to, from)) return null;
  if (major(to) > major(from)) return 'major';
  if (minor(to) > minor(from)) return 'minor';
  return 'patch';
}

export function greatest(versions: string[]): string | undefined {
  return versions.length ? [...versions].sort(compareVersions).at(-1) : undefined;
}

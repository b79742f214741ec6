import semver from 'semver';
import { UsageError } from './errors.js';

/** A strict MAJOR.MINOR.PATCH version (pre-release tags allowed, no build metadata, no leading 'v'). */
export function checkVersion(v: string): string {
  if (typeof v !== 'string' || !semver.valid(v) || semver.clean(v) !== v || v.includes('+')) {
    throw new UsageError(`invalid version '${v}': expected MAJOR.MINOR.PATCH, e.g. 1.0.0`);
  }
  return v;
}

export const compareVersions = (a: string, b: string) => semver.compare(a, b);

export type Bump = 'major' | 'minor' | 'patch';

export function bump(v: string, kind: Bump): string {
  return semver.inc(v, kind)!;
}

/** Which bump takes `from` to `to` at the least (null when `to` is not greater). */
export function bumpBetween(from: string, to: string): Bump | null {
  if (!semver.gt(to, from)) return null;
  if (semver.major(to) > semver.major(from)) return 'major';
  if (semver.minor(to) > semver.minor(from)) return 'minor';
  return 'patch';
}

export function greatest(versions: string[]): string | undefined {
  return versions.length ? [...versions].sort(compareVersions).at(-1) : undefined;
}

/**
 * ECMAScript patterns rewritten for RE2 with the same meaning. RE2's `\s`, `\S`, `.`, `\w` and `\p{...}`
 * differ from ECMA-262's (`\s` misses the vertical tab, no-break space, BOM, U+2028/2029 and the Unicode
 * spaces; `.` matches `\r`, U+2028 and U+2029), and JSON Schema says patterns are ECMA-262. So every
 * character-matching element (a literal, a class, an escape, `.`, a property) is replaced by the explicit
 * code point ranges ECMAScript gives it (computed by refa from the regexpp AST, with the `u` flag), and the
 * rest (groups, alternation, quantifiers, `^`, `$`, `\b`) is written in RE2's syntax, where it means the same
 * (non-multiline `^`/`$` are the text's ends; `\b` is ASCII in both without the `i` flag).
 * Lookarounds, backreferences, flags other than `u`/`v` and strings in `v`-mode classes have no
 * translation: the caller runs those on RegExp itself (in a killable worker, regex-guard.ts).
 */
import { createRequire } from 'node:module';
import type { AST } from '@eslint-community/regexpp';

const require = createRequire(import.meta.url);
let regexppModule: typeof import('@eslint-community/regexpp') | undefined;
const regexpp = (): typeof import('@eslint-community/regexpp') =>
  (regexppModule ??= require('@eslint-community/regexpp') as typeof import('@eslint-community/regexpp'));
let refaModule: typeof import('refa') | undefined;
const refa = (): typeof import('refa') => (refaModule ??= require('refa') as typeof import('refa'));

/** Why a pattern has no RE2 translation. */
export class Untranslatable extends Error {}

const hex = (c: number): string => `\\x{${c.toString(16)}}`;

/** An RE2 class for a set of code points (an empty set matches nothing). */
function re2Class(ranges: ReadonlyArray<{ min: number; max: number }>): string {
  if (ranges.length === 0) return '[^\\x{0}-\\x{10ffff}]';
  if (ranges.length === 1 && ranges[0].min === ranges[0].max) return hex(ranges[0].min);
  return '[' + ranges.map((r) => (r.min === r.max ? hex(r.min) : `${hex(r.min)}-${hex(r.max)}`)).join('') + ']';
}

/**
 * The RE2 spelling of an ECMAScript pattern with `flags` (as ajv compiles `pattern`: `u`), meaning the same
 * on every string; throws Untranslatable (or regexpp's SyntaxError for a pattern that does not parse).
 */
export function ecmaToRe2(pattern: string, flags = 'u'): string {
  if (!/^[uv]$/.test(flags)) throw new Untranslatable(`flags '${flags}'`);
  const unicodeSets = flags === 'v';
  const ast = new (regexpp().RegExpParser)({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, { unicode: !unicodeSets, unicodeSets });
  const refaFlags = (unicodeSets ? { unicodeSets: true } : { unicode: true }) as import('refa').JS.Flags;
  const charSet = (e: AST.Node): string => {
    try {
      return re2Class(refa().JS.parseCharSet(e as Parameters<ReturnType<typeof refa>['JS']['parseCharSet']>[0], refaFlags).ranges);
    } catch (err) {
      throw new Untranslatable(`the class ${e.raw} (${(err as Error).message})`);
    }
  };
  const alts = (as: AST.Alternative[]): string => as.map((a) => a.elements.map(element).join('')).join('|');
  const element = (e: AST.Element): string => {
    switch (e.type) {
      case 'Character':
      case 'CharacterSet':
      case 'CharacterClass':
        if (
          e.type === 'CharacterClass' &&
          e.unicodeSets &&
          e.elements.some((x) => x.type !== 'Character' && x.type !== 'CharacterClassRange' && x.type !== 'CharacterSet')
        )
          throw new Untranslatable(`the class ${e.raw}`);
        if (e.type === 'CharacterSet' && e.kind === 'property' && e.strings) throw new Untranslatable(`the property of strings ${e.raw}`);
        return charSet(e);
      case 'ExpressionCharacterClass':
        throw new Untranslatable(`the class ${e.raw}`);
      case 'Group':
      case 'CapturingGroup':
        return `(?:${alts(e.alternatives)})`;
      case 'Quantifier': {
        const inner = element(e.element);
        const q =
          e.min === 0 && e.max === Infinity
            ? '*'
            : e.min === 1 && e.max === Infinity
              ? '+'
              : e.min === 0 && e.max === 1
                ? '?'
                : `{${e.min},${e.max === Infinity ? '' : e.max}}`;
        return `(?:${inner})${q}`;
      }
      case 'Assertion':
        if (e.kind === 'start') return '^';
        if (e.kind === 'end') return '$';
        if (e.kind === 'word') return e.negate ? '\\B' : '\\b';
        throw new Untranslatable(`the ${e.kind} ${e.raw}`);
      case 'Backreference':
        throw new Untranslatable(`the backreference ${e.raw}`);
      default:
        throw new Untranslatable(`${(e as AST.Node).raw}`);
    }
  };
  return alts(ast.alternatives);
}

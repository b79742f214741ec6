/**
 * Comparison policies: each format handler declares the ones it has (the first is the default), and
 * every entry point (compat, diff, register, config, check, YAML) checks a policy here, so an unknown
 * one, or another format's, is refused with the valid choices instead of being silently ignored.
 */
import { InputError, UsageError } from '../model/errors.js';
import type { FormatHandler, FormatName } from '../model/types.js';

const FORMAT_NAMES: Record<FormatName, string> = { json: 'JSON Schema', avro: 'Avro', protobuf: 'Protobuf', prompt: 'Dotprompt' };

/**
 * The policy to compare with: `policy` when the handler has it, the handler's default when none is
 * given (undefined for a format without policies). Throws UsageError (about `--policy`), or InputError
 * naming `where` (the YAML file the policy came from), listing the valid choices.
 */
export function checkPolicy(handler: Pick<FormatHandler, 'format' | 'policies'>, policy: string | undefined, where?: string): string | undefined {
  const choices = handler.policies ?? [];
  if (policy === undefined) return choices[0];
  if (choices.includes(policy)) return policy;
  const name = FORMAT_NAMES[handler.format] ?? handler.format;
  const expected = choices.length
    ? `expected ${choices.slice(0, -1).join(', ')}${choices.length > 1 ? ' or ' : ''}${choices[choices.length - 1]}`
    : 'leave the policy out';
  const what = choices.length ? `unknown ${name} policy '${policy}': ${expected}` : `${name} has no policies (got '${policy}'): ${expected}`;
  const args = { policy, format: handler.format, problem: what };
  if (where !== undefined) throw new InputError(`policy: ${what}`, { file: where }).withCode('INVALID_POLICY', args);
  throw new UsageError(`--policy: ${what}`).withCode('INVALID_POLICY', args);
}

/** Each looser policy and the stricter one of its format that it loosens (lenient checks less than semantic, wire less than strict). */
const STRICTER: Record<string, string> = { lenient: 'semantic', wire: 'strict' };

/**
 * The stricter policy that a change from `from` to `to` loosens, or undefined when it does not loosen. Both
 * are policies in force (policyInForce): `config` refuses such a change without --reason, `check` reports it.
 */
export function loosenedFrom(from: string | undefined, to: string | undefined): string | undefined {
  return from !== undefined && to !== undefined && from !== to && STRICTER[to] === from ? from : undefined;
}

/**
 * The policy in force for a subject of `handler`'s format, with resolvePolicy's precedence (subject.yaml,
 * then llm-schema.yaml when the format has that policy, then the format's default) but unchecked: for
 * comparing two states of the settings, where malformed values are reported on their own.
 */
export function policyInForce(
  handler: Pick<FormatHandler, 'policies'>,
  subjectPolicy: string | undefined,
  registryPolicy: string | undefined,
): string | undefined {
  const own = handler.policies ?? [];
  if (subjectPolicy !== undefined) return subjectPolicy;
  if (registryPolicy !== undefined && own.includes(registryPolicy)) return registryPolicy;
  return own[0];
}

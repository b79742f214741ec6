import { UsageError } from '../model/errors.js';

const PART = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const MAX = 128;

export function checkNamespace(ns: string): string {
  if (typeof ns !== 'string' || ns === '') throw new UsageError('a namespace is required (--namespace)').withCode('NAMESPACE_REQUIRED');
  if (ns.length > MAX)
    throw new UsageError(`invalid namespace '${ns.slice(0, 40)}…': at most ${MAX} characters`).withCode('INVALID_NAMESPACE', { namespace: ns });
  for (const part of ns.split('.')) {
    if (!PART.test(part)) {
      throw new UsageError(`invalid namespace '${ns}': dot-separated parts of letters, digits, '_' and '-', each starting with a letter or digit`).withCode(
        'INVALID_NAMESPACE',
        { namespace: ns },
      );
    }
  }
  return ns;
}

export function checkName(name: string): string {
  if (typeof name !== 'string' || name === '') throw new UsageError('a name is required (--name)').withCode('NAME_REQUIRED');
  if (name.length > MAX) throw new UsageError(`invalid name '${name.slice(0, 40)}…': at most ${MAX} characters`).withCode('INVALID_NAME', { name });
  if (!PART.test(name)) {
    throw new UsageError(`invalid name '${name}': letters, digits, '_' and '-', starting with a letter or digit (no dots or slashes)`).withCode(
      'INVALID_NAME',
      {
        name,
      },
    );
  }
  return name;
}

export interface SubjectRef {
  namespace: string;
  name: string;
}

/** `<namespace>.<name>`: the last dot splits it. */
export function subjectName(ref: SubjectRef): string {
  return `${ref.namespace}.${ref.name}`;
}

export function parseSubjectName(full: string): SubjectRef {
  const i = full.lastIndexOf('.');
  if (i <= 0 || i === full.length - 1) {
    throw new UsageError(`invalid subject '${full}': expected <namespace>.<name>, e.g. myapp.user-schema`).withCode('INVALID_SUBJECT', { subject: full });
  }
  return { namespace: checkNamespace(full.slice(0, i)), name: checkName(full.slice(i + 1)) };
}

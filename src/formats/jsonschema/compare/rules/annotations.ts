/**
 * Annotation rules: changes to nothing that validates (titles, descriptions, examples, unknown keywords, an
 * unused definition, a rewrite proved equivalent). They need a patch bump and break no direction.
 */
import type { Change } from '../../../../model/types.js';
import { ANNOTATIONS } from '../doc.js';
import { rule, same, VALIDATION, type JsonRule, type Pair } from './pair.js';

/** Annotations and unknown keywords that differ. */
export function annotations(p: Pair): void {
  const { o, n } = p;
  for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
    if (VALIDATION.has(k) && !ANNOTATIONS.has(k)) continue;
    if (!same(o[k], n[k])) p.emit('ANNOTATION_CHANGED', k in n ? p.kp(k) : p.okp(k), { keyword: k, old: o[k], new: n[k] });
  }
}

export const ANNOTATION_RULES: readonly JsonRule[] = [
  rule(
    'ANNOTATION_CHANGED',
    'an annotation (title, description, examples, $comment, default, deprecated, ...) changed; nothing that validates',
    '{keyword} changed',
    annotations,
    'annotation',
  ),
  rule(
    'DEFINITION_CHANGED',
    'a definition that nothing references changed; nothing that validates',
    'unused definition {name} changed',
    undefined,
    'annotation',
  ),
  rule(
    'EQUIVALENT_REWRITE',
    'the schema was rewritten without changing what validates (type array vs anyOf, inlined $ref, reordered branches, const vs enum, ...)',
    'rewritten without changing what validates',
    undefined,
    'annotation',
  ),
];

type Message = (rule: string, params: Record<string, unknown>) => string;

/** An unused definition that changed (found by the comparison: no walk reached it). */
export function definitionChanged(path: string, name: string, message: Message): Change {
  return {
    rule: 'DEFINITION_CHANGED',
    path,
    message: message('DEFINITION_CHANGED', { name }),
    breaksBackward: false,
    breaksForward: false,
    category: 'annotation',
  };
}

/** A rewrite that validates the same (at `path`, '' for the whole schema): an annotation-level change. */
export function equivalentRewrite(message: Message, path = '', detail = ''): Change {
  return {
    rule: 'EQUIVALENT_REWRITE',
    path,
    message: message('EQUIVALENT_REWRITE', {}) + detail,
    breaksBackward: false,
    breaksForward: false,
    category: 'annotation',
  };
}

export function isEquivalentRewrite(c: Change): boolean {
  return c.rule === 'EQUIVALENT_REWRITE';
}

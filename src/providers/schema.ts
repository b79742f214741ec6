/**
 * JSON Schema plumbing shared by the provider exporters and linters: bundling references into other
 * subjects, deriving tool names, resolving local $refs, and an iterative walker that knows where it is.
 */
import { childSchemas, isObject, mapSchema, ptr, SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS } from '../formats/jsonschema/walk.js';
import type { ResolvedReference } from '../model/types.js';

export type JsonObject = Record<string, unknown>;

export { isObject, ptr };

/** The schema's own types as a list ('object', 'string', ...); empty when `type` is absent. */
export function typesOf(s: JsonObject): string[] {
  const t = s.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

/** An object schema: `type: object` (alone or with null), or properties without a type. */
export function isObjectSchema(s: JsonObject): boolean {
  const ts = typesOf(s);
  if (ts.length) return ts.includes('object');
  return isObject(s.properties) || s.additionalProperties !== undefined || Array.isArray(s.required);
}

/** A string schema: `type: string` (alone or with null). */
export function isStringSchema(s: JsonObject): boolean {
  return typesOf(s).includes('string');
}

/**
 * Bundle schemas of other subjects into one document: each `$ref` that names a reference (exactly, or
 * followed by a `#fragment`) becomes a local `#/$defs/<subject>` ref, the referenced schema lands in
 * `$defs` (its own `$defs` hoisted beside it as `<subject>__<name>`), recursively. Local refs stay as
 * they are. The input is not changed.
 */
export function bundleSchema(root: unknown, references: ResolvedReference[] = []): unknown {
  if (!references.length || !isObject(root)) return root;
  const defs: JsonObject = isObject(root.$defs) ? { ...root.$defs } : {};
  const bundled = new Map<string, string>();
  const used = new Set(Object.keys(defs));
  if (isObject(root.definitions)) for (const k of Object.keys(root.definitions)) used.add(k);

  const uniqueName = (subject: string): string => {
    const base = subject.replace(/[^A-Za-z0-9_-]/g, '_');
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };

  const scope = (value: unknown, refs: ResolvedReference[], self?: string): unknown => {
    const names = new Map<string, string>();
    for (const r of refs) {
      const key = `${r.subject}@${r.version}`;
      let defName = bundled.get(key);
      if (!defName) {
        defName = uniqueName(r.subject);
        bundled.set(key, defName);
        defs[defName] = true; // placeholder keeps the key order: referenced schemas before their own refs
        defs[defName] = scope(r.schema.value, r.schema.references ?? [], defName);
      }
      names.set(r.name, defName);
    }
    const rewritten = mapSchema(value, (o) => {
      if (typeof o.$ref !== 'string') return o;
      const ref = o.$ref;
      for (const [name, defName] of names) {
        if (ref === name || ref.startsWith(name + '#')) return { ...o, $ref: pointerInto(defName, ref.slice(name.length)) };
      }
      if (self !== undefined && ref.startsWith('#')) return { ...o, $ref: pointerInto(self, ref) };
      return o;
    });
    if (self === undefined || !isObject(rewritten)) return rewritten;
    // A bundled schema: drop its identity, hoist its definitions.
    const copy: JsonObject = { ...rewritten };
    delete copy.$schema;
    delete copy.$id;
    for (const k of ['$defs', 'definitions'] as const) {
      if (isObject(copy[k])) {
        for (const [n, d] of Object.entries(copy[k] as JsonObject)) {
          const hoisted = `${self}__${n}`;
          used.add(hoisted);
          defs[hoisted] = d;
        }
        delete copy[k];
      }
    }
    return copy;
  };

  const out = scope(root, references) as JsonObject;
  return { ...out, $defs: defs };
}

function pointerInto(defName: string, fragment: string): string {
  const base = `#/$defs/${escapeToken(defName)}`;
  if (fragment === '' || fragment === '#') return base;
  const p = fragment.slice(1);
  const m = /^\/(?:\$defs|definitions)\/([^/]+)(.*)$/.exec(p);
  if (m) return `#/$defs/${escapeToken(`${defName}__${refToken(m[1])}`)}${m[2]}`;
  return base + p;
}

function escapeToken(t: string): string {
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A token of a $ref's fragment: percent-decoded (URI fragment), then pointer-unescaped. */
function refToken(t: string): string {
  let d = t;
  try {
    d = decodeURIComponent(t);
  } catch {
    /* keep as is */
  }
  return unescapeToken(d);
}

function unescapeToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The schema at a local `$ref` ('#', '#/$defs/x', any JSON pointer), or undefined. */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const token = refToken(raw);
    if (Array.isArray(cur)) cur = cur[Number(token)];
    else if (isObject(cur)) cur = cur[token];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Drop `$schema` and `$id` from the root: providers want the schema body. */
export function withoutIdentity(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const copy = { ...schema };
  delete copy.$schema;
  delete copy.$id;
  return copy;
}

/**
 * A valid tool/format name (`^[a-zA-Z0-9_-]{1,64}$` for OpenAI and Anthropic) from a wanted one:
 * other characters become '_', at most 64 characters.
 */
export function toolName(wanted: string, options: { max?: number; mustStartWithLetter?: boolean } = {}): string {
  const max = options.max ?? 64;
  let n = wanted.replace(/[^A-Za-z0-9_-]/g, '_');
  if (options.mustStartWithLetter && !/^[A-Za-z_]/.test(n)) n = '_' + n;
  if (n === '') n = 'schema';
  return n.slice(0, max);
}

export interface Visit {
  schema: JsonObject;
  pointer: string;
  /** Object schemas on the path from its root (the root object is 1), not following $refs. */
  depth: number;
  /** When this schema is the value of a property: the property name and the object holding it. */
  property?: { name: string; owner: JsonObject; ownerPointer: string };
  /** Under $defs/definitions. */
  inDefs: boolean;
}

/** Visit every subschema with its location. Iterative: deep schemas cannot overflow the stack. */
export function walkSchema(root: unknown, visit: (v: Visit) => void): void {
  const stack: Visit[] = [];
  if (isObject(root)) stack.push({ schema: root, pointer: '', depth: isObjectSchema(root) ? 1 : 0, inDefs: false });
  while (stack.length) {
    const v = stack.pop()!;
    visit(v);
    const s = v.schema;
    const children = childSchemas(s, v.pointer);
    for (let i = children.length - 1; i >= 0; i--) {
      const [child, cp] = children[i];
      if (!isObject(child)) continue;
      const rel = cp.slice(v.pointer.length);
      const isDef = rel.startsWith('/$defs/') || rel.startsWith('/definitions/');
      const isProp = rel.startsWith('/properties/');
      const base = isDef ? 0 : v.depth;
      stack.push({
        schema: child,
        pointer: cp,
        depth: base + (isObjectSchema(child) ? 1 : 0),
        inDefs: v.inDefs || isDef,
        ...(isProp ? { property: { name: unescapeToken(rel.slice('/properties/'.length)), owner: s, ownerPointer: v.pointer } } : {}),
      });
    }
  }
}

/**
 * The deepest object nesting reachable from the root, following local $refs (a recursive ref adds
 * nothing more once on the path), with the location of the deepest object schema.
 */
export function objectDepth(root: unknown): { depth: number; pointer: string } {
  const memo = new Map<string, { depth: number; pointer: string }>();
  const onPath = new Set<string>();
  const go = (s: unknown, pointer: string): { depth: number; pointer: string } => {
    if (!isObject(s)) return { depth: 0, pointer };
    let best = { depth: 0, pointer };
    if (typeof s.$ref === 'string' && s.$ref.startsWith('#')) {
      const ref = s.$ref;
      if (!onPath.has(ref)) {
        let m = memo.get(ref);
        if (!m) {
          onPath.add(ref);
          m = go(resolveLocalRef(root, ref), ref.slice(1));
          onPath.delete(ref);
          memo.set(ref, m);
        }
        if (m.depth > best.depth) best = m;
      }
    }
    for (const [child, cp] of childSchemas(s, pointer)) {
      const rel = cp.slice(pointer.length);
      if (rel.startsWith('/$defs/') || rel.startsWith('/definitions/')) continue; // reached through $refs
      const c = go(child, cp);
      if (c.depth > best.depth) best = c;
    }
    const self = isObjectSchema(s) ? 1 : 0;
    return { depth: best.depth + self, pointer: best.depth === 0 ? pointer : best.pointer };
  };
  return go(root, '');
}

/** True when a local $ref (directly or through others) leads back to a schema that contains it. */
export function recursiveRefs(root: unknown): string[] {
  const out: string[] = [];
  const refsUnder = (s: unknown): Array<{ ref: string; pointer: string }> => {
    const found: Array<{ ref: string; pointer: string }> = [];
    walkSchema(s, (v) => {
      if (typeof v.schema.$ref === 'string' && v.schema.$ref.startsWith('#')) found.push({ ref: v.schema.$ref, pointer: v.pointer });
    });
    return found;
  };
  // Graph: ref target -> refs inside it. A cycle through a target means recursion.
  const edges = new Map<string, string[]>();
  const targets = new Set<string>();
  const pending = refsUnder(root).map((r) => r.ref);
  while (pending.length) {
    const t = pending.pop()!;
    if (targets.has(t)) continue;
    targets.add(t);
    const inner = t === '#' ? refsUnder(root).map((r) => r.ref) : refsUnder(resolveLocalRef(root, t)).map((r) => r.ref);
    edges.set(t, inner);
    pending.push(...inner);
  }
  for (const t of targets) {
    // Is t reachable from itself?
    const seen = new Set<string>();
    const stack = [...(edges.get(t) ?? [])];
    while (stack.length) {
      const x = stack.pop()!;
      if (x === t || (t !== '#' && x !== '#' && t.startsWith(x + '/')) || (x === '#' && t !== '#')) {
        out.push(t);
        break;
      }
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...(edges.get(x) ?? []));
    }
  }
  return out.sort();
}

/**
 * The schema with every local $ref replaced by what it points to (siblings of the $ref kept), and
 * $defs/definitions removed. Stops at the first recursive ref (reported in `recursive`); external refs
 * are left in place and listed.
 */
export function inlineLocalRefs(root: unknown): { schema: unknown; count: number; recursive?: string; external: string[] } {
  let count = 0;
  let recursive: string | undefined;
  const external: string[] = [];
  const onPath: string[] = [];
  const go = (s: unknown, depth: number): unknown => {
    if (!isObject(s) || recursive) return s;
    if (depth > 500) {
      recursive = '(too deep)';
      return s;
    }
    let cur: JsonObject = s;
    if (typeof cur.$ref === 'string') {
      const ref = cur.$ref;
      if (!ref.startsWith('#')) {
        external.push(ref);
        return cur;
      }
      if (onPath.includes(ref)) {
        recursive = ref;
        return cur;
      }
      const target = resolveLocalRef(root, ref);
      if (!isObject(target)) return cur;
      count++;
      const { $ref: _r, ...siblings } = cur;
      onPath.push(ref);
      const inner = go(target, depth + 1) as JsonObject;
      onPath.pop();
      cur = { ...inner, ...siblings };
      if (Object.keys(siblings).length === 0) return cur;
    }
    return mapChildren(cur, (c) => go(c, depth + 1));
  };
  const out = go(root, 0);
  if (isObject(out)) {
    delete out.$defs;
    delete out.definitions;
  }
  return { schema: out, count, recursive, external };
}

/** A shallow copy with fn applied to every direct subschema. */
function mapChildren(s: JsonObject, fn: (c: unknown) => unknown): JsonObject {
  const copy: JsonObject = { ...s };
  for (const k of SCHEMA_KEYWORDS) {
    if (k in copy) copy[k] = fn(copy[k]);
  }
  if ('items' in copy) copy.items = Array.isArray(copy.items) ? copy.items.map(fn) : fn(copy.items);
  for (const k of SCHEMA_ARRAY_KEYWORDS) if (Array.isArray(copy[k])) copy[k] = (copy[k] as unknown[]).map(fn);
  for (const k of ['properties', 'patternProperties', 'dependentSchemas']) {
    const m = copy[k];
    if (isObject(m)) copy[k] = Object.fromEntries(Object.entries(m).map(([n, x]) => [n, fn(x)]));
  }
  delete copy.$defs;
  delete copy.definitions;
  return copy;
}

/** Keywords that annotate only (may stand beside $ref or a one-branch allOf without changing what validates). */
export const ANNOTATION_ONLY = new Set(['title', 'description', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly']);

/** A one-branch allOf whose siblings are annotations only: Pydantic's `{"allOf": [{"$ref": ...}], "description": ...}`. */
export function isSingleAllOf(s: JsonObject): boolean {
  return Array.isArray(s.allOf) && s.allOf.length === 1 && isObject(s.allOf[0]) && Object.keys(s).every((k) => k === 'allOf' || ANNOTATION_ONLY.has(k));
}

/** The schema with a root `$ref` (local) replaced by its target, the root's other keywords ($defs, ...) kept. */
export function inlineRootRef(schema: unknown): { schema: unknown; inlined?: string } {
  if (!isObject(schema) || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/')) return { schema };
  const target = resolveLocalRef(schema, schema.$ref);
  if (!isObject(target)) return { schema };
  const { $ref, ...rest } = schema;
  return { schema: { ...target, ...rest }, inlined: $ref as string };
}

/** Keywords moved into the description as `{key: value, ...}`, appended like the Anthropic SDK's transform does. */
export function describeMoved(description: unknown, moved: Array<[string, unknown]>): string {
  const text = '{' + moved.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ') + '}';
  return (typeof description === 'string' && description ? description + '\n\n' : '') + text;
}

/**
 * 2020-12 tuples (`prefixItems`, with `items` for the rest) in draft-07 form (`items` as an array,
 * `additionalItems` for the rest), the same constraint: json-schema-to-zod and json-schema-to-typescript
 * know only the draft-07 form and would otherwise give an array of anything.
 */
export function prefixItemsAsItemsArray(schema: unknown): unknown {
  return mapSchema(schema, (o) => {
    if (!Array.isArray(o.prefixItems) || Array.isArray(o.items)) return o;
    const { prefixItems, items, ...rest } = o;
    return { ...rest, items: prefixItems, ...(items !== undefined ? { additionalItems: items } : {}) };
  });
}

/**
 * Documents for the differ: a normalised copy of each schema (equivalent rewrites folded into one
 * spelling), with every schema object knowing its document and its JSON pointer in the original file,
 * and local `$ref`s (pointers, `$id`/`$anchor` fragments, references to other subjects) resolved.
 */
import type { ParsedSchema } from '../../../model/types.js';
import { canonicalJson } from '../../../model/json.js';
import type { Dialect } from '../ajv.js';
import { dialectOf } from '../ajv.js';
import { isObject, ptr, SCHEMA_ARRAY_KEYWORDS, SCHEMA_MAP_KEYWORDS } from '../walk.js';
import { dedupeSorted, sameList, sameValue } from './values.js';

import type { Obj, Raw } from './model.js';

export type { Obj, Raw };

export interface Doc {
  id: number;
  dialect: Dialect;
  /** The original value. */
  original: unknown;
  /** The normalised root. */
  root: Raw;
  /** original object -> normalised object */
  map: WeakMap<object, Raw>;
  /** `#name` anchors ($anchor, or `$id: "#name"`) -> normalised node */
  anchors: Map<string, Raw>;
  /** Schemas referenced by name (other subjects). */
  external: Map<string, Doc>;
  /**
   * Schema resources by their absolute URI without fragment: the root ('' and its `$id`) and every subschema with
   * an `$id` of its own (resolved against the enclosing base), for `$ref`s to them.
   */
  resources: Map<string, unknown>;
  /** Some schema in the document has a $ref (without one, the normalised document is a tree). */
  refers?: boolean;
}

export interface NodeInfo {
  doc: Doc;
  /** JSON pointer into the original file. */
  pointer: string;
  /** Keyword spelling in the original file, when normalisation renamed it (prefixItems <- items ...). */
  keys?: Record<string, string>;
  /**
   * type and multipleOf as written, when an integral multipleOf turned `number` into `integer` (and a
   * multipleOf of 1 was dropped): the differ reports that as one multipleOf change, in the user's words.
   */
  declared?: { type?: string[]; multipleOf?: number };
}

/** Keywords that never change what validates (ajv asserts none of them). */
export const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  'default',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
  '$id',
  'id',
  '$anchor',
  '$schema',
  '$vocabulary',
  'example',
  'x-order',
]);

/** Keywords the engine cannot reason about; a change under them is undecided. */
export const UNSUPPORTED = ['unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$recursiveRef'];

const SCHEMA_KEYS = new Set([
  'additionalProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'items',
  'unevaluatedItems',
  'unevaluatedProperties',
]);
/** Keywords normalise descends into (their pointers are needed). */
const SUBSCHEMA_KEYS = new Set<string>([...SCHEMA_MAP_KEYWORDS, ...SCHEMA_ARRAY_KEYWORDS, ...SCHEMA_KEYS, 'dependencies']);
/** Past this many values an enum's part of a content key is a token (Docs.enumKey), not its canonical JSON. */
const BIG_ENUM = 256;
const ARRAY_KEYS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

export class Docs {
  readonly info = new WeakMap<object, NodeInfo>();
  private nextDoc = 1;
  private nextId = 1;
  private ids = new WeakMap<object, number>();
  private contentIds = new Map<string, number>();
  /** normalised node -> the schema object as written (for messages). */
  private origins = new WeakMap<object, unknown>();

  /** The value as the user wrote it, when v is a normalised schema node; otherwise v itself. */
  written(v: unknown): unknown {
    return isObject(v) && this.origins.has(v) ? this.origins.get(v) : v;
  }

  load(schema: ParsedSchema): Doc {
    const external = new Map<string, Doc>();
    for (const r of schema.references ?? []) external.set(r.name, this.load(r.schema));
    return this.loadValue(schema.value, external);
  }

  loadValue(value: unknown, external = new Map<string, Doc>()): Doc {
    const doc: Doc = {
      id: this.nextDoc++,
      dialect: safeDialect(value),
      original: value,
      root: true,
      map: new WeakMap(),
      anchors: new Map(),
      external,
      resources: new Map([['', value]]),
    };
    doc.root = this.normalise(value, '', doc, '');
    return doc;
  }

  /**
   * A stable id for a schema: equal content (and, when it holds $refs, the same document) gives the
   * same id. Hash-consed bottom-up (children by id), so ids for a whole tree cost linear time.
   */
  id(s: Raw): number {
    if (s === true) return 1;
    if (s === false) return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      const { key, ref } = this.shallowKey(s);
      const full = ref ? `${this.info.get(s)?.doc.id ?? 0}:${key}` : key;
      id = this.contentIds.get(full);
      if (id === undefined) {
        id = 2 + this.nextId++;
        this.contentIds.set(full, id);
      }
      this.ids.set(s, id);
      if (ref) this.withRef.add(s);
    }
    return id;
  }

  private withRef = new WeakSet<object>();

  private childId(v: unknown): { k: string; ref: boolean } {
    if (typeof v === 'boolean' || isObject(v)) {
      const i = this.id(v as Raw);
      return { k: '#' + i, ref: isObject(v) && this.withRef.has(v) };
    }
    return { k: canonicalJson(v), ref: false };
  }

  private canonicals = new WeakMap<object, string>();

  /** The canonical JSON of a normalised node, computed once (normalised nodes are never changed). */
  canonical(s: Raw): string {
    if (typeof s === 'boolean') return String(s);
    let c = this.canonicals.get(s);
    if (c === undefined) this.canonicals.set(s, (c = canonicalJson(s)));
    return c;
  }

  private enumKeys = new WeakMap<unknown[], string>();
  private bigEnums = new Map<number, unknown[][]>();

  /**
   * The key of a big enum in a schema's content key: a token shared by enums holding the same values in the
   * same order (found among the enums of the same length, comparing value by value until one differs), not
   * the canonical JSON of a million values. A token starts with '@', which canonical JSON never does.
   */
  private enumKey(v: unknown[]): string {
    let k = this.enumKeys.get(v);
    if (k === undefined) {
      let bucket = this.bigEnums.get(v.length);
      if (!bucket) this.bigEnums.set(v.length, (bucket = []));
      const twin = bucket.find((x) => sameList(x, v));
      k = twin ? this.enumKeys.get(twin)! : '@' + this.nextEnum++;
      if (!twin) bucket.push(v);
      this.enumKeys.set(v, k);
    }
    return k;
  }

  private nextEnum = 1;

  private shallowKey(s: Obj): { key: string; ref: boolean } {
    let ref = typeof s.$ref === 'string';
    const parts: string[] = [];
    for (const k of Object.keys(s).sort()) {
      const v = s[k];
      let enc: string;
      if (SCHEMA_KEYS.has(k)) {
        const c = this.childId(v);
        ref ||= c.ref;
        enc = c.k;
      } else if (ARRAY_KEYS.has(k) && Array.isArray(v)) {
        enc =
          '[' +
          v
            .map((x) => {
              const c = this.childId(x);
              ref ||= c.ref;
              return c.k;
            })
            .join(',') +
          ']';
      } else if (MAP_KEYS.has(k) && isObject(v)) {
        enc =
          '{' +
          Object.keys(v)
            .sort()
            .map((n) => {
              const c = this.childId(v[n]);
              ref ||= c.ref;
              return JSON.stringify(n) + ':' + c.k;
            })
            .join(',') +
          '}';
      } else if (k === 'enum' && Array.isArray(v) && v.length > BIG_ENUM) {
        enc = this.enumKey(v);
      } else {
        try {
          enc = canonicalJson(v);
        } catch {
          enc = '?' + this.nextId++;
        }
      }
      parts.push(JSON.stringify(k) + ':' + enc);
    }
    return { key: '{' + parts.join(',') + '}', ref };
  }

  /**
   * A loop of in-place applicators ($ref, allOf, anyOf, oneOf, not, if/then/else, dependentSchemas) that
   * comes back to a schema without stepping into a property or an item: validating an instance there
   * never ends (ajv overflows its stack), so such a schema cannot be compiled. Returns the pointer of a
   * schema on the loop, or undefined. Linear in the size of the document.
   */
  inPlaceLoop(doc: Doc): string | undefined {
    if (!doc.refers) return undefined; // a tree: every path steps down, none comes back
    const nodes: Obj[] = [];
    const seen = new Set<unknown>();
    const stack: unknown[] = [doc.root];
    while (stack.length) {
      const v = stack.pop();
      if (v === null || typeof v !== 'object' || seen.has(v)) continue;
      seen.add(v);
      if (!Array.isArray(v) && this.info.has(v)) nodes.push(v as Obj);
      for (const [k, x] of Object.entries(v)) if (k !== 'enum' && k !== 'const' && typeof x === 'object') stack.push(x);
    }
    const next = (s: Obj): Raw[] => {
      const out: Raw[] = [];
      if (typeof s.$ref === 'string') {
        const t = this.resolve(s, s.$ref);
        if (t !== undefined) out.push(t);
      }
      for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) out.push(...(s[k] as Raw[]));
      for (const k of ['not', 'if', 'then', 'else']) if (k in s) out.push(s[k] as Raw);
      if (isObject(s.dependentSchemas)) out.push(...(Object.values(s.dependentSchemas) as Raw[]));
      return out.filter(isObject) as Obj[];
    };
    // iterative three-colour depth-first search over the in-place edges
    const state = new Map<Obj, 1 | 2>();
    for (const start of nodes) {
      if (state.has(start)) continue;
      const path: Array<{ s: Obj; kids: Raw[]; i: number }> = [{ s: start, kids: next(start), i: 0 }];
      state.set(start, 1);
      while (path.length) {
        const top = path[path.length - 1];
        if (top.i >= top.kids.length) {
          state.set(top.s, 2);
          path.pop();
          continue;
        }
        const c = top.kids[top.i++] as Obj;
        const st = state.get(c);
        if (st === 1) return this.pointerOf(c) || '/';
        if (st === undefined) {
          state.set(c, 1);
          path.push({ s: c, kids: next(c), i: 0 });
        }
      }
    }
    return undefined;
  }

  /** Register a synthetic schema (a copy or a made-up conjunct) as belonging to `like`'s document. */
  adopt<T extends Raw>(s: T, like?: Raw, pointer?: string): T {
    if (isObject(s) && !this.info.has(s)) {
      const li = isObject(like) ? this.info.get(like) : undefined;
      if (li) this.info.set(s, { doc: li.doc, pointer: pointer ?? li.pointer, keys: li.keys });
    }
    return s;
  }

  pointerOf(s: Raw): string {
    return (isObject(s) && this.info.get(s)?.pointer) || '';
  }

  /** Path of keyword `k` of node s, in the original spelling. */
  keyPath(s: Raw, k: string): string {
    const info = isObject(s) ? this.info.get(s) : undefined;
    return (info?.pointer ?? '') + ptr(info?.keys?.[k] ?? k);
  }

  /**
   * Resolve a $ref found in node `from`. Returns undefined when it cannot be resolved (remote URIs).
   */
  resolve(from: Obj, ref: string): Raw | undefined {
    const info = this.info.get(from);
    if (!info) return undefined;
    // a reference to the document's own or an embedded `$id` (absolute, or relative to the enclosing base)
    const abs = resolveUri(ref, this.bases.get(from) ?? rootBase(info.doc.original));
    const hash = abs.indexOf('#');
    const resource = info.doc.resources.get(hash < 0 ? abs : abs.slice(0, hash));
    if (resource !== undefined) return this.resolveFrom(info.doc, resource, hash < 0 ? '' : abs.slice(hash + 1));
    return this.resolveIn(info.doc, ref);
  }

  /** The base URI each node holding a `$ref` was written under (absent: the document's root base). */
  private bases = new WeakMap<object, string>();

  private resolveIn(doc: Doc, ref: string): Raw | undefined {
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const frag = hash < 0 ? '' : ref.slice(hash + 1);
    if (base !== '') {
      const rootId = isObject(doc.original) ? (doc.original.$id ?? doc.original.id) : undefined;
      if (base !== rootId) {
        const ext = doc.external.get(base) ?? doc.external.get(ref);
        if (!ext) return undefined;
        if (doc.external.get(ref) === ext) return ext.root;
        return this.resolveIn(ext, '#' + frag);
      }
    }
    return this.resolveFrom(doc, doc.original, frag);
  }

  /** A fragment (empty, a JSON pointer or an anchor) within the schema resource `resource` of doc. */
  private resolveFrom(doc: Doc, resource: unknown, frag: string): Raw | undefined {
    if (frag !== '' && !frag.startsWith('/')) return doc.anchors.get(safeDecode(frag));
    let cur: unknown = resource;
    for (const raw of frag === '' ? [] : frag.slice(1).split('/')) {
      const tok = safeDecode(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(cur)) cur = cur[Number(tok)];
      else if (isObject(cur)) cur = cur[tok];
      else return undefined;
    }
    if (typeof cur === 'boolean') return cur;
    if (!isObject(cur)) return undefined;
    return doc.map.get(cur);
  }

  /** Normalise one schema (recursively): the equivalence rules the differ relies on. */
  private normalise(s: unknown, pointer: string, doc: Doc, base: string): Raw {
    if (typeof s === 'boolean') return s;
    if (!isObject(s)) return true;
    const d = doc.dialect;
    const out: Obj = {};
    const keys: Record<string, string> = {};
    // a subschema with an `$id` of its own is a schema resource: its base for the $refs inside, and a $ref target
    const ownId = d === 'draft-04' ? s.id : s.$id; // draft-04 names a resource with `id`; later drafts with `$id` (`id` is then no keyword)
    if (typeof ownId === 'string' && !ownId.startsWith('#')) {
      base = stripFragment(resolveUri(ownId, base));
      if (!doc.resources.has(base)) doc.resources.set(base, s);
    }
    const sub = (v: unknown, p: string) => this.normalise(v, p, doc, base);
    const draft7Ref = (d === 'draft-04' || d === 'draft-06' || d === 'draft-07') && typeof s.$ref === 'string';
    if (typeof s.$ref === 'string') doc.refers = true;
    let hasConst = false;
    let constValue: unknown;
    for (const k of Object.keys(s)) {
      const v = s[k];
      // draft-04 to draft-07: a $ref's siblings are ignored (only definitions are kept for resolution).
      if (draft7Ref && k !== '$ref' && k !== 'definitions' && k !== '$defs' && !ANNOTATIONS.has(k)) continue;
      // the pointer only for keywords holding subschemas (every other key would build a string for nothing)
      const p = SUBSCHEMA_KEYS.has(k) ? pointer + ptr(k) : pointer;
      switch (k) {
        case 'properties':
        case 'patternProperties':
        case '$defs':
        case 'definitions':
        case 'dependentSchemas':
          if (isObject(v)) {
            const m: Obj = {};
            for (const n of Object.keys(v)) setOwn(m, n, sub(v[n], p + ptr(n)));
            out[k] = m;
          }
          break;
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
        case 'prefixItems':
          if (Array.isArray(v)) out[k] = v.map((x, i) => sub(x, p + ptr(i)));
          break;
        case 'items':
          if (Array.isArray(v)) {
            out.prefixItems = v.map((x, i) => sub(x, p + ptr(i)));
            keys.prefixItems = 'items';
          } else out.items = sub(v, p);
          break;
        case 'additionalItems':
          break; // handled below with items
        case 'const':
          // folded into enum below (kept out of `out`: deleting a key makes every such node a slow dictionary object)
          hasConst = true;
          constValue = v;
          break;
        case 'dependencies':
          if (isObject(v)) {
            for (const [n, x] of Object.entries(v)) {
              if (Array.isArray(x)) {
                ((out.dependentRequired ??= {}) as Obj)[n] = x;
                keys.dependentRequired = 'dependencies';
              } else {
                ((out.dependentSchemas ??= {}) as Obj)[n] = sub(x, p + ptr(n));
                keys.dependentSchemas = 'dependencies';
              }
            }
          }
          break;
        case 'additionalProperties':
        case 'propertyNames':
        case 'contains':
        case 'not':
        case 'if':
        case 'then':
        case 'else':
        case 'unevaluatedItems':
        case 'unevaluatedProperties':
          out[k] = sub(v, p);
          break;
        default:
          out[k] = v;
      }
    }
    // items as an array: additionalItems is the schema for the rest (draft-07, 2019-09).
    if (Array.isArray(s.items) && 'additionalItems' in s) {
      out.items = sub(s.additionalItems, pointer + ptr('additionalItems'));
      keys.items = 'additionalItems';
    }
    // const x == enum [x]
    if (hasConst) {
      const c = constValue;
      if (Array.isArray(out.enum)) out.enum = (out.enum as unknown[]).filter((x) => sameValue(x, c));
      else {
        out.enum = [c];
        keys.enum = 'const';
      }
    }
    if (Array.isArray(out.enum)) out.enum = dedupeSorted(out.enum as unknown[]);
    // type 'x' == ['x']; 'number' absorbs 'integer'
    if (typeof out.type === 'string') out.type = [out.type];
    if (Array.isArray(out.type)) {
      let t = [...new Set(out.type as string[])];
      if (t.includes('number')) t = t.filter((x) => x !== 'integer');
      out.type = t.sort();
    }
    // draft-04 style boolean exclusive bounds
    if (out.exclusiveMinimum === true && typeof out.minimum === 'number') {
      out.exclusiveMinimum = out.minimum;
      delete out.minimum;
    } else if (typeof out.exclusiveMinimum === 'boolean') delete out.exclusiveMinimum;
    if (out.exclusiveMaximum === true && typeof out.maximum === 'number') {
      out.exclusiveMaximum = out.maximum;
      delete out.maximum;
    } else if (typeof out.exclusiveMaximum === 'boolean') delete out.exclusiveMaximum;
    // number with an integral multipleOf == integer (with that multipleOf, dropped when 1)
    let declared: NodeInfo['declared'];
    if (typeof out.multipleOf === 'number' && Number.isInteger(out.multipleOf) && Array.isArray(out.type) && (out.type as string[]).includes('number')) {
      declared = { type: [...(out.type as string[])], multipleOf: out.multipleOf };
    }
    if (typeof out.multipleOf === 'number' && Number.isInteger(out.multipleOf) && Array.isArray(out.type)) {
      out.type = (out.type as string[]).map((x) => (x === 'number' ? 'integer' : x)).sort();
    }
    if (out.multipleOf === 1 && Array.isArray(out.type) && (out.type as string[]).every((x) => x !== 'number')) delete out.multipleOf;
    // anyOf of bare types == a type array (when nothing else at the node says type)
    for (const comb of ['anyOf', 'oneOf'] as const) {
      const a = out[comb];
      if (!Array.isArray(a) || a.length === 0 || out.type !== undefined) continue;
      const types: string[] = [];
      let ok = true;
      for (const b of a) {
        if (isObject(b) && Object.keys(b).length === 1 && Array.isArray(b.type)) types.push(...(b.type as string[]));
        else ok = false;
      }
      if (!ok) continue;
      // oneOf is a union only when the types are disjoint (integer overlaps number)
      if (comb === 'oneOf' && (new Set(types).size !== types.length || (types.includes('number') && types.includes('integer')))) continue;
      delete out[comb];
      let t = [...new Set(types)];
      if (t.includes('number')) t = t.filter((x) => x !== 'integer');
      out.type = t.sort();
      keys.type = comb;
    }
    // pattern that matches every string == no pattern
    if (typeof out.pattern === 'string' && universalPattern(out.pattern)) delete out.pattern;
    // branch order never matters
    for (const comb of ['anyOf', 'oneOf', 'allOf']) {
      const a = out[comb];
      if (Array.isArray(a) && a.length > 1) {
        // each branch's key computed once (not twice per comparison of the sort)
        const keyed = a.map((x) => ({ x, c: this.canonical(x as Raw) }));
        keyed.sort((x, y) => cmp(x.c, y.c));
        out[comb] = keyed.map((e) => e.x);
      }
    }
    if (Array.isArray(out.required)) out.required = [...new Set(out.required as string[])].sort();
    let hasKeys = false;
    for (const _ in keys) {
      hasKeys = true;
      break;
    }
    const info: NodeInfo = { doc, pointer, keys: hasKeys ? keys : undefined };
    if (declared) info.declared = declared;
    this.info.set(out, info);
    if (typeof s.$ref === 'string' && base !== '') this.bases.set(out, base);
    doc.map.set(s, out);
    this.origins.set(out, s);
    const anchor =
      typeof s.$anchor === 'string'
        ? s.$anchor
        : typeof (s.$id ?? s.id) === 'string' && String(s.$id ?? s.id).startsWith('#')
          ? String(s.$id ?? s.id).slice(1)
          : undefined;
    if (anchor) doc.anchors.set(anchor, out);
    return out;
  }
}

/** o[k] = v as an own property, also for the key "__proto__" (as Object.fromEntries does). */
function setOwn(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** ref resolved against base (RFC 3986) when base is an absolute URI; ref itself otherwise. */
export function resolveUri(ref: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
    try {
      return new URL(ref).href;
    } catch {
      return ref;
    }
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(base)) return ref;
  try {
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

function stripFragment(uri: string): string {
  const h = uri.indexOf('#');
  return h < 0 ? uri : uri.slice(0, h);
}

/** The document's base URI: its root `$id` (without fragment), or '' for none. */
function rootBase(original: unknown): string {
  const id = isObject(original) ? (original.$id ?? original.id) : undefined;
  return typeof id === 'string' && !id.startsWith('#') ? stripFragment(resolveUri(id, '')) : '';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function safeDialect(v: unknown): Dialect {
  try {
    return dialectOf(v);
  } catch {
    return '2020-12';
  }
}

/**
 * True when a `pattern` matches every string: an unanchored (on at least one side) regex without
 * lookarounds or word boundaries that matches the empty string finds an empty match in any string.
 */
export function universalPattern(p: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(p, 'u');
  } catch {
    return false;
  }
  if (!re.test('')) return false;
  const bare = p.replace(/\\./g, 'x').replace(/\[(?:\\.|[^\]])*\]/g, 'x');
  if (/\(\?|\\b|\\B/.test(p.replace(/\\\\/g, ''))) return false;
  return !bare.includes('^') || !bare.includes('$');
}

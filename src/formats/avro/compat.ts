/**
 * Avro compatibility: the specification's schema resolution, implemented as a pair walker.
 *
 * resolve(writer, reader) lists every reason a reader cannot read data written with the writer. BACKWARD
 * (consumers on NEW read data written with OLD) is resolve(old, new); FORWARD is resolve(new, old). Each
 * finding has a stable rule id (Confluent's Avro names where one fits), the field path and a message in
 * terms of OLD and NEW, so that the two passes merge into one list of changes with both directions' verdicts.
 *
 * Where this differs from avsc's createResolver (the specification wins), see test/unit/avro-compat.test.ts:
 * - named types match on their unqualified names (spec 1.10+), so a namespace change alone is compatible;
 *   avsc compares full names.
 * - a decimal's precision and scale must match (spec: "logical types"); avsc resolves the underlying types only.
 */
import { canonicalJson } from '../../model/json.js';
import type { Change } from '../../model/types.js';
import { specOf } from '../../model/rule-spec.js';
import { AVRO_RULE_INDEX } from './rules.js';
import { type AvroNode, type FieldNode, type NamedNode, type PrimitiveNode, shortName, namespaceOf, typeLabel } from './model.js';

export { AVRO_RULES } from './rules.js';

type Dir = 'backward' | 'forward';
interface Finding {
  rule: string;
  path: string;
  message: string;
  breaking: boolean;
}

const PROMOTIONS: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

let nextId = 1;
const ids = new WeakMap<object, number>();
function idOf(n: object): number {
  let id = ids.get(n);
  if (!id) {
    id = nextId++;
    ids.set(n, id);
  }
  return id;
}

function isNamed(n: AvroNode): n is NamedNode {
  return n.kind === 'record' || n.kind === 'enum' || n.kind === 'fixed';
}

/** Spec: named types match when their unqualified names agree, or a reader alias names the writer. */
export function namesMatch(w: NamedNode, r: NamedNode): boolean {
  if (shortName(w.name) === shortName(r.name)) return true;
  return r.aliases.some((a) => a === w.name || shortName(a) === shortName(w.name));
}

/** The top-level match of the specification (no recursion): used to pick union branches. */
function shallowMatch(w: AvroNode, r: AvroNode): boolean {
  if (w.kind === 'primitive' && r.kind === 'primitive') return w.type === r.type || (PROMOTIONS[w.type]?.includes(r.type) ?? false);
  if (w.kind !== r.kind) return false;
  if (w.kind === 'array' || w.kind === 'map') return true;
  if (isNamed(w) && isNamed(r)) return namesMatch(w, r);
  return false;
}

function exactMatch(w: AvroNode, r: AvroNode): boolean {
  if (w.kind === 'primitive' && r.kind === 'primitive') return w.type === r.type;
  if (isNamed(w) && isNamed(r)) return w.kind === r.kind && w.name === r.name;
  return w.kind === r.kind && w.kind !== 'union';
}

/** The reader branch a writer type resolves to: an exact match first, then the first that matches. */
export function selectBranch(w: AvroNode, branches: AvroNode[]): AvroNode | undefined {
  return branches.find((b) => exactMatch(w, b)) ?? branches.find((b) => shallowMatch(w, b));
}

class Resolver {
  readonly out: Finding[] = [];
  private readonly memo = new Set<string>();
  constructor(private readonly dir: Dir) {}

  private oldNew<T>(w: T, r: T): [T, T] {
    return this.dir === 'backward' ? [w, r] : [r, w];
  }

  private add(rule: string, path: string, message: string, breaking: boolean): void {
    specOf(AVRO_RULE_INDEX, rule);
    this.out.push({ rule, path, message, breaking });
  }

  resolve(w: AvroNode, r: AvroNode, path: string): void {
    const key = `${idOf(w)}:${idOf(r)}`;
    if (this.memo.has(key)) return; // recursive types: the pair is being (or has been) checked
    this.memo.add(key);

    if (w.kind === 'union') {
      if (r.kind === 'union') {
        for (const wb of w.branches) {
          const rb = selectBranch(wb, r.branches);
          if (!rb) {
            const [o, n] = this.oldNew(w, r);
            this.add(
              'MISSING_UNION_BRANCH',
              path,
              this.dir === 'backward'
                ? `union branch ${typeLabel(wb)} was removed: ${typeLabel(o)} became ${typeLabel(n)}`
                : `union branch ${typeLabel(wb)} was added: ${typeLabel(o)} became ${typeLabel(n)}; readers on the old schema cannot read it`,
              true,
            );
          } else this.resolve(wb, rb, path);
        }
      } else {
        for (const wb of w.branches) {
          if (!shallowMatch(wb, r)) {
            this.add(
              'TYPE_MISMATCH',
              path,
              this.dir === 'backward'
                ? `type changed from union ${typeLabel(w)} to ${typeLabel(r)}: its branch ${typeLabel(wb)} cannot be read as ${typeLabel(r)}`
                : `type changed from ${typeLabel(r)} to union ${typeLabel(w)}: readers on the old schema cannot read its branch ${typeLabel(wb)}`,
              true,
            );
          } else this.resolve(wb, r, path);
        }
        if (this.dir === 'forward') this.add('UNION_BRANCH_ADDED', path, `type changed from ${typeLabel(r)} to union ${typeLabel(w)}`, false);
      }
      return;
    }
    if (r.kind === 'union') {
      const rb = selectBranch(w, r.branches);
      if (!rb) {
        this.add(
          'MISSING_UNION_BRANCH',
          path,
          this.dir === 'backward'
            ? `type changed from ${typeLabel(w)} to union ${typeLabel(r)}, which has no branch for ${typeLabel(w)}`
            : `type changed from union ${typeLabel(r)} to ${typeLabel(w)}, which no branch of the old union can read`,
          true,
        );
        return;
      }
      if (this.dir === 'backward') this.add('UNION_BRANCH_ADDED', path, `type changed from ${typeLabel(w)} to union ${typeLabel(r)}`, false);
      this.resolve(w, rb, path);
      return;
    }

    if (w.kind === 'primitive' && r.kind === 'primitive') return this.primitives(w, r, path);
    if (w.kind !== r.kind) return this.mismatch(w, r, path);
    switch (w.kind) {
      case 'array':
        this.logical(w, r as typeof w, path);
        return this.resolve(w.items, (r as typeof w).items, `${path}/[]`);
      case 'map':
        this.logical(w, r as typeof w, path);
        return this.resolve(w.values, (r as typeof w).values, `${path}/{}`);
      case 'record':
      case 'enum':
      case 'fixed':
        return this.named(w, r as NamedNode, path);
    }
  }

  private mismatch(w: AvroNode, r: AvroNode, path: string): void {
    const [o, n] = this.oldNew(w, r);
    this.add('TYPE_MISMATCH', path, `type changed from ${typeLabel(o)} to ${typeLabel(n)}`, true);
  }

  private primitives(w: PrimitiveNode, r: PrimitiveNode, path: string): void {
    if (w.type !== r.type) {
      if (PROMOTIONS[w.type]?.includes(r.type)) {
        const [o, n] = this.oldNew(w, r);
        this.add('TYPE_PROMOTED', path, `type changed from ${typeLabel(o)} to ${typeLabel(n)} (an Avro promotion)`, false);
      } else return this.mismatch(w, r, path);
    }
    this.logical(w, r, path);
  }

  private logical(
    w: { logicalType?: string; props: Record<string, unknown> },
    r: { logicalType?: string; props: Record<string, unknown> },
    path: string,
  ): void {
    if (w.logicalType === 'decimal' && r.logicalType === 'decimal') {
      if (w.props.precision !== r.props.precision || (w.props.scale ?? 0) !== (r.props.scale ?? 0)) {
        const [o, n] = this.oldNew(w, r);
        this.add(
          'DECIMAL_MISMATCH',
          path,
          `decimal changed from (precision ${String(o.props.precision)}, scale ${String(o.props.scale ?? 0)}) to (precision ${String(n.props.precision)}, scale ${String(n.props.scale ?? 0)}): values would be read at the wrong scale`,
          true,
        );
      }
      return;
    }
    if (w.logicalType !== r.logicalType && this.dir === 'backward') {
      this.add('LOGICAL_TYPE_CHANGED', path, `logical type changed from ${w.logicalType ?? 'none'} to ${r.logicalType ?? 'none'}`, false);
    }
  }

  private named(w: NamedNode, r: NamedNode, path: string): void {
    const [o, n] = this.oldNew(w, r);
    if (!namesMatch(w, r)) {
      this.add('NAME_MISMATCH', path, `${r.kind} ${o.name} was renamed to ${n.name}, and the reader has no alias for the writer's name`, true);
      return;
    }
    if (this.dir === 'backward' && w.name !== r.name) {
      if (shortName(w.name) === shortName(r.name)) {
        this.add(
          'NAMESPACE_CHANGED',
          path,
          `${r.kind} ${w.name} moved to namespace ${namespaceOf(r.name) ?? '(none)'} (resolution matches unqualified names)`,
          false,
        );
      } else {
        this.add('NAMED_TYPE_RENAMED', path, `${r.kind} ${w.name} was renamed to ${r.name} (alias kept)`, false);
      }
    }
    if (w.kind === 'fixed' && r.kind === 'fixed') {
      if (w.size !== r.size)
        this.add('FIXED_SIZE_MISMATCH', path, `fixed ${n.name} changed size from ${(o as typeof w).size} to ${(n as typeof w).size}`, true);
      this.logical(w, r, path);
      return;
    }
    if (w.kind === 'enum' && r.kind === 'enum') return this.enums(w, r, path);
    if (w.kind === 'record' && r.kind === 'record') return this.records(w, r, path);
    this.mismatch(w, r, path);
  }

  private enums(w: Extract<NamedNode, { kind: 'enum' }>, r: Extract<NamedNode, { kind: 'enum' }>, path: string): void {
    const missing = w.symbols.filter((s) => !r.symbols.includes(s));
    const list = missing.map((s) => `"${s}"`).join(', ');
    if (missing.length) {
      if (r.default === undefined) {
        this.add(
          'MISSING_ENUM_SYMBOLS',
          path,
          this.dir === 'backward'
            ? `enum ${r.name} lost symbols ${list} and has no default to read them as`
            : `enum ${r.name} gained symbols ${list}; the old enum has no default to read them as`,
          true,
        );
      } else {
        this.add(
          this.dir === 'backward' ? 'ENUM_SYMBOLS_REMOVED' : 'ENUM_SYMBOLS_ADDED',
          path,
          this.dir === 'backward'
            ? `enum ${r.name} lost symbols ${list}; they are read as its default "${r.default}"`
            : `enum ${r.name} gained symbols ${list}; readers on the old schema read them as its default "${r.default}"`,
          false,
        );
      }
    }
    if (this.dir === 'backward' && w.default !== r.default) {
      this.add('ENUM_DEFAULT_CHANGED', path, `enum ${r.name} default changed from ${w.default ?? 'none'} to ${r.default ?? 'none'}`, false);
    }
  }

  private records(w: Extract<NamedNode, { kind: 'record' }>, r: Extract<NamedNode, { kind: 'record' }>, path: string): void {
    for (const rf of r.fields) {
      const fpath = `${path}/${this.dir === 'backward' ? rf.name : rf.name}`;
      let wf: FieldNode | undefined = w.fields.find((f) => f.name === rf.name);
      let viaAlias = false;
      if (!wf) {
        wf = w.fields.find((f) => rf.aliases.includes(f.name));
        viaAlias = !!wf;
      }
      if (!wf) {
        if (rf.hasDefault) {
          this.add(
            this.dir === 'backward' ? 'FIELD_ADDED' : 'FIELD_REMOVED',
            fpath,
            this.dir === 'backward'
              ? `field "${rf.name}" was added to ${r.name} with default ${JSON.stringify(rf.default)}`
              : `field "${rf.name}" was removed from ${r.name}; readers on the old schema use its default ${JSON.stringify(rf.default)}`,
            false,
          );
        } else {
          this.add(
            'READER_FIELD_MISSING_DEFAULT_VALUE',
            fpath,
            this.dir === 'backward'
              ? `field "${rf.name}" was added to ${r.name} without a default: data written with the old schema lacks it`
              : `field "${rf.name}" was removed from ${r.name}, and the old schema gives it no default: readers on the old schema need it`,
            true,
          );
        }
        continue;
      }
      if (viaAlias) {
        const [oName, nName] = this.oldNew(wf.name, rf.name);
        this.add('FIELD_RENAMED', fpath, `field "${oName}" of ${r.name} was renamed to "${nName}"${this.dir === 'backward' ? ' (alias kept)' : ''}`, false);
      }
      if (this.dir === 'backward' && rf.hasDefault && wf.hasDefault && canonicalJson(rf.default) !== canonicalJson(wf.default)) {
        this.add(
          'FIELD_DEFAULT_CHANGED',
          fpath,
          `default of field "${rf.name}" changed from ${JSON.stringify(wf.default)} to ${JSON.stringify(rf.default)}`,
          false,
        );
      }
      this.resolve(wf.type, rf.type, fpath);
    }
    // a field removed in NEW shows up in the forward pass (as FIELD_REMOVED or READER_FIELD_MISSING_DEFAULT_VALUE)
  }
}

/** The reasons READER cannot read what WRITER wrote (empty: compatible). */
export function resolutionErrors(writer: AvroNode, reader: AvroNode): Finding[] {
  const r = new Resolver('backward');
  r.resolve(writer, reader, '');
  return r.out.filter((f) => f.breaking);
}

/** Every change between OLD and NEW, each with its BACKWARD and FORWARD verdict. */
export function compareAvro(oldRoot: AvroNode, newRoot: AvroNode): Change[] {
  const b = new Resolver('backward');
  b.resolve(oldRoot, newRoot, '');
  const f = new Resolver('forward');
  f.resolve(newRoot, oldRoot, '');
  const merged = new Map<string, Change>();
  const put = (x: Finding, dir: Dir): void => {
    const key = `${x.rule}\u0000${x.path}\u0000${x.message}`;
    let c = merged.get(key);
    if (!c) {
      const spec = specOf(AVRO_RULE_INDEX, x.rule);
      c = { rule: x.rule, path: x.path, message: x.message, breaksBackward: false, breaksForward: false, category: spec.category };
      if (spec.caution !== undefined) c.caution = spec.caution;
      merged.set(key, c);
    }
    if (x.breaking) {
      if (dir === 'backward') c.breaksBackward = true;
      else c.breaksForward = true;
    }
  };
  for (const x of b.out) put(x, 'backward');
  for (const x of f.out) put(x, 'forward');
  const all = [...merged.values()];
  // A fact (FIELD_REMOVED, TYPE_PROMOTED) is dropped where a breaking finding covers the same path.
  const breakingPaths = new Set(all.filter((c) => c.breaksBackward || c.breaksForward).map((c) => c.path));
  return all.filter((c) => c.breaksBackward || c.breaksForward || c.caution !== undefined || !breakingPaths.has(c.path));
}

/**
 * Protobuf compatibility: a pair walker over two loaded Roots (the main file and every imported file,
 * matched by import path), giving one finding per change with two verdicts:
 * - `wire` (default): Confluent's protobuf checker for binary data (rule ids are Confluent's Difference types);
 * - `strict`: `wire` plus buf's CSR concerns (JSON names, enum value names, deletions without `reserved`,
 *   any type change, oneof membership, cardinality, syntax), with buf's rule ids.
 * Under `wire`, a finding only `strict` forbids is kept as a warning that breaks nothing.
 *
 * Directions follow Confluent: FORWARD is the same check with the schemas swapped, so a removed message or a
 * field moved into a oneof breaks BACKWARD only; most other changes break both.
 */
import type { Change } from '../../core/types.js';
import { findPosition, type Loaded, type PbEnum, type PbField, type PbType, type ProtoFile } from './load.js';

export type Policy = 'wire' | 'strict';

/** The rule table: id, purpose, and whether only the strict policy enforces it. */
export const PROTOBUF_RULES: Record<string, { purpose: string; strictOnly?: boolean }> = {
  PACKAGE_CHANGED: { purpose: 'the package of a file changed' },
  MESSAGE_REMOVED: { purpose: 'a message was removed' },
  MESSAGE_ADDED: { purpose: 'a message was added' },
  ENUM_REMOVED: { purpose: 'an enum was removed (wire-compatible)' },
  ENUM_ADDED: { purpose: 'an enum was added' },
  ENUM_CONST_ADDED: { purpose: 'an enum value was added' },
  ENUM_CONST_REMOVED: { purpose: 'an enum value was removed (wire-compatible)' },
  ENUM_CONST_CHANGED: { purpose: 'an enum value was renamed (wire-compatible)' },
  FIELD_ADDED: { purpose: 'a field was added' },
  FIELD_REMOVED: { purpose: 'a field was removed (wire-compatible)' },
  FIELD_NAME_CHANGED: { purpose: 'a field was renamed (wire-compatible)' },
  FIELD_KIND_CHANGED: { purpose: 'a field changed kind: scalar/enum, message, map' },
  FIELD_SCALAR_KIND_CHANGED: { purpose: 'a scalar field changed to a type outside its wire-compatible group' },
  FIELD_NAMED_TYPE_CHANGED: { purpose: 'a message field now refers to a different message' },
  FIELD_NUMERIC_LABEL_CHANGED: { purpose: 'a numeric field turned repeated or singular (packed encoding differs)' },
  FIELD_STRING_OR_BYTES_LABEL_CHANGED: { purpose: 'a string or bytes field turned repeated or singular (wire-compatible)' },
  FIELD_MESSAGE_LABEL_CHANGED: { purpose: 'a message field turned repeated or singular (wire-compatible: messages merge)' },
  REQUIRED_FIELD_ADDED: { purpose: 'a proto2 required field was added (or a field became required)' },
  REQUIRED_FIELD_REMOVED: { purpose: 'a proto2 required field was removed (or stopped being required)' },
  ONEOF_FIELD_ADDED: { purpose: 'a field was added to a oneof, or one field moved into a new oneof' },
  ONEOF_FIELD_REMOVED: { purpose: 'a field moved out of a oneof (wire-compatible)' },
  MULTIPLE_FIELDS_MOVED_TO_ONEOF: { purpose: 'several existing fields moved into one new oneof' },
  FIELD_MOVED_TO_EXISTING_ONEOF: { purpose: 'an existing field moved into a oneof that already existed' },
  // strict (buf CSR)
  FILE_SAME_SYNTAX: { purpose: 'the syntax (proto2, proto3, edition) changed', strictOnly: true },
  FIELD_SAME_TYPE: { purpose: 'a field type changed within its wire group (JSON differs: int64 is a string)', strictOnly: true },
  FIELD_SAME_NAME: { purpose: 'a field was renamed (its JSON name changes)', strictOnly: true },
  FIELD_SAME_JSON_NAME: { purpose: "a field's JSON name (json_name) changed", strictOnly: true },
  FIELD_SAME_ONEOF: { purpose: 'a field moved into or out of a oneof', strictOnly: true },
  FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY: { purpose: 'a field turned repeated or singular (JSON arrays differ)', strictOnly: true },
  FIELD_SAME_DEFAULT: { purpose: 'a proto2 field default changed', strictOnly: true },
  FIELD_NO_DELETE_UNLESS_RESERVED: { purpose: 'a field was deleted without reserving both its number and its name', strictOnly: true },
  ENUM_VALUE_NO_DELETE_UNLESS_RESERVED: { purpose: 'an enum value was deleted without reserving both its number and its name', strictOnly: true },
  ENUM_VALUE_SAME_NAME: { purpose: 'an enum value was renamed (JSON uses the name)', strictOnly: true },
  ENUM_NO_DELETE: { purpose: 'an enum was deleted', strictOnly: true },
  ONEOF_NO_DELETE: { purpose: 'a oneof was deleted', strictOnly: true },
  RESERVED_MESSAGE_NO_DELETE: { purpose: 'reserved numbers or names were removed from a message', strictOnly: true },
  RESERVED_ENUM_NO_DELETE: { purpose: 'reserved numbers or names were removed from an enum', strictOnly: true },
};

type Dirs = { b: boolean; f: boolean };
const BOTH: Dirs = { b: true, f: true };
const BACK: Dirs = { b: true, f: false };

interface Finding {
  rule: string;
  path: string;
  message: string;
  /** Directions broken under the wire policy (undefined: none). */
  wire?: Dirs;
  /** Directions broken under strict in addition to wire. */
  strict?: Dirs;
  at: Where;
}
interface Where {
  file?: ProtoFile;
  line?: number;
  column?: number;
}

const GROUPS: Record<string, string> = {
  int32: 'varint', int64: 'varint', uint32: 'varint', uint64: 'varint', bool: 'varint',
  sint32: 'zigzag', sint64: 'zigzag',
  fixed32: 'fixed32', sfixed32: 'fixed32',
  fixed64: 'fixed64', sfixed64: 'fixed64',
  string: 'len', bytes: 'len',
  float: 'float', double: 'double',
};

/** protoc's default JSON name: lowerCamelCase of the field name. */
export function defaultJsonName(name: string): string {
  let out = '';
  let upper = false;
  for (const c of name) {
    if (c === '_') upper = true;
    else if (upper) {
      out += c.toUpperCase();
      upper = false;
    } else out += c;
  }
  return out;
}
export function jsonNameOf(f: PbField): string {
  return (f.options?.json_name as string | undefined) ?? defaultJsonName(f.name);
}

/** The real (non-synthetic) oneof a field belongs to. */
function oneofOf(f: PbField): string | undefined {
  if (!f.partOf) return undefined;
  if (f.options?.proto3_optional) return undefined;
  return f.partOf.name as string;
}

function isEnum(t: unknown): boolean {
  return !!t && typeof t === 'object' && 'values' in (t as object) && !('fields' in (t as object));
}

interface Side {
  loaded: Loaded;
  messages: Map<string, { type: PbType; file: ProtoFile; local: string }>;
  enums: Map<string, { e: PbEnum; file: ProtoFile; local: string }>;
}

function localName(fullName: string, pkg: string): string {
  const n = fullName.replace(/^\./, '');
  return pkg && n.startsWith(pkg + '.') ? n.slice(pkg.length + 1) : n;
}

function collect(loaded: Loaded): Side {
  const side: Side = { loaded, messages: new Map(), enums: new Map() };
  const walk = (ns: { nestedArray?: unknown[] }): void => {
    for (const child of (ns.nestedArray ?? []) as PbType[]) {
      const file = child.filename == null ? undefined : loaded.files.get(child.filename);
      if (child.fields !== undefined && 'fieldsArray' in child) {
        if (file && !file.wellKnown) {
          const local = localName(child.fullName, file.package);
          side.messages.set(`${file.key}\u0000${local}`, { type: child, file, local });
        }
      } else if (isEnum(child)) {
        if (file && !file.wellKnown) {
          const local = localName(child.fullName, file.package);
          side.enums.set(`${file.key}\u0000${local}`, { e: child, file, local });
        }
      }
      if (child.nestedArray) walk(child);
    }
  };
  walk(loaded.root);
  return side;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function locateMessage(file: ProtoFile, local: string): Where {
  let from = 1;
  let pos: { line: number; column: number } | undefined;
  for (const part of local.split('.')) {
    pos = findPosition(file.text, new RegExp(`\\b(?:message|group|enum)\\s+${esc(part)}\\b`), from);
    if (!pos) break;
    from = pos.line;
  }
  if (!pos) return { file };
  const lineText = file.text.split('\n')[pos.line - 1];
  const m = new RegExp(`\\b${esc(local.split('.').pop()!)}\\b`).exec(lineText.slice(pos.column - 1));
  return { file, line: pos.line, column: pos.column + (m?.index ?? 0) };
}

function locateIn(file: ProtoFile, local: string, re: RegExp): Where {
  const base = locateMessage(file, local);
  const pos = findPosition(file.text, re, base.line ?? 1);
  return pos ? { file, ...pos } : base;
}

function locateField(file: ProtoFile, local: string, f: PbField): Where {
  return locateIn(file, local, new RegExp(`\\b${esc(f.name)}\\s*=\\s*${f.id}\\b`));
}

function typeName(f: PbField): string {
  if (f.map) return `map<${f.keyType}, ${f.resolvedType ? f.resolvedType.fullName.replace(/^\./, '') : f.type}>`;
  if (f.resolvedType) return f.resolvedType.fullName.replace(/^\./, '');
  return f.type;
}

function kindOf(f: PbField): 'map' | 'message' | 'scalar' {
  if (f.map) return 'map';
  if (f.resolvedType && !isEnum(f.resolvedType)) return 'message';
  return 'scalar'; // scalars and enums (varint) alike, as Confluent does
}

function scalarGroup(type: string, resolved: unknown): string {
  if (resolved && isEnum(resolved)) return 'varint';
  return GROUPS[type] ?? type;
}

function isReservedId(t: PbType, id: number): boolean {
  return (t.reserved ?? []).some((r: unknown) => Array.isArray(r) && id >= r[0] && id <= r[1]);
}
function isReservedName(t: PbType, name: string): boolean {
  return (t.reserved ?? []).some((r: unknown) => r === name);
}
function reservedKeys(t: PbType): string[] {
  return (t.reserved ?? []).map((r: unknown) => (Array.isArray(r) ? `${r[0]} to ${r[1]}` : `"${String(r)}"`));
}

class Walker {
  readonly out: Finding[] = [];
  constructor(private readonly o: Side, private readonly n: Side) {}

  private add(f: Finding): void {
    this.out.push(f);
  }

  run(): void {
    // files: package and syntax, for the main file and every imported file present on both sides
    for (const [key, nf] of this.n.loaded.files) {
      const of = this.o.loaded.files.get(key);
      if (!of || nf.wellKnown) continue;
      if (of.package !== nf.package) {
        const pos = findPosition(nf.text, /\bpackage\b/) ?? { line: 1, column: 1 };
        this.add({ rule: 'PACKAGE_CHANGED', path: key || '(file)', message: `File ${key ? `"${key}" ` : ''}changed package from "${of.package}" to "${nf.package}"`, wire: BOTH, at: { file: nf, ...pos } });
      }
      if (of.syntax !== nf.syntax) {
        const pos = findPosition(nf.text, /\b(?:syntax|edition)\b/) ?? { line: 1, column: 1 };
        this.add({ rule: 'FILE_SAME_SYNTAX', path: key || '(file)', message: `File ${key ? `"${key}" ` : ''}changed syntax from "${of.syntax}" to "${nf.syntax}"`, strict: BOTH, at: { file: nf, ...pos } });
      }
    }
    const fileKeysBoth = (k: string): boolean => this.n.loaded.files.has(k.split('\u0000')[0]);
    for (const [k, om] of this.o.messages) {
      const nm = this.n.messages.get(k);
      if (!nm) {
        if (!fileKeysBoth(k)) continue; // the file is no longer imported at all
        const nf = this.n.loaded.files.get(om.file.key)!;
        this.add({ rule: 'MESSAGE_REMOVED', path: om.local, message: `Previously present message "${om.local}" was deleted`, wire: BACK, strict: BACK, at: { file: nf, line: 1, column: 1 } });
        continue;
      }
      this.message(om.type, nm.type, nm.file, nm.local);
    }
    for (const [k, nm] of this.n.messages) {
      if (!this.o.messages.has(k) && this.o.loaded.files.has(nm.file.key)) {
        this.add({ rule: 'MESSAGE_ADDED', path: nm.local, message: `Message "${nm.local}" was added`, at: locateMessage(nm.file, nm.local) });
      }
    }
    for (const [k, oe] of this.o.enums) {
      const ne = this.n.enums.get(k);
      if (!ne) {
        if (!fileKeysBoth(k)) continue;
        const nf = this.n.loaded.files.get(oe.file.key)!;
        this.add({ rule: 'ENUM_REMOVED', path: oe.local, message: `Previously present enum "${oe.local}" was deleted`, strict: BACK, at: { file: nf, line: 1, column: 1 } });
        continue;
      }
      this.enumPair(oe.e, ne.e, ne.file, ne.local);
    }
    for (const [k, ne] of this.n.enums) {
      if (!this.o.enums.has(k) && this.o.loaded.files.has(ne.file.key)) {
        this.add({ rule: 'ENUM_ADDED', path: ne.local, message: `Enum "${ne.local}" was added`, at: locateMessage(ne.file, ne.local) });
      }
    }
  }

  private message(O: PbType, N: PbType, file: ProtoFile, local: string): void {
    const msgAt = locateMessage(file, local);
    const oldById = new Map<number, PbField>(O.fieldsArray.map((f: PbField) => [f.id, f]));
    const newById = new Map<number, PbField>(N.fieldsArray.map((f: PbField) => [f.id, f]));
    const oldOneofs = new Set<string>(O.fieldsArray.map(oneofOf).filter(Boolean) as string[]);
    const newOneofs = new Set<string>(N.fieldsArray.map(oneofOf).filter(Boolean) as string[]);

    for (const [id, of] of oldById) {
      const nf = newById.get(id);
      const label = `Field "${id}" with name "${of.name}" on message "${local}"`;
      if (!nf) {
        const reserved = isReservedId(N, id) && isReservedName(N, of.name);
        const missing = [!isReservedId(N, id) ? `the number "${id}"` : '', !isReservedName(N, of.name) ? `the name "${of.name}"` : ''].filter(Boolean).join(' and ');
        if (of.required) {
          this.add({ rule: 'REQUIRED_FIELD_REMOVED', path: `${local}.${of.name}`, message: `Previously present required field "${id}" with name "${of.name}" on message "${local}" was deleted`, wire: BOTH, at: msgAt });
        } else if (!reserved) {
          this.add({ rule: 'FIELD_NO_DELETE_UNLESS_RESERVED', path: `${local}.${of.name}`, message: `Previously present field "${id}" with name "${of.name}" on message "${local}" was deleted without reserving ${missing}`, strict: BACK, at: msgAt });
        } else {
          this.add({ rule: oneofOf(of) ? 'ONEOF_FIELD_REMOVED' : 'FIELD_REMOVED', path: `${local}.${of.name}`, message: `${label} was deleted (number and name reserved)`, at: msgAt });
        }
        continue;
      }
      this.field(of, nf, O, N, file, local, oldOneofs);
    }
    for (const [id, nf] of newById) {
      if (oldById.has(id)) continue;
      const at = locateField(file, local, nf);
      if (nf.required) {
        this.add({ rule: 'REQUIRED_FIELD_ADDED', path: `${local}.${nf.name}`, message: `Required field "${id}" with name "${nf.name}" was added to message "${local}"`, wire: BOTH, at });
      } else {
        const oo = oneofOf(nf);
        this.add({ rule: oo ? 'ONEOF_FIELD_ADDED' : 'FIELD_ADDED', path: `${local}.${nf.name}`, message: `Field "${id}" with name "${nf.name}" was added to message "${local}"${oo ? ` in oneof "${oo}"` : ''}`, at });
      }
    }
    // fields moved into a oneof that is new: several at once break (their values now exclude each other)
    const movedInto = new Map<string, PbField[]>();
    for (const [id, nf] of newById) {
      const of = oldById.get(id);
      const oo = of && oneofOf(of);
      const no = oneofOf(nf);
      if (of && no && oo !== no && !oldOneofs.has(no)) movedInto.set(no, [...(movedInto.get(no) ?? []), nf]);
    }
    for (const [oneof, fields] of movedInto) {
      if (fields.length > 1) {
        this.add({ rule: 'MULTIPLE_FIELDS_MOVED_TO_ONEOF', path: `${local}.${oneof}`, message: `Fields ${fields.map((f) => `"${f.name}"`).join(', ')} on message "${local}" were moved into the new oneof "${oneof}"`, wire: BACK, at: locateIn(file, local, new RegExp(`\\boneof\\s+${esc(oneof)}\\b`)) });
      }
    }
    for (const oneof of oldOneofs) {
      if (!newOneofs.has(oneof)) {
        this.add({ rule: 'ONEOF_NO_DELETE', path: `${local}.${oneof}`, message: `Previously present oneof "${oneof}" on message "${local}" was deleted`, strict: BACK, at: msgAt });
      }
    }
    const newReserved = new Set(reservedKeys(N));
    const lost = reservedKeys(O).filter((r) => !newReserved.has(r) && !this.stillReserved(N, r));
    if (lost.length) {
      this.add({ rule: 'RESERVED_MESSAGE_NO_DELETE', path: local, message: `Previously reserved ${lost.join(', ')} on message "${local}" ${lost.length > 1 ? 'were' : 'was'} removed`, strict: BOTH, at: msgAt });
    }
  }

  private stillReserved(N: PbType, r: string): boolean {
    const m = /^(\d+) to (\d+)$/.exec(r);
    if (m) {
      for (let i = Number(m[1]); i <= Math.min(Number(m[2]), Number(m[1]) + 1000); i++) if (!isReservedId(N, i)) return false;
      return true;
    }
    return isReservedName(N, r.slice(1, -1));
  }

  private field(of: PbField, nf: PbField, O: PbType, N: PbType, file: ProtoFile, local: string, oldOneofs: Set<string>): void {
    const at = locateField(file, local, nf);
    const path = `${local}.${nf.name}`;
    const label = `Field "${nf.id}" with name "${nf.name}" on message "${local}"`;
    if (of.name !== nf.name) {
      this.add({ rule: 'FIELD_SAME_NAME', path, message: `Field "${nf.id}" on message "${local}" changed name from "${of.name}" to "${nf.name}"`, strict: BOTH, at });
    }
    if (jsonNameOf(of) !== jsonNameOf(nf)) {
      this.add({ rule: 'FIELD_SAME_JSON_NAME', path, message: `${label} changed its JSON name from "${jsonNameOf(of)}" to "${jsonNameOf(nf)}"`, strict: BOTH, at });
    }
    // kind and type
    const ok = kindOf(of);
    const nk = kindOf(nf);
    const ot = typeName(of);
    const nt = typeName(nf);
    const changedType = `${label} changed type from "${ot}" to "${nt}"`;
    if (ok !== nk) {
      this.add({ rule: 'FIELD_KIND_CHANGED', path, message: `${changedType} (kind ${ok} to ${nk})`, wire: BOTH, at });
    } else if (ok === 'message') {
      const ol = localName(of.resolvedType.fullName, this.fileOf(this.o, of.resolvedType)?.package ?? '');
      const nl = localName(nf.resolvedType.fullName, this.fileOf(this.n, nf.resolvedType)?.package ?? '');
      if (ol !== nl) this.add({ rule: 'FIELD_NAMED_TYPE_CHANGED', path, message: changedType, wire: BOTH, at });
      else if (ot !== nt) this.add({ rule: 'FIELD_SAME_TYPE', path, message: changedType, strict: BOTH, at });
    } else if (ok === 'map') {
      const okey = GROUPS[of.keyType];
      const nkey = GROUPS[nf.keyType];
      const ovk = of.resolvedType ? (isEnum(of.resolvedType) ? 'scalar' : 'message') : 'scalar';
      const nvk = nf.resolvedType ? (isEnum(nf.resolvedType) ? 'scalar' : 'message') : 'scalar';
      if (okey !== nkey) this.add({ rule: 'FIELD_SCALAR_KIND_CHANGED', path, message: `${changedType} (map key)`, wire: BOTH, at });
      else if (ovk !== nvk) this.add({ rule: 'FIELD_KIND_CHANGED', path, message: `${changedType} (map value)`, wire: BOTH, at });
      else if (ovk === 'scalar' && scalarGroup(of.type, of.resolvedType) !== scalarGroup(nf.type, nf.resolvedType)) {
        this.add({ rule: 'FIELD_SCALAR_KIND_CHANGED', path, message: `${changedType} (map value)`, wire: BOTH, at });
      } else if (ovk === 'message' && localName(of.resolvedType.fullName, this.fileOf(this.o, of.resolvedType)?.package ?? '') !== localName(nf.resolvedType.fullName, this.fileOf(this.n, nf.resolvedType)?.package ?? '')) {
        this.add({ rule: 'FIELD_NAMED_TYPE_CHANGED', path, message: `${changedType} (map value)`, wire: BOTH, at });
      } else if (ot !== nt) this.add({ rule: 'FIELD_SAME_TYPE', path, message: changedType, strict: BOTH, at });
    } else {
      const og = scalarGroup(of.type, of.resolvedType);
      const ng = scalarGroup(nf.type, nf.resolvedType);
      if (og !== ng) this.add({ rule: 'FIELD_SCALAR_KIND_CHANGED', path, message: changedType, wire: BOTH, at });
      else if (ot !== nt) {
        const why = /int64|uint64|fixed64/.test(nt) !== /int64|uint64|fixed64/.test(ot) ? ' (wire-compatible, but JSON encodes 64-bit integers as strings)' : ' (wire-compatible; generated code and JSON differ)';
        this.add({ rule: 'FIELD_SAME_TYPE', path, message: changedType + why, strict: BOTH, at });
      }
    }
    // labels
    const orep = !!of.repeated && !of.map;
    const nrep = !!nf.repeated && !nf.map;
    if (orep !== nrep && ok === nk && ok !== 'map') {
      const card = `${label} changed cardinality from "${orep ? 'repeated' : 'singular'}" to "${nrep ? 'repeated' : 'singular'}"`;
      if (ok === 'message') this.add({ rule: 'FIELD_MESSAGE_LABEL_CHANGED', path, message: card, strict: BOTH, at });
      else if (scalarGroup(nf.type, nf.resolvedType) === 'len') this.add({ rule: 'FIELD_STRING_OR_BYTES_LABEL_CHANGED', path, message: card, strict: BOTH, at });
      else this.add({ rule: 'FIELD_NUMERIC_LABEL_CHANGED', path, message: card, wire: BOTH, at });
    }
    if (!of.required && nf.required) this.add({ rule: 'REQUIRED_FIELD_ADDED', path, message: `${label} became required`, wire: BOTH, at });
    if (of.required && !nf.required) this.add({ rule: 'REQUIRED_FIELD_REMOVED', path, message: `${label} is no longer required`, wire: BOTH, at });
    const od = of.options?.default;
    const nd = nf.options?.default;
    if (od !== undefined && String(od) !== String(nd)) {
      this.add({ rule: 'FIELD_SAME_DEFAULT', path, message: `${label} changed default from "${String(od)}" to "${nd === undefined ? 'none' : String(nd)}"`, strict: BOTH, at });
    }
    // oneofs
    const oo = oneofOf(of);
    const no = oneofOf(nf);
    if (oo !== no) {
      if (no && oldOneofs.has(no)) {
        this.add({ rule: 'FIELD_MOVED_TO_EXISTING_ONEOF', path, message: `${label} moved into the existing oneof "${no}"`, wire: BACK, strict: BOTH, at });
      } else if (no) {
        this.add({ rule: 'FIELD_SAME_ONEOF', path, message: `${label} moved ${oo ? `from oneof "${oo}" ` : ''}into the new oneof "${no}"`, strict: BOTH, at });
      } else {
        this.add({ rule: 'FIELD_SAME_ONEOF', path, message: `${label} moved from inside to outside the oneof "${oo}"`, strict: BOTH, at });
      }
    }
    void O;
    void N;
  }

  private fileOf(side: Side, t: PbType): ProtoFile | undefined {
    return side.loaded.files.get(t.filename ?? '');
  }

  private enumPair(O: PbEnum, N: PbEnum, file: ProtoFile, local: string): void {
    const byNum = (e: PbEnum): Map<number, string[]> => {
      const m = new Map<number, string[]>();
      for (const [name, num] of Object.entries(e.values as Record<string, number>)) m.set(num, [...(m.get(num) ?? []), name]);
      return m;
    };
    const on = byNum(O);
    const nn = byNum(N);
    const enumAt = locateMessage(file, local);
    for (const [num, names] of on) {
      const now = nn.get(num);
      if (!now) {
        const reserved = names.every((x) => isReservedName(N, x)) && isReservedId(N, num);
        if (reserved) {
          this.add({ rule: 'ENUM_CONST_REMOVED', path: `${local}.${names[0]}`, message: `Enum value "${num}" (${names.join(', ')}) on enum "${local}" was deleted (number and name reserved)`, at: enumAt });
        } else {
          this.add({ rule: 'ENUM_VALUE_NO_DELETE_UNLESS_RESERVED', path: `${local}.${names[0]}`, message: `Previously present enum value "${num}" on enum "${local}" was deleted without reserving its number and name "${names[0]}"`, strict: BACK, at: enumAt });
        }
        continue;
      }
      const lost = names.filter((x) => !now.includes(x));
      if (lost.length) {
        const at = locateIn(file, local, new RegExp(`\\b${esc(now[0])}\\s*=\\s*-?${Math.abs(num)}\\b`));
        this.add({ rule: 'ENUM_VALUE_SAME_NAME', path: `${local}.${now[0]}`, message: `Enum value "${num}" on enum "${local}" changed name from "${lost[0]}" to "${now[0]}"`, strict: BOTH, at });
      }
    }
    for (const [num, names] of nn) {
      if (!on.has(num)) {
        const at = locateIn(file, local, new RegExp(`\\b${esc(names[0])}\\s*=`));
        this.add({ rule: 'ENUM_CONST_ADDED', path: `${local}.${names[0]}`, message: `Enum value "${num}" with name "${names[0]}" was added to enum "${local}"`, at });
      }
    }
    const newReserved = new Set(reservedKeys(N));
    const lostRes = reservedKeys(O).filter((r) => !newReserved.has(r));
    if (lostRes.length) this.add({ rule: 'RESERVED_ENUM_NO_DELETE', path: local, message: `Previously reserved ${lostRes.join(', ')} on enum "${local}" ${lostRes.length > 1 ? 'were' : 'was'} removed`, strict: BOTH, at: enumAt });
  }
}

/** Every change between OLD and NEW under a policy. */
export function compareProto(oldL: Loaded, newL: Loaded, policy: Policy): Change[] {
  const w = new Walker(collect(oldL), collect(newL));
  w.run();
  return w.out.map((f) => {
    const wb = f.wire?.b ?? false;
    const wf = f.wire?.f ?? false;
    const sb = f.strict?.b ?? false;
    const sf = f.strict?.f ?? false;
    const breaksBackward = policy === 'strict' ? wb || sb : wb;
    const breaksForward = policy === 'strict' ? wf || sf : wf;
    const severity = breaksBackward || breaksForward ? 'error' : sb || sf ? 'warning' : 'info';
    const c: Change = { rule: f.rule, path: f.path, message: f.message, breaksBackward, breaksForward, category: 'validation', severity };
    if (f.at.file) c.file = f.at.file.display;
    if (f.at.line !== undefined) {
      c.line = f.at.line;
      c.column = f.at.column ?? 1;
    }
    return c;
  });
}

/**
 * Protobuf compatibility: a pair walker over two loaded Roots (the main file and every imported file,
 * matched by import path), giving one finding per change, by rule id with parameters. What each rule
 * breaks under each policy is data, in the rule table (rules.ts):
 * - `wire` (default): Confluent's protobuf checker for binary data (rule ids are Confluent's Difference types);
 * - `strict`: buf's CSR category exactly, FORWARD being CSR with old and new swapped.
 * Under `wire`, a finding only `strict` forbids is kept as a warning that breaks nothing.
 */
import type { Change } from '../../model/types.js';
import { findPosition, type Loaded, type PbEnum, type PbField, type PbType, type ProtoFile } from './load.js';
import { PROTOBUF_RULE_INDEX, PROTOBUF_RULE_TABLE, breaksUnder, formatProtobufMessage, type ProtobufRule } from './rules.js';

export type Policy = 'wire' | 'strict';
const POLICIES: readonly Policy[] = ['wire', 'strict'];

/** The rule table (id -> purpose, breaks), kept for the callers that list the rules. */
export const PROTOBUF_RULES: Record<string, { purpose: string; strictOnly?: boolean }> = Object.fromEntries(
  PROTOBUF_RULE_TABLE.map((r) => [r.id, { purpose: r.purpose, ...(r.breaks.wire === 'none' && r.breaks.strict !== 'none' ? { strictOnly: true } : {}) }]),
);

interface Finding {
  rule: ProtobufRule;
  path: string;
  message: string;
  at: Where;
}
interface Where {
  file?: ProtoFile;
  line?: number;
  column?: number;
}

const GROUPS: Record<string, string> = {
  int32: 'varint',
  int64: 'varint',
  uint32: 'varint',
  uint64: 'varint',
  bool: 'varint',
  sint32: 'zigzag',
  sint64: 'zigzag',
  fixed32: 'fixed32',
  sfixed32: 'fixed32',
  fixed64: 'fixed64',
  sfixed64: 'fixed64',
  string: 'len',
  bytes: 'len',
  float: 'float',
  double: 'double',
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
  services: Map<string, { s: PbType; file: ProtoFile; local: string }>;
}

/** A message's own fields: not the copies protobufjs adds for `extend` declarations (buf's CSR has no rule for those). */
function ownFields(t: PbType): PbField[] {
  return (t.fieldsArray as PbField[]).filter((f) => !f.declaringField);
}

/** protobufjs's resolved json_format feature (ALLOW for proto3, LEGACY_BEST_EFFORT for proto2; editions set it). */
function jsonFormat(t: { _features?: { json_format?: string } }): string | undefined {
  return t._features?.json_format;
}

/** Inclusive number ranges of `extensions` declarations, merged. */
function extensionRanges(t: PbType): Array<[number, number]> {
  const rs = ((t.extensions ?? []) as Array<[number, number]>).map(([a, b]) => [a, b] as [number, number]).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of rs) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([...r]);
  }
  return out;
}

/** The parts of ranges `a` not covered by ranges `b`. */
function rangesMinus(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = bhi + 1;
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

const MAX_FIELD = 536870911;
const showRanges = (rs: Array<[number, number]>): string => rs.map(([a, b]) => `[${a},${b === MAX_FIELD ? 'max' : b}]`).join(', ');

function localName(fullName: string, pkg: string): string {
  const n = fullName.replace(/^\./, '');
  return pkg && n.startsWith(pkg + '.') ? n.slice(pkg.length + 1) : n;
}

function collect(loaded: Loaded): Side {
  const side: Side = { loaded, messages: new Map(), enums: new Map(), services: new Map() };
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
      } else if (child.methods !== undefined && 'methodsArray' in child) {
        if (file && !file.wellKnown) {
          const local = localName(child.fullName, file.package);
          side.services.set(`${file.key}\u0000${local}`, { s: child, file, local });
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

function locateService(file: ProtoFile, local: string): Where {
  const pos = findPosition(file.text, new RegExp(`\\bservice\\s+${esc(local.split('.').pop()!)}\\b`));
  return pos ? { file, ...pos } : { file };
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
  constructor(
    private readonly o: Side,
    private readonly n: Side,
  ) {}

  private emit(id: string, path: string, params: Record<string, string | number>, at: Where): void {
    const rule = PROTOBUF_RULE_INDEX.get(id);
    if (!rule) throw new Error(`unknown Protobuf rule ${id}`);
    this.out.push({ rule, path, message: formatProtobufMessage(rule, params), at });
  }

  run(): void {
    // files: package and syntax, for the main file and every imported file present on both sides
    for (const [key, nf] of this.n.loaded.files) {
      const of = this.o.loaded.files.get(key);
      if (!of || nf.wellKnown) continue;
      const file = key ? `"${key}" ` : '';
      if (of.package !== nf.package) {
        const pos = findPosition(nf.text, /\bpackage\b/) ?? { line: 1, column: 1 };
        this.emit('PACKAGE_CHANGED', key || '(file)', { file, old: of.package, new: nf.package }, { file: nf, ...pos });
      }
      if (of.syntax !== nf.syntax) {
        const pos = findPosition(nf.text, /\b(?:syntax|edition)\b/) ?? { line: 1, column: 1 };
        this.emit('FILE_SAME_SYNTAX', key || '(file)', { file, old: of.syntax, new: nf.syntax }, { file: nf, ...pos });
      }
    }
    const fileKeysBoth = (k: string): boolean => this.n.loaded.files.has(k.split('\u0000')[0]);
    for (const [k, om] of this.o.messages) {
      const nm = this.n.messages.get(k);
      if (!nm) {
        if (!fileKeysBoth(k)) continue; // the file is no longer imported at all
        const nf = this.n.loaded.files.get(om.file.key)!;
        this.emit('MESSAGE_REMOVED', om.local, { message: om.local }, { file: nf, line: 1, column: 1 });
        continue;
      }
      this.message(om.type, nm.type, nm.file, nm.local);
    }
    for (const [k, nm] of this.n.messages) {
      if (!this.o.messages.has(k) && this.o.loaded.files.has(nm.file.key)) {
        this.emit('MESSAGE_ADDED', nm.local, { message: nm.local }, locateMessage(nm.file, nm.local));
      }
    }
    for (const [k, oe] of this.o.enums) {
      const ne = this.n.enums.get(k);
      if (!ne) {
        if (!fileKeysBoth(k)) continue;
        const nf = this.n.loaded.files.get(oe.file.key)!;
        this.emit('ENUM_REMOVED', oe.local, { enum: oe.local }, { file: nf, line: 1, column: 1 });
        continue;
      }
      this.enumPair(oe.e, ne.e, ne.file, ne.local);
    }
    for (const [k, ne] of this.n.enums) {
      if (!this.o.enums.has(k) && this.o.loaded.files.has(ne.file.key)) {
        this.emit('ENUM_ADDED', ne.local, { enum: ne.local }, locateMessage(ne.file, ne.local));
      }
    }
    // services: CSR compares the RPCs present on both sides (deleting one is FILE/PACKAGE's RPC_NO_DELETE, not CSR's)
    for (const [k, os] of this.o.services) {
      const ns = this.n.services.get(k);
      if (ns) this.service(os.s, ns.s, ns.file, ns.local);
    }
  }

  private service(O: PbType, N: PbType, file: ProtoFile, local: string): void {
    for (const om of O.methodsArray as PbType[]) {
      const nm = N.methods[om.name];
      if (!nm) continue;
      const svcAt = locateService(file, local);
      const rpcAt = findPosition(file.text, new RegExp(`\\brpc\\s+${esc(om.name)}\\b`), svcAt.line ?? 1);
      const where: Where = rpcAt ? { file, ...rpcAt } : svcAt;
      const p = { rpc: om.name, service: local };
      const path = `${local}.${om.name}`;
      const typeOf = (m: PbType, which: 'Request' | 'Response'): string =>
        String(m[`resolved${which}Type`]?.fullName ?? m[`${which.toLowerCase()}Type`]).replace(/^\./, '');
      for (const which of ['Request', 'Response'] as const) {
        const ot = typeOf(om, which);
        const nt = typeOf(nm, which);
        if (ot !== nt) this.emit(`RPC_SAME_${which.toUpperCase()}_TYPE`, path, { ...p, old: ot, new: nt }, where);
      }
      const mode = (x: unknown) => (x ? 'streaming' : 'unary');
      if (!!om.requestStream !== !!nm.requestStream)
        this.emit('RPC_SAME_CLIENT_STREAMING', path, { ...p, old: mode(om.requestStream), new: mode(nm.requestStream) }, where);
      if (!!om.responseStream !== !!nm.responseStream)
        this.emit('RPC_SAME_SERVER_STREAMING', path, { ...p, old: mode(om.responseStream), new: mode(nm.responseStream) }, where);
      const level = (m: PbType): string => String(m.options?.idempotency_level ?? 'IDEMPOTENCY_UNKNOWN');
      if (level(om) !== level(nm)) this.emit('RPC_SAME_IDEMPOTENCY_LEVEL', path, { ...p, old: level(om), new: level(nm) }, where);
    }
  }

  private message(O: PbType, N: PbType, file: ProtoFile, local: string): void {
    const msgAt = locateMessage(file, local);
    const oldById = new Map<number, PbField>(ownFields(O).map((f: PbField) => [f.id, f]));
    const newById = new Map<number, PbField>(ownFields(N).map((f: PbField) => [f.id, f]));
    const oldOneofs = new Set<string>(ownFields(O).map(oneofOf).filter(Boolean) as string[]);
    const newOneofs = new Set<string>(ownFields(N).map(oneofOf).filter(Boolean) as string[]);
    // extension ranges, the standard descriptor accessor and JSON support (buf's CSR)
    const lostExt = rangesMinus(extensionRanges(O), extensionRanges(N));
    if (lostExt.length) this.emit('EXTENSION_MESSAGE_NO_DELETE', local, { ranges: showRanges(lostExt), message: local }, msgAt);
    const gainedExt = rangesMinus(extensionRanges(N), extensionRanges(O));
    if (gainedExt.length) this.emit('EXTENSION_RANGE_ADDED', local, { ranges: showRanges(gainedExt), message: local }, locateIn(file, local, /\bextensions\b/));
    const oAcc = O.options?.no_standard_descriptor_accessor === true;
    const nAcc = N.options?.no_standard_descriptor_accessor === true;
    if (oAcc !== nAcc) {
      const at = locateIn(file, local, /\bno_standard_descriptor_accessor\b/);
      this.emit(
        nAcc ? 'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR' : 'STANDARD_DESCRIPTOR_ACCESSOR_ADDED',
        local,
        { message: local },
        at.line ? at : msgAt,
      );
    }
    const ojf = jsonFormat(O);
    const njf = jsonFormat(N);
    if (ojf && njf && ojf !== njf) {
      this.emit(njf === 'ALLOW' ? 'MESSAGE_JSON_FORMAT_ALLOWED' : 'MESSAGE_SAME_JSON_FORMAT', local, { message: local, old: ojf, new: njf }, msgAt);
    }

    for (const [id, of] of oldById) {
      const nf = newById.get(id);
      const p = { number: id, name: of.name, message: local };
      const path = `${local}.${of.name}`;
      if (!nf) {
        const reserved = isReservedId(N, id) && isReservedName(N, of.name);
        const missing = [!isReservedId(N, id) ? `the number "${id}"` : '', !isReservedName(N, of.name) ? `the name "${of.name}"` : '']
          .filter(Boolean)
          .join(' and ');
        const oo = oneofOf(of);
        if (of.required) {
          this.emit(
            'REQUIRED_FIELD_REMOVED',
            path,
            { what: `Previously present required field "${id}" with name "${of.name}" on message "${local}" was deleted` },
            msgAt,
          );
        } else if (oo && newOneofs.has(oo)) {
          // Confluent: a member dropped from a oneof that remains breaks (buf: a deletion)
          this.emit('ONEOF_FIELD_REMOVED', path, { ...p, oneof: oo }, msgAt);
        } else if (!reserved) {
          this.emit('FIELD_NO_DELETE_UNLESS_RESERVED', path, { ...p, missing }, msgAt);
        } else {
          this.emit('FIELD_REMOVED', path, p, msgAt);
        }
        continue;
      }
      this.field(of, nf, file, local, oldOneofs);
    }
    for (const [id, nf] of newById) {
      if (oldById.has(id)) continue;
      const at = locateField(file, local, nf);
      const path = `${local}.${nf.name}`;
      if (nf.required) {
        this.emit('REQUIRED_FIELD_ADDED', path, { what: `Required field "${id}" with name "${nf.name}" was added to message "${local}"` }, at);
      } else {
        const oo = oneofOf(nf);
        if (oo) this.emit('ONEOF_FIELD_ADDED', path, { number: id, name: nf.name, message: local, oneof: oo }, at);
        else this.emit('FIELD_ADDED', path, { number: id, name: nf.name, message: local }, at);
      }
    }
    // Confluent's oneof membership check, per oneof of the new message: top-level fields moved into it
    // (several: their values now exclude each other) and one moved beside members of an earlier oneof
    for (const oneof of newOneofs) {
      const members = [...newById.values()].filter((f) => oneofOf(f) === oneof);
      const moved = members.filter((f) => oldById.has(f.id) && !oneofOf(oldById.get(f.id)!));
      const existing = members.filter((f) => oldById.has(f.id) && oneofOf(oldById.get(f.id)!));
      const at = locateIn(file, local, new RegExp(`\\boneof\\s+${esc(oneof)}\\b`));
      if (moved.length > 1) {
        this.emit('MULTIPLE_FIELDS_MOVED_TO_ONEOF', `${local}.${oneof}`, { fields: moved.map((f) => `"${f.name}"`).join(', '), message: local, oneof }, at);
      } else if (moved.length === 1 && existing.length > 0) {
        this.emit(
          'FIELD_MOVED_TO_EXISTING_ONEOF',
          `${local}.${moved[0].name}`,
          { number: moved[0].id, name: moved[0].name, message: local, oneof },
          locateField(file, local, moved[0]),
        );
      }
    }
    for (const oneof of oldOneofs) {
      if (!newOneofs.has(oneof)) this.emit('ONEOF_NO_DELETE', `${local}.${oneof}`, { oneof, message: local }, msgAt);
    }
    for (const oneof of newOneofs) {
      if (!oldOneofs.has(oneof))
        this.emit('ONEOF_ADDED', `${local}.${oneof}`, { oneof, message: local }, locateIn(file, local, new RegExp(`\\boneof\\s+${esc(oneof)}\\b`)));
    }
    const lost = reservedKeys(O).filter((r) => !this.stillReserved(N, r));
    if (lost.length)
      this.emit('RESERVED_MESSAGE_NO_DELETE', local, { reserved: lost.join(', '), message: local, verb: lost.length > 1 ? 'were' : 'was' }, msgAt);
    const gained = reservedKeys(N).filter((r) => !this.stillReserved(O, r));
    if (gained.length)
      this.emit('RESERVED_MESSAGE_ADDED', local, { reserved: gained.join(', '), message: local, verb: gained.length > 1 ? 'were' : 'was' }, msgAt);
  }

  private stillReserved(N: { reserved?: unknown[] }, r: string): boolean {
    const m = /^(\d+) to (\d+)$/.exec(r);
    if (m) {
      for (let i = Number(m[1]); i <= Math.min(Number(m[2]), Number(m[1]) + 1000); i++) if (!isReservedId(N as PbType, i)) return false;
      return true;
    }
    return isReservedName(N as PbType, r.slice(1, -1));
  }

  private field(of: PbField, nf: PbField, file: ProtoFile, local: string, oldOneofs: Set<string>): void {
    const at = locateField(file, local, nf);
    const path = `${local}.${nf.name}`;
    const p = { number: nf.id, name: nf.name, message: local };
    if (of.name !== nf.name) this.emit('FIELD_SAME_NAME', path, { ...p, old: of.name, new: nf.name }, at);
    if (jsonNameOf(of) !== jsonNameOf(nf)) this.emit('FIELD_SAME_JSON_NAME', path, { ...p, old: jsonNameOf(of), new: jsonNameOf(nf) }, at);
    // kind and type
    const ok = kindOf(of);
    const nk = kindOf(nf);
    const ot = typeName(of);
    const nt = typeName(nf);
    const t = { ...p, old: ot, new: nt };
    if (ok !== nk) {
      this.emit('FIELD_KIND_CHANGED', path, { ...t, detail: `kind ${ok} to ${nk}` }, at);
    } else if (ok === 'message') {
      const ol = localName(of.resolvedType.fullName, this.fileOf(this.o, of.resolvedType)?.package ?? '');
      const nl = localName(nf.resolvedType.fullName, this.fileOf(this.n, nf.resolvedType)?.package ?? '');
      if (ol !== nl) this.emit('FIELD_NAMED_TYPE_CHANGED', path, { ...t, detail: '' }, at);
      else if (ot !== nt) this.emit('FIELD_SAME_TYPE', path, { ...t, detail: '' }, at);
    } else if (ok === 'map') {
      const okey = GROUPS[of.keyType];
      const nkey = GROUPS[nf.keyType];
      const ovk = of.resolvedType ? (isEnum(of.resolvedType) ? 'scalar' : 'message') : 'scalar';
      const nvk = nf.resolvedType ? (isEnum(nf.resolvedType) ? 'scalar' : 'message') : 'scalar';
      if (okey !== nkey) this.emit('FIELD_SCALAR_KIND_CHANGED', path, { ...t, detail: ' (map key)' }, at);
      else if (ovk !== nvk) this.emit('FIELD_KIND_CHANGED', path, { ...t, detail: 'map value' }, at);
      else if (ovk === 'scalar' && scalarGroup(of.type, of.resolvedType) !== scalarGroup(nf.type, nf.resolvedType)) {
        this.emit('FIELD_SCALAR_KIND_CHANGED', path, { ...t, detail: ' (map value)' }, at);
      } else if (
        ovk === 'message' &&
        localName(of.resolvedType.fullName, this.fileOf(this.o, of.resolvedType)?.package ?? '') !==
          localName(nf.resolvedType.fullName, this.fileOf(this.n, nf.resolvedType)?.package ?? '')
      ) {
        this.emit('FIELD_NAMED_TYPE_CHANGED', path, { ...t, detail: ' (map value)' }, at);
      } else if (ot !== nt) this.emit('FIELD_SAME_TYPE', path, { ...t, detail: '' }, at);
    } else {
      const og = scalarGroup(of.type, of.resolvedType);
      const ng = scalarGroup(nf.type, nf.resolvedType);
      if (og !== ng) this.emit('FIELD_SCALAR_KIND_CHANGED', path, { ...t, detail: '' }, at);
      else if (ot !== nt) {
        const why =
          /int64|uint64|fixed64/.test(nt) !== /int64|uint64|fixed64/.test(ot)
            ? ' (wire-compatible, but JSON encodes 64-bit integers as strings)'
            : ' (wire-compatible; generated code and JSON differ)';
        this.emit('FIELD_SAME_TYPE', path, { ...t, detail: why }, at);
      }
    }
    // labels
    const orep = !!of.repeated && !of.map;
    const nrep = !!nf.repeated && !nf.map;
    if (orep !== nrep && ok === nk && ok !== 'map') {
      const card = { ...p, old: orep ? 'repeated' : 'singular', new: nrep ? 'repeated' : 'singular' };
      if (ok === 'message') this.emit('FIELD_MESSAGE_LABEL_CHANGED', path, card, at);
      else if (scalarGroup(nf.type, nf.resolvedType) === 'len') this.emit('FIELD_STRING_OR_BYTES_LABEL_CHANGED', path, card, at);
      else this.emit('FIELD_NUMERIC_LABEL_CHANGED', path, card, at);
    }
    const label = `Field "${nf.id}" with name "${nf.name}" on message "${local}"`;
    if (!of.required && nf.required) this.emit('REQUIRED_FIELD_ADDED', path, { what: `${label} became required` }, at);
    if (of.required && !nf.required) this.emit('REQUIRED_FIELD_REMOVED', path, { what: `${label} is no longer required` }, at);
    const od = of.options?.default;
    const nd = nf.options?.default;
    if (od !== undefined && String(od) !== String(nd)) {
      this.emit('FIELD_SAME_DEFAULT', path, { ...p, old: String(od), new: nd === undefined ? 'none' : String(nd) }, at);
    }
    // oneof membership (buf's FIELD_SAME_ONEOF); Confluent's check is per oneof, in message()
    const oo = oneofOf(of);
    const no = oneofOf(nf);
    if (oo !== no) {
      const how = no
        ? `${oo ? `from oneof "${oo}" ` : ''}into the ${oldOneofs.has(no) ? 'existing' : 'new'} oneof "${no}"`
        : `from inside to outside the oneof "${oo}"`;
      this.emit('FIELD_SAME_ONEOF', path, { ...p, how }, at);
    }
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
    const ojf = jsonFormat(O);
    const njf = jsonFormat(N);
    if (ojf && njf && ojf !== njf) {
      this.emit(njf === 'ALLOW' ? 'ENUM_JSON_FORMAT_ALLOWED' : 'ENUM_SAME_JSON_FORMAT', local, { enum: local, old: ojf, new: njf }, enumAt);
    }
    for (const [num, names] of on) {
      const now = nn.get(num);
      if (!now) {
        const reserved = names.every((x) => isReservedName(N, x)) && isReservedId(N, num);
        if (reserved) this.emit('ENUM_CONST_REMOVED', `${local}.${names[0]}`, { number: num, names: names.join(', '), enum: local }, enumAt);
        else this.emit('ENUM_VALUE_NO_DELETE_UNLESS_RESERVED', `${local}.${names[0]}`, { number: num, enum: local, name: names[0] }, enumAt);
        continue;
      }
      const lost = names.filter((x) => !now.includes(x));
      if (lost.length) {
        const at = locateIn(file, local, new RegExp(`\\b${esc(now[0])}\\s*=\\s*-?${Math.abs(num)}\\b`));
        this.emit('ENUM_VALUE_SAME_NAME', `${local}.${now[0]}`, { number: num, enum: local, old: lost[0], new: now[0] }, at);
      }
    }
    for (const [num, names] of nn) {
      if (!on.has(num)) {
        const at = locateIn(file, local, new RegExp(`\\b${esc(names[0])}\\s*=`));
        this.emit('ENUM_CONST_ADDED', `${local}.${names[0]}`, { number: num, name: names[0], enum: local }, at);
      }
    }
    const lostRes = reservedKeys(O).filter((r) => !this.stillReserved(N, r));
    if (lostRes.length)
      this.emit('RESERVED_ENUM_NO_DELETE', local, { reserved: lostRes.join(', '), enum: local, verb: lostRes.length > 1 ? 'were' : 'was' }, enumAt);
    const gained = reservedKeys(N).filter((r) => !this.stillReserved(O, r));
    if (gained.length) this.emit('RESERVED_ENUM_ADDED', local, { reserved: gained.join(', '), enum: local, verb: gained.length > 1 ? 'were' : 'was' }, enumAt);
  }
}

/** Every change between OLD and NEW under a policy; what each breaks comes from the rule table. */
export function compareProto(oldL: Loaded, newL: Loaded, policy: Policy): Change[] {
  const w = new Walker(collect(oldL), collect(newL));
  w.run();
  return w.out.map((f) => {
    const breaksBackward = breaksUnder(f.rule, policy, 'backward');
    const breaksForward = breaksUnder(f.rule, policy, 'forward');
    const c: Change = { rule: f.rule.id, path: f.path, message: f.message, breaksBackward, breaksForward, category: 'validation' };
    if (!breaksBackward && !breaksForward) {
      const stricter = POLICIES.filter((p) => p !== policy && (breaksUnder(f.rule, p, 'backward') || breaksUnder(f.rule, p, 'forward')));
      if (stricter.length) c.caution = `only the ${stricter.join(' or ')} polic${stricter.length > 1 ? 'ies forbid' : 'y forbids'} this`;
    }
    if (f.at.file) c.file = f.at.file.display;
    if (f.at.line !== undefined) {
      c.line = f.at.line;
      c.column = f.at.column ?? 1;
    }
    return c;
  });
}

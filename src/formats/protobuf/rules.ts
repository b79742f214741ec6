/**
 * The Protobuf rule table, as data (as buf keeps its rules): each rule's id, purpose, message template and
 * the directions it breaks under each policy. compat.ts emits findings by id with parameters and reads the
 * verdicts from here, never per call site.
 *
 * - `wire` is Confluent's Protobuf checker (its Difference types; FORWARD is the check with the schemas
 *   swapped, so a deletion that breaks BACKWARD is an addition, which is compatible, the other way).
 * - `strict` is buf's CSR category exactly: BACKWARD is `buf breaking` with `use: [CSR]` against the old
 *   schema, FORWARD the same with old and new swapped (an addition is a deletion seen from the old reader).
 *   The buf rule(s) each row stands for are in `buf`.
 * Under `wire`, a rule that only `strict` breaks is kept as a warning.
 */
import type { Direction, RuleSpec } from '../../model/rule-spec.js';

export type Dirs = 'none' | 'backward' | 'forward' | 'both';

export interface ProtobufRule {
  id: string;
  purpose: string;
  /** `{name}` placeholders filled from the finding's parameters. */
  template: string;
  breaks: { wire: Dirs; strict: Dirs };
  /** The buf CSR rules this row corresponds to under strict. */
  buf?: string[];
}

export const PROTOBUF_RULE_TABLE: readonly ProtobufRule[] = [
  // whole schema (emitted by the handler when the walker finds nothing)
  { id: 'ANNOTATION_CHANGED', purpose: 'only comments or formatting changed', template: '{what}', breaks: { wire: 'none', strict: 'none' } },
  {
    id: 'SCHEMA_CHANGED',
    purpose: 'the schema text changed without a change any rule reports (e.g. proto3 optional added)',
    template: '{what}',
    breaks: { wire: 'none', strict: 'none' },
  },
  // files
  {
    id: 'PACKAGE_CHANGED',
    purpose: 'the package of a file changed',
    template: 'File {file}changed package from "{old}" to "{new}"',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['FILE_SAME_PACKAGE'],
  },
  {
    id: 'FILE_SAME_SYNTAX',
    purpose: 'the syntax (proto2, proto3, edition) changed',
    template: 'File {file}changed syntax from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FILE_SAME_SYNTAX'],
  },
  // messages
  {
    id: 'MESSAGE_REMOVED',
    purpose: 'a message was removed',
    template: 'Previously present message "{message}" was deleted',
    breaks: { wire: 'backward', strict: 'backward' },
    buf: ['MESSAGE_NO_DELETE'],
  },
  {
    id: 'MESSAGE_ADDED',
    purpose: 'a message was added (a deletion for an old reader)',
    template: 'Message "{message}" was added',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['MESSAGE_NO_DELETE'],
  },
  // enums
  {
    id: 'ENUM_REMOVED',
    purpose: 'an enum was removed (wire-compatible)',
    template: 'Previously present enum "{enum}" was deleted',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['ENUM_NO_DELETE'],
  },
  {
    id: 'ENUM_ADDED',
    purpose: 'an enum was added (a deletion for an old reader)',
    template: 'Enum "{enum}" was added',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['ENUM_NO_DELETE'],
  },
  {
    id: 'ENUM_CONST_ADDED',
    purpose: 'an enum value was added (an old JSON reader rejects its name)',
    template: 'Enum value "{number}" with name "{name}" was added to enum "{enum}"',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['ENUM_VALUE_NO_DELETE'],
  },
  {
    id: 'ENUM_CONST_REMOVED',
    purpose: 'an enum value was removed with its number and name reserved (wire-compatible; CSR refuses every deletion)',
    template: 'Enum value "{number}" ({names}) on enum "{enum}" was deleted (number and name reserved)',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['ENUM_VALUE_NO_DELETE'],
  },
  {
    id: 'ENUM_VALUE_NO_DELETE_UNLESS_RESERVED',
    purpose: 'an enum value was deleted without reserving both its number and its name',
    template: 'Previously present enum value "{number}" on enum "{enum}" was deleted without reserving its number and name "{name}"',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['ENUM_VALUE_NO_DELETE', 'ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED', 'ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED'],
  },
  {
    id: 'ENUM_VALUE_SAME_NAME',
    purpose: 'an enum value was renamed (JSON uses the name)',
    template: 'Enum value "{number}" on enum "{enum}" changed name from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['ENUM_VALUE_SAME_NAME'],
  },
  {
    id: 'RESERVED_ENUM_NO_DELETE',
    purpose: 'reserved numbers or names were removed from an enum',
    template: 'Previously reserved {reserved} on enum "{enum}" {verb} removed',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['RESERVED_ENUM_NO_DELETE'],
  },
  {
    id: 'RESERVED_ENUM_ADDED',
    purpose: 'numbers or names were reserved in an enum (a removal for an old reader)',
    template: '{reserved} on enum "{enum}" {verb} reserved',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['RESERVED_ENUM_NO_DELETE'],
  },
  // fields
  {
    id: 'FIELD_ADDED',
    purpose: 'a field was added (an old JSON reader rejects its name)',
    template: 'Field "{number}" with name "{name}" was added to message "{message}"',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['FIELD_NO_DELETE'],
  },
  {
    id: 'FIELD_REMOVED',
    purpose: 'a field was removed with its number and name reserved (wire-compatible; CSR refuses every deletion)',
    template: 'Field "{number}" with name "{name}" on message "{message}" was deleted (number and name reserved)',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['FIELD_NO_DELETE'],
  },
  {
    id: 'FIELD_NO_DELETE_UNLESS_RESERVED',
    purpose: 'a field was deleted without reserving both its number and its name',
    template: 'Previously present field "{number}" with name "{name}" on message "{message}" was deleted without reserving {missing}',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['FIELD_NO_DELETE', 'FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED', 'FIELD_NO_DELETE_UNLESS_NAME_RESERVED'],
  },
  {
    id: 'FIELD_SAME_NAME',
    purpose: 'a field was renamed (its JSON name changes)',
    template: 'Field "{number}" on message "{message}" changed name from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_SAME_NAME'],
  },
  {
    id: 'FIELD_SAME_JSON_NAME',
    purpose: "a field's JSON name (json_name) changed",
    template: 'Field "{number}" with name "{name}" on message "{message}" changed its JSON name from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_SAME_JSON_NAME'],
  },
  {
    id: 'FIELD_KIND_CHANGED',
    purpose: 'a field changed kind: scalar/enum, message, map',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed type from "{old}" to "{new}" ({detail})',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['FIELD_SAME_TYPE'],
  },
  {
    id: 'FIELD_SCALAR_KIND_CHANGED',
    purpose: 'a scalar field changed to a type outside its wire-compatible group',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed type from "{old}" to "{new}"{detail}',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['FIELD_SAME_TYPE', 'FIELD_WIRE_JSON_COMPATIBLE_TYPE'],
  },
  {
    id: 'FIELD_NAMED_TYPE_CHANGED',
    purpose: 'a message field now refers to a different message',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed type from "{old}" to "{new}"{detail}',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['FIELD_SAME_TYPE'],
  },
  {
    id: 'FIELD_SAME_TYPE',
    purpose: 'a field type changed within its wire group (generated code and JSON differ: int64 is a string)',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed type from "{old}" to "{new}"{detail}',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_SAME_TYPE', 'FIELD_WIRE_JSON_COMPATIBLE_TYPE'],
  },
  {
    id: 'FIELD_NUMERIC_LABEL_CHANGED',
    purpose: 'a numeric field turned repeated or singular (packed encoding differs)',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed cardinality from "{old}" to "{new}"',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY'],
  },
  {
    id: 'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
    purpose: 'a string or bytes field turned repeated or singular (wire-compatible; JSON arrays differ)',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed cardinality from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY'],
  },
  {
    id: 'FIELD_MESSAGE_LABEL_CHANGED',
    purpose: 'a message field turned repeated or singular (wire-compatible: messages merge; JSON arrays differ)',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed cardinality from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY'],
  },
  {
    id: 'FIELD_SAME_DEFAULT',
    purpose: 'a proto2 field default changed',
    template: 'Field "{number}" with name "{name}" on message "{message}" changed default from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_SAME_DEFAULT'],
  },
  {
    id: 'REQUIRED_FIELD_ADDED',
    purpose: 'a proto2 required field was added (or a field became required)',
    template: '{what}',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['MESSAGE_SAME_REQUIRED_FIELDS'],
  },
  {
    id: 'REQUIRED_FIELD_REMOVED',
    purpose: 'a proto2 required field was removed (or stopped being required)',
    template: '{what}',
    breaks: { wire: 'both', strict: 'both' },
    buf: ['MESSAGE_SAME_REQUIRED_FIELDS', 'FIELD_NO_DELETE'],
  },
  {
    id: 'RESERVED_MESSAGE_NO_DELETE',
    purpose: 'reserved numbers or names were removed from a message',
    template: 'Previously reserved {reserved} on message "{message}" {verb} removed',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['RESERVED_MESSAGE_NO_DELETE'],
  },
  {
    id: 'RESERVED_MESSAGE_ADDED',
    purpose: 'numbers or names were reserved in a message (a removal for an old reader)',
    template: '{reserved} on message "{message}" {verb} reserved',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['RESERVED_MESSAGE_NO_DELETE'],
  },
  // oneofs
  {
    id: 'ONEOF_FIELD_ADDED',
    purpose: 'a field was added to a oneof',
    template: 'Field "{number}" with name "{name}" was added to message "{message}" in oneof "{oneof}"',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['FIELD_NO_DELETE'],
  },
  {
    id: 'ONEOF_FIELD_REMOVED',
    purpose: 'a member was dropped from a oneof that remains (Confluent: data with it no longer decodes into the oneof)',
    template: 'Field "{number}" with name "{name}" was removed from oneof "{oneof}" on message "{message}"',
    breaks: { wire: 'backward', strict: 'backward' },
    buf: ['FIELD_NO_DELETE'],
  },
  {
    id: 'ONEOF_NO_DELETE',
    purpose: 'a oneof was deleted (or renamed)',
    template: 'Previously present oneof "{oneof}" on message "{message}" was deleted',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['ONEOF_NO_DELETE'],
  },
  {
    id: 'ONEOF_ADDED',
    purpose: 'a oneof was added (or renamed): a deletion for an old reader',
    template: 'Oneof "{oneof}" was added to message "{message}"',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['ONEOF_NO_DELETE'],
  },
  {
    id: 'FIELD_SAME_ONEOF',
    purpose: 'a field moved into or out of a oneof',
    template: 'Field "{number}" with name "{name}" on message "{message}" moved {how}',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['FIELD_SAME_ONEOF'],
  },
  {
    id: 'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
    purpose: 'several top-level fields moved into one oneof (their values now exclude each other)',
    template: 'Fields {fields} on message "{message}" were moved into the oneof "{oneof}"',
    breaks: { wire: 'backward', strict: 'both' },
    buf: ['FIELD_SAME_ONEOF'],
  },
  {
    id: 'FIELD_MOVED_TO_EXISTING_ONEOF',
    purpose: 'a top-level field moved into a oneof beside members of an earlier oneof',
    template: 'Field "{number}" with name "{name}" on message "{message}" moved into the oneof "{oneof}" beside existing members',
    breaks: { wire: 'backward', strict: 'both' },
    buf: ['FIELD_SAME_ONEOF'],
  },
  // extension ranges and message options
  {
    id: 'EXTENSION_MESSAGE_NO_DELETE',
    purpose: 'extension numbers (an `extensions` range) were removed from a message',
    template: 'Previously present extension numbers {ranges} on message "{message}" were removed',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['EXTENSION_MESSAGE_NO_DELETE'],
  },
  {
    id: 'EXTENSION_RANGE_ADDED',
    purpose: 'extension numbers were added to a message (a removal for an old reader)',
    template: 'Extension numbers {ranges} were added to message "{message}"',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['EXTENSION_MESSAGE_NO_DELETE'],
  },
  {
    id: 'MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR',
    purpose: 'no_standard_descriptor_accessor was turned on (generated code loses descriptor())',
    template: 'Message option "no_standard_descriptor_accessor" on message "{message}" changed from "false" to "true"',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR'],
  },
  {
    id: 'STANDARD_DESCRIPTOR_ACCESSOR_ADDED',
    purpose: 'no_standard_descriptor_accessor was turned off (a removal for old generated code)',
    template: 'Message option "no_standard_descriptor_accessor" on message "{message}" changed from "true" to "false"',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR'],
  },
  {
    id: 'MESSAGE_SAME_JSON_FORMAT',
    purpose: "a message's JSON support went from ALLOW to LEGACY_BEST_EFFORT (features.json_format, or proto3 to proto2)",
    template: 'Message "{message}" JSON format support changed from {old} to {new}',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['MESSAGE_SAME_JSON_FORMAT'],
  },
  {
    id: 'MESSAGE_JSON_FORMAT_ALLOWED',
    purpose: "a message's JSON support went from LEGACY_BEST_EFFORT to ALLOW (a loss for an old reader)",
    template: 'Message "{message}" JSON format support changed from {old} to {new}',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['MESSAGE_SAME_JSON_FORMAT'],
  },
  {
    id: 'ENUM_SAME_JSON_FORMAT',
    purpose: "an enum's JSON support went from ALLOW to LEGACY_BEST_EFFORT (features.json_format, or proto3 to proto2)",
    template: 'Enum "{enum}" JSON format support changed from {old} to {new}',
    breaks: { wire: 'none', strict: 'backward' },
    buf: ['ENUM_SAME_JSON_FORMAT'],
  },
  {
    id: 'ENUM_JSON_FORMAT_ALLOWED',
    purpose: "an enum's JSON support went from LEGACY_BEST_EFFORT to ALLOW (a loss for an old reader)",
    template: 'Enum "{enum}" JSON format support changed from {old} to {new}',
    breaks: { wire: 'none', strict: 'forward' },
    buf: ['ENUM_SAME_JSON_FORMAT'],
  },
  // services (Confluent's checker is about data and ignores them; CSR compares the RPCs both sides have)
  {
    id: 'RPC_SAME_REQUEST_TYPE',
    purpose: "an RPC's request type changed",
    template: 'RPC "{rpc}" on service "{service}" changed request type from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['RPC_SAME_REQUEST_TYPE'],
  },
  {
    id: 'RPC_SAME_RESPONSE_TYPE',
    purpose: "an RPC's response type changed",
    template: 'RPC "{rpc}" on service "{service}" changed response type from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['RPC_SAME_RESPONSE_TYPE'],
  },
  {
    id: 'RPC_SAME_CLIENT_STREAMING',
    purpose: 'an RPC turned client streaming or unary',
    template: 'RPC "{rpc}" on service "{service}" changed from client {old} to client {new}',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['RPC_SAME_CLIENT_STREAMING'],
  },
  {
    id: 'RPC_SAME_SERVER_STREAMING',
    purpose: 'an RPC turned server streaming or unary',
    template: 'RPC "{rpc}" on service "{service}" changed from server {old} to server {new}',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['RPC_SAME_SERVER_STREAMING'],
  },
  {
    id: 'RPC_SAME_IDEMPOTENCY_LEVEL',
    purpose: "an RPC's idempotency_level option changed",
    template: 'RPC "{rpc}" on service "{service}" changed option "idempotency_level" from "{old}" to "{new}"',
    breaks: { wire: 'none', strict: 'both' },
    buf: ['RPC_SAME_IDEMPOTENCY_LEVEL'],
  },
];

/**
 * Every rule of buf's CSR category (buf 1.75: `buf config ls-breaking-rules --configured-only` with
 * `breaking.use: [CSR]`), with the fixtures under fixtures/compat/protobuf that make buf report it (the
 * integration tier checks both against buf), or why it cannot fire when one file is compared with one file.
 */
export const BUF_CSR_RULES: Readonly<Record<string, { fixtures: readonly string[] } | { reason: string }>> = {
  ENUM_NO_DELETE: { fixtures: ['ENUM_REMOVED'] },
  ENUM_SAME_JSON_FORMAT: { fixtures: ['ENUM_SAME_JSON_FORMAT'] },
  ENUM_VALUE_NO_DELETE: { fixtures: ['ENUM_CONST_REMOVED__reserved', 'ENUM_VALUE_NO_DELETE_UNLESS_RESERVED'] },
  ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED: { fixtures: ['ENUM_VALUE_NO_DELETE_UNLESS_RESERVED'] },
  ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED: { fixtures: ['ENUM_VALUE_NO_DELETE_UNLESS_RESERVED'] },
  ENUM_VALUE_SAME_NAME: { fixtures: ['ENUM_VALUE_SAME_NAME'] },
  EXTENSION_MESSAGE_NO_DELETE: { fixtures: ['EXTENSION_MESSAGE_NO_DELETE'] },
  FIELD_NO_DELETE: { fixtures: ['FIELD_NO_DELETE_UNLESS_RESERVED', 'FIELD_REMOVED__reserved'] },
  FIELD_NO_DELETE_UNLESS_NAME_RESERVED: { fixtures: ['FIELD_NO_DELETE_UNLESS_RESERVED__number_only'] },
  FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED: { fixtures: ['FIELD_NO_DELETE_UNLESS_RESERVED__name_only'] },
  FIELD_SAME_DEFAULT: { fixtures: ['FIELD_SAME_DEFAULT'] },
  FIELD_SAME_JSON_NAME: { fixtures: ['FIELD_SAME_JSON_NAME'] },
  FIELD_SAME_NAME: { fixtures: ['FIELD_SAME_NAME'] },
  FIELD_SAME_ONEOF: { fixtures: ['FIELD_SAME_ONEOF__out_of_oneof', 'FIELD_SAME_ONEOF__one_into_new_oneof'] },
  FIELD_SAME_TYPE: { fixtures: ['FIELD_KIND_CHANGED', 'FIELD_NAMED_TYPE_CHANGED', 'FIELD_SAME_TYPE__int32_int64'] },
  FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY: { fixtures: ['FIELD_MESSAGE_LABEL_CHANGED', 'FIELD_STRING_OR_BYTES_LABEL_CHANGED'] },
  FIELD_WIRE_JSON_COMPATIBLE_TYPE: { fixtures: ['FIELD_SAME_TYPE__int32_int64', 'FIELD_SAME_TYPE__string_bytes'] },
  FILE_NO_DELETE: {
    reason:
      'one file is compared with one file: the compared file cannot be missing, and an imported file no longer imported is not compared (buf, comparing whole modules, would report it)',
  },
  FILE_SAME_PACKAGE: { fixtures: ['PACKAGE_CHANGED'] },
  FILE_SAME_SYNTAX: { fixtures: ['FILE_SAME_SYNTAX'] },
  MESSAGE_NO_DELETE: { fixtures: ['MESSAGE_REMOVED'] },
  MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR: { fixtures: ['MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR'] },
  MESSAGE_SAME_JSON_FORMAT: { fixtures: ['MESSAGE_SAME_JSON_FORMAT'] },
  MESSAGE_SAME_REQUIRED_FIELDS: { fixtures: ['REQUIRED_FIELD_ADDED', 'REQUIRED_FIELD_REMOVED'] },
  ONEOF_NO_DELETE: { fixtures: ['ONEOF_NO_DELETE'] },
  RESERVED_ENUM_NO_DELETE: { fixtures: ['RESERVED_ENUM_NO_DELETE'] },
  RESERVED_MESSAGE_NO_DELETE: { fixtures: ['RESERVED_MESSAGE_NO_DELETE'] },
  RPC_SAME_CLIENT_STREAMING: { fixtures: ['RPC_SAME_CLIENT_STREAMING'] },
  RPC_SAME_IDEMPOTENCY_LEVEL: { fixtures: ['RPC_SAME_IDEMPOTENCY_LEVEL'] },
  RPC_SAME_REQUEST_TYPE: { fixtures: ['RPC_SAME_REQUEST_TYPE'] },
  RPC_SAME_RESPONSE_TYPE: { fixtures: ['RPC_SAME_RESPONSE_TYPE'] },
  RPC_SAME_SERVER_STREAMING: { fixtures: ['RPC_SAME_SERVER_STREAMING'] },
};

export const PROTOBUF_RULE_INDEX: ReadonlyMap<string, ProtobufRule> = new Map(PROTOBUF_RULE_TABLE.map((r) => [r.id, r]));

/** Whether a direction is broken under a policy by this rule. */
export function breaksUnder(rule: ProtobufRule, policy: 'wire' | 'strict', dir: 'backward' | 'forward'): boolean {
  const d = rule.breaks[policy];
  return d === 'both' || d === dir;
}

/** The rule's message with its parameters filled in. */
export function formatProtobufMessage(rule: ProtobufRule, params: Record<string, string | number>): string {
  return rule.template.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

const DIRECTIONS: Record<Dirs, readonly Direction[]> = { none: [], backward: ['backward'], forward: ['forward'], both: ['backward', 'forward'] };

/** The table as RuleSpec data, the one shape JSON Schema, Avro, prompts, check and lint share (read by the rule-spec meta-test). */
export const PROTOBUF_RULE_SPECS: readonly RuleSpec[] = PROTOBUF_RULE_TABLE.map((r) => ({
  id: r.id,
  format: 'protobuf',
  purpose: r.purpose,
  template: r.template,
  breaks: { wire: DIRECTIONS[r.breaks.wire], strict: DIRECTIONS[r.breaks.strict] },
}));

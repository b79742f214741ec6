/**
 * The prompt format: Dotprompt files (.prompt). The "schema" of a prompt is what its callers send (the
 * input schema) and receive (the output schema); the template is checked against the input schema.
 * Compatibility is judged from the caller's side: BACKWARD means a caller written for the old version
 * keeps working with the new one (the new input schema accepts every input the old one did, and the old
 * output schema accepts every output the new one allows); FORWARD is the same with old and new swapped.
 */
import { InputError } from '../../model/errors.js';
import { canonicalJson } from '../../model/json.js';
import type { Change, CompareOptions, CompareResult, DataValidator, FormatHandler, ParsedSchema, ParseOptions, SchemaDiagnostic } from '../../model/types.js';
import { jsonSchemaHandler, parseJsonSchemaValue } from '../jsonschema/handler.js';
import { stripAnnotations } from '../jsonschema/walk.js';
import { promptRule } from './rules.js';
import { readPrompt, type PromptModel } from './source.js';
import { checkTemplate, parseTemplate } from './typecheck.js';

interface Parts {
  input: ParsedSchema | null;
  output: ParsedSchema | null;
}

const parts = new WeakMap<ParsedSchema, Parts>();
const diagnostics = new WeakMap<ParsedSchema, SchemaDiagnostic[]>();
let anything: ParsedSchema | undefined;

/** Prompts read back from the registry: their schemas passed the metaschema check when registered. */
const trustedPrompts = new WeakSet<ParsedSchema>();

function jsonPart(model: PromptModel, which: 'input' | 'output', file?: string, trusted = false): ParsedSchema | null {
  const v = model[which];
  if (v === null) return null;
  // No file for the trusted form and sealed for the checked one: a prompt's schema never $refs files on disk.
  if (trusted) return { format: 'json', text: JSON.stringify(v), value: v };
  try {
    return parseJsonSchemaValue(v, JSON.stringify(v), { file, sealed: true });
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${which}.schema: ${err.message.replace(/^[^:]*:\d+:\d+: |^[^ ]*: /, '')}`, { file });
    throw err;
  }
}

/** The input and output schemas of a prompt as parsed JSON Schemas (null when absent). */
export function promptParts(schema: ParsedSchema): Parts {
  let p = parts.get(schema);
  if (!p) {
    const model = schema.value as PromptModel;
    const trusted = trustedPrompts.has(schema);
    p = { input: jsonPart(model, 'input', schema.file, trusted), output: jsonPart(model, 'output', schema.file, trusted) };
    parts.set(schema, p);
  }
  return p;
}

export function promptModel(schema: ParsedSchema): PromptModel {
  return schema.value as PromptModel;
}

function inputOrAnything(s: ParsedSchema): ParsedSchema {
  return promptParts(s).input ?? (anything ??= parseJsonSchemaValue(true, 'true'));
}

function rule(id: string, path: string, message: string): Change {
  const r = promptRule(id);
  return {
    rule: id,
    path,
    message,
    breaksBackward: r.breaksBackward,
    breaksForward: r.breaksForward,
    category: r.category,
    ...(r.caution ? { caution: r.caution } : {}),
  };
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** The front matter keys compared by their own rules; the rest is METADATA_CHANGED. */
const OWN_KEYS = new Set(['model', 'config', 'input', 'output']);

function metadataOf(front: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(front)) if (!OWN_KEYS.has(k)) out[k] = v;
  const input = front.input as Record<string, unknown> | undefined;
  if (input && typeof input === 'object') for (const [k, v] of Object.entries(input)) if (k !== 'schema') out[`input.${k}`] = v;
  const output = front.output as Record<string, unknown> | undefined;
  if (output && typeof output === 'object') for (const [k, v] of Object.entries(output)) if (k !== 'schema' && k !== 'format') out[`output.${k}`] = v;
  return out;
}

/** Every change between two prompts (see the module comment for the directions). */
export function comparePrompts(oldS: ParsedSchema, newS: ParsedSchema, options: CompareOptions = {}): CompareResult {
  const o = promptModel(oldS);
  const n = promptModel(newS);
  const changes: Change[] = [];
  const wanted = options.directions;
  const swapped = wanted?.map((d) => (d === 'backward' ? 'forward' : 'backward')) as CompareOptions['directions'];

  // What callers send: the input schema, in the caller's direction (absent = anything).
  const oi = inputOrAnything(oldS);
  const ni = inputOrAnything(newS);
  if (canonicalJson(oi.value) !== canonicalJson(ni.value)) {
    for (const c of jsonSchemaHandler.compare!(oi, ni, { ...options, directions: wanted }).changes) {
      changes.push({ ...c, path: `/input/schema${c.path}`, message: `input: ${c.message}` });
    }
  }

  // What callers receive: the output schema, old and new swapped (the caller's parser reads what the model writes).
  const oo = promptParts(oldS).output;
  const no = promptParts(newS).output;
  if ((o.outputFormat ?? null) !== (n.outputFormat ?? null)) {
    changes.push(rule('OUTPUT_FORMAT_CHANGED', '/output/format', `output.format changed from ${o.outputFormat ?? '(none)'} to ${n.outputFormat ?? '(none)'}`));
  }
  if (oo && !no) changes.push(rule('OUTPUT_SCHEMA_REMOVED', '/output/schema', 'the output schema was removed'));
  else if (!oo && no) changes.push(rule('OUTPUT_SCHEMA_ADDED', '/output/schema', 'an output schema was added'));
  else if (oo && no && canonicalJson(oo.value) !== canonicalJson(no.value)) {
    // compared old -> new as JSON Schemas, then turned to the caller's side: an output the new version may
    // return that the old schema rejects (JSON "breaks forward") breaks callers written for the old version.
    for (const c of jsonSchemaHandler.compare!(oo, no, { ...options, directions: swapped }).changes) {
      changes.push({
        ...c,
        breaksBackward: c.breaksForward,
        breaksForward: c.breaksBackward,
        path: `/output/schema${c.path}`,
        message: `output: ${c.message}`,
      });
    }
  }

  if ((o.model ?? null) !== (n.model ?? null))
    changes.push(rule('MODEL_CHANGED', '/model', `the model changed from ${o.model ?? '(default)'} to ${n.model ?? '(default)'}`));
  if (!same(o.config, n.config)) changes.push(rule('CONFIG_CHANGED', '/config', 'the model configuration changed'));
  const om = metadataOf(o.front);
  const nm = metadataOf(n.front);
  const keys = [...new Set([...Object.keys(om), ...Object.keys(nm)])].sort().filter((k) => !same(om[k], nm[k]));
  if (keys.length) changes.push(rule('METADATA_CHANGED', '', `front matter changed: ${keys.join(', ')}`));
  if (o.template !== n.template) changes.push(rule('TEMPLATE_TEXT_CHANGED', '/template', 'the template text changed'));
  return { changes };
}

export const promptHandler: FormatHandler = {
  format: 'prompt',
  extension: '.prompt',
  policies: ['semantic', 'lenient'],

  async parse(text: string, options: ParseOptions = {}): Promise<ParsedSchema> {
    const file = options.file;
    if (text.includes('\0')) throw new InputError('a .prompt file is text: it holds a NUL byte', { file });
    const model = await readPrompt(text, file, options.references ?? []);
    if (!options.trusted) parseTemplate(model.template, file, model.templateLine); // syntax errors are input errors (exit 2)
    const schema: ParsedSchema = { format: 'prompt', text, value: model, file, references: options.references };
    if (options.trusted) trustedPrompts.add(schema);
    else promptParts(schema); // refuse input/output schemas that are not JSON Schema (checked when used, for a registered version)
    return schema;
  },

  canonical(schema: ParsedSchema): string {
    const m = promptModel(schema);
    return canonicalJson({ front: m.front, template: m.template });
  },

  canonicalWithoutAnnotations(schema: ParsedSchema): string {
    const m = promptModel(schema);
    const { description: _d, ...front } = m.front;
    return canonicalJson({
      front: { ...front, input: undefined, output: undefined },
      input: stripAnnotations(m.input),
      output: stripAnnotations(m.output),
      outputFormat: m.outputFormat ?? null,
      template: m.template,
    });
  },

  /** Data records of a prompt are its inputs. */
  compile(schema: ParsedSchema): DataValidator {
    const input = promptParts(schema).input;
    if (!input) return { validate: () => null };
    return jsonSchemaHandler.compile(input);
  },

  compare(oldSchema: ParsedSchema, newSchema: ParsedSchema, options: CompareOptions = {}): CompareResult {
    return comparePrompts(oldSchema, newSchema, options);
  },

  fieldNames(schema: ParsedSchema): string[] {
    const p = promptParts(schema);
    return [...new Set([...(p.input ? jsonSchemaHandler.fieldNames!(p.input) : []), ...(p.output ? jsonSchemaHandler.fieldNames!(p.output) : [])])];
  },

  lint(schema: ParsedSchema): SchemaDiagnostic[] {
    let d = diagnostics.get(schema);
    if (!d) {
      d = checkTemplate(promptModel(schema), schema.file);
      diagnostics.set(schema, d);
    }
    return d;
  },
};

/**
 * Avro object container files (.avro): records are decoded with the file's writer schema (avsc), then
 * resolved to the registered (reader) schema by the specification's rules, in the JSON encoding that
 * the data validator checks. A writer schema the reader cannot read yields one record with the reasons.
 */
import type { DataRecord } from '../../model/types.js';
import { resolutionErrors, selectBranch } from './compat.js';
import { defaultToJson } from './data.js';
import { type AvroNode, branchKey, buildModel } from './model.js';

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Converts a writer value (JSON encoding) into the reader's JSON encoding. Assumes the schemas resolve. */
export function resolveValue(w: AvroNode, r: AvroNode, v: unknown): unknown {
  if (w.kind === 'union') {
    if (v === null) {
      const nb = w.branches.find((b) => b.kind === 'primitive' && b.type === 'null')!;
      return resolveValue(nb, r, null);
    }
    const key = Object.keys(v as object)[0];
    const wb = w.branches.find((b) => branchKey(b) === key)!;
    return resolveValue(wb, r, (v as Record<string, unknown>)[key]);
  }
  if (r.kind === 'union') {
    const rb = selectBranch(w, r.branches);
    if (!rb) throw new Error(`no branch of the reader union matches ${branchKey(w)}`);
    const inner = resolveValue(w, rb, v);
    if (rb.kind === 'primitive' && rb.type === 'null') return null;
    return { [branchKey(rb)]: inner };
  }
  switch (r.kind) {
    case 'primitive':
      if (w.kind === 'primitive' && w.type !== r.type) {
        if (w.type === 'bytes' && r.type === 'string') return Buffer.from(v as string, 'latin1').toString('utf8');
        if (w.type === 'string' && r.type === 'bytes') return Buffer.from(v as string, 'utf8').toString('latin1');
      }
      return v;
    case 'enum': {
      if (typeof v === 'string' && r.symbols.includes(v)) return v;
      if (r.default !== undefined) return r.default;
      throw new Error(`enum symbol "${String(v)}" is not in the reader's enum ${r.name}`);
    }
    case 'array':
      return (v as unknown[]).map((x) => resolveValue((w as typeof r).items, r.items, x));
    case 'map':
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, resolveValue((w as typeof r).values, r.values, x)]));
    case 'record': {
      const wr = w as typeof r;
      const src = isObj(v) ? v : {};
      const out: Record<string, unknown> = {};
      for (const rf of r.fields) {
        const wf = wr.fields.find((f) => f.name === rf.name) ?? wr.fields.find((f) => rf.aliases.includes(f.name));
        if (wf) out[rf.name] = resolveValue(wf.type, rf.type, src[wf.name]);
        else out[rf.name] = defaultToJson(rf.type, rf.default);
      }
      return out;
    }
    default:
      return v;
  }
}

/** Reads an object container file, yielding each record in the reader's JSON encoding. */
export async function* readContainer(file: string, reader: AvroNode, references: Parameters<typeof buildModel>[1] = []): AsyncIterable<DataRecord> {
  const avro = (await import('avsc')).default;
  const decoder = avro.createFileDecoder(file);
  let writerType: { toString(v: unknown): string } | undefined;
  let writer: AvroNode | undefined;
  let problem: string | undefined;
  decoder.on('metadata', (type: { toString(v: unknown): string; schema(): unknown }) => {
    writerType = type;
    try {
      writer = buildModel(type.schema(), references);
      const errs = resolutionErrors(writer, reader);
      if (errs.length)
        problem = `the file's writer schema cannot be read by the registered schema: ${errs.map((e) => `${e.path || '/'}: ${e.message}`).join('; ')}`;
    } catch (err) {
      problem = `the file's writer schema is invalid: ${(err as Error).message}`;
    }
  });
  let n = 0;
  try {
    for await (const rec of decoder as AsyncIterable<unknown>) {
      if (problem) {
        decoder.destroy();
        break;
      }
      n++;
      try {
        const json = JSON.parse(writerType!.toString(rec));
        yield { line: n, value: resolveValue(writer!, reader, json) };
      } catch (err) {
        yield { line: n, error: `record ${n} cannot be resolved: ${(err as Error).message}` };
      }
    }
  } catch (err) {
    if (!problem) {
      yield { line: n + 1, error: `not a readable Avro object container file: ${(err as Error).message}` };
      return;
    }
  }
  if (problem) yield { error: problem };
}

import type { Command } from 'commander';
import { findRegistryRoot } from '../core/root.js';
import { InputError, UsageError } from '../model/errors.js';
import { checkName, checkNamespace, parseSubjectName, type SubjectRef } from '../core/names.js';
import type { Registry } from '../core/registry.js';
import { Output, type GlobalOptions, type OutputFormat } from './output.js';

/** What every command gets: its options (with the global ones), the output, and the registry on demand. */
export class Context<O extends object = Record<string, unknown>> {
  readonly opts: O & GlobalOptions;
  readonly out: Output;
  private registryPromise?: Promise<Registry>;

  constructor(cmd: Command, allowedFormats: readonly string[] = ['text', 'json']) {
    this.opts = mergedOptions(cmd) as O & GlobalOptions;
    const format = (this.opts.json ? 'json' : (this.opts.format ?? 'text')) as string;
    if (!allowedFormats.includes(format)) {
      throw new UsageError(`unknown --format '${format}': expected ${allowedFormats.join(', ')}`);
    }
    this.out = new Output(this.opts, (format === 'json' ? 'json' : 'text') as OutputFormat);
    this.format = format;
  }

  /** The requested --format (reporters beyond text/json use this). */
  readonly format: string;

  /** The registry root, or undefined when none is found. */
  registryRoot(): string | undefined {
    return findRegistryRoot(this.opts.registry);
  }

  registry(): Promise<Registry> {
    if (!this.registryPromise) {
      const root = this.registryRoot();
      if (!root) {
        return Promise.reject(new UsageError("no registry found: no llm-schema.yaml in this folder or above (run 'llm-schema init', or pass --registry DIR)"));
      }
      this.registryPromise = import('../core/registry.js').then(({ Registry }) => Registry.open(root));
    }
    return this.registryPromise;
  }
}

/** The subject named by --namespace/--name or a positional `ns.name`. */
export function subjectFrom(opts: { namespace?: string; name?: string }, positional?: string, required = true): SubjectRef | undefined {
  if (positional !== undefined) {
    if (opts.namespace !== undefined || opts.name !== undefined) {
      throw new UsageError(`give the subject either as '${positional}' or with --namespace/--name, not both`);
    }
    return parseSubjectName(positional);
  }
  if (opts.namespace === undefined && opts.name === undefined) {
    if (required) throw new UsageError('which subject? pass --namespace N --name S (or N.S)');
    return undefined;
  }
  if (opts.namespace === undefined) throw new UsageError('--name needs --namespace');
  if (opts.name === undefined) throw new UsageError('--namespace needs --name');
  return { namespace: checkNamespace(opts.namespace), name: checkName(opts.name) };
}

/** Read a file given on the command line ('-' is stdin), with a clear error naming it. */
export async function readInputFile(file: string): Promise<string> {
  const { readFile, stat } = await import('node:fs/promises');
  if (file === '-') return readStdin();
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new InputError('is a folder, not a file', { file });
    return await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read: ${(err as Error).message}`, { file });
  }
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError("reading from stdin ('-'), but stdin is a terminal: pipe the data in");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Repeatable option collector for commander. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Options of a command and its parents, where a value given on the command line (or env) at any level
 * wins over a default at another level (so `llm-schema --no-color get x` keeps colour off).
 */
export function mergedOptions(cmd: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const out: Record<string, unknown> = {};
  const explicit = new Set<string>();
  for (const c of chain) {
    const o = c.opts();
    for (const [k, v] of Object.entries(o)) {
      const src = c.getOptionValueSource(k);
      const isExplicit = src === 'cli' || src === 'env';
      if (isExplicit) {
        out[k] = v;
        explicit.add(k);
      } else if (!explicit.has(k) && !(k in out && out[k] !== undefined)) {
        out[k] = v;
      }
    }
  }
  return out;
}

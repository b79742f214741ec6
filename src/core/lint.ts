/**
 * The `lint` use-case: schemas (a file, one subject, or every JSON Schema and prompt subject at its latest
 * version) against a provider profile or the generic rules. It builds data only (what was linted, what was
 * skipped, the findings); report/lint.ts turns it into text or JSON and the command picks the exit code.
 */
import { UsageError } from '../model/errors.js';
import type { ParsedSchema, SubjectKind } from '../model/types.js';
import { formatOfFile, getHandler } from '../formats/index.js';
import type { LintFinding, LintRuleSpec, LintTarget } from '../providers/types.js';
import { fromLintFinding, type Finding } from '../model/finding.js';
import { lineOfPointer } from '../model/json.js';
import type { RuleSpec } from '../model/rule-spec.js';
import type { SubjectRef } from './names.js';
import type { Registry } from './registry.js';

/** One schema that was linted: a subject's version, or a file (subject = file = the path). */
export interface Linted {
  subject: string;
  version?: string;
  file: string;
}

export interface LintRun {
  /** Undefined for the generic rules. */
  target: LintTarget | undefined;
  profile: { provider: string; asOf: string; source: string };
  linted: Linted[];
  /** Subjects of a format lint does not check (Avro, Protobuf). */
  skipped: Array<{ subject: string; format: string }>;
  findings: LintFinding[];
  errors: number;
  warnings: number;
  /** Notes: what the export rewrites. */
  notes: number;
}

type Providers = typeof import('../providers/index.js');

/**
 * A lint run's findings in the one shape (model/finding.ts), each at the file of the schema it is about, and
 * the rules they may name: the profile's table (every declared rule, as SARIF publishes them) and the prompt
 * template checks. For the shared reporters (`lint --format github|junit|sarif|gitlab`).
 */
export async function lintFindings(run: LintRun): Promise<{ findings: Finding[]; rules: RuleSpec[] }> {
  const fileOf = new Map(run.linted.map((l) => [l.subject, l.file]));
  const findings = run.findings.map((f) => {
    const out = fromLintFinding(f, f.subject !== undefined ? fileOf.get(f.subject) : undefined);
    if (f.line !== undefined) out.location.line = f.line;
    if (f.column !== undefined) out.location.column = f.column;
    return out;
  });
  const { PROFILES } = await import('../providers/index.js');
  const { PROMPT_LINT_RULES } = await import('../formats/prompt/rules.js');
  const table = Object.entries(PROFILES[run.target ?? 'generic'].rules as Record<string, LintRuleSpec>).map(([id, r]) => ({ id, ...r }));
  const rules: RuleSpec[] = [...table, ...(run.findings.some((f) => f.rule.startsWith('PROMPT_')) ? PROMPT_LINT_RULES : [])].map((r) => ({
    id: r.id,
    format: 'lint',
    purpose: r.purpose,
    severity: r.severity === 'note' ? 'notice' : r.severity,
  }));
  return { findings, rules };
}

/** Collects findings for one run; the three entry points below share it. */
class Linter {
  readonly linted: Linted[] = [];
  readonly skipped: Array<{ subject: string; format: string }> = [];
  readonly findings: LintFinding[] = [];

  constructor(
    private readonly p: Providers,
    private readonly target: LintTarget | undefined,
  ) {}

  private tag(where: Linted): Pick<LintFinding, 'subject' | 'version'> {
    return { subject: where.subject, ...(where.version ? { version: where.version } : {}) };
  }

  /** A JSON Schema; `text` (the file's) locates each finding's pointer on a line where the file holds it. */
  jsonSchema(schema: unknown, kind: SubjectKind | undefined, where: Linted, text?: string): void {
    this.linted.push(where);
    for (const f of this.p.lintSchema(schema, this.target, { kind })) {
      const line = text === undefined ? undefined : lineOfPointer(text, f.pointer);
      this.findings.push({ ...f, ...(line !== undefined ? { line } : {}), ...this.tag(where) });
    }
  }

  /** A prompt: its template against its input schema, then its output schema as a structured-output schema. */
  async prompt(schema: ParsedSchema, where: Linted): Promise<void> {
    this.linted.push(where);
    const handler = await getHandler('prompt');
    for (const d of handler.lint!(schema)) {
      this.findings.push({
        rule: d.rule,
        severity: d.severity,
        pointer: d.path,
        message: d.line ? `line ${d.line}: ${d.message}` : d.message,
        ...(d.line ? { line: d.line, ...(d.column ? { column: d.column } : {}) } : {}),
        ...this.tag(where),
      });
    }
    const { promptParts } = await import('../formats/prompt/handler.js');
    const output = promptParts(schema).output;
    if (output) {
      for (const f of this.p.lintSchema(output.value, this.target, { kind: 'response' })) {
        this.findings.push({ ...f, pointer: `/output/schema${f.pointer}`, ...this.tag(where) });
      }
    }
  }

  result(): LintRun {
    const profile = this.p.PROFILES[this.target ?? 'generic'];
    const errors = this.findings.filter((f) => f.severity === 'error').length;
    const notes = this.findings.filter((f) => f.severity === 'note').length;
    return {
      target: this.target,
      profile: { provider: profile.provider, asOf: profile.asOf, source: profile.source },
      linted: this.linted,
      skipped: this.skipped,
      findings: this.findings,
      errors,
      warnings: this.findings.length - errors - notes,
      notes,
    };
  }
}

async function linter(target: LintTarget | undefined): Promise<Linter> {
  return new Linter(await import('../providers/index.js'), target);
}

/** Lint one file (`-` is standard input; `read` gives its text): a JSON Schema, or a prompt template. */
export async function lintFile(file: string, read: () => Promise<string>, target: LintTarget | undefined, kind?: SubjectKind): Promise<LintRun> {
  const format = formatOfFile(file);
  if (format !== 'json' && format !== 'prompt') throw new UsageError(`lint checks JSON Schema and prompt templates; '${file}' is ${format}`);
  const l = await linter(target);
  const text = await read();
  if (format === 'prompt') {
    const parsed = await (await getHandler('prompt')).parse(text, { file });
    await l.prompt(parsed, { subject: file, file });
  } else {
    const parsed = await (await getHandler('json')).parse(text, { file });
    l.jsonSchema(parsed.value, kind, { subject: file, file }, text);
  }
  return l.result();
}

/**
 * Lint one subject at a version, or (no ref) every subject at its latest version; subjects of other formats
 * are skipped (refused when named), subjects without versions are passed over.
 */
export async function lintRegistry(registry: Registry, target: LintTarget | undefined, ref?: SubjectRef, version = 'latest'): Promise<LintRun> {
  const l = await linter(target);
  const { bundleSchema } = await import('../providers/index.js');
  const subjects = ref ? [{ ...ref, subject: `${ref.namespace}.${ref.name}`, meta: await registry.getSubject(ref) }] : await registry.listSubjects();
  for (const s of subjects) {
    if (s.meta.format !== 'json' && s.meta.format !== 'prompt') {
      l.skipped.push({ subject: s.subject, format: s.meta.format });
      continue;
    }
    if (!s.meta.versions.length) continue;
    const loaded = await registry.loadSchema(s, ref ? version : 'latest');
    const where = { subject: s.subject, version: loaded.info.entry.version, file: registry.display(loaded.info.file) };
    if (s.meta.format === 'prompt') await l.prompt(loaded.schema, where);
    else l.jsonSchema(bundleSchema(loaded.schema.value, loaded.schema.references ?? []), s.meta.kind, where, loaded.schema.text);
  }
  if (ref && l.skipped.length) {
    throw new UsageError(`lint checks JSON Schema and prompt templates; '${l.skipped[0].subject}' holds ${l.skipped[0].format} schemas`);
  }
  return l.result();
}

/**
 * Type checking of a Dotprompt template against its input schema: every variable the template uses
 * ({{name}}, {{user.address.city}}, {{#each items}}, {{#with x}}, block params, partials) must be declared
 * in the input schema with a type that use can take; an input property the template never uses is a
 * warning. The template is read with Handlebars' own parser (the one dotprompt renders with).
 */
import Handlebars from 'handlebars';
import { InputError } from '../../model/errors.js';
import type { SchemaDiagnostic } from '../../model/types.js';
import type { PromptModel } from './source.js';

/** dotprompt's built-in helpers (it compiles with knownHelpersOnly: any other helper fails to render). */
export const DOTPROMPT_HELPERS = new Set(['json', 'role', 'history', 'section', 'media', 'ifEquals', 'unlessEquals']);
/** Handlebars' built-in block helpers. */
const BLOCK_BUILTINS = new Set(['each', 'with', 'if', 'unless', 'ifEquals', 'unlessEquals']);
const MAX_PARTIAL_DEPTH = 20;
/** Arguments the helpers need: without them they render nonsense or throw. */
const HELPER_ARITY: Record<string, number> = { role: 1, section: 1, json: 1, ifEquals: 2, unlessEquals: 2, each: 1, with: 1, if: 1, unless: 1 };

type Json = Record<string, unknown>;
/** A schema node, or 'any' where the schema does not constrain the value. */
type Node = Json | 'any';

// A small view of Handlebars' AST (its own types are namespaced globals).
interface Loc {
  start: { line: number; column: number };
}
interface AstNode {
  type: string;
  loc?: Loc;
  [k: string]: unknown;
}
interface PathExpr extends AstNode {
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface Program extends AstNode {
  body: AstNode[];
  blockParams?: string[];
}

interface Scope {
  node: Node;
  /** Root-relative data path of this scope, for usage and messages: 'items[]', 'user'. */
  path: string;
  /** Block params bound in this scope. */
  params?: Map<string, { node: Node; path: string }>;
}

/** Parse a template with Handlebars, errors naming the file line. */
export function parseTemplate(template: string, file: string | undefined, lineOffset: number): Program {
  try {
    return Handlebars.parse(template) as unknown as Program;
  } catch (err) {
    const msg = (err as Error).message;
    const m = /on line (\d+)/.exec(msg);
    const line = m ? Number(m[1]) + lineOffset - 1 : undefined;
    const got = /got '([^']+)'/.exec(msg)?.[1];
    const reason = got === 'EOF' ? 'the template ends inside an open block (a missing {{/...}}?)' : got ? `unexpected ${got}` : msg.split('\n')[0];
    throw new InputError(`invalid template: ${reason}`, { file, ...(line ? { line, column: 1 } : {}) });
  }
}

const asObj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

export class TemplateChecker {
  readonly diagnostics: SchemaDiagnostic[] = [];
  private used = new Set<string>();
  private wholeUsed = new Set<string>();
  private root: Node;
  private seen = new Set<string>();

  constructor(private model: PromptModel) {
    const input = model.input;
    this.root =
      input === null
        ? ({ type: 'object', properties: {}, additionalProperties: false } as Json)
        : input === true
          ? 'any'
          : input === false
            ? ({ not: {} } as Json)
            : input;
  }

  run(ast: Program, partialAsts: (name: string) => Program | undefined): SchemaDiagnostic[] {
    this.partial = partialAsts;
    this.program(ast, [{ node: this.root, path: '' }], 0);
    this.reportUnused();
    return this.diagnostics;
  }

  private partial: (name: string) => Program | undefined = () => undefined;

  // ---- schema navigation ----

  /** Follow local $refs. */
  private deref(n: Node, guard = 0): Node {
    if (n === 'any') return n;
    if (typeof n.$ref === 'string' && n.$ref.startsWith('#') && guard < 32 && this.root !== 'any') {
      const target = n.$ref
        .slice(1)
        .split('/')
        .filter(Boolean)
        .reduce<unknown>((acc, p) => asObj(acc)?.[decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~')], this.root);
      const t = asObj(target);
      return t ? this.deref(t, guard + 1) : 'any';
    }
    return n;
  }

  private node(v: unknown): Node {
    if (v === true || v === undefined) return 'any';
    if (v === false) return { not: {} };
    const o = asObj(v);
    return o ? this.deref(o) : 'any';
  }

  /** The JSON types a node allows; undefined when unconstrained. */
  private types(n: Node, guard = 0): Set<string> | undefined {
    if (n === 'any' || guard > 32) return undefined;
    const out = new Set<string>();
    let constrained = false;
    if (typeof n.type === 'string' || Array.isArray(n.type)) {
      constrained = true;
      for (const t of ([] as unknown[]).concat(n.type)) if (typeof t === 'string') out.add(t === 'integer' ? 'number' : t);
    } else if (Array.isArray(n.enum) || 'const' in n) {
      constrained = true;
      for (const v of Array.isArray(n.enum) ? n.enum : [n.const]) out.add(v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
    } else if (n.properties || n.additionalProperties !== undefined || n.required) {
      constrained = true;
      out.add('object');
    } else if (n.items || n.prefixItems) {
      constrained = true;
      out.add('array');
    }
    for (const k of ['anyOf', 'oneOf'] as const) {
      if (!Array.isArray(n[k])) continue;
      const branches = (n[k] as unknown[]).map((b) => this.types(this.node(b), guard + 1));
      if (branches.some((b) => b === undefined)) return constrained ? out : undefined;
      const union = new Set(branches.flatMap((b) => [...b!]));
      if (!constrained) {
        constrained = true;
        for (const t of union) out.add(t);
      } else for (const t of [...out]) if (!union.has(t)) out.delete(t);
    }
    return constrained ? out : undefined;
  }

  /** The schema of property `name` of a node; null when the node does not declare it. */
  private property(n: Node, name: string, guard = 0): Node | null {
    if (n === 'any') return 'any';
    if (guard > 32) return 'any';
    const props = asObj(n.properties);
    if (props && Object.prototype.hasOwnProperty.call(props, name)) return this.node(props[name]);
    const pats = asObj(n.patternProperties);
    if (pats) {
      for (const [p, s] of Object.entries(pats)) {
        try {
          if (new RegExp(p, 'u').test(name)) return this.node(s);
        } catch {
          /* not our concern here */
        }
      }
    }
    if (asObj(n.additionalProperties)) return this.node(n.additionalProperties);
    // arrays: numeric segments ({{items.[0]}})
    if (/^\d+$/.test(name) && (n.items !== undefined || n.prefixItems !== undefined)) {
      const pre = Array.isArray(n.prefixItems) ? n.prefixItems : Array.isArray(n.items) ? n.items : undefined;
      if (pre && Number(name) < pre.length) return this.node(pre[Number(name)]);
      return this.node(Array.isArray(n.items) ? n.additionalItems : n.items);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (!Array.isArray(n[k])) continue;
      for (const b of n[k] as unknown[]) {
        const p = this.property(this.node(b), name, guard + 1);
        if (p !== null) return p;
      }
    }
    // A schema that says nothing about objects (no type, no properties) constrains no property.
    if (this.types(n) === undefined && !props && !pats && n.additionalProperties === undefined && !n.allOf && !n.anyOf && !n.oneOf) return 'any';
    return null;
  }

  /** The element schema of an array node (or the value schema of a map). */
  private element(n: Node): Node {
    if (n === 'any') return 'any';
    if (n.items !== undefined && !Array.isArray(n.items)) return this.node(n.items);
    if (asObj(n.additionalProperties)) return this.node(n.additionalProperties);
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (!Array.isArray(n[k])) continue;
      for (const b of n[k] as unknown[]) {
        const e = this.element(this.node(b));
        if (e !== 'any') return e;
      }
    }
    return 'any';
  }

  // ---- diagnostics ----

  private at(loc?: Loc): { line?: number; column?: number } {
    return loc ? { line: loc.start.line + this.model.templateLine - 1, column: loc.start.column + 1 } : {};
  }

  private report(rule: string, severity: 'error' | 'warning', path: string, message: string, loc?: Loc): void {
    const key = `${rule}\0${path}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({ rule, severity, path, message, ...this.at(loc) });
  }

  private pointerOf(dataPath: string): string {
    // 'user.address.city' -> /input/schema/properties/user/properties/address/properties/city (approximate for arrays)
    if (!dataPath) return '/input/schema';
    return (
      '/input/schema' +
      dataPath
        .split('.')
        .map((p) => (p.endsWith('[]') ? `/properties/${p.slice(0, -2)}/items` : `/properties/${p}`))
        .join('')
    );
  }

  // ---- resolution ----

  /** Resolve a path expression in a scope stack; null when undeclared (reported). */
  private resolve(p: PathExpr, scopes: Scope[], whole: boolean): { node: Node; path: string } | null {
    if (p.data) {
      // @index, @key, @first, @last, @metadata ... are not input; @root.x is.
      if (p.parts[0] !== 'root') return { node: 'any', path: '@' };
      return this.walk({ node: this.root, path: '' }, p.parts.slice(1), p, whole);
    }
    let scopeIndex = scopes.length - 1 - p.depth;
    if (scopeIndex < 0) scopeIndex = 0;
    const explicitThis = /^(this|\.)(\/|\.|$)/.test(p.original);
    // block params first (as Handlebars does), innermost out
    if (!explicitThis && p.depth === 0 && p.parts.length) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const bp = scopes[i].params?.get(p.parts[0]);
        if (bp) return this.walk(bp, p.parts.slice(1), p, whole);
      }
    }
    return this.walk(scopes[scopeIndex], p.parts, p, whole);
  }

  private walk(start: { node: Node; path: string }, parts: string[], p: PathExpr, whole: boolean): { node: Node; path: string } | null {
    let cur = start;
    for (const part of parts) {
      const t = this.types(cur.node);
      if (t && !t.has('object') && !(t.has('array') && /^\d+$/.test(part))) {
        this.report(
          'PROMPT_VARIABLE_TYPE_MISMATCH',
          'error',
          this.pointerOf(cur.path),
          `'${p.original}': ${cur.path || 'the input'} is ${[...t].join(' or ')}, it has no property '${part}'`,
          p.loc,
        );
        return null;
      }
      const next = this.property(cur.node, part);
      const nextPath = cur.path === '@' ? '@' : /^\d+$/.test(part) ? `${cur.path}[]` : cur.path ? `${cur.path}.${part}` : part;
      if (next === null) {
        const what =
          this.model.input === null
            ? 'the prompt declares no input schema'
            : `the input schema does not declare ${cur.path ? `'${part}' in ${cur.path}` : `'${part}'`}`;
        this.report('PROMPT_UNDECLARED_VARIABLE', 'error', this.pointerOf(cur.path), `the template uses '${p.original}' but ${what}`, p.loc);
        return null;
      }
      cur = { node: next, path: nextPath };
    }
    if (cur.path && cur.path !== '@') {
      this.used.add(cur.path);
      if (whole) this.wholeUsed.add(cur.path);
    }
    return cur;
  }

  private isHelperCall(s: AstNode): boolean {
    const p = s.path as PathExpr;
    return p.type === 'PathExpression' && !p.data && p.depth === 0 && p.parts.length === 1 && DOTPROMPT_HELPERS.has(p.original);
  }

  // ---- walk ----

  private program(prog: Program | undefined, scopes: Scope[], depth: number): void {
    if (!prog) return;
    for (const s of prog.body) this.statement(s, scopes, depth);
  }

  /** An argument of a helper: every path in it is used whole. */
  private argument(a: AstNode, scopes: Scope[]): { node: Node; path: string } | null {
    if (a.type === 'PathExpression') return this.resolve(a as PathExpr, scopes, true);
    if (a.type === 'SubExpression') {
      this.call(a, scopes);
      return { node: 'any', path: '@' };
    }
    return { node: 'any', path: '@' }; // a literal
  }

  private call(s: AstNode, scopes: Scope[]): void {
    const p = s.path as PathExpr;
    const arity = HELPER_ARITY[p.original];
    const given = ((s.params as AstNode[]) ?? []).length;
    if (arity !== undefined && p.type === 'PathExpression' && given < arity) {
      this.report('PROMPT_HELPER_ARGUMENTS', 'error', '', `'${p.original}' needs ${arity} argument${arity === 1 ? '' : 's'} (got ${given})`, s.loc);
    }
    if (p.original === 'media' && !((s.hash as AstNode | undefined)?.pairs as AstNode[] | undefined)?.some((x) => x.key === 'url')) {
      this.report('PROMPT_HELPER_ARGUMENTS', 'error', '', "'media' needs url=...", s.loc);
    }
    if (!(
      p.type === 'PathExpression' &&
      !p.data &&
      p.depth === 0 &&
      p.parts.length === 1 &&
      (DOTPROMPT_HELPERS.has(p.original) || BLOCK_BUILTINS.has(p.original) || p.original === 'lookup' || p.original === 'log')
    )) {
      this.report(
        'PROMPT_UNKNOWN_HELPER',
        'error',
        '',
        `the template calls '${p.original}', which is not a helper dotprompt knows (${[...DOTPROMPT_HELPERS].join(', ')}, each, if, unless, with)`,
        s.loc,
      );
    }
    for (const a of (s.params as AstNode[]) ?? []) this.argument(a, scopes);
    for (const pair of ((s.hash as AstNode | undefined)?.pairs as AstNode[]) ?? []) this.argument(pair.value as AstNode, scopes);
  }

  private statement(s: AstNode, scopes: Scope[], depth: number): void {
    switch (s.type) {
      case 'MustacheStatement': {
        const params = (s.params as AstNode[]) ?? [];
        const hasHash = !!(s.hash as AstNode | undefined);
        if (params.length || hasHash || this.isHelperCall(s) || (s.path as AstNode).type !== 'PathExpression') {
          this.call(s, scopes);
          return;
        }
        const r = this.resolve(s.path as PathExpr, scopes, false);
        if (!r) return;
        const t = this.types(r.node);
        if (t && !t.has('string') && !t.has('number') && !t.has('boolean') && (t.has('object') || t.has('array'))) {
          this.report(
            'PROMPT_VARIABLE_TYPE_MISMATCH',
            'error',
            this.pointerOf(r.path),
            `'${(s.path as PathExpr).original}' is ${[...t].join(' or ')}: printed as is it renders as '[object Object]' or a comma list; use {{json ${(s.path as PathExpr).original}}} or {{#each}}`,
            s.loc,
          );
        }
        return;
      }
      case 'BlockStatement': {
        const p = s.path as PathExpr;
        const params = (s.params as AstNode[]) ?? [];
        const prog = s.program as Program | undefined;
        const inverse = s.inverse as Program | undefined;
        const name = p.type === 'PathExpression' && !p.data && p.depth === 0 && p.parts.length === 1 ? p.original : '';
        if (
          (name === 'each' || name === 'with' || name === 'if' || name === 'unless' || name === 'ifEquals' || name === 'unlessEquals') &&
          params.length < HELPER_ARITY[name]
        ) {
          this.report(
            'PROMPT_HELPER_ARGUMENTS',
            'error',
            '',
            `'#${name}' needs ${HELPER_ARITY[name]} argument${HELPER_ARITY[name] === 1 ? '' : 's'} (got ${params.length})`,
            s.loc,
          );
        }
        if (name === 'each' || name === 'with') {
          const target = params[0] ? this.argumentForBlock(params[0], scopes) : null;
          for (const a of params.slice(1)) this.argument(a, scopes);
          if (target) {
            const t = this.types(target.node);
            const ok = name === 'each' ? !t || t.has('array') || t.has('object') : !t || t.has('object');
            if (!ok) {
              this.report(
                'PROMPT_VARIABLE_TYPE_MISMATCH',
                'error',
                this.pointerOf(target.path),
                `'{{#${name} ${(params[0] as PathExpr).original ?? ''}}}' needs ${name === 'each' ? 'an array or an object' : 'an object'}, the input schema says ${[...t!].join(' or ')}`,
                s.loc,
              );
            }
            const inner: Node = name === 'each' ? this.element(target.node) : target.node;
            const innerPath = target.path === '@' ? '@' : name === 'each' ? (t && !t.has('array') ? `${target.path}.*` : `${target.path}[]`) : target.path;
            if (name === 'each' && target.path !== '@' && (!t || t.has('array'))) this.used.add(innerPath);
            const bp = new Map<string, { node: Node; path: string }>();
            const names = prog?.blockParams ?? [];
            if (names[0]) bp.set(names[0], { node: name === 'each' ? inner : target.node, path: innerPath });
            if (names[1]) bp.set(names[1], { node: 'any', path: '@' });
            this.program(prog, [...scopes, { node: inner, path: innerPath, params: bp }], depth);
          } else {
            this.program(prog, [...scopes, { node: 'any', path: '@' }], depth);
          }
          this.program(inverse, scopes, depth);
          return;
        }
        if (name === 'if' || name === 'unless' || name === 'ifEquals' || name === 'unlessEquals') {
          for (const a of params) {
            if (a.type === 'PathExpression') this.resolve(a as PathExpr, scopes, name !== 'if' && name !== 'unless');
            else this.argument(a, scopes);
          }
          this.program(prog, scopes, depth);
          this.program(inverse, scopes, depth);
          return;
        }
        if (name && !params.length && !DOTPROMPT_HELPERS.has(name) && !BLOCK_BUILTINS.has(name)) {
          // a Mustache-style section {{#items}}...{{/items}}
          const target = this.resolve(p, scopes, false);
          if (!target) return;
          const t = this.types(target.node);
          const isArray = t?.has('array');
          this.program(prog, [...scopes, { node: isArray ? this.element(target.node) : target.node, path: isArray ? `${target.path}[]` : target.path }], depth);
          this.program(inverse, scopes, depth);
          return;
        }
        this.call(s, scopes);
        this.program(prog, scopes, depth);
        this.program(inverse, scopes, depth);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const n = s.name as AstNode;
        const pname = n.type === 'PathExpression' ? (n as PathExpr).original : typeof n.value === 'string' ? (n.value as string) : undefined;
        const params = (s.params as AstNode[]) ?? [];
        let inner = scopes;
        if (params[0]) {
          const target = this.argumentForBlock(params[0], scopes);
          inner = [...scopes, target ? { node: target.node, path: target.path } : { node: 'any', path: '@' }];
          if (target && target.path !== '@') this.wholeUsed.delete(target.path);
        }
        for (const pair of ((s.hash as AstNode | undefined)?.pairs as AstNode[]) ?? []) this.argument(pair.value as AstNode, scopes);
        const ast = pname === undefined ? undefined : this.partial(pname);
        if (!ast) {
          this.report(
            'PROMPT_UNKNOWN_PARTIAL',
            'error',
            '',
            `the template includes partial '${pname ?? '(dynamic)'}', which is not a referenced prompt: register it and pass --reference ${pname ?? 'NAME'}=NAMESPACE.NAME@VERSION`,
            s.loc,
          );
        } else if (depth < MAX_PARTIAL_DEPTH) {
          this.program(ast, inner, depth + 1);
        }
        if (s.type === 'PartialBlockStatement') this.program(s.program as Program, scopes, depth);
        return;
      }
      case 'DecoratorBlock':
        this.program(s.program as Program, scopes, depth);
        return;
      default:
        return; // content, comments
    }
  }

  /** The target of each/with/partial context: resolved, not counted as a whole use. */
  private argumentForBlock(a: AstNode, scopes: Scope[]): { node: Node; path: string } | null {
    if (a.type === 'PathExpression') return this.resolve(a as PathExpr, scopes, false);
    return this.argument(a, scopes);
  }

  // ---- unused inputs ----

  private isUsed(path: string): boolean {
    for (const w of this.wholeUsed) if (path === w || path.startsWith(w + '.') || path.startsWith(w + '[]')) return true;
    for (const u of this.used) if (u === path || u.startsWith(path + '.') || u.startsWith(path + '[]')) return true;
    return false;
  }

  private reportUnused(): void {
    if (this.model.input === null || this.root === 'any') return;
    const visit = (n: Node, path: string, ptr: string, guard: number): void => {
      if (n === 'any' || guard > 16) return;
      const props = asObj(n.properties);
      if (!props) return;
      for (const [k, v] of Object.entries(props)) {
        const p = path ? `${path}.${k}` : k;
        const ptrK = `${ptr}/properties/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!this.isUsed(p)) {
          this.report('PROMPT_UNUSED_INPUT', 'warning', ptrK, `input property '${p}' is declared but the template never uses it`);
          continue;
        }
        if ([...this.wholeUsed].some((w) => p === w || p.startsWith(w + '.'))) continue;
        const child = this.node(v);
        visit(child, p, ptrK, guard + 1);
        if (child !== 'any' && asObj(child.items)) visit(this.node(child.items), `${p}[]`, `${ptrK}/items`, guard + 1);
      }
    };
    visit(this.root, '', '/input/schema', 0);
  }
}

/** Every finding of the template against the input schema, errors first. */
export function checkTemplate(model: PromptModel, file?: string): SchemaDiagnostic[] {
  const ast = parseTemplate(model.template, file, model.templateLine);
  const partialAsts = new Map<string, Program>();
  const checker = new TemplateChecker(model);
  const diags = checker.run(ast, (name) => {
    if (!(name in model.partials)) return undefined;
    let a = partialAsts.get(name);
    if (!a) {
      a = parseTemplate(model.partials[name], file, 1);
      partialAsts.set(name, a);
    }
    return a;
  });
  return [...diags].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

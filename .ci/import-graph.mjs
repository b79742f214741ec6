#!/usr/bin/env node
// Fails on any import cycle among the files of src/ and on any upward arrow between its floors (issue 24).
// Every import counts: static, `export ... from`, dynamic `import()` and `import type` (a type-only import is
// still a dependency of the design, and an upward one is what let the floors tangle). Runs in `npm run lint`.
//
// The house, from the top (ARCHITECTURE.md: "cli -> server -> report -> core -> providers -> storage / formats,
// with ui and model on the ground"): a file may import its own floor's rooms and any floor below, never one above.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Floors, top first; each lists its rooms (the first folder under src/, or a top-level file). */
export const FLOORS = [
  ['index.ts', 'index.cts'], // the library entry: may import everything
  ['cli'],
  ['server'],
  ['report'],
  ['core', 'llm'], // llm: model replies, envelopes and quarantine (imports core and providers; the CLI imports it)
  ['providers'],
  ['storage', 'formats', 'client'], // client: the HTTP client of `serve` (imports only model)
  ['model', 'ui'], // the ground
];

/**
 * Edges allowed to break the rules for a while, each as [from, to, reason] (paths relative to the source folder):
 * the edge is left out of both checks, and the script says when one is no longer there. Empty: keep it so.
 */
export const KNOWN = [];

const EXT = /\.(?:ts|cts|mts|tsx)$/;

function listSources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listSources(p));
    else if (EXT.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** A relative specifier to a source file of the tree, or undefined (a package, or a file outside the tree). */
function resolveSpec(from, spec, files) {
  if (!spec.startsWith('.')) return undefined;
  const base = join(dirname(from), spec);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.cjs$/, '.cts'),
    base.replace(/\.mjs$/, '.mts'),
    base.replace(/\.jsx$/, '.tsx'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => files.has(c));
}

/** The floor index of a source-relative path (0 = top), or undefined for a room no floor names. */
export function floorOf(rel, floors = FLOORS) {
  const room = rel.split('/')[0];
  const i = floors.findIndex((f) => f.includes(room));
  return i === -1 ? undefined : i;
}

/**
 * The import graph of `srcDir` checked: returns the problems as lines naming the files (empty when clean).
 * `ts` is the TypeScript module (its preProcessFile lists a file's imports without type-checking).
 */
export function checkImports(srcDir, { ts, floors = FLOORS, known = KNOWN } = {}) {
  if (!ts) ts = createRequire(import.meta.url)('typescript');
  const files = new Set(listSources(srcDir));
  const rel = (f) => relative(srcDir, f).split(sep).join('/');
  const knownEdges = new Set(known.map(([a, b]) => `${a} ${b}`));
  const usedKnown = new Set();
  const problems = [];
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of [...files].sort()) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const deps = new Set();
    for (const { fileName } of info.importedFiles) {
      const target = resolveSpec(file, fileName, files);
      if (!target || target === file) continue;
      if (knownEdges.has(`${rel(file)} ${rel(target)}`)) {
        usedKnown.add(`${rel(file)} ${rel(target)}`);
        continue;
      }
      deps.add(rel(target));
    }
    graph.set(rel(file), [...deps].sort());
  }

  // Upward arrows: an import of a higher floor.
  for (const [from, deps] of graph) {
    const ff = floorOf(from, floors);
    if (ff === undefined) {
      problems.push(`src/${from}: in no floor of .ci/import-graph.mjs (add its folder to FLOORS)`);
      continue;
    }
    for (const to of deps) {
      const tf = floorOf(to, floors);
      if (tf !== undefined && tf < ff)
        problems.push(`upward arrow: src/${from} imports src/${to} (${floors[ff].join('/')} stands below ${floors[tf].join('/')})`);
    }
  }

  // Cycles: the strongly connected components with more than one file (Tarjan's algorithm, iterative).
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, i] = top;
      const deps = graph.get(v) ?? [];
      if (i < deps.length) {
        top[1]++;
        const w = deps[i];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const scc = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1)
          problems.push(
            `import cycle: ${cyclePath(scc, graph)
              .map((f) => `src/${f}`)
              .join(' -> ')}`,
          );
      }
    }
  }
  // A known edge that is gone: say so (not a failure), so that its entry is removed.
  const stale = known.filter(([a, b]) => !usedKnown.has(`${a} ${b}`)).map(([a, b]) => `src/${a} -> src/${b}`);
  return Object.assign(problems, { stale });
}

/** One cycle through a component, as a path that returns to its first file (the shortest from the first file). */
function cyclePath(scc, graph) {
  const inside = new Set(scc);
  const first = [...scc].sort()[0];
  const prev = new Map([[first, undefined]]);
  const queue = [first];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === first) {
        const path = [first];
        for (let x = v; x !== first; x = prev.get(x)) path.splice(1, 0, x);
        return [...path, first];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...scc, scc[0]];
}

// Usage: node .ci/import-graph.mjs [source folder] (default: this repository's src/).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const src = process.argv[2] ?? fileURLToPath(new URL('../src', import.meta.url));
  if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`import-graph: no folder ${src}`);
    process.exit(2);
  }
  const problems = checkImports(src);
  if (process.argv[2] === undefined) for (const s of problems.stale) console.error(`import-graph: the known edge ${s} is gone: remove its entry from KNOWN`);
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(`${problems.length} import problem(s): see the floors at the top of .ci/import-graph.mjs (ARCHITECTURE.md, issue 24).`);
    process.exit(1);
  }
}

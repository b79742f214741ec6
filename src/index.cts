/**
 * `require('llm-schema-registry')`: the library is ESM (dist/index.js). Node 20.19+ and 22.12+ load ESM with require(),
 * so this entry hands over the same module. On an older Node, require() gives `openRegistry` (and `load()` for the
 * whole module) as async functions that import the ESM build on first use.
 */
type Library = typeof import('./index.js');

function fallback(): Partial<Library> & { load(): Promise<Library> } {
  const load = () => import('./index.js');
  return {
    load,
    openRegistry: (async (...args: Parameters<Library['openRegistry']>) => (await load()).openRegistry(...args)) as Library['openRegistry'],
  };
}

let lib: unknown;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS entry loads the ESM build with require(esm)
  lib = require('./index.js');
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw err;
  lib = fallback();
}
module.exports = lib;

/**
 * `npm run lint` fails on an import cycle in src/ and on an import of a higher floor (issue 24): the script
 * names the files, and passes a clean tree.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../.ci/import-graph.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'llms-imports-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function lint(dir: string) {
  return spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
}

/** A small house: index on top, cli over core over storage over model. */
const CLEAN = {
  'index.ts': "export * from './core/a.js';\n",
  'cli/main.ts': "import { a } from '../core/a.js';\nexport const run = () => import('../storage/s.js').then(() => a);\n",
  'core/a.ts': "import type { T } from '../model/t.js';\nimport { s } from '../storage/s.js';\nimport { b } from './b.js';\nexport const a: T = s + b;\n",
  'core/b.ts': "import { readFile } from 'node:fs';\nexport const b = typeof readFile;\n",
  'storage/s.ts': "export { t as s } from '../model/t.js';\n",
  'model/t.ts': "export type T = string;\nexport const t = 't';\n",
};

describe('the import-graph check', () => {
  it('passes a clean tree (static, re-export, dynamic and type imports; packages ignored)', () => {
    const r = lint(tree(CLEAN));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('names the files of a cycle, and exits 1', () => {
    const r = lint(
      tree({
        ...CLEAN,
        'core/b.ts': "import type { T } from '../model/t.js';\nexport const b = 'b';\nexport const c = () => import('./c.js');\nexport type U = T;\n",
        'core/c.ts': "import { a } from './a.js';\nexport const c = a;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('import cycle: src/core/a.ts -> src/core/b.ts -> src/core/c.ts -> src/core/a.ts');
    expect(r.stderr).not.toContain('upward');
  });

  it('names an upward arrow (a type-only import counts), and exits 1', () => {
    const r = lint(tree({ ...CLEAN, 'storage/s.ts': "import type { T } from '../core/a.js';\nexport const s = 's';\nexport type S = T;\n" }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('upward arrow: src/storage/s.ts imports src/core/a.ts');
    // storage -> core -> storage is also a cycle
    expect(r.stderr).toContain('import cycle:');
  });

  it('refuses a folder that is in no floor', () => {
    const r = lint(tree({ ...CLEAN, 'misc/x.ts': 'export const x = 1;\n' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('src/misc/x.ts: in no floor');
  });

  it("passes this repository's src/ (its known edges listed in the script)", () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/import cycle|upward arrow/);
    expect(r.status).toBe(0);
  });
});

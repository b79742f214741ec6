/**
 * `npm run lint` fails on merge-conflict markers in tracked text files (one shipped in the README once).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../.ci/conflict-markers.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'llms-markers-'));
  dirs.push(dir);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  execFileSync('git', ['add', '-A'], { cwd: dir });
  return dir;
}

describe('the conflict-marker check', () => {
  it('names every marker line with file and line number, and exits 1', () => {
    const dir = repo({ 'README.md': 'intro\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> feature\n', 'ok.ts': 'export const a = 1;\n' });
    const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('README.md:2: merge-conflict marker: <<<<<<< HEAD');
    expect(r.stderr).toContain('README.md:4: merge-conflict marker: =======');
    expect(r.stderr).toContain('README.md:6: merge-conflict marker: >>>>>>> feature');
    expect(r.stderr).not.toContain('ok.ts');
  });

  it('passes a clean tree, and ignores binary files and longer rules of = signs', () => {
    const dir = repo({ 'a.md': 'Title\n========\ntext\n', 'b.bin': Buffer.from([0, 60, 60, 60, 60, 60, 60, 60, 32, 10]) });
    const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('this repository has none', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

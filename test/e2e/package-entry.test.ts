/** require() of the package: the CommonJS entry loads the library (and, where Node cannot require ESM, offers openRegistry). */
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { consumerRepo, removeTemps, REPO } from './integrations-helpers.js';

afterAll(removeTemps);

const script = (reg: string) =>
  `const lib = require('llm-schema-registry');` +
  `lib.openRegistry(${JSON.stringify(reg)}).then((r) => r.list()).then((s) => console.log(JSON.stringify(s.map((x) => x.subject))), (e) => { console.error(e); process.exit(1); });`;

describe('require()', () => {
  it('loads the library from CommonJS', async () => {
    const { reg } = await consumerRepo();
    const r = await execa('node', ['-e', script(reg)], { cwd: REPO, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['app.user']);
    const all = await execa('node', ['-e', "const l = require('llm-schema-registry'); console.log(typeof l.Registry, typeof l.RegistryClient)"], { cwd: REPO });
    expect(all.stdout).toBe('function function');
  });

  it('where Node cannot require ESM, openRegistry still works (imported on first use)', async () => {
    const { reg } = await consumerRepo();
    const r = await execa('node', ['--no-experimental-require-module', '-e', script(reg)], { cwd: REPO, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['app.user']);
  });
});

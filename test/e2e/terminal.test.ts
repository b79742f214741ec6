/** Terminal behaviour: colour when forced, no spinner on a terminal reporting 0 columns. */
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { AVRO_V1, cli, consumerRepo, removeTemps, REPO, write } from './integrations-helpers.js';

afterAll(removeTemps);

describe('terminal', () => {
  it('FORCE_COLOR colours piped output; NO_COLOR wins over it', async () => {
    const { reg } = await consumerRepo();
    const forced = await cli(reg, ['list'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(String.raw`\u001b\[\d+m`));
    const plain = await cli(reg, ['list'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stdout).toContain('app.user');
  });

  it('register on a terminal reporting 0 columns finishes without spinning', async () => {
    const { reg } = await consumerRepo();
    write(reg, 'v2.avsc', AVRO_V1.replace('"fields":[', '"doc":"users","fields":['));
    const bin = JSON.stringify(path.join(REPO, 'bin/llm-schema.js'));
    const r = await execa('script', ['-qec', `stty cols 0 rows 0; node ${bin} register app.user --file v2.avsc`, '/dev/null'], {
      cwd: reg,
      reject: false,
      env: { TERM: 'xterm', LLM_SCHEMA_REGISTRY: '', CI: '', NO_COLOR: '1' },
      timeout: 60_000,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/registered app\.user 1\.0\.1/);
    expect(String(r.all).length).toBeLessThan(2000);
  });
});

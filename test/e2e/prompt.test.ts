/**
 * Prompt templates end to end, with the built binary: the README section runs as written (three versions,
 * render each, a breaking input change refused with its witness, the edit blocked by a real git pre-commit
 * hook); the template checks at register, lint and check; render errors; serve's POST /schemas/render; the
 * library's registry.render.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanup, cli, newRegistry, REPO, tempDir } from '../helpers.js';
import { startServe } from './serve-helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };

/** The README's prompt section as shell units (a command, or a heredoc with its body), each with its expected exit. */
function readmeUnits(): Array<{ cmd: string; exit: number }> {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## Prompt templates (Dotprompt)');
  expect(start, 'README has the prompt section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 10));
  const units: Array<{ cmd: string; exit: number }> = [];
  for (const m of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = m[1].split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line.trim()) continue;
      const here = /<<'(\w+)'/.exec(line);
      if (here) {
        const end = lines.indexOf(here[1], i + 1);
        units.push({ cmd: lines.slice(i, end + 1).join('\n'), exit: 0 });
        i = end;
        continue;
      }
      const exit = /#\s*exit (\d+)/.exec(line);
      units.push({ cmd: line, exit: exit ? Number(exit[1]) : 0 });
    }
  }
  return units;
}

describe('the README prompt section, as written', () => {
  it('runs: three versions rendered, a breaking change refused with its witness and blocked by the pre-commit hook', async () => {
    const dir = await newRegistry();
    dirs.push(dir);
    await execa('git', ['add', '-A'], { cwd: dir });
    await execa('git', ['commit', '-qm', 'init'], { cwd: dir });
    // `llm-schema` on PATH: the built binary
    const binDir = tempDir('llm-schema-bin-');
    dirs.push(binDir);
    writeFileSync(path.join(binDir, 'llm-schema'), `#!/bin/sh\nexec node ${JSON.stringify(BIN)} "$@"\n`);
    chmodSync(path.join(binDir, 'llm-schema'), 0o755);
    const env = { ...process.env, ...GIT_ENV, NO_COLOR: '1', LLM_SCHEMA_REGISTRY: '', PATH: `${binDir}${path.delimiter}${process.env.PATH}` };

    const units = readmeUnits();
    expect(units.length).toBeGreaterThan(15);
    const out: string[] = [];
    for (const u of units) {
      const r = await execa('bash', ['-c', u.cmd], { cwd: dir, env, reject: false, stdin: 'ignore' });
      const text = `${r.stdout}\n${r.stderr}`;
      out.push(text);
      expect(r.exitCode, `${u.cmd}\n${text}`).toBe(u.exit);
    }
    const all = out.join('\n');
    // three versions, with the bumps the README promises
    const subjectYaml = readFileSync(path.join(dir, 'schemas/myapp/support-reply/subject.yaml'), 'utf8');
    expect([...subjectYaml.matchAll(/version: (\S+)/g)].map((m) => m[1])).toEqual(['1.0.0', '1.1.0', '1.1.1']);
    expect(subjectYaml).toMatch(/format: prompt/);
    expect(subjectYaml).toMatch(/kind: prompt/);
    // render (latest and 1.0.0) and the rendered request
    expect(all).toContain('[system]\nYou answer support questions for ACME. Be brief.');
    expect(all).toContain('[user]\nAda asks: Where is my refund?');
    const request = JSON.parse(readFileSync(path.join(dir, 'request.json'), 'utf8'));
    expect(request).toMatchObject({ subject: 'myapp.support-reply', version: '1.0.0', model: 'googleai/gemini-2.5-flash', config: { temperature: 0.3 } });
    expect(request.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(request.output.schema).toMatchObject({ type: 'object', required: ['reply', 'escalate'] });
    // the breaking change: refused with the witness an old caller sends
    expect(all).toMatch(/REQUIRED_ATTRIBUTE_ADDED at \/input\/schema\/required: .*\{"customer":"","question":""\} is valid only under the old version/);
    // the pre-commit hook blocked the in-place edit; nothing was committed and the tree is clean again
    expect(all).toMatch(/VERSION_CHANGED myapp.support-reply 1.1.1/);
    const log = await execa('git', ['log', '--format=%s'], { cwd: dir });
    expect(log.stdout.split('\n')).toEqual(['support-reply 1.1.1', 'support-reply 1.0.0', 'init']);
    expect((await execa('git', ['status', '--porcelain', '--', 'schemas'], { cwd: dir })).stdout).toBe('');

    // render each of the three versions
    for (const [v, text] of [
      ['1.0.0', 'Be brief.'],
      ['1.1.0', 'Be brief.'],
      ['1.1.1', 'Be brief and kind.'],
    ] as const) {
      const r = await cli(['render', 'myapp.support-reply', '--version', v, '--input', 'vars.json', '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.version).toBe(v);
      expect(j.messages[0].content[0].text.trim()).toBe(`You answer support questions for ACME. ${text}`);
    }
    writeFileSync(path.join(dir, 'tone.json'), JSON.stringify({ customer: 'Bo', question: 'Hi?', tone: 'formal' }));
    const toned = await cli(['render', 'myapp.support-reply', '--input', 'tone.json'], { cwd: dir });
    expect(toned.stdout).toContain('Be brief and kind and formal.');
  });
});

const GREETING = `---
input:
  schema:
    name: string
    topic?: string
output:
  schema:
    text: string
---
Hello {{name}}{{#if topic}}, about {{topic}}{{/if}}.
`;

describe('prompt commands', () => {
  it('register refuses an undeclared variable (exit 1, naming it and its line); malformed files exit 2 with line:column', async () => {
    const dir = await newRegistry({
      'typo.prompt': GREETING.replace('Hello {{name}}', 'Hello {{nmae}}'),
      'bad-yaml.prompt': '---\ninput:\n  schema: {name: string\n---\nHi\n',
      'unclosed.prompt': '---\ninput:\n  schema:\n    name: string\n---\n{{#if name}}Hi {{name}}\n',
    });
    dirs.push(dir);
    const typo = await cli(['register', 'app.greet', '--file', 'typo.prompt'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/PROMPT_UNDECLARED_VARIABLE at line 10: the template uses 'nmae'/);
    expect(typo.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const yaml = await cli(['register', 'app.greet', '--file', 'bad-yaml.prompt'], { cwd: dir });
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/^llm-schema: bad-yaml\.prompt:\d+:\d+: invalid YAML front matter/);
    const unclosed = await cli(['register', 'app.greet', '--file', 'unclosed.prompt'], { cwd: dir });
    expect(unclosed.code).toBe(2);
    expect(unclosed.stderr).toMatch(/unclosed\.prompt:\d+:\d+: invalid template/);
    // nothing was written
    expect((await cli(['list'], { cwd: dir })).stdout).not.toContain('app.greet');
  });

  it('lint, render errors, get, validate, --text-change, and check --staged on a hand-written version', async () => {
    const dir = await newRegistry({ 'greet.prompt': GREETING, 'unused.prompt': GREETING.replace('{{#if topic}}, about {{topic}}{{/if}}', '') });
    dirs.push(dir);
    expect((await cli(['register', 'app.greet', '--file', 'greet.prompt'], { cwd: dir })).code).toBe(0);
    // an unused input is a warning at register (exit 0)
    const unused = await cli(['register', 'app.greet', '--file', 'unused.prompt', '--dry-run'], { cwd: dir });
    expect(unused.code).toBe(0);
    expect(unused.stderr).toMatch(/input property 'topic' is declared but the template never uses it \(PROMPT_UNUSED_INPUT\)/);
    const lint = await cli(['lint', '--schema', 'unused.prompt', '--json'], { cwd: dir });
    expect(lint.code).toBe(0);
    expect(JSON.parse(lint.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('PROMPT_UNUSED_INPUT');
    // render: invalid input exit 1 with the schema errors; a non-prompt subject and a bad input file exit 2
    writeFileSync(path.join(dir, 'bad.json'), '{"name": 42}');
    const bad = await cli(['render', 'app.greet', '--input', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/the input does not match the input schema of app.greet 1.0.0\n {2}- \/name: must be string/);
    writeFileSync(path.join(dir, 'broken.json'), '{"name": ');
    const broken = await cli(['render', 'app.greet', '--input', 'broken.json'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json:1:\d+/);
    writeFileSync(path.join(dir, 's.json'), JSON.stringify({ type: 'object' }));
    expect((await cli(['register', 'app.plain', '--file', 's.json'], { cwd: dir })).code).toBe(0);
    const notPrompt = await cli(['render', 'app.plain', '--input', 'bad.json'], { cwd: dir });
    expect(notPrompt.code).toBe(2);
    expect(notPrompt.stderr).toMatch(/only prompt subjects/);
    // get returns the template; validate --data checks template inputs
    const got = await cli(['get', 'app.greet', '--json'], { cwd: dir });
    expect(JSON.parse(got.stdout)).toMatchObject({ format: 'prompt', schema: GREETING });
    const val = await cli(['validate', 'app.greet', '--data', 'bad.json'], { cwd: dir });
    expect(val.code).toBe(1);
    // --text-change major records a wording change as a major version
    writeFileSync(path.join(dir, 'reworded.prompt'), GREETING.replace('Hello', 'Good day'));
    const tc = await cli(['register', 'app.greet', '--file', 'reworded.prompt', '--text-change', 'major', '--json'], { cwd: dir });
    expect(tc.code, tc.stderr).toBe(0);
    expect(JSON.parse(tc.stdout)).toMatchObject({ version: '2.0.0', bump: 'major' });
    expect((await cli(['register', 'app.plain', '--file', 's.json', '--text-change', 'minor'], { cwd: dir })).code).toBe(2);

    // check --staged: a version added by hand whose template uses an undeclared variable
    await execa('git', ['add', '-A'], { cwd: dir });
    await execa('git', ['commit', '-qm', 'base'], { cwd: dir, env: { ...process.env, ...GIT_ENV } });
    const subj = path.join(dir, 'schemas/app/greet');
    writeFileSync(path.join(subj, '2.1.0.prompt'), GREETING.replace('{{name}}', '{{user}}'));
    const yamlFile = path.join(subj, 'subject.yaml');
    writeFileSync(yamlFile, readFileSync(yamlFile, 'utf8').trimEnd() + '\n  - version: 2.1.0\n    id: 12345\n    state: active\n');
    await execa('git', ['add', '-A'], { cwd: dir });
    const check = await cli(['check', '--staged', '--json'], { cwd: dir });
    expect(check.code).toBe(1);
    const findings = JSON.parse(check.stdout).findings as Array<{ rule: string; message: string; line?: number }>;
    const t = findings.find((f) => f.rule === 'TEMPLATE_CHECK_FAILED' && f.message.includes("'user'"));
    expect(t, JSON.stringify(findings)).toBeDefined();
    expect(t!.line).toBe(10);
  });

  it('references: a named schema (a JSON Schema subject) and a partial (a prompt subject), checked and rendered', async () => {
    const dir = await newRegistry({
      'footer.prompt': '---\ninput:\n  schema:\n    customer: string\n---\nThanks, {{customer}}. -- ACME support\n',
      'ticket.json': JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }),
      'ask.prompt': '---\ninput:\n  schema:\n    customer: string\n    ticket: Ticket\n---\n{{customer}} asks about {{ticket.id}}\n{{> footer}}\n',
      'typo.prompt': '---\ninput:\n  schema:\n    customer: string\n    ticket: Ticket\n---\n{{customer}} asks about {{ticket.number}}\n{{> footer}}\n',
      'vars.json': JSON.stringify({ customer: 'Ada', ticket: { id: 'T-1' } }),
      'bad.json': JSON.stringify({ customer: 'Ada', ticket: {} }),
    });
    dirs.push(dir);
    expect((await cli(['register', 'acme.footer', '--file', 'footer.prompt'], { cwd: dir })).code).toBe(0);
    expect((await cli(['register', 'acme.ticket', '--file', 'ticket.json'], { cwd: dir })).code).toBe(0);
    const noRef = await cli(['register', 'acme.ask', '--file', 'ask.prompt'], { cwd: dir });
    expect(noRef.code).toBe(2);
    expect(noRef.stderr).toMatch(/--reference Ticket=NAMESPACE.NAME@VERSION/);
    const refs = ['--reference', 'footer=acme.footer@1.0.0', '--reference', 'Ticket=acme.ticket@1.0.0'];
    const typo = await cli(['register', 'acme.ask', '--file', 'typo.prompt', ...refs], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/'ticket.number'/);
    expect((await cli(['register', 'acme.ask', '--file', 'ask.prompt', ...refs], { cwd: dir })).code).toBe(0);
    const r = await cli(['render', 'acme.ask', '--input', 'vars.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd()).toBe('[user]\nAda asks about T-1\nThanks, Ada. -- ACME support');
    const bad = await cli(['render', 'acme.ask', '--input', 'bad.json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/\/ticket: must have required property 'id'/);
  });

  it('serve: POST /schemas/render renders, 422 with the errors on a bad input; GET returns the template', async () => {
    const dir = await newRegistry({ 'greet.prompt': GREETING });
    dirs.push(dir);
    expect((await cli(['register', 'app.greet', '--file', 'greet.prompt'], { cwd: dir })).code).toBe(0);
    const s = await startServe(dir);
    try {
      const post = (body: unknown) =>
        fetch(`${s.url}/schemas/render`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const ok = await post({ namespace: 'app', name: 'greet', input: { name: 'Ada', topic: 'tea' } });
      expect(ok.status).toBe(200);
      const j = await ok.json();
      expect(j).toMatchObject({ subject: 'app.greet', version: '1.0.0', output: { schema: { type: 'object' } } });
      expect(j.messages[0]).toMatchObject({ role: 'user', content: [{ text: 'Hello Ada, about tea.' }] });
      const bad = await post({ namespace: 'app', name: 'greet', version: '1.0.0', input: {} });
      expect(bad.status).toBe(422);
      const b = await bad.json();
      expect(b.errors[0].message).toMatch(/required property 'name'/);
      expect((await post({ namespace: 'app', name: 'nope', input: {} })).status).toBe(404);
      const get = await fetch(`${s.url}/schemas/app/greet/latest`);
      expect(get.status).toBe(200);
      expect((await get.json()).schema.trimEnd()).toBe(GREETING.trimEnd());
    } finally {
      await s.stop();
    }
  });

  it('the library: registry.render', async () => {
    const dir = await newRegistry({ 'greet.prompt': GREETING });
    dirs.push(dir);
    expect((await cli(['register', 'app.greet', '--file', 'greet.prompt'], { cwd: dir })).code).toBe(0);
    const scratch = path.join(REPO, 'test', 'bench', '.data');
    mkdirSync(scratch, { recursive: true });
    const script = path.join(scratch, `prompt-lib-${process.pid}.mjs`);
    writeFileSync(
      script,
      `import { openRegistry, RenderInputError } from 'llm-schema-registry';
const registry = await openRegistry(${JSON.stringify(dir)});
const r = await registry.render('app.greet', { name: 'Ada' });
let err;
try { await registry.render('app.greet', { name: 1 }); } catch (e) { err = { isRender: e instanceof RenderInputError, errors: e.errors }; }
console.log(JSON.stringify({ r, err }));
`,
    );
    const res = await execa('node', [script], { cwd: REPO, reject: false });
    expect(res.exitCode, String(res.stderr)).toBe(0);
    const out = JSON.parse(String(res.stdout));
    expect(out.r.messages[0].content[0].text).toBe('Hello Ada.');
    expect(out.r.version).toBe('1.0.0');
    expect(out.err.isRender).toBe(true);
    expect(out.err.errors[0].path).toBe('/name');
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cleanup, cli, newRegistry, snapshot, tempDir, writeTree } from '../helpers.js';

const USER_V1 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    name: { type: 'string' },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 0 },
  },
  required: ['name'],
};

describe('SPEC section 3 examples: init, register, get, list, search, validate, config, deprecate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'schema.json': USER_V1, 'data.json': { name: 'Ada', email: 'ada@example.com', age: 36 } });
  });
  afterAll(() => cleanup(dir));

  it('init wrote the config, schemas/, a CI workflow and a pre-commit config', () => {
    const cfg = parseYaml(readFileSync(path.join(dir, 'llm-schema.yaml'), 'utf8'));
    expect(cfg).toMatchObject({ compatibility: 'BACKWARD', schemas: 'schemas' });
    expect(existsSync(path.join(dir, 'schemas'))).toBe(true);
    expect(readFileSync(path.join(dir, '.github/workflows/llm-schema.yml'), 'utf8')).toContain('check --against');
    expect(readFileSync(path.join(dir, '.pre-commit-config.yaml'), 'utf8')).toContain('check --staged');
  });

  it('init refuses to run twice and without a terminal or --yes', async () => {
    const again = await cli(['init', '--yes'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    const other = tempDir();
    const noTty = await cli(['init'], { cwd: other });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--yes');
    expect(existsSync(path.join(other, 'llm-schema.yaml'))).toBe(false);
    cleanup(other);
  });

  it('register with an explicit version writes the version file and subject.yaml', async () => {
    const r = await cli(
      [
        'register',
        '--namespace',
        'myapp',
        '--name',
        'user-schema',
        '--version',
        '1.0.0',
        '--file',
        'schema.json',
        '--description',
        'A user',
        '--owner',
        'team-a',
        '--tag',
        'users',
        '--kind',
        'data',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/registered myapp\.user-schema 1\.0\.0 \(id \d+\)/);
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/myapp/user-schema/subject.yaml'), 'utf8'));
    expect(meta).toMatchObject({ format: 'json', description: 'A user', owners: ['team-a'], tags: ['users'], kind: 'data' });
    expect(meta.versions).toHaveLength(1);
    expect(meta.versions[0]).toMatchObject({ version: '1.0.0', state: 'active' });
    expect(meta.versions[0].id).toBeGreaterThan(0);
    expect(meta.versions[0].id).toBeLessThanOrEqual(0x7fffffff);
    expect(JSON.parse(readFileSync(path.join(dir, 'schemas/myapp/user-schema/1.0.0.json'), 'utf8'))).toEqual(USER_V1);
  });

  it('re-registering identical content (reformatted) is a no-op reporting the existing version', async () => {
    writeFileSync(path.join(dir, 'same.json'), JSON.stringify({ required: ['name'], ...USER_V1 }));
    const before = snapshot(dir);
    const r = await cli(['register', '--namespace', 'myapp', '--name', 'user-schema', '--file', 'same.json', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'unchanged', version: '1.0.0' });
    expect(snapshot(dir)).toEqual(before);
  });

  it('get prints the schema; --version latest; --json adds metadata', async () => {
    const r = await cli(['get', '--namespace', 'myapp', '--name', 'user-schema', '--version', '1.0.0'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(USER_V1);
    const j = await cli(['get', '--namespace', 'myapp', '--name', 'user-schema', '--version', 'latest', '--json'], { cwd: dir });
    expect(JSON.parse(j.stdout)).toMatchObject({ subject: 'myapp.user-schema', version: '1.0.0', format: 'json', schema: USER_V1, owners: ['team-a'] });
    const positional = await cli(['get', 'myapp.user-schema'], { cwd: dir });
    expect(JSON.parse(positional.stdout)).toEqual(USER_V1);
  });

  it('list and search', async () => {
    const l = await cli(['list', '--namespace', 'myapp'], { cwd: dir });
    expect(l.code).toBe(0);
    expect(l.stdout).toContain('myapp.user-schema');
    const lj = await cli(['list', '--json'], { cwd: dir });
    expect(JSON.parse(lj.stdout)[0]).toMatchObject({ subject: 'myapp.user-schema', latest: '1.0.0' });
    for (const word of ['user', 'users', 'email', 'team-a']) {
      const s = await cli(['search', word, '--json'], { cwd: dir });
      expect(s.code, word).toBe(0);
      expect(JSON.parse(s.stdout).map((h: { subject: string }) => h.subject)).toEqual(['myapp.user-schema']);
    }
    const none = await cli(['search', 'zebra'], { cwd: dir });
    expect(none.code).toBe(1);
  });

  it('validate in registry mode and with --schema', async () => {
    const ok = await cli(['validate', '--namespace', 'myapp', '--name', 'user-schema', '--version', '1.0.0', '--data', 'data.json'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 passed, 0 failed');
    writeFileSync(path.join(dir, 'records.jsonl'), '{"name":"a"}\n{"name":2}\n\n{"age":-1,"name":"b"}\n');
    const bad = await cli(['validate', '--schema', 'schema.json', '--data', 'records.jsonl'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('records.jsonl:2: /name must be string');
    expect(bad.stdout).toContain('records.jsonl:4: /age must be >= 0');
    expect(bad.stdout.trim().split('\n').at(-1)).toBe('1 passed, 2 failed');
  });

  it('config shows and sets the registry default and a subject mode', async () => {
    const show = await cli(['config'], { cwd: dir });
    expect(show.stdout.trim()).toBe('registry default: BACKWARD');
    const set = await cli(['config', '--namespace', 'myapp', '--name', 'user-schema', '--compatibility', 'FULL'], { cwd: dir });
    expect(set.code).toBe(0);
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/myapp/user-schema/subject.yaml'), 'utf8'));
    expect(meta.compatibility).toBe('FULL');
    const j = await cli(['config', 'myapp.user-schema', '--json'], { cwd: dir });
    expect(JSON.parse(j.stdout)).toMatchObject({ compatibility: 'FULL', source: 'subject' });
    const bad = await cli(['config', '--compatibility', 'SIDEWAYS'], { cwd: dir });
    expect(bad.code).toBe(2);
    const d = await cli(['config', '--compatibility', 'FORWARD'], { cwd: dir });
    expect(d.code).toBe(0);
    expect(readFileSync(path.join(dir, 'llm-schema.yaml'), 'utf8')).toMatch(/^compatibility: FORWARD$/m);
    expect(readFileSync(path.join(dir, 'llm-schema.yaml'), 'utf8')).toContain('# llm-schema registry configuration');
    await cli(['config', '--compatibility', 'BACKWARD'], { cwd: dir });
    await cli(['config', 'myapp.user-schema', '--compatibility', 'BACKWARD'], { cwd: dir });
  });

  it('deprecate records the state; validate against it warns', async () => {
    const r = await cli(['deprecate', '--namespace', 'myapp', '--name', 'user-schema', '--version', '1.0.0', '--reason', 'use 2.x'], { cwd: dir });
    expect(r.code).toBe(0);
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/myapp/user-schema/subject.yaml'), 'utf8'));
    expect(meta.versions[0]).toMatchObject({ state: 'deprecated', reason: 'use 2.x' });
    const v = await cli(['validate', 'myapp.user-schema', '--version', '1.0.0', '--data', 'data.json'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stderr).toContain('deprecated: use 2.x');
  });

  it('finds the registry from a subfolder and from --registry / $LLM_SCHEMA_REGISTRY', async () => {
    const sub = path.join(dir, 'schemas', 'myapp');
    expect((await cli(['list', '--json'], { cwd: sub })).code).toBe(0);
    const elsewhere = tempDir();
    expect((await cli(['list', '--registry', dir, '--json'], { cwd: elsewhere })).code).toBe(0);
    expect((await cli(['list', '--json'], { cwd: elsewhere, env: { LLM_SCHEMA_REGISTRY: dir } })).code).toBe(0);
    const none = await cli(['list'], { cwd: elsewhere });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no registry found');
    cleanup(elsewhere);
  });
});

describe('automatic versions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'v1.json': USER_V1 });
    await cli(['register', 'app.user', '--file', 'v1.json'], { cwd: dir });
  });
  afterAll(() => cleanup(dir));

  it('the first version is 1.0.0; an annotation change is a patch', async () => {
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/app/user/subject.yaml'), 'utf8'));
    expect(meta.versions[0].version).toBe('1.0.0');
    writeTree(dir, { 'v2.json': { ...USER_V1, description: 'A user of the app' } });
    const r = await cli(['register', 'app.user', '--file', 'v2.json', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'registered', version: '1.0.1', bump: 'patch' });
  });

  it('a compatible change to what validates is a minor bump; an understated version is refused', async () => {
    // Closed content model: adding an optional property accepts everything the old schema accepted.
    const closed = { type: 'object', additionalProperties: false, properties: { id: { type: 'string' } }, required: ['id'] };
    const dir2 = await newRegistry({ 'c1.json': closed, 'c2.json': { ...closed, properties: { ...closed.properties, note: { type: 'string' } } } });
    expect((await cli(['register', 'app.closed', '--file', 'c1.json'], { cwd: dir2 })).code).toBe(0);
    const before = snapshot(dir2);
    const under = await cli(['register', 'app.closed', '--file', 'c2.json', '--version', '1.0.1'], { cwd: dir2 });
    expect(under.code).toBe(1);
    expect(under.stderr).toMatch(/understates the change from 1\.0\.0: it needs a minor bump/);
    expect(snapshot(dir2)).toEqual(before);
    const r = await cli(['register', 'app.closed', '--file', 'c2.json', '--json'], { cwd: dir2 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: '1.1.0', bump: 'minor' });
    cleanup(dir2);
  });

  it('an incompatible change is refused under BACKWARD, approved with --allow-breaking (major), and a major under NONE', async () => {
    const v1 = { type: 'object', properties: { id: { type: 'string' } } };
    const v2 = { type: 'object', properties: { id: { type: 'integer' } } };
    const dir2 = await newRegistry({ 'v1.json': v1, 'v2.json': v2 });
    expect((await cli(['register', 'app.t', '--file', 'v1.json'], { cwd: dir2 })).code).toBe(0);
    const before = snapshot(dir2);
    const refused = await cli(['register', 'app.t', '--file', 'v2.json'], { cwd: dir2 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/incompatible with 'app\.t' under BACKWARD/);
    expect(refused.stderr).toMatch(/^  - .*\/properties\/id/m);
    expect(snapshot(dir2)).toEqual(before);
    const approved = await cli(['register', 'app.t', '--file', 'v2.json', '--allow-breaking', 'ids are numbers now', '--json'], { cwd: dir2 });
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ version: '2.0.0', bump: 'major' });
    const meta = parseYaml(readFileSync(path.join(dir2, 'schemas/app/t/subject.yaml'), 'utf8'));
    expect(meta.versions[1]).toMatchObject({ version: '2.0.0', 'allow-breaking': 'ids are numbers now' });
    expect((await cli(['config', 'app.t', '--compatibility', 'NONE'], { cwd: dir2 })).code).toBe(0);
    const none = await cli(['register', 'app.t', '--file', 'v1.json', '--json'], { cwd: dir2 });
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ outcome: 'unchanged', version: '1.0.0' });
    writeTree(dir2, { 'v3.json': { type: 'object', properties: { id: { type: 'boolean' } } } });
    const major = await cli(['register', 'app.t', '--file', 'v3.json', '--json'], { cwd: dir2 });
    expect(JSON.parse(major.stdout)).toMatchObject({ version: '3.0.0', bump: 'major' });
    cleanup(dir2);
  });

  it('--dry-run reports and writes nothing', async () => {
    writeTree(dir, { 'v3.json': { ...USER_V1, description: 'Another description' } });
    const before = snapshot(dir);
    const r = await cli(['register', 'app.user', '--file', 'v3.json', '--dry-run', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: '1.0.2', dryRun: true });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('bad input: one line, the right exit code, the registry unchanged', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'schema.json': USER_V1 });
    const r = await cli(['register', 'myapp.user', '--file', 'schema.json', '--version', '1.0.0'], { cwd: dir });
    expect(r.code).toBe(0);
  });
  afterAll(() => cleanup(dir));

  const cases: Array<[string, Record<string, string>, string[], number, RegExp]> = [
    [
      'truncated schema',
      { 'bad.json': '{"type": "object", "properties": {' },
      ['register', 'myapp.other', '--file', 'bad.json'],
      2,
      /bad\.json:1:\d+: invalid JSON/,
    ],
    ['empty schema', { 'empty.json': '' }, ['register', 'myapp.other', '--file', 'empty.json'], 2, /empty\.json:1:1: invalid JSON: the file is empty/],
    ['binary schema', { 'bin.json': '\u0000\u0001\u0002PNG' }, ['register', 'myapp.other', '--file', 'bin.json'], 2, /bin\.json:1:1: invalid JSON: .*binary/],
    [
      'metaschema violation',
      { 'meta.json': '{"type": "strnig"}' },
      ['register', 'myapp.other', '--file', 'meta.json'],
      2,
      /meta\.json: not a valid JSON Schema/,
    ],
    [
      'unresolvable $ref',
      { 'ref.json': '{"$ref": "#/$defs/missing"}' },
      ['register', 'myapp.other', '--file', 'ref.json'],
      2,
      /ref\.json: cannot resolve \$ref '#\/\$defs\/missing': no such location in the schema/,
    ],
    [
      '$ref to a file that is not a reference',
      { 'ext.json': '{"$ref": "other.json"}', 'other.json': '{}' },
      ['register', 'myapp.other', '--file', 'ext.json'],
      2,
      /ext\.json: cannot resolve \$ref 'other\.json': register that schema as a subject and pass --reference other\.json=/,
    ],
    [
      'version not above the latest',
      { 'low.json': '{"type": "object", "title": "low"}' },
      ['register', 'myapp.user', '--file', 'low.json', '--version', '0.9.0'],
      1,
      /version 0\.9\.0 is not above the latest version 1\.0\.0/,
    ],
    [
      '--message without --commit',
      {},
      ['register', 'myapp.user', '--file', 'schema.json', '--message', 'x'],
      2,
      /--message is the commit message: it goes with --commit/,
    ],
    ['typo in a flag', {}, ['register', '--namspace', 'x'], 2, /^llm-schema: unknown option '--namspace' \(did you mean --namespace\?\) \(see --help\)$/],
    [
      'unsupported dialect',
      { 'd4.json': '{"$schema": "http://json-schema.org/draft-03/schema#"}' },
      ['register', 'myapp.other', '--file', 'd4.json'],
      2,
      /unsupported \$schema/,
    ],
    ['missing file', {}, ['register', 'myapp.other', '--file', 'nope.json'], 2, /nope\.json: no such file/],
    ['invalid name ..', {}, ['register', '--namespace', 'myapp', '--name', '..', '--file', 'schema.json'], 2, /invalid name '\.\.'/],
    ['invalid name a/b', {}, ['register', '--namespace', 'myapp', '--name', 'a/b', '--file', 'schema.json'], 2, /invalid name 'a\/b'/],
    ['invalid namespace', {}, ['register', '--namespace', '../x', '--name', 'a', '--file', 'schema.json'], 2, /invalid namespace/],
    ['unknown subject', {}, ['get', 'myapp.ghost'], 2, /unknown subject 'myapp\.ghost'/],
    ['unknown version', {}, ['get', 'myapp.user', '--version', '9.9.9'], 2, /unknown version '9\.9\.9'/],
    ['bad version string', {}, ['get', 'myapp.user', '--version', 'v1'], 2, /invalid version 'v1'/],
    ['unknown flag', {}, ['list', '--bogus'], 2, /unknown option '--bogus'/],
    [
      'overwrite a registered version',
      { 'other.json': '{"type": "string"}' },
      ['register', 'myapp.user', '--file', 'other.json', '--version', '1.0.0'],
      2,
      /version 1\.0\.0 of 'myapp\.user' is already registered with other content/,
    ],
    ['malformed data JSON', { 'd.json': '{"name": }' }, ['validate', 'myapp.user', '--data', 'd.json'], 2, /d\.json:1:10: invalid JSON/],
    ['malformed data YAML', { 'd.yaml': 'name: [1, 2\nage: 3\n' }, ['validate', 'myapp.user', '--data', 'd.yaml'], 2, /d\.yaml:\d+:\d+: invalid YAML/],
    ['missing data', {}, ['validate', 'myapp.user', '--data', 'nothing.json'], 2, /nothing\.json: no such file/],
    ['bad kind', {}, ['register', 'myapp.user2', '--file', 'schema.json', '--kind', 'robot'], 2, /unknown kind 'robot'/],
  ];

  for (const [label, files, args, code, pattern] of cases) {
    it(label, async () => {
      writeTree(dir, files);
      const before = snapshot(dir);
      const r = await cli(args, { cwd: dir });
      expect(r.code).toBe(code);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('(run with --help'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(snapshot(dir)).toEqual(before);
    });
  }

  it('malformed subject.yaml names the file, line and column', async () => {
    const file = path.join(dir, 'schemas/myapp/user/subject.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, 'format: json\nversions: [\n  - version\n');
    const r = await cli(['get', 'myapp.user'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/schemas\/myapp\/user\/subject\.yaml:\d+:\d+: invalid YAML/);
    writeFileSync(file, good);
  });

  it('a 100,000-level nested schema or data file does not crash the process', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObj = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    writeTree(dir, { 'deep.json': deepObj, 'deep-data.json': deep, 'recursive.json': '{"type":"array","items":{"$ref":"#"}}' });
    const before = snapshot(dir);
    const r = await cli(['register', 'myapp.deep', '--file', 'deep.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(snapshot(dir)).toEqual(before);
    const v = await cli(['validate', '--schema', 'recursive.json', '--data', 'deep-data.json'], { cwd: dir });
    expect([1, 2]).toContain(v.code);
    expect(v.stderr).not.toMatch(/\n\s+at /);
    expect(v.stdout + v.stderr).toMatch(/nested too deeply/);
  });
});

describe('data inputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({
      's.json': { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
      'data/a.json': { id: 1 },
      'data/b.jsonl': '{"id":2}\n{"id":"x"}\n',
      'data/c.yaml': 'id: 3\n---\nid: four\n',
      'data/nested/d.ndjson': '{"id":5}\n',
      'data/ignored.txt': 'not data',
    });
  });
  afterAll(() => cleanup(dir));

  it('folders, globs, YAML documents and stdin', async () => {
    const folder = await cli(['validate', '--schema', 's.json', '--data', 'data'], { cwd: dir });
    expect(folder.code).toBe(1);
    expect(folder.stdout).toContain('4 passed, 2 failed');
    expect(folder.stdout).toMatch(/data\/b\.jsonl:2: \/id must be integer/);
    expect(folder.stdout).toMatch(/data\/c\.yaml:3: \/id must be integer/);
    const glob = await cli(['validate', '--schema', 's.json', '--data', 'data/*.json'], { cwd: dir });
    expect(glob.code).toBe(0);
    expect(glob.stdout).toContain('1 passed, 0 failed');
    const stdin = await cli(['validate', '--schema', 's.json', '--data', '-'], { cwd: dir, input: '{"id": 7}' });
    expect(stdin.code).toBe(0);
    const stdinLines = await cli(['validate', '--schema', 's.json', '--data', '-', '--json'], { cwd: dir, input: '{"id": 7}\n{"id": null}\n' });
    expect(stdinLines.code).toBe(1);
    const j = JSON.parse(stdinLines.stdout);
    expect(j).toMatchObject({ passed: 1, failed: 1 });
    expect(j.failures[0]).toMatchObject({ file: '<stdin>', line: 2, errors: [{ path: '/id', message: 'must be integer' }] });
  });

  it('a large JSON Lines file validated in parallel gives the same answers and line numbers', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 120_000; i++) lines.push(i % 10_007 === 0 ? `{"id":"bad${i}","pad":"${'x'.repeat(60)}"}` : `{"id":${i},"pad":"${'x'.repeat(60)}"}`);
    writeTree(dir, { 'big.jsonl': lines.join('\n') + '\n' });
    const par = await cli(['validate', '--schema', 's.json', '--data', 'big.jsonl', '--json'], { cwd: dir, env: { LLM_SCHEMA_WORKERS: '3' } });
    const seq = await cli(['validate', '--schema', 's.json', '--data', 'big.jsonl', '--json', '--no-parallel'], { cwd: dir });
    const a = JSON.parse(par.stdout);
    const b = JSON.parse(seq.stdout);
    expect(a.failed).toBe(11);
    expect(a.passed).toBe(120_000 - 11);
    expect(a).toEqual(b);
    expect(a.failures.map((f: { line: number }) => f.line)).toEqual(Array.from({ length: 11 }, (_, i) => (i + 1) * 10_007));
  });
});

describe('concurrency and crashes', () => {
  it('8 register processes at once on one subject: every version exactly once, every file whole', async () => {
    const dir = await newRegistry();
    const files: Record<string, object> = {};
    for (let i = 0; i < 8; i++) files[`s${i}.json`] = { type: 'object', description: `variant ${i}` };
    writeTree(dir, files);
    await cli(['register', 'race.subject', '--file', 's0.json'], { cwd: dir });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => cli(['register', 'race.subject', '--file', `s${i}.json`, '--json'], { cwd: dir })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/race/subject/subject.yaml'), 'utf8'));
    const versions = meta.versions.map((v: { version: string }) => v.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toHaveLength(8);
    const descriptions = new Set<string>();
    for (const v of versions) {
      const schema = JSON.parse(readFileSync(path.join(dir, `schemas/race/subject/${v}.json`), 'utf8'));
      descriptions.add(schema.description);
    }
    expect(descriptions.size).toBe(8);
    const reported = results.map((r) => JSON.parse(r.stdout).version).sort();
    expect(new Set(reported).size).toBe(8);
    cleanup(dir);
  });

  it('SIGKILL at random moments leaves the registry whole and usable', async () => {
    const dir = await newRegistry();
    const { execa } = await import('execa');
    const { BIN } = await import('../helpers.js');
    for (let i = 0; i < 12; i++) {
      writeTree(dir, { [`k${i}.json`]: { type: 'object', title: `kill ${i}` } });
      const child = execa('node', [BIN, 'register', 'crash.subject', '--file', `k${i}.json`], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
      await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 120)));
      child.kill('SIGKILL');
      await child;
      // Whatever happened, every command still works and the metadata is whole.
      const list = await cli(['list', '--json'], { cwd: dir });
      expect(list.code, list.stderr).toBe(0);
    }
    writeTree(dir, { 'final.json': { type: 'object', title: 'final' } });
    const r = await cli(['register', 'crash.subject', '--file', 'final.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/crash/subject/subject.yaml'), 'utf8'));
    for (const v of meta.versions) {
      const text = readFileSync(path.join(dir, `schemas/crash/subject/${v.version}.json`), 'utf8');
      expect(() => JSON.parse(text)).not.toThrow();
    }
    expect(existsSync(path.join(dir, '.llm-schema.lock'))).toBe(false);
    cleanup(dir);
  });
});

describe('references to other subjects', () => {
  it('a schema $ref by relative name to a registered subject resolves; a missing target is refused', async () => {
    const dir = await newRegistry({
      'address.json': { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] },
      'person.json': { type: 'object', properties: { home: { $ref: 'address.json' } } },
      'p.json': { home: { street: 3 } },
    });
    expect((await cli(['register', 'geo.address', '--file', 'address.json'], { cwd: dir })).code).toBe(0);
    const before = snapshot(dir);
    const missing = await cli(['register', 'people.person', '--file', 'person.json', '--reference', 'address.json=geo.address@2.0.0'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("unknown version 2.0.0 of 'geo.address'");
    expect(snapshot(dir)).toEqual(before);
    const r = await cli(['register', 'people.person', '--file', 'person.json', '--reference', 'address.json=geo.address@1.0.0'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/people/person/subject.yaml'), 'utf8'));
    expect(meta.versions[0].references).toEqual([{ name: 'address.json', subject: 'geo.address', version: '1.0.0' }]);
    const v = await cli(['validate', 'people.person', '--data', 'p.json'], { cwd: dir });
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('p.json: /home/street must be string');
    cleanup(dir);
  });
});

describe('rough edges a new user hits', () => {
  it('register with unchanged content still updates the metadata given with it', async () => {
    const dir = await newRegistry({ 's.json': { type: 'object' } });
    expect((await cli(['register', 'app.s', '--file', 's.json'], { cwd: dir })).code).toBe(0);
    const r = await cli(['register', 'app.s', '--file', 's.json', '--description', 'Weather tool', '--tag', 'weather', '--owner', 'team-a', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'unchanged', metadataUpdated: true, version: '1.0.0' });
    const meta = parseYaml(readFileSync(path.join(dir, 'schemas/app/s/subject.yaml'), 'utf8'));
    expect(meta).toMatchObject({ description: 'Weather tool', tags: ['weather'], owners: ['team-a'] });
    expect(meta.versions).toHaveLength(1);
    const s = await cli(['search', 'team-a', '--json'], { cwd: dir });
    expect(JSON.parse(s.stdout).map((h: { subject: string }) => h.subject)).toEqual(['app.s']);
    cleanup(dir);
  });

  it('stdin may be YAML; a byte order mark is not an error; config warns when loosening without a reason', async () => {
    const dir = await newRegistry({ 's.json': { type: 'object', required: ['name'] }, 'bom.json': '\ufeff{"name": "x"}' });
    const y = await cli(['validate', '--schema', 's.json', '--data', '-'], { cwd: dir, input: 'name: A\nemail: a@b.co\n' });
    expect(y.code, y.stdout + y.stderr).toBe(0);
    expect(y.stdout).toContain('1 passed, 0 failed');
    const b = await cli(['validate', '--schema', 's.json', '--data', 'bom.json'], { cwd: dir });
    expect(b.code, b.stdout + b.stderr).toBe(0);
    await cli(['register', 'app.s', '--file', 's.json'], { cwd: dir });
    const loose = await cli(['config', 'app.s', '--compatibility', 'NONE'], { cwd: dir });
    expect(loose.code).toBe(0);
    expect(loose.stderr).toMatch(/warning: BACKWARD → NONE loosens the mode/);
    const tight = await cli(['config', 'app.s', '--compatibility', 'FULL_TRANSITIVE'], { cwd: dir });
    expect(tight.stderr).toBe('');
    cleanup(dir);
  });

  it('a registry folder that cannot be written is an input error (exit 2), not an internal one', async () => {
    if (process.getuid?.() !== 0) return; // needs another user to drop privileges
    const dir = await newRegistry({ 's.json': { type: 'object' } });
    const { execa } = await import('execa');
    const { BIN } = await import('../helpers.js');
    const { chmodSync } = await import('node:fs');
    chmodSync(dir, 0o555);
    chmodSync(path.join(dir, 'schemas'), 0o555);
    const r = await execa('su', ['nobody', '-s', '/bin/sh', '-c', `cd ${dir} && NO_COLOR=1 node ${BIN} register app.s --file s.json`], { reject: false });
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'schemas'), 0o755);
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).trim()).toMatch(/^llm-schema: cannot (access|write) .*: permission denied$/);
    cleanup(dir);
  });
});

/**
 * Issue 23, "nothing lost, nothing stalled": a full disk never tears a file, concurrent `auth` commands never
 * lose an update, an interrupted register never blocks the registry, a subject.yaml linked out of the registry
 * never stops `serve`. Real processes of the built CLI; the full disk and the interruption are preloads
 * (test/support/enospc.mjs, test/support/killat.mjs) passed with NODE_OPTIONS.
 */
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync, copyFileSync, mkdirSync, cpSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cleanup, cli, newRegistry, REPO, snapshot, tempDir } from '../helpers.js';
import { getJson, startServe } from './serve-helpers.js';

const ENOSPC = path.join(REPO, 'test/support/enospc.mjs');
const KILLAT = path.join(REPO, 'test/support/killat.mjs');

const V1 = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
const V2 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, additionalProperties: false };
const OTHER = { type: 'object', properties: { id: { type: 'integer' } } };

/** A registry with shop.user 1.0.0 and 1.1.0 and shop.other 1.0.0, committed. */
async function registry(): Promise<string> {
  const dir = await newRegistry({ 'v1.json': V1, 'v2.json': V2, 'other.json': OTHER });
  for (const args of [
    ['register', 'shop.user', '--file', 'v1.json', '--version', '1.0.0'],
    ['register', 'shop.user', '--file', 'v2.json', '--version', '1.1.0'],
    ['register', 'shop.other', '--file', 'other.json'],
  ]) {
    const r = await cli(args, { cwd: dir });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  return dir;
}

/** Files whose names say they are leftovers of a write (temporary files, pending marks). */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tmp-\d+-|^\.pending-/.test(e.name)) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim());

describe('a full disk: exit 2, one line naming the file, the old state intact', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await registry();
  });
  afterAll(() => cleanup(dir));
  const full = (free: number) => ({ NODE_OPTIONS: `--import ${ENOSPC}`, LLM_SCHEMA_TEST_FREE_BYTES: String(free) });

  it('deprecate with a 30 KB reason and 12 KB free leaves subject.yaml byte for byte', async () => {
    const before = snapshot(dir);
    const r = await cli(['deprecate', 'shop.user', '--version', '1.0.0', '--reason', 'r'.repeat(30_000)], { cwd: dir, env: full(12_000) });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['llm-schema: cannot write schemas/shop/user/subject.yaml: no space left on device; it is unchanged']);
    expect(snapshot(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    // and the registry reads as before
    const list = await cli(['list'], { cwd: dir });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/shop\.user\s+json\s+1\.0\.0, 1\.1\.0/);
  });

  it('register of a 150 KB schema with 100 KB free leaves no version file, no temp, no mark', async () => {
    const big = { ...V2, properties: { ...V2.properties, c: { type: 'string', description: 'd'.repeat(150_000) } } };
    writeFileSync(path.join(dir, 'big.json'), JSON.stringify(big));
    const before = snapshot(dir);
    const r = await cli(['register', 'shop.user', '--file', 'big.json', '--version', '1.2.0'], { cwd: dir, env: full(100_000) });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['llm-schema: cannot write schemas/shop/user/1.2.0.json: no space left on device; it was not created']);
    expect(snapshot(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    // With room again, the same register succeeds.
    const again = await cli(['register', 'shop.user', '--file', 'big.json', '--version', '1.2.0'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'schemas/shop/user/1.2.0.json'), 'utf8').length).toBeGreaterThan(150_000);
  });

  it('config of the registry default: llm-schema.yaml unchanged', async () => {
    const before = readFileSync(path.join(dir, 'llm-schema.yaml'));
    const r = await cli(['config', '--compatibility', 'FULL', '--reason', 'x'.repeat(5000)], { cwd: dir, env: full(100) });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['llm-schema: cannot write llm-schema.yaml: no space left on device; it is unchanged']);
    expect(readFileSync(path.join(dir, 'llm-schema.yaml'))).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('auth add: the auth file unchanged', async () => {
    const file = path.join(dir, 'auth.yaml');
    expect((await cli(['auth', 'add', 'ada', '--file', file, '--namespaces', 'shop'], { cwd: dir, input: 'password-ada\n' })).code).toBe(0);
    const before = readFileSync(file);
    const r = await cli(['auth', 'add', 'bob', '--file', file, '--namespaces', 'shop'], { cwd: dir, input: 'password-bob\n', env: full(100) });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['llm-schema: cannot write auth.yaml: no space left on device; it is unchanged']);
    expect(readFileSync(file)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('auth add / remove under concurrency: no lost update, no undone removal', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });
  afterAll(() => cleanup(dir));

  it('20 parallel auth add processes: all 20 users are in the file', async () => {
    const file = path.join(dir, 'auth.yaml');
    const names = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const runs = await Promise.all(names.map((n) => cli(['auth', 'add', n, '--file', file, '--namespaces', 'shop'], { cwd: dir, input: `password-${n}\n` })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const list = await cli(['auth', 'list', '--file', file, '--json'], { cwd: dir });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout).users as Array<{ name: string }>).map((u) => u.name).sort()).toEqual([...names].sort());
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('a remove racing an add is never undone', async () => {
    const file = path.join(dir, 'race.yaml');
    for (let round = 0; round < 6; round++) {
      const add = (n: string) => cli(['auth', 'add', n, '--file', file, '--namespaces', 'shop'], { cwd: dir, input: `password-${n}\n` });
      expect((await add('victim')).code).toBe(0);
      // Started together, in both orders: the add's slow scrypt overlaps the remove.
      const [a, b] =
        round % 2
          ? await Promise.all([add(`newbie${round}`), cli(['auth', 'remove', 'victim', '--file', file], { cwd: dir })])
          : (await Promise.all([cli(['auth', 'remove', 'victim', '--file', file], { cwd: dir }), add(`newbie${round}`)])).reverse();
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toContain('removed user victim');
      const users = JSON.parse((await cli(['auth', 'list', '--file', file, '--json'], { cwd: dir })).stdout).users.map((u: { name: string }) => u.name);
      expect(users).not.toContain('victim');
      expect(users).toContain(`newbie${round}`);
    }
  });
});

describe('an interrupted register', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await registry();
  });
  afterAll(() => cleanup(dir));

  it('a version file left unlisted by a killed register (with its mark) blocks nothing; the next register removes it', async () => {
    // The state a kill -9 between the version file and subject.yaml leaves.
    const sub = path.join(dir, 'schemas/shop/user');
    copyFileSync(path.join(dir, 'v2.json'), path.join(sub, '1.2.0.json'));
    writeFileSync(path.join(sub, '.pending-1.2.0.json'), '{"pid":999999,"version":"1.2.0"}\n');
    const list = await cli(['list'], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/shop\.other/);
    expect(list.stdout).toMatch(/shop\.user\s+json\s+1\.0\.0, 1\.1\.0$/m);
    expect((await cli(['get', 'shop.user', '--version', 'latest', '--json'], { cwd: dir })).stdout).toContain('"1.1.0"');
    expect((await cli(['search', 'shop'], { cwd: dir })).code).toBe(0);
    const check = await cli(['check', '--format', 'json'], { cwd: dir });
    expect(check.code).toBe(1);
    const finding = JSON.parse(check.stdout).findings.find((f: { rule: string }) => f.rule === 'UNREGISTERED_FILE');
    expect(finding.message).toContain("rm 'schemas/shop/user/1.2.0.json' 'schemas/shop/user/.pending-1.2.0.json'");
    // serve starts and serves the other subjects
    const s = await startServe(dir);
    try {
      expect((await getJson(`${s.url}/subjects`)).body).toEqual(['shop.other', 'shop.user']);
      expect((await getJson(`${s.url}/subjects/shop.user/versions`)).body).toEqual([1, 2]);
    } finally {
      await s.stop();
    }
    // The next write to the subject cleans up, then registers.
    writeFileSync(path.join(dir, 'v3.json'), JSON.stringify({ ...V2, properties: { ...V2.properties, c: { type: 'integer' } } }));
    const reg = await cli(['register', 'shop.user', '--file', 'v3.json'], { cwd: dir });
    expect(reg.code, reg.stderr).toBe(0);
    expect(reg.stdout).toContain('registered shop.user 1.2.0');
    expect(readFileSync(path.join(sub, '1.2.0.json'), 'utf8')).toContain('"c"');
    expect(leftovers(dir)).toEqual([]);
    expect((await cli(['check'], { cwd: dir })).code).toBe(0);
  });

  it('SIGINT while it writes: exit 130, one line saying truthfully what state the registry is in', async () => {
    writeFileSync(path.join(dir, 'v4.json'), JSON.stringify({ ...V2, properties: { ...V2.properties, c: { type: 'integer' }, d: { type: 'integer' } } }));
    const args = ['register', 'shop.user', '--file', 'v4.json', '--version', '1.3.0'];
    // Find the step that creates the version file, on a copy.
    const probe = tempDir();
    try {
      cpSync(dir, probe, { recursive: true });
      const trace = path.join(probe, 'trace.txt');
      const r = await cli(args, { cwd: probe, env: { NODE_OPTIONS: `--import ${KILLAT}`, LLM_SCHEMA_TEST_TRACE_FILE: trace } });
      expect(r.code, r.stderr).toBe(0);
      const steps = readFileSync(trace, 'utf8').split('\n');
      const at = steps.find((l) => / link \S+ \S+\/1\.3\.0\.json$/.test(l))!.split(' ')[0];
      const before = snapshot(dir);
      const int = await cli(args, {
        cwd: dir,
        env: { NODE_OPTIONS: `--import ${KILLAT}`, LLM_SCHEMA_TEST_KILL_AT: at, LLM_SCHEMA_TEST_KILL_SIGNAL: 'SIGINT' },
      });
      expect(int.code).toBe(130);
      const said = lines(int.stderr);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/^llm-schema: interrupted \(SIGINT\); /);
      if (said[0].includes('the registry is unchanged')) expect(snapshot(dir)).toEqual(before);
      else expect(said[0]).toContain('shop.user 1.3.0 was registered');
      expect(leftovers(dir)).toEqual([]);
      const list = await cli(['list'], { cwd: dir });
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('shop.other');
    } finally {
      cleanup(probe);
    }
  });
});

describe('a subject.yaml that is a symbolic link out of the registry', () => {
  let dir: string;
  let outside: string;
  beforeAll(async () => {
    dir = await registry();
    outside = tempDir();
    // shop.linked: a real version file, and a subject.yaml linked to a (valid) file outside the registry.
    const sub = path.join(dir, 'schemas/shop/linked');
    mkdirSync(sub, { recursive: true });
    copyFileSync(path.join(dir, 'schemas/shop/other/1.0.0.json'), path.join(sub, '1.0.0.json'));
    copyFileSync(path.join(dir, 'schemas/shop/other/subject.yaml'), path.join(outside, 'subject.yaml'));
    symlinkSync(path.join(outside, 'subject.yaml'), path.join(sub, 'subject.yaml'));
  });
  afterAll(() => {
    cleanup(dir);
    cleanup(outside);
  });

  it('serve starts, leaves the subject out and logs it with rule SYMLINK_OUTSIDE_REGISTRY', async () => {
    const s = await startServe(dir);
    try {
      expect((await getJson(`${s.url}/subjects`)).body).toEqual(['shop.other', 'shop.user']);
      expect((await getJson(`${s.url}/subjects/shop.linked/versions`)).status).toBe(404);
      expect(s.stderr()).toContain('SYMLINK_OUTSIDE_REGISTRY');
      expect(s.stderr()).toContain('shop.linked');
    } finally {
      await s.stop();
    }
  });

  it('list reads every other subject and warns about the linked one', async () => {
    const r = await cli(['list', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ subject: string }>).map((x) => x.subject)).toEqual(['shop.other', 'shop.user']);
    expect(r.stderr).toMatch(/^warning: left out shop\.linked: .*SYMLINK_OUTSIDE_REGISTRY/m);
  });

  it('search reads every other subject and warns about the linked one', async () => {
    const r = await cli(['search', 'shop', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ subject: string }>).map((x) => x.subject)).toEqual(['shop.other', 'shop.user']);
    expect(r.stderr).toMatch(/^warning: left out shop\.linked: .*SYMLINK_OUTSIDE_REGISTRY/m);
  });

  it('check fails on it with rule SYMLINK_OUTSIDE_REGISTRY', async () => {
    const r = await cli(['check', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).findings.filter((x: { rule: string }) => x.rule === 'SYMLINK_OUTSIDE_REGISTRY');
    expect(f).toHaveLength(1);
    expect(f[0].file).toBe('schemas/shop/linked/subject.yaml');
  });
});

describe('register --commit under concurrency (git binary)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await registry();
    await execa('git', ['add', '-A'], { cwd: dir });
    await execa('git', ['commit', '-q', '-m', 'registry'], { cwd: dir });
  });
  afterAll(() => cleanup(dir));

  it('10 parallel register --commit all succeed: the commit runs under the registry lock, never meeting index.lock', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    for (const n of names) writeFileSync(path.join(dir, `${n}.json`), JSON.stringify({ type: 'object', properties: { [n]: { type: 'string' } } }));
    const runs = await Promise.all(names.map((n) => cli(['register', `par.${n}`, '--file', `${n}.json`, '--commit'], { cwd: dir })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const log = await execa('git', ['log', '--format=%s'], { cwd: dir });
    for (const n of names) expect(log.stdout).toContain(`llm-schema: register par.${n} 1.0.0`);
    expect((await execa('git', ['status', '--porcelain', '--', 'schemas'], { cwd: dir })).stdout).toBe('');
    expect((await execa('git', ['fsck', '--no-progress'], { cwd: dir, reject: false })).exitCode).toBe(0);
  });
});

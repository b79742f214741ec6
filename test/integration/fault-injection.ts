/**
 * Fault injection at EVERY write step (issue 23): each writing command runs with test/support/killat.mjs,
 * which SIGKILLs the process at its N-th write-side file system call, for N = 1, 2, ... until the command
 * completes without reaching N. After each kill: every other subject still reads (list, get), the interrupted
 * subject is absent or complete, `check` passes or names the leftover with the exact command that removes it,
 * and running the command again succeeds. register --commit runs with isomorphic-git (PATH holds only node),
 * and `git fsck` and a later commit must work after every kill.
 *
 * Slow (hundreds of processes; the isomorphic-git case alone ~100 steps at a few seconds each): the
 * integration tier.
 */
import { cpSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry, REPO, tempDir } from '../helpers.js';

const KILLAT = path.join(REPO, 'test/support/killat.mjs');

const V1 = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
const V2 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, additionalProperties: false };
const V3 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } }, additionalProperties: false };
const V4 = { ...V3, properties: { ...V3.properties, d: { type: 'string' } } };
const OTHER = { type: 'object', properties: { id: { type: 'integer' } } };

let template: string;
let nodeOnly: string;
let work: string;

async function setUp(): Promise<void> {
  template = await newRegistry({ 'v1.json': V1, 'v2.json': V2, 'v3.json': V3, 'v4.json': V4, 'other.json': OTHER });
  for (const args of [
    ['register', 'shop.user', '--file', 'v1.json', '--version', '1.0.0'],
    ['register', 'shop.user', '--file', 'v2.json', '--version', '1.1.0'],
    ['register', 'shop.other', '--file', 'other.json'],
    ['auth', 'add', 'ada', '--file', 'auth.yaml', '--namespaces', 'shop'],
  ]) {
    const r = await cli(args, { cwd: template, input: 'password-ada\n' });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  await execa('git', ['add', '-A'], { cwd: template });
  await execa('git', ['commit', '-q', '-m', 'registry'], { cwd: template });
  // A PATH with node and no git: register --commit falls back to isomorphic-git.
  nodeOnly = tempDir('llm-schema-nodeonly-');
  symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
  work = tempDir('llm-schema-faults-');
}

function tearDown(): void {
  cleanup(template);
  cleanup(nodeOnly);
  cleanup(work);
}

/** Files whose names say they are leftovers of a write, outside .git. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tmp-\d+-|^\.pending-|\.lock$/.test(e.name)) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

interface Case {
  name: string;
  args: string[];
  input?: string;
  env?: Record<string, string>;
  /** The command's effect, once it completed. */
  done(dir: string): Promise<void>;
  /** After a kill: the interrupted state is the old one or the new one. */
  oldOrNew(dir: string): Promise<void>;
  git?: boolean;
}

async function userVersions(dir: string): Promise<string[]> {
  const r = await cli(['get', 'shop.user', '--version', 'latest'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const list = await cli(['list', '--json'], { cwd: dir });
  expect(list.code, list.stderr).toBe(0);
  const user = (JSON.parse(list.stdout) as Array<{ subject: string; versions: Array<{ version: string }> }>).find((s) => s.subject === 'shop.user')!;
  return user.versions.map((v) => v.version);
}

const subjectYaml = (dir: string) => readFileSync(path.join(dir, 'schemas/shop/user/subject.yaml'), 'utf8');
const original = () => readFileSync(path.join(template, 'schemas/shop/user/subject.yaml'), 'utf8');

const registerCase = (name: string, extra: string[], env: Record<string, string> | undefined, git: boolean): Case => ({
  name,
  args: ['register', 'shop.user', '--file', 'v3.json', ...extra],
  env,
  git,
  async done(dir) {
    expect(await userVersions(dir)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
  },
  async oldOrNew(dir) {
    const v = await userVersions(dir);
    expect([
      ['1.0.0', '1.1.0'],
      ['1.0.0', '1.1.0', '1.2.0'],
    ]).toContainEqual(v);
  },
});

const CASES: Case[] = [
  registerCase('register', [], undefined, false),
  {
    name: 'config',
    args: ['config', 'shop.user', '--compatibility', 'FULL'],
    async done(dir) {
      expect(subjectYaml(dir)).toMatch(/^compatibility: FULL$/m);
    },
    async oldOrNew(dir) {
      const text = subjectYaml(dir);
      if (text !== original()) expect(text).toMatch(/^compatibility: FULL$/m);
    },
  },
  {
    name: 'config (registry default)',
    args: ['config', '--compatibility', 'FULL'],
    async done(dir) {
      expect(readFileSync(path.join(dir, 'llm-schema.yaml'), 'utf8')).toMatch(/^compatibility: FULL$/m);
    },
    async oldOrNew(dir) {
      const text = readFileSync(path.join(dir, 'llm-schema.yaml'), 'utf8');
      if (text !== readFileSync(path.join(template, 'llm-schema.yaml'), 'utf8')) expect(text).toMatch(/^compatibility: FULL$/m);
    },
  },
  {
    name: 'deprecate',
    args: ['deprecate', 'shop.user', '--version', '1.0.0', '--reason', 'use 1.1'],
    async done(dir) {
      expect(subjectYaml(dir)).toContain('use 1.1');
    },
    async oldOrNew(dir) {
      const text = subjectYaml(dir);
      if (text !== original()) expect(text).toContain('use 1.1');
    },
  },
  {
    name: 'auth add',
    args: ['auth', 'add', 'newbie', '--file', 'auth.yaml', '--namespaces', 'shop'],
    input: 'password-newbie\n',
    async done(dir) {
      expect(await authUsers(dir)).toEqual(['ada', 'newbie']);
    },
    async oldOrNew(dir) {
      expect([['ada'], ['ada', 'newbie']]).toContainEqual(await authUsers(dir));
    },
  },
];

async function authUsers(dir: string): Promise<string[]> {
  const r = await cli(['auth', 'list', '--file', 'auth.yaml', '--json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout).users as Array<{ name: string }>).map((u) => u.name).sort();
}

/** `check`: passes, or names leftovers with an exact `rm` command; run it and check again. */
async function checkOrFix(dir: string): Promise<void> {
  const r = await cli(['check', '--format', 'json'], { cwd: dir });
  if (r.code === 0) return;
  expect(r.code, r.stderr).toBe(1);
  const findings = JSON.parse(r.stdout).findings.filter((f: { severity: string }) => f.severity === 'error') as Array<{ rule: string; message: string }>;
  for (const f of findings) {
    expect(f.rule).toBe('UNREGISTERED_FILE');
    const m = /run: rm ('[^']+'(?: '[^']+')*)$/.exec(f.message);
    expect(m, f.message).not.toBeNull();
    const files = [...m![1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
    await execa('rm', ['-f', ...files], { cwd: dir });
  }
  const again = await cli(['check'], { cwd: dir });
  expect(again.code, again.stdout + again.stderr).toBe(0);
}

async function runCase(c: Case): Promise<number> {
  const otherText = readFileSync(path.join(template, 'schemas/shop/other/1.0.0.json'), 'utf8');
  // LLM_SCHEMA_TEST_FAULT_FROM: start at a later step (to look at one step while debugging).
  for (let n = Number(process.env.LLM_SCHEMA_TEST_FAULT_FROM ?? 1); n < 400; n++) {
    const dir = path.join(work, `${c.name.replace(/\W+/g, '-')}-${n}`);
    cpSync(template, dir, { recursive: true });
    const env = { ...c.env, NODE_OPTIONS: `--import ${KILLAT}`, LLM_SCHEMA_TEST_KILL_AT: String(n) };
    const r = await cli(c.args, { cwd: dir, input: c.input, env });
    const where = `${c.name}, killed at write step ${n}`;
    if (r.code !== -1) {
      // Completed without reaching step n: every step has been tried.
      expect(r.code, `${where}: ${r.stderr}`).toBe(0);
      await c.done(dir);
      expect(leftovers(dir)).toEqual([]);
      cleanup(dir);
      return n - 1;
    }
    // Every other subject reads; the interrupted one is old or new.
    const [list, get] = await Promise.all([cli(['list'], { cwd: dir }), cli(['get', 'shop.other', '--version', '1.0.0'], { cwd: dir })]);
    expect(list.code, `${where}: list: ${list.stderr}`).toBe(0);
    expect(list.stdout).toContain('shop.other');
    expect(get.code, `${where}: get: ${get.stderr}`).toBe(0);
    expect(get.stdout.trim()).toBe(otherText.trim());
    await c.oldOrNew(dir);
    if (c.git) {
      const fsck = await execa('git', ['fsck', '--no-progress'], { cwd: dir, reject: false });
      expect(fsck.exitCode, `${where}: git fsck: ${fsck.stderr}`).toBe(0);
      expect(readFileSync(path.join(dir, '.git/index')).length, `${where}: .git/index`).toBeGreaterThan(12);
    }
    if (!c.git) {
      // The same command again, uninterrupted, succeeds and has its effect.
      const again = await cli(c.args, { cwd: dir, input: c.input, env: c.env });
      expect(again.code, `${where}: again: ${again.stderr}`).toBe(0);
      await c.done(dir);
      expect(leftovers(dir), where).toEqual([]);
    }
    await checkOrFix(dir);
    if (c.git) {
      // The index reads (a torn or empty index fails here), at every step.
      const index = await execa('git', ['status', '--porcelain'], { cwd: dir, reject: false });
      expect(index.exitCode, `${where}: git status: ${index.stderr}`).toBe(0);
    }
    if (c.git && (n % 8 === 0 || n <= 3)) {
      // The next write: a later register --commit works and commits the whole subject. An isomorphic-git commit
      // costs seconds, so this runs at every eighth step (and the first three), not at each of ~90: the git
      // status and fsck above already read the index and objects after every kill.
      const later = await cli(['register', 'shop.user', '--file', 'v4.json', '--commit'], { cwd: dir, env: c.env });
      expect(later.code, `${where}: later commit: ${later.stderr}`).toBe(0);
      const status = await execa('git', ['status', '--porcelain', '--', 'schemas'], { cwd: dir });
      expect(status.stdout, where).toBe('');
      const fsck = await execa('git', ['fsck', '--no-progress'], { cwd: dir, reject: false });
      expect(fsck.exitCode, `${where}: git fsck after: ${fsck.stderr}`).toBe(0);
    }
    cleanup(dir);
  }
  throw new Error(`${c.name}: never completed`);
}

/**
 * Registers the tests: 'files' kills each plain writing command at every step; 'git' kills register --commit under
 * isomorphic-git (the slow one: ~90 steps). Two test files, so the two halves run on two workers at once.
 */
export function faultInjectionTests(which: 'files' | 'git'): void {
  beforeAll(setUp, 120_000);
  afterAll(tearDown);
  describe('kill -9 at every write step leaves the old state or the new one, and blocks nothing', () => {
    if (which === 'files')
      for (const c of CASES) {
        it(
          c.name,
          async () => {
            const steps = await runCase(c);
            expect(steps).toBeGreaterThan(3);
          },
          600_000,
        );
      }

    if (which === 'git')
      it('register --commit with isomorphic-git (no git on PATH): git fsck and later commits work', async () => {
        const c = registerCase('register --commit', ['--commit'], { PATH: nodeOnly }, true);
        const steps = await runCase(c);
        expect(steps).toBeGreaterThan(10);
      }, 1_800_000);
  });
}

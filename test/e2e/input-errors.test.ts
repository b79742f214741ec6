/**
 * Issue 23 ("nothing lost, nothing stalled"), items 9 and 13: input the user can fix is an input error (exit 2,
 * one line naming the path), never an internal error (exit 70), a silent pass or a misleading message.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry } from '../helpers.js';

/** A raw control character (not \t or \n): what must never reach the terminal from user input. */
// eslint-disable-next-line no-control-regex -- the test looks for exactly these
const RAW_CONTROL = new RegExp('[\\u0000-\\u0008\\u000b-\\u001f\\u007f]');

/** Exit 2 and exactly one stderr line, naming `name`, with no stack trace. */
function inputError(r: { code: number; stderr: string; stdout: string }, name: string | RegExp): void {
  expect(r.code, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^llm-schema: /);
  if (typeof name === 'string') expect(lines[0]).toContain(name);
  else expect(lines[0]).toMatch(name);
  expect(lines[0]).not.toMatch(/internal error/);
}

describe('paths the file system refuses are input errors, not exit 70 (item 9)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 's.json': { type: 'object', properties: { a: { type: 'string' } } } });
    const r = await cli(['register', '--namespace', 'app', '--name', 's', '--file', 's.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    mkdirSync(path.join(dir, 'outdir'));
    writeFileSync(path.join(dir, 'afile'), 'x');
    symlinkSync('loop1', path.join(dir, 'loop2'));
    symlinkSync('loop2', path.join(dir, 'loop1'));
  }, 60_000);
  afterAll(() => cleanup(dir));

  const exp = ['export', 'app.s', '--target', 'typescript', '--out'];
  it('export --out an existing folder (EISDIR)', async () => {
    inputError(await cli([...exp, 'outdir'], { cwd: dir }), /outdir: is a folder, not a file(; it is unchanged)?$/);
  });
  it('export --out <file>/x.ts (EEXIST / ENOTDIR)', async () => {
    inputError(await cli([...exp, 'afile/x.ts'], { cwd: dir }), 'afile');
  });
  it('init --registry <file>/sub (ENOTDIR)', async () => {
    inputError(
      await cli(['init', '--yes', '--registry', 'afile/sub'], { cwd: dir }),
      /afile\/sub(\/llm-schema\.yaml)?: a part of the path is a file, not a folder(; it was not created)?$/,
    );
  });
  it('--registry <symlink loop> (ELOOP)', async () => {
    inputError(await cli(['list', '--registry', 'loop1'], { cwd: dir }), /loop1.*symlink loop/);
  });
  it.runIf(existsSync('/proc/self'))('export --out /proc/x (ENOENT)', async () => {
    inputError(await cli([...exp, '/proc/x'], { cwd: dir }), /\/proc\/x: no such file or folder(; it was not created)?$/);
  });
});

describe('data files (item 13)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 's.json': { type: 'object', required: ['a'] } });
    writeFileSync(path.join(dir, 'bom.jsonl'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"a":2}\n')]));
    writeFileSync(path.join(dir, 'bom.json'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
    writeFileSync(path.join(dir, 'bad.jsonl'), Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"a":3}\n')]));
    writeFileSync(path.join(dir, 'bad.json'), Buffer.concat([Buffer.from('{\n"a": "'), Buffer.from([0xc3]), Buffer.from('"}')]));
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('a JSON Lines file (and a JSON file) starting with a UTF-8 byte order mark validates from line 1', async () => {
    for (const f of ['bom.jsonl', 'bom.json']) {
      const r = await cli(['validate', '--schema', 's.json', '--data', f], { cwd: dir });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  });

  it('invalid UTF-8 is an input error naming the file and the line', async () => {
    inputError(await cli(['validate', '--schema', 's.json', '--data', 'bad.jsonl'], { cwd: dir }), /^llm-schema: bad\.jsonl:2:1: invalid UTF-8/);
    inputError(await cli(['validate', '--schema', 's.json', '--data', 'bad.json'], { cwd: dir }), /^llm-schema: bad\.json:2:1: invalid UTF-8/);
  });

  it.runIf(existsSync('/dev/zero'))('--data /dev/zero: not a regular file (and no read that never ends)', async () => {
    inputError(await cli(['validate', '--schema', 's.json', '--data', '/dev/zero'], { cwd: dir }), /\/dev\/zero: not a regular file \(a character device\)/);
  });

  it('control characters in arguments are escaped in messages, never echoed raw', async () => {
    const r = await cli(['validate', '--schema', 's.json', '--data', 'no\u001b[31mred\u0007.json'], { cwd: dir });
    inputError(r, 'no\\u001b[31mred\\u0007.json');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    const u = await cli(['list', '--bogus\u001b]0;x\u0007'], { cwd: dir });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('\\u001b]0;x\\u0007');
    expect(u.stderr).not.toMatch(RAW_CONTROL);
  });
});

describe('git: a removed pack file is a corrupt repository, not "no commits yet" (item 13)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 's.json': { type: 'object' } });
    expect((await cli(['register', '--namespace', 'app', '--name', 's', '--file', 's.json'], { cwd: dir })).code).toBe(0);
    await execa('git', ['add', '-A'], { cwd: dir });
    await execa('git', ['commit', '-qm', 'one'], { cwd: dir });
    await execa('git', ['gc', '-q'], { cwd: dir });
    const pack = path.join(dir, '.git', 'objects', 'pack');
    for (const f of readdirSync(pack)) if (f.endsWith('.pack')) rmSync(path.join(pack, f));
  }, 60_000);
  afterAll(() => cleanup(dir));

  for (const args of [
    ['log', 'app.s'],
    ['check', '--against', 'HEAD'],
  ]) {
    it(`${args.join(' ')}: says the commit is missing, exit 2`, async () => {
      const r = await cli(args, { cwd: dir });
      inputError(r, /HEAD \('refs\/heads\/main'\) names commit [0-9a-f]{12}, which is missing from the repository/);
      expect(r.stderr).not.toMatch(/no commits yet/);
    });
  }

  it('an unborn branch still says it has no commits yet', async () => {
    const fresh = await newRegistry();
    try {
      const r = await cli(['check', '--against', 'HEAD'], { cwd: fresh });
      inputError(r, /no commits yet/);
    } finally {
      cleanup(fresh);
    }
  });
});

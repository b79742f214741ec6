/**
 * One comparison use-case (src/core/comparison.ts): every surface settles mode and policy the same way.
 * - `policy: lenient` in llm-schema.yaml is a JSON Schema policy: a Protobuf subject keeps `wire` on
 *   register --dry-run, compat, diff, check, serve (own and Confluent endpoints) and the library alike;
 * - an explicit policy the format lacks is refused everywhere (exit 2, HTTP 422);
 * - a registry policy no format has (a typo) is refused naming llm-schema.yaml;
 * - `diff --policy lenient` reports a property added to an open content model as a change (minor bump).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/index.js';
import { cleanup, cli, newRegistry, snapshot } from '../helpers.js';
import { getJson, post, startServe, CONFLUENT, type Served } from './serve-helpers.js';

const P1 = 'syntax = "proto3";\npackage shop;\n\nmessage Ping {\n  string id = 1;\n}\n';
const P2 = 'syntax = "proto3";\npackage shop;\n\nmessage Ping {\n  string id = 1;\n  int64 at = 2;\n}\n';
const J1 = { type: 'object', properties: { a: { type: 'string' } } };
const J2 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } };

function setPolicy(dir: string, policy: string | undefined): void {
  writeFileSync(path.join(dir, 'llm-schema.yaml'), `compatibility: BACKWARD\nschemas: schemas\n${policy ? `policy: ${policy}\n` : ''}`);
}

describe('policy: lenient in llm-schema.yaml with a Protobuf subject', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'p1.proto': P1, 'p2.proto': P2, 'j1.json': J1, 'j2.json': J2 });
    for (const [subject, file, version] of [
      ['shop.ping', 'p1.proto', '1.0.0'],
      ['shop.ping', 'p2.proto', '1.1.0'],
      ['app.open', 'j1.json', '1.0.0'],
    ]) {
      const r = await cli(['register', subject, '--file', file, '--version', version], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    }
    setPolicy(dir, 'lenient');
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('register --dry-run, compat, diff and check all answer yes (exit 0) and write nothing', async () => {
    const before = snapshot(dir);
    const runs = [
      ['register', 'shop.ping', '--file', 'p2.proto', '--dry-run', '--json'],
      ['compat', 'shop.ping', '--file', 'p2.proto', '--json'],
      ['diff', 'shop.ping', '--from', '1.0.0', '--to', '1.1.0', '--json'],
      ['check', '--format', 'json'],
    ];
    for (const args of runs) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/policy/);
    }
    const diff = JSON.parse((await cli(runs[2], { cwd: dir })).stdout);
    expect(diff.bump).toBe('minor');
    expect(snapshot(dir)).toEqual(before);
  });

  it('an explicit --policy lenient on a Protobuf subject is a usage error (exit 2) on every command', async () => {
    const runs = [
      ['register', 'shop.ping', '--file', 'p2.proto', '--dry-run', '--policy', 'lenient'],
      ['compat', 'shop.ping', '--file', 'p2.proto', '--policy', 'lenient'],
      ['diff', 'shop.ping', '--from', '1.0.0', '--policy', 'lenient'],
      ['compat', '--old', 'p1.proto', '--new', 'p2.proto', '--policy', 'lenient'],
      ['check', '--policy', 'lenient'],
    ];
    for (const args of runs) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(/--policy: unknown Protobuf policy 'lenient': expected wire or strict/);
    }
  });

  it('the library agrees: compat and diff under wire, an explicit lenient refused', async () => {
    const reg = await openRegistry(dir);
    const report = await reg.compat('shop.ping', P2);
    expect(report.compatible).toBe(true);
    const changes = await reg.diff('shop.ping', '1.0.0', '1.1.0');
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => !c.breaksBackward)).toBe(true);
    await expect(reg.compat('shop.ping', P2, { policy: 'lenient' })).rejects.toThrow(/unknown Protobuf policy 'lenient'/);
    await expect(reg.diff('shop.ping', '1.0.0', '1.1.0', { policy: 'lenient' })).rejects.toThrow(/unknown Protobuf policy 'lenient'/);
    // The JSON Schema subject of the same registry does get lenient.
    const open = await reg.compat('app.open', J2);
    expect(open.compatible).toBe(true);
    expect(open.changes.map((c) => c.rule)).toEqual(['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
  });

  describe('serve', () => {
    let served: Served;
    beforeAll(async () => {
      served = await startServe(dir);
    }, 60_000);
    afterAll(async () => {
      await served?.stop();
    });

    it('the compatibility endpoints answer 200 under wire; an explicit lenient is 422', async () => {
      const own = await post(`${served.url}/schemas/compatibility`, { namespace: 'shop', name: 'ping', schema: P2 });
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      expect(own.body.is_compatible).toBe(true);
      const confluent = await post(
        `${served.url}/compatibility/subjects/shop.ping/versions/latest?verbose=true`,
        { schemaType: 'PROTOBUF', schema: P2 },
        CONFLUENT,
      );
      expect(confluent.status, JSON.stringify(confluent.body)).toBe(200);
      expect(confluent.body.is_compatible).toBe(true);
      const one = await post(`${served.url}/compatibility/subjects/shop.ping/versions/1`, { schemaType: 'PROTOBUF', schema: P2 }, CONFLUENT);
      expect(one.status).toBe(200);
      expect(one.body.is_compatible).toBe(true);
      const refused = await post(`${served.url}/schemas/compatibility`, { namespace: 'shop', name: 'ping', schema: P2, policy: 'lenient' });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/unknown Protobuf policy 'lenient'/);
      const lenientJson = await post(`${served.url}/schemas/compatibility`, { namespace: 'app', name: 'open', schema: J2 });
      expect(lenientJson.status).toBe(200);
      expect(lenientJson.body.is_compatible).toBe(true);
      const health = await getJson(`${served.url}/health`);
      expect(health.status).toBe(200);
    });
  });
});

describe('a registry policy that no format has', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'p1.proto': P1, 'p2.proto': P2 });
    const r = await cli(['register', 'shop.ping', '--file', 'p1.proto'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    setPolicy(dir, 'lenint');
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('is refused naming llm-schema.yaml (exit 2) by register, compat and diff, and reported by check', async () => {
    for (const args of [
      ['register', 'shop.ping', '--file', 'p2.proto', '--dry-run'],
      ['compat', 'shop.ping', '--file', 'p2.proto'],
      ['diff', 'shop.ping', '--from', '1.0.0'],
    ]) {
      const r = await cli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^llm-schema: llm-schema\.yaml: policy: unknown Protobuf policy 'lenint': expected wire or strict/);
    }
    const check = await cli(['check', '--format', 'json'], { cwd: dir });
    expect(check.code).toBe(1);
    expect(JSON.stringify(JSON.parse(check.stdout))).toMatch(/MALFORMED_METADATA.*lenint|lenint.*MALFORMED_METADATA/);
  });
});

describe('diff --policy lenient (JSON Schema)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'j1.json': J1, 'j2.json': J2, 'j1-doc.json': { ...J1, description: 'open' } });
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('reports an added property as a compatible change and suggests a minor bump, not a patch', async () => {
    const r = await cli(['diff', '--old', 'j1.json', '--new', 'j2.json', '--policy', 'lenient', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.bump).toBe('minor');
    expect(out.breaking).toBe(false);
    expect(out.changes).toEqual([
      expect.objectContaining({ rule: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', path: '/properties/b', backward: false, forward: false }),
    ]);
    const text = await cli(['diff', '--old', 'j1.json', '--new', 'j2.json', '--policy', 'lenient', '--no-structural'], { cwd: dir });
    expect(text.stdout).toContain('only the semantic policy forbids this');
    expect(text.stdout).toMatch(/suggested bump: minor/);
    expect(text.stdout).not.toContain('EQUIVALENT_REWRITE');
    // Under the default policy the same change breaks BACKWARD; a real rewrite stays a patch under lenient.
    const semantic = JSON.parse((await cli(['diff', '--old', 'j1.json', '--new', 'j2.json', '--json'], { cwd: dir })).stdout);
    expect(semantic.bump).toBe('major');
    const doc = JSON.parse((await cli(['diff', '--old', 'j1.json', '--new', 'j1-doc.json', '--policy', 'lenient', '--json'], { cwd: dir })).stdout);
    expect(doc.bump).toBe('patch');
  });

  it('register under policy: lenient picks the minor version for the added property', async () => {
    const r1 = await cli(['register', 'app.open', '--file', 'j1.json'], { cwd: dir });
    expect(r1.code, r1.stderr).toBe(0);
    setPolicy(dir, 'lenient');
    const r = await cli(['register', 'app.open', '--file', 'j2.json', '--dry-run', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: '1.1.0', bump: 'minor' });
  });
});

/**
 * Issue 26, "Verdicts, round 3", from the command line: patterns moved to RE2 keep ECMAScript's meaning,
 * `$ref`s to the document's own or an embedded `$id` resolve (validate, compat, diff), and an unresolvable
 * reference is printed whole.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, tempDir, writeTree } from '../helpers.js';

const SELF = 'urn:uuid:deadbeef-1234-0000-0000-4321feebdaed';

describe('issue 26 from the command line', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeTree(dir, {
      'ws.json': { type: 'string', pattern: '^(\\w+\\s?)+$' },
      'ws-ascii.json': { type: 'string', pattern: '^(\\w+[ \\t]?)+$' },
      'nbsp.json': JSON.stringify('hello\u00a0world'),
      'dot.json': { type: 'string', pattern: '^(a|b)*.c$' },
      'cr.json': JSON.stringify('ab\rc'),
      'self.json': { $id: SELF, minimum: 30, properties: { foo: { $ref: SELF } } },
      'self20.json': { $id: SELF, minimum: 20, properties: { foo: { $ref: SELF } } },
      'foo12.json': { foo: 12 },
      'foo31.json': { foo: 31 },
      'embedded.json': { $defs: { a: { $id: 'http://example.com/a.json', type: 'integer' } }, $ref: 'http://example.com/a.json' },
      'embedded-number.json': { $defs: { a: { $id: 'http://example.com/a.json', type: 'number' } }, $ref: 'http://example.com/a.json' },
      'half.json': '1.5',
      'one.json': '1',
      'no-such-pointer.json': { $id: SELF, properties: { foo: { $ref: SELF + '#/nope' } } },
      'other-document.json': { properties: { foo: { $ref: 'urn:uuid:00000000-0000-0000-0000-000000000000' } } },
      'open.json': { type: 'object' },
      'proto-required.json': { type: 'object', required: ['__proto__'] },
      'proto-typed.json': '{"type":"object","properties":{"__proto__":{"type":"integer"}},"additionalProperties":false}',
      'empty.json': {},
      'proto-1.json': '{"__proto__":1}',
      'proto-x.json': '{"__proto__":"x"}',
      'email.json': { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'string', format: 'email' },
      'not-email.json': '"not-an-email"',
      'empty-union.avsc': [],
      'int-union.avsc': ['int'],
    });
  });
  afterAll(() => cleanup(dir));
  const f = (n: string) => path.join(dir, n);

  it('validate: \\s on the linear-time engine matches a no-break space', async () => {
    const r = await cli(['validate', '--schema', f('ws.json'), '--data', f('nbsp.json')]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
  });

  it('validate: . on the linear-time engine does not match \\r', async () => {
    const r = await cli(['validate', '--schema', f('dot.json'), '--data', f('cr.json')]);
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout).toContain('must match pattern');
  });

  it('compat: the pattern with \\s is wider than the one with [ \\t] (a Unicode space shows it)', async () => {
    const narrowing = await cli(['compat', '--old', f('ws.json'), '--new', f('ws-ascii.json'), '--json']);
    expect(narrowing.code, narrowing.stderr).toBe(1);
    const widening = await cli(['compat', '--old', f('ws-ascii.json'), '--new', f('ws.json'), '--json']);
    expect(widening.code, widening.stderr).toBe(0);
  });

  it("validate: a $ref to the root's own absolute $id", async () => {
    const bad = await cli(['validate', '--schema', f('self.json'), '--data', f('foo12.json')]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain('/foo must be >= 30');
    const good = await cli(['validate', '--schema', f('self.json'), '--data', f('foo31.json')]);
    expect(good.code, good.stderr).toBe(0);
  });

  it('validate: a $ref to an $id declared in a subschema', async () => {
    expect((await cli(['validate', '--schema', f('embedded.json'), '--data', f('half.json')])).code).toBe(1);
    expect((await cli(['validate', '--schema', f('embedded.json'), '--data', f('one.json')])).code).toBe(0);
  });

  it('compat and diff follow $refs to the own and embedded $ids', async () => {
    const up = await cli(['compat', '--old', f('self20.json'), '--new', f('self.json'), '--json']);
    expect(up.code, up.stderr).toBe(1);
    expect(JSON.parse(up.stdout).compatible).toBe(false);
    const down = await cli(['compat', '--old', f('self.json'), '--new', f('self20.json'), '--json']);
    expect(down.code, down.stderr).toBe(0);
    const narrowed = await cli(['compat', '--old', f('embedded-number.json'), '--new', f('embedded.json'), '--json']);
    expect(narrowed.code, narrowed.stderr).toBe(1);
    expect(narrowed.stdout).not.toContain('REF_UNRESOLVED');
    const widened = await cli(['compat', '--old', f('embedded.json'), '--new', f('embedded-number.json'), '--json']);
    expect(widened.code, widened.stderr).toBe(0);
    const diff = await cli(['diff', '--old', f('embedded-number.json'), '--new', f('embedded.json')]);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('TYPE_NARROWED');
    expect(diff.stdout).not.toContain('REF_UNRESOLVED');
    const same = await cli(['diff', '--old', f('self.json'), '--new', f('self20.json')]);
    expect(same.stdout).toContain('MINIMUM_DECREASED');
  });

  it('__proto__ is an ordinary property name in validate, compat and diff', async () => {
    expect((await cli(['validate', '--schema', f('proto-required.json'), '--data', f('empty.json')])).code).toBe(1);
    expect((await cli(['validate', '--schema', f('proto-required.json'), '--data', f('proto-1.json')])).code).toBe(0);
    const typed = await cli(['validate', '--schema', f('proto-typed.json'), '--data', f('proto-1.json'), f('proto-x.json')]);
    expect(typed.code).toBe(1);
    expect(typed.stdout).toContain('1 passed, 1 failed');
    expect(typed.stdout).toContain('/__proto__ must be integer');
    const compat = await cli(['compat', '--old', f('open.json'), '--new', f('proto-required.json'), '--json']);
    expect(compat.code, compat.stderr).toBe(1);
    const out = JSON.parse(compat.stdout);
    expect(out.undecided).toBeFalsy();
    expect(out.changes[0].witness).toMatchObject({ value: {} });
    const diff = await cli(['diff', '--old', f('proto-required.json'), '--new', f('open.json')]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("REQUIRED_ATTRIBUTE_REMOVED /required: property '__proto__' is no longer required");
  });

  it('format is asserted by default, an annotation with --no-assert-format (and validate --help says so)', async () => {
    expect((await cli(['validate', '--schema', f('email.json'), '--data', f('not-email.json')])).code).toBe(1);
    expect((await cli(['validate', '--schema', f('email.json'), '--data', f('not-email.json'), '--no-assert-format'])).code).toBe(0);
    const help = await cli(['validate', '--help']);
    expect(help.stdout).toContain('--no-assert-format');
    expect(help.stdout).toMatch(/`format`[^]*is asserted/);
  });

  it('an empty Avro union is refused as an input error that says why', async () => {
    const r = await cli(['compat', '--old', f('empty-union.avsc'), '--new', f('int-union.avsc')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('empty union: a union needs at least one branch');
  });

  it('an unresolvable reference is printed whole; another document stays an input error', async () => {
    const r = await cli(['validate', '--schema', f('no-such-pointer.json'), '--data', f('foo12.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`cannot resolve $ref '${SELF}#/nope'`);
    const o = await cli(['validate', '--schema', f('other-document.json'), '--data', f('foo12.json')]);
    expect(o.code).toBe(2);
    expect(o.stderr).toContain("cannot resolve $ref 'urn:uuid:00000000-0000-0000-0000-000000000000': no schema in this document has that $id");
  });
});

/**
 * export --target zod|generic|anthropic-strict, --for, refusals (exit 1, one clear line), and lint
 * agreeing with export through the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, newRegistry } from '../helpers.js';

const ADDRESS = {
  type: 'object',
  description: 'A postal address',
  properties: { city: { type: 'string', description: 'City' }, zip: { type: 'string', description: 'Postcode' } },
  required: ['city'],
};
const CONTACT = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  description: 'A contact',
  properties: {
    name: { type: 'string', description: 'Name' },
    phone: { type: 'string', description: 'Phone' },
    home: { $ref: 'https://example.com/address.json' },
  },
  required: ['name'],
};
const LIST = { type: 'array', items: { type: 'string' } };
const PYDANTIC = {
  $ref: '#/$defs/Order',
  $defs: {
    Order: { type: 'object', properties: { note: { allOf: [{ $ref: '#/$defs/Note' }], description: 'A note', default: null } }, required: ['note'] },
    Note: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
};

describe('export targets', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await newRegistry({ 'address.json': ADDRESS, 'contact.json': CONTACT, 'list.json': LIST, 'order.json': PYDANTIC });
    for (const args of [
      ['register', '--namespace', 'crm', '--name', 'address', '--file', 'address.json', '--kind', 'data'],
      [
        'register',
        '--namespace',
        'crm',
        '--name',
        'contact',
        '--file',
        'contact.json',
        '--kind',
        'response',
        '--reference',
        'https://example.com/address.json=crm.address@1.0.0',
      ],
      ['register', '--namespace', 'crm', '--name', 'keywords', '--file', 'list.json', '--kind', 'response'],
    ]) {
      const r = await cli(args, { cwd: dir });
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    }
  }, 60_000);
  afterAll(() => cleanup(dir));

  it('refuses an OpenAI export whose root is not an object: exit 1, one line, and lint says the same', async () => {
    const r = await cli(['export', 'crm.keywords', '--target', 'openai'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot export for OpenAI: the root is type array/);
    const l = await cli(['lint', 'crm.keywords', '--target', 'openai', '--json'], { cwd: dir });
    expect(l.code).toBe(1);
    expect(JSON.parse(l.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual(['openai/root-object']);
  });

  it('a Pydantic-shaped schema (root $ref, one-branch allOf, default) exports strict, and lint has only notes pointing into it', async () => {
    const e = await cli(['export', '--schema', 'order.json', '--target', 'openai'], { cwd: dir });
    expect(e.code).toBe(0);
    const out = JSON.parse(e.stdout);
    expect(out.tool.function.strict).toBe(true);
    expect(out.tool.function.parameters.type).toBe('object');
    expect(out.tool.function.parameters.properties.note).toEqual({ $ref: '#/$defs/Note', description: 'A note' });
    const l = await cli(['lint', '--schema', 'order.json', '--target', 'openai'], { cwd: dir });
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/note\s+\/\$defs\/Order\/properties\/note\/allOf .*openai\/allof-single/);
    expect(l.stdout).toMatch(/0 errors, 0 warnings, \d+ notes \(rewritten by the export\) in 1 schema/);
  });

  it('--target generic bundles the referenced subject into one self-contained schema', async () => {
    const r = await cli(['export', 'crm.contact', '--target', 'generic'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(out.properties.home).toEqual({ $ref: '#/$defs/crm_address' });
    expect(out.$defs.crm_address.properties.city.type).toBe('string');
    expect(JSON.stringify(out)).not.toMatch(/example\.com/);
  });

  it('--target zod writes a zod module; --target typescript --for openai types the strict form', async () => {
    const z = await cli(['export', 'crm.contact', '--target', 'zod'], { cwd: dir });
    expect(z.code).toBe(0);
    expect(z.stdout).toMatch(/import \{ z \} from "zod"/);
    expect(z.stdout).toMatch(/export const Contact = z\.object\(/);
    expect(z.stdout).toMatch(/"phone": z\.string\(\)\.describe\("Phone"\)\.optional\(\)/);
    const zs = await cli(['export', 'crm.contact', '--target', 'zod', '--for', 'openai'], { cwd: dir });
    expect(zs.stdout).toMatch(/"phone": z\.union\(\[z\.string\(\)\.describe\("Phone"\), z\.null\(\)/);
    expect(zs.stdout).toMatch(/\}\)\.strict\(\)/);
    const t = await cli(['export', 'crm.contact', '--target', 'typescript'], { cwd: dir });
    expect(t.stdout).toMatch(/phone\?: string;/);
    const ts = await cli(['export', 'crm.contact', '--target', 'typescript', '--for', 'openai'], { cwd: dir });
    expect(ts.code).toBe(0);
    expect(ts.stdout).toMatch(/phone: string \| null;/);
    const bad = await cli(['export', 'crm.contact', '--target', 'openai', '--for', 'openai'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--for goes with --target typescript or zod/);
  });

  it('--target anthropic-strict closes objects and sets strict; lint --target anthropic-strict agrees', async () => {
    const r = await cli(['export', 'crm.contact', '--target', 'anthropic-strict'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.strict).toBe(true);
    expect(out.input_schema.additionalProperties).toBe(false);
    expect(out.input_schema.$defs.crm_address.additionalProperties).toBe(false);
    const l = await cli(['lint', 'crm.contact', '--target', 'anthropic-strict', '--json'], { cwd: dir });
    expect(l.code).toBe(0);
    const lint = JSON.parse(l.stdout);
    expect(lint.errors).toBe(0);
    expect(lint.notes).toBeGreaterThan(0);
  });
});

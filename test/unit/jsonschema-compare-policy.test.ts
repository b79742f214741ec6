/**
 * Policies are declared by each format handler (the first is the default) and checked in one place
 * (src/core/policy.ts): an unknown policy, or one of another format, is a usage error naming the choices
 * (or an input error naming the YAML file it came from).
 */
import { describe, expect, it } from 'vitest';
import { checkPolicy } from '../../src/core/policy.js';
import { InputError, UsageError } from '../../src/model/errors.js';
import { getHandler } from '../../src/formats/index.js';

describe('checkPolicy', () => {
  it('each handler declares its policies, the default first', async () => {
    expect((await getHandler('json')).policies).toEqual(['semantic', 'lenient']);
    expect((await getHandler('protobuf')).policies).toEqual(['wire', 'strict']);
    expect((await getHandler('avro')).policies).toEqual([]);
  });

  it('accepts a valid policy and gives the default when none is given', async () => {
    const json = await getHandler('json');
    expect(checkPolicy(json, 'lenient')).toBe('lenient');
    expect(checkPolicy(json, undefined)).toBe('semantic');
    expect(checkPolicy(await getHandler('protobuf'), 'strict')).toBe('strict');
    expect(checkPolicy(await getHandler('avro'), undefined)).toBeUndefined();
  });

  it("refuses an unknown policy, or another format's, with the valid choices", async () => {
    const json = await getHandler('json');
    expect(() => checkPolicy(json, 'bogus')).toThrow(UsageError);
    expect(() => checkPolicy(json, 'bogus')).toThrow(/--policy.*'bogus'.*semantic.*lenient/);
    expect(() => checkPolicy(json, 'wire')).toThrow(/JSON Schema/);
    const proto = await getHandler('protobuf');
    const avro = await getHandler('avro');
    expect(() => checkPolicy(proto, 'semantic')).toThrow(/wire or strict/);
    expect(() => checkPolicy(avro, 'strict')).toThrow(/Avro has no policies/);
  });

  it('names the YAML file a policy came from', async () => {
    let err: unknown;
    try {
      checkPolicy(await getHandler('json'), 'wire', 'schemas/app/user/subject.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^schemas\/app\/user\/subject\.yaml: .*'wire'.*semantic or lenient/);
  });
});

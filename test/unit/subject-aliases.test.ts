/** subject.yaml `aliases:`: parsed, checked (Confluent subject names, no context prefix), written back. */
import { describe, expect, it } from 'vitest';
import { checkAlias, parseSubject, serializeSubject } from '../../src/core/subject.js';

const base = 'format: json\nversions: []\n';

describe('subject aliases', () => {
  it('round-trips through subject.yaml', () => {
    const meta = parseSubject(`${base}aliases:\n  - orders-value\n  - com.acme.Order\n  - orders-com.acme.Order\n  - "a:b_c"\n`, 'subject.yaml');
    expect(meta.aliases).toEqual(['orders-value', 'com.acme.Order', 'orders-com.acme.Order', 'a:b_c']);
    expect(parseSubject(serializeSubject(meta), 'subject.yaml').aliases).toEqual(meta.aliases);
    expect(serializeSubject({ format: 'json', versions: [] })).not.toMatch(/aliases/);
  });

  it.each([
    ['aliases: orders-value', /'aliases' must be a list of strings/],
    ['aliases: [1]', /'aliases' must be a list of strings/],
    ['aliases: [a, a]', /alias 'a' is listed twice/],
    ['aliases: [":.ctx:orders"]', /context prefixes/],
    // '/' is allowed (an import path names its subject: common/money.proto), but not empty, '.' or '..' segments.
    ['aliases: ["common/../value"]', /invalid alias 'common\/..\/value'.*segments/],
    ['aliases: ["/money.proto"]', /invalid alias/],
    ['aliases: ["orders value"]', /invalid alias/],
    ['aliases: [""]', /must not be empty/],
    ['aliases: [".."]', /invalid alias/],
  ])('refuses %s naming the file', (line, message) => {
    expect(() => parseSubject(`${base}${line}\n`, 'schemas/shop/orders/subject.yaml')).toThrow(message);
    try {
      parseSubject(`${base}${line}\n`, 'schemas/shop/orders/subject.yaml');
    } catch (err) {
      expect((err as { file?: string }).file).toBe('schemas/shop/orders/subject.yaml');
    }
  });

  it('checkAlias bounds the length', () => {
    expect(() => checkAlias('a'.repeat(256))).toThrow(/at most 255/);
    expect(checkAlias('a'.repeat(255))).toHaveLength(255);
  });
});

/** Imported versions: Confluent numbering, recorded ids, and how source subject names map to ours. */
import { describe, expect, it } from 'vitest';
import { confluentNumbers, entryByConfluentNumber, recordedIdStands } from '../../src/core/ids.js';
import { parseMapFile, targetOf } from '../../src/core/import.js';
import { parseSubject, serializeSubject } from '../../src/core/subject.js';

const imported = (number: number) => ({ imported: { from: 'http://sr', subject: 's', number } });

describe('confluentNumbers', () => {
  it('is registration order for a subject never imported', () => {
    expect(confluentNumbers([{}, {}, {}])).toEqual([1, 2, 3]);
  });
  it("keeps the source's numbers (gaps from deleted versions) and counts on after them", () => {
    const versions = [imported(1), imported(3), imported(7), {}];
    expect(confluentNumbers(versions)).toEqual([1, 3, 7, 8]);
    expect(entryByConfluentNumber(versions, 7)).toBe(versions[2]);
    expect(entryByConfluentNumber(versions, 2)).toBeUndefined();
  });
  it('never goes backwards, whatever subject.yaml says', () => {
    expect(confluentNumbers([imported(5), imported(2)])).toEqual([5, 6]);
  });
  it('an imported id stands as recorded', () => {
    expect(recordedIdStands(imported(1))).toBe(true);
    expect(recordedIdStands({})).toBe(false);
  });
});

describe('subject.yaml imported:', () => {
  it('round-trips and is checked', () => {
    const text = serializeSubject({
      format: 'avro',
      versions: [{ version: '3.0.0', id: 100051, state: 'active', imported: { from: 'http://sr', subject: 'orders-value', number: 3 } }],
    });
    expect(parseSubject(text, 'subject.yaml').versions[0].imported).toEqual({ from: 'http://sr', subject: 'orders-value', number: 3 });
    expect(() => parseSubject(text.replace('number: 3', 'number: -1'), 'subject.yaml')).toThrow(/imported/);
  });
});

describe('targetOf', () => {
  it('keeps <namespace>.<name>, puts other names under --namespace, and follows --map first', () => {
    expect(targetOf('com.acme.Order', {})).toEqual({ namespace: 'com.acme', name: 'Order' });
    expect(targetOf('orders-value', { namespace: 'kafka' })).toEqual({ namespace: 'kafka', name: 'orders-value' });
    expect(targetOf('a:b c', { namespace: 'kafka' })).toEqual({ namespace: 'kafka', name: 'a-b-c' });
    const map = parseMapFile('/(.*)-value/: topics/$1\norders-key: shop.order-keys\n', 'map.yaml');
    expect(targetOf('orders-value', { map })).toEqual({ namespace: 'topics', name: 'orders' });
    expect(targetOf('orders-key', { map, namespace: 'x' })).toEqual({ namespace: 'shop', name: 'order-keys' });
    expect(() => targetOf('orders-value', {})).toThrow(/--namespace/);
    expect(() => parseMapFile('/(/: a.b\n', 'map.yaml')).toThrow(/regular expression/);
  });
});

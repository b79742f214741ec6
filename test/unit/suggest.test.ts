import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../src/core/suggest.js';

describe('did you mean', () => {
  const subjects = ['myapp.user-schema', 'myapp.order', 'billing.invoice', 'myapp.user-profile'];
  it('finds a subject despite a dropped separator, a typo or case', () => {
    expect(closest('myapp.userschema', subjects)[0]).toBe('myapp.user-schema');
    expect(closest('myapp.ordr', subjects)).toEqual(['myapp.order']);
    expect(closest('Billing.Invoice', subjects)).toEqual(['billing.invoice']);
  });
  it('says nothing when nothing is close', () => {
    expect(closest('zzz.qqq', subjects)).toEqual([]);
    expect(didYouMean('zzz.qqq', subjects)).toBe('');
  });
  it('words the suggestion', () => {
    expect(didYouMean('myapp.ordr', subjects)).toBe(" (did you mean 'myapp.order'?)");
    expect(didYouMean('a', ['b', 'c'])).toBe(" (did you mean 'b' or 'c'?)");
  });
});

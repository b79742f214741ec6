import { describe, expect, it } from 'vitest';
import { spinnerWanted, wantColor } from '../../src/cli/output.js';

describe('colour', () => {
  it('FORCE_COLOR turns colour on when piped; FORCE_COLOR=0, NO_COLOR and --no-color turn it off', () => {
    expect(wantColor(undefined, {}, false)).toBe(false);
    expect(wantColor(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantColor(undefined, { FORCE_COLOR: '' }, false)).toBe(true);
    expect(wantColor(undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantColor(undefined, { FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(wantColor(undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }, true)).toBe(false);
    expect(wantColor(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(wantColor(undefined, {}, true)).toBe(true);
    expect(wantColor(undefined, { TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('spinner', () => {
  it('only on a terminal that reports a width, outside CI', () => {
    expect(spinnerWanted({ isTTY: true, columns: 80 }, {})).toBe(true);
    expect(spinnerWanted({ isTTY: true, columns: 0 }, {})).toBe(false);
    expect(spinnerWanted({ isTTY: true }, {})).toBe(false);
    expect(spinnerWanted({ isTTY: false, columns: 80 }, {})).toBe(false);
    expect(spinnerWanted({ isTTY: true, columns: 80 }, { CI: 'true' })).toBe(false);
    expect(spinnerWanted({ isTTY: true, columns: 80 }, { TERM: 'dumb' })).toBe(false);
  });
});

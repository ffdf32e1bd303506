import { describe, expect, it } from 'vitest';
import { ddAdd, ddDiv, ddMul, ddSum } from './doubleDouble.ts';

describe('doubleDouble', () => {
  it('represents 1 − y exactly', () => {
    const y = 5.571630655e-6;
    const [hi, lo] = ddSum(1, -y);
    // hi + lo = 1 − y exactly: recovering y from the pair loses nothing.
    expect(1 - hi - lo).toBe(y);
  });

  it('multiplies and divides to ~1e-30 relative', () => {
    const third = ddDiv([1, 0], [3, 0]);
    const back = ddMul(third, [3, 0]);
    expect(Math.abs(back[0] - 1 + back[1])).toBeLessThan(1e-30);
    // (1 + 2^-60)² = 1 + 2^-59 + 2^-120: the 2^-59 term survives in lo.
    const sq = ddMul([1, 2 ** -60], [1, 2 ** -60]);
    expect(sq[0]).toBe(1);
    expect(sq[1]).toBe(2 ** -59);
  });

  it('adds with cancellation', () => {
    const s = ddAdd([1, 1e-20], [-1, 0]);
    expect(s[0]).toBe(1e-20);
  });
});

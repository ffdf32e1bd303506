import { describe, expect, it } from 'vitest';
import { mardia } from './mardia.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

interface Component {
  b1p?: number;
  b2p?: number;
  statistic: number;
  df?: number;
  pValue: number;
}

describe('mardia', () => {
  // Achieved: b1p, b2p and the statistics ≤ 2.5e-15, p-values ≤ 1e-13 relative against numpy evaluations
  // of the formulas (the largest for heavy4d, whose skewness p-value is ≈ 1e-12).
  it('matches a direct numpy evaluation of Mardia’s formulas to 1e-12 relative', () => {
    for (const r of reference.mardia) {
      const result = mardia(r.samples);
      const skew = result.skewness as Component;
      const kurt = result.kurtosis as Component;
      expect(relativeError(skew.b1p!, r.b1p), r.name).toBeLessThan(1e-12);
      expect(relativeError(kurt.b2p!, r.b2p), r.name).toBeLessThan(1e-12);
      expect(relativeError(skew.statistic, r.skewStatistic), r.name).toBeLessThan(1e-12);
      expect(skew.df).toBe(r.skewDf);
      expect(relativeError(skew.pValue, r.skewPValue), r.name).toBeLessThan(1e-12);
      expect(relativeError(kurt.statistic, r.kurtosisStatistic), r.name).toBeLessThan(1e-12);
      expect(relativeError(kurt.pValue, r.kurtosisPValue), r.name).toBeLessThan(1e-12);
    }
  });

  it('combines the components by Bonferroni: pValue = min(1, 2·min(pSkew, pKurt))', () => {
    for (const r of reference.mardia) {
      const result = mardia(r.samples, 0.05);
      const minP = Math.min(r.skewPValue, r.kurtosisPValue);
      expect(relativeError(result.pValue, Math.min(1, 2 * minP))).toBeLessThan(1e-12);
      expect(result.statistic).toBe(Math.min((result.skewness as Component).pValue, (result.kurtosis as Component).pValue));
      expect(result.method).toMatch(/Bonferroni/);
      expect(result.rejected).toBe(result.pValue <= 0.05);
    }
    expect(mardia(reference.mardia[2].samples).rejected).toBe(true); // t4: heavy tails
  });

  it('is affine invariant', () => {
    const x = reference.mardia[1].samples;
    const transformed = x.map(([u, v]) => [2 * u - 0.5 * v + 3, 0.3 * u + 4 * v - 1]);
    const a = mardia(x);
    const b = mardia(transformed);
    expect(relativeError((b.skewness as Component).b1p!, (a.skewness as Component).b1p!)).toBeLessThan(1e-10);
    expect(relativeError((b.kurtosis as Component).b2p!, (a.kurtosis as Component).b2p!)).toBeLessThan(1e-10);
  });

  it('throws clear errors for n ≤ p, singular data and bad input', () => {
    expect(() => mardia([[1, 2, 3], [4, 5, 6], [7, 8, 10]])).toThrow(/mardia: need more observations than dimensions \(n > p\), got n=3, p=3/);
    expect(() => mardia([[1, 2], [2, 4], [3, 6], [4, 8]])).toThrow(/mardia: sample covariance matrix is singular/);
    expect(() => mardia([[1, 2], [3]])).toThrow(/mardia: samples\[1\] must have 2 columns/);
    expect(() => mardia([[1, 2], [3, Number.NaN], [0, 0]])).toThrow(/mardia: samples\[1\]\[1\] must be a finite number, got NaN/);
    expect(() => mardia([])).toThrow(/mardia: samples must have at least 2 rows, got 0/);
  });
});

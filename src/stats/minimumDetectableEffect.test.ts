import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect } from './minimumDetectableEffect.ts';
import { normalCdf } from './normalCdf.ts';
import { normalQuantile } from './normalQuantile.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('minimumDetectableEffect', () => {
  // Achieved: ≤ 2e-16 relative against (norm.isf(α/2m) + norm.ppf(power))·se from scipy.
  it('matches scipy to 1e-15 relative', () => {
    for (const r of reference.minimumDetectableEffect) {
      expect(relativeError(minimumDetectableEffect(r.se, r.alpha, r.power, r.m), r.value)).toBeLessThan(1e-15);
    }
  });

  it('has the textbook value (1.95996 + 0.84162)·se ≈ 2.8016·se at α = 0.05, power = 0.8', () => {
    expect(minimumDetectableEffect(1)).toBeCloseTo(2.801585218, 8);
  });

  it('attains the requested power (neglecting the opposite tail) and grows with m', () => {
    const se = 0.3;
    const mde = minimumDetectableEffect(se, 0.05, 0.9, 4);
    const zCritical = -normalQuantile(0.05 / 8);
    // Power of the two-sided test at a true effect of MDE: P(Z > z_crit − MDE/se) = Φ(MDE/se − z_crit).
    expect(Math.abs(normalCdf(mde / se - zCritical) - 0.9)).toBeLessThan(1e-14);
    expect(minimumDetectableEffect(se, 0.05, 0.9, 8)).toBeGreaterThan(mde);
  });

  it('validates its inputs', () => {
    expect(() => minimumDetectableEffect(0)).toThrow(/minimumDetectableEffect: se must be a number in \(0, Infinity\), got 0/);
    expect(() => minimumDetectableEffect(1, 0.05, 1)).toThrow(/minimumDetectableEffect: power must be a number in \(0, 1\), got 1/);
    expect(() => minimumDetectableEffect(1, 0.05, 0.8, 2.5)).toThrow(/minimumDetectableEffect: m must be an integer/);
    expect(() => minimumDetectableEffect(Number.NaN)).toThrow(/minimumDetectableEffect: se .* got NaN/);
  });
});

import { describe, expect, it } from 'vitest';
import { ksOneSample } from './ksOneSample.ts';
import { normalCdf } from './normalCdf.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('ksOneSample', () => {
  it('matches scipy.stats.kstest(x, "norm")’s statistic D to 1e-15 relative', () => {
    for (const r of reference.ksOneSample) {
      expect(relativeError(ksOneSample(r.x, normalCdf).statistic, r.statistic), r.name).toBeLessThan(1e-15);
    }
  });

  // Achieved: ≤ 3.0e-15 relative against the same formula evaluated with scipy.special.kolmogorov.
  it('gives Stephens’ p = Q_KS((√n + 0.12 + 0.11/√n)·D) to 1e-14 relative', () => {
    for (const r of reference.ksOneSample) {
      expect(relativeError(ksOneSample(r.x, normalCdf).pValue, r.pStephens), r.name).toBeLessThan(1e-14);
    }
  });

  it('is within 4 % of scipy’s exact finite-n p-value (Stephens’ approximation error)', () => {
    // Achieved: 1.3–2.6 % on these samples (n = 30, 40, 200).
    for (const r of reference.ksOneSample) {
      expect(Math.abs(ksOneSample(r.x, normalCdf).pValue / r.pScipyExact - 1), r.name).toBeLessThan(0.04);
    }
  });

  it('computes D⁺ and D⁻ by hand for a tiny sample against U(0, 1)', () => {
    // x = (0.1, 0.5, 0.6): D⁺ = max(1/3 − 0.1, 2/3 − 0.5, 1 − 0.6) = 0.4; D⁻ = max(0.1, 0.5 − 1/3, 0.6 − 2/3) = 1/6.
    const result = ksOneSample([0.6, 0.1, 0.5], (v) => Math.min(1, Math.max(0, v)));
    expect(result.dPlus).toBeCloseTo(0.4, 15);
    expect(result.dMinus).toBeCloseTo(1 / 6, 15);
    expect(result.statistic).toBeCloseTo(0.4, 15);
  });

  it('validates its inputs', () => {
    expect(() => ksOneSample([], normalCdf)).toThrow(/ksOneSample: sample must have at least 1 finite value, got 0/);
    expect(() => ksOneSample([0.2], () => 1.5)).toThrow(/ksOneSample: cdf\(0.2\) must be in \[0, 1\], got 1.5/);
    expect(() => ksOneSample([Number.NaN], normalCdf)).toThrow(/ksOneSample: sample\[0\] must be a finite number/);
  });
});

import { describe, expect, it } from 'vitest';
import { kolmogorovSurvival } from './kolmogorovSurvival.ts';
import { ksTwoSample } from './ksTwoSample.ts';
import reference from './reference.json' with { type: 'json' };
import { relativeError } from './testUtils.ts';

describe('ksTwoSample', () => {
  it('matches scipy.stats.ks_2samp’s statistic D exactly (ties included)', () => {
    for (const r of reference.ksTwoSample) {
      expect(relativeError(ksTwoSample(r.x, r.y).statistic, r.statistic), r.name).toBeLessThan(1e-15);
    }
  });

  // Achieved: ≤ 1.1e-16 relative against the same formula evaluated with scipy.special.kolmogorov.
  it('gives Stephens’ p = Q_KS((√nₑ + 0.12 + 0.11/√nₑ)·D) to 1e-14 relative', () => {
    for (const r of reference.ksTwoSample) {
      expect(relativeError(ksTwoSample(r.x, r.y).pValue, r.pStephens), r.name).toBeLessThan(1e-14);
    }
  });

  it('is close to scipy’s method="asymp" p-value, which uses a different approximation', () => {
    // scipy returns kstwo.sf(D, round(nₑ)), the exact one-sample distribution at the rounded effective
    // size, instead of Stephens' corrected limit; on these data the two differ by 0.5–4.1 % of p.
    for (const r of reference.ksTwoSample) {
      expect(Math.abs(ksTwoSample(r.x, r.y).pValue / r.pScipyAsymp - 1), r.name).toBeLessThan(0.06);
    }
  });

  it('handles ties across samples (D is taken after every copy of a value is counted)', () => {
    // ECDFs after each distinct value: t=1: (2/3, 1/3), t=2: (1, 2/3), t=3: (1, 1) → D = 1/3.
    const result = ksTwoSample([1, 1, 2], [1, 2, 3]);
    expect(result.statistic).toBeCloseTo(1 / 3, 15);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3]).statistic).toBe(0);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
  });

  it('reports a consistent TestResult', () => {
    const r = reference.ksTwoSample[0];
    const result = ksTwoSample(r.x, r.y, 0.1);
    const ne = (r.x.length * r.y.length) / (r.x.length + r.y.length);
    expect(result.effectiveN).toBe(ne);
    expect(result.pValue).toBe(kolmogorovSurvival((Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * result.statistic));
    expect(result.rejected).toBe(result.pValue <= 0.1);
    expect(ksTwoSample(reference.ksTwoSample[3].x, reference.ksTwoSample[3].y).rejected).toBe(true);
  });

  it('validates the samples', () => {
    expect(() => ksTwoSample([], [1])).toThrow(/ksTwoSample: x must have at least 1 finite value, got 0/);
    expect(() => ksTwoSample([1], [Number.NaN])).toThrow(/ksTwoSample: y\[0\] must be a finite number, got NaN/);
  });
});

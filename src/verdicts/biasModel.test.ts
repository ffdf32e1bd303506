import { describe, expect, it } from 'vitest';
import { fitBiasModel, type WidthSample } from './biasModel.ts';
import { chiSquaredSurvival } from '../stats/chiSquaredSurvival.ts';
import { psdFactor } from '../linalg/cholesky.ts';
import { ar1, correlated, normals } from './testSupport.ts';

const xs = [1, 1 / 2, 1 / 4];

/** Width means K∞ + a·x + noise, noise ~ N(0, s²R) independently per width. */
function synthetic(m: number, R: Float64Array, s: number, draw: () => number, withCov: boolean): WidthSample[] {
  const L = psdFactor(R, m);
  return xs.map((x) => {
    const e = correlated(L, m, draw);
    const mean = Float64Array.from({ length: m }, (_, i) => 1 + 0.1 * i + (0.5 - 0.05 * i) * x + s * e[i]);
    return { x, mean, variance: new Float64Array(m).fill(s * s), covariance: withCov ? R.map((r) => r * s * s) : null, networks: 1e9 };
  });
}

describe('fitBiasModel', () => {
  it('recovers K∞ and a exactly from noiseless data, with χ² = 0', () => {
    const m = 4;
    const fit = fitBiasModel(synthetic(m, ar1(m, 0), 0, () => 0, false).map((w) => ({ ...w, variance: new Float64Array(m).fill(1e-4) })));
    for (let i = 0; i < m; i++) {
      expect(fit.intercept[i]).toBeCloseTo(1 + 0.1 * i, 12);
      expect(fit.slope[i]).toBeCloseTo(0.5 - 0.05 * i, 12);
    }
    expect(fit.goodness.chi2).toBeCloseTo(0, 12);
    expect(fit.goodness.dof).toBe(m);
  });

  it('gives the WLS intercept variance (NR §15.2) and Cov(K∞) = Σ c c Cov for correlated entries', () => {
    const m = 3;
    const R = ar1(m, 0.6);
    const fit = fitBiasModel(synthetic(m, R, 0.01, normals('bias/cov'), true));
    // Equal weights: Var(intercept) = s² Σx²/(F Σx² − (Σx)²).
    const Sx = xs.reduce((a, b) => a + b, 0);
    const Sxx = xs.reduce((a, b) => a + b * b, 0);
    const v = (1e-4 * Sxx) / (3 * Sxx - Sx * Sx);
    expect(fit.interceptCovariance[0]).toBeCloseTo(v, 15);
    // With equal weights the intercept weights are shared, so Cov(K∞_i, K∞_j) = R_ij Var.
    expect(fit.interceptCovariance[1] / v).toBeCloseTo(0.6, 12);
    expect(fit.interceptCovariance[2] / v).toBeCloseTo(0.36, 12);
  });

  it('given a variance law, weighs the widths by it, one set of weights for every entry', () => {
    const m = 2;
    const draw = normals('bias/law');
    // Per-network variance ∝ x (p = 1), entry scales 1 and 100, one entry's variance off the law at
    // the narrowest width: estimated weights differ per entry, the law's are (−5, 2, 16)/13 for both.
    const samples = xs.map((x, f) => ({ x, mean: Float64Array.from({ length: m }, draw), variance: Float64Array.of(f === 0 ? 3e-4 : 1e-4 * x, 1e-2 * x), covariance: null, networks: 64 }));
    const estimated = fitBiasModel(samples);
    expect(estimated.interceptWeights[0]).not.toBeCloseTo(estimated.interceptWeights[1], 3);
    const fit = fitBiasModel(samples, { varianceExponent: 1 });
    [-5 / 13, 2 / 13, 16 / 13].forEach((c, f) => [0, 1].forEach((i) => expect(fit.interceptWeights[f * m + i]).toBeCloseTo(c, 12)));
    // Var(K∞_i) = Σ_f c_f² Var(ȳ_fi) with the variances given, not the law's.
    const v0 = [0, 1, 2].reduce((t, f) => t + fit.interceptWeights[f * m] ** 2 * samples[f].variance[0], 0);
    expect(fit.interceptCovariance[0]).toBeCloseTo(v0, 15);
    [-0.5, 0.5, 1].forEach((c, f) => expect(fitBiasModel(samples, { varianceExponent: 0 }).interceptWeights[f * m]).toBeCloseTo(c, 12));
    expect(() => fitBiasModel(samples, { varianceExponent: -1 })).toThrow(/varianceExponent must lie in \[0, 2\], got -1/);
  });

  it('reduces to the exact χ² test when entries are independent', () => {
    const m = 5;
    const fit = fitBiasModel(synthetic(m, ar1(m, 0), 0.02, normals('bias/indep'), false));
    expect(fit.goodness.effectiveDof).toBeCloseTo(m, 10);
    expect(fit.goodness.scale).toBeCloseTo(1, 10);
    expect(fit.goodness.pValue).toBeCloseTo(chiSquaredSurvival(fit.goodness.chi2, m), 12);
  });

  it('keeps the goodness-of-fit test calibrated under strong correlation (Satterthwaite–Box)', () => {
    const m = 8;
    const R = ar1(m, 0.95);
    const draw = normals('bias/gof');
    let rejected = 0;
    let naive = 0;
    let sumQ = 0;
    const reps = 2000;
    for (let r = 0; r < reps; r++) {
      const fit = fitBiasModel(synthetic(m, R, 0.02, draw, true));
      sumQ += fit.goodness.chi2;
      if (fit.goodness.pValue <= 0.05) rejected++;
      // Treating the entries as independent over-counts degrees of freedom: too many rejections.
      if (chiSquaredSurvival(fit.goodness.chi2, m) <= 0.05) naive++;
    }
    expect(sumQ / reps).toBeGreaterThan(0.93 * m);
    expect(sumQ / reps).toBeLessThan(1.07 * m);
    expect(rejected / reps).toBeGreaterThan(0.035);
    expect(rejected / reps).toBeLessThan(0.065);
    expect(naive / reps).toBeGreaterThan(0.1);
  });

  it('flags a model that is wrong (a 1/w² term the fit cannot absorb)', () => {
    const m = 4;
    const samples = synthetic(m, ar1(m, 0.3), 0.001, normals('bias/wrong'), true).map((w) => ({
      ...w,
      mean: w.mean.map((v) => v + 0.2 * w.x * w.x),
    }));
    expect(fitBiasModel(samples).goodness.pValue).toBeLessThan(1e-6);
  });
});

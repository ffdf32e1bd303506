import { describe, expect, it } from 'vitest';
import { kernelAgreement, uniqueEntries, type WidthEstimate } from './kernelAgreement.ts';
import { binomialInterval } from '../stats/binomialInterval.ts';
import { psdFactor } from '../linalg/cholesky.ts';
import { normals } from './testSupport.ts';

// A 3×3 kernel (P = 3, m = 6 unique entries), strongly correlated Monte-Carlo errors across entries.
const P = 3;
const K = Float64Array.from([1.0, 0.6, 0.3, 0.6, 1.2, 0.5, 0.3, 0.5, 0.9]);
const mask = new Float64Array(P).fill(1);
const P2 = P * P;

/** Covariance over the P² vector of a kernel estimate: the errors of a rank-2 Gram plus a little noise. */
function errorCovariance(scale: number): Float64Array {
  const a = [1, 0.8, 0.5];
  const b = [0.2, -0.5, 0.7];
  const u = new Float64Array(P2);
  const v = new Float64Array(P2);
  for (let i = 0; i < P; i++)
    for (let j = 0; j < P; j++) {
      u[i * P + j] = a[i] * a[j];
      v[i * P + j] = b[i] * b[j];
    }
  const C = new Float64Array(P2 * P2);
  for (let i = 0; i < P2; i++) for (let j = 0; j < P2; j++) C[i * P2 + j] = scale * (u[i] * u[j] + 0.5 * v[i] * v[j] + (i === j ? 0.05 : 0));
  return C;
}

function estimates(draw: () => number, shiftK: (k: number) => number = (k) => k): WidthEstimate[] {
  return [1, 2, 4].map((scale) => {
    const C = errorCovariance(1e-4 / scale);
    const L = psdFactor(C, P2);
    const g = Float64Array.from({ length: P2 }, draw);
    const mean = new Float64Array(P2);
    for (let i = 0; i < P2; i++) {
      let e = 0;
      for (let j = 0; j <= i; j++) e += L[i * P2 + j] * g[j];
      mean[i] = shiftK(K[i]) + (0.3 * K[i]) / (64 * scale) + e;
    }
    // Symmetric estimate, as a kernel is: mirror the upper triangle.
    for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) mean[i * P + j] = mean[j * P + i];
    const se = Float64Array.from({ length: P2 }, (_, i) => Math.sqrt(C[i * P2 + i]));
    return { scale, mean, se, networks: 1e9, covariance: C };
  });
}

describe('kernelAgreement', () => {
  it('lists unique valid entries', () => {
    const { idx } = uniqueEntries(Float64Array.of(1, 0, 1));
    expect(Array.from(idx)).toEqual([0, 2, 8]);
  });

  it('holds its false-positive rate under correlated entries and a 1/width bias', () => {
    const draw = normals('agreement/null');
    const reps = 300;
    let fp = 0;
    for (let r = 0; r < reps; r++) if (kernelAgreement({ analytic: K, mask, estimates: estimates(draw), alpha: 0.05, draws: 1000 }).rejected) fp++;
    const ci = binomialInterval(fp, reps, 0.999);
    expect(ci.lower).toBeLessThanOrEqual(0.05);
    expect(ci.upper).toBeGreaterThanOrEqual(0.05);
  });

  it('rejects a kernel with a 10 % error, and states power that covers it', () => {
    const v = kernelAgreement({ analytic: K.map((k) => 1.1 * k), mask, estimates: estimates(normals('agreement/alt')), alpha: 1e-3 });
    expect(v.rejected).toBe(true);
    expect(v.detectableRelativeError).toBeLessThan(0.1);
    expect(v.biasModel.adequate).toBe(true);
    expect(v.entries).toBe(6);
    expect(v.effectiveTests).toBeLessThanOrEqual(6);
  });

  it('reports a bias model that does not fit', () => {
    const ests = estimates(normals('agreement/bad-model')).map((e) => ({ ...e, mean: e.mean.map((m, i) => m + (0.2 * K[i]) / (e.scale * e.scale)) }));
    const v = kernelAgreement({ analytic: K, mask, estimates: ests, alpha: 1e-3 });
    expect(v.biasModel.adequate).toBe(false);
    expect(v.notes.join(' ')).toMatch(/bias model/);
  });

  it('accepts an identically zero kernel measured exactly (no overflow, no NaN)', () => {
    const zero = new Float64Array(P2);
    const ests = [1, 2, 4].map((scale) => ({ scale, mean: zero, se: zero, networks: 64, covariance: new Float64Array(P2 * P2) }));
    const v = kernelAgreement({ analytic: zero, mask, estimates: ests });
    expect(v.pValue).toBe(1);
    expect(v.rejected).toBe(false);
    expect(Number.isNaN(v.biasModel.goodness.pValue)).toBe(false);
  });

  it('a sampled kernel\'s SE with few degrees of freedom widens the tail (Welch–Satterthwaite), many reduce to exactly known', () => {
    const draw = normals('agreement/analytic-dof');
    const est = estimates(draw);
    // A kernel 4 % off, with a sampled-kernel SE as large as the ensembles' own error.
    const analytic = K.map((k) => 1.04 * k);
    const analyticSE = Float64Array.from({ length: P2 }, (_, i) => Math.sqrt(errorCovariance(1e-4)[i * P2 + i]));
    const run = (analyticDof?: number) => kernelAgreement({ analytic, analyticSE, analyticDof, mask, estimates: est, draws: 4000 });
    const known = run();
    const few = run(3);
    const many = run(1e12);
    expect(few.statistic).toBeLessThan(known.statistic);
    expect(few.pValue).toBeGreaterThan(known.pValue);
    expect(many.statistic).toBeCloseTo(known.statistic, 6);
  });
});

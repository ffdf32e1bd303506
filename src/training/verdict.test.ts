import { describe, expect, it } from 'vitest';
import { augmentedMoment, trainingAgreement } from './verdict.ts';
import { MomentAccumulator } from '../estimators/accumulator.ts';
import { secondMoment } from './predict.ts';
import type { PredictionWithSE } from './analytic.ts';
import type { StepAccumulators } from './trainer.ts';
import { normals } from '../verdicts/testSupport.ts';

/**
 * Synthetic ensembles with a known law: per network f = μ + b/w + L g at width factor w (Gaussian
 * g), accumulated as the trainer does (the outer product of u = (1, f) with its covariance), so the
 * adapter is checked on its own, without networks.
 */
const Q = 3;
const mu = Float64Array.from([0.8, -0.4, 0.1]);
const C = Float64Array.from([0.5, 0.2, 0.1, 0.2, 0.4, 0.05, 0.1, 0.05, 0.3]);
const L = [
  [Math.sqrt(0.5), 0, 0],
  [0.2 / Math.sqrt(0.5), 0, 0],
  [0.1 / Math.sqrt(0.5), 0, 0],
];
// Complete the Cholesky factor of C.
L[1][1] = Math.sqrt(0.4 - L[1][0] ** 2);
L[2][1] = (0.05 - L[2][0] * L[1][0]) / L[1][1];
L[2][2] = Math.sqrt(0.3 - L[2][0] ** 2 - L[2][1] ** 2);
const bias = [0.1, -0.05, 0.08];

function ensemble(scale: number, key: string, networks = 400): StepAccumulators {
  const draw = normals(key);
  const acc: StepAccumulators = { step: 5, outputs: new MomentAccumulator(Q), errors: new MomentAccumulator(1), moments: new MomentAccumulator(16, true) };
  const u = new Float64Array(4);
  const outer = new Float64Array(16);
  for (let k = 0; k < networks; k++) {
    const g = [draw(), draw(), draw()];
    u[0] = 1;
    for (let i = 0; i < Q; i++) u[i + 1] = mu[i] + bias[i] / scale + L[i][0] * g[0] + L[i][1] * g[1] + L[i][2] * g[2];
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) outer[a * 4 + b] = u[a] * u[b];
    acc.outputs.add(u.subarray(1));
    acc.moments.add(outer);
  }
  return acc;
}

const prediction = (mean: Float64Array, covariance: Float64Array): PredictionWithSE => ({
  step: 5,
  mean,
  covariance,
  secondMoment: secondMoment({ mean, covariance }),
  meanSE: null,
  covarianceSE: null,
  secondMomentSE: null,
  errors: { train: { value: 0, se: 0 }, test: null },
});

const estimates = [1, 2, 4].map((scale) => ({ scale, accumulators: ensemble(scale, `training-verdict/${scale}`) }));
const probe = [0, 1, 2];

describe('trainingAgreement: the mean and second moment of f_t through the verdict engine', () => {
  it('lays out [[1, μᵀ], [μ, S]]', () => {
    const A = augmentedMoment(mu, secondMoment({ mean: mu, covariance: C }), Q, [2, 0]);
    expect(Array.from(A)).toEqual([1, mu[2], mu[0], mu[2], C[8] + mu[2] ** 2, C[6] + mu[2] * mu[0], mu[0], C[2] + mu[0] * mu[2], C[0] + mu[0] ** 2]);
  });

  it('passes the true law (the 1/width bias modelled), with a bias model that fits and a power figure that ignores the constant entry', () => {
    const v = trainingAgreement({ prediction: prediction(mu, C), Q, probe, estimates, alpha: 1e-3 });
    expect(v.rejected, `p = ${v.pValue}`).toBe(false);
    expect(v.biasModel.adequate).toBe(true);
    expect(v.inconclusive).toBeUndefined();
    expect(v.entries).toBe(10);
    // A constant entry with its zero SE would make any relative error "detectable" (≈ 1e-5).
    expect(v.detectableRelativeError).toBeGreaterThan(0.01);
    expect(v.detectableRelativeError).toBeLessThan(0.5);
  });

  it('rejects a wrong mean and, separately, a wrong covariance', () => {
    const shifted = mu.map((m, i) => (i === 1 ? m + 0.25 : m));
    expect(trainingAgreement({ prediction: prediction(shifted, C), Q, probe, estimates, alpha: 1e-3 }).rejected).toBe(true);
    const wider = C.map((c, i) => (i % 4 === 0 ? 1.5 * c : c));
    expect(trainingAgreement({ prediction: prediction(mu, wider), Q, probe, estimates, alpha: 1e-3 }).rejected).toBe(true);
  });

  it('says inconclusive when the 1/width model does not fit (a bias that grows with width)', () => {
    const bad = [1, 2, 4].map((scale) => ({ scale, accumulators: ensemble(1 / scale ** 2, `training-verdict/bad/${scale}`, 2000) }));
    const v = trainingAgreement({ prediction: prediction(mu, C), Q, probe, estimates: bad, alpha: 1e-3 });
    expect(v.biasModel.adequate).toBe(false);
    expect(v.inconclusive?.[0].code).toBe('bias-regime');
  });

  it('refuses ensembles recorded at another step', () => {
    expect(() => trainingAgreement({ prediction: { ...prediction(mu, C), step: 6 }, Q, probe, estimates })).toThrow(/ensemble at step 5, prediction at step 6/);
  });
});

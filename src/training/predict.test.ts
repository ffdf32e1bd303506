import { describe, expect, it } from 'vitest';
import { checkLearningRate, predictTraining, secondMoment, stepFilter, trainingSpectrum, type PredictOptions, type Step } from './predict.ts';

/**
 * A model that IS linear in its parameters, f(z) = ψ(z)·u + φ(z)·θ with u, θ₀ ~ N(0, I) and only θ
 * trained: its initial function is a GP with K = ΨΨᵀ + ΦΦᵀ and its tangent kernel is Θ = ΦΦᵀ, so
 * the linearised theory holds exactly. Gradient descent keeps f_t affine in (u, θ₀), so its mean
 * and covariance follow exactly from runs started at 0 and at each basis vector: an independent,
 * float64, step-by-step check of every formula in predict.ts.
 */
const Q = 6;
const n = 4;
const p = 5; // trained parameters
const r = 3; // untrained random parameters
let seed = 11;
const rnd = () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5);
const Phi = Float64Array.from({ length: Q * p }, rnd);
const Psi = Float64Array.from({ length: Q * r }, rnd);
const Y = Float64Array.from({ length: n }, () => 2 * rnd());
const gram = (F: Float64Array, k: number) => {
  const G = new Float64Array(Q * Q);
  for (let a = 0; a < Q; a++) for (let b = 0; b < Q; b++) for (let c = 0; c < k; c++) G[a * Q + b] += F[a * k + c] * F[b * k + c];
  return G;
};
const Theta = gram(Phi, p);
const K = gram(Psi, r).map((v, i) => v + Theta[i]);

/** f_t over all Q points for one initialisation, by gradient descent on ½‖f(X) − Y‖² + ½λ‖θ − θ₀‖². */
function descend(u: Float64Array, theta0: Float64Array, lr: number, ridge: number, steps: number, phi = Phi, psi = Psi): Float64Array {
  const theta = new Float64Array(theta0);
  const f = () => {
    const out = new Float64Array(Q);
    for (let z = 0; z < Q; z++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += psi[z * r + c] * u[c];
      for (let c = 0; c < p; c++) s += phi[z * p + c] * theta[c];
      out[z] = s;
    }
    return out;
  };
  for (let t = 0; t < steps; t++) {
    const ft = f();
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let c = 0; c < p; c++) g[c] += phi[i * p + c] * (ft[i] - Y[i]);
    for (let c = 0; c < p; c++) theta[c] -= lr * (g[c] + ridge * (theta[c] - theta0[c]));
  }
  return f();
}

/** Exact mean and covariance of f_t by linearity in the initialisation. */
function exactMoments(lr: number, ridge: number, steps: number, phi = Phi, psi = Psi) {
  const zeroU = new Float64Array(r);
  const zeroT = new Float64Array(p);
  const mean = descend(zeroU, zeroT, lr, ridge, steps, phi, psi);
  const cols: Float64Array[] = [];
  for (let k = 0; k < r + p; k++) {
    const u = new Float64Array(r);
    const t0 = new Float64Array(p);
    if (k < r) u[k] = 1;
    else t0[k - r] = 1;
    cols.push(descend(u, t0, lr, ridge, steps, phi, psi).map((v, z) => v - mean[z]));
  }
  const cov = new Float64Array(Q * Q);
  for (let a = 0; a < Q; a++) for (let b = 0; b < Q; b++) for (const c of cols) cov[a * Q + b] += c[a] * c[b];
  return { mean, cov };
}

const expectClose = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThan(tol);
};

describe('predictTraining against exact gradient descent on a linear model', () => {
  const lmax = trainingSpectrum(Theta, Q, n).max;
  const cases: [string, PredictOptions, Step[]][] = [
    ['every parameter, η = 0.9/λ_max', { mode: 'all', lr: 0.9 / lmax }, [0, 1, 3, 17]],
    ['every parameter, η = 1.8/λ_max (oscillating)', { mode: 'all', lr: 1.8 / lmax }, [2, 9]],
    ['every parameter with a ridge', { mode: 'all', lr: 0.5 / lmax, ridge: 0.3 }, [1, 6, 40]],
  ];
  it.each(cases)('%s', (_name, opts, steps) => {
    const pred = predictTraining({ Q, n, nngp: K, ntk: Theta }, Y, steps, opts);
    steps.forEach((t, k) => {
      const exact = exactMoments(opts.lr, opts.ridge ?? 0, t);
      expectClose(pred[k].mean, exact.mean, 1e-10);
      expectClose(pred[k].covariance, exact.cov, 1e-10);
    });
  });

  it('t = ∞ is the limit of many steps, with and without a ridge', () => {
    for (const ridge of [0, 0.2]) {
      const lr = 1 / (lmax + ridge);
      const [inf] = predictTraining({ Q, n, nngp: K, ntk: Theta }, Y, [Infinity], { mode: 'all', lr, ridge });
      const exact = exactMoments(lr, ridge, 5000);
      expectClose(inf.mean, exact.mean, 1e-8);
      expectClose(inf.covariance, exact.cov, 1e-8);
    }
  });

  it('readout mode trains with the NNGP: a model with K = Θ = ΦΦᵀ, whatever the NTK passed', () => {
    const lr = 0.7 / lmax;
    const noPsi = new Float64Array(Q * r);
    const pred = predictTraining({ Q, n, nngp: Theta, ntk: K }, Y, [0, 5, Infinity], { mode: 'readout', lr });
    expectClose(pred[1].mean, exactMoments(lr, 0, 5, Phi, noPsi).mean, 1e-10);
    expectClose(pred[1].covariance, exactMoments(lr, 0, 5, Phi, noPsi).cov, 1e-10);
    // At t = ∞: the GP posterior, K_zX K⁻¹ Y and K_zz − K_zX K⁻¹ K_Xz (solved here by Gauss–Jordan).
    const KXX = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Theta[i * Q + j]));
    const solve = (rhs: number[]) => {
      const A = KXX.map((row, i) => [...row, rhs[i]]);
      for (let c = 0; c < n; c++) {
        const piv = A[c][c];
        for (let j = c; j <= n; j++) A[c][j] /= piv;
        for (let i = 0; i < n; i++) if (i !== c) for (let j = n; j >= c; j--) A[i][j] -= A[i][c] * A[c][j];
      }
      return A.map((row) => row[n]);
    };
    const alpha = solve(Array.from(Y));
    for (let z = 0; z < Q; z++) {
      const kz = Array.from({ length: n }, (_, i) => Theta[z * Q + i]);
      expect(pred[2].mean[z]).toBeCloseTo(kz.reduce((s, v, i) => s + v * alpha[i], 0), 9);
      const w = solve(kz);
      expect(pred[2].covariance[z * Q + z]).toBeCloseTo(Theta[z * Q + z] - kz.reduce((s, v, i) => s + v * w[i], 0), 9);
    }
  });

  it('gradient flow is the small-step limit of gradient descent at the same time ηt', () => {
    const tau = 3 / lmax;
    const [flow] = predictTraining({ Q, n, nngp: K, ntk: Theta }, Y, [1000], { mode: 'all', lr: tau / 1000, time: 'flow' });
    const [gd] = predictTraining({ Q, n, nngp: K, ntk: Theta }, Y, [100000], { mode: 'all', lr: tau / 100000 });
    expectClose(flow.mean, gd.mean, 1e-4);
    expectClose(flow.covariance, gd.covariance, 1e-4);
  });

  it('the second moment is C + μμᵀ', () => {
    const [pr] = predictTraining({ Q, n, nngp: K, ntk: Theta }, Y, [4], { mode: 'all', lr: 0.5 / lmax });
    const S = secondMoment(pr);
    expect(S[1 * Q + 4]).toBeCloseTo(pr.covariance[1 * Q + 4] + pr.mean[1] * pr.mean[4], 14);
  });
});

describe('stability and conditioning', () => {
  it('refuses η at or above 2/λ_max, naming the limit, and accepts η just below it', () => {
    const s = trainingSpectrum(Theta, Q, n);
    const limit = 2 / s.max;
    expect(() => checkLearningRate(s, limit, 'discrete')).toThrow(new RegExp(`stability limit 2/λ_max\\(Θ\\) = ${limit.toPrecision(6).replace('.', '\\.')}`));
    expect(() => predictTraining({ Q, n, nngp: K, ntk: Theta }, Y, [1], { mode: 'all', lr: 1.01 * limit })).toThrow(/at or above the stability limit/);
    expect(() => checkLearningRate(s, 0.999 * limit, 'discrete')).not.toThrow();
    // Gradient flow has no step-size limit.
    expect(() => checkLearningRate(s, 10 * limit, 'flow')).not.toThrow();
    expect(() => checkLearningRate(s, 0, 'discrete')).toThrow(/positive/);
  });

  it('a singular Θ (a training input repeated) is handled as a pseudo-inverse: t = ∞ equals the prediction without the copy', () => {
    // Points: x0, x1, x2, x0 (copy), test x4, x5; targets agree on the copy.
    const idx = [0, 1, 2, 0, 4, 5];
    const pick = (M: Float64Array) => Float64Array.from({ length: Q * Q }, (_, k) => M[idx[Math.floor(k / Q)] * Q + idx[k % Q]]);
    const Yd = Float64Array.from([Y[0], Y[1], Y[2], Y[0]]);
    const spec = trainingSpectrum(pick(Theta), Q, n);
    expect(spec.nullity).toBe(1);
    expect(spec.condition).toBeGreaterThan(1e12);
    const [dup] = predictTraining({ Q, n, nngp: pick(K), ntk: pick(Theta) }, Yd, [Infinity], { mode: 'all', lr: 0.5 / spec.max });
    // The same problem with 3 training points.
    const idx3 = [0, 1, 2, 4, 5];
    const pick3 = (M: Float64Array) => Float64Array.from({ length: 25 }, (_, k) => M[idx3[Math.floor(k / 5)] * Q + idx3[k % 5]]);
    const [ref] = predictTraining({ Q: 5, n: 3, nngp: pick3(K), ntk: pick3(Theta) }, Yd.subarray(0, 3), [Infinity], { mode: 'all', lr: 0.5 / spec.max });
    expectClose([dup.mean[4], dup.mean[5], dup.covariance[4 * Q + 4], dup.covariance[4 * Q + 5]], [ref.mean[3], ref.mean[4], ref.covariance[3 * 5 + 3], ref.covariance[3 * 5 + 4]], 1e-8);
  });

  it('h_t(a) is stable for small ηa (→ ηt), exact at t = 0, and 1/a at t = ∞', () => {
    expect(stepFilter(1e-14, 0.1, 50, 'discrete', 0)).toBeCloseTo(5, 10);
    expect(stepFilter(2, 0.1, 0, 'discrete', 0)).toBe(0);
    expect(stepFilter(2, 0.1, Infinity, 'discrete', 0)).toBe(0.5);
    expect(stepFilter(0, 0.1, Infinity, 'discrete', 1e-12)).toBe(0);
    expect(stepFilter(2, 0.9, 3, 'discrete', 0)).toBeCloseTo((1 - (1 - 1.8) ** 3) / 2, 14);
  });
});

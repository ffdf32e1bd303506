/**
 * What the infinite-width theory predicts for a network trained by gradient descent, in float64
 * (docs/training.md derives every formula here; Lee et al. 2019, "Wide neural networks of any
 * depth evolve as linear models under gradient descent", NeurIPS, §2 and eqs. (9)–(16)).
 *
 * Setting: loss ½‖f(X) − Y‖² (+ ½λ‖θ − θ₀‖² with a ridge), full-batch gradient descent with step η,
 * in the NTK parameterisation. In the limit the network is linear in its parameters around θ₀,
 * its tangent kernel G stays fixed, and with A = G_XX + λI, for every point z (training or test):
 *
 *   f_t(z) = f₀(z) + G_zX · h_t(A) · (Y − f₀(X)),   h_t(a) = (1 − (1 − ηa)^t)/a   (discrete time)
 *                                                   h_t(a) = (1 − e^(−ηat))/a     (gradient flow, time ηt)
 *                                                   h_∞(a) = 1/a                   (a > 0; 0 on A's null space)
 *
 * f₀ ~ GP(0, K) (the NNGP), independent of G in the limit, so with T = G_zX h_t(A) (Q × n):
 *
 *   mean        μ_t = T Y
 *   covariance  C_t = K_zz − T K_Xz − K_zX Tᵀ + T K_XX Tᵀ
 *
 * Training every parameter: G = Θ, the NTK (the NNGP enters through f₀ only). Training the dense
 * readout alone: its tangent kernel is the last layer's feature Gram, whose limit is the output
 * NNGP itself, so G = K, and at t = ∞ without a ridge the mean and covariance are exactly the GP
 * posterior's, K_zX K⁻¹ Y and K_zz − K_zX K⁻¹ K_Xz: each trained network is a posterior sample.
 * With a ridge the mean is the posterior mean under observation noise λ, but the covariance is
 * the formula above, not that posterior's (docs/training.md says why).
 *
 * h_t is applied through a symmetric eigendecomposition of A (src/linalg/symmetricEigen.ts):
 * it is exact for every t, needs no matrix power, and A's null space (duplicated inputs, a
 * degenerate kernel) is handled as a pseudo-inverse: eigenvalues below RCOND·λ_max count as zero.
 */
import { symmetricEigen } from '../linalg/symmetricEigen.ts';
import { SpecError } from '../spec/schema.ts';

/** Which parameters are trained. */
export type TrainingMode = 'all' | 'readout';
/** Discrete gradient descent (I − ηA)^t, or gradient flow e^(−ηAt) at time ηt. */
export type TimeModel = 'discrete' | 'flow';

/** A training step count; Infinity means trained to convergence. */
export type Step = number;

/** Eigenvalues at or below RCOND · λ_max are treated as zero (A's numerical null space). */
export const RCOND = 1e-10;

export interface TrainingKernels {
  /** Points: the n training inputs first, then the test inputs; Q in all. */
  readonly Q: number;
  readonly n: number;
  /** Q × Q NNGP, row-major. */
  readonly nngp: Float64Array;
  /** Q × Q NTK, row-major. */
  readonly ntk: Float64Array;
}

export interface PredictOptions {
  readonly mode: TrainingMode;
  /** Learning rate η > 0. */
  readonly lr: number;
  /** Ridge λ ≥ 0: the loss gains ½λ‖θ − θ₀‖². Default 0. */
  readonly ridge?: number;
  readonly time?: TimeModel;
}

export interface Prediction {
  readonly step: Step;
  /** μ_t over the Q points. */
  readonly mean: Float64Array;
  /** C_t, Q × Q row-major. */
  readonly covariance: Float64Array;
}

export interface Spectrum {
  /** Eigenvalues of A = G_XX + λI, decreasing. */
  readonly values: Float64Array;
  readonly vectors: Float64Array;
  readonly max: number;
  /** Smallest eigenvalue above the numerical null space. */
  readonly minPositive: number;
  /** λ_max / λ_min over the whole spectrum (Infinity when A is singular). */
  readonly condition: number;
  /** Eigenvalues treated as zero. */
  readonly nullity: number;
}

/** A prediction function: the correct one below, or a broken fixture (fixtures/training/). */
export type TrainingPredictor = (kernels: TrainingKernels, Y: Float64Array, steps: readonly Step[], opts: PredictOptions) => Prediction[];

/**
 * Bad training input: a learning rate at or past the stability limit, targets that do not fit
 * the inputs, steps that do not increase. An input error like a bad spec (the CLI exits 2).
 */
export class TrainingInputError extends SpecError {
  override name = 'TrainingInputError';
}

/** The tangent kernel that drives training in this mode. */
export function trainingKernel(k: TrainingKernels, mode: TrainingMode): Float64Array {
  return mode === 'readout' ? k.nngp : k.ntk;
}

/** Rows `rows` and columns `cols` of a Q × Q matrix. */
export function block(M: Float64Array, Q: number, rows: readonly number[], cols: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  rows.forEach((i, a) => cols.forEach((j, b) => (out[a * cols.length + b] = M[i * Q + j])));
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The spectrum of A = G_XX + λI, with its condition number. */
export function trainingSpectrum(G: Float64Array, Q: number, n: number, ridge = 0): Spectrum {
  const A = block(G, Q, range(0, n), range(0, n));
  for (let i = 0; i < n; i++) A[i * n + i] += ridge;
  const { values, vectors } = symmetricEigen(A, n);
  const max = values[0];
  const cut = RCOND * max;
  let nullity = 0;
  let minPositive = Infinity;
  for (const v of values) {
    if (v <= cut) nullity++;
    else minPositive = Math.min(minPositive, v);
  }
  const min = values[n - 1];
  return { values, vectors, max, minPositive, condition: min > 0 ? max / min : Infinity, nullity };
}

/** The largest stable learning rate of discrete gradient descent: 2/λ_max(A). */
export function stabilityLimit(s: Spectrum): number {
  return 2 / s.max;
}

/** Refuses η ≥ 2/λ_max(A) for discrete gradient descent, naming the limit. */
export function checkLearningRate(s: Spectrum, lr: number, time: TimeModel, what = 'Θ'): void {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new TrainingInputError(`lr: the learning rate must be a positive finite number, got ${lr}`);
  if (!(s.max > 0)) throw new TrainingInputError(`the training kernel ${what} is zero on the training inputs: nothing can be learnt`);
  if (time === 'discrete' && lr >= stabilityLimit(s))
    throw new TrainingInputError(
      `lr: η = ${lr} is at or above the stability limit 2/λ_max(${what}) = ${stabilityLimit(s).toPrecision(6)} (λ_max = ${s.max.toPrecision(6)}): gradient descent diverges along the top eigenvector; use η < ${stabilityLimit(s).toPrecision(6)} (η ≈ 1/λ_max = ${(1 / s.max).toPrecision(6)} converges fastest on it)`,
    );
}

/**
 * h_t(a) = (1 − (1 − ηa)^t)/a, stably: for small ηa through log1p/expm1 (no cancellation, and
 * h → ηt as a → 0); t = ∞ gives 1/a (0 on the null space).
 */
export function stepFilter(a: number, lr: number, t: Step, time: TimeModel, nullCut: number): number {
  if (t === 0) return 0;
  if (a <= nullCut) return t === Infinity ? 0 : lr * t;
  if (t === Infinity) return 1 / a;
  if (time === 'flow') return -Math.expm1(-lr * a * t) / a;
  const x = lr * a;
  if (x < 0.5) return -Math.expm1(t * Math.log1p(-x)) / a;
  return (1 - Math.pow(1 - x, t)) / a;
}

/** T = G_zX h_t(A) over all Q points z: Q × n. */
export function trainingMap(G: Float64Array, Q: number, n: number, s: Spectrum, lr: number, t: Step, time: TimeModel): Float64Array {
  const cut = RCOND * s.max;
  const h = Float64Array.from(s.values, (a) => stepFilter(a, lr, t, time, cut));
  // h_t(A) = V diag(h) Vᵀ (n × n), then G_zX times it.
  const H = new Float64Array(n * n);
  const V = s.vectors;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += V[i * n + k] * h[k] * V[j * n + k];
      H[i * n + j] = H[j * n + i] = sum;
    }
  const T = new Float64Array(Q * n);
  for (let z = 0; z < Q; z++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += G[z * Q + i] * H[i * n + j];
      T[z * n + j] = sum;
    }
  return T;
}

/** μ = T Y and C = K_zz − T K_Xz − K_zX Tᵀ + T K_XX Tᵀ over all Q points. */
export function predictionMoments(K: Float64Array, Q: number, n: number, T: Float64Array, Y: Float64Array): { mean: Float64Array; covariance: Float64Array } {
  const mean = new Float64Array(Q);
  for (let z = 0; z < Q; z++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += T[z * n + i] * Y[i];
    mean[z] = s;
  }
  // B = T K_Xz (Q × Q): B[z][w] = Σ_i T[z][i] K[i][w].
  const B = new Float64Array(Q * Q);
  for (let z = 0; z < Q; z++)
    for (let w = 0; w < Q; w++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += T[z * n + i] * K[i * Q + w];
      B[z * Q + w] = s;
    }
  const covariance = new Float64Array(Q * Q);
  for (let z = 0; z < Q; z++)
    for (let w = z; w < Q; w++) {
      // T K_XX Tᵀ [z][w] = Σ_j B[z][j] T[w][j] over training j.
      let tkt = 0;
      for (let j = 0; j < n; j++) tkt += B[z * Q + j] * T[w * n + j];
      covariance[z * Q + w] = covariance[w * Q + z] = K[z * Q + w] - B[z * Q + w] - B[w * Q + z] + tkt;
    }
  return { mean, covariance };
}

function checkInputs(k: TrainingKernels, Y: Float64Array, steps: readonly Step[]): void {
  if (k.n < 1 || k.n > k.Q) throw new Error(`predictTraining: n = ${k.n} training points out of Q = ${k.Q}`);
  if (k.nngp.length !== k.Q * k.Q || k.ntk.length !== k.Q * k.Q) throw new Error(`predictTraining: kernels must be ${k.Q}×${k.Q}`);
  if (Y.length !== k.n) throw new TrainingInputError(`targets: ${Y.length} targets for ${k.n} training inputs`);
  for (const t of steps) if (!(t === Infinity || (Number.isInteger(t) && t >= 0))) throw new TrainingInputError(`steps: ${t} is not a whole number ≥ 0 or inf`);
}

/**
 * Mean and covariance of f_t over the Q points at every step, for training with `opts`. Refuses
 * a learning rate at or above the stability limit (discrete time).
 */
export const predictTraining: TrainingPredictor = (kernels, Y, steps, opts) => {
  checkInputs(kernels, Y, steps);
  const { Q, n } = kernels;
  const time = opts.time ?? 'discrete';
  const G = trainingKernel(kernels, opts.mode);
  const s = trainingSpectrum(G, Q, n, opts.ridge ?? 0);
  checkLearningRate(s, opts.lr, time, opts.mode === 'readout' ? 'K' : 'Θ');
  return steps.map((step) => {
    const T = trainingMap(G, Q, n, s, opts.lr, step, time);
    return { step, ...predictionMoments(kernels.nngp, Q, n, T, Y) };
  });
};

/** E[f fᵀ] = C + μμᵀ: the second moment the finite ensembles estimate per network. */
export function secondMoment(p: Pick<Prediction, 'mean' | 'covariance'>): Float64Array {
  const Q = p.mean.length;
  const S = new Float64Array(p.covariance);
  for (let i = 0; i < Q; i++) for (let j = 0; j < Q; j++) S[i * Q + j] += p.mean[i] * p.mean[j];
  return S;
}

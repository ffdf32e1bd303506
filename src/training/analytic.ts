/**
 * The analytic prediction of a training run from the kernels of the joint batch, with its
 * Monte-Carlo standard error when the kernel is sampled (sqrt attention): the prediction is made
 * from the full kernel estimate and again from each of its R replicas (computeKernel's
 * `keepReplicas`), and the SE of every number is the replicas' spread / √R, batch means exactly
 * as computeKernel's own SEs (a replica holds 1/R of the logit samples).
 */
import type { NetworkSpec } from '../spec/types.ts';
import { computeKernel, type KernelOptions, type KernelResult } from '../pipeline/kernel.ts';
import { jointBatch, type TrainingTask } from './task.ts';
import {
  predictTraining,
  secondMoment,
  stabilityLimit,
  trainingKernel,
  trainingSpectrum,
  TrainingInputError,
  type PredictOptions,
  type Prediction,
  type Step,
  type TrainingKernels,
  type TrainingPredictor,
} from './predict.ts';

/** A number with its standard error (0 when exact). */
export interface ValueSE {
  readonly value: number;
  readonly se: number;
}

export interface PredictionWithSE extends Prediction {
  /** E[f fᵀ] = C + μμᵀ, Q × Q. */
  readonly secondMoment: Float64Array;
  /** Standard errors from the sampled kernel's replicas; null when the kernel is closed-form. */
  readonly meanSE: Float64Array | null;
  readonly covarianceSE: Float64Array | null;
  readonly secondMomentSE: Float64Array | null;
  /**
   * Expected mean squared errors of a trained network, E[(f_t(z) − y)²] = (μ_z − y)² + C_zz averaged
   * over the training points and, with test targets, over the test points.
   */
  readonly errors: { readonly train: ValueSE; readonly test: ValueSE | null };
}

/** Expected MSE over the training points (first n) and, given test targets, over the test points. */
export function expectedErrors(p: Prediction, n: number, targets: Float64Array, testTargets: Float64Array | null): number[] {
  const Q = p.mean.length;
  const mse = (from: number, ys: Float64Array) => ys.reduce((s, y, i) => s + (p.mean[from + i] - y) ** 2 + p.covariance[(from + i) * Q + from + i], 0) / ys.length;
  return testTargets ? [mse(0, targets), mse(n, testTargets)] : [mse(0, targets)];
}

export interface AnalyticTraining {
  readonly Q: number;
  readonly n: number;
  readonly kernel: KernelResult;
  readonly predictions: readonly PredictionWithSE[];
  /** λ_max, λ_min and the condition number of the training kernel on the training inputs (+ ridge). */
  readonly spectrum: {
    readonly max: number;
    readonly min: number;
    /** Smallest eigenvalue above the numerical null space (RCOND · λ_max). */
    readonly minPositive: number;
    readonly condition: number;
    readonly nullity: number;
    /** The stability limit 2/λ_max of discrete gradient descent. */
    readonly limit: number;
  };
}

/** The Q × Q kernels of the joint batch, as the predictor takes them. */
export function trainingKernels(k: Pick<KernelResult, 'nngp' | 'ntk'>, Q: number, n: number): TrainingKernels {
  if (k.nngp.length !== Q * Q) throw new TrainingInputError(`spec: the kernel has ${Math.round(Math.sqrt(k.nngp.length))} rows for ${Q} inputs; training needs one output per input (pool before the readout)`);
  return { Q, n, nngp: k.nngp, ntk: k.ntk };
}

function spread(values: readonly Float64Array[]): Float64Array {
  const R = values.length;
  const out = new Float64Array(values[0].length);
  for (let i = 0; i < out.length; i++) {
    let m = 0;
    for (const v of values) m += v[i];
    m /= R;
    let s = 0;
    for (const v of values) s += (v[i] - m) ** 2;
    out[i] = Math.sqrt(s / (R - 1) / R);
  }
  return out;
}

/** Predictions of `predictor` at `steps` from a kernel result (its replicas give the SEs). */
export function predictFromKernel(
  kernel: KernelResult,
  Q: number,
  n: number,
  Y: Float64Array,
  steps: readonly Step[],
  opts: PredictOptions,
  predictor: TrainingPredictor = predictTraining,
  testTargets: Float64Array | null = null,
): PredictionWithSE[] {
  const full = predictor(trainingKernels(kernel, Q, n), Y, steps, opts);
  const reps = kernel.replicas?.map((r) => {
    try {
      return predictor(trainingKernels(r, Q, n), Y, steps, opts);
    } catch (e) {
      if (e instanceof TrainingInputError) throw new TrainingInputError(`${e.message} (on a replica of the sampled kernel: raise its precision or lower η)`);
      throw e;
    }
  });
  return full.map((p, k) => {
    const S = secondMoment(p);
    const err = expectedErrors(p, n, Y, testTargets);
    const sampled = reps && reps.length >= 2;
    const errSE = sampled ? spread(reps.map((r) => Float64Array.from(expectedErrors(r[k], n, Y, testTargets)))) : new Float64Array(err.length);
    const errors = { train: { value: err[0], se: errSE[0] }, test: testTargets ? { value: err[1], se: errSE[1] } : null };
    if (!sampled) return { ...p, secondMoment: S, meanSE: null, covarianceSE: null, secondMomentSE: null, errors };
    return {
      ...p,
      secondMoment: S,
      meanSE: spread(reps.map((r) => r[k].mean)),
      covarianceSE: spread(reps.map((r) => r[k].covariance)),
      secondMomentSE: spread(reps.map((r) => secondMoment(r[k]))),
      errors,
    };
  });
}

/**
 * The last few kernels computed, by spec, batch and options: a training case in both modes (or a
 * report's grid over steps and modes) needs one kernel, and a sampled one costs seconds.
 */
const kernelCache = new Map<string, KernelResult>();
const KERNEL_CACHE_SIZE = 8;

function cachedKernel(spec: NetworkSpec, batch: ReturnType<typeof jointBatch>, opts: KernelOptions): KernelResult {
  const { onProgress: _ignored, ...rest } = opts;
  const key = JSON.stringify({ spec, x: Array.from(batch.x), mask: Array.from(batch.mask), T: batch.T, d: batch.d, rest });
  let k = kernelCache.get(key);
  if (!k) {
    k = computeKernel(spec, batch, { ...opts, keepReplicas: true });
    if (kernelCache.size >= KERNEL_CACHE_SIZE) kernelCache.delete(kernelCache.keys().next().value as string);
    kernelCache.set(key, k);
  }
  return k;
}

/** The kernels of the joint batch, then the predictions with their SEs and the spectrum behind them. */
export function analyticTraining(
  spec: NetworkSpec,
  task: TrainingTask,
  steps: readonly Step[],
  opts: PredictOptions,
  kernelOptions: KernelOptions = {},
  predictor: TrainingPredictor = predictTraining,
): AnalyticTraining {
  const joint = jointBatch(task);
  const kernel = cachedKernel(spec, joint, kernelOptions);
  const Q = joint.M;
  const n = task.train.M;
  const kernels = trainingKernels(kernel, Q, n);
  const s = trainingSpectrum(trainingKernel(kernels, opts.mode), Q, n, opts.ridge ?? 0);
  const predictions = predictFromKernel(kernel, Q, n, task.targets, steps, opts, predictor, task.testTargets);
  return {
    Q,
    n,
    kernel,
    predictions,
    spectrum: { max: s.max, min: s.values[n - 1], minPositive: s.minPositive, condition: s.condition, nullity: s.nullity, limit: stabilityLimit(s) },
  };
}

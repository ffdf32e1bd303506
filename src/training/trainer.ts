/**
 * Finite networks trained by full-batch gradient descent, as many as asked, each from its own
 * keyed initialisation (the same streams `estimate` draws from: network k of a run has the same
 * f₀ here as there), recording f_t on the training and test inputs at the requested steps.
 *
 * - `mode: 'all'`: every trainable parameter, θ ← θ − η(∇θ ½‖f(X) − Y‖² + λ(θ − θ₀)), on the
 *   network with a one-channel readout (channel 0, as the NTK estimator uses). Networks of a chunk
 *   share every tensor op but no parameter, so the gradient of the summed loss is each network's
 *   own gradient.
 * - `mode: 'readout'`: only the final dense layer trains. The network is then linear in what
 *   trains: f(z) = φ(z)·w with φ = [σw/√m · z_penultimate, σb], so gradient descent has a closed
 *   form per network, f_t = f₀ + K̂_zX h_t(K̂_XX + λI)(Y − f₀(X)) with K̂ = ΦΦᵀ the network's own
 *   readout kernel (predict.ts's h_t), at the cost of one forward pass: the minimum-norm (or ridge)
 *   least-squares fit on the penultimate features at t = ∞.
 *
 * Accumulation follows the ensemble estimator (ensemble.ts): per block of BLOCK network indices,
 * Welford in index order, blocks folded in index order, chunks never straddling a block, so shards
 * and worker threads merge bit-identically. Per network and recorded step it adds
 *   - `outputs`: f_t at the Q points (mean and SE: the predicted-against-ensemble mean plots);
 *   - `errors`: [training MSE, test MSE] (test only with test targets);
 *   - `moments`: the outer product u uᵀ of u = (1, f_t at the probe points), with the covariance
 *     across its entries: its mean is [[1, μᵀ], [μ, E f fᵀ]], the matrix verdict.ts tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkSpec } from '../spec/types.ts';
import { buildNetwork } from '../network.ts';
import type { Stack } from '../layers/sequential.ts';
import type { FiniteContext, ParamMap } from '../layers/types.ts';
import { activeBackend, initBackend, type BackendChoice } from '../backend.ts';
import { MomentAccumulator } from '../estimators/accumulator.ts';
import { BLOCK, scalarReadout, type MemoryReading } from '../estimators/ensemble.ts';
import { disposeParams, drawParams } from '../estimators/params.ts';
import { jointBatch, type TrainingTask } from './task.ts';
import { RCOND, TrainingInputError, stepFilter, type Step, type TrainingMode } from './predict.ts';
import { symmetricEigen } from '../linalg/symmetricEigen.ts';

export interface TrainOptions {
  readonly networks: number;
  readonly seed: number;
  /** Index of the first network (shards start elsewhere); default 0. */
  readonly firstNetwork?: number;
  readonly mode: TrainingMode;
  readonly lr: number;
  readonly ridge?: number;
  /** Steps to record, increasing; Infinity = trained to convergence. */
  readonly steps: readonly Step[];
  /**
   * With `mode: 'all'`, the number of gradient steps that stands for t = ∞ (convergenceSteps()
   * chooses it from the analytic spectrum). The closed-form readout needs none.
   */
  readonly infinityStep?: number;
  /** Points (indices into the joint batch) whose outer product is accumulated; default all. */
  readonly probe?: readonly number[];
  /** Networks per tensor batch. */
  readonly chunk?: number;
  readonly backend?: BackendChoice;
  readonly keepBlocks?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops at the next block boundary when aborted (the result holds the finished blocks). */
  readonly signal?: AbortSignal;
}

export interface StepAccumulators {
  readonly step: Step;
  readonly outputs: MomentAccumulator;
  readonly errors: MomentAccumulator;
  readonly moments: MomentAccumulator;
}

export interface TrainingBlock {
  readonly index: number;
  readonly steps: readonly StepAccumulators[];
}

export interface TrainResult {
  /** Points in the joint batch (training first) and how many are training points. */
  readonly Q: number;
  readonly n: number;
  readonly probe: readonly number[];
  readonly steps: readonly Step[];
  /** The gradient steps run for t = ∞ ('all' mode), else null. */
  readonly infinityStep: number | null;
  readonly accumulators: readonly StepAccumulators[];
  readonly networks: number;
  readonly backend: string;
  readonly seconds: number;
  readonly memory: { readonly start: MemoryReading; readonly end: MemoryReading };
  /** Readout mode: networks whose own readout kernel put η at or above 2/λ_max (their GD diverges). */
  readonly unstable: number;
  readonly blocks: TrainingBlock[] | null;
}

/** Thrown when a trained network's output stops being finite. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/**
 * Gradient steps after which every trainable eigen-direction of A has decayed to `tol`:
 * max over eigenvalues a > RCOND·a_max of |1 − ηa|^t ≤ tol. Directions in A's null space never
 * move and do not count. Refuses more than `maxSteps` (an ill-conditioned kernel at this η).
 */
export function convergenceSteps(eigenvalues: ArrayLike<number>, lr: number, tol = 1e-6, maxSteps = 20_000): number {
  let top = 0;
  for (const a of Array.from(eigenvalues)) top = Math.max(top, a);
  let worst = 0;
  for (const a of Array.from(eigenvalues)) if (a > RCOND * top) worst = Math.max(worst, Math.abs(1 - lr * a));
  if (worst === 0) return 1;
  if (worst >= 1) throw new TrainingInputError(`lr: η = ${lr} does not converge (|1 − ηλ| = ${worst} ≥ 1)`);
  const t = Math.ceil(Math.log(tol) / Math.log(worst));
  if (t > maxSteps)
    throw new TrainingInputError(
      `steps: reaching t = ∞ takes ${t} gradient steps at η = ${lr} (the slowest direction decays by ${worst.toPrecision(6)} per step; more than ${maxSteps}): use a finite step count, a larger η, a ridge, or --readout-only`,
    );
  return Math.max(1, t);
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 1 || seed > 2 ** 32 - 1) throw new Error(`seed must be a whole number in [1, 2^32 - 1], got ${seed}`);
}

/** The network's scalar readout stack on the joint batch, refusing specs with no single output per input. */
export function trainingStack(spec: NetworkSpec, task: Pick<TrainingTask, 'train' | 'test'>): Stack {
  const joint = jointBatch(task);
  const stack = buildNetwork(scalarReadout(spec), joint);
  if (stack.T !== 1)
    throw new TrainingInputError(
      `spec: training needs one output per input, but the network's output has ${stack.T} positions per input; pool them (globalAvgPool before the readout)`,
    );
  return stack;
}

/** The readout of a spec for `mode: 'readout'`: its body and σw, σb; refuses a network without a final dense layer. */
function readoutParts(spec: NetworkSpec, task: Pick<TrainingTask, 'train' | 'test'>) {
  const last = spec.layers[spec.layers.length - 1];
  if (last.type !== 'dense' || spec.layers.length < 2) throw new TrainingInputError('spec: --readout-only needs a network that ends in a dense readout layer after at least one other layer');
  const path = `layers[${spec.layers.length - 1}]`;
  return { body: buildNetwork({ layers: spec.layers.slice(0, -1) }, jointBatch(task)), wStd: last.wStd, bStd: last.bStd, wKey: `${path}|W`, bKey: `${path}|b` };
}

type InputTensors = { x: tf.Tensor4D; ctx: FiniteContext };

function inputTensors(batch: { M: number; T: number; d: number; x: Float64Array; mask: Float64Array; masked: boolean }, n: number): InputTensors {
  return tf.tidy(() => {
    const mask = tf.tensor4d(Float32Array.from(batch.mask), [1, batch.M, batch.T, 1]);
    const x1 = tf.tensor4d(Float32Array.from(batch.x), [1, batch.M, batch.T, batch.d]).mul(mask);
    const x = tf.keep(tf.broadcastTo(x1, [n, batch.M, batch.T, batch.d]) as tf.Tensor4D);
    return { x, ctx: { N: n, M: batch.M, T: batch.T, mask: tf.keep(mask), masked: batch.masked } };
  });
}

const disposeInputs = (i: InputTensors) => tf.dispose([i.x, i.ctx.mask]);

/** Output channel 0 of every network of a chunk at every input: [n, M]. */
function outputs(stack: Stack, params: ParamMap, inputs: InputTensors, n: number): tf.Tensor2D {
  const { y } = stack.forward(inputs.x, params, inputs.ctx);
  return y.slice([0, 0, 0, 0], [n, y.shape[1], 1, 1]).reshape([n, y.shape[1]]) as tf.Tensor2D;
}

/** The recorded values of one network at one step, into the block's accumulators. */
class Recorder {
  private readonly u: Float64Array;
  private readonly outer: Float64Array;
  private readonly err: Float64Array;

  constructor(
    private readonly task: TrainingTask,
    private readonly probe: readonly number[],
  ) {
    const p = probe.length + 1;
    this.u = new Float64Array(p);
    this.outer = new Float64Array(p * p);
    this.err = new Float64Array(task.testTargets ? 2 : 1);
  }

  static accumulators(step: Step, Q: number, probe: number, testTargets: boolean): StepAccumulators {
    return {
      step,
      outputs: new MomentAccumulator(Q),
      errors: new MomentAccumulator(testTargets ? 2 : 1),
      moments: new MomentAccumulator((probe + 1) ** 2, true),
    };
  }

  add(acc: StepAccumulators, f: ArrayLike<number>, network: number): void {
    const { task, probe, u, outer, err } = this;
    for (let i = 0; i < f.length; i++)
      if (!Number.isFinite(f[i]))
        throw new TrainingDivergedError(
          `network ${network} diverged by step ${acc.step === Infinity ? '∞' : acc.step} (output ${i} is ${f[i]}): its own tangent kernel put η past its stability limit; lower --lr or use wider networks`,
        );
    acc.outputs.add(f);
    const n = task.targets.length;
    let se = 0;
    for (let i = 0; i < n; i++) se += (f[i] - task.targets[i]) ** 2;
    err[0] = se / n;
    if (task.testTargets) {
      let st = 0;
      for (let i = 0; i < task.testTargets.length; i++) st += (f[n + i] - task.testTargets[i]) ** 2;
      err[1] = st / task.testTargets.length;
    }
    acc.errors.add(err);
    u[0] = 1;
    probe.forEach((z, k) => (u[k + 1] = f[z]));
    const p = u.length;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) outer[a * p + b] = u[a] * u[b];
    acc.moments.add(outer);
  }
}

/** Full-batch gradient descent on one chunk of n networks; calls `record(step index, [n, Q] outputs)`. */
async function trainChunkAll(
  stack: Stack,
  params: Record<string, tf.Tensor>,
  all: InputTensors,
  train: InputTensors,
  Y: tf.Tensor2D,
  n: number,
  schedule: readonly number[],
  opts: TrainOptions,
  record: (k: number, f: Float32Array) => void,
): Promise<void> {
  const trainable = stack.params.filter((d) => d.trainable).map((d) => d.name);
  const fixed: Record<string, tf.Tensor> = {};
  for (const d of stack.params) if (!d.trainable) fixed[d.name] = params[d.name];
  const map = (ps: readonly tf.Tensor[]): ParamMap => {
    const m: Record<string, tf.Tensor> = { ...fixed };
    trainable.forEach((name, i) => (m[name] = ps[i]));
    return m;
  };
  const ridge = opts.ridge ?? 0;
  const theta0 = trainable.map((name) => params[name]);
  let theta: tf.Tensor[] = theta0;
  const loss = (...ps: tf.Tensor[]) => outputs(stack, map(ps), train, n).sub(Y).square().sum().mul(0.5) as tf.Scalar;
  const gradients = tf.grads(loss);
  const last = schedule[schedule.length - 1];
  let next = 0;
  try {
    for (let t = 0; ; t++) {
      while (next < schedule.length && schedule[next] === t) {
        const f = tf.tidy(() => outputs(stack, map(theta), all, n));
        record(next, (await f.data()) as Float32Array);
        f.dispose();
        next++;
      }
      if (t >= last) break;
      const updated = tf.tidy(() => {
        const g = gradients(theta);
        return theta.map((p, i) => {
          const step = ridge > 0 ? g[i].add(p.sub(theta0[i]).mul(ridge)) : g[i];
          return p.sub(step.mul(opts.lr));
        });
      });
      if (theta !== theta0) tf.dispose(theta);
      theta = updated;
      if (t % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    if (theta !== theta0) tf.dispose(theta);
  }
}

/** Readout-only training of one chunk in closed form; returns each network's f_t per step, and how many were unstable. */
async function trainChunkReadout(
  parts: ReturnType<typeof readoutParts>,
  params: Record<string, tf.Tensor>,
  all: InputTensors,
  n: number,
  Q: number,
  nTrain: number,
  Y: Float64Array,
  opts: TrainOptions,
  record: (k: number, f: Float64Array, network: number) => void,
): Promise<number> {
  const features = tf.tidy(() => {
    const { y } = parts.body.forward(all.x, params, all.ctx);
    return y.reshape([n, Q, y.shape[3]]) as tf.Tensor3D;
  });
  const m = features.shape[2];
  const Z = (await features.data()) as Float32Array;
  features.dispose();
  const W = (await params[parts.wKey].data()) as Float32Array; // [n, m, 1]
  const b = parts.bStd > 0 ? ((await params[parts.bKey].data()) as Float32Array) : null; // [n, 1]
  const sw = parts.wStd / Math.sqrt(m);
  const sb = parts.bStd;
  const ridge = opts.ridge ?? 0;
  let unstable = 0;
  const f0 = new Float64Array(Q);
  const K = new Float64Array(Q * Q);
  const A = new Float64Array(nTrain * nTrain);
  const r = new Float64Array(nTrain);
  const c = new Float64Array(nTrain);
  const ft = new Float64Array(Q);
  for (let k = 0; k < n; k++) {
    const z = Z.subarray(k * Q * m, (k + 1) * Q * m);
    for (let a = 0; a < Q; a++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += z[a * m + j] * W[k * m + j];
      f0[a] = sw * s + (b ? sb * b[k] : 0);
    }
    // K̂ = ΦΦᵀ, φ = [σw/√m · z, σb]: the readout's tangent kernel on this network.
    for (let a = 0; a < Q; a++)
      for (let bb = a; bb < Q; bb++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += z[a * m + j] * z[bb * m + j];
        K[a * Q + bb] = K[bb * Q + a] = sw * sw * s + sb * sb;
      }
    for (let i = 0; i < nTrain; i++) for (let j = 0; j < nTrain; j++) A[i * nTrain + j] = K[i * Q + j] + (i === j ? ridge : 0);
    const eig = symmetricEigen(A, nTrain);
    if (opts.lr * eig.values[0] >= 2) unstable++;
    const cut = RCOND * eig.values[0];
    for (let i = 0; i < nTrain; i++) r[i] = Y[i] - f0[i];
    // Project the residual on the eigenvectors once: Vᵀ r.
    const proj = new Float64Array(nTrain);
    for (let q = 0; q < nTrain; q++) {
      let s = 0;
      for (let i = 0; i < nTrain; i++) s += eig.vectors[i * nTrain + q] * r[i];
      proj[q] = s;
    }
    for (const [idx, t] of opts.steps.entries()) {
      // c = h_t(A) r = V diag(h) Vᵀ r; f_t = f₀ + K̂_zX c.
      c.fill(0);
      for (let q = 0; q < nTrain; q++) {
        const h = stepFilter(eig.values[q], opts.lr, t, 'discrete', cut) * proj[q];
        if (h === 0) continue;
        for (let i = 0; i < nTrain; i++) c[i] += eig.vectors[i * nTrain + q] * h;
      }
      for (let a = 0; a < Q; a++) {
        let s = f0[a];
        for (let i = 0; i < nTrain; i++) s += K[a * Q + i] * c[i];
        ft[a] = s;
      }
      record(idx, ft, k);
    }
  }
  return unstable;
}

/**
 * Networks per tensor batch. A training step is a forward and a reverse pass of dozens of small
 * ops; on WASM each op costs tens of µs whatever its size, so small networks train fastest in
 * batches (measured: 0.3–0.9 ms per network-step at 32–64 per batch against 5–9 ms one at a
 * time). But WASM runs a matrix product on XNNPACK only unbatched, and its batched loop is ~10×
 * slower, so once one weight matrix reaches 128 × 128 entries a network per pass is faster
 * (an MLP with two 512-wide layers: 13 ms per network-step alone, 56 ms in batches of 16).
 */
export function defaultTrainingChunk(stack: Stack, backend: string): number {
  const largest = Math.max(...stack.params.map((d) => d.shape.reduce((a, b) => a * b, 1)));
  if (backend === 'wasm' || backend === 'cpu') return largest >= 128 * 128 ? 1 : 32;
  return 64;
}

function checkSteps(steps: readonly Step[]): void {
  if (steps.length === 0) throw new TrainingInputError('steps: at least one step is needed');
  steps.forEach((t, i) => {
    if (!(t === Infinity || (Number.isInteger(t) && t >= 0))) throw new TrainingInputError(`steps[${i}]: ${t} is not a whole number ≥ 0 or inf`);
    if (i > 0 && !(t > steps[i - 1])) throw new TrainingInputError(`steps[${i}]: steps must increase (${steps[i - 1]} then ${t})`);
  });
}

/** Trains `networks` networks of `spec` on `task` and accumulates f_t at every requested step. */
export async function trainEnsemble(spec: NetworkSpec, task: TrainingTask, opts: TrainOptions): Promise<TrainResult> {
  checkSeed(opts.seed);
  checkSteps(opts.steps);
  if (!Number.isInteger(opts.networks) || opts.networks < (opts.keepBlocks ? 1 : 2))
    throw new Error(`networks must be a whole number ≥ 2 (standard errors need two), got ${opts.networks}`);
  if (!(opts.lr > 0)) throw new TrainingInputError(`lr: the learning rate must be positive, got ${opts.lr}`);
  if (task.targets.length !== task.train.M) throw new TrainingInputError(`targets: ${task.targets.length} targets for ${task.train.M} training inputs`);
  await initBackend(opts.backend ?? 'auto');
  const joint = jointBatch(task);
  const Q = joint.M;
  const nTrain = task.train.M;
  const stack = trainingStack(spec, task);
  const parts = opts.mode === 'readout' ? readoutParts(spec, task) : null;
  const probe = opts.probe ?? Array.from({ length: Q }, (_, i) => i);
  for (const z of probe) if (!(Number.isInteger(z) && z >= 0 && z < Q)) throw new Error(`probe point ${z} is not one of the ${Q} points`);
  let infinityStep: number | null = null;
  if (opts.mode === 'all' && opts.steps.includes(Infinity)) {
    if (opts.infinityStep === undefined) throw new Error('trainEnsemble: steps include ∞ but no infinityStep (convergenceSteps) was given');
    const finiteMax = Math.max(0, ...opts.steps.filter((t) => t !== Infinity));
    infinityStep = Math.max(opts.infinityStep, finiteMax + 1);
  }
  // The gradient-step count at which each requested step is recorded.
  const schedule = opts.steps.map((t) => (t === Infinity ? (infinityStep ?? 0) : t));
  const chunk = opts.chunk ?? defaultTrainingChunk(stack, activeBackend());
  const first = opts.firstNetwork ?? 0;
  const hasTest = task.testTargets !== null;
  const fresh = () => opts.steps.map((t) => Recorder.accumulators(t, Q, probe.length, hasTest));
  const totals = fresh();
  const recorder = new Recorder(task, probe);
  const blocks: TrainingBlock[] = [];
  const start = performance.now();
  const memoryStart = { numTensors: tf.memory().numTensors, rssMB: process.memoryUsage().rss / 2 ** 20 };
  let current: StepAccumulators[] = fresh();
  let unstable = 0;
  let done = 0;
  const Yt = tf.tensor2d(Float32Array.from(task.targets), [1, nTrain]);
  const cache = new Map<number, { all: InputTensors; train: InputTensors }>();
  const inputsFor = (n: number) => {
    let e = cache.get(n);
    if (!e) {
      e = { all: inputTensors(joint, n), train: inputTensors({ ...joint, M: nTrain, x: joint.x.subarray(0, nTrain * joint.T * joint.d), mask: joint.mask.subarray(0, nTrain * joint.T), masked: joint.mask.subarray(0, nTrain * joint.T).some((v) => v === 0) }, n) };
      cache.set(n, e);
    }
    return e;
  };
  try {
    while (done < opts.networks) {
      const global = first + done;
      if (global % BLOCK === 0 || done === 0) current = fresh();
      const n = Math.min(chunk, opts.networks - done, BLOCK - (global % BLOCK));
      const params = drawParams(stack.params, opts.seed, global, n);
      try {
        const { all, train } = inputsFor(n);
        if (parts) {
          unstable += await trainChunkReadout(parts, params, all, n, Q, nTrain, task.targets, opts, (k, f, net) => recorder.add(current[k], f, global + net));
        } else {
          await trainChunkAll(stack, params, all, train, Yt, n, schedule, opts, (k, f) => {
            for (let net = 0; net < n; net++) recorder.add(current[k], f.subarray(net * Q, (net + 1) * Q), global + net);
          });
        }
      } finally {
        disposeParams(params);
      }
      done += n;
      await new Promise((resolve) => setImmediate(resolve));
      opts.onProgress?.(done, opts.networks);
      if ((first + done) % BLOCK === 0 || done === opts.networks) {
        current.forEach((a, k) => {
          totals[k].outputs.merge(a.outputs);
          totals[k].errors.merge(a.errors);
          totals[k].moments.merge(a.moments);
        });
        if (opts.keepBlocks) blocks.push({ index: Math.floor((first + done - 1) / BLOCK), steps: current });
        if (opts.signal?.aborted) break;
      }
    }
  } finally {
    cache.forEach((e) => (disposeInputs(e.all), disposeInputs(e.train)));
    Yt.dispose();
  }
  return {
    Q,
    n: nTrain,
    probe,
    steps: opts.steps,
    infinityStep,
    accumulators: totals,
    networks: totals[0].outputs.count,
    backend: activeBackend(),
    seconds: (performance.now() - start) / 1000,
    memory: { start: memoryStart, end: { numTensors: tf.memory().numTensors, rssMB: process.memoryUsage().rss / 2 ** 20 } },
    unstable,
    blocks: opts.keepBlocks ? blocks : null,
  };
}

/**
 * Test-only helpers: sample parameters of N networks and measure their empirical NNGP and NTK by
 * autodiff, to check a layer's kernel against finite networks (docs/kernels.md §7). Slow and
 * simple on purpose; the project's sampler is the real tool.
 */
import * as tf from '@tensorflow/tfjs';
import { normalStream, seed32, uniformStream } from '../../random/normals.ts';
import type { FiniteContext, Layer, ParamDecl, ParamMap } from '../types.ts';

/** A distinct non-zero tfjs seed per (run seed, tensor name): tfjs treats 0 as "no seed". */
export function tensorSeed(seed: number, name: string): number {
  return seed32(`${seed}/${name}`);
}

/** N(0,1) parameters [N, ...shape] for each declaration. */
export function sampleParams(decls: readonly ParamDecl[], N: number, seed: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const d of decls) out[d.name] = tf.randomNormal([N, ...d.shape], 0, 1, 'float32', tensorSeed(seed, d.name));
  return out;
}

export function finiteContext(N: number, M: number, T: number, mask?: Float64Array): FiniteContext {
  const m = mask ?? new Float64Array(M * T).fill(1);
  return { N, M, T, mask: tf.tensor4d(Float32Array.from(m), [1, M, T, 1]), masked: m.some((v) => v === 0) };
}

/**
 * Inputs [M][T][n] (row-major float64) whose Gram <x_a, x_b>/n stays O(1) and structured at any n:
 * `rank` random patterns per position mixed by a fixed Gaussian n-dimensional frame.
 */
export function structuredInputs(M: number, T: number, n: number, seed: string, rank = 4): Float64Array {
  const rng = uniformStream(seed);
  const normal = normalStream(`${seed}/frame`);
  const coef = Array.from({ length: M * T }, () => Array.from({ length: rank }, () => 2 * rng() - 1));
  const frame = Array.from({ length: rank }, () => Array.from({ length: n }, normal));
  const x = new Float64Array(M * T * n);
  for (let i = 0; i < M * T; i++) for (let c = 0; c < n; c++) for (let k = 0; k < rank; k++) x[i * n + c] += coef[i][k] * frame[k][c];
  return x;
}

/** The same inputs for every network: [N, M, T, d] from row-major float64 [M][T][d]. */
export function batchInputs(x: Float64Array, N: number, M: number, T: number, d: number): tf.Tensor4D {
  return tf.tidy(() => tf.tensor4d(Float32Array.from(x), [1, M, T, d]).mul(tf.ones([N, 1, 1, 1])) as tf.Tensor4D);
}

export interface Empirical {
  /** Mean over networks of the per-network estimate, P × P. */
  readonly mean: Float64Array;
  /** Standard error of that mean (networks are independent; channels within one are not). */
  readonly se: Float64Array;
  /** The per-network estimates (for statistics of derived quantities). */
  readonly perNet: readonly Float64Array[];
}

function meanAndSe(perNet: Float64Array[], PP: number): Empirical {
  const N = perNet.length;
  const mean = new Float64Array(PP);
  const se = new Float64Array(PP);
  for (const v of perNet) for (let i = 0; i < PP; i++) mean[i] += v[i] / N;
  for (const v of perNet) for (let i = 0; i < PP; i++) se[i] += (v[i] - mean[i]) ** 2;
  for (let i = 0; i < PP; i++) se[i] = Math.sqrt(se[i] / (N - 1) / N);
  return { mean, se, perNet };
}

/** Empirical NNGP: per network the mean over output channels of f_c(x_a) f_c(y_b). */
export function empiricalNngp(y: tf.Tensor4D): Empirical {
  const [N, M, T, C] = y.shape;
  const P = M * T;
  const gram = tf.tidy(() => {
    const f = y.reshape([N, P, C]);
    return tf.matMul(f, f, false, true).div(C);
  });
  const data = gram.dataSync();
  gram.dispose();
  const perNet: Float64Array[] = [];
  for (let k = 0; k < N; k++) perNet.push(Float64Array.from(data.subarray(k * P * P, (k + 1) * P * P)));
  return meanAndSe(perNet, P * P);
}

/**
 * Empirical NTK Σ_p ∂f_c(x_a)/∂θ_p ∂f_c(y_b)/∂θ_p over the trainable parameters, per network averaged
 * over the first `channels` output channels. One backward pass per valid (position, channel): the
 * networks' parameters are disjoint, so the gradient of Σ_networks f is every network's own gradient.
 */
export function empiricalNtk(
  forward: (x: tf.Tensor4D, p: ParamMap) => tf.Tensor4D,
  x: tf.Tensor4D,
  params: Record<string, tf.Tensor>,
  trainable: readonly string[],
  channels: number,
  mask?: Float64Array,
): Empirical {
  const [N, M, T] = x.shape;
  const P = M * T;
  const perNet = Array.from({ length: N }, () => new Float64Array(P * P));
  const fixed = Object.fromEntries(Object.entries(params).filter(([k]) => !trainable.includes(k)));
  for (let c = 0; c < channels; c++) {
    const grads: (tf.Tensor2D | null)[] = [];
    for (let i = 0; i < P; i++) {
      // A padded position's output is zero, so is its gradient: skip the backward pass.
      if (mask && mask[i] === 0) {
        grads.push(null);
        continue;
      }
      grads.push(
        tf.tidy(() => {
          const f = (...ts: tf.Tensor[]) => {
            const p: Record<string, tf.Tensor> = { ...fixed };
            trainable.forEach((k, j) => (p[k] = ts[j]));
            const y = forward(x, p);
            const C = y.shape[3];
            const pick = tf.oneHot(tf.tensor1d([i * C + c], 'int32'), P * C).reshape([1, M, T, C]);
            return y.mul(pick).sum();
          };
          const gs = tf.grads(f)(trainable.map((k) => params[k]));
          return tf.concat(gs.map((g) => g.reshape([N, -1])), 1) as tf.Tensor2D;
        }),
      );
    }
    for (let i = 0; i < P; i++) {
      for (let j = i; j < P; j++) {
        const [gi, gj] = [grads[i], grads[j]];
        if (gi === null || gj === null) continue;
        const dots = tf.tidy(() => gi.mul(gj).sum(1)).dataSync();
        for (let k = 0; k < N; k++) perNet[k][i * P + j] = perNet[k][j * P + i] += dots[k] / channels;
      }
    }
    grads.forEach((g) => g?.dispose());
  }
  return meanAndSe(perNet, P * P);
}

/** Runs a layer's forward on shared inputs for N sampled networks. */
export function forwardOf(layer: Layer, ctx: FiniteContext): (x: tf.Tensor4D, p: ParamMap) => tf.Tensor4D {
  return (x, p) => layer.forward(x, p, ctx).y;
}

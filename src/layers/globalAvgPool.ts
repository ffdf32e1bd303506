/**
 * Mean over the valid positions of each input: the kernel becomes the mean of each M×M block
 * over valid (position, position) pairs, and the state continues with T = 1.
 */
import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';
import type { GlobalAvgPoolSpec } from '../spec/types.ts';
import type { KernelState } from '../kernels/state.ts';
import type { FiniteContext, ForwardBack, LayerFactory } from './types.ts';
import type { LayerType } from './table.ts';

export function poolKernel(s: KernelState): KernelState {
  const { M, T } = s;
  const P = M * T;
  const count = new Float64Array(M);
  for (let a = 0; a < P; a++) count[Math.floor(a / T)] += s.mask[a];
  const pool = (K: Float64Array) => {
    const out = new Float64Array(M * M);
    for (let a = 0; a < P; a++) {
      if (s.mask[a] === 0) continue;
      const x = Math.floor(a / T);
      for (let b = 0; b < P; b++) if (s.mask[b] !== 0) out[x * M + Math.floor(b / T)] += K[a * P + b];
    }
    for (let x = 0; x < M; x++) for (let y = 0; y < M; y++) out[x * M + y] /= count[x] * count[y];
    return out;
  };
  const poolRows = (v: Float64Array, n: number) => {
    const out = new Float64Array(M * n);
    for (let a = 0; a < P; a++) {
      if (s.mask[a] === 0) continue;
      const x = Math.floor(a / T);
      for (let c = 0; c < n; c++) out[x * n + c] += v[a * n + c] / count[x];
    }
    return out;
  };
  return {
    ...s,
    T: 1,
    mask: new Float64Array(M).fill(1),
    nngp: pool(s.nngp),
    ntk: pool(s.ntk),
    features: s.features ? poolRows(s.features, s.width) : null,
    mean: s.mean ? poolRows(s.mean, 1) : null,
  };
}

export const globalAvgPool: LayerFactory<GlobalAvgPoolSpec> = (_spec, site) => ({
  type: 'globalAvgPool',
  path: site.path,
  inWidth: site.inWidth,
  outWidth: site.inWidth,
  sampled: false,
  params: [],
  kernel: poolKernel,
  forward: (x, _p, ctx) => pool(x, ctx),
  forwardBack: (x, _p, ctx) => pool(x, ctx),
});

/** The mean over valid positions, and its reverse step: dy spread evenly over them. */
function pool(x: tf.Tensor4D, ctx: FiniteContext): ForwardBack {
  const T = x.shape[2];
  const M = ctx.M;
  // Padded positions are zero already (the stack masks), so the sum needs no mask; without padding
  // every input has T positions and the mean is the sum over T divided by T.
  const counts = ctx.masked ? ctx.mask.sum(2, true) : null;
  // A sum and a division: WASM's Mean over a middle axis costs three times as much.
  const y = x.sum(2, true).div(counts ?? T) as tf.Tensor4D;
  // Created inside the caller's tidy scope, so it lives exactly as long as the forward pass.
  const mask = tf.ones([1, ctx.M, 1, 1]) as tf.Tensor4D;
  return {
    y,
    ctx: { ...ctx, T: 1, mask, masked: false },
    back(dy, needInput) {
      if (!needInput) return null;
      // [N, M, 1, n] × [1, M, T, 1] broadcasts to [N, M, T, n]: 1/count at valid positions, 0 at
      // padded ones (a broadcast product; WASM's Tile, which broadcastTo uses, is slow).
      return dy.mul(counts ? ctx.mask.div(counts) : tf.fill([1, M, T, 1], 1 / T)) as tf.Tensor4D;
    },
  };
}

export const globalAvgPoolLayer: LayerType<GlobalAvgPoolSpec> = {
  type: 'globalAvgPool',
  factory: globalAvgPool,
  schema: v.strictObject({ type: v.literal('globalAvgPool') }),
  positions: () => 1,
  linear: true,
};

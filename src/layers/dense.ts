/**
 * Dense(n_out, σw, σb), applied per position: y = σw/√n_in · x W + σb b, W, b ~ N(0, 1).
 * NNGP σw² K + σb², NTK σw² Θ + (σw² K + σb²) (docs/kernels.md §2–§3).
 */
import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';
import type { DenseSpec } from '../spec/types.ts';
import type { KernelState } from '../kernels/state.ts';
import { std, width as wholeWidth } from '../spec/schema.ts';
import type { FiniteContext, ForwardBack, Layer, LayerFactory, ParamMap } from './types.ts';
import type { LayerType } from './table.ts';
import { biasSite, deferred, linearSite } from './sites.ts';

export function denseKernel(s: KernelState, wStd: number, bStd: number, outWidth: number): KernelState {
  const w2 = wStd * wStd;
  const b2 = bStd * bStd;
  const nngp = s.nngp.map((k) => w2 * k + b2);
  const ntk = s.ntk.map((t, i) => w2 * t + nngp[i]);
  return { ...s, nngp, ntk, width: outWidth, dist: 'gaussian', features: null, mean: null };
}

export const dense: LayerFactory<DenseSpec> = (spec, site) => {
  const { width, wStd, bStd } = spec;
  const n = site.inWidth;
  const layer: Layer = {
    type: 'dense',
    path: site.path,
    inWidth: n,
    outWidth: width,
    sampled: false,
    keepsZeroRows: bStd === 0,
    params: [
      { name: 'W', shape: [n, width], trainable: true },
      ...(bStd > 0 ? [{ name: 'b', shape: [width], trainable: true }] : []),
    ],
    kernel: (s) => denseKernel(s, wStd, bStd, width),
    forward: (x, p, ctx) => run(x, p, ctx),
    forwardBack: (x, p, ctx) => run(x, p, ctx),
  };

  /** The forward pass and its reverse step: ∂f/∂x = s · dy Wᵀ, the sites' signals dy (sites.ts). */
  function run(x: tf.Tensor4D, p: ParamMap, ctx: FiniteContext): ForwardBack {
    const [N, M, T] = x.shape;
    const w = linearSite(ctx, 'W', x.reshape([N, M * T, n]), deferred(p, 'W', width), wStd / Math.sqrt(n));
    const b = bStd > 0 ? biasSite(ctx, 'b', w.y, p.b as tf.Tensor2D, bStd) : null;
    const y = (b ? b.y : w.y).reshape([N, M, T, width]) as tf.Tensor4D;
    return {
      y,
      ctx,
      back(dy, needInput) {
        const d = dy.reshape([N, M * T, width]) as tf.Tensor3D;
        b?.back(d, false);
        const dx = w.back(d, needInput);
        return dx ? (dx.reshape([N, M, T, n]) as tf.Tensor4D) : null;
      },
    };
  }
  return layer;
};

export const denseLayer: LayerType<DenseSpec> = {
  type: 'dense',
  factory: dense,
  schema: v.strictObject({
    type: v.literal('dense'),
    width: wholeWidth('width'),
    wStd: v.optional(std('wStd'), 1),
    bStd: v.optional(std('bStd'), 0),
  }),
  outWidth: { of: (s) => s.width, set: (s, width) => ({ ...s, width }) },
  // Zero-mean weights: the output is centred and, in the limit, uncorrelated with the input.
  zeroMean: true,
  linear: true,
  describe: (s) => String(s.width),
};

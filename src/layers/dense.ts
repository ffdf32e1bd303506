/**
 * Dense(n_out, σw, σb), applied per position: y = σw/√n_in · x W + σb b, W, b ~ N(0, 1).
 * NNGP σw² K + σb², NTK σw² Θ + (σw² K + σb²) (docs/kernels.md §2–§3).
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseSpec } from '../spec/types.ts';
import type { KernelState } from '../kernels/state.ts';
import type { LayerFactory } from './types.ts';
import { addBias, deferred, linear } from './sites.ts';

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
  return {
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
    forward(x, p, ctx) {
      const [N, M, T] = x.shape;
      let y = linear(ctx, 'W', x.reshape([N, M * T, n]), deferred(p, 'W', width), wStd / Math.sqrt(n));
      if (bStd > 0) y = addBias(ctx, 'b', y, p.b as tf.Tensor2D, bStd);
      return { y: y.reshape([N, M, T, width]) as tf.Tensor4D, ctx };
    },
  };
};

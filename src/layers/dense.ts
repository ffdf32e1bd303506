/**
 * Dense(n_out, σw, σb), applied per position: y = σw/√n_in · x W + σb b, W, b ~ N(0, 1).
 * NNGP σw² K + σb², NTK σw² Θ + (σw² K + σb²) (KERNELS.md, Parameterisation).
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseSpec } from '../spec/types.ts';
import type { KernelState } from '../kernels/state.ts';
import type { LayerFactory } from './types.ts';

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
    params: [
      { name: 'W', shape: [n, width], trainable: true },
      ...(bStd > 0 ? [{ name: 'b', shape: [width], trainable: true }] : []),
    ],
    kernel: (s) => denseKernel(s, wStd, bStd, width),
    forward(x, p, ctx) {
      const [N, M, T] = x.shape;
      const flat = x.reshape([N, M * T, n]);
      let y = tf.matMul(flat, p.W as tf.Tensor3D).mul(wStd / Math.sqrt(n));
      if (bStd > 0) y = y.add((p.b as tf.Tensor2D).reshape([N, 1, width]).mul(bStd));
      return { y: y.reshape([N, M, T, width]) as tf.Tensor4D, ctx };
    },
  };
};

/**
 * Elementwise activations. On a centred GP the maps are E[φ(u)φ(v)] and Θ ⊙ E[φ'(u)φ'(v)] with
 * (u, v) ~ N(0, K) (docs/kernels.md §3). On raw inputs the map is deterministic: φ acts on the known
 * features. After another non-linearity the input is not Gaussian and the Gaussian formula is
 * wrong, so that case is refused (insert a dense layer in between).
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationName, ActivationSpec } from '../spec/types.ts';
import { featureGram, featureMeans, KernelError, type KernelState } from '../kernels/state.ts';
import { activations } from '../kernels/activations/index.ts';
import type { ActivationMath } from '../kernels/activations/types.ts';
import type { LayerFactory } from './types.ts';

/** The finite forward pass of each built-in activation, in float32 tfjs ops. */
export const finite: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  erf: (x) => tf.erf(x),
  abs: (x) => tf.abs(x),
  identity: (x) => x,
  // Exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2: the kernel integrates this function, not the tanh approximation.
  gelu: (x) => x.mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5),
  tanh: (x) => tf.tanh(x),
};

/**
 * φ′ of each built-in activation, for the reverse pass written out (Layer.forwardBack): given the
 * input x and the output y = φ(x), the factor that multiplies ∂f/∂y elementwise.
 */
export const finiteDerivative: Record<ActivationName, ((x: tf.Tensor, y: tf.Tensor) => tf.Tensor) | null> = {
  // φ′(0) = 0 as in tfjs's own gradient; a.s. irrelevant for Gaussian pre-activations.
  relu: (x) => tf.step(x),
  erf: (x) => tf.exp(tf.neg(tf.square(x))).mul(2 / Math.sqrt(Math.PI)),
  abs: (x) => tf.sign(x),
  identity: null,
  // d/dx x·Φ(x) = Φ(x) + x·φ(x).
  gelu: (x) => tf.erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5).add(x.mul(tf.exp(x.square().mul(-0.5))).mul(1 / Math.sqrt(2 * Math.PI))),
  tanh: (_x, y) => tf.sub(1, tf.square(y)),
};

export function activationKernel(s: KernelState, math: ActivationMath, path: string): KernelState {
  if (math.name === 'identity') return s;
  const P = s.M * s.T;
  if (s.dist === 'deterministic') {
    const features = (s.features as Float64Array).map((v) => math.phi(v));
    return { ...s, features, nngp: featureGram(features, P, s.width), mean: featureMeans(features, P, s.width) };
  }
  if (s.dist !== 'gaussian')
    throw new KernelError(
      path,
      `${math.name} needs a centred Gaussian input (the output of a dense or attention layer), but its input comes from a non-linearity or a residual sum of non-Gaussian terms; insert a dense layer before it`,
    );
  const nngp = new Float64Array(P * P);
  const ntk = new Float64Array(P * P);
  const mean = new Float64Array(P);
  const K = s.nngp;
  for (let a = 0; a < P; a++) {
    if (s.mask[a] === 0) continue;
    mean[a] = math.mean(K[a * P + a]).value;
    for (let b = a; b < P; b++) {
      if (s.mask[b] === 0) continue;
      const r = math.pair(K[a * P + a], K[a * P + b], K[b * P + b]);
      nngp[a * P + b] = nngp[b * P + a] = r.phiPhi;
      ntk[a * P + b] = ntk[b * P + a] = s.ntk[a * P + b] * r.dphiDphi;
    }
  }
  return { ...s, nngp, ntk, mean, dist: 'general', features: null };
}

export const activation: LayerFactory<ActivationSpec> = (spec, site) => {
  const math = activations[spec.type];
  const f = finite[spec.type];
  return {
    type: spec.type,
    path: site.path,
    inWidth: site.inWidth,
    outWidth: site.inWidth,
    sampled: false,
    // Every built-in φ has φ(0) = 0 (layers.test.ts checks each).
    keepsZeroRows: true,
    params: [],
    kernel: (s) => activationKernel(s, math, site.path),
    forward: (x, _p, ctx) => ({ y: f(x) as tf.Tensor4D, ctx }),
    forwardBack(x, _p, ctx) {
      const y = f(x) as tf.Tensor4D;
      const dphi = finiteDerivative[spec.type];
      return { y, ctx, back: (dy, needInput) => (needInput ? (dphi ? (dy.mul(dphi(x, y)) as tf.Tensor4D) : dy) : null) };
    },
  };
};

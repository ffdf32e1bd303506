/**
 * LayerNorm over channels, (x − mean_c x)/√(var_c x + ε), no affine parameters.
 *
 * In the limit mean_c x → m_i = E[x_c] and var_c x → K_ii − m_i² (channels are i.i.d.), so
 *   NNGP (K_ij − m_i m_j)/√((K_ii − m_i² + ε)(K_jj − m_j² + ε)),
 *   NTK  Θ_ij/√((K_ii − m_i² + ε)(K_jj − m_j² + ε)).
 * With m = 0 this is the Gaussian formula; tracking m is the centred version that a non-centred
 * input (after a non-linearity) needs, a case Neural Tangents refuses (docs/kernels.md §3, §8).
 * The NTK keeps only the direct path: the gradients through the channel mean and variance are
 * O(1/width) (docs/kernels.md §3).
 */
import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';
import type { LayerNormSpec } from '../spec/types.ts';
import { featureGram, featureMeans, type KernelState } from '../kernels/state.ts';
import { std } from '../spec/schema.ts';
import type { FiniteContext, ForwardBack, LayerFactory } from './types.ts';
import type { LayerType } from './table.ts';

export function layerNormKernel(s: KernelState, eps: number): KernelState {
  const P = s.M * s.T;
  if (s.dist === 'deterministic') {
    const n = s.width;
    const f = new Float64Array(s.features as Float64Array);
    for (let a = 0; a < P; a++) {
      if (s.mask[a] === 0) continue;
      const row = f.subarray(a * n, (a + 1) * n);
      let m = 0;
      for (const v of row) m += v;
      m /= n;
      let v2 = 0;
      for (const v of row) v2 += (v - m) * (v - m);
      const scale = 1 / Math.sqrt(v2 / n + eps);
      for (let c = 0; c < n; c++) row[c] = (row[c] - m) * scale;
    }
    return { ...s, features: f, nngp: featureGram(f, P, n), mean: featureMeans(f, P, n) };
  }
  const sd = new Float64Array(P);
  for (let a = 0; a < P; a++) {
    const m = s.mean ? s.mean[a] : 0;
    sd[a] = Math.sqrt(Math.max(s.nngp[a * P + a] - m * m, 0) + eps);
  }
  const nngp = new Float64Array(P * P);
  const ntk = new Float64Array(P * P);
  for (let a = 0; a < P; a++) {
    if (s.mask[a] === 0) continue;
    for (let b = 0; b < P; b++) {
      if (s.mask[b] === 0) continue;
      const mm = s.mean ? s.mean[a] * s.mean[b] : 0;
      nngp[a * P + b] = (s.nngp[a * P + b] - mm) / (sd[a] * sd[b]);
      ntk[a * P + b] = s.ntk[a * P + b] / (sd[a] * sd[b]);
    }
  }
  // Centred output: zero mean; still Gaussian if the input was.
  return { ...s, nngp, ntk, mean: null };
}

export const layerNorm: LayerFactory<LayerNormSpec> = (spec, site) => ({
  type: 'layerNorm',
  path: site.path,
  inWidth: site.inWidth,
  // (0 − 0)/√(0 + ε) = 0 for ε > 0.
  keepsZeroRows: spec.eps > 0,
  outWidth: site.inWidth,
  sampled: false,
  params: [],
  kernel: (s) => layerNormKernel(s, spec.eps),
  forward: (x, _p, ctx) => normalise(x, spec.eps, ctx),
  forwardBack: (x, _p, ctx) => normalise(x, spec.eps, ctx),
});

/**
 * y = (x − μ)/σ over channels, σ = √(var + ε) (the ops of tf.moments, so both passes give the same
 * y), and its reverse step ∂f/∂x = (dy − mean_c dy − y · mean_c(dy ⊙ y))/σ.
 */
function normalise(x: tf.Tensor4D, eps: number, ctx: FiniteContext): ForwardBack {
  const centred = x.sub(x.mean(-1, true));
  const sd = centred.square().mean(-1, true).add(eps).sqrt();
  const y = centred.div(sd) as tf.Tensor4D;
  return {
    y,
    ctx,
    back(dy, needInput) {
      if (!needInput) return null;
      return dy.sub(dy.mean(-1, true)).sub(y.mul(dy.mul(y).mean(-1, true))).div(sd) as tf.Tensor4D;
    },
  };
}

/** Built-in activations whose output is not centred (and heavy on one side) for a centred Gaussian input. */
const NON_CENTRED = new Set(['relu', 'abs', 'gelu']);

export const layerNormLayer: LayerType<LayerNormSpec> = {
  type: 'layerNorm',
  factory: layerNorm,
  schema: v.strictObject({ type: v.literal('layerNorm'), eps: v.optional(std('eps'), 1e-6) }),
  // 1/σ̂ of a w-channel variance estimate has a 1/w² term set by the input's kurtosis: after relu
  // 2.6× the natural size (bias-shape, relu-layernorm-masked NTK, widths 16–256), rounded up to
  // cover the calibration runs' own estimate (their K∞ offsets regress on the natural size with
  // slope 3.4 ± 0.2, docs/calibration.md). After a centred input (a residual sum, an odd
  // activation) the kurtosis is near a Gaussian's: no declaration (the encoder holds its level).
  curvature: (_s, ctx) => (ctx.previous && NON_CENTRED.has(ctx.previous.type) ? 4 : 1),
};

/**
 * Elementwise activations. On a centred GP the maps are E[φ(u)φ(v)] and Θ ⊙ E[φ'(u)φ'(v)] with
 * (u, v) ~ N(0, K) (docs/kernels.md §3). On raw inputs the map is deterministic: φ acts on the known
 * features. After another non-linearity the input is not Gaussian and the Gaussian formula is
 * wrong, so that case is refused (insert a dense layer in between).
 *
 * An elementwise layer is one call, `elementwise(name, op, math)`: the float32 tfjs op of the
 * finite pass, the float64 kernel maths (ActivationMath, src/kernels/activations/; or
 * `quadratureActivation(name, φ, φ′)` for any φ), and optionally φ′ as tfjs ops for the reverse pass
 * written out. The built-ins below are six such calls.
 */
import * as tf from '@tensorflow/tfjs';
import * as v from 'valibot';
import type { ActivationName, ActivationSpec } from '../spec/types.ts';
import { featureGram, featureMeans, KernelError, type KernelState } from '../kernels/state.ts';
import { activations } from '../kernels/activations/index.ts';
import type { ActivationMath } from '../kernels/activations/types.ts';
import type { FiniteContext, ForwardBack, LayerFactory, ParamMap } from './types.ts';
import type { LayerType } from './table.ts';

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


export interface ElementwiseOptions<S extends { readonly type: string }> {
  /**
   * φ′ in tfjs ops for the reverse pass written out (Layer.forwardBack): given the input x and the
   * output y = φ(x), the factor that multiplies ∂f/∂y elementwise; 'one' for φ′ ≡ 1. Without it the
   * sampler differentiates the forward pass (the NTK is the same, computed more slowly).
   */
  readonly derivative?: ((x: tf.Tensor, y: tf.Tensor, spec: S) => tf.Tensor) | 'one';
  /** φ is linear (identity): the layer keeps a mixture of Gaussians one (heads.ts). */
  readonly linear?: boolean;
  /** The spec's schema where φ has parameters (default: `{ type }` and no other key). */
  readonly schema?: v.GenericSchema<unknown, S>;
}

/**
 * The registry entry of the elementwise layer `name`: φ in float32 tfjs ops for the finite pass and
 * its float64 maths (ActivationMath) for the kernel, each optionally read from the spec (a φ with
 * parameters, e.g. Swish's β).
 */
export function elementwise<S extends { readonly type: string }>(
  name: S['type'],
  op: (x: tf.Tensor, spec: S) => tf.Tensor,
  math: ActivationMath | ((spec: S) => ActivationMath),
  o: ElementwiseOptions<S> = {},
): LayerType<S> {
  const dphi = o.derivative;
  const factory: LayerFactory<S> = (spec, site) => {
    const m = typeof math === 'function' ? math(spec) : math;
    const phi = (x: tf.Tensor) => op(x, spec) as tf.Tensor4D;
    return {
      type: spec.type,
      path: site.path,
      inWidth: site.inWidth,
      outWidth: site.inWidth,
      sampled: false,
      // A zero row stays zero where φ(0) = 0, so the stack need not mask again after the layer.
      keepsZeroRows: m.phi(0) === 0,
      params: [],
      kernel: (s) => activationKernel(s, m, site.path),
      forward: (x, _p, ctx) => ({ y: phi(x), ctx }),
      ...(dphi
        ? {
            forwardBack(x: tf.Tensor4D, _p: ParamMap, ctx: FiniteContext): ForwardBack {
              const y = phi(x);
              return { y, ctx, back: (dy, needInput) => (needInput ? (dphi === 'one' ? dy : (dy.mul(dphi(x, y, spec)) as tf.Tensor4D)) : null) };
            },
          }
        : {}),
    };
  };
  const schema = o.schema ?? (v.strictObject({ type: v.literal(name) }) as unknown as v.GenericSchema<unknown, S>);
  return { type: name, factory, schema, linear: o.linear ?? false };
}

/** The built-in activations (docs/kernels.md §3). */
export const builtInActivations: Readonly<Record<ActivationName, LayerType<ActivationSpec>>> = {
  relu: elementwise<ActivationSpec>('relu', (x) => tf.relu(x), activations.relu, { derivative: (x) => tf.step(x) }),
  erf: elementwise<ActivationSpec>('erf', (x) => tf.erf(x), activations.erf, { derivative: (x) => tf.exp(tf.neg(tf.square(x))).mul(2 / Math.sqrt(Math.PI)) }),
  // φ′(0) = 0 as in tfjs's own gradient; a.s. irrelevant for Gaussian pre-activations.
  abs: elementwise<ActivationSpec>('abs', (x) => tf.abs(x), activations.abs, { derivative: (x) => tf.sign(x) }),
  identity: elementwise<ActivationSpec>('identity', (x) => x, activations.identity, { derivative: 'one', linear: true }),
  // Exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2: the kernel integrates this function, not the tanh
  // approximation; d/dx x·Φ(x) = Φ(x) + x·φ(x).
  gelu: elementwise<ActivationSpec>('gelu', (x) => x.mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5), activations.gelu, {
    derivative: (x) => tf.erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5).add(x.mul(tf.exp(x.square().mul(-0.5))).mul(1 / Math.sqrt(2 * Math.PI))),
  }),
  tanh: elementwise<ActivationSpec>('tanh', (x) => tf.tanh(x), activations.tanh, { derivative: (_x, y) => tf.sub(1, tf.square(y)) }),
};

/** The built-in activation named by the spec's type (what the suites wrap with a broken kernel). */
export const activation: LayerFactory<ActivationSpec> = (spec, site) => builtInActivations[spec.type].factory(spec, site);

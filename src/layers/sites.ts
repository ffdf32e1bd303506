/**
 * Parameter sites: every place a layer applies a parameter, written so the NTK can be computed by
 * per-layer contractions instead of one reverse pass per output.
 *
 * A parameter θ enters the network only through sites of three linear kinds:
 *   right:  y = s · x W        (x [N, R, n] activations, W [N, n, m]; dense, Q/K/V/O projections)
 *   bias:   y = s · b          (broadcast over rows)
 *   left:   y = s · mask ⊙ (L Z), shared by the M inputs (positional embeddings, L Lᵀ = R)
 * With δ = ∂f/∂y at the site, ∂f/∂W = s xᵀδ, so for two outputs o, o′ of one network
 *   Σ_θ ∂f_o/∂θ ∂f_o′/∂θ = s² Σ_{rows r, r′} A[r, r′] · <δ^o_r, δ^o′_r′>
 * with A = x xᵀ (right), 1 (bias), R_tt′ · mask · mask (left). The sampler gets every δ from one
 * reverse pass per output position by adding a zero "probe" to each site's output and
 * differentiating with respect to the probes (docs/estimators.md), or, for layers whose reverse pass
 * is written out (`Layer.forwardBack`), from that pass directly (a `SignalTape`).
 */
import * as tf from '@tensorflow/tfjs';
import { scaledParam, type FiniteContext, type ParamMap } from './types.ts';
import { matMul, matMulConstB, signalBack } from '../tensors/matMul.ts';

export type { SiteKind, SiteRecord, SiteTape, SignalTape, SiteResult, SharedReverse, SiteObserver, ConditionalWeights } from './siteTypes.ts';
import type { SiteResult, SharedReverse } from './siteTypes.ts';

/**
 * Σ_i ∂f/∂x through sites that read the same x (attention's W^Q, W^K, W^V): their reverse steps
 * taken together when they share one (weights drawn given their input share one draw of what the
 * forward pass did not see: conditionalSites.ts), else one by one. Null when `needInput` is false.
 */
export function backTogether(parts: readonly (readonly [SiteResult, tf.Tensor3D])[], needInput: boolean): tf.Tensor3D | null {
  const first = parts[0]?.[0].shared;
  if (first && parts.length > 1 && parts.every(([s]) => s.shared?.group === first.group))
    return first.backTogether(
      parts.map(([s, dy]) => [s.shared!, dy] as const),
      needInput,
    );
  let sum: tf.Tensor3D | null = null;
  for (const [s, dy] of parts) {
    const dx = s.back(dy, needInput);
    if (dx) sum = sum ? (sum.add(dx) as tf.Tensor3D) : dx;
  }
  return sum;
}

const noReverse = (): never => {
  throw new Error('a site reverse step ran outside a SignalTape pass (Layer.forwardBack needs ctx.signals)');
};

/** A weight read only when needed: for a site the weight enters the network through and nowhere else. */
export interface DeferredWeight {
  /** m, the weight's output width. */
  readonly outWidth: number;
  readonly get: () => tf.Tensor3D;
  /** s · W, drawn scaled when the parameter map can (types.ts, SCALED). */
  readonly getScaled?: (s: number) => tf.Tensor3D;
}

/** `p[name]` (shape [N, n, m]) deferred; the parameter map draws it when read (estimators/params.ts). */
export function deferred(p: ParamMap, name: string, outWidth: number): DeferredWeight {
  return { outWidth, get: () => p[name] as tf.Tensor3D, getScaled: (s) => scaledParam(p, name, s) as tf.Tensor3D };
}

/**
 * y = s · x W for every network: x [N, R, n], W [N, n, m].
 *
 * Pass W `deferred` when it enters the network through this site only: without a tape the sampler
 * may then draw y from its law given x and never draw W (PreactivationSampler in types.ts). Pass
 * the tensor when W is used anywhere else too, so that the uses stay tied.
 */
export function linear(ctx: FiniteContext, param: string, x: tf.Tensor3D, W: tf.Tensor3D | DeferredWeight, scale: number): tf.Tensor3D {
  return linearSite(ctx, param, x, W, scale).y;
}

/**
 * `linear` with its reverse step: under a SignalTape, back(dy) reports dy as the site's signal and
 * returns ∂f/∂x = s · dy Wᵀ.
 */
export function linearSite(ctx: FiniteContext, param: string, x: tf.Tensor3D, W: tf.Tensor3D | DeferredWeight, scale: number): SiteResult {
  const r = linearSiteOf(ctx, param, x, W, scale);
  // Only a weight used at this site alone is independent of x: E[y yᵀ | x] = s² m x xᵀ holds there.
  if (ctx.observer && !(W instanceof tf.Tensor)) ctx.observer.observe(param, scale, x, r.output ?? r.y);
  return r;
}

function linearSiteOf(ctx: FiniteContext, param: string, x: tf.Tensor3D, W: tf.Tensor3D | DeferredWeight, scale: number): SiteResult & { output?: tf.Tensor3D } {
  const isDeferred = !(W instanceof tf.Tensor);
  if (!ctx.tape && !ctx.signals && ctx.preactivations && isDeferred) {
    const drawn = ctx.preactivations.sample(param, x, (W as DeferredWeight).outWidth, scale);
    if (drawn) return { y: drawn, back: noReverse };
  }
  if (ctx.signals && ctx.conditional && isDeferred) {
    const drawn = ctx.conditional.site(param, x, (W as DeferredWeight).outWidth, scale);
    if (drawn) return drawn;
  }
  // A deferred weight is used here only, so its scale can be folded into its draw: y = x (sW).
  const folded = isDeferred && scale !== 1 && (W as DeferredWeight).getScaled !== undefined;
  const weights = isDeferred ? (folded ? (W as DeferredWeight).getScaled!(scale) : (W as DeferredWeight).get()) : (W as tf.Tensor3D);
  // Under the contraction tape only the signals are differentiated, so W's gradient is skipped.
  const product = ctx.tape ? matMulConstB(x, weights) : matMul(x, weights);
  const y = (scale === 1 || folded ? product : product.mul(scale)) as tf.Tensor3D;
  if (ctx.tape) return { y: ctx.tape.observe({ param, kind: 'right', scale, trainable: true, input: x, shape: y.shape }, y), back: noReverse, output: y };
  const signals = ctx.signals;
  if (!signals) return { y, back: noReverse };
  const id = signals.site({ param, kind: 'right', scale, trainable: true, input: x, output: y, shape: y.shape });
  return {
    y,
    back(dy, needInput) {
      signals.signal(id, dy);
      if (!needInput) return null;
      const dx = signalBack(dy, weights);
      return (scale === 1 || folded ? dx : dx.mul(scale)) as tf.Tensor3D;
    },
  };
}

/** y + s · b for every network: y [N, R, m], b [N, m]. */
export function addBias(ctx: FiniteContext, param: string, y: tf.Tensor3D, b: tf.Tensor2D, scale: number): tf.Tensor3D {
  return biasSite(ctx, param, y, b, scale).y;
}

/** `addBias` with its reverse step (reports dy; the sum passes dy on to y unchanged, so it returns null). */
export function biasSite(ctx: FiniteContext, param: string, y: tf.Tensor3D, b: tf.Tensor2D, scale: number): SiteResult {
  const out = y.add(b.reshape([b.shape[0], 1, b.shape[1]]).mul(scale)) as tf.Tensor3D;
  // The probe sits on the sum; δ there equals δ of the bias term.
  if (ctx.tape) return { y: ctx.tape.observe({ param, kind: 'bias', scale, trainable: true, shape: out.shape }, out), back: noReverse };
  const signals = ctx.signals;
  if (!signals) return { y: out, back: noReverse };
  const id = signals.site({ param, kind: 'bias', scale, trainable: true, shape: out.shape });
  return {
    y: out,
    back(dy) {
      signals.signal(id, dy);
      return null;
    },
  };
}

/**
 * A position-mixing parameter shared by all inputs: y = s · mask ⊙ (L Z) per input, as [N, M·T, m].
 * `rowGram` is R_tt′ · mask_r · mask_r′ over the M·T rows.
 */
export function leftShared(
  ctx: FiniteContext,
  param: string,
  y: tf.Tensor3D,
  rowGram: () => tf.Tensor2D,
  scale: number,
  trainable: boolean,
): tf.Tensor3D {
  return leftSharedSite(ctx, param, y, rowGram, scale, trainable).y;
}

/** `leftShared` with its reverse step (reports dy for a trainable parameter; returns null). */
export function leftSharedSite(
  ctx: FiniteContext,
  param: string,
  y: tf.Tensor3D,
  rowGram: () => tf.Tensor2D,
  scale: number,
  trainable: boolean,
): SiteResult {
  if (!trainable || (!ctx.tape && !ctx.signals)) return { y, back: () => null };
  if (ctx.tape) return { y: ctx.tape.observe({ param, kind: 'left', scale, trainable, rowGram: rowGram(), shape: y.shape }, y), back: noReverse };
  const signals = ctx.signals!;
  const id = signals.site({ param, kind: 'left', scale, trainable, rowGram: rowGram(), shape: y.shape });
  return {
    y,
    back(dy) {
      signals.signal(id, dy);
      return null;
    },
  };
}

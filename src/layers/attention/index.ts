/**
 * The attention layer: the finite forward pass (finite.ts) and its infinite-width kernel (kernel.ts)
 * built from one AttentionSpec (docs/kernels.md §5; docs/attention-ntk.md).
 */
import type { AttentionSpec } from '../../spec/types.ts';
import { KernelError } from '../../kernels/state.ts';
import type { LayerFactory } from '../types.ts';
import { attentionForward, attentionParams, type AttentionGeometry } from './finite.ts';
import { attentionKernel, isSampled } from './kernel.ts';
import { decayFactor, embeddingWidths } from './posEmb.ts';

export { attentionKernel, attentionKernelPass, sqrtAttentionTerms, SqrtAttentionSampler, isSampled, type AttentionKernelEstimate, type SqrtExpectations, type SamplerOptions } from './kernel.ts';
export { decayMatrix, decayFactor, embeddedKernels, embeddingWidths } from './posEmb.ts';
export { attentionForward, attentionParams, type AttentionGeometry } from './finite.ts';

export const attention: LayerFactory<AttentionSpec> = (spec, site) => {
  const n = site.inWidth;
  const w = embeddingWidths(spec.posEmb, n);
  const g: AttentionGeometry = {
    n,
    T: site.T,
    H: spec.heads,
    dk: spec.keyWidth,
    dv: spec.valueWidth,
    nOut: spec.outWidth,
    qk: w.qk,
    v: w.v,
    nPe: w.nPe,
  };
  let LR: Float64Array | null = null;
  if (spec.posEmb !== null && spec.posEmb.decay !== null) {
    try {
      LR = decayFactor(site.T, spec.posEmb.decay, spec.posEmb.p);
    } catch (e) {
      throw new Error(`${site.path}: ${(e as Error).message}`);
    }
  }
  return {
    type: 'attention',
    path: site.path,
    inWidth: n,
    outWidth: spec.outWidth,
    params: attentionParams(spec, g),
    sampled: isSampled(spec),
    // attentionForward masks its own output.
    keepsZeroRows: true,
    kernel(s, ctx) {
      // The kernel replaces the embedding's Gram PPᵀ/n_pe by its mean σpe²R (and fixes n/(n + n_pe)),
      // the limit as the channels that carry P grow. On the raw inputs they cannot: d is given.
      if (spec.posEmb !== null && site.rawWidth)
        throw new KernelError(
          ctx.path,
          `a ${spec.posEmb.type} positional embedding on the raw inputs has no infinite-width limit: ${
            spec.posEmb.type === 'sum'
              ? `P has the inputs' ${n} channels, which no width grows, so its Gram PPᵀ/${n} stays random where the kernel takes its mean σpe²R`
              : `PPᵀ/n_pe reaches its mean σpe²R only as n_pe grows, and n/(n + n_pe) stays fixed only if n = ${n}, the inputs' own width, grows with it`
          }; put a dense layer before the attention`,
        );
      if (spec.posEmb?.type === 'concat' && s.width !== n)
        throw new KernelError(ctx.path, `the kernel state has width ${s.width}, the layer was built for ${n} input channels (concat embeddings need it)`);
      if (spec.posEmb !== null && s.T !== site.T)
        throw new KernelError(ctx.path, `the kernel state has T = ${s.T}, the embedding was built for T = ${site.T}`);
      return attentionKernel(s, spec, ctx);
    },
    forward: (x, p, ctx) => attentionForward(spec, g, LR, x, p, ctx),
    forwardBack: (x, p, ctx) => attentionForward(spec, g, LR, x, p, ctx),
  };
};

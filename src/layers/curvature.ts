/**
 * How large a spec's 1/width² bias term may be, as a multiple of its natural size. The verdict
 * engine fits K(w) = K∞ + a/w; a term b/w² it does not model leaves b·Σ_f c_f/w_f² in K∞. Its
 * bias-regime rule assumes b of the size of the series in the relative bias ρ = a/(w√(K_ii K_jj)),
 * ρ² (K(w) = K∞/(1 − ρ) and its kin). Some layers have a larger one: measured with
 * scripts/calibration/bias-shape.ts (docs/calibration.md), LayerNorm after relu 2.6× (its
 * normaliser is the root of a w-channel variance estimate whose relative variance (κ − 1)/w grows
 * with the input's kurtosis κ) and sqrt attention from 2 heads 3–4.7× (a 1/heads series whose second
 * term is large at few heads), against about 1× on sqrt attention from 8 heads and none on dense,
 * residual and pooling MLPs. The factor is not always the layer's alone: declared for sqrt attention
 * from 2 heads it made the encoder and issue 16's softmax architecture (2 heads too) far too
 * conservative, so only LayerNorm after a non-centred activation declares one. Each layer type
 * declares its factor (its registry entry's `curvature`); a case takes the largest, and the verdict
 * allows for a term of that size (kernelAgreement's `curvatureFactor`).
 */
import type { LayerSpec, NetworkSpec } from '../spec/types.ts';
import { layerTypeOf, type CurvatureContext } from './table.ts';
// The built-in types join the registry when it loads.
import './registry.ts';

/** The largest 1/width² factor declared by a layer of `spec` (nested blocks included); 1 when none declares more. */
export function curvatureFactor(spec: Pick<NetworkSpec, 'layers'>, ctx: Omit<CurvatureContext, 'previous'>): number {
  let factor = 1;
  const walk = (layers: readonly LayerSpec[], before: LayerSpec | undefined): void => {
    let previous = before;
    for (const l of layers) {
      const entry = layerTypeOf(l.type);
      const f = entry?.curvature?.(l as never, { ...ctx, previous }) ?? 1;
      if (!(Number.isFinite(f) && f >= 1)) throw new Error(`layer ${l.type}: its curvature factor must be a finite number ≥ 1, got ${f}`);
      factor = Math.max(factor, f);
      if (entry?.block) walk(entry.block.of(l as never), previous);
      previous = l;
    }
  };
  walk(spec.layers, undefined);
  return factor;
}

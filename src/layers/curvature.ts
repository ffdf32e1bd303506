/**
 * How large a spec's 1/width² bias term may be, as a multiple of its natural size. The verdict
 * engine fits K(w) = K∞ + a/w; a term b/w² it does not model leaves b·Σ_f c_f/w_f² in K∞. Its
 * bias-regime rule assumes b of the size of the series in the relative bias ρ = a/(w√(K_ii K_jj)),
 * ρ² (K(w) = K∞/(1 − ρ) and its kin). Some layers have a larger one: measured with
 * scripts/calibration/bias-shape.ts (docs/calibration.md), LayerNorm after relu 2.6× (its
 * normaliser is the root of a w-channel variance estimate whose relative variance (κ − 1)/w grows
 * with the input's kurtosis κ) and check-layer's sqrt attention row from 2 heads at width 64 3–4.7×
 * (not the heads' own series: from 4 heads the row kept its offset and its false-positive rate; the
 * row now starts at width 128, where the term leaves a quarter as much), against about
 * 1× on sqrt attention from 8 heads and none on dense,
 * residual and pooling MLPs. The factor is not always the layer's alone: declared for sqrt attention
 * from 2 heads it made the encoder and issue 16's softmax architecture (2 heads too) far too
 * conservative, so only LayerNorm after a non-centred activation declares one; check-layer's sqrt
 * row declares 1.5 as a composition (its table row's `curvatureFactor`, a floor under its layers';
 * 2 was conservative on fresh seeds).
 * Each layer type declares its factor (its registry entry's `curvature`); a case takes the largest,
 * and the verdict allows for a term of that size (kernelAgreement's `curvatureFactor`).
 */
import type { NetworkSpec } from '../spec/types.ts';
import { layerTypeOf, type CurvatureContext } from './table.ts';
import { everyLayerWithPrevious } from './walk.ts';

type Hook = 'curvature' | 'biasSeries';

/** The largest value a hook of `spec`'s layers declares (nested blocks included), and `floor` where none declares more. */
function largestDeclared(spec: Pick<NetworkSpec, 'layers'>, hook: Hook, ctx: Omit<CurvatureContext, 'previous'>, floor: number): number {
  let largest = floor;
  for (const { layer, previous } of everyLayerWithPrevious(spec.layers)) {
    const f = layerTypeOf(layer.type)?.[hook]?.(layer as never, { ...ctx, previous }) ?? floor;
    if (!(Number.isFinite(f) && f >= floor)) throw new Error(`layer ${layer.type}: its ${hook} declaration must be a finite number ≥ ${floor}, got ${f}`);
    largest = Math.max(largest, f);
  }
  return largest;
}

/** The largest 1/width² factor declared by a layer of `spec` (nested blocks included); 1 when none declares more. */
export function curvatureFactor(spec: Pick<NetworkSpec, 'layers'>, ctx: Omit<CurvatureContext, 'previous'>): number {
  return largestDeclared(spec, 'curvature', ctx, 1);
}

/**
 * The largest ratio κ of the bias series' second coefficient to its first (per unit x = 1/width
 * factor) declared by a layer of `spec`; 0 when none declares one. The verdict's stated power
 * allows for the offset such a term leaves in K∞ (kernelAgreement's `biasSeriesRatio`); its test
 * does not change.
 */
export function biasSeriesRatio(spec: Pick<NetworkSpec, 'layers'>, ctx: Omit<CurvatureContext, 'previous'>): number {
  return largestDeclared(spec, 'biasSeries', ctx, 0);
}

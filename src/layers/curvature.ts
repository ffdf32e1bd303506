/**
 * How large a spec's 1/width² bias term may be, as a multiple of its natural size. The verdict
 * engine fits K(w) = K∞ + a/w; a term b/w² it does not model leaves b·Σ_f c_f/w_f² in K∞. Its
 * bias-regime rule assumes b of the size of the series in the relative bias ρ = a/(w√(K_ii K_jj)),
 * ρ² (K(w) = K∞/(1 − ρ) and its kin). Some layers have a larger one: measured with
 * scripts/calibration/bias-shape.ts (docs/calibration.md), LayerNorm after relu 2.6× (its
 * normaliser is the root of a w-channel variance estimate whose relative variance (κ − 1)/w grows
 * with the input's kurtosis κ) and sqrt attention from 2 heads 3–4.7× (a 1/heads series whose second
 * term is large at few heads), against about 1× on sqrt attention from 8 heads and none on dense,
 * residual and pooling MLPs. At fixed heads and from 4 heads scaled the calibration runs show no
 * term beyond the natural size (validate-default's 4-head case, the fixed-heads families held
 * their level without a declaration, and became conservative with one). Each layer type declares
 * its factor (its registry entry's
 * `curvature`); a case takes the largest, and the verdict allows for a term of that size
 * (kernelAgreement's `curvatureFactor`).
 */
import type { NetworkSpec } from '../spec/types.ts';
import { layerTypeOf, type CurvatureContext } from './table.ts';
import { everyLayer } from './walk.ts';

/** The largest 1/width² factor declared by a layer of `spec` (nested blocks included); 1 when none declares more. */
export function curvatureFactor(spec: Pick<NetworkSpec, 'layers'>, ctx: CurvatureContext): number {
  let factor = 1;
  for (const l of everyLayer(spec.layers)) {
    const f = layerTypeOf(l.type)?.curvature?.(l as never, ctx) ?? 1;
    if (!(Number.isFinite(f) && f >= 1)) throw new Error(`layer ${l.type}: its curvature factor must be a finite number ≥ 1, got ${f}`);
    factor = Math.max(factor, f);
  }
  return factor;
}

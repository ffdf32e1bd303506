/**
 * Where a spec's finite-width bias may fall slower than 1/width. The verdict engine models the
 * ensemble mean as K(w) = K∞ + a/w, the expansion of a smooth map of averages over w channels. A
 * map with a kink at the value its input tends to has a bias of order w^(−1/2) instead (a Lipschitz
 * function of an average of w terms is off by at most L·σ/√w), which the 1/width fit leaves in K∞.
 * Each layer type says whether it can be such a map (its registry entry's `slowBias`); a case with
 * one turns on the bias-rate rule of src/verdicts/kernelAgreement.ts.
 */
import type { LayerSpec, NetworkSpec } from '../spec/types.ts';
import { layerTypeOf } from './table.ts';
import { everyLayer } from './walk.ts';

/** The layers of `spec` (nested blocks included) whose bias may fall slower than 1/width, e.g. `attention (linear abs)`. */
export function slowBiasLayers(spec: Pick<NetworkSpec, 'layers'>): LayerSpec[] {
  return everyLayer(spec.layers).filter((l) => layerTypeOf(l.type)?.slowBias?.(l as never) ?? false);
}

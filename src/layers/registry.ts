/** The built-in layers, entered into the layer registry (table.ts) when this module loads. */
import type { LayerFactory } from './types.ts';
import { denseLayer } from './dense.ts';
import { builtInActivations } from './activation.ts';
import { layerNormLayer } from './layerNorm.ts';
import { globalAvgPoolLayer } from './globalAvgPool.ts';
import { residualLayer } from './residual.ts';
import { attentionLayer } from './attention/index.ts';
import { layerTypes, type LayerType } from './table.ts';

export { layerTypes, layerTypeOf, registerLayer, unregisterLayer, overrideLayer, type LayerType } from './table.ts';

/** The built-in layer types' registry entries as shipped. */
export const builtInLayerTypes: Readonly<Record<string, LayerType>> = Object.freeze(
  Object.fromEntries(
    ([denseLayer, ...Object.values(builtInActivations), layerNormLayer, globalAvgPoolLayer, residualLayer, attentionLayer] as LayerType[]).map((e) => [e.type, e]),
  ),
);

/**
 * The built-in factories as shipped. Never replaced: a layer that wraps a built-in calls these
 * (`builtInLayers.dense(spec, site)`), so it reaches the original even while check-layer has put the
 * wrapper in the registry under the built-in's name.
 */
export const builtInLayers: Readonly<Record<string, LayerFactory<never>>> = Object.freeze(
  Object.fromEntries(Object.values(builtInLayerTypes).map((e) => [e.type, e.factory as LayerFactory<never>])),
);

for (const e of Object.values(builtInLayerTypes)) if (!(e.type in layerTypes)) layerTypes[e.type] = e;

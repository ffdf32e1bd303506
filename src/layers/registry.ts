/** The built-in layers, entered into the factory table (factoryTable.ts) when this module loads. */
import type { LayerFactory } from './types.ts';
import { dense } from './dense.ts';
import { activation } from './activation.ts';
import { layerNorm } from './layerNorm.ts';
import { globalAvgPool } from './globalAvgPool.ts';
import { residual } from './residual.ts';
import { attention } from './attention/index.ts';
import { layerFactories } from './factoryTable.ts';

export { layerFactories, registerLayer, overrideLayer } from './factoryTable.ts';

/**
 * The built-in factories as shipped. Never replaced: a layer that wraps a built-in calls these
 * (`builtInLayers.dense(spec, site)`), so it reaches the original even while check-layer has put the
 * wrapper in the registry under the built-in's name.
 */
export const builtInLayers: Readonly<Record<string, LayerFactory<never>>> = Object.freeze({
  dense: dense as LayerFactory<never>,
  relu: activation as LayerFactory<never>,
  erf: activation as LayerFactory<never>,
  abs: activation as LayerFactory<never>,
  identity: activation as LayerFactory<never>,
  gelu: activation as LayerFactory<never>,
  tanh: activation as LayerFactory<never>,
  layerNorm: layerNorm as LayerFactory<never>,
  globalAvgPool: globalAvgPool as LayerFactory<never>,
  residual: residual as LayerFactory<never>,
  attention: attention as LayerFactory<never>,
});

Object.assign(layerFactories, builtInLayers);

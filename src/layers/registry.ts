/** Spec type → layer factory. Users' layers join through `registerLayer` (check-layer). */
import type { LayerFactory } from './types.ts';
import { dense } from './dense.ts';
import { activation } from './activation.ts';
import { layerNorm } from './layerNorm.ts';
import { globalAvgPool } from './globalAvgPool.ts';
import { residual } from './residual.ts';
import { attention } from './attention/index.ts';

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

/** The factories specs are built with: the built-ins, plus users' layers. */
export const layerFactories: Record<string, LayerFactory<never>> = { ...builtInLayers };

export function registerLayer(type: string, factory: LayerFactory<never>): void {
  if (type in layerFactories) throw new Error(`registerLayer: a layer type ${JSON.stringify(type)} already exists`);
  layerFactories[type] = factory;
}

/**
 * Replaces a layer type's factory until the returned function is called: how the suites swap in
 * the deliberately broken layers of fixtures/ to show that a verdict can fail.
 */
export function overrideLayer(type: string, factory: LayerFactory<never>): () => void {
  const previous = layerFactories[type];
  layerFactories[type] = factory;
  return () => {
    if (previous) layerFactories[type] = previous;
    else delete layerFactories[type];
  };
}

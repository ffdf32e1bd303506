/**
 * Spec type → layer factory: the table every stack builds from. It holds no layer itself, so that
 * composite layers (residual) can build their blocks through sequential.ts without importing the
 * built-ins back (registry.ts → residual.ts → sequential.ts → registry.ts was an import circle
 * that threw a ReferenceError when residual.ts was imported first). registry.ts fills it with the
 * built-ins; users' layers join through `registerLayer` (check-layer).
 */
import type { LayerFactory } from './types.ts';

export const layerFactories: Record<string, LayerFactory<never>> = {};

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

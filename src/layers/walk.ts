/**
 * Walking a spec's layers through nested blocks (residual's), by the registry entry's `block` field
 * (table.ts), so a composite type registered at run time is walked like the built-in one.
 */
import type { LayerSpec } from '../spec/types.ts';
import { layerTypeOf } from './table.ts';
// The built-in types join the registry when it loads.
import './registry.ts';

/** Every layer, a composite before the layers nested in it. */
export function everyLayer(layers: readonly LayerSpec[]): LayerSpec[] {
  return layers.flatMap((l) => {
    const block = layerTypeOf(l.type)?.block;
    return block ? [l, ...everyLayer(block.of(l as never))] : [l];
  });
}

/**
 * Every layer with the layer whose output it reads (`previous`; for the first layer of a block, the
 * block's input's, i.e. the composite's own previous; none at the network's input), in the order of
 * everyLayer.
 */
export function everyLayerWithPrevious(layers: readonly LayerSpec[], before?: LayerSpec): { layer: LayerSpec; previous?: LayerSpec }[] {
  let previous = before;
  return layers.flatMap((l) => {
    const block = layerTypeOf(l.type)?.block;
    const here = { layer: l, previous };
    const nested = block ? everyLayerWithPrevious(block.of(l as never), previous) : [];
    previous = l;
    return [here, ...nested];
  });
}

/** `f` applied to every non-composite layer; composites are rebuilt around their mapped blocks. */
export function mapLayers(layers: readonly LayerSpec[], f: (l: LayerSpec) => LayerSpec): LayerSpec[] {
  return layers.map((l) => {
    const block = layerTypeOf(l.type)?.block;
    return block ? (block.set(l as never, mapLayers(block.of(l as never), f)) as LayerSpec) : f(l);
  });
}

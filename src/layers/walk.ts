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

/** `f` applied to every non-composite layer; composites are rebuilt around their mapped blocks. */
export function mapLayers(layers: readonly LayerSpec[], f: (l: LayerSpec) => LayerSpec): LayerSpec[] {
  return layers.map((l) => {
    const block = layerTypeOf(l.type)?.block;
    return block ? (block.set(l as never, mapLayers(block.of(l as never), f)) as LayerSpec) : f(l);
  });
}

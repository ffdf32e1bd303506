/**
 * The network schema, read from the layer registry (table.ts): each layer is validated by its own
 * type's schema, defaults filled in, so a type registered at run time parses like a built-in, and
 * every problem is reported with its path (`layers[3].width`).
 */
import * as v from 'valibot';
import { parseWith, SpecError } from '../spec/schema.ts';
import type { NetworkSpec } from '../spec/types.ts';
import { layerSchema } from './table.ts';
// The built-in types join the registry when it loads.
import './registry.ts';

export { layerSchema } from './table.ts';

const networkSchema = v.strictObject({
  layers: v.pipe(v.array(layerSchema, 'layers must be an array'), v.minLength(1, 'layers must not be empty')),
});

/** Validates a network spec and fills in defaults. Throws SpecError naming every bad path. */
export function parseNetworkSpec(value: unknown): NetworkSpec {
  return parseWith(networkSchema, value, 'network spec') as NetworkSpec;
}

/**
 * The spec `computeKernel` and `estimate` run on, whether they were handed `parseNetworkSpec`'s
 * result or the raw JSON: parsing a parsed spec returns an equal spec.
 */
export function networkSpecFrom(value: unknown): NetworkSpec {
  const layers = (value as { layers?: unknown } | null)?.layers;
  if (typeof value !== 'object' || value === null || !Array.isArray(layers) || layers.length === 0)
    throw new SpecError('invalid network spec: expected { layers: [...] } with at least one layer (parseNetworkSpec(json), or the builder: network(dense(8), relu(), …))');
  return parseNetworkSpec(value);
}

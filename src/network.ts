/** Builds a network (both halves) from a validated spec for inputs of d channels and T positions. */
import type { InputBatch, NetworkSpec } from './spec/types.ts';
import { buildStack, type Stack } from './layers/sequential.ts';
// Enters the built-in layers into the factory table that buildStack reads.
import './layers/registry.ts';

export function buildNetwork(spec: NetworkSpec, batch: Pick<InputBatch, 'd' | 'T'>): Stack {
  return buildStack(spec.layers, { path: '', inWidth: batch.d, T: batch.T, rawWidth: true }, (i) => `layers[${i}]`);
}

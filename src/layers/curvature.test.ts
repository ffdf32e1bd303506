import { describe, expect, it } from 'vitest';
import { curvatureFactor } from './curvature.ts';
import { attention, dense, layerNorm, network, relu, residual } from './builder.ts';
import { builtInLayers, registerLayer, unregisterLayer } from './registry.ts';

describe('curvatureFactor: the 1/width² term a spec declares, as a multiple of the natural size', () => {
  const att = (scaling: 'linear' | 'sqrt', heads: number) => attention({ heads, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling, mechanism: 'softmax' });
  const grown = { scaleHeads: true };
  const fixed = { scaleHeads: false };
  it('LayerNorm, and sqrt attention from 2 heads grown, declare one, nested blocks included; MLPs, linear attention, fixed heads and from 4 heads do not', () => {
    expect(curvatureFactor(network(dense(8), relu(), layerNorm(), dense(1)), fixed)).toBe(4);
    expect(curvatureFactor(network(att('sqrt', 2), dense(1)), grown)).toBe(5);
    expect(curvatureFactor(network(dense(8), residual(att('sqrt', 2)), relu(), dense(1)), grown)).toBe(5);
    expect(curvatureFactor(network(att('sqrt', 2), dense(1)), fixed)).toBe(1);
    expect(curvatureFactor(network(att('sqrt', 4), dense(1)), grown)).toBe(1);
    expect(curvatureFactor(network(att('linear', 1), dense(1)), grown)).toBe(1);
    expect(curvatureFactor(network(dense(8), relu(), dense(1)), grown)).toBe(1);
  });
  it('refuses a declared factor below 1, naming the layer', () => {
    registerLayer({ type: 'curvy', factory: builtInLayers.relu, curvature: () => 0.5 });
    try {
      expect(() => curvatureFactor(network(dense(8), { type: 'curvy' } as never, dense(1)), fixed)).toThrow(/curvy.*≥ 1, got 0.5/);
    } finally {
      unregisterLayer('curvy');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { biasSeriesRatio, curvatureFactor } from './curvature.ts';
import { abs, attention, dense, layerNorm, network, relu, residual, tanh } from './builder.ts';
import { builtInLayers, registerLayer, unregisterLayer } from './registry.ts';

describe('curvatureFactor: the 1/width² term a spec declares, as a multiple of the natural size', () => {
  const att = (scaling: 'linear' | 'sqrt', heads: number) => attention({ heads, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling, mechanism: 'softmax' });
  const grown = { scaleHeads: true };
  const fixed = { scaleHeads: false };
  it('LayerNorm right after a non-centred activation declares one, in nested blocks too; after a centred input, and every other layer, not', () => {
    expect(curvatureFactor(network(dense(8), relu(), layerNorm(), dense(1)), fixed)).toBe(4);
    expect(curvatureFactor(network(dense(8), abs(), residual(layerNorm(), dense(8)), dense(1)), fixed)).toBe(4);
    expect(curvatureFactor(network(dense(8), tanh(), layerNorm(), dense(1)), fixed)).toBe(1);
    expect(curvatureFactor(network(dense(8), residual(att('sqrt', 2)), layerNorm(), dense(1)), grown)).toBe(1);
    expect(curvatureFactor(network(layerNorm(), dense(1)), fixed)).toBe(1);
    expect(curvatureFactor(network(att('sqrt', 2), relu(), dense(1)), grown)).toBe(1);
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

describe('biasSeriesRatio: the second coefficient of the bias series a spec declares, against the first', () => {
  const att = (scaling: 'linear' | 'sqrt', heads: number) => attention({ heads, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling, mechanism: 'softmax' });
  const fixed = { scaleHeads: false };
  it('attention declares one under either scaling, in nested blocks too; MLP layers none', () => {
    const kappa = biasSeriesRatio(network(att('sqrt', 2), dense(1)), fixed);
    expect(kappa).toBeGreaterThan(0);
    expect(biasSeriesRatio(network(att('linear', 2), dense(1)), fixed)).toBe(kappa);
    expect(biasSeriesRatio(network(dense(8), residual(att('sqrt', 2)), layerNorm(), dense(1)), { scaleHeads: true })).toBe(kappa);
    expect(biasSeriesRatio(network(dense(8), relu(), layerNorm(), dense(1)), fixed)).toBe(0);
  });
  it('refuses a negative declaration, naming the layer', () => {
    registerLayer({ type: 'seriesy', factory: builtInLayers.relu, biasSeries: () => -1 });
    try {
      expect(() => biasSeriesRatio(network(dense(8), { type: 'seriesy' } as never, dense(1)), fixed)).toThrow(/seriesy.*biasSeries.*≥ 0, got -1/);
    } finally {
      unregisterLayer('seriesy');
    }
  });
});

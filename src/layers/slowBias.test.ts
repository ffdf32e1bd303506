import { describe, expect, it } from 'vitest';
import { slowBiasLayers } from './slowBias.ts';
import { attention, dense, network, relu, residual } from './builder.ts';

describe('slowBiasLayers: where the bias-rate rule applies', () => {
  const att = (scaling: 'linear' | 'sqrt', mechanism: 'softmax' | 'identity' | 'relu' | 'abs') => attention({ heads: 1, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling, mechanism });
  it('linear-scaling attention with a kink at 0 (relu, abs), nested blocks included; not smooth mechanisms or sqrt scaling', () => {
    for (const m of ['relu', 'abs'] as const) expect(slowBiasLayers(network(att('linear', m), dense(1))).map((l) => l.type), m).toEqual(['attention']);
    for (const m of ['softmax', 'identity'] as const) expect(slowBiasLayers(network(att('linear', m), dense(1))), m).toEqual([]);
    for (const m of ['softmax', 'identity', 'relu', 'abs'] as const) expect(slowBiasLayers(network(att('sqrt', m), dense(1))), m).toEqual([]);
    expect(slowBiasLayers(network(dense(8), residual(att('linear', 'abs')), relu(), dense(1)))).toHaveLength(1);
    expect(slowBiasLayers(network(dense(8), relu(), dense(1)))).toEqual([]);
  });
});

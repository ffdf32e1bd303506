/**
 * The contraction NTK is an optimisation of the plain autodiff NTK: on the same networks they must
 * give the same numbers to float32 precision, for every layer that applies parameters.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from './ensemble.ts';
import { attention, dense, erf, gelu, globalAvgPool, layerNorm, network, relu, residual } from '../spec/builder.ts';
import { parseInputs } from '../spec/schema.ts';
import type { NetworkSpec } from '../spec/types.ts';

const batch = parseInputs({
  inputs: [
    [[0.5, -1, 0.25, 1], [1, 0.5, -0.5, 0], [0.3, 0.3, 1, -1]],
    [[-0.3, 0.8, 1.1, 0.2], [0.2, 0.1, 0.4, 0.9], [1, 2, 3, 0]],
  ],
  mask: [[1, 1, 1], [1, 1, 0]],
});

const att = (o: Partial<Parameters<typeof attention>[0]> = {}) => attention({ heads: 2, keyWidth: 3, valueWidth: 3, outWidth: 6, ...o });

const cases: [string, NetworkSpec][] = [
  ['dense-relu-dense with biases', network(dense(8, { bStd: 0.3 }), relu(), dense(3, { wStd: 1.2, bStd: 0.1 }))],
  ['erf, pooled', network(dense(8, { bStd: 0.3 }), erf(), globalAvgPool(), dense(3, { bStd: 0.1 }))],
  ['residual, layerNorm, gelu', network(dense(6), residual(gelu(), dense(6, { bStd: 0.2 })), layerNorm(), dense(2))],
  ['sqrt softmax attention', network(dense(6), att({ bStd: 0.3 }), relu(), dense(2))],
  ['linear (tied) identity attention, pooled', network(dense(6), att({ scaling: 'linear', mechanism: 'identity' }), globalAvgPool(), dense(2))],
  ['sum positional embedding with decay, values see it', network(dense(6), att({ posEmb: { type: 'sum', decay: { kind: 'exp', scale: 0.5 }, values: true } }), dense(2))],
  ['concat positional embedding, fixed', network(dense(6), att({ mechanism: 'relu', posEmb: { type: 'concat', channels: 3, trainable: false } }), dense(2))],
];

describe('contraction NTK equals autodiff NTK on the same networks', () => {
  it.each(cases)('%s', async (_name, spec) => {
    const a = await estimate(spec, batch, { networks: 3, seed: 17, nngp: false, ntkMethod: 'autodiff' });
    const b = await estimate(spec, batch, { networks: 3, seed: 17, nngp: false, ntkMethod: 'contraction' });
    const scale = Math.max(...a.ntk!.map(Math.abs));
    a.ntk!.forEach((v, i) => expect(Math.abs(v - b.ntk![i]) / scale).toBeLessThan(2e-6));
  });
});

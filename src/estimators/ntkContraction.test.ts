/**
 * The contraction NTK is an optimisation of the plain autodiff NTK: on the same networks they must
 * give the same numbers to float32 precision, for every layer that applies parameters. The
 * contraction takes its signals from the reverse pass the built-in layers write out
 * (Layer.forwardBack); a network with a layer that has none falls back to tfjs autodiff against
 * probes, which the `without forwardBack` cases exercise.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from './ensemble.ts';
import { abs, attention, dense, erf, gelu, globalAvgPool, identity, layerNorm, network, relu, residual, tanh } from '../layers/builder.ts';
import { parseInputs } from '../spec/schema.ts';
import type { NetworkSpec } from '../spec/types.ts';
import { overrideLayer } from '../layers/registry.ts';
import { activation } from '../layers/activation.ts';
import type { LayerFactory } from '../layers/types.ts';
import type { ActivationSpec } from '../spec/types.ts';

const inputs = [
  [[0.5, -1, 0.25, 1], [1, 0.5, -0.5, 0], [0.3, 0.3, 1, -1]],
  [[-0.3, 0.8, 1.1, 0.2], [0.2, 0.1, 0.4, 0.9], [1, 2, 3, 0]],
];
const batch = parseInputs({ inputs, mask: [[1, 1, 1], [1, 1, 0]] });
const unmasked = parseInputs({ inputs });

const att = (o: Partial<Parameters<typeof attention>[0]> = {}) => attention({ heads: 2, keyWidth: 3, valueWidth: 3, outWidth: 6, ...o });

const cases: [string, NetworkSpec][] = [
  ['dense-relu-dense with biases', network(dense(8, { bStd: 0.3 }), relu(), dense(3, { wStd: 1.2, bStd: 0.1 }))],
  ['erf, pooled', network(dense(8, { bStd: 0.3 }), erf(), globalAvgPool(), dense(3, { bStd: 0.1 }))],
  ['abs, tanh, identity', network(dense(7), abs(), dense(7), tanh(), dense(5), identity(), dense(2))],
  ['residual, layerNorm, gelu', network(dense(6), residual(gelu(), dense(6, { bStd: 0.2 })), layerNorm(), dense(2))],
  ['sqrt softmax attention', network(dense(6), att({ bStd: 0.3 }), relu(), dense(2))],
  ['sqrt softmax attention, one head, pooled', network(dense(6), att({ heads: 1, keyWidth: 5, valueWidth: 4 }), relu(), globalAvgPool(), dense(1))],
  ['linear (tied) identity attention, pooled', network(dense(6), att({ scaling: 'linear', mechanism: 'identity' }), globalAvgPool(), dense(2))],
  ['sqrt relu and abs attention with biases', network(dense(6), att({ mechanism: 'relu', bStd: 0.2 }), att({ mechanism: 'abs', outWidth: 5 }), dense(2))],
  ['sum positional embedding with decay, values see it', network(dense(6), att({ posEmb: { type: 'sum', decay: { kind: 'exp', scale: 0.5 }, values: true } }), dense(2))],
  ['concat positional embedding, fixed', network(dense(6), att({ mechanism: 'relu', posEmb: { type: 'concat', channels: 3, trainable: false } }), dense(2))],
  ['concat trainable embedding, values see it, linear', network(dense(6), att({ scaling: 'linear', posEmb: { type: 'concat', channels: 2, values: true } }), dense(2))],
  [
    'encoder block: residual attention with embedding, layerNorm, residual MLP, pooled',
    network(dense(6), residual(att({ posEmb: { type: 'sum' } })), layerNorm(), residual(dense(8), relu(), dense(6)), layerNorm(), globalAvgPool(), dense(1)),
  ],
];

async function compare(spec: NetworkSpec, inputs = batch, averageReadout = true): Promise<void> {
  // Every weight drawn: the two methods must see the very same networks.
  const opts = { networks: 3, seed: 17, nngp: false, averageReadout, preactivations: false } as const;
  const a = await estimate(spec, inputs, { ...opts, ntkMethod: 'autodiff' });
  const b = await estimate(spec, inputs, { ...opts, ntkMethod: 'contraction' });
  const scale = Math.max(...a.ntk!.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  a.ntk!.forEach((v, i) => expect(Math.abs(v - b.ntk![i]) / scale).toBeLessThan(2e-6));
}

describe('contraction NTK equals autodiff NTK on the same networks', () => {
  it.each(cases)('%s', (_name, spec) => compare(spec));
  it.each(cases.slice(4, 8))('%s, unmasked inputs', (_name, spec) => compare(spec, unmasked));
  it('plain estimators (averageReadout: false) agree too', () => compare(cases[11][1], batch, false));
});

describe('without forwardBack (a layer tfjs differentiates)', () => {
  it.each([cases[0], cases[4], cases[11]])('%s', async (_name, spec) => {
    // relu without its written-out reverse pass: the whole network takes the probe path.
    const plain: LayerFactory<ActivationSpec> = (s, site) => {
      const { forwardBack: _omit, ...layer } = activation(s, site);
      return layer;
    };
    const undo = overrideLayer('relu', plain as LayerFactory<never>);
    try {
      await compare(spec);
    } finally {
      undo();
    }
  });
});

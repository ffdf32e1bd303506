import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { builtInActivations } from './activation.ts';
import { buildNetwork } from '../network.ts';
import { attention, dense, layerNorm, network, relu, residual } from './builder.ts';
import { parseInputs } from '../spec/schema.ts';
import { drawParams } from '../estimators/params.ts';
import type { FiniteContext } from './types.ts';

describe('keepsZeroRows: layers that say so map a zero row to a zero row', () => {
  it('every built-in activation has φ(0) = 0 in its finite pass, and says so', () => {
    const ctx: FiniteContext = { N: 1, M: 1, T: 1, mask: tf.ones([1, 1, 1, 1]), masked: false };
    for (const [name, e] of Object.entries(builtInActivations)) {
      const layer = e.factory({ type: e.type } as never, { path: 'x', inWidth: 3, T: 1 });
      expect([name, layer.forward(tf.zeros([1, 1, 1, 3]), {}, ctx).y.dataSync()[0], layer.keepsZeroRows]).toEqual([name, 0, true]);
    }
  });

  it('a masked network whose stack skips re-masking still has exact zeros at padded positions', () => {
    const batch = parseInputs({ inputs: [[[1, -0.5], [0.3, 2], [0.7, 0.1]]], mask: [[1, 1, 0]] });
    const spec = network(
      dense(6),
      residual(attention({ scaling: 'sqrt', heads: 2, keyWidth: 3, valueWidth: 3, outWidth: 6 }), relu(), dense(6)),
      layerNorm(),
      relu(),
      dense(4, { bStd: 0.3 }),
    );
    const stack = buildNetwork(spec, batch);
    // All but the biased readout skip the re-masking; the stack still masks after that one.
    expect(stack.layers.map((l) => l.keepsZeroRows)).toEqual([true, true, true, true, false]);
    const p = drawParams(stack.params, 3, 0, 2);
    const mask = tf.tensor4d(Float32Array.from(batch.mask), [1, 1, 3, 1]);
    const x = tf.tensor4d(Float32Array.from(batch.x), [1, 1, 3, 2]).mul(mask).tile([2, 1, 1, 1]) as tf.Tensor4D;
    const ctx: FiniteContext = { N: 2, M: 1, T: 3, mask, masked: true };
    const y = stack.forward(x, p, ctx).y.arraySync() as number[][][][];
    for (const net of y) {
      expect(net[0][2].every((v) => v === 0)).toBe(true);
      expect(net[0][0].some((v) => v !== 0)).toBe(true);
    }
  });
});

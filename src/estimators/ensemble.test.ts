import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { estimate, scalarReadout } from './ensemble.ts';
import { drawParams } from './params.ts';
import { network, dense, relu, globalAvgPool, identity } from '../layers/builder.ts';
import { parseInputs } from '../spec/schema.ts';
import { buildNetwork } from '../network.ts';
import { PairedKernels } from '../validation/pairedTest.ts';

const batch = parseInputs({
  inputs: [
    [[0.5, -1, 0.25], [1, 0.5, -0.5]],
    [[-0.3, 0.8, 1.1], [0.2, 0.1, 0.4]],
  ],
  mask: [[1, 1], [1, 0]],
});

describe('ensemble estimator', () => {
  const spec = network(dense(16, { bStd: 0.3 }), relu(), dense(3, { wStd: 1.2, bStd: 0.1 }));

  it('gives the same numbers for the same seed, and different ones for another seed', async () => {
    const a = await estimate(spec, batch, { networks: 12, seed: 5, backend: 'wasm' });
    const b = await estimate(spec, batch, { networks: 12, seed: 5, backend: 'wasm' });
    const c = await estimate(spec, batch, { networks: 12, seed: 6 });
    expect(Array.from(a.nngp!)).toEqual(Array.from(b.nngp!));
    expect(Array.from(a.ntk!)).toEqual(Array.from(b.ntk!));
    expect(Array.from(a.nngp!)).not.toEqual(Array.from(c.nngp!));
    expect(a.backend).toBe('wasm');
  });

  it('does not depend on how networks are chunked into tensor batches', async () => {
    const a = await estimate(spec, batch, { networks: 10, seed: 9, chunk: 10 });
    const b = await estimate(spec, batch, { networks: 10, seed: 9, chunk: 3 });
    for (const k of ['nngp', 'ntk'] as const)
      a[k]!.forEach((v, i) => expect(b[k]![i]).toBeCloseTo(v, 6));
  });

  it('merging two shards gives the statistics of the whole run', async () => {
    const whole = await estimate(spec, batch, { networks: 10, seed: 4 });
    const first = await estimate(spec, batch, { networks: 4, seed: 4 });
    const second = await estimate(spec, batch, { networks: 6, seed: 4, firstNetwork: 4 });
    first.accumulators.ntk!.merge(second.accumulators.ntk!);
    whole.ntk!.forEach((v, i) => expect(first.accumulators.ntk!.mean[i]).toBeCloseTo(v, 10));
    whole.ntkSE!.forEach((v, i) => expect(first.accumulators.ntk!.standardError()[i]).toBeCloseTo(v, 10));
  });

  it('keeps padded positions at zero', async () => {
    const r = await estimate(spec, batch, { networks: 4, seed: 3 });
    const P = 4;
    for (let j = 0; j < P; j++) {
      expect(r.nngp![3 * P + j]).toBe(0);
      expect(r.ntk![j * P + 3]).toBe(0);
    }
  });

  it('keeps tf.memory().numTensors flat over a long run', async () => {
    await estimate(spec, batch, { networks: 8, seed: 1 });
    const before = tf.memory().numTensors;
    await estimate(spec, batch, { networks: 400, seed: 2, chunk: 16 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects seed 0 and fewer than two networks with clear errors', async () => {
    await expect(estimate(spec, batch, { networks: 8, seed: 0 })).rejects.toThrow(/seed must be a whole number in \[1, 2\^32 - 1\]/);
    await expect(estimate(spec, batch, { networks: 1, seed: 1 })).rejects.toThrow(/networks must be a whole number ≥ 2/);
  });
});

describe('per-network NTK (contraction and autodiff) matches a hand computation', () => {
  // Plain: Σ_k W2[k,0]²; with the readout's norm averaged out (the default), its expectation m.
  it.each([
    ['contraction', false],
    ['autodiff', false],
    ['contraction', true],
    ['autodiff', true],
  ] as const)('%s (averageReadout %s), two linear layers: Θ = σ2²/m <h(x),h(y)> + σ2²σ1²/(m n) <x,y> Σ_k W2[k,0]² + σb²', async (ntkMethod, averageReadout) => {
    const n = 3;
    const m = 5;
    const s1 = 1.3;
    const s2 = 0.7;
    const sb = 0.2;
    const spec2 = network(dense(m, { wStd: s1 }), identity(), dense(2, { wStd: s2, bStd: sb }));
    const single = parseInputs({ inputs: [[[0.5, -1, 0.25]], [[1, 0.5, -0.5]], [[-0.3, 0.8, 1.1]]] });
    const seed = 21;
    const r = await estimate(spec2, single, { networks: 2, seed, ntkMethod, averageReadout });
    // The NTK reads channel 0 of a network whose readout has one channel.
    const stack = buildNetwork(scalarReadout(spec2), single);
    const params = drawParams(stack.params, seed, 0, 2);
    const W1 = params['layers[0]|W'].arraySync() as number[][][];
    const W2 = params['layers[2]|W'].arraySync() as number[][][];
    Object.values(params).forEach((t) => t.dispose());
    const xs = [[0.5, -1, 0.25], [1, 0.5, -0.5], [-0.3, 0.8, 1.1]];
    const expected = new Float64Array(9);
    for (let k = 0; k < 2; k++) {
      const h = xs.map((x) => Array.from({ length: m }, (_, j) => (s1 / Math.sqrt(n)) * x.reduce((s, xi, i) => s + xi * W1[k][i][j], 0)));
      const w2sq = averageReadout ? m : W2[k].reduce((s, row) => s + row[0] * row[0], 0);
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          const hh = h[a].reduce((s, v, j) => s + v * h[b][j], 0);
          const xx = xs[a].reduce((s, v, i) => s + v * xs[b][i], 0);
          expected[a * 3 + b] += ((s2 * s2 * hh) / m + (s2 * s2 * s1 * s1 * xx * w2sq) / (m * n) + sb * sb) / 2;
        }
    }
    expected.forEach((v, i) => expect(r.ntk![i]).toBeCloseTo(v, 4));
  });
});

describe('exact readout average (Rao–Blackwell) keeps the NNGP estimator unbiased', () => {
  it('agrees with the plain estimator on the same networks (paired max-|z| test) and has less variance', async () => {
    // 16 readout channels: the plain estimator averages them, so a 5 % bias stands out at 2000 networks (measured max|z| 6.4).
    const spec16 = network(dense(8), relu(), globalAvgPool(), dense(16, { wStd: 1.1, bStd: 0.4 }));
    const P = 2;
    const paired = new PairedKernels(P);
    const biased = new PairedKernels(P);
    const run = (averageReadout: boolean, add: (k: number, v: Float32Array) => void) =>
      estimate(spec16, batch, { networks: 2000, seed: 8, ntk: false, averageReadout, perNetwork: (k, _kind, v) => add(k, v) });
    await run(false, (k, v) => {
      paired.addA(k, v);
      biased.addA(k, v);
    });
    await run(true, (k, v) => {
      paired.addB(k, v);
      // The same estimator 5 % too large: the comparison must see it.
      biased.addB(k, Float64Array.from(v, (x) => 1.05 * x));
    });
    const c = paired.compare();
    expect(c.networks).toBe(2000);
    expect(c.pValue).toBeGreaterThan(1e-3);
    expect(biased.compare().pValue).toBeLessThan(1e-3);
    // The readout channels' sample Gram is part of each network's spread; averaging it out removes it (measured 0.59).
    const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
    expect(sum(c.varianceB) / sum(c.varianceA)).toBeLessThan(0.75);
  });
});

describe('readout-norm average (Rao–Blackwell) keeps the NTK estimator unbiased', () => {
  it('agrees with the plain estimator on the same networks (paired max-|z| test) and has less variance', async () => {
    const spec3 = network(dense(8), relu(), globalAvgPool(), dense(2, { wStd: 1.1, bStd: 0.4 }));
    const P = 2;
    const paired = new PairedKernels(P);
    const biased = new PairedKernels(P);
    const run = (averageReadout: boolean, add: (k: number, v: Float32Array) => void) =>
      estimate(spec3, batch, { networks: 1000, seed: 8, nngp: false, averageReadout, perNetwork: (k, _kind, v) => add(k, v) });
    await run(false, (k, v) => {
      paired.addA(k, v);
      biased.addA(k, v);
    });
    await run(true, (k, v) => {
      paired.addB(k, v);
      // The same estimator 3 % too large: the comparison must see it.
      biased.addB(k, Float64Array.from(v, (x) => 1.03 * x));
    });
    const c = paired.compare();
    expect(c.networks).toBe(1000);
    expect(c.pValue).toBeGreaterThan(1e-3);
    expect(biased.compare().pValue).toBeLessThan(1e-3);
    // The readout has 8 inputs: |w|² ~ χ²₈ carries much of the per-network spread.
    const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
    expect(sum(c.varianceB) / sum(c.varianceA)).toBeLessThan(0.8);
  });
});

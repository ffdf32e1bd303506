/**
 * Finite networks against the kernels (docs/kernels.md §7, item 1):
 * ensembles of N networks with fixed seeds, their empirical NNGP/NTK (mean over networks and output
 * channels) within ~4 standard errors of the kernel. Widths are chosen so the O(1/width) bias stays
 * well below the Monte-Carlo error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { attention } from './index.ts';
import { batchInputs, empiricalNngp, empiricalNtk, finiteContext, forwardOf, sampleParams, structuredInputs, type Empirical } from './testHelpers.ts';
import { attention as attentionSpec, type AttentionOptions } from '../../spec/builder.ts';
import { inputState, type KernelState } from '../../kernels/state.ts';

tf.env().set('IS_TEST', true);
afterAll(() => tf.disposeVariables());

const M = 2;
const T = 3;
const mask = Float64Array.from([1, 1, 1, 1, 1, 0]);

function zScores(emp: Empirical, K: Float64Array): number[] {
  const P = M * T;
  const z: number[] = [];
  for (let i = 0; i < P; i++)
    for (let j = i; j < P; j++) {
      if (!mask[i] || !mask[j]) {
        expect(Math.abs(emp.mean[i * P + j])).toBe(0);
        expect(K[i * P + j]).toBe(0);
        continue;
      }
      z.push((emp.mean[i * P + j] - K[i * P + j]) / emp.se[i * P + j]);
    }
  return z;
}

function ensemble(opts: AttentionOptions, n: number, N: number, seed: number, ntkChannels = 0) {
  const spec = attentionSpec(opts);
  const layer = attention(spec, { path: 'att', inWidth: n, T });
  const x = structuredInputs(M, T, n, 'mc-inputs');
  const s: KernelState = inputState({ M, T, d: n, x, mask });
  const kernel = layer.kernel(s, { path: 'att', seed: 1, firstSample: 0, sampleCount: 40000 });
  const ctx = finiteContext(N, M, T, mask);
  const params = sampleParams(layer.params, N, seed);
  const xb = batchInputs(x.map((v, i) => (mask[Math.floor(i / n)] ? v : 0)), N, M, T, n);
  const y = layer.forward(xb, params, ctx).y;
  const nngp = empiricalNngp(y);
  const trainable = layer.params.filter((p) => p.trainable).map((p) => p.name);
  const ntk = ntkChannels > 0 ? empiricalNtk(forwardOf(layer, ctx), xb, params, trainable, ntkChannels, mask) : null;
  tf.dispose([y, xb, ctx.mask, ...Object.values(params)]);
  return { kernel, nngp, ntk };
}

describe('finite ensembles converge to the kernels', () => {
  it('linear scaling, softmax, one head: NNGP (n = d_k = d_v = 512, 200 networks)', () => {
    const { kernel, nngp } = ensemble(
      { heads: 1, keyWidth: 512, valueWidth: 512, outWidth: 16, scaling: 'linear', mechanism: 'softmax', wQStd: 1.5, wKStd: 1.5, bStd: 0.3 },
      512,
      200,
      101,
    );
    for (const z of zScores(nngp, kernel.nngp)) expect(Math.abs(z)).toBeLessThan(4);
    if (process.env.ATT_DEBUG) console.log(zScores(nngp, kernel.nngp));
  });

  it('sqrt scaling, softmax, 16 heads: NNGP (n = 128, d_k = d_v = 64, 200 networks)', () => {
    const { kernel, nngp } = ensemble(
      { heads: 16, keyWidth: 64, valueWidth: 64, outWidth: 16, scaling: 'sqrt', mechanism: 'softmax', wQStd: 2, wKStd: 1.5, bStd: 0.3 },
      128,
      200,
      202,
    );
    for (const z of zScores(nngp, kernel.nngp)) expect(Math.abs(z)).toBeLessThan(4);
    if (process.env.ATT_DEBUG) console.log(zScores(nngp, kernel.nngp));
  });

  it('sqrt scaling, softmax, trainable embedding seen by values: NTK with its logit path (n = d_k = d_v = 32, 8 heads, 120 networks)', () => {
    const { kernel, nngp, ntk } = ensemble(
      {
        heads: 8,
        keyWidth: 32,
        valueWidth: 32,
        outWidth: 8,
        mechanism: 'softmax',
        wQStd: 2,
        wKStd: 2,
        wVStd: 1.1,
        wOStd: 0.9,
        bStd: 0.3,
        posEmb: { type: 'sum', std: 0.8, decay: { kind: 'exp', scale: 0.5 }, values: true },
      },
      32,
      120,
      303,
      2,
    );
    for (const z of zScores(nngp, kernel.nngp)) expect(Math.abs(z)).toBeLessThan(4);
    for (const z of zScores(ntk!, kernel.ntk)) expect(Math.abs(z)).toBeLessThan(4);
    if (process.env.ATT_DEBUG) console.log(zScores(nngp, kernel.nngp), zScores(ntk!, kernel.ntk));
  });
});

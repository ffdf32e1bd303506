/**
 * Finite networks against the kernels (docs/kernels.md §7, item 1): ensembles of N networks with
 * fixed seeds, their empirical NNGP/NTK (mean over networks and output channels) against the
 * kernel by the verdict engine's joint test (expectAgrees: max |z| over the unique valid entries
 * with their estimated correlation, level α = DEFAULT_ALPHA = 1e-3 per comparison), the sampled
 * sqrt-softmax kernel's own replica SE included. One width per case: widths are chosen so that the
 * O(1/width) bias stays well below the Monte-Carlo error (the bias is not modelled here).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { attention } from './index.ts';
import { batchInputs, empiricalNngp, empiricalNtk, finiteContext, forwardOf, sampleParams, structuredInputs, type Empirical } from './testHelpers.ts';
import { attention as attentionSpec, type AttentionOptions } from '../builder.ts';
import { inputState, type KernelState } from '../../kernels/state.ts';
import { expectAgrees, type ExpectedVector, type MonteCarloVector } from '../../verdicts/testSupport.ts';

tf.env().set('IS_TEST', true);
afterAll(() => tf.disposeVariables());

const M = 2;
const T = 3;
const mask = Float64Array.from([1, 1, 1, 1, 1, 0]);

/** The unique valid entries (i ≤ j); masked rows must be exactly zero on both sides. */
function validEntries(emp: Empirical, K: Float64Array): number[] {
  const P = M * T;
  const idx: number[] = [];
  for (let i = 0; i < P; i++)
    for (let j = i; j < P; j++) {
      if (!mask[i] || !mask[j]) {
        expect(Math.abs(emp.mean[i * P + j])).toBe(0);
        expect(K[i * P + j]).toBe(0);
        continue;
      }
      idx.push(i * P + j);
    }
  return idx;
}

/** The ensemble as a Monte-Carlo vector: networks are independent, so the mean's covariance is theirs / N. */
function estimateOf(emp: Empirical): MonteCarloVector {
  const N = emp.perNet.length;
  const n = emp.mean.length;
  const covariance = new Float64Array(n * n);
  for (const x of emp.perNet)
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) covariance[a * n + b] += ((x[a] - emp.mean[a]) * (x[b] - emp.mean[b])) / ((N - 1) * N);
  return { mean: emp.mean, se: emp.se, samples: N, covariance };
}

function expectEnsembleAgrees(emp: Empirical, K: Float64Array, KSE: Float64Array | null, dof: number | null, label: string) {
  const expected: ExpectedVector = { value: K, se: KSE, dof };
  const r = expectAgrees(estimateOf(emp), expected, { entries: validEntries(emp, K), label });
  if (process.env.ATT_DEBUG) console.log(label, r);
}

function ensemble(opts: AttentionOptions, n: number, N: number, seed: number, ntkChannels = 0) {
  const spec = attentionSpec(opts);
  const layer = attention(spec, { path: 'att', inWidth: n, T });
  const x = structuredInputs(M, T, n, 'mc-inputs');
  const s: KernelState = inputState({ M, T, d: n, x, mask });
  const kernel = layer.kernel(s, { path: 'att', seed: 1, firstSample: 0, sampleCount: 40000 });
  // The same draws in R disjoint replicas: the spread of a sampled kernel over them / √R is the
  // full pass's SE (R − 1 dof), as computeKernel reports it. A closed-form kernel gives SE 0.
  const R = 8;
  const reps = Array.from({ length: R }, (_, r) => layer.kernel(s, { path: 'att', seed: 1, firstSample: r * 5000, sampleCount: 5000 }));
  const replicaSE = (pick: (k: KernelState) => Float64Array) => {
    const se = pick(kernel).map((_, i) => {
      const v = reps.map((k) => pick(k)[i]);
      const mean = v.reduce((a, b) => a + b, 0) / R;
      return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1) / R);
    });
    return se.some((v) => v > 0) ? se : null;
  };
  const kernelSE = { nngp: replicaSE((k) => k.nngp), ntk: replicaSE((k) => k.ntk), dof: R - 1 };
  const ctx = finiteContext(N, M, T, mask);
  const params = sampleParams(layer.params, N, seed);
  const xb = batchInputs(x.map((v, i) => (mask[Math.floor(i / n)] ? v : 0)), N, M, T, n);
  const y = layer.forward(xb, params, ctx).y;
  const nngp = empiricalNngp(y);
  const trainable = layer.params.filter((p) => p.trainable).map((p) => p.name);
  const ntk = ntkChannels > 0 ? empiricalNtk(forwardOf(layer, ctx), xb, params, trainable, ntkChannels, mask) : null;
  tf.dispose([y, xb, ctx.mask, ...Object.values(params)]);
  return { kernel, kernelSE, nngp, ntk };
}

describe('finite ensembles converge to the kernels', () => {
  it('linear scaling, softmax, one head: NNGP (n = d_k = d_v = 512, 200 networks)', () => {
    const { kernel, kernelSE, nngp } = ensemble(
      { heads: 1, keyWidth: 512, valueWidth: 512, outWidth: 16, scaling: 'linear', mechanism: 'softmax', wQStd: 1.5, wKStd: 1.5, bStd: 0.3 },
      512,
      200,
      101,
    );
    expectEnsembleAgrees(nngp, kernel.nngp, kernelSE.nngp, kernelSE.nngp && kernelSE.dof, 'NNGP');
  });

  it('sqrt scaling, softmax, 16 heads: NNGP (n = 128, d_k = d_v = 64, 200 networks)', () => {
    const { kernel, kernelSE, nngp } = ensemble(
      { heads: 16, keyWidth: 64, valueWidth: 64, outWidth: 16, scaling: 'sqrt', mechanism: 'softmax', wQStd: 2, wKStd: 1.5, bStd: 0.3 },
      128,
      200,
      202,
    );
    expectEnsembleAgrees(nngp, kernel.nngp, kernelSE.nngp, kernelSE.nngp && kernelSE.dof, 'NNGP');
  });

  it('sqrt scaling, softmax, trainable embedding seen by values: NTK with its logit path (n = d_k = d_v = 32, 8 heads, 120 networks)', () => {
    const { kernel, kernelSE, nngp, ntk } = ensemble(
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
    expectEnsembleAgrees(nngp, kernel.nngp, kernelSE.nngp, kernelSE.nngp && kernelSE.dof, 'NNGP');
    expectEnsembleAgrees(ntk!, kernel.ntk, kernelSE.ntk, kernelSE.ntk && kernelSE.dof, 'NTK');
  });
});

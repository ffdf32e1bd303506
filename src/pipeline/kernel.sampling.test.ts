/**
 * How computeKernel samples sqrt softmax attention: to the requested precision, within a time budget
 * and a draw cap, saying so where it stops short; and which sqrt kernels are not sampled at all.
 */
import { describe, expect, it } from 'vitest';
import { computeKernel, precisionNote } from './kernel.ts';
import { parseInputs } from '../spec/schema.ts';
import { network, dense, attention } from '../layers/builder.ts';
import { inputState } from '../kernels/state.ts';
import { buildNetwork } from '../network.ts';
import { SqrtAttentionSampler } from '../layers/attention/kernel.ts';
import { normalsDrawn } from '../random/ziggurat.ts';

const batch = parseInputs({
  inputs: [
    [[0.5, -1, 0.25], [1, 0.5, -0.5], [0.1, 0.2, 0.3]],
    [[-0.3, 0.8, 1.1], [0.2, 0.1, 0.4], [1, 1, -1]],
  ],
  mask: [[1, 1, 1], [1, 1, 0]],
});
const softmax = network(dense(8, { bStd: 0.2 }), attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, wQStd: 1.5, wKStd: 1.5 }), dense(1));

describe('sampled kernels', () => {
  it('reach the requested precision and report it (replica SE with replicas − 1 dof)', () => {
    const k = computeKernel(softmax, batch, { precision: 0.02 });
    expect(k).toMatchObject({ reached: true, limitedBy: 'precision', targetPrecision: 0.02, seDof: 15 });
    expect(k.precision).toBeLessThanOrEqual(0.02);
    expect(k.samples).toBeGreaterThan(0);
    expect(precisionNote(k)).toMatch(/^relative SE .* \(target 0\.02\)$/);
  });

  it('state the SE they have: independent kernels (seeds) spread as their replica SEs say, entry by entry', () => {
    // Var over seeds / mean SE² is 1 where the SE is right (its (R − 1)-dof noise averages out over
    // the seeds); a component shared by the replicas of one kernel would push it above. Entries that
    // no draw moves (the masked input's single-position rows) are rounding on both sides and left out.
    const seeds = 40;
    const ks = Array.from({ length: seeds }, (_, s) => computeKernel(softmax, batch, { seed: s + 1, precision: 0.02 }));
    for (const kind of ['nngp', 'ntk'] as const) {
      const ratios: number[] = [];
      const P2 = ks[0][kind].length;
      for (let i = 0; i < P2; i++) {
        const v = ks.map((k) => k[kind][i]);
        const m = v.reduce((a, b) => a + b, 0) / seeds;
        const spread = v.reduce((a, b) => a + (b - m) ** 2, 0) / (seeds - 1);
        const se2 = ks.reduce((a, k) => a + k[`${kind}SE`]![i] ** 2, 0) / seeds;
        if (Math.sqrt(spread) > 1e-9 * Math.abs(m)) ratios.push(spread / se2);
      }
      expect(ratios.length).toBeGreaterThan(4);
      const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      // One entry's ratio has SD √(2/39) ≈ 0.23; the mean over correlated entries about as much.
      expect(mean, `${kind}: ${ratios.map((r) => r.toFixed(2)).join(' ')}`).toBeGreaterThan(0.5);
      expect(mean, `${kind}: ${ratios.map((r) => r.toFixed(2)).join(' ')}`).toBeLessThan(1.6);
    }
  });

  it('stop at the draw cap and say that the precision was not reached', () => {
    const k = computeKernel(softmax, batch, { precision: 1e-4, maxSamples: 16 * 8 });
    expect(k).toMatchObject({ reached: false, limitedBy: 'maxSamples', samples: 128 });
    expect(k.precision).toBeGreaterThan(1e-4);
    expect(precisionNote(k)).toMatch(/precision NOT reached: .* from 128 logit draws, target 0\.0001; the draw cap was reached/);
  });

  it('stop when the time budget is spent, after the pilot round, and say so', () => {
    const k = computeKernel(softmax, batch, { precision: 1e-4, timeBudget: 1e-9, samples: 4 });
    expect(k).toMatchObject({ reached: false, limitedBy: 'time', samples: 64 });
    expect(precisionNote(k)).toMatch(/time budget ran out/);
  });

  it('refuse a precision or budget that is not positive', () => {
    expect(() => computeKernel(softmax, batch, { precision: 0 })).toThrow(/precision must be positive/);
    expect(() => computeKernel(softmax, batch, { timeBudget: -1 })).toThrow(/timeBudget must be positive/);
  });
});

describe('sqrt attention that is not sampled', () => {
  for (const mechanism of ['relu', 'abs', 'identity'] as const) {
    it(`${mechanism}: closed form, no SE, nothing to reach`, () => {
      const k = computeKernel(network(dense(8), attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, mechanism }), dense(1)), batch);
      expect(k).toMatchObject({ nngpSE: null, ntkSE: null, seDof: null, samples: 0, reached: true, limitedBy: null });
      expect(precisionNote(k)).toBe('');
    });
  }
});

describe('the sampler reuses the sums of ranges it has computed', () => {
  it('the union of replica ranges is their average and draws no new normals', () => {
    const s = buildNetwork(network(dense(8, { bStd: 0.2 })), batch).kernel(inputState(batch), { seed: 1, firstSample: 0, sampleCount: 0 });
    const spec = attention({ heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, wQStd: 1.5, wKStd: 1.5 });
    // Independent draws, so that the normals drawn show what was sampled.
    const o = { sampling: 'antithetic' } as const;
    const sampler = new SqrtAttentionSampler(s, spec, s.width, o);
    const reps = [0, 1, 2, 3].map((r) => sampler.pass(5, 'reuse', 1000 + r * 25, 25));
    const before = normalsDrawn();
    const union = new SqrtAttentionSampler(s, spec, s.width, o).pass(5, 'reuse', 1000, 100);
    expect(normalsDrawn()).toBe(before);
    for (let i = 0; i < union.nngp.length; i++) {
      const mean = reps.reduce((a, r) => a + r.ntk[i], 0) / 4;
      expect(union.ntk[i]).toBeCloseTo(mean, 12);
    }
    // A range never seen is sampled.
    new SqrtAttentionSampler(s, spec, s.width, o).pass(5, 'reuse', 5000, 3);
    expect(normalsDrawn()).toBeGreaterThan(before);
  });
});

import { describe, expect, it } from 'vitest';
import { AttentionOutputLaw, mixtureMoments } from './singleHeadLaw.ts';
import { attention } from '../layers/builder.ts';
import { inputState, type KernelState } from '../kernels/state.ts';
import { attentionKernel } from '../layers/attention/kernel.ts';
import { NormalStream } from '../random/ziggurat.ts';
import type { AttentionOptions } from '../layers/builder.ts';

const M = 2;
const T = 3;
const d = 4;

function state(mask: number[]): KernelState {
  const g = new NormalStream('singleHeadLaw.test/inputs');
  const x = Float64Array.from({ length: M * T * d }, () => g.normal());
  return inputState({ M, T, d, x, mask: Float64Array.from(mask) });
}

/** wᵀ K w for a P × P kernel. */
function quad(K: Float64Array, w: Float64Array): number {
  const P = w.length;
  let s = 0;
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) s += w[i] * K[i * P + j] * w[j];
  return s;
}

const layer = (o: Partial<AttentionOptions>) => attention({ heads: 1, keyWidth: 8, valueWidth: 8, outWidth: 1, ...o });
const ctx = { path: 'att', seed: 3, firstSample: 0, sampleCount: 20_000 };

describe('AttentionOutputLaw', () => {
  const s = state([1, 1, 1, 1, 1, 0]);
  const w = Float64Array.from([0.3, -1, 0.5, 0.7, 0.2, 5]); // the padded row's weight is ignored

  it('linear scaling: the law is the Gaussian N(0, wᵀKw) of the closed-form kernel', () => {
    const spec = layer({ scaling: 'linear', mechanism: 'softmax', wQStd: 1.3, bStd: 0.4, posEmb: { type: 'sum', std: 0.5 } });
    const K = attentionKernel(s, spec, ctx).nngp;
    const law = new AttentionOutputLaw(s, spec, { projection: w, seed: 1 });
    const v = law.conditionalVariances(5);
    for (const vi of v) expect(vi).toBeCloseTo(quad(K, w), 12);
    expect(mixtureMoments(v).excessKurtosis).toBe(0);
  });

  it('sqrt identity: E[v] is the closed-form NNGP (D.10), within its standard error', () => {
    const spec = layer({ mechanism: 'identity', wQStd: 1.2, wVStd: 0.9, bStd: 0.3, posEmb: { type: 'concat', std: 0.8, channels: 3, decay: { kind: 'exp', scale: 0.5 }, values: true } });
    const K = attentionKernel(s, spec, ctx).nngp;
    const m = mixtureMoments(new AttentionOutputLaw(s, spec, { projection: w, seed: 2 }).conditionalVariances(40_000));
    expect(Math.abs(m.variance - quad(K, w))).toBeLessThan(4 * m.varianceSE);
    // ζ = identity: wᵀ G K Gᵀ w is a quadratic form of a Gaussian matrix, far from constant.
    expect(m.excessKurtosis).toBeGreaterThan(1);
  });

  it('sqrt softmax: E[v] is the sampled kernel, and a sample of the law has that variance', () => {
    const spec = layer({ mechanism: 'softmax', wQStd: 1.5, wKStd: 1.5 });
    const K = attentionKernel(s, spec, ctx).nngp;
    const law = new AttentionOutputLaw(s, spec, { projection: w, seed: 3 });
    const m = mixtureMoments(law.conditionalVariances(20_000));
    // The kernel's own Monte-Carlo error is of the same order as the mixture's: allow both.
    expect(Math.abs(m.variance - quad(K, w))).toBeLessThan(4 * Math.SQRT2 * m.varianceSE);
    const f = law.sample(20_000);
    const second = f.reduce((a, x) => a + x * x, 0) / f.length;
    expect(Math.abs(second - m.variance) / m.variance).toBeLessThan(0.05);
  });

  it('the excess kurtosis of the projection falls like 1/H (i.i.d. heads)', () => {
    const spec = layer({ mechanism: 'relu' });
    const k1 = mixtureMoments(new AttentionOutputLaw(s, spec, { projection: w, seed: 4 }).conditionalVariances(40_000));
    const k4 = mixtureMoments(new AttentionOutputLaw(s, spec, { projection: w, seed: 5, heads: 4 }).conditionalVariances(40_000));
    expect(Math.abs(k4.variance - k1.variance)).toBeLessThan(4 * Math.hypot(k1.varianceSE, k4.varianceSE));
    expect(Math.abs(k4.excessKurtosis - k1.excessKurtosis / 4)).toBeLessThan(4 * Math.hypot(k4.excessKurtosisSE, k1.excessKurtosisSE / 4));
  });

  it('is deterministic in its seed and rejects a projection of the wrong length', () => {
    const spec = layer({});
    const a = new AttentionOutputLaw(s, spec, { projection: w, seed: 'k' }).sample(10);
    const b = new AttentionOutputLaw(s, spec, { projection: w, seed: 'k' }).sample(10);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => new AttentionOutputLaw(s, spec, { projection: [1, 2], seed: 1 })).toThrow(/projection has 2 weights/);
  });
});

describe('mixtureMoments', () => {
  it('gives the excess kurtosis 3·Var(v)/E[v]² of a scale mixture, with a standard error that covers it', () => {
    // v ~ Exp(1): f = √v·Z is Laplace with variance 1 and excess kurtosis 3.
    const g = new NormalStream('mixtureMoments');
    const v = Float64Array.from({ length: 50_000 }, () => {
      const a = g.normal();
      const b = g.normal();
      return (a * a + b * b) / 2;
    });
    const m = mixtureMoments(v);
    expect(Math.abs(m.variance - 1)).toBeLessThan(4 * m.varianceSE);
    expect(Math.abs(m.excessKurtosis - 3)).toBeLessThan(4 * m.excessKurtosisSE);
    expect(m.excessKurtosisSE).toBeGreaterThan(0.01);
    expect(m.excessKurtosisSE).toBeLessThan(0.2);
  });
});

import { describe, expect, it } from 'vitest';
import { lineWeights, varianceLaw, type WidthVariance } from './varianceLaw.ts';

const xs = [1, 1 / 2, 1 / 4];

/** Width samples whose per-network variance is scale_i·x^p at every width (N networks each). */
function lawSamples(p: number, scales: readonly number[], networks: readonly number[] = [128, 128, 128]): WidthVariance[] {
  return xs.map((x, f) => ({ x, variance: Float64Array.from(scales, (s) => (s * x ** p) / networks[f]), networks: networks[f] }));
}

describe('varianceLaw', () => {
  it('recovers the law the entries share, whatever their scales and the networks per width', () => {
    for (const p of [0, 0.5, 1]) {
      expect(varianceLaw(lawSamples(p, [1, 0.01, 30]))).toBe(p);
      expect(varianceLaw(lawSamples(p, [2], [16, 64, 256]))).toBe(p);
    }
  });

  it('rounds to 0, ½ or 1, and takes 1 where it cannot be measured', () => {
    expect(varianceLaw(lawSamples(0.2, [1]))).toBe(0);
    expect(varianceLaw(lawSamples(0.3, [1]))).toBe(0.5);
    expect(varianceLaw(lawSamples(0.8, [1]))).toBe(1);
    // Steeper than 1/width (issue 16's softmax attention at its narrowest width: about 1.2), or rising.
    expect(varianceLaw(lawSamples(1.45, [1]))).toBe(1);
    expect(varianceLaw(lawSamples(-0.5, [1]))).toBe(0);
    expect(varianceLaw(lawSamples(0.5, [1]).slice(0, 1))).toBe(1);
    expect(varianceLaw(lawSamples(0.5, [0, 0]))).toBe(1);
  });
});

describe('lineWeights', () => {
  it('reproduces any line: Σ c_f = 1, Σ c_f x_f = 0, Σ b_f = 0, Σ b_f x_f = 1', () => {
    for (const b of [0, 0.7, 1, 2])
      for (const networks of [[128, 128, 128], [16, 64, 256]]) {
        const { intercept: c, slope: s } = lineWeights(xs, networks, b);
        expect(c.reduce((t, v) => t + v, 0)).toBeCloseTo(1, 12);
        expect(c.reduce((t, v, f) => t + v * xs[f], 0)).toBeCloseTo(0, 12);
        expect(s.reduce((t, v) => t + v, 0)).toBeCloseTo(0, 12);
        expect(s.reduce((t, v, f) => t + v * xs[f], 0)).toBeCloseTo(1, 12);
      }
  });

  it('gives the known weights: equal at b = 0, (−5, 2, 16)/13 at b = 1 (factors 1, 2, 4)', () => {
    [-0.5, 0.5, 1].forEach((c, f) => expect(lineWeights(xs, [8, 8, 8], 0).intercept[f]).toBeCloseTo(c, 12));
    [-5 / 13, 2 / 13, 16 / 13].forEach((c, f) => expect(lineWeights(xs, [8, 8, 8], 1).intercept[f]).toBeCloseTo(c, 12));
  });

  it('minimises the intercept variance under its own law (the weights are the inverse variances)', () => {
    const v = xs.map((x) => x ** 1.3);
    const variance = (c: number[]) => c.reduce((t, cf, f) => t + cf * cf * v[f], 0);
    const best = variance(lineWeights(xs, [1, 1, 1], 1.3).intercept);
    for (const b of [0, 0.5, 1, 1.6, 2]) expect(variance(lineWeights(xs, [1, 1, 1], b).intercept)).toBeGreaterThan(best);
  });
});

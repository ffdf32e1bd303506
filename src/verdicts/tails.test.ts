import { describe, expect, it } from 'vitest';
import { extrapolatedSkewness, normalScore, sdRelativeNoise, skewTailExcess, studentizedTail, studentizedThreshold, normalHazard } from './tails.ts';
import { normalPdf } from '../stats/normalPdf.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { studentTCdf } from '../stats/studentTCdf.ts';
import { binomialInterval } from '../stats/binomialInterval.ts';
import { uniformStream } from '../random/normals.ts';

/** Two-sided tail counts of one-sample Studentized means of exponential samples (skewness 2). */
function simulateExponential(n: number, reps: number, xs: readonly number[], key: string): number[] {
  const u = uniformStream(key);
  const counts = xs.map(() => 0);
  const v = new Float64Array(n);
  for (let r = 0; r < reps; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] = -Math.log(1 - u());
    const mean = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
    const t = Math.abs(mean - 1) / Math.sqrt(ss / (n - 1) / n);
    xs.forEach((x, j) => {
      if (t >= x) counts[j]++;
    });
  }
  return counts;
}

describe('tail of a skewed Studentized mean', () => {
  it('is the Student-t tail without skewness, and the excess grows with λ and x', () => {
    expect(skewTailExcess(4, 0)).toBe(0);
    expect(studentizedTail(3, 20, 0)).toBeCloseTo(2 * studentTCdf(-3, 20), 14);
    expect(skewTailExcess(4, 0.2)).toBeGreaterThan(skewTailExcess(3, 0.2));
    expect(skewTailExcess(4, 0.2)).toBeCloseTo(4 * skewTailExcess(4, 0.1), 10);
    // Below x = 1 the second-order term changes sign; the excess is never negative.
    expect(skewTailExcess(0.5, 0.5)).toBe(0);
    // The hazard φ/Φ̄ without underflow, far in the tail (x + 1/x − 2/x³ + … for large x).
    expect(normalHazard(2)).toBeCloseTo(normalPdf(2) / normalSurvival(2), 12);
    expect(normalHazard(40)).toBeCloseTo(40 + 1 / 40 - 2 / 40 ** 3, 6);
  });

  it('combines the widths\' skewness terms so that one width cannot cancel another', () => {
    // Three widths, one entry, terms t_f = c_f³k₃_f/N_f²/V^{3/2} with N = 1 and V = 1: weights
    // (−1, 0.5, 1) make the narrowest width's term −k₃₁ and the widest's +k₃₃.
    const weights = Float64Array.of(-1, 0.5, 1);
    const lambda = (k3: number[], combine?: 'larger' | 'signed') =>
      extrapolatedSkewness(weights, k3.map((k) => Float64Array.of(k)), [1, 1, 1], Float64Array.of(1), combine)[0];
    // Terms −2, 0, +2: the signed sum is 0, the root sum of squares √8.
    expect(lambda([2, 0, 2], 'signed')).toBe(0);
    expect(lambda([2, 0, 2])).toBeCloseTo(Math.sqrt(8), 12);
    // Terms of one sign: the signed sum is the larger, and is kept.
    expect(lambda([-1, 8, 3])).toBeCloseTo(1 + 1 + 3, 12);
    expect(lambda([-1, 8, 3], 'signed')).toBeCloseTo(5, 12);
    // The sign is the sum's: terms −3, 0, +1 give −√10.
    expect(lambda([3, 0, 1])).toBeCloseTo(-Math.sqrt(10), 12);
  });

  it('maps to normal scores and back consistently', () => {
    for (const [x, dof, lambda] of [
      [2.5, 50, 0.1],
      [4.2, 127, 0.3],
      [-3.1, Infinity, 0.05],
    ] as const) {
      const s = normalScore(x, dof, lambda);
      expect(Math.sign(s)).toBe(Math.sign(x));
      expect(2 * normalSurvival(Math.abs(s))).toBeCloseTo(studentizedTail(x, dof, lambda), 12);
      const tail = studentizedTail(x, dof, lambda);
      expect(studentizedThreshold(tail, dof, lambda)).toBeCloseTo(Math.abs(x), 6);
    }
  });

  it('accounts for the excess tail of skewed samples that the t tail misses (exponential, n = 80)', () => {
    // λ = γ/√n with γ = 2. At |t| ≥ 3 the two-sided t tail is 0.0036; the skewed sample's is
    // about 2.6× that. A binomial test at level 1e-3 each way: the t tail is rejected as too
    // small, and the corrected tail is not exceeded.
    const n = 80;
    const reps = 100_000;
    const xs = [3, 3.5];
    const counts = simulateExponential(n, reps, xs, 'tails/exponential');
    xs.forEach((x, j) => {
      const ci = binomialInterval(counts[j], reps, 0.998);
      const t = 2 * studentTCdf(-x, n - 1);
      expect(ci.lower).toBeGreaterThan(t);
      expect(ci.lower).toBeLessThan(studentizedTail(x, n - 1, 2 / Math.sqrt(n)));
    });
  });
});

describe('noise of the SD from the third cumulant (sdRelativeNoise)', () => {
  it('is ½·skewness/√N for one width, and weighs several widths by c⁴', () => {
    // One width: σ = 3, skewness 2 (k₃ = 54), N = 100.
    const one = sdRelativeNoise(Float64Array.of(1), [Float64Array.of(54)], [Float64Array.of(3)], [100], Float64Array.of(9 / 100));
    expect(one[0]).toBeCloseTo(0.1, 12);
    // Two widths, weights −1 and 2: V = 1·1/50 + 4·4/200, Var bound = 1·1/(1·50³) + 16·64/(4·200³).
    const two = sdRelativeNoise(Float64Array.of(-1, 2), [Float64Array.of(1), Float64Array.of(8)], [Float64Array.of(1), Float64Array.of(2)], [50, 200], Float64Array.of(1 / 50 + 16 / 200));
    expect(two[0]).toBeCloseTo((0.5 * Math.sqrt(1 / 50 ** 3 + (16 * 64) / (4 * 200 ** 3))) / (1 / 50 + 16 / 200), 12);
    // No noise, or no third cumulant: nothing.
    expect(sdRelativeNoise(Float64Array.of(1), [Float64Array.of(NaN)], [Float64Array.of(1)], [10], Float64Array.of(0.1))[0]).toBe(0);
    expect(sdRelativeNoise(Float64Array.of(1), [Float64Array.of(1)], [Float64Array.of(0)], [10], Float64Array.of(0))[0]).toBe(0);
  });

  it('bounds the simulated relative SD of s from below, and a low s comes with a low mean (exponential, n = 80)', () => {
    const n = 80;
    const reps = 20_000;
    const u = uniformStream('tails/sd-noise');
    const means = new Float64Array(reps);
    const sds = new Float64Array(reps);
    for (let r = 0; r < reps; r++) {
      let s = 0;
      let ss = 0;
      const v = Array.from({ length: n }, () => -Math.log(1 - u()));
      for (const x of v) s += x;
      const mean = s / n;
      for (const x of v) ss += (x - mean) ** 2;
      means[r] = mean;
      sds[r] = Math.sqrt(ss / (n - 1));
    }
    const avg = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
    const [ms, ss] = [avg(means), avg(sds)];
    let vs = 0;
    let vm = 0;
    let cov = 0;
    for (let r = 0; r < reps; r++) {
      vs += (sds[r] - ss) ** 2;
      vm += (means[r] - ms) ** 2;
      cov += (sds[r] - ss) * (means[r] - ms);
    }
    const simulated = Math.sqrt(vs / reps) / ss;
    const bound = sdRelativeNoise(Float64Array.of(1), [Float64Array.of(2)], [Float64Array.of(1)], [n], Float64Array.of(1 / n))[0];
    // Exponential: kurtosis 9, so the delta method gives ½√(8/n) = 0.158; the bound uses skewness² + 1 = 5, ½√(4/n) = 0.112.
    expect(bound).toBeCloseTo(0.5 * Math.sqrt(4 / n), 12);
    expect(bound).toBeLessThan(simulated);
    expect(simulated).toBeLessThan(1.6 * bound);
    // Corr(ȳ, s) ≈ γ/√(κ + 2) = 2/√8 ≈ 0.71: the entry whose s is low has its mean low too.
    expect(cov / Math.sqrt(vs * vm)).toBeGreaterThan(0.5);
  });
});

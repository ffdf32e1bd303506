import { describe, expect, it } from 'vitest';
import { MaxAbsGaussian } from './maxAbsGaussian.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { normalCdf } from '../stats/normalCdf.ts';
import { ar1 } from './testSupport.ts';

const identity = (m: number) => ar1(m, 0);
/** Šidák: exact for independent coordinates. */
const sidak = (t: number, m: number) => -Math.expm1(m * Math.log1p(-2 * normalSurvival(t)));

describe('MaxAbsGaussian', () => {
  it('gives the exact (Šidák) tail for independent coordinates, deep in the tail too', () => {
    const m = 20;
    const g = new MaxAbsGaussian(identity(m), m);
    for (const t of [1.5, 3, 4.5, 6]) {
      const { p, se } = g.tail(t);
      const exact = sidak(t, m);
      expect(Math.abs(p - exact) / exact).toBeLessThan(0.03);
      expect(Math.abs(p - exact)).toBeLessThan(4 * se + 1e-3 * exact);
    }
  });

  it('gives the single-coordinate tail when all coordinates are one (correlation 1)', () => {
    const m = 10;
    const g = new MaxAbsGaussian(new Float64Array(m * m).fill(1), m);
    for (const t of [2, 5]) expect(g.tail(t).p / (2 * normalSurvival(t))).toBeCloseTo(1, 6);
  });

  it('agrees with plain Monte Carlo under strong correlation', () => {
    const m = 12;
    const R = ar1(m, 0.9);
    const g = new MaxAbsGaussian(R, m, { draws: 4000 });
    // Plain Monte Carlo with other draws, at a level plain Monte Carlo resolves.
    const plain = new MaxAbsGaussian(R, m, { draws: 20000, seed: 'plain' });
    const t = 2.3;
    const zero = new Float64Array(m);
    const thr = new Float64Array(m).fill(t);
    const mc = plain.power(zero, thr);
    const mcSE = Math.sqrt((mc * (1 - mc)) / 20000);
    const is = g.tail(t);
    expect(Math.abs(is.p - mc)).toBeLessThan(4 * Math.hypot(mcSE, is.se));
    // Correlation lowers the tail below Šidák's bound.
    expect(is.p).toBeLessThan(sidak(t, m));
  });

  it('finds the critical value (independent: the Šidák quantile)', () => {
    const m = 15;
    const g = new MaxAbsGaussian(identity(m), m);
    const alpha = 1e-3;
    const exact = -normalQuantile(-Math.expm1(Math.log1p(-alpha) / m) / 2);
    expect(g.critical(alpha)).toBeCloseTo(exact, 2);
  });

  it('computes power against a shift (one coordinate: the normal formula)', () => {
    const g = new MaxAbsGaussian(identity(1), 1, { draws: 20000 });
    const t = 3;
    const shift = Float64Array.of(t + normalQuantile(0.9));
    // P(|Z + μ| ≥ t) = Φ(μ − t) + Φ(−μ − t); within 5 Monte-Carlo standard errors of 20 000 draws
    // (√(p(1 − p)/20 000) ≈ 0.0021), not a fixed tolerance.
    const exact = normalCdf(shift[0] - t) + normalCdf(-shift[0] - t);
    const se = Math.sqrt((exact * (1 - exact)) / 20000);
    expect(Math.abs(g.power(shift, Float64Array.of(t)) - exact)).toBeLessThan(5 * se);
    const d = g.detectable(Float64Array.of(1), Float64Array.of(t), 0.9, 10);
    expect(d).toBeCloseTo(t + normalQuantile(0.9), 1);
  });

  it('resolves small rejection probabilities under a shift with per-coordinate thresholds', () => {
    // Independent coordinates: P(∪ {|Z_i + μ_i| ≥ t_i}) = 1 − Π (1 − Φ̄(t_i − μ_i) − Φ̄(t_i + μ_i)).
    const m = 8;
    const g = new MaxAbsGaussian(identity(m), m);
    const shift = Float64Array.from({ length: m }, (_, i) => 0.3 * (i % 3) - 0.2);
    const threshold = Float64Array.from({ length: m }, (_, i) => 4 + 0.1 * i);
    let none = 1;
    for (let i = 0; i < m; i++) none *= 1 - normalSurvival(threshold[i] - shift[i]) - normalSurvival(threshold[i] + shift[i]);
    const exact = 1 - none;
    const r = g.rejection(shift, threshold);
    expect(exact).toBeLessThan(1e-3);
    expect(Math.abs(r.p - exact) / exact).toBeLessThan(0.03);
    // No shift and a common threshold: the tail of the maximum.
    const R = ar1(m, 0.8);
    const h = new MaxAbsGaussian(R, m);
    const t = 3.8;
    const tail = h.tail(t);
    const same = h.rejection(new Float64Array(m), new Float64Array(m).fill(t));
    expect(Math.abs(same.p - tail.p)).toBeLessThan(4 * Math.hypot(same.se, tail.se));
    // A shift beyond the threshold: rejection is near certain.
    const big = h.rejection(new Float64Array(m).fill(6), new Float64Array(m).fill(t));
    expect(big.p).toBeGreaterThan(0.99);
  });
});

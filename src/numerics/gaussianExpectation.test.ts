import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  DEFAULT_ORDER,
  expectation1d,
  expectation2d,
  expectationOfProducts2d,
  sanitizeCovariance,
  sinFromCorrelation,
  type ExpectationOptions,
} from './gaussianExpectation.ts';

const relu = (x: number): number => (x > 0 ? x : 0);
const step = (x: number): number => (x > 0 ? 1 : 0);

/**
 * Arc-cosine kernels of order 1 and 0 (Cho & Saul 2009) as the exact reference,
 * evaluated at the same rounded ρ = k12/(√k11√k22) that the rules use (for
 * |ρ| → 1 the kernel is ill-conditioned in ρ, ~ε/sin θ).
 */
function arcCos(k11: number, k12: number, k22: number): { order1: number; order0: number } {
  const c = sanitizeCovariance(k11, k12, k22);
  const sinTheta = sinFromCorrelation(c.rho);
  const theta = Math.atan2(sinTheta, c.rho);
  const scale = c.sigma1 * c.sigma2;
  return { order1: (scale * (sinTheta + (Math.PI - theta) * c.rho)) / (2 * Math.PI), order0: (Math.PI - theta) / (2 * Math.PI) };
}

/** E[exp(a u + b v)] = exp(½ Var(a u + b v)). */
function expMoment(a: number, b: number, k11: number, k12: number, k22: number): number {
  return Math.exp(0.5 * (a * a * k11 + 2 * a * b * k12 + b * b * k22));
}

/** Covariances with unequal variances and ρ = 0, ±0.5, ±0.99, ±(1 − 1e−6). */
const GRID: ReadonlyArray<readonly [number, number, number]> = (() => {
  const out: Array<[number, number, number]> = [];
  for (const [k11, k22] of [
    [1, 1],
    [2, 0.5],
    [0.1, 3],
    [4, 4],
  ]) {
    for (const rho of [0, 0.5, -0.5, 0.99, -0.99, 1 - 1e-6, -(1 - 1e-6)]) out.push([k11, rho * Math.sqrt(k11 * k22), k22]);
  }
  return out;
})();

/** Absolute slack for rounding in the references themselves. */
const TINY = 1e-15;

const RULES: ReadonlyArray<readonly [string, ExpectationOptions]> = [
  ['hermite', {}],
  ['split', { kinkAtZero: true }],
];

describe('expectation1d', () => {
  it('is exact for polynomials (Gauss–Hermite, degree ≤ 2n − 1)', () => {
    const r = expectation1d((u) => u ** 4 - 2 * u ** 2 + 3, 2.5, { order: 3 });
    expect(r.value).toBeCloseTo(3 * 2.5 ** 2 - 2 * 2.5 + 3, 13);
    expect(r.order).toBe(3);
  });

  it('returns exactly 0 for odd integrands (symmetric pairing)', () => {
    expect(expectation1d((u) => Math.sin(u) + u ** 3, 1.7).value).toBe(0);
  });

  it.each(RULES)('%s rule: E[e^{au}] = e^{a²k/2} to 1e−14 with an honest estimate', (_, opts) => {
    for (const [a, k] of [
      [1, 1],
      [0.5, 4],
      [-2, 0.3],
    ]) {
      const r = expectation1d((u) => Math.exp(a * u), k, opts);
      const exact = Math.exp(0.5 * a * a * k);
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(1e-14 * exact);
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.errorEstimate);
      expect(r.errorEstimate).toBeLessThan(1e-12 * exact);
    }
  });

  it('kink at 0: E|u| = √(2k/π); the split rule is exact, Gauss–Hermite converges like 1/n', () => {
    const exact = Math.sqrt((2 * 3) / Math.PI);
    const split = expectation1d(Math.abs, 3, { kinkAtZero: true });
    expect(Math.abs(split.value - exact)).toBeLessThan(1e-14);
    // Measured |error| of Gauss–Hermite: n = 16: 3.6e−2, 32: 1.8e−2, 64: 8.9e−3, 128: 4.5e−3 (×√3 for k = 3).
    const errs = [16, 32, 64, 128].map((order) => {
      const r = expectation1d(Math.abs, 3, { order });
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.errorEstimate);
      return Math.abs(r.value - exact);
    });
    for (let i = 1; i < errs.length; i++) expect(errs[i - 1] / errs[i]).toBeCloseTo(2, 0);
  });

  it('treats variance 0 as a point mass and clamps round-off negatives', () => {
    expect(expectation1d((u) => u + 5, 0)).toEqual({ value: 5, errorEstimate: 0, order: 0 });
    expect(expectation1d((u) => Math.cos(u), -1e-13).value).toBe(1);
    expect(() => expectation1d((u) => u, -1e-3)).toThrow(RangeError);
    expect(() => expectation1d((u) => u, NaN)).toThrow(RangeError);
  });
});

describe('expectation2d', () => {
  it.each(RULES)('%s rule: second and fourth moments E[uv] = k12, E[u²v²] = k11k22 + 2k12²', (_, opts) => {
    for (const [k11, k12, k22] of GRID) {
      const uv = expectation2d((u, v) => u * v, k11, k12, k22, opts);
      const u2v2 = expectation2d((u, v) => u * u * v * v, k11, k12, k22, opts);
      const scale = k11 * k22;
      expect(Math.abs(uv.value - k12)).toBeLessThanOrEqual(1e-14 * Math.sqrt(scale));
      expect(Math.abs(u2v2.value - (k11 * k22 + 2 * k12 * k12))).toBeLessThanOrEqual(2e-14 * scale);
    }
  });

  it.each(RULES)('%s rule: E[exp(au + bv)] to 1e−14 relative, within the error estimate', (name, opts) => {
    for (const [k11, k12, k22] of GRID) {
      const exact = expMoment(0.7, -0.4, k11, k12, k22);
      const r = expectation2d((u, v) => Math.exp(0.7 * u - 0.4 * v), k11, k12, k22, { ...opts, order: 128 });
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(1e-14 * exact);
      expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.errorEstimate);
      // Measured relative estimate: ≤ 1e−14 (Hermite); ≤ 2.3e−8 (split, at k = 4, ρ → −1, where
      // its 64-point check rule is still converging on the e^{2.2r} growth).
      expect(r.errorEstimate).toBeLessThan((name === 'hermite' ? 1e-13 : 1e-7) * exact);
    }
  });

  it('kinks at 0: the polar rule reproduces the arc-cosine kernels to 1e−14 at order 64', () => {
    let worst = 0;
    for (const [k11, k12, k22] of GRID) {
      const exact = arcCos(k11, k12, k22);
      const r1 = expectation2d((u, v) => relu(u) * relu(v), k11, k12, k22, { kinkAtZero: true });
      const r0 = expectation2d((u, v) => step(u) * step(v), k11, k12, k22, { kinkAtZero: true });
      worst = Math.max(worst, Math.abs(r1.value - exact.order1) / Math.sqrt(k11 * k22), Math.abs(r0.value - exact.order0));
      // TINY: the reference itself rounds (k11k22 − k12² cancels for |ρ| → 1).
      expect(Math.abs(r1.value - exact.order1)).toBeLessThanOrEqual(r1.errorEstimate + TINY * Math.sqrt(k11 * k22));
      expect(Math.abs(r0.value - exact.order0)).toBeLessThanOrEqual(r0.errorEstimate + TINY);
    }
    // Measured: 1.6e−15 (order 64).
    expect(worst).toBeLessThan(1e-14);
  });

  it('kinks at 0 under Gauss–Hermite: O(1/n) error and an estimate that is only indicative', () => {
    // Measured max |error|/√(k11k22) over the grid: n = 32: 4.2e−3, 64: 2.1e−3, 128: 1.0e−3.
    // Estimate / actual error: 0.97–1.22 for |ρ| ≤ 0.5 but 0.09–14 for |ρ| ≥ 0.9, and 0
    // when no node falls in the thin wedge where both relus are non-zero (ρ → −1):
    // this is why kinkAtZero exists.
    for (const order of [32, 64, 128]) {
      let worst = 0;
      for (const [k11, k12, k22] of GRID) {
        const exact = arcCos(k11, k12, k22).order1;
        const r = expectation2d((u, v) => relu(u) * relu(v), k11, k12, k22, { order });
        const err = Math.abs(r.value - exact);
        if (Math.abs(k12) <= 0.5 * Math.sqrt(k11 * k22)) {
          expect(r.errorEstimate / err).toBeGreaterThan(0.9);
          expect(r.errorEstimate / err).toBeLessThan(1.5);
        }
        worst = Math.max(worst, err / Math.sqrt(k11 * k22));
      }
      expect(worst).toBeLessThan(0.3 / order);
    }
    const wedge = expectation2d((u, v) => relu(u) * relu(v), 1, -(1 - 1e-6), 1, { order: 64 });
    expect(wedge.value).toBe(0);
    expect(wedge.errorEstimate).toBe(0);
    expect(arcCos(1, -(1 - 1e-6), 1).order1).toBeGreaterThan(1e-10);
  });

  it('the error estimate is honest for smooth integrands, and for kinks under the polar rule', () => {
    type Case = {
      f: (u: number, v: number) => number;
      exact: (k11: number, k12: number, k22: number) => number;
      opts: ExpectationOptions;
      orders: number[];
    };
    // Order 8 is pre-asymptotic for cos(u − 2v) at Var(u − 2v) ≈ 36 (estimate 0.75× the error);
    // so is the polar rule at order 16 (its check rule has 2 points per arc; 0.65×).
    const smooth = [16, 32, 64, 128];
    const polar = [32, 64, 128];
    const cases: Case[] = [
      { f: (u, v) => Math.exp(0.5 * u + 0.5 * v), exact: (a, b, c) => expMoment(0.5, 0.5, a, b, c), opts: {}, orders: smooth },
      { f: (u, v) => Math.cos(u - 2 * v), exact: (a, b, c) => Math.exp(-0.5 * (a - 4 * b + 4 * c)), opts: {}, orders: smooth },
      { f: (u, v) => Math.cos(u - 2 * v), exact: (a, b, c) => Math.exp(-0.5 * (a - 4 * b + 4 * c)), opts: { kinkAtZero: true }, orders: polar },
      { f: (u, v) => relu(u) * relu(v), exact: (a, b, c) => arcCos(a, b, c).order1, opts: { kinkAtZero: true }, orders: polar },
      { f: (u, v) => step(u) * step(v), exact: (a, b, c) => arcCos(a, b, c).order0, opts: { kinkAtZero: true }, orders: polar },
    ];
    for (const { f, exact, opts, orders } of cases) {
      for (const order of orders) {
        for (const [k11, k12, k22] of GRID) {
          const r = expectation2d(f, k11, k12, k22, { ...opts, order });
          expect(Math.abs(r.value - exact(k11, k12, k22))).toBeLessThanOrEqual(r.errorEstimate + TINY * Math.max(1, k11 * k22));
        }
      }
    }
  });

  it('checkOrder above order gives the classical (tight) estimate of Q_order', () => {
    const [k11, k12, k22] = [1, 0.3, 2];
    const exact = expMoment(1, 1, k11, k12, k22);
    const r = expectation2d((u, v) => Math.exp(u + v), k11, k12, k22, { order: 8, checkOrder: 32 });
    const actual = Math.abs(r.value - exact);
    expect(actual).toBeGreaterThan(1e-10);
    expect(r.errorEstimate / actual).toBeGreaterThan(0.99);
    expect(r.errorEstimate / actual).toBeLessThan(1.01);
  });

  it('adapts the order until the tolerance is met', () => {
    const [k11, k12, k22] = [1, 0.5, 1];
    const r = expectation2d((u, v) => relu(u) * relu(v), k11, k12, k22, { order: 8, kinkAtZero: true, tolerance: 1e-12 });
    expect(r.order).toBeGreaterThan(8);
    expect(r.errorEstimate).toBeLessThanOrEqual(1e-12);
    expect(Math.abs(r.value - arcCos(k11, k12, k22).order1)).toBeLessThanOrEqual(1e-12);
    const capped = expectation2d((u, v) => relu(u) * relu(v), k11, k12, k22, { order: 8, tolerance: 1e-12, maxOrder: 32 });
    expect(capped.order).toBe(32);
    expect(capped.errorEstimate).toBeGreaterThan(1e-12);
  });

  describe('degenerate covariances', () => {
    const f = (u: number, v: number): number => Math.exp(0.3 * u) * (1 + v * v);

    it('k11 = 0 or k22 = 0: point mass at 0 in that variable', () => {
      // E[1 + v²] = 1 + k22; E[e^{0.3u}] = e^{0.045 k11}.
      expect(expectation2d(f, 0, 0, 2).value).toBeCloseTo(3, 14);
      expect(expectation2d(f, 2, 0, 0).value).toBeCloseTo(Math.exp(0.09), 14);
      expect(expectation2d(f, 0, 0, 0)).toEqual({ value: 1, errorEstimate: 0, order: 0 });
      // k12 ≠ 0 with a zero variance is impossible; it is clamped to 0.
      expect(expectation2d(f, 0, 1e-9, 2).value).toBeCloseTo(3, 14);
    });

    it.each(RULES)('%s rule: |ρ| = 1 reduces to 1-D along v = (k12/k11)u, and is continuous in ρ', (_, opts) => {
      for (const sign of [1, -1]) {
        const [k11, k22] = [2, 0.5];
        const k12 = sign * Math.sqrt(k11 * k22);
        // u = √2 z, v = sign·z/√2: E[uv] = k12, E[u²v²] = 3 k11 k22.
        const r = expectation2d((u, v) => u * u * v * v, k11, k12, k22, opts);
        expect(r.value).toBeCloseTo(3 * k11 * k22, 13);
        const near = expectation2d((u, v) => u * u * v * v, k11, k12 * (1 - 1e-12), k22, opts);
        expect(near.value).toBeCloseTo(3 * k11 * k22, 10);
      }
    });

    it('clamps |k12| > √(k11k22) and tiny negative determinants from round-off', () => {
      const [k11, k22] = [0.3, 0.7];
      const bound = Math.sqrt(k11 * k22);
      const over = expectation2d((u, v) => relu(u) * relu(v), k11, bound * (1 + 1e-9), k22, { kinkAtZero: true });
      expect(Number.isFinite(over.value)).toBe(true);
      expect(over.value).toBeCloseTo(bound / 2, 14); // E[relu(u)²]-like: ρ = 1 ⇒ √(k11k22)/2
      const c = sanitizeCovariance(k11, -bound * (1 + 1e-9), k22);
      expect(c.rho).toBe(-1);
      expect(c.k12).toBe(-bound);
    });

    it('rejects clearly invalid covariances', () => {
      expect(() => expectation2d(f, -1, 0, 1)).toThrow(RangeError);
      expect(() => expectation2d(f, 1, NaN, 1)).toThrow(RangeError);
      expect(() => expectation2d(f, 1, 0, Infinity)).toThrow(RangeError);
      expect(() => expectation2d(f, 1, 0, 1, { order: 0 })).toThrow(RangeError);
      expect(() => expectation2d(f, 1, 0, 1, { order: 8, checkOrder: 8 })).toThrow(RangeError);
    });
  });

  test.prop(
    [fc.double({ min: 0, max: 6, noNaN: true }), fc.double({ min: 0, max: 6, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.boolean()],
    { numRuns: 100 },
  )('E[exp(0.4u − 0.3v)] matches the closed form for any covariance, either rule', (k11, k22, rho, kinkAtZero) => {
    const k12 = rho * Math.sqrt(k11 * k22);
    const r = expectation2d((u, v) => Math.exp(0.4 * u - 0.3 * v), k11, k12, k22, { kinkAtZero, order: 96 });
    const exact = expMoment(0.4, -0.3, k11, k12, k22);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(Math.abs(r.value - exact)).toBeLessThanOrEqual(r.errorEstimate + 1e-15 * exact);
    expect(r.errorEstimate).toBeLessThan(1e-10 * exact);
  });
});

describe('expectationOfProducts2d', () => {
  const fs = [(x: number) => Math.tanh(x), (x: number) => Math.exp(-x * x), relu];

  it.each(RULES)('%s rule: agrees with expectation2d on f(u)f(v), sharing the nodes', (_, opts) => {
    for (const [k11, k12, k22] of GRID) {
      const products = expectationOfProducts2d(fs, k11, k12, k22, opts);
      fs.forEach((f, k) => {
        const single = expectation2d((u, v) => f(u) * f(v), k11, k12, k22, opts);
        expect(products[k].value).toBeCloseTo(single.value, 14);
        expect(products[k].errorEstimate).toBeCloseTo(single.errorEstimate, 14);
      });
    }
  });

  it('handles zero variances and perfect correlation like expectation2d', () => {
    for (const [k11, k12, k22] of [
      [0, 0, 1.5],
      [1.5, 0, 0],
      [0, 0, 0],
      [2, -Math.sqrt(2 * 0.5), 0.5],
    ]) {
      const products = expectationOfProducts2d(fs, k11, k12, k22);
      fs.forEach((f, k) => {
        expect(products[k].value).toBeCloseTo(expectation2d((u, v) => f(u) * f(v), k11, k12, k22).value, 14);
      });
    }
  });

  it('accepts a fused evaluator and gives the same numbers as the array form', () => {
    const fused = {
      count: fs.length,
      evaluate(x: number, out: Float64Array) {
        fs.forEach((f, k) => (out[k] = f(x)));
      },
    };
    for (const c of [...GRID, [0, 0, 2], [2, 0, 0], [0, 0, 0], [1, -1, 1]] as Array<[number, number, number]>) {
      for (const [, opts] of RULES) {
        expect(expectationOfProducts2d(fused, ...c, opts)).toEqual(expectationOfProducts2d(fs, ...c, opts));
      }
    }
  });

  it('uses DEFAULT_ORDER unless told otherwise', () => {
    expect(expectationOfProducts2d(fs, 1, 0.2, 1)[0].order).toBe(DEFAULT_ORDER);
  });
});

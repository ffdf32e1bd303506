import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { gaussHermite } from './gaussHermite.ts';

/** E[z^d] for z ~ N(0, 1): (d − 1)!! for even d, 0 for odd d. */
function normalMoment(d: number): number {
  if (d % 2 === 1) return 0;
  let m = 1;
  for (let k = d - 1; k > 1; k -= 2) m *= k;
  return m;
}

function ruleMoment(n: number, d: number): number {
  const { nodes, weights } = gaussHermite(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** d;
  return s;
}

describe('gaussHermite (probabilists\', normalised to Σw = 1)', () => {
  it.each([1, 2, 3, 4, 5, 7, 10, 16, 32, 64, 128, 256, 1000])('n = %i: weights sum to 1, nodes sorted and symmetric', (n) => {
    const { nodes, weights } = gaussHermite(n);
    expect(nodes.length).toBe(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += weights[i];
      expect(weights[i]).toBeGreaterThanOrEqual(0);
      expect(nodes[i] + nodes[n - 1 - i]).toBe(0);
      expect(weights[i]).toBe(weights[n - 1 - i]);
      if (i > 0) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
    }
    expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-15);
  });

  it.each([1, 2, 3, 5, 8, 16, 40, 64])('n = %i: exact for every monomial of degree ≤ 2n − 1', (n) => {
    for (let d = 0; d <= 2 * n - 1; d++) {
      const exact = normalMoment(d);
      const q = ruleMoment(n, d);
      // Odd moments cancel up to round-off; even ones are sums of positive terms.
      if (d % 2 === 1) expect(Math.abs(q)).toBeLessThanOrEqual(1e-13 * normalMoment(d + 1));
      else expect(Math.abs(q - exact) / exact).toBeLessThanOrEqual(1e-13);
    }
  });

  it.each([1, 2, 3, 5, 8, 12])('n = %i: misses E[z^{2n}] by exactly ‖He_n‖² = n!', (n) => {
    // z^{2n} − He_n(z)² has degree ≤ 2n − 1 and He_n vanishes at the nodes.
    let factorial = 1;
    for (let k = 2; k <= n; k++) factorial *= k;
    const exact = normalMoment(2 * n);
    expect(Math.abs(exact - ruleMoment(n, 2 * n) - factorial)).toBeLessThanOrEqual(1e-13 * exact);
  });

  it('reproduces the classical small rules', () => {
    const r2 = gaussHermite(2);
    expect(Array.from(r2.nodes)).toEqual([-1, 1]);
    expect(Array.from(r2.weights)).toEqual([0.5, 0.5]);
    const r3 = gaussHermite(3);
    expect(r3.nodes[1]).toBe(0);
    expect(r3.nodes[2]).toBeCloseTo(Math.sqrt(3), 15);
    expect(r3.weights[1]).toBeCloseTo(2 / 3, 15);
    expect(r3.weights[2]).toBeCloseTo(1 / 6, 15);
  });

  it('matches high-precision nodes and tail weights (mpmath Newton on H_20)', () => {
    const { nodes, weights } = gaussHermite(20);
    // Largest node and its weight; relative accuracy of tiny weights is the point of the Christoffel formula.
    expect(nodes[19]).toBeCloseTo(7.619048541679758, 14);
    expect(Math.abs(weights[19] / 1.257800672437927e-13 - 1)).toBeLessThanOrEqual(1e-13);
  });

  it('converts to the physicists\' convention: ∫ t² e^{−t²} dt = √π/2', () => {
    const { nodes, weights } = gaussHermite(10);
    let s = 0;
    for (let i = 0; i < 10; i++) s += Math.sqrt(Math.PI) * weights[i] * (nodes[i] / Math.SQRT2) ** 2;
    expect(s).toBeCloseTo(Math.sqrt(Math.PI) / 2, 15);
  });

  it('caches per order and rejects invalid orders', () => {
    expect(gaussHermite(64)).toBe(gaussHermite(64));
    expect(() => gaussHermite(0)).toThrow(RangeError);
    expect(() => gaussHermite(2.5)).toThrow(RangeError);
    expect(() => gaussHermite(1e6)).toThrow(RangeError);
  });

  test.prop(
    [fc.integer({ min: 1, max: 24 }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 48 })],
    { numRuns: 100 },
  )('integrates random polynomials of degree ≤ 2n − 1 exactly', (n, coeffs) => {
    const c = coeffs.slice(0, 2 * n);
    const { nodes, weights } = gaussHermite(n);
    let q = 0;
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let d = c.length - 1; d >= 0; d--) p = p * nodes[i] + c[d];
      q += weights[i] * p;
    }
    let exact = 0;
    let scale = 0;
    c.forEach((a, d) => {
      exact += a * normalMoment(d);
      scale += Math.abs(a) * normalMoment(d + (d % 2));
    });
    expect(Math.abs(q - exact)).toBeLessThanOrEqual(1e-13 * Math.max(1, scale));
  });
});

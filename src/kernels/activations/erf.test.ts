import { describe, expect, it } from 'vitest';
import { expectation2d } from '../../numerics/gaussianExpectation.ts';
import { erf } from './erf.ts';
import { COVARIANCE_GRID, compareWithQuadrature, priceDerivative, type Covariance, expectAgreesWithMonteCarlo } from './testSupport.ts';

describe('erf (Williams 1997)', () => {
  it('closed forms match the polar quadrature rule on the grid, within its error estimate', () => {
    const r = compareWithQuadrature(erf, COVARIANCE_GRID, { order: 128, kinkAtZero: true });
    expect(r.violations).toEqual([]);
    // Measured: max |Δ| 2.9e−13 (φφ), 1.4e−12 (φ'φ'); max estimate 3.5e−7, 6.4e−7 (at k = 4,
    // where erf(2z) is nearly a step and the order-64 check rule is still converging).
    expect(r.maxError.phiPhi).toBeLessThan(1e-11);
    expect(r.maxError.dphiDphi).toBeLessThan(1e-11);
    expect(r.maxEstimate.phiPhi).toBeLessThan(1e-6);
    expect(r.maxEstimate.dphiDphi).toBeLessThan(1e-6);
  });

  it('closed forms match Gauss–Hermite (order 128) at variances ≤ 1, estimate < 1e−9', () => {
    const small = COVARIANCE_GRID.filter(([k11, , k22]) => Math.max(k11, k22) <= 1);
    const r = compareWithQuadrature(erf, small, { order: 128 });
    expect(r.violations).toEqual([]);
    // Measured: max |Δ| 7.8e−16; max estimate 5.1e−12.
    expect(Math.max(r.maxError.phiPhi, r.maxError.dphiDphi)).toBeLessThan(1e-13);
    expect(Math.max(r.maxEstimate.phiPhi, r.maxEstimate.dphiDphi)).toBeLessThan(1e-9);
  });

  it('E[φ′φ′] = (4/π) det(I + 2K)^{−1/2}, checked directly as (4/π) E[e^{−u²−v²}]', () => {
    for (const c of COVARIANCE_GRID) {
      const q = expectation2d((u, v) => (4 / Math.PI) * Math.exp(-u * u - v * v), ...c, { order: 128, kinkAtZero: true });
      expect(Math.abs(erf.pair(...c).dphiDphi - q.value)).toBeLessThanOrEqual(2 * q.errorEstimate + 1e-14);
    }
  });

  it("Price's theorem: ∂/∂k12 of the arcsin formula is the det(I + 2K)^{−1/2} formula", () => {
    for (const c of COVARIANCE_GRID) {
      if (Math.abs(c[1]) > 0.8 * Math.sqrt(c[0] * c[2]) + 1e-12) continue;
      expect(priceDerivative(erf, c)).toBeCloseTo(erf.pair(...c).dphiDphi, 7);
    }
  });

  it.each<readonly [Covariance, string]>([
    [[1, 0.5, 1], 'erf-a'],
    [[3, -1.2, 0.7], 'erf-b'],
  ])('matches a seeded Monte-Carlo estimate (1e6 samples) within 5 standard errors at %j', (c, seed) => {
    expectAgreesWithMonteCarlo(erf, c, seed);
  });

  it('degenerate inputs stay finite: zero variance, |ρ| = 1', () => {
    expect(erf.pair(0, 0, 2).phiPhi).toBe(0);
    // u = 0 a.s.: E[φ′(0)φ′(v)] = (2/√π)·(2/√π)/√(1 + 2k22).
    expect(erf.pair(0, 0, 2).dphiDphi).toBeCloseTo(4 / Math.PI / Math.sqrt(5), 15);
    expect(erf.pair(0, 0, 0).dphiDphi).toBeCloseTo(4 / Math.PI, 15);
    const diag = erf.pair(2, 2, 2);
    expect(diag.phiPhi).toBeCloseTo((2 / Math.PI) * Math.asin(4 / 5), 15);
    expect(erf.pair(2, -2 * (1 + 1e-12), 2).phiPhi).toBeCloseTo(-diag.phiPhi, 15);
    expect(erf.mean(3).value).toBe(0);
  });
});

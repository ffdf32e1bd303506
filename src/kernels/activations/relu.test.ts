import { describe, expect, it } from 'vitest';
import { expectation1d } from '../../numerics/gaussianExpectation.ts';
import { abs } from './abs.ts';
import { relu } from './relu.ts';
import { COVARIANCE_GRID, compareWithQuadrature, priceDerivative, type Covariance, expectAgreesWithMonteCarlo } from './testSupport.ts';

describe('relu (arc-cosine kernels)', () => {
  it('closed forms match the polar quadrature rule on the grid, within its error estimate', () => {
    const r = compareWithQuadrature(relu, COVARIANCE_GRID, { order: 128, kinkAtZero: true });
    expect(r.violations).toEqual([]);
    // Measured: max |Δ| 2.0e−15 (φφ), 8.3e−16 (φ'φ'); max estimate 8.1e−15, 2.3e−15.
    expect(r.maxError.phiPhi).toBeLessThan(1e-13);
    expect(r.maxError.dphiDphi).toBeLessThan(1e-13);
    expect(r.maxEstimate.phiPhi).toBeLessThan(1e-12);
    expect(r.maxEstimate.dphiDphi).toBeLessThan(1e-12);
  });

  it.each<readonly [Covariance, string]>([
    [[1, 0.5, 1], 'relu-a'],
    [[2, -0.6, 0.5], 'relu-b'],
  ])('matches a seeded Monte-Carlo estimate (1e6 samples) within 5 standard errors at %j', (c, seed) => {
    expectAgreesWithMonteCarlo(relu, c, seed);
  });

  it('has the textbook values', () => {
    // ρ = 0: E[relu u relu v] = σ1σ2/(2π), P(u > 0, v > 0) = 1/4; ρ = 1: E[relu(u)²] = k/2, 1/2.
    const p0 = relu.pair(2, 0, 0.5);
    expect(p0.phiPhi).toBeCloseTo(1 / (2 * Math.PI), 15);
    expect(p0.dphiDphi).toBe(0.25);
    const p1 = relu.pair(3, 3, 3);
    expect(p1.phiPhi).toBeCloseTo(1.5, 15);
    expect(p1.dphiDphi).toBe(0.5);
    const pm = relu.pair(3, -3, 3);
    expect(pm.phiPhi).toBeCloseTo(0, 15);
    expect(pm.dphiDphi).toBe(0);
    expect(relu.mean(2 * Math.PI).value).toBeCloseTo(1, 15);
  });

  it('mean √(k/2π) agrees with 1-D quadrature', () => {
    for (const k of [0.01, 0.3, 1, 4]) {
      const q = expectation1d(relu.phi, k, { kinkAtZero: true });
      expect(Math.abs(relu.mean(k).value - q.value)).toBeLessThanOrEqual(q.errorEstimate + 1e-15);
    }
  });

  it("Price's theorem: ∂E[φφ]/∂k12 = E[φ'φ'] (order-1 and order-0 arc-cosine kernels agree)", () => {
    for (const c of COVARIANCE_GRID) {
      if (Math.abs(c[1]) > 0.8 * Math.sqrt(c[0] * c[2]) + 1e-12) continue;
      expect(priceDerivative(relu, c)).toBeCloseTo(relu.pair(...c).dphiDphi, 7);
    }
  });

  it('is consistent with abs: E|u||v| = 4E[relu u relu v] − k12', () => {
    for (const c of COVARIANCE_GRID) {
      expect(abs.pair(...c).phiPhi).toBeCloseTo(4 * relu.pair(...c).phiPhi - c[1], 13);
    }
  });

  it('degenerate inputs: zero variance is a point mass (relu′(0) = 0), |ρ| = 1 and round-off are clamped', () => {
    expect(relu.pair(0, 0, 2)).toEqual({ phiPhi: 0, dphiDphi: 0, phiPhiError: 0, dphiDphiError: 0 });
    expect(relu.pair(2, 0, 0)).toEqual({ phiPhi: 0, dphiDphi: 0, phiPhiError: 0, dphiDphiError: 0 });
    expect(relu.pair(0, 0, 0).dphiDphi).toBe(0);
    expect(relu.mean(0).value).toBe(0);
    const over = relu.pair(1, 1 + 1e-12, 1);
    expect(over.phiPhi).toBeCloseTo(0.5, 15);
    expect(over.dphiDphi).toBe(0.5);
    expect(relu.pair(1, 0, -1e-14).phiPhi).toBe(0);
    expect(() => relu.pair(1, 0, -1)).toThrow(RangeError);
  });
});

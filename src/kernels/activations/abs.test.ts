import { describe, expect, it } from 'vitest';
import { expectation1d } from '../../numerics/gaussianExpectation.ts';
import { abs } from './abs.ts';
import { COVARIANCE_GRID, compareWithQuadrature, priceDerivative, type Covariance, expectAgreesWithMonteCarlo } from './testSupport.ts';

describe('abs', () => {
  it('closed forms match the polar quadrature rule on the grid, within its error estimate', () => {
    const r = compareWithQuadrature(abs, COVARIANCE_GRID, { order: 128, kinkAtZero: true });
    expect(r.violations).toEqual([]);
    // Measured: max |Δ| 1.2e−14 (φφ), 2.9e−15 (sign⊗sign); max estimate 2.2e−14, 6.8e−15.
    expect(r.maxError.phiPhi).toBeLessThan(1e-13);
    expect(r.maxError.dphiDphi).toBeLessThan(1e-13);
    expect(r.maxEstimate.phiPhi).toBeLessThan(1e-12);
    expect(r.maxEstimate.dphiDphi).toBeLessThan(1e-12);
  });

  it.each<readonly [Covariance, string]>([
    [[1, 0.5, 1], 'abs-a'],
    [[0.5, -0.55, 2], 'abs-b'],
  ])('matches a seeded Monte-Carlo estimate (1e6 samples) within 5 standard errors at %j', (c, seed) => {
    expectAgreesWithMonteCarlo(abs, c, seed);
  });

  it('mean √(2k/π) agrees with 1-D quadrature; diagonal E[u²] = k, E[sign²] = 1', () => {
    for (const k of [0.01, 0.3, 1, 4]) {
      const q = expectation1d(abs.phi, k, { kinkAtZero: true });
      expect(Math.abs(abs.mean(k).value - q.value)).toBeLessThanOrEqual(q.errorEstimate + 1e-15);
      expect(abs.pair(k, k, k).phiPhi).toBeCloseTo(k, 14);
      expect(abs.pair(k, k, k).dphiDphi).toBe(1);
      expect(abs.pair(k, -k, k).dphiDphi).toBe(-1);
    }
  });

  it("Price's theorem: ∂E|u||v|/∂k12 = (2/π) arcsin ρ", () => {
    for (const c of COVARIANCE_GRID) {
      if (Math.abs(c[1]) > 0.8 * Math.sqrt(c[0] * c[2]) + 1e-12) continue;
      expect(priceDerivative(abs, c)).toBeCloseTo(abs.pair(...c).dphiDphi, 7);
    }
  });

  it('degenerate inputs: zero variance gives 0 (sign(0) = 0)', () => {
    expect(abs.pair(0, 0, 1)).toEqual({ phiPhi: 0, dphiDphi: 0, phiPhiError: 0, dphiDphiError: 0 });
    expect(abs.mean(0).value).toBe(0);
    expect(abs.pair(1, 0, 1).dphiDphi).toBe(0);
    expect(abs.pair(1, 0, 1).phiPhi).toBeCloseTo(2 / Math.PI, 15);
  });
});

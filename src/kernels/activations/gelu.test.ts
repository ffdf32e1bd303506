import { describe, expect, it } from 'vitest';
import { expectation2d } from '../../numerics/gaussianExpectation.ts';
import { gelu } from './gelu.ts';
import { quadratureActivation } from './quadrature.ts';
import { COVARIANCE_GRID, quadraturePair, type Covariance, expectAgreesWithMonteCarlo } from './testSupport.ts';

/**
 * [covariance, E[φφ], E[φ′φ′]] from mpmath (20 digits; tanh-sinh in polar
 * coordinates split at the same rays as our rule), arguments as float64.
 */
const MPMATH: ReadonlyArray<readonly [Covariance, number, number]> = [
  [[1, 0.5, 1], 0.227294915021991537, 0.342267242459443105],
  [[2, -0.3, 0.5], 0.00756315343412776557, 0.199524311014058021],
  [[4, 3.9, 4], 1.87997674936085311, 0.492004990841670999],
  [[10, 1.2, 0.2], 0.45204583289451632, 0.359782384009875915],
];

describe('gelu (quadrature)', () => {
  it('matches mpmath to 1e−14, within its error estimate', () => {
    for (const [c, phiPhi, dphiDphi] of MPMATH) {
      const p = gelu.pair(...c);
      // Measured |Δ| ≤ 5.2e−15; estimates 1.3e−14 … 3.2e−8.
      expect(Math.abs(p.phiPhi - phiPhi)).toBeLessThanOrEqual(Math.min(1e-14, p.phiPhiError + 1e-15));
      expect(Math.abs(p.dphiDphi - dphiDphi)).toBeLessThanOrEqual(Math.min(1e-14, p.dphiDphiError + 1e-15));
    }
  });

  it('error estimate < 1e−6 on the whole grid (variances 0.01 … 4, |ρ| up to 1 − 1e−6)', () => {
    let worst = 0;
    for (const c of COVARIANCE_GRID) {
      const p = gelu.pair(...c);
      worst = Math.max(worst, p.phiPhiError, p.dphiDphiError);
    }
    // Measured: 1.5e−7 (φ′φ′ at k = 4, ρ = 1 − 1e−6).
    expect(worst).toBeLessThan(1e-6);
  });

  it('agrees with an independent rule (tensor Gauss–Hermite via expectation2d, order 256) at variances ≤ 1', () => {
    for (const c of COVARIANCE_GRID.filter(([k11, , k22]) => Math.max(k11, k22) <= 1)) {
      const p = gelu.pair(...c);
      const pp = expectation2d((u, v) => gelu.phi(u) * gelu.phi(v), ...c, { order: 256 });
      const q = quadraturePair(gelu, c, { order: 256 });
      expect(Math.abs(p.phiPhi - pp.value)).toBeLessThanOrEqual(2 * (p.phiPhiError + pp.errorEstimate) + 1e-15);
      expect(Math.abs(p.dphiDphi - q.dphiDphi)).toBeLessThanOrEqual(2 * (p.dphiDphiError + q.dphiDphiError) + 1e-15);
    }
  });

  it('mean matches Stein: E[uΦ(u)] = k/√(2π(1 + k))', () => {
    for (const k of [0, 0.01, 0.5, 1, 4, 25]) {
      const m = gelu.mean(k);
      const exact = k / Math.sqrt(2 * Math.PI * (1 + k));
      expect(Math.abs(m.value - exact)).toBeLessThanOrEqual(m.error + 1e-15);
      // Measured: |Δ| ≤ 1.1e−15, estimate ≤ 7.1e−15 (k = 25).
      expect(Math.abs(m.value - exact)).toBeLessThan(1e-14);
    }
  });

  it.each<readonly [Covariance, string]>([
    [[1, 0.5, 1], 'gelu-a'],
    [[3, -1.2, 0.7], 'gelu-b'],
  ])('matches a seeded Monte-Carlo estimate (1e6 samples) within 5 standard errors at %j', (c, seed) => {
    expectAgreesWithMonteCarlo(gelu, c, seed);
  });

  it('the fused φ/φ′ evaluator gives exactly the unfused result', () => {
    const unfused = quadratureActivation('gelu-unfused', gelu.phi, gelu.dphi);
    for (const c of COVARIANCE_GRID.slice(0, 12)) expect(gelu.pair(...c)).toEqual(unfused.pair(...c));
  });

  it('φ′ is the derivative of φ', () => {
    for (const x of [-6, -2.5, -0.7, 0, 0.3, 1.9, 5]) {
      const h = 1e-6;
      expect((gelu.phi(x + h) - gelu.phi(x - h)) / (2 * h)).toBeCloseTo(gelu.dphi(x), 8);
    }
  });
});

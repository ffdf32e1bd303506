import { describe, expect, it } from 'vitest';
import { tanh } from './tanh.ts';
import { COVARIANCE_GRID, monteCarloPair, standardErrors, type Covariance } from './testSupport.ts';

/** [covariance, E[φφ], E[φ′φ′]] from mpmath (20 digits), arguments as float64. */
const MPMATH: ReadonlyArray<readonly [Covariance, number, number]> = [
  [[1, 0.5, 1], 0.186324413203448086, 0.384747028441038902],
  [[2, -0.3, 0.5], -0.105120717110677748, 0.353954491970957827],
  [[4, 3.9, 4], 0.610546146076954055, 0.239097996173882928],
  [[10, 1.2, 0.2], 0.256377857745318549, 0.228416468907662722],
];

describe('tanh (quadrature)', () => {
  it('matches mpmath within its error estimate', () => {
    for (const [c, phiPhi, dphiDphi] of MPMATH) {
      const p = tanh.pair(...c);
      // Measured |Δ| ≤ 1e−14 for variances ≤ 4, 1.3e−12 at k11 = 10; estimates 6e−14 … 1.8e−7.
      expect(Math.abs(p.phiPhi - phiPhi)).toBeLessThanOrEqual(p.phiPhiError + 1e-15);
      expect(Math.abs(p.dphiDphi - dphiDphi)).toBeLessThanOrEqual(p.dphiDphiError + 1e-15);
      expect(Math.abs(p.phiPhi - phiPhi)).toBeLessThan(1e-11);
      expect(Math.abs(p.dphiDphi - dphiDphi)).toBeLessThan(1e-11);
    }
  });

  it('error estimate < 1e−6 on the whole grid', () => {
    let worst = 0;
    for (const c of COVARIANCE_GRID) {
      const p = tanh.pair(...c);
      worst = Math.max(worst, p.phiPhiError, p.dphiDphiError);
    }
    // Measured: 8.1e−7 (φ′φ′ at k = 4, ρ = −(1 − 1e−6)).
    expect(worst).toBeLessThan(1e-6);
  });

  it('is odd: mean exactly 0, E[φ(u)φ(v)] = 0 at k12 = 0 and flips sign with k12', () => {
    for (const k of [0.1, 1, 7]) expect(tanh.mean(k).value).toBe(0);
    expect(Math.abs(tanh.pair(2, 0, 0.5).phiPhi)).toBeLessThan(1e-16);
    const p = tanh.pair(2, 0.4, 0.5);
    const m = tanh.pair(2, -0.4, 0.5);
    expect(m.phiPhi).toBeCloseTo(-p.phiPhi, 15);
    expect(m.dphiDphi).toBeCloseTo(p.dphiDphi, 15);
  });

  it.each<readonly [Covariance, string]>([
    [[1, 0.5, 1], 'tanh-a'],
    [[3, -1.2, 0.7], 'tanh-b'],
  ])('matches a seeded Monte-Carlo estimate (1e6 samples) within 5 standard errors at %j', (c, seed) => {
    const mc = monteCarloPair(tanh, c, 1e6, seed);
    const p = tanh.pair(...c);
    expect(standardErrors(p.phiPhi, mc.phiPhi)).toBeLessThan(5);
    expect(standardErrors(p.dphiDphi, mc.dphiDphi)).toBeLessThan(5);
  });

  it('φ′ = 1/cosh² stays finite and relatively accurate in the tails', () => {
    expect(tanh.dphi(0)).toBe(1);
    expect(tanh.dphi(800)).toBe(0);
    expect(tanh.dphi(20) / (4 * Math.exp(-40)) - 1).toBeLessThan(1e-12);
  });
});

/**
 * φ(x) = max(0, x). Arc-cosine kernels (Cho & Saul, "Kernel methods for deep
 * learning", NIPS 2009, eq. 6 with n = 1 and n = 0): with θ = arccos ρ,
 *     E[φ(u)φ(v)]   = √(k11k22)(sin θ + (π − θ) cos θ)/(2π) = (√det + (π − θ) k12)/(2π),
 *     E[φ'(u)φ'(v)] = P(u > 0, v > 0) = (π − θ)/(2π)   (Sheppard's formula),
 *     E[φ(u)]       = √(k/(2π)),
 * where det = k11k22 − k12² = k11k22 sin²θ. θ is computed as
 * atan2(√((1−ρ)(1+ρ)), ρ), which equals arccos ρ but keeps relative accuracy
 * for ρ near ±1, and √det as √k11·√k22·sin θ, which cannot underflow.
 *
 * Degenerate variance (k11 = 0 or k22 = 0): that variable is 0 a.s. and we take
 * φ'(0) = dphi(0) = 0, so E[φ'(u)φ'(v)] = 0 (and E[φ(u)φ(v)] = 0). This matches
 * quadrature with the point mass, but is not the limit k11 → 0⁺ of the
 * formula, which depends on ρ.
 */
import { sanitizeCovariance, sanitizeVariance, sinFromCorrelation } from '../../numerics/gaussianExpectation.ts';
import type { ActivationMath } from './types.ts';

const TWO_PI = 2 * Math.PI;

export const relu: ActivationMath = {
  name: 'relu',
  closedForm: true,
  phi: (x) => (x > 0 ? x : 0),
  dphi: (x) => (x > 0 ? 1 : 0),
  pair(k11, k12, k22) {
    const c = sanitizeCovariance(k11, k12, k22);
    if (c.k11 === 0 || c.k22 === 0) return { phiPhi: 0, dphiDphi: 0, phiPhiError: 0, dphiDphiError: 0 };
    const sinTheta = sinFromCorrelation(c.rho);
    const sqrtDet = c.sigma1 * c.sigma2 * sinTheta;
    const theta = Math.atan2(sinTheta, c.rho);
    return {
      phiPhi: (sqrtDet + (Math.PI - theta) * c.k12) / TWO_PI,
      dphiDphi: (Math.PI - theta) / TWO_PI,
      phiPhiError: 0,
      dphiDphiError: 0,
    };
  },
  mean(k) {
    return { value: Math.sqrt(sanitizeVariance(k) / TWO_PI), error: 0 };
  },
};

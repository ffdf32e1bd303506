/**
 * φ(x) = |x|, φ'(x) = sign(x) (sign(0) = 0). With det = k11k22 − k12² and
 * θ = arccos ρ (so arcsin ρ = π/2 − θ):
 *     E[|u||v|]          = (2/π)(√det + k12 arcsin ρ),
 *     E[sign u sign v]   = (2/π) arcsin ρ   (Sheppard: 1 − 2·P(sign u ≠ sign v) = 1 − 2θ/π),
 *     E[|u|]             = √(2k/π).
 * The first follows from |x| = 2 relu(x) − x and the arc-cosine kernel
 * (relu.ts): E|u||v| = 4E[relu u relu v] − k12; Price's theorem
 * (∂/∂k12 E[f(u)g(v)] = E[f'(u)g'(v)]) links the two, and abs.test.ts checks it.
 *
 * Degenerate variance: the variable is 0 a.s. and sign(0) = 0, so both moments are 0.
 */
import { sanitizeCovariance, sanitizeVariance, sinFromCorrelation } from '../../numerics/gaussianExpectation.ts';
import type { ActivationMath } from './types.ts';

export const abs: ActivationMath = {
  name: 'abs',
  closedForm: true,
  phi: (x) => Math.abs(x),
  dphi: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  pair(k11, k12, k22) {
    const c = sanitizeCovariance(k11, k12, k22);
    if (c.k11 === 0 || c.k22 === 0) return { phiPhi: 0, dphiDphi: 0, phiPhiError: 0, dphiDphiError: 0 };
    const sinTheta = sinFromCorrelation(c.rho);
    const sqrtDet = c.sigma1 * c.sigma2 * sinTheta;
    const arcsinRho = Math.atan2(c.rho, sinTheta);
    return {
      phiPhi: (2 / Math.PI) * (sqrtDet + c.k12 * arcsinRho),
      dphiDphi: (2 / Math.PI) * arcsinRho,
      phiPhiError: 0,
      dphiDphiError: 0,
    };
  },
  mean(k) {
    return { value: Math.sqrt((2 * sanitizeVariance(k)) / Math.PI), error: 0 };
  },
};

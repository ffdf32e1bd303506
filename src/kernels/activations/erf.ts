/**
 * φ(x) = erf(x), φ'(x) = (2/√π) e^{−x²}.
 *     E[erf u erf v] = (2/π) arcsin(2k12 / √((1 + 2k11)(1 + 2k22)))   (Williams 1997,
 *       "Computing with infinite networks", NIPS; the erf network kernel with Σ = 2I),
 *     E[φ'(u)φ'(v)]  = (4/π) E[e^{−u²−v²}] = (4/π) det(I + 2K)^{−1/2}
 *                    = (4/π) / √((1 + 2k11)(1 + 2k22) − 4k12²),
 * the last from the Gaussian integral ∫ e^{−xᵀx} N(x; 0, K) dx = det(I + 2K)^{−1/2}.
 * Consistency (Price's theorem): ∂/∂k12 of the first is
 * (2/π)·(2/√(AB))/√(1 − 4k12²/(AB)) = (4/π)/√(AB − 4k12²) with A = 1 + 2k11,
 * B = 1 + 2k22 — the second; erf.test.ts checks this by finite differences.
 * E[erf u] = 0 (odd). AB − 4k12² ≥ 1 for any PSD K, so nothing degenerates;
 * a zero variance gives k12 = 0 after clamping and the formulas stay valid.
 */
import { erf as erfFn } from '../../stats/erf.ts';
import { sanitizeCovariance, sanitizeVariance } from '../../numerics/gaussianExpectation.ts';
import type { ActivationMath } from './types.ts';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const erf: ActivationMath = {
  name: 'erf',
  closedForm: true,
  phi: erfFn,
  dphi: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
  pair(k11, k12, k22) {
    const c = sanitizeCovariance(k11, k12, k22);
    const a = 1 + 2 * c.k11;
    const b = 1 + 2 * c.k22;
    const arg = Math.min(1, Math.max(-1, (2 * c.k12) / Math.sqrt(a * b)));
    return {
      phiPhi: (2 / Math.PI) * Math.asin(arg),
      // (1+2k11)(1+2k22) − 4k12² expanded, so the only cancellation is inside det.
      dphiDphi: 4 / Math.PI / Math.sqrt(1 + 2 * (c.k11 + c.k22) + 4 * Math.max(0, c.k11 * c.k22 - c.k12 * c.k12)),
      phiPhiError: 0,
      dphiDphiError: 0,
    };
  },
  mean(k) {
    sanitizeVariance(k);
    return { value: 0, error: 0 };
  },
};

/** φ(x) = x: E[uv] = k12, E[1·1] = 1, E[u] = 0. */
import { sanitizeCovariance, sanitizeVariance } from '../../numerics/gaussianExpectation.ts';
import type { ActivationMath } from './types.ts';

export const identity: ActivationMath = {
  name: 'identity',
  closedForm: true,
  phi: (x) => x,
  dphi: () => 1,
  pair(k11, k12, k22) {
    const c = sanitizeCovariance(k11, k12, k22);
    return { phiPhi: c.k12, dphiDphi: 1, phiPhiError: 0, dphiDphiError: 0 };
  },
  mean(k) {
    sanitizeVariance(k);
    return { value: 0, error: 0 };
  },
};

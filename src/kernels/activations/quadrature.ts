/**
 * ActivationMath for any φ by numerical integration (no closed form needed).
 *
 * pair() evaluates E[φ(u)φ(v)] and E[φ'(u)φ'(v)] on shared nodes with
 * expectationOfProducts2d; mean() uses expectation1d. The default rule is the
 * split/polar rule (`kinkAtZero: true`, order 128, check order 64): activations
 * are non-smooth (ReLU-like) or vary fastest (GELU, tanh at large variance) at
 * 0, which is where that rule puts its cuts and clusters its nodes.
 * Measured at order 128 on covariances [[1,.5],[.5,1]], [[1,.99],[.99,1]],
 * [[2,−.3],[−.3,.5]], [[1,1−1e−6],[1−1e−6,1]] (and ×10), against an order-512 rule:
 *   - unit scale: error ≤ 2e−14 (φφ and φ′φ′ of GELU and tanh), estimate ≤ 4e−9;
 *   - ×10: error ≤ 5e−10, estimate ≤ 4e−6;
 *   - Gauss–Hermite of the same cost (128², products): GELU as good at unit
 *     scale, tanh 1e−11 … 9e−10, and at ×10 errors 6e−7 … 1.4e−3.
 * gelu.test.ts / tanh.test.ts compare with mpmath. For a φ with kinks away from
 * 0 (relu6, hard-tanh) convergence is algebraic (the estimate stays
 * conservative); pass `tolerance` (and `maxOrder`) to let the order adapt.
 *
 * pair() orders its arguments so that the larger variance is the Cholesky
 * pivot: E[φ(u)φ(v)] is symmetric in (k11, k22), and this makes the computed
 * value exactly symmetric as well.
 */
import {
  expectation1d,
  expectationOfProducts2d,
  fuseIntegrands,
  type ExpectationOptions,
  type FusedIntegrand1d,
} from '../../numerics/gaussianExpectation.ts';
import type { ActivationMath } from './types.ts';

export interface QuadratureActivationOptions extends ExpectationOptions {
  /**
   * Optional joint evaluation out[0] = φ(x), out[1] = φ′(x), for activations
   * where the two share work (GELU: one Φ(x) instead of two). Must agree with
   * phi and dphi.
   */
  readonly phiDphi?: (x: number, out: Float64Array) => void;
}

export const DEFAULT_ACTIVATION_QUADRATURE: ExpectationOptions = Object.freeze({ order: 128, kinkAtZero: true });

export function quadratureActivation(
  name: string,
  phi: (x: number) => number,
  dphi: (x: number) => number,
  opts: QuadratureActivationOptions = {},
): ActivationMath {
  const { phiDphi, ...rest } = opts;
  const options: ExpectationOptions = { ...DEFAULT_ACTIVATION_QUADRATURE, ...rest };
  const integrands: FusedIntegrand1d = phiDphi ? { count: 2, evaluate: phiDphi } : fuseIntegrands([phi, dphi]);
  return {
    name,
    closedForm: false,
    phi,
    dphi,
    pair(k11, k12, k22) {
      const [a, b] = k11 >= k22 ? [k11, k22] : [k22, k11];
      const [pp, dd] = expectationOfProducts2d(integrands, a, k12, b, options);
      return { phiPhi: pp.value, dphiDphi: dd.value, phiPhiError: pp.errorEstimate, dphiDphiError: dd.errorEstimate };
    },
    mean(k) {
      const e = expectation1d(phi, k, options);
      return { value: e.value, error: e.errorEstimate };
    },
  };
}

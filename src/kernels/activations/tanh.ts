/**
 * φ(x) = tanh x, φ'(x) = 1/cosh² x (relatively accurate in the tails, where
 * 1 − tanh² x cancels; cosh overflows to ∞ beyond |x| ≈ 710, giving 0).
 * No closed form: this is the worked example of quadratureActivation.
 */
import { quadratureActivation } from './quadrature.ts';

export const tanh = quadratureActivation(
  'tanh',
  (x) => Math.tanh(x),
  (x) => {
    const c = Math.cosh(x);
    return 1 / (c * c);
  },
);

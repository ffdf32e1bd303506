import { expNegHalfSquare } from './expNegHalfSquare.ts';
import { checkNumber } from './validate.ts';

const ONE_OVER_SQRT_TWO_PI = 0.39894228040143267794;

/**
 * Standard normal density φ(x) = exp(−x²/2)/√(2π), with exp(−x²/2) formed
 * without the rounding loss of x² (see `expNegHalfSquare`), so the relative
 * error stays at a few ulps also far in the tails.
 */
export function normalPdf(x: number): number {
  checkNumber('normalPdf', 'x', x);
  return ONE_OVER_SQRT_TWO_PI * expNegHalfSquare(x);
}

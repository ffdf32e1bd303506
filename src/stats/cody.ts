/**
 * W. J. Cody's rational Chebyshev approximations of the error function,
 * "Rational Chebyshev approximations for the error function", Math. Comp. 23
 * (1969) 631–637, with the double-precision coefficients distributed with his
 * CALERF routine (also in his SPECFUN package, ACM TOMS Algorithm 715, 1993).
 * Internal kernels without argument checks: the one implementation behind
 * `erf`, `erfcScaled`, `normalCdf`, `normalSurvival` and `normalQuantile`.
 * Polynomials are written out (Horner, constants inline) because the GELU
 * kernel's quadrature evaluates Φ some 3·10⁴ times per kernel entry.
 */

const ONE_OVER_SQRT_PI = 0.56418958354775628695;

/** Upper end of the interval where `codyErf` applies. */
export const CODY_ERF_LIMIT = 0.46875;

/** erf(y) for |y| ≤ 0.46875: y·A(y²)/B(y²). */
export function codyErf(y: number): number {
  const t = y * y;
  const num = (((0.18577770618460315 * t + 3.1611237438705656) * t + 113.86415415105016) * t + 377.48523768530202) * t + 3209.3775891384695;
  const den = (((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t + 2844.2368334391706;
  return (y * num) / den;
}

/**
 * erfcx(y) = exp(y²)·erfc(y) for y ≥ 0.46875: C(y)/D(y) up to y = 4, beyond
 * (1/√π − z·P(z)/Q(z))/y in z = 1/y².  The factor exp(−y²) is left to the
 * caller, who can form it without the rounding loss of y² (`expNegHalfSquare`).
 */
export function codyErfcx(y: number): number {
  if (y <= 4) {
    let num = 2.1531153547440383e-8 * y + 0.56418849698867009;
    num = num * y + 8.8831497943883759;
    num = num * y + 66.11919063714163;
    num = num * y + 298.63513819740013;
    num = num * y + 881.95222124176909;
    num = num * y + 1712.0476126340706;
    num = num * y + 2051.0783778260716;
    num = num * y + 1230.3393547979973;
    let den = y + 15.744926110709835;
    den = den * y + 117.6939508913125;
    den = den * y + 537.18110186200986;
    den = den * y + 1621.3895745666902;
    den = den * y + 3290.7992357334596;
    den = den * y + 4362.6190901432471;
    den = den * y + 3439.3676741437216;
    den = den * y + 1230.3393548037494;
    return num / den;
  }
  if (y > 1e8) return ONE_OVER_SQRT_PI / y; // z·P/Q below 2^-53 relative
  const z = 1 / (y * y);
  const num = ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z + 0.12578172611122925) * z + 0.016083785148742277) * z + 6.5874916152983678e-4;
  const den = ((((z + 2.5685201922898242) * z + 1.8729528499234673) * z + 0.52790510295142841) * z + 0.060518341312441319) * z + 0.0023352049762686918;
  return (ONE_OVER_SQRT_PI - (z * num) / den) / y;
}

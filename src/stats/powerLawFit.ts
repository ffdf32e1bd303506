import { normalQuantile } from './normalQuantile.ts';
import { studentTQuantile } from './studentTQuantile.ts';
import { checkNumber, checkSample } from './validate.ts';
import { weightedLinearFit, type LinearFit } from './weightedLinearFit.ts';

/**
 * How `PowerLawFit.confidenceInterval` builds its interval:
 * - 'normal' (default): exponent ± z_{(1+level)/2} · exponentSE, with the SE
 *   from the stated σ (unscaled covariance).  Right when the σ are correct.
 * - 'student-t-scaled': exponent ± t_{dof,(1+level)/2} · exponentSE ·
 *   sqrt(χ²/dof), i.e. the σ are trusted only up to a common factor that is
 *   estimated from the residual scatter (Birge-ratio rescaling, as
 *   scipy.optimize.curve_fit does with absolute_sigma=False); the Student t
 *   quantile accounts for that estimate.  Needs dof ≥ 1.
 */
export type PowerLawIntervalMethod = 'normal' | 'student-t-scaled';

export interface PowerLawFit {
  /** e in y = c·x^e. */
  exponent: number;
  exponentSE: number;
  /** ln c and its SE. */
  logPrefactor: number;
  logPrefactorSE: number;
  /** c = exp(ln c). */
  prefactor: number;
  chi2: number;
  dof: number;
  /** The underlying straight-line fit of ln y on ln x. */
  fit: LinearFit;
  /** Two-sided confidence interval for the exponent; see `PowerLawIntervalMethod`. */
  confidenceInterval(level?: number, method?: PowerLawIntervalMethod): [number, number];
}

/**
 * Fits y = c·x^e to positive data with standard errors σ by weighted least
 * squares on ln y = ln c + e·ln x, propagating the errors to first order,
 * σ_ln y = σ/y (the delta method; valid while σ/y ≪ 1, otherwise the log
 * transform biases the fit).  The straight-line fit and its (unscaled)
 * covariance are those of `weightedLinearFit` (Numerical Recipes 3rd ed.
 * §15.2).
 *
 * Agreement with numpy.polyfit(ln x, ln y, 1, w = y/σ, cov='unscaled') and
 * with both interval forms computed from it: ≤ 7.2e-15 relative
 * (powerLawFit.test.ts).
 * @throws for non-positive x, y or σ, unequal lengths, fewer than 2 points.
 */
export function powerLawFit(x: readonly number[], y: readonly number[], sigma: readonly number[]): PowerLawFit {
  checkSample('powerLawFit', 'x', x, 2);
  checkSample('powerLawFit', 'y', y, 2);
  checkSample('powerLawFit', 'sigma', sigma, 2);
  if (y.length !== x.length || sigma.length !== x.length) {
    throw new RangeError(`powerLawFit: x, y and sigma must have equal lengths, got ${x.length}, ${y.length}, ${sigma.length}`);
  }
  x.forEach((v, i) => {
    if (!(v > 0)) throw new RangeError(`powerLawFit: x[${i}] must be > 0, got ${v}`);
  });
  y.forEach((v, i) => {
    if (!(v > 0)) throw new RangeError(`powerLawFit: y[${i}] must be > 0, got ${v}`);
  });
  const fit = weightedLinearFit(
    x.map(Math.log),
    y.map(Math.log),
    sigma.map((s, i) => s / y[i]),
  );
  const exponent = fit.slope;
  const exponentSE = fit.slopeSE;
  return {
    exponent,
    exponentSE,
    logPrefactor: fit.intercept,
    logPrefactorSE: fit.interceptSE,
    prefactor: Math.exp(fit.intercept),
    chi2: fit.chi2,
    dof: fit.dof,
    fit,
    confidenceInterval(level = 0.95, method: PowerLawIntervalMethod = 'normal'): [number, number] {
      checkNumber('powerLawFit.confidenceInterval', 'level', level, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
      const tail = (1 - level) / 2;
      let halfWidth: number;
      if (method === 'normal') {
        halfWidth = -normalQuantile(tail) * exponentSE;
      } else if (method === 'student-t-scaled') {
        if (fit.dof < 1) throw new RangeError('powerLawFit.confidenceInterval: student-t-scaled needs at least 3 points (dof >= 1)');
        halfWidth = -studentTQuantile(tail, fit.dof) * exponentSE * Math.sqrt(fit.chi2 / fit.dof);
      } else {
        throw new RangeError(`powerLawFit.confidenceInterval: unknown method ${String(method)}`);
      }
      return [exponent - halfWidth, exponent + halfWidth];
    },
  };
}

/**
 * Convergence-rate fits: the exponent e of an error that falls like c·x^e with the width (or the
 * head count), with a confidence interval, and a test of the exponent the theory predicts.
 *
 * The fit is src/stats/powerLawFit (weighted least squares on ln y = ln c + e ln x with
 * σ_ln y = σ/y, the delta method). Only points where the error is resolved (error > 2σ) enter:
 * where Monte-Carlo noise swamps the bias the logarithm is meaningless, and a rate cannot be
 * claimed from fewer than two resolved points. The interval is the 'normal' one (σ taken as known);
 * with three or more points the Birge-ratio rescaled Student-t interval is reported too, and the
 * test uses the wider of the two, so an under-stated σ does not fake a precise exponent.
 */
import { normalSurvival } from '../stats/normalSurvival.ts';
import { powerLawFit } from '../stats/powerLawFit.ts';
import { DEFAULT_ALPHA, type Verdict } from './types.ts';

export interface RateInput {
  /** Width (or head) factors. */
  readonly x: readonly number[];
  /** Error at each factor (> 0 where resolved). */
  readonly error: readonly number[];
  /** Its standard error. */
  readonly se: readonly number[];
  /** The exponent the theory predicts (tested); e.g. −1 for a 1/width bias. */
  readonly expected: number;
  readonly alpha?: number;
  /** Confidence level of the reported interval; default 0.95. */
  readonly level?: number;
}

export interface ConvergenceRate extends Verdict {
  /** False when fewer than two points are resolved: no exponent, no decision. */
  readonly resolved: boolean;
  readonly exponent: number;
  readonly exponentSE: number;
  readonly interval: readonly [number, number];
  /** The Birge-ratio rescaled Student-t interval (≥ 3 resolved points), else null. */
  readonly intervalScaled: readonly [number, number] | null;
  readonly level: number;
  readonly expected: number;
  readonly points: number;
  readonly chi2PerDof: number;
}

export function convergenceRate(input: RateInput): ConvergenceRate {
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const level = input.level ?? 0.95;
  const keep = input.x.map((_, i) => i).filter((i) => input.error[i] > 2 * input.se[i] && input.se[i] > 0);
  const base = { alpha, level, expected: input.expected, points: keep.length };
  if (keep.length < 2 || new Set(keep.map((i) => input.x[i])).size < 2) {
    return {
      ...base,
      method: 'power-law fit of error against width (WLS on logs)',
      statistic: NaN,
      pValue: 1,
      rejected: false,
      resolved: false,
      exponent: NaN,
      exponentSE: NaN,
      interval: [NaN, NaN],
      intervalScaled: null,
      chi2PerDof: NaN,
      notes: [`unresolved: ${keep.length} of ${input.x.length} points have an error above twice its standard error (the bias is below the Monte-Carlo noise)`],
    };
  }
  const fit = powerLawFit(
    keep.map((i) => input.x[i]),
    keep.map((i) => input.error[i]),
    keep.map((i) => input.se[i]),
  );
  const interval = fit.confidenceInterval(level, 'normal');
  const intervalScaled = fit.dof >= 1 ? fit.confidenceInterval(level, 'student-t-scaled') : null;
  // The SE behind the decision: inflated by the Birge ratio when the scatter exceeds the σ.
  const birge = fit.dof >= 1 ? Math.max(1, Math.sqrt(fit.chi2 / fit.dof)) : 1;
  const se = fit.exponentSE * birge;
  const statistic = (fit.exponent - input.expected) / se;
  const pValue = 2 * normalSurvival(Math.abs(statistic));
  const notes: string[] = [];
  if (birge > 1) notes.push(`scatter exceeds the stated errors (χ²/dof = ${(fit.chi2 / fit.dof).toFixed(2)}); SE scaled by ${birge.toFixed(2)}`);
  return {
    ...base,
    method: `power-law fit of error against width (WLS on logs, ${keep.length} points), z-test of exponent = ${input.expected}`,
    statistic,
    pValue,
    rejected: pValue <= alpha,
    resolved: true,
    exponent: fit.exponent,
    exponentSE: se,
    interval,
    intervalScaled,
    chi2PerDof: fit.dof >= 1 ? fit.chi2 / fit.dof : NaN,
    notes,
  };
}

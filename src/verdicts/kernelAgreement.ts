/**
 * Does a finite-network ensemble agree with an analytic kernel, once finite-width bias is modelled?
 *
 * Per unique entry (i ≤ j over valid rows) the ensemble means at width factors f are fitted by
 * weighted least squares to K̂(f) = K∞ + a/f (the bias of a finite ensemble is O(1/width)), and
 * z = (K∞ − K_analytic)/SE is formed with SE² = SE(K∞)² + SE(analytic)². The family of m entries is
 * tested by max |z| with a Bonferroni bound, p = min(1, m · 2Φ(−max|z|)), which holds under any
 * correlation between entries (Bonferroni's inequality), so the false-positive rate is at most α.
 * Power: a relative error δ in the entry with the smallest relative SE is caught with probability
 * 0.9 once δ ≥ (z_{1−α/(2m)} + z_{0.9}) · SE/|K| (one-sided normal approximation).
 */
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';

export interface WidthEstimate {
  /** Width factor relative to the spec (1 = as written). */
  readonly scale: number;
  readonly mean: Float64Array;
  readonly se: Float64Array;
  readonly networks: number;
}

export interface KernelAgreement {
  readonly method: string;
  /** max |z| over entries. */
  readonly statistic: number;
  readonly pValue: number;
  readonly alpha: number;
  readonly rejected: boolean;
  /** Unique entries tested. */
  readonly entries: number;
  readonly worst: { readonly row: number; readonly col: number; readonly z: number; readonly analytic: number; readonly extrapolated: number; readonly se: number };
  /**
   * Smallest uniform relative kernel error (K → (1+δ)K) caught with probability ≥ 0.9 at this α and
   * sample size: the best entry's (z_{1−α/(2m)} + z_{0.9})·SE/|K| bounds it, since max|z| rejects
   * whenever that entry does.
   */
  readonly detectableRelativeError: number;
  /** The same bound for an error confined to one typical entry: the median over entries. */
  readonly detectableRelativeErrorMedian: number;
  /** ‖mean_f − K‖_F / ‖K‖_F per width factor: the finite-width bias plus noise. */
  readonly relativeGap: readonly { readonly scale: number; readonly gap: number; readonly noise: number }[];
  readonly extrapolated: Float64Array;
  readonly extrapolatedSE: Float64Array;
}

export interface AgreementInput {
  readonly analytic: Float64Array;
  readonly analyticSE?: Float64Array | null;
  readonly mask: Float64Array;
  readonly estimates: readonly WidthEstimate[];
  readonly alpha: number;
}

/** Weighted least-squares intercept of y = c + a·x and its standard error (known σ per point). */
function extrapolate(x: number[], y: number[], s: number[]): { value: number; se: number } {
  if (x.length === 1) return { value: y[0], se: s[0] };
  let S = 0,
    Sx = 0,
    Sxx = 0,
    Sy = 0,
    Sxy = 0;
  for (let k = 0; k < x.length; k++) {
    // A zero standard error (an entry that is exactly fixed) gets a tiny floor, not an infinite weight.
    const w = 1 / Math.max(s[k] * s[k], 1e-300);
    S += w;
    Sx += w * x[k];
    Sxx += w * x[k] * x[k];
    Sy += w * y[k];
    Sxy += w * x[k] * y[k];
  }
  const det = S * Sxx - Sx * Sx;
  return { value: (Sxx * Sy - Sx * Sxy) / det, se: Math.sqrt(Sxx / det) };
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function kernelAgreement(input: AgreementInput): KernelAgreement {
  const { analytic, mask, estimates, alpha } = input;
  if (estimates.length === 0) throw new Error('kernelAgreement: no estimates');
  const P = mask.length;
  if (analytic.length !== P * P) throw new Error(`kernelAgreement: analytic kernel has ${analytic.length} entries, expected ${P * P}`);
  const xs = estimates.map((e) => 1 / e.scale);
  const extrapolated = new Float64Array(P * P);
  const extrapolatedSE = new Float64Array(P * P);
  let m = 0;
  let worst = { row: 0, col: 0, z: 0, analytic: 0, extrapolated: 0, se: 0 };
  const relSE: number[] = [];
  for (let i = 0; i < P; i++) {
    if (mask[i] === 0) continue;
    for (let j = i; j < P; j++) {
      if (mask[j] === 0) continue;
      const idx = i * P + j;
      const fit = extrapolate(
        xs,
        estimates.map((e) => e.mean[idx]),
        estimates.map((e) => e.se[idx]),
      );
      const aSE = input.analyticSE ? input.analyticSE[idx] : 0;
      const se = Math.sqrt(fit.se * fit.se + aSE * aSE);
      extrapolated[idx] = extrapolated[j * P + i] = fit.value;
      extrapolatedSE[idx] = extrapolatedSE[j * P + i] = se;
      const diff = fit.value - analytic[idx];
      const z = se > 0 ? diff / se : diff === 0 ? 0 : Infinity * Math.sign(diff);
      m++;
      if (Math.abs(z) >= Math.abs(worst.z)) worst = { row: i, col: j, z, analytic: analytic[idx], extrapolated: fit.value, se };
      if (analytic[idx] !== 0) relSE.push(se / Math.abs(analytic[idx]));
    }
  }
  const statistic = Math.abs(worst.z);
  const pValue = Math.min(1, m * 2 * normalSurvival(statistic));
  const zCrit = normalQuantile(1 - alpha / (2 * m));
  const relativeGap = estimates.map((e) => {
    let num = 0,
      den = 0,
      noise = 0;
    for (let i = 0; i < P * P; i++) {
      num += (e.mean[i] - analytic[i]) ** 2;
      den += analytic[i] ** 2;
      noise += e.se[i] ** 2;
    }
    return { scale: e.scale, gap: Math.sqrt(num / den), noise: Math.sqrt(noise / den) };
  });
  return {
    method: `max|z| over ${m} entries of the 1/width-extrapolated ensemble mean (${estimates.length} width${estimates.length > 1 ? 's' : ''}), Bonferroni`,
    statistic,
    pValue,
    alpha,
    rejected: pValue < alpha,
    entries: m,
    worst,
    detectableRelativeError: (zCrit + normalQuantile(0.9)) * Math.min(...relSE),
    detectableRelativeErrorMedian: (zCrit + normalQuantile(0.9)) * median(relSE),
    relativeGap,
    extrapolated,
    extrapolatedSE,
  };
}

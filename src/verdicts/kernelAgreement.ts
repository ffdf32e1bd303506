/**
 * Does a finite-network ensemble agree with an analytic kernel, once finite-width bias is modelled?
 * The verdict of the engine for NNGP and NTK (docs/verdicts.md):
 *
 * 1. Bias model (biasModel.ts): per unique valid entry, K̂(w) = K∞ + a/w by weighted least squares
 *    over the width factors, with the covariance of K∞ across entries and the model's own χ²
 *    goodness of fit. A rejected fit is reported: the extrapolation is then not to be trusted.
 * 2. Joint test of K∞ = K: z_i = (K∞_i − K_i)/SE_i, Studentized (each SE is estimated from the
 *    networks: the tail of t with Welch–Satterthwaite degrees of freedom is mapped to a normal
 *    score), and the statistic max_i |z_i|. Its null is the maximum of a Gaussian vector with the
 *    ESTIMATED correlation of the entries (maxAbsGaussian.ts): a parametric bootstrap of the
 *    per-entry estimates with their covariance, evaluated by importance sampling so that p-values
 *    down to 1e-6 and below are exact to a few per cent. Bonferroni over entries, the interim
 *    rule, ignored the strong correlation between entries (neighbouring inputs, NNGP vs NTK of
 *    the same network) and so lost power; this does not.
 * 3. Power (smallest relative kernel error caught with probability 0.9 at this α and sample size):
 *    for K → (1 ± δ)K over the whole kernel, by Monte Carlo under the same correlated Gaussian
 *    model; and for an error confined to one entry, the median over entries of
 *    (t_i + z_0.9)·SE_i/|K_i| with t_i the entry's critical value (Bloom 1995, "Minimum detectable
 *    effects", Evaluation Review 19:547–556, with the joint critical value in place of Bonferroni's).
 */
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { studentTCdf } from '../stats/studentTCdf.ts';
import { studentTQuantile } from '../stats/studentTQuantile.ts';
import { fitBiasModel, type BiasModelGoodness, type WidthSample } from './biasModel.ts';
import { MaxAbsGaussian } from './maxAbsGaussian.ts';
import { DEFAULT_ALPHA, type Verdict } from './types.ts';

export interface WidthEstimate {
  /** Width factor relative to the spec (1 = as written). */
  readonly scale: number;
  readonly mean: Float64Array;
  readonly se: Float64Array;
  readonly networks: number;
  /**
   * Covariance of the mean across the P² entries, (P²)² row-major: the per-network sample
   * covariance divided by the number of networks. Absent: entries are treated as independent
   * (the joint null is then the Šidák one, conservative under positive dependence).
   */
  readonly covariance?: Float64Array | null;
}

export interface KernelAgreement extends Verdict {
  /** Monte-Carlo standard error of pValue (importance sampling). */
  readonly pValueSE: number;
  /** Unique entries tested (i ≤ j over valid rows). */
  readonly entries: number;
  /** The critical value of max|z| at alpha under the joint null. */
  readonly criticalValue: number;
  /** Tests that would give the same critical value if independent: α/(2Φ̄(t_α)) ≤ entries. */
  readonly effectiveTests: number;
  readonly worst: {
    readonly row: number;
    readonly col: number;
    /** Raw z (before the Student-t to normal-score map). */
    readonly z: number;
    readonly analytic: number;
    readonly extrapolated: number;
    readonly se: number;
  };
  /** Smallest uniform relative kernel error (K → (1 ± δ)K) caught with probability ≥ power. */
  readonly detectableRelativeError: number;
  /** The same for an error confined to one typical entry: the median over entries. */
  readonly detectableRelativeErrorMedian: number;
  readonly power: number;
  readonly biasModel: {
    readonly model: string;
    readonly widths: number;
    readonly goodness: BiasModelGoodness;
    /** False when the χ² test rejects the model at alpha: the extrapolation is then unreliable. */
    readonly adequate: boolean;
  };
  /** ‖mean_f − K‖_F / ‖K‖_F per width factor and the noise ‖SE_f‖/‖K‖ it contains. */
  readonly relativeGap: readonly { readonly scale: number; readonly gap: number; readonly noise: number }[];
  readonly extrapolated: Float64Array;
  readonly extrapolatedSE: Float64Array;
}

export interface AgreementInput {
  readonly analytic: Float64Array;
  /** Standard error of a sampled analytic kernel (independent of the networks). */
  readonly analyticSE?: Float64Array | null;
  /**
   * Degrees of freedom of analyticSE (a replica SE: replicas − 1). Absent or null: the analytic
   * variance counts as exactly known.
   */
  readonly analyticDof?: number | null;
  readonly mask: Float64Array;
  readonly estimates: readonly WidthEstimate[];
  readonly alpha?: number;
  /** Target power of the detectable-error figures; default 0.9. */
  readonly power?: number;
  /** Monte-Carlo draws of the joint null (see MaxAbsGaussian). */
  readonly draws?: number;
}

/**
 * Relative size of the float32 sampler's rounding error, added as an independent error to every
 * entry. A float32 sum of n terms has a worst-case relative error near n·2⁻²⁴ (Higham 2002,
 * Accuracy and Stability of Numerical Algorithms, §4.2): 1e-5 covers n ≈ 128 channels, and is
 * still far below any Monte-Carlo error a verdict meets (1e-3 and up). Entries that are exactly
 * fixed in the finite network (the diagonal after LayerNorm, with the readout averaged out)
 * otherwise get a Monte-Carlo SE of 0 and an infinite z for a rounding difference.
 */
export const FLOAT32_FLOOR = 1e-5;

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Unique valid entries (i ≤ j) of a P×P kernel with row mask `mask`, as flat indices. */
export function uniqueEntries(mask: Float64Array): { idx: Int32Array; rows: Int32Array; cols: Int32Array } {
  const P = mask.length;
  const idx: number[] = [];
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < P; i++) {
    if (mask[i] === 0) continue;
    for (let j = i; j < P; j++) {
      if (mask[j] === 0) continue;
      idx.push(i * P + j);
      rows.push(i);
      cols.push(j);
    }
  }
  return { idx: Int32Array.from(idx), rows: Int32Array.from(rows), cols: Int32Array.from(cols) };
}

export function kernelAgreement(input: AgreementInput): KernelAgreement {
  const { analytic, mask, estimates } = input;
  const alpha = input.alpha ?? DEFAULT_ALPHA;
  const targetPower = input.power ?? 0.9;
  if (estimates.length === 0) throw new Error('kernelAgreement: no estimates');
  const P = mask.length;
  if (analytic.length !== P * P) throw new Error(`kernelAgreement: analytic kernel has ${analytic.length} entries, expected ${P * P}`);
  const { idx, rows, cols } = uniqueEntries(mask);
  const m = idx.length;
  if (m === 0) throw new Error('kernelAgreement: no valid entries');
  const P2 = P * P;
  let maxDiag = 0;
  for (let i = 0; i < P; i++) maxDiag = Math.max(maxDiag, Math.abs(analytic[i * P + i]));
  const floor = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const kii = Math.abs(analytic[rows[a] * P + rows[a]]);
    const kjj = Math.abs(analytic[cols[a] * P + cols[a]]);
    // The last term keeps the variance positive (1e-300 after squaring) for an identically zero kernel.
    floor[a] = FLOAT32_FLOOR * Math.sqrt(kii * kjj) + 1e-9 * maxDiag + 1e-150;
  }
  const samples: WidthSample[] = estimates.map((e) => {
    const mean = new Float64Array(m);
    const variance = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      mean[a] = e.mean[idx[a]];
      variance[a] = e.se[idx[a]] ** 2 + floor[a] ** 2;
    }
    let covariance: Float64Array | null = null;
    if (e.covariance) {
      if (e.covariance.length !== P2 * P2) throw new Error(`kernelAgreement: covariance must be ${P2}×${P2}`);
      covariance = new Float64Array(m * m);
      for (let a = 0; a < m; a++)
        for (let b = 0; b < m; b++) covariance[a * m + b] = a === b ? variance[a] : e.covariance[idx[a] * P2 + idx[b]];
    }
    return { x: 1 / e.scale, mean, variance, covariance, networks: e.networks };
  });
  const fit = fitBiasModel(samples);

  // Joint test of K∞ against the kernel.
  const V = new Float64Array(fit.interceptCovariance);
  for (let a = 0; a < m; a++) V[a * m + a] += input.analyticSE ? input.analyticSE[idx[a]] ** 2 : 0;
  const sd = new Float64Array(m);
  for (let a = 0; a < m; a++) sd[a] = Math.sqrt(V[a * m + a]);
  const corr = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) corr[a * m + b] = a === b ? 1 : V[a * m + b] / (sd[a] * sd[b]);
  // Welch–Satterthwaite dof of the whole variance, V²/(mc²/ν_mc + an²/ν_an): the networks' part
  // and the sampled kernel's part, each with its own dof (an exactly known analytic part adds 0).
  const dof = new Float64Array(m);
  const analyticDof = input.analyticDof ?? Infinity;
  for (let a = 0; a < m; a++) {
    const mc = fit.interceptCovariance[a * m + a];
    const an = input.analyticSE ? input.analyticSE[idx[a]] ** 2 : 0;
    dof[a] = V[a * m + a] ** 2 / (mc ** 2 / fit.interceptDof[a] + (an > 0 ? an ** 2 / analyticDof : 0));
  }
  const z = new Float64Array(m);
  const score = new Float64Array(m);
  let worstA = 0;
  for (let a = 0; a < m; a++) {
    z[a] = (fit.intercept[a] - analytic[idx[a]]) / sd[a];
    // Normal score with the same tail probability as z under t_ν: P(|t_ν| ≥ |z|) = P(|N| ≥ |score|).
    const tailT = Number.isFinite(dof[a]) ? studentTCdf(-Math.abs(z[a]), dof[a]) : normalSurvival(Math.abs(z[a]));
    score[a] = tailT > 0 ? Math.sign(z[a]) * -normalQuantile(tailT) : Math.sign(z[a]) * 40;
    if (Math.abs(score[a]) > Math.abs(score[worstA])) worstA = a;
  }
  const statistic = Math.abs(score[worstA]);
  const nullMax = new MaxAbsGaussian(corr, m, { draws: input.draws });
  const tail = nullMax.tail(statistic);
  const criticalValue = nullMax.critical(alpha);

  // Power. Per-entry thresholds on the raw z scale: the t quantile of the joint critical tail.
  const tailAtCritical = normalSurvival(criticalValue);
  const threshold = new Float64Array(m);
  for (let a = 0; a < m; a++) threshold[a] = Number.isFinite(dof[a]) ? -studentTQuantile(tailAtCritical, dof[a]) : criticalValue;
  const zPower = normalQuantile(targetPower);
  const direction = new Float64Array(m);
  const perEntry: number[] = [];
  let bound = Infinity;
  for (let a = 0; a < m; a++) {
    const k = analytic[idx[a]];
    direction[a] = k / sd[a];
    if (k !== 0) {
      const d = ((threshold[a] + zPower) * sd[a]) / Math.abs(k);
      perEntry.push(d);
      bound = Math.min(bound, d);
    }
  }
  const detectableRelativeError = nullMax.detectable(direction, threshold, targetPower, bound);

  const goodness = fit.goodness;
  const adequate = !(goodness.pValue <= alpha);
  const notes: string[] = [];
  if (estimates.length < 3) notes.push(`only ${estimates.length} width factor(s): the 1/width bias model cannot be tested (needs ≥ 3)`);
  if (!adequate)
    notes.push(
      `the bias model K(w) = K∞ + a/w does not fit the widths (χ²/dof = ${goodness.chi2PerDof.toFixed(2)}, p = ${goodness.pValue.toExponential(1)}): the extrapolated K∞ and this verdict are unreliable; use wider networks or more width factors`,
    );
  if (tail.p > 0 && tail.se > 0.1 * tail.p && tail.p < 10 * alpha) notes.push(`p-value has Monte-Carlo relative error ${(tail.se / tail.p).toFixed(2)}`);

  const extrapolated = new Float64Array(P2);
  const extrapolatedSE = new Float64Array(P2);
  for (let a = 0; a < m; a++) {
    const [i, j] = [rows[a], cols[a]];
    extrapolated[i * P + j] = extrapolated[j * P + i] = fit.intercept[a];
    extrapolatedSE[i * P + j] = extrapolatedSE[j * P + i] = sd[a];
  }
  const relativeGap = estimates.map((e) => {
    let num = 0,
      den = 0,
      noise = 0;
    for (let i = 0; i < P2; i++) {
      num += (e.mean[i] - analytic[i]) ** 2;
      den += analytic[i] ** 2;
      noise += e.se[i] ** 2;
    }
    return { scale: e.scale, gap: Math.sqrt(num / den), noise: Math.sqrt(noise / den) };
  });
  return {
    method: `max|z| over ${m} entries of the 1/width-extrapolated mean (${estimates.length} widths), null from the estimated entry covariance (importance-sampled parametric bootstrap)`,
    statistic,
    pValue: tail.p,
    pValueSE: tail.se,
    alpha,
    rejected: tail.p <= alpha,
    notes,
    entries: m,
    criticalValue,
    effectiveTests: Math.min(m, alpha / (2 * tailAtCritical)),
    worst: { row: rows[worstA], col: cols[worstA], z: z[worstA], analytic: analytic[idx[worstA]], extrapolated: fit.intercept[worstA], se: sd[worstA] },
    detectableRelativeError,
    detectableRelativeErrorMedian: median(perEntry),
    power: targetPower,
    biasModel: { model: 'K(w) = K∞ + a/w', widths: estimates.length, goodness, adequate },
    relativeGap,
    extrapolated,
    extrapolatedSE,
  };
}

/**
 * The finite-width bias model K̂(w) = K∞ + a/w, fitted per kernel entry by weighted least squares
 * over the width factors, with the covariance of the extrapolated K∞ ACROSS entries and a joint
 * goodness-of-fit test of the model itself.
 *
 * Why this model: an ensemble of networks of width n has mean K + a/n + O(1/n²) (the first
 * correction of the 1/n expansion, e.g. Yaida 2020, "Non-Gaussian processes and neural networks at
 * finite widths", MSML; Dyer & Gur-Ari 2020, "Asymptotics of wide networks from Feynman diagrams",
 * ICLR), while its Monte-Carlo error falls like 1/√networks. Fitting the bias instead of
 * tolerating it lets a verdict test the limit itself. Under sqrt attention the same holds in 1/H
 * when heads grow with the width factor (docs/kernels.md §7).
 *
 * Per entry i, with x_f = 1/w_f and weights w_fi, the intercept and slope are linear in the width
 * means (Numerical Recipes 3rd ed. §15.2):
 *   K∞_i = Σ_f c_fi ȳ_fi,  c_fi = w_fi (S_xx − S_x x_f)/Δ,
 *   a_i  = Σ_f b_fi ȳ_fi,  b_fi = w_fi (S x_f − S_x)/Δ,  Δ = S S_xx − S_x².
 * The weights are each entry's estimated inverse variance w_fi = 1/Var(ȳ_fi), or, given a variance
 * law Var ∝ x^p that the entries share (varianceLaw.ts), w_f = N_f·x_f^(−p) for every entry.
 * Ensembles at different widths are independent (case.ts draws them from distinct seeds), so
 *   Cov(K∞_i, K∞_j) = Σ_f c_fi c_fj Cov(ȳ_fi, ȳ_fj),
 * with Cov(ȳ_f) the sample covariance of the per-network kernels over the networks (/N).
 *
 * Goodness of fit: χ²_i = Σ_f w_fi r_fi² with residuals r_i = (I − H_i) ȳ_i, H_i the hat matrix.
 * The sum Q = Σ_i χ²_i is a quadratic form yᵀAy in the Gaussian vector of all width means; under
 * the model its mean is m(F − 2) and Var Q = 2 tr((AΣ)²), Σ the covariance of y (entries correlated
 * within a width, independent across widths). Q is then referred to the scaled χ² with the same
 * two moments, c·χ²_ν with c = Var/(2E), ν = 2E²/Var (Satterthwaite 1946, Biometrics Bulletin
 * 2:110–114; Box 1954, Ann. Math. Stat. 25:290–302): exact when entries are independent, and it
 * accounts for the correlation between entries that would otherwise inflate the apparent χ².
 */
import { chiSquaredSurvival } from '../stats/chiSquaredSurvival.ts';
import { lineCoefficients, lineWeights } from './varianceLaw.ts';

export interface WidthSample {
  /** The bias variable x = 1/(width factor) (or 1/(head factor)). */
  readonly x: number;
  /** Ensemble mean per entry. */
  readonly mean: Float64Array;
  /** Variance of the mean per entry (> 0). */
  readonly variance: Float64Array;
  /** Covariance of the mean across entries, m×m row-major; null treats entries as independent. */
  readonly covariance: Float64Array | null;
  /** Networks behind the mean (for the degrees of freedom of its variance). */
  readonly networks: number;
}

export interface BiasModelGoodness {
  /** Q = Σ χ²_i. */
  readonly chi2: number;
  /** m(F − 2). */
  readonly dof: number;
  readonly chi2PerDof: number;
  /** P(c·χ²_ν ≥ Q), NaN when dof = 0 (two widths fit exactly). */
  readonly pValue: number;
  /** The Satterthwaite–Box scale c and degrees of freedom ν. */
  readonly scale: number;
  readonly effectiveDof: number;
}

export interface BiasModelFit {
  readonly m: number;
  readonly widths: number;
  readonly intercept: Float64Array;
  readonly slope: Float64Array;
  /** The weights of K∞ on the width means, K∞_i = Σ_f c[f·m + i] ȳ_fi (F×m row-major). */
  readonly interceptWeights: Float64Array;
  /** Var(a_i) of each slope (widths independent). */
  readonly slopeVariance: Float64Array;
  /** Cov(K∞_i, K∞_j), m×m row-major (diagonal only when no width carries a covariance). */
  readonly interceptCovariance: Float64Array;
  /** Welch–Satterthwaite degrees of freedom of Var(K∞_i) (Satterthwaite 1946; Welch 1947). */
  readonly interceptDof: Float64Array;
  readonly chi2PerEntry: Float64Array;
  readonly goodness: BiasModelGoodness;
}


export interface BiasModelOptions {
  /** p of a per-network variance law Var ∝ x^p that sets the weights; without it, each entry's estimated weights. */
  readonly varianceExponent?: number;
}

export function fitBiasModel(samples: readonly WidthSample[], options: BiasModelOptions = {}): BiasModelFit {
  const F = samples.length;
  if (F === 0) throw new Error('fitBiasModel: no widths');
  const m = samples[0].mean.length;
  for (const s of samples) {
    if (s.mean.length !== m || s.variance.length !== m) throw new Error('fitBiasModel: widths disagree on the number of entries');
    if (s.covariance && s.covariance.length !== m * m) throw new Error(`fitBiasModel: covariance must be ${m}×${m}`);
  }
  if (F >= 2 && new Set(samples.map((s) => s.x)).size !== F) throw new Error('fitBiasModel: width factors must be distinct');
  const xs = samples.map((s) => s.x);
  const p = options.varianceExponent;
  if (p !== undefined && !(p >= 0 && p <= 2)) throw new Error(`fitBiasModel: varianceExponent must lie in [0, 2], got ${p}`);
  const law = p !== undefined && F >= 2 ? lineWeights(xs, samples.map((s) => s.networks), p) : null;
  // c[f*m + i], b[f*m + i]: intercept and slope weights.
  const c = new Float64Array(F * m);
  const b = new Float64Array(F * m);
  const intercept = new Float64Array(m);
  const slope = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    if (F === 1) {
      c[i] = 1;
      intercept[i] = samples[0].mean[i];
      continue;
    }
    // Estimated weights relative to the entry's largest variance: the fit is invariant to a common
    // factor, and an entry known to ~1e-150 (an identically zero kernel) must not overflow S·S_xx.
    let line = law;
    if (!line) {
      let ref = 0;
      for (let f = 0; f < F; f++) ref = Math.max(ref, samples[f].variance[i]);
      line = lineCoefficients(xs, xs.map((_, f) => ref / samples[f].variance[i]));
    }
    for (let f = 0; f < F; f++) {
      c[f * m + i] = line.intercept[f];
      b[f * m + i] = line.slope[f];
      intercept[i] += line.intercept[f] * samples[f].mean[i];
      slope[i] += line.slope[f] * samples[f].mean[i];
    }
  }
  const cov = (f: number, i: number, j: number): number => {
    const s = samples[f];
    if (i === j) return s.variance[i];
    return s.covariance ? s.covariance[i * m + j] : 0;
  };
  const anyCov = samples.some((s) => s.covariance);
  const interceptCovariance = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = anyCov ? 0 : i; j < (anyCov ? m : i + 1); j++) {
      let v = 0;
      for (let f = 0; f < F; f++) v += c[f * m + i] * c[f * m + j] * cov(f, i, j);
      interceptCovariance[i * m + j] = v;
    }
  const slopeVariance = new Float64Array(m);
  for (let i = 0; i < m; i++) for (let f = 0; f < F; f++) slopeVariance[i] += b[f * m + i] ** 2 * samples[f].variance[i];
  const interceptDof = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let num = 0,
      den = 0;
    let ref = 0;
    for (let f = 0; f < F; f++) ref = Math.max(ref, samples[f].variance[i]);
    for (let f = 0; f < F; f++) {
      // Relative to ref, so that tiny variances do not underflow when squared.
      const v = (c[f * m + i] * c[f * m + i] * samples[f].variance[i]) / ref;
      num += v;
      den += (v * v) / Math.max(1, samples[f].networks - 1);
    }
    interceptDof[i] = den > 0 ? (num * num) / den : Infinity;
  }
  // Residual quadratic forms A_i = B_iᵀ W_i B_i, B_i = I − H_i, H_i[f][g] = c_gi + b_gi x_f.
  const dofPer = Math.max(0, F - 2);
  const A = new Float64Array(m * F * F);
  const chi2PerEntry = new Float64Array(m);
  let Q = 0;
  if (dofPer > 0) {
    const B = new Float64Array(F * F);
    for (let i = 0; i < m; i++) {
      for (let f = 0; f < F; f++)
        for (let g = 0; g < F; g++) B[f * F + g] = (f === g ? 1 : 0) - (c[g * m + i] + b[g * m + i] * xs[f]);
      const base = i * F * F;
      for (let f = 0; f < F; f++)
        for (let g = 0; g < F; g++) {
          let s = 0;
          for (let h = 0; h < F; h++) s += (B[h * F + f] * B[h * F + g]) / samples[h].variance[i];
          A[base + f * F + g] = s;
        }
      let chi2 = 0;
      for (let f = 0; f < F; f++) {
        const r = samples[f].mean[i] - intercept[i] - slope[i] * xs[f];
        chi2 += (r * r) / samples[f].variance[i];
      }
      chi2PerEntry[i] = chi2;
      Q += chi2;
    }
  }
  let goodness: BiasModelGoodness;
  if (dofPer === 0) goodness = { chi2: 0, dof: 0, chi2PerDof: NaN, pValue: NaN, scale: NaN, effectiveDof: NaN };
  else {
    let E = 0;
    for (let i = 0; i < m; i++) for (let f = 0; f < F; f++) E += A[i * F * F + f * F + f] * samples[f].variance[i];
    // tr((AΣ)²) = Σ_{i,j} Σ_{f,g} A_i[f,g] Σ_g[i,j] A_j[g,f] Σ_f[j,i].
    let tr2 = 0;
    for (let i = 0; i < m; i++)
      for (let j = anyCov ? 0 : i; j < (anyCov ? m : i + 1); j++)
        for (let f = 0; f < F; f++) {
          const cfji = cov(f, j, i);
          if (cfji === 0) continue;
          for (let g = 0; g < F; g++) tr2 += A[i * F * F + f * F + g] * cov(g, i, j) * A[j * F * F + g * F + f] * cfji;
        }
    const variance = 2 * tr2;
    const scale = variance / (2 * E);
    const effectiveDof = (2 * E * E) / variance;
    const dof = m * dofPer;
    goodness = { chi2: Q, dof, chi2PerDof: Q / dof, pValue: chiSquaredSurvival(Q / scale, effectiveDof), scale, effectiveDof };
  }
  return { m, widths: F, intercept, slope, interceptWeights: c, slopeVariance, interceptCovariance, interceptDof, chi2PerEntry, goodness };
}

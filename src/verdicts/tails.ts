/**
 * How far the tail of a Studentized, extrapolated mean departs from the normal (Student-t) tail
 * when the per-network kernels are skewed, and the correction of the verdict's normal scores.
 *
 * K∞_i = Σ_f c_fi ȳ_fi is a weighted sum of means over independent ensembles. Its Studentized form
 * T = (K∞ − K)/√V̂, with V̂ = Σ_f c_f² s_f²/N_f, has the Edgeworth expansion of a one-sample
 * Studentized mean (Hall 1992, The Bootstrap and Edgeworth Expansion, §2.6) with the skewness of
 * the sample mean, γ/√n, replaced by the standardized third cumulant of K∞,
 *   λ = κ₃(K∞)/V^{3/2},   κ₃(K∞) = Σ_f c_f³ k₃_f / N_f²,
 * because Cov(numerator, V̂) = κ₃(K∞) exactly, as in one sample. The first-order (n^{-1/2}) term
 * λ(2x² + 1)φ(x)/6 is even in x and moves the two tails in opposite directions: it cancels in the
 * two-sided tail P(|T| ≥ x), which is what max|z| tests. The second-order term does not cancel:
 *   P(|T| ≥ x) = 2Φ̄(x) − 2 q₂(x) φ(x),
 *   q₂(x) = x{κ(x² − 3)/12 − λ²(x⁴ + 2x² − 3)/18 − (x² + 1)/4}
 * (κ the standardized fourth cumulant of K∞; the last term is the Student-t correction the engine
 * already applies through t_ν). Relative to the t tail, the skewness term inflates the two-sided
 * tail by
 *   R(x) = x λ² (x⁴ + 2x² − 3)/18 · φ(x)/Φ̄(x),
 * which grows like λ² x⁶: a skewness that is harmless at α = 0.05 multiplies the tail at the
 * critical values of α = 1e-3 and below several times. (At λ = 0.4 and x = 4, R ≈ 43.)
 *
 * The kurtosis term (negative for κ > 0: self-normalization lightens the tail) is left out: the
 * fourth cumulant of a heavy-tailed sample is the least reliable estimate, and dropping it errs on
 * the conservative side. On exponential samples (skewness 2) 1 + R then matches the simulated
 * inflation of the two-sided t tail where it is small (tails.test.ts: n = 80, x = 3 and 3.5) and
 * overstates it where it is large (n = 80, x = 4: 14.4 predicted, 11.3 simulated over 2·10⁶
 * samples): a correction by 1 + R errs on the conservative side there.
 */
import { erfcScaled } from '../stats/erfcScaled.ts';
import { normalPdf } from '../stats/normalPdf.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import { studentTCdf } from '../stats/studentTCdf.ts';

/** φ(x)/Φ̄(x), the normal hazard (Mills ratio inverse), without underflow for large x. */
export function normalHazard(x: number): number {
  const y = x * Math.SQRT1_2;
  // Φ̄(x) = ½ e^{−x²/2} erfcx(x/√2), so φ/Φ̄ = √(2/π)/erfcx(x/√2) above the erfcx range's start.
  return y > 0.46875 ? Math.sqrt(2 / Math.PI) / erfcScaled(y) : normalPdf(x) / normalSurvival(x);
}

/** The relative excess R(x) ≥ 0 of the two-sided tail of a Studentized mean with skewness term λ. */
export function skewTailExcess(x: number, lambda: number): number {
  const ax = Math.abs(x);
  const poly = ax ** 4 + 2 * ax * ax - 3;
  if (!(poly > 0) || lambda === 0 || !Number.isFinite(lambda)) return 0;
  return ((ax * lambda * lambda * poly) / 18) * normalHazard(ax);
}

/**
 * Two-sided tail P(|T| ≥ |x|) of a Studentized statistic with ν degrees of freedom and skewness
 * term λ: the t tail times 1 + R(x), capped at 1.
 */
export function studentizedTail(x: number, dof: number, lambda: number): number {
  const ax = Math.abs(x);
  const t = Number.isFinite(dof) ? 2 * studentTCdf(-ax, dof) : 2 * normalSurvival(ax);
  return Math.min(1, t * (1 + skewTailExcess(ax, lambda)));
}

/** The signed normal score with the same two-sided tail: sign(x)·Φ̄⁻¹(P(|T| ≥ |x|)/2). */
export function normalScore(x: number, dof: number, lambda: number): number {
  const tail = studentizedTail(x, dof, lambda);
  const s = tail > 0 ? -normalQuantile(tail / 2) : 40;
  return (x < 0 ? -1 : 1) * Math.max(0, s);
}

/**
 * The |x| whose two-sided tail is `tail` (the inverse of studentizedTail), by bisection: the
 * per-entry threshold on the raw z scale that the power computation needs.
 */
export function studentizedThreshold(tail: number, dof: number, lambda: number): number {
  let lo = 0;
  let hi = 2;
  while (studentizedTail(hi, dof, lambda) > tail && hi < 1e6) hi *= 2;
  for (let it = 0; it < 80 && hi - lo > 1e-10 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (studentizedTail(mid, dof, lambda) > tail) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * λ_i per entry from each width's per-network third cumulant k₃_fi (an unbiased k-statistic), the
 * weights c_fi of K∞ on the width means, the networks N_f, and the total variance V_i of the test
 * (Monte-Carlo and analytic parts). The widths contribute the terms t_fi = c_fi³k₃_fi/(N_f² V_i^{3/2}).
 *
 * The second-order expansion above adds them with their signs, λ = Σ_f t_f = κ₃(K∞)/V^{3/2}: every
 * λ² term of a Studentized weighted sum of independent means is a product of E[Z³] and
 * E[Z(V̂ − V)]/V, both that signed sum, and with the true skewness that is right (on a known law the
 * signed sum covers the simulated tail, and a difference of two equally skewed means, Σ t_f = 0, has
 * a tail lighter than Student's). The plug-in is another matter. An extrapolation to x = 0 puts a
 * negative weight on the narrowest width, whose per-network variance and skewness are the largest,
 * so its term cancels the widest width's; and the widest width's k₃ is low exactly on the sample
 * that missed its rare large networks, whose mean is low too. The signed plug-in is then near 0 on
 * the runs that deviate most. √(Σ_f t_f²) cannot be cancelled by one width's estimate, so λ is taken
 * as the larger of |Σ_f t_f| and √(Σ_f t_f²) (the sign is Σ_f t_f's): a robust plug-in, measured, not
 * derived. On 1 200 stored runs of issue 16's two-head relu attention, before any inconclusive rule,
 * the signed sum rejects correct code at 0.080 · 0.022 · 0.0033 at α = 0.05 · 0.01 · 1e-3 on either
 * kernel; the larger of the two at 0.046 · 0.009 · 0.0008 (NNGP) and 0.051 · 0.013 · 0 (NTK). On
 * lognormal networks whose variance falls like 1/width (scripts/calibration/skew-synthetic.ts,
 * skewness 2.3–6.2, estimated weights, x = 2.5–4) the simulated tail is 0.96–1.47 times the signed
 * plug-in's and 0.73–1.00 times this one's. Where the variance does not fall with the width, both
 * are too thin there (1.2–3.4 and 1.2–2.9 times): the choice rests on the stored runs
 * (docs/calibration.md, fifteenth session).
 */
export function extrapolatedSkewness(
  weights: Float64Array,
  k3: readonly Float64Array[],
  networks: readonly number[],
  variance: Float64Array,
  /** 'signed': Σ_f t_f alone, the second-order term (the engine before the fifteenth session). */
  combine: 'larger' | 'signed' = 'larger',
): Float64Array {
  const F = k3.length;
  const m = variance.length;
  const lambda = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = 0;
    let squares = 0;
    for (let f = 0; f < F; f++) {
      const t = (weights[f * m + i] ** 3 * k3[f][i]) / (networks[f] * networks[f]);
      sum += t;
      squares += t * t;
    }
    const kappa = combine === 'signed' ? sum : (sum < 0 ? -1 : 1) * Math.max(Math.abs(sum), Math.sqrt(squares));
    const v = variance[i];
    lambda[i] = v > 0 && Number.isFinite(kappa) ? kappa / v ** 1.5 : 0;
  }
  return lambda;
}

/**
 * A lower bound on the relative standard error of the SD √V̂_i of K∞_i, from the per-network third
 * cumulants alone. V̂ = Σ_f c_f² s_f²/N_f, and Var(s_f²) ≈ (μ₄ − σ⁴)/N_f ≥ k₃²/(σ² N_f) because the
 * kurtosis is at least the squared skewness plus one (Pearson 1916); so
 *   SE(√V̂)/√V ≥ ½ √(Σ_f c_f⁴ k₃_f²/(σ_f² N_f³)) / V.
 * The power needs it because the shift of z per unit error, K/√V̂, is largest on the entries whose
 * SD came out low, and with skewed per-network kernels a low sample SD comes with a low sample mean
 * (Cov(ȳ, s²) = k₃/N): the entry that decides the power is selected for a negative z. Entries with
 * σ_f = 0 or k₃ unknown add nothing.
 */
export function sdRelativeNoise(
  weights: Float64Array,
  k3: readonly Float64Array[],
  sd: readonly Float64Array[],
  networks: readonly number[],
  variance: Float64Array,
): Float64Array {
  const m = variance.length;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let f = 0; f < k3.length; f++)
      if (sd[f][i] > 0 && Number.isFinite(k3[f][i])) s += (weights[f * m + i] ** 4 * k3[f][i] ** 2) / (sd[f][i] ** 2 * networks[f] ** 3);
    out[i] = variance[i] > 0 ? (0.5 * Math.sqrt(s)) / variance[i] : 0;
  }
  return out;
}

/**
 * Σ_f k₃_fi/σ_fi³ per entry: the per-network skewness pooled over the widths (widths whose σ is 0 or
 * whose k₃ is unknown left out). Its sign is the direction of the entry's heavy per-network tail.
 */
export function pooledSkewness(k3: readonly Float64Array[], sd: readonly Float64Array[]): Float64Array {
  const m = k3.length ? k3[0].length : 0;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++)
    for (let f = 0; f < k3.length; f++) if (sd[f][i] > 0 && Number.isFinite(k3[f][i])) out[i] += k3[f][i] / sd[f][i] ** 3;
  return out;
}

/**
 * A λ_i that one ensemble short of its rare large networks cannot pull down. The sample skewness
 * of a heavy-tailed sample is small exactly when the sample missed the rare large values, which is
 * also when its mean is furthest off: a rule that trusts the normal approximation whenever the
 * plug-in skewness is small would keep precisely the runs that go wrong. The widths are
 * independent samples, and a per-network kernel that is a mean over w comparable contributions
 * has skewness ∝ w^{-1/2} when its variance is ∝ 1/w (and a width-independent skewness where its
 * variance does not fall, as at fixed heads): with the variance profile x^p (x = 1/width, p from
 * the widths' variances), γ_fi = γ_i · x_f^{p/2}. γ_i is taken as the largest over the widths of
 * |k₃_fi|/σ_fi³ / x_f^{p/2}, so that a run is trusted only when every width looks light-tailed.
 */
export function extrapolatedSkewnessBound(
  weights: Float64Array,
  k3: readonly Float64Array[],
  sd: readonly Float64Array[],
  x: readonly number[],
  power: number,
  networks: readonly number[],
  variance: Float64Array,
): Float64Array {
  const F = k3.length;
  const m = variance.length;
  const lambda = new Float64Array(m);
  const pooled = pooledSkewness(k3, sd);
  for (let i = 0; i < m; i++) {
    let gamma = 0;
    const sign = pooled[i];
    for (let f = 0; f < F; f++) {
      if (!(sd[f][i] > 0) || !Number.isFinite(k3[f][i])) continue;
      gamma = Math.max(gamma, Math.abs(k3[f][i]) / sd[f][i] ** 3 / x[f] ** (power / 2));
    }
    let kappa = 0;
    for (let f = 0; f < F; f++) kappa += (weights[f * m + i] ** 3 * (sign < 0 ? -1 : 1) * gamma * x[f] ** (power / 2) * sd[f][i] ** 3) / networks[f] ** 2;
    const v = variance[i];
    lambda[i] = v > 0 && Number.isFinite(kappa) ? Math.abs(kappa) / v ** 1.5 : 0;
  }
  return lambda;
}

/**
 * The paper's claims as checks on a sweep (docs/kernels.md §7):
 *
 * - the GP limit as heads grow: single networks' kernels approach the analytic kernel like H^(−1/2),
 *   and the NTK's per-network variance falls like 1/H;
 * - single-head non-Gaussianity under sqrt scaling: positive excess kurtosis of the outputs at one
 *   head that falls as heads grow;
 * - linear against sqrt scaling: at one head, single networks concentrate as width grows under
 *   linear scaling and do not under sqrt scaling.
 *
 * Each claim is a one-sided test at level `alpha` of "no effect" against the direction the theory
 * predicts, on a fitted log-log slope or on a difference of independent estimates. Every standard
 * error comes from the spread of k independent shards (batch means, or the delete-a-shard
 * jackknife), so the statistic is referred to Student's t with k − 1 degrees of freedom, not to the
 * normal: at k = 4 the normal quantile 3.09 has a real level near 0.03, not 0.001. (Slopes and
 * differences pool several such SEs; k − 1 is the smallest of their Welch–Satterthwaite degrees of
 * freedom, so the level is if anything conservative.)
 *
 * Three outcomes. A claim passes when the test rejects "no effect". Otherwise it FAILS only when the
 * data contradict the effect the theory predicts: the predicted effect δ is itself rejected at the
 * same level (t < δ/SE − t_crit), which a true claim does with probability ≤ α. Between the two the
 * claim is inconclusive: the test lacked the power to see δ, and says what power it had,
 * 1 − F_t(t_crit − δ/SE) (the shifted-t approximation of the noncentral t). Predicted effects: the
 * slopes' asymptotic exponents (−1/2, −1), and for the kurtosis claims the fixed-H limit law of
 * src/limits/outputKurtosis.ts where it covers the spec; without a prediction a claim not seen is
 * inconclusive.
 */
import { powerLawFit } from '../stats/powerLawFit.ts';
import { studentTCdf } from '../stats/studentTCdf.ts';
import { studentTQuantile } from '../stats/studentTQuantile.ts';
import type { Check, Estimate, SweepPoint, SweepSection } from '../results/schema.ts';

export interface SlopeFit {
  readonly exponent: number;
  readonly se: number;
  /** Prefactor c of y = c·x^e, for drawing the fitted line. */
  readonly prefactor: number;
  readonly points: number;
}

/**
 * Log-log weighted fit of y = c·x^e; null when fewer than two usable (positive, finite) points.
 * The slope's SE is inflated by √(χ²/dof) when that exceeds 1 (the Birge ratio): a curve that is not
 * a pure power law over the range (a plateau setting in) or understated batch-mean errors then widen
 * the interval instead of making a claim look stronger than the data allow.
 */
export function fitSlope(xs: readonly number[], ys: readonly Estimate[]): SlopeFit | null {
  const keep = xs.map((_, i) => i).filter((i) => ys[i].value > 0 && ys[i].se > 0 && Number.isFinite(ys[i].se));
  if (new Set(keep.map((i) => xs[i])).size < 2) return null;
  const f = powerLawFit(
    keep.map((i) => xs[i]),
    keep.map((i) => ys[i].value),
    keep.map((i) => ys[i].se),
  );
  const birge = f.dof >= 1 ? Math.sqrt(Math.max(1, f.chi2 / f.dof)) : 1;
  return { exponent: f.exponent, se: f.exponentSE * birge, prefactor: f.prefactor, points: keep.length };
}

export function seriesPoints(s: SweepSection, scaling: string, series: 'heads' | 'width'): SweepPoint[] {
  return s.points
    .filter((p) => p.scaling === scaling && p.series.includes(series))
    .sort((a, b) => (series === 'heads' ? a.heads - b.heads : a.width - b.width));
}

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/** The power target below which a claim that is not seen is called inconclusive rather than failed; stated in messages. */
export interface ClaimDecision {
  readonly status: 'passed' | 'failed' | 'inconclusive';
  /** The critical value t_{1−α, dof}. */
  readonly critical: number;
  /** Power to see the predicted effect at this SE, or null without a prediction. */
  readonly power: number | null;
}

/**
 * Decides a one-sided claim with statistic t = estimate/SE on `dof` degrees of freedom, against the
 * predicted effect in SE units (`lambda`, null when the theory gives no size here).
 */
export function decideClaim(t: number, dof: number, alpha: number, lambda: number | null): ClaimDecision {
  const critical = -studentTQuantile(alpha, dof);
  const power = lambda === null || !Number.isFinite(lambda) ? null : 1 - studentTCdf(critical - lambda, dof);
  if (t > critical) return { status: 'passed', critical, power };
  // Contradicted: the predicted effect is rejected at α (one-sided, the same t reference).
  if (lambda !== null && Number.isFinite(lambda) && t < lambda - critical) return { status: 'failed', critical, power };
  return { status: 'inconclusive', critical, power };
}

export function sweepClaims(s: SweepSection, alpha = 1e-3): Check[] {
  const checks: Check[] = [];
  /**
   * `stat` = estimate/SE in the predicted direction; `predicted` = the theory's effect in the same
   * units as the estimate, with `se` its SE; `points` = the grid points whose shards gave the SEs.
   */
  const claim = (
    name: string,
    stat: number,
    message: string,
    details: Record<string, number | string>,
    effect: { predicted: number | null; se: number; what: string },
    points: readonly SweepPoint[],
  ) => {
    const dof = Math.max(1, Math.min(...points.map((p) => p.shards)) - 1);
    const lambda = effect.predicted === null ? null : effect.predicted / effect.se;
    const d = decideClaim(stat, dof, alpha, lambda);
    const powerText =
      d.power === null ? `no predicted size for this spec (${effect.what})` : `power ${fmt(d.power)} to see the predicted ${effect.what}`;
    const verdict =
      d.status === 'passed'
        ? ''
        : d.status === 'failed'
          ? `; the predicted ${effect.what} is contradicted (t < ${fmt(lambda! - d.critical)})`
          : `; inconclusive: ${powerText}, more networks or shards give more`;
    checks.push({
      group: 'claims',
      name,
      status: d.status,
      message: `${message}; t = ${fmt(stat)} (needs > ${fmt(d.critical)}: one-sided α = ${alpha}, Student t with ${dof} dof from ${dof + 1} shards)${verdict}`,
      details: {
        t: stat,
        dof,
        critical: d.critical,
        pValue: studentTCdf(-stat, dof),
        alpha,
        ...(effect.predicted === null ? {} : { predictedEffect: effect.predicted, power: d.power ?? NaN }),
        ...details,
      },
    });
  };
  const kurtosisAtOne = s.predictions?.sqrtExcessKurtosisAtOneHead ?? null;
  const kurtosisAt = (H: number) => (kurtosisAtOne === null ? null : kurtosisAtOne / H);

  // The many-heads GP limit is a claim about sqrt scaling: under linear scaling one head is already
  // a GP as width grows, and heads only add value channels.
  if (s.config.scalings.includes('sqrt')) {
    const H = seriesPoints(s, 'sqrt', 'heads');
    const hs = H.map((p) => p.heads);
    for (const kernel of ['nngp', 'ntk'] as const) {
      const f = fitSlope(hs, H.map((p) => p[kernel].perNetworkError));
      if (f)
        claim(
          `sqrt: per-network ${kernel.toUpperCase()} error falls with heads`,
          -f.exponent / f.se,
          `slope ${fmt(f.exponent)} ± ${fmt(f.se)} over H = ${hs.join(',')} at width ×${s.config.baseWidth} (theory −1/2 once heads dominate)`,
          { slope: f.exponent, slopeSE: f.se },
          { predicted: 0.5, se: f.se, what: 'slope −1/2' },
          H,
        );
    }
    const v = fitSlope(hs, H.map((p) => p.ntk.relativeVariance));
    if (v)
      claim('sqrt: per-network NTK variance falls with heads', -v.exponent / v.se, `slope ${fmt(v.exponent)} ± ${fmt(v.se)} (theory −1)`, { slope: v.exponent, slopeSE: v.se }, { predicted: 1, se: v.se, what: 'slope −1' }, H);
    if (H.length >= 2) {
      const [first, last] = [H[0], H[H.length - 1]];
      const k1 = first.outputs.meanExcessKurtosis;
      const kN = last.outputs.meanExcessKurtosis;
      const p1 = kurtosisAt(first.heads);
      const pN = kurtosisAt(last.heads);
      claim(
        `sqrt: outputs at H=${first.heads} are not Gaussian`,
        k1.value / k1.se,
        `mean excess kurtosis ${fmt(k1.value)} ± ${fmt(k1.se)} at H=${first.heads}, width ×${first.width}${p1 === null ? '' : ` (limit law: ${fmt(p1)})`}`,
        { kurtosis: k1.value, kurtosisSE: k1.se },
        { predicted: p1, se: k1.se, what: `excess kurtosis ${p1 === null ? '' : fmt(p1)}`.trim() },
        [first],
      );
      const diffSE = Math.hypot(k1.se, kN.se);
      claim(
        `sqrt: excess kurtosis falls from H=${first.heads} to H=${last.heads}`,
        (k1.value - kN.value) / diffSE,
        `${fmt(k1.value)} ± ${fmt(k1.se)} → ${fmt(kN.value)} ± ${fmt(kN.se)} (theory ∝ 1/H${p1 === null || pN === null ? '' : `: ${fmt(p1)} → ${fmt(pN)}`})`,
        { from: k1.value, to: kN.value },
        { predicted: p1 === null || pN === null ? null : p1 - pN, se: diffSE, what: 'fall of the excess kurtosis' },
        [first, last],
      );
    }
  }

  // Linear against sqrt at one head: the width series' slopes of the per-network NTK error.
  const slope = (scaling: string) => {
    const W = seriesPoints(s, scaling, 'width');
    return { fit: fitSlope(W.map((p) => p.width), W.map((p) => p.ntk.perNetworkError)), W };
  };
  const lin = slope('linear');
  if (s.config.scalings.includes('linear') && lin.fit)
    claim(
      `linear: per-network NTK concentrates with width at H=${s.config.baseHeads}`,
      -lin.fit.exponent / lin.fit.se,
      `slope ${fmt(lin.fit.exponent)} ± ${fmt(lin.fit.se)} (theory −1/2)`,
      { slope: lin.fit.exponent, slopeSE: lin.fit.se },
      { predicted: 0.5, se: lin.fit.se, what: 'slope −1/2' },
      lin.W,
    );
  if (s.config.scalings.includes('linear') && s.config.scalings.includes('sqrt')) {
    const sq = slope('sqrt');
    if (lin.fit && sq.fit) {
      const se = Math.hypot(sq.fit.se, lin.fit.se);
      claim(
        `sqrt: per-network NTK concentrates more slowly with width than linear at H=${s.config.baseHeads}`,
        (sq.fit.exponent - lin.fit.exponent) / se,
        `width slope sqrt ${fmt(sq.fit.exponent)} ± ${fmt(sq.fit.se)} against linear ${fmt(lin.fit.exponent)} ± ${fmt(lin.fit.se)} (theory: sqrt → 0, a plateau set by the random logits)`,
        { sqrtSlope: sq.fit.exponent, linearSlope: lin.fit.exponent },
        { predicted: 0.5, se, what: 'difference of slopes 1/2' },
        [...lin.W, ...sq.W],
      );
    }
    const kl = seriesPoints(s, 'linear', 'heads')[0];
    const ks = seriesPoints(s, 'sqrt', 'heads')[0];
    if (kl && ks) {
      const [a, b] = [ks.outputs.meanExcessKurtosis, kl.outputs.meanExcessKurtosis];
      const se = Math.hypot(a.se, b.se);
      const p = kurtosisAt(ks.heads);
      claim(
        `sqrt outputs are further from Gaussian than linear at H=${Math.min(...s.config.heads)}`,
        (a.value - b.value) / se,
        `excess kurtosis sqrt ${fmt(a.value)} ± ${fmt(a.se)} against linear ${fmt(b.value)} ± ${fmt(b.se)}`,
        { sqrt: a.value, linear: b.value },
        // Under linear scaling the limit law is Gaussian: the whole predicted sqrt kurtosis is the difference.
        { predicted: p, se, what: `difference of excess kurtosis ${p === null ? '' : fmt(p)}`.trim() },
        [ks, kl],
      );
    }
  }
  return checks;
}

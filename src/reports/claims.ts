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
 * Each check is a one-sided z-test at level `alpha` (on a fitted log-log slope, or on a difference
 * of two independent estimates); a check is only made where the grid has the points it needs.
 */
import { powerLawFit } from '../stats/powerLawFit.ts';
import { normalQuantile } from '../stats/normalQuantile.ts';
import { normalSurvival } from '../stats/normalSurvival.ts';
import type { Check, Estimate, SweepPoint, SweepSection } from './schema.ts';

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

export function sweepClaims(s: SweepSection, alpha = 1e-3): Check[] {
  const z = normalQuantile(1 - alpha);
  const checks: Check[] = [];
  const claim = (name: string, stat: number, message: string, details: Record<string, number | string>) =>
    checks.push({
      group: 'claims',
      name,
      status: stat > z ? 'passed' : 'failed',
      message: `${message}; z = ${fmt(stat)} (needs > ${fmt(z)}, one-sided α = ${alpha})`,
      details: { z: stat, pValue: normalSurvival(stat), alpha, ...details },
    });

  // The many-heads GP limit is a claim about sqrt scaling: under linear scaling one head is already
  // a GP as width grows, and heads only add value channels.
  if (s.config.scalings.includes('sqrt')) {
    const H = seriesPoints(s, 'sqrt', 'heads');
    const hs = H.map((p) => p.heads);
    for (const kernel of ['nngp', 'ntk'] as const) {
      const f = fitSlope(hs, H.map((p) => p[kernel].perNetworkError));
      if (f)
        claim(`sqrt: per-network ${kernel.toUpperCase()} error falls with heads`, -f.exponent / f.se, `slope ${fmt(f.exponent)} ± ${fmt(f.se)} over H = ${hs.join(',')} at width ×${s.config.baseWidth} (theory −1/2 once heads dominate)`, {
          slope: f.exponent,
          slopeSE: f.se,
        });
    }
    const v = fitSlope(hs, H.map((p) => p.ntk.relativeVariance));
    if (v)
      claim('sqrt: per-network NTK variance falls with heads', -v.exponent / v.se, `slope ${fmt(v.exponent)} ± ${fmt(v.se)} (theory −1)`, { slope: v.exponent, slopeSE: v.se });
    if (H.length >= 2) {
      const k1 = H[0].outputs.meanExcessKurtosis;
      const kN = H[H.length - 1].outputs.meanExcessKurtosis;
      claim(`sqrt: outputs at H=${H[0].heads} are not Gaussian`, k1.value / k1.se, `mean excess kurtosis ${fmt(k1.value)} ± ${fmt(k1.se)} at H=${H[0].heads}, width ×${H[0].width}`, {
        kurtosis: k1.value,
        kurtosisSE: k1.se,
      });
      claim(
        `sqrt: excess kurtosis falls from H=${H[0].heads} to H=${H[H.length - 1].heads}`,
        (k1.value - kN.value) / Math.hypot(k1.se, kN.se),
        `${fmt(k1.value)} ± ${fmt(k1.se)} → ${fmt(kN.value)} ± ${fmt(kN.se)} (theory ∝ 1/H)`,
        { from: k1.value, to: kN.value },
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
    claim(`linear: per-network NTK concentrates with width at H=${s.config.baseHeads}`, -lin.fit.exponent / lin.fit.se, `slope ${fmt(lin.fit.exponent)} ± ${fmt(lin.fit.se)} (theory −1/2)`, {
      slope: lin.fit.exponent,
      slopeSE: lin.fit.se,
    });
  if (s.config.scalings.includes('linear') && s.config.scalings.includes('sqrt')) {
    const sq = slope('sqrt');
    if (lin.fit && sq.fit)
      claim(
        `sqrt: per-network NTK concentrates more slowly with width than linear at H=${s.config.baseHeads}`,
        (sq.fit.exponent - lin.fit.exponent) / Math.hypot(sq.fit.se, lin.fit.se),
        `width slope sqrt ${fmt(sq.fit.exponent)} ± ${fmt(sq.fit.se)} against linear ${fmt(lin.fit.exponent)} ± ${fmt(lin.fit.se)} (theory: sqrt → 0, a plateau set by the random logits)`,
        { sqrtSlope: sq.fit.exponent, linearSlope: lin.fit.exponent },
      );
    const kl = seriesPoints(s, 'linear', 'heads')[0]?.outputs.meanExcessKurtosis;
    const ks = seriesPoints(s, 'sqrt', 'heads')[0]?.outputs.meanExcessKurtosis;
    if (kl && ks)
      claim(
        `sqrt outputs are further from Gaussian than linear at H=${Math.min(...s.config.heads)}`,
        (ks.value - kl.value) / Math.hypot(ks.se, kl.se),
        `excess kurtosis sqrt ${fmt(ks.value)} ± ${fmt(ks.se)} against linear ${fmt(kl.value)} ± ${fmt(kl.se)}`,
        { sqrt: ks.value, linear: kl.value },
      );
  }
  return checks;
}

/**
 * The size of the finite-width bias at each width, with its standard error, as input to a
 * convergence-rate fit: b_f² = ‖E[K̂_f] − K‖² / ‖K‖² over the unique valid entries.
 *
 * With d = K̂_f − K ~ N(β, C) (β the bias, C the covariance of the mean), E‖d‖² = ‖β‖² + tr C,
 * so ‖d‖² − tr C is unbiased for ‖β‖², with Var ‖d‖² = 4 βᵀCβ + 2 tr(C²) (moments of a Gaussian
 * quadratic form; e.g. Mathai & Provost 1992, Quadratic Forms in Random Variables, Thm 3.2b.2),
 * evaluated at the estimate. The relative bias is √ of it (0 when the estimate is negative:
 * unresolved), and its SE follows by the delta method, σ_b = σ_{b²}/(2b).
 */
import { uniqueEntries, type WidthEstimate } from './kernelAgreement.ts';

export interface BiasAtWidth {
  readonly scale: number;
  readonly bias: number;
  readonly se: number;
}

export function biasByWidth(analytic: Float64Array, mask: Float64Array, estimates: readonly WidthEstimate[]): BiasAtWidth[] {
  const P = mask.length;
  const P2 = P * P;
  const { idx } = uniqueEntries(mask);
  const m = idx.length;
  let norm = 0;
  for (let a = 0; a < m; a++) norm += analytic[idx[a]] ** 2;
  return estimates.map((e) => {
    const d = new Float64Array(m);
    let sq = 0;
    let trC = 0;
    for (let a = 0; a < m; a++) {
      d[a] = e.mean[idx[a]] - analytic[idx[a]];
      sq += d[a] * d[a];
      trC += e.se[idx[a]] ** 2;
    }
    const b2 = Math.max(0, sq - trC);
    // βᵀCβ and tr(C²), with β estimated by d scaled to the bias-only norm.
    const shrink = sq > 0 ? b2 / sq : 0;
    let bCb = 0;
    let trC2 = 0;
    for (let a = 0; a < m; a++)
      for (let c = 0; c < m; c++) {
        const cov = e.covariance ? e.covariance[idx[a] * P2 + idx[c]] : a === c ? e.se[idx[a]] ** 2 : 0;
        bCb += d[a] * cov * d[c] * shrink;
        trC2 += cov * cov;
      }
    const varB2 = 4 * bCb + 2 * trC2;
    const bias = Math.sqrt(b2 / norm);
    const se = bias > 0 ? Math.sqrt(varB2) / norm / (2 * bias) : Math.sqrt(Math.sqrt(varB2) / norm);
    return { scale: e.scale, bias, se };
  });
}

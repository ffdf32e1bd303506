/**
 * Moments of samples that are NOT Gaussian, with standard errors that do not assume they are
 * (src/stats/excessKurtosisWithSE's SE is exact only for a normal sample: right for testing
 * Gaussianity, too small for measuring how fast a heavy-tailed law approaches it).
 *
 * Both use the delta method on the sample's own moments (the influence function of the statistic),
 * first order in 1/n: good for the n in the thousands the attention sweeps use.
 */
import { excessKurtosisWithSE } from '../stats/excessKurtosisWithSE.ts';

export interface Estimate {
  readonly value: number;
  readonly se: number;
  readonly n: number;
}

/**
 * Excess kurtosis G2 (the same estimator as src/stats) with the delta-method SE of g2 = m4/m2² − 3:
 * influence of one draw (x − x̄)⁴/m2² − 4m3(x − x̄)/m2² − 2(m4/m2³)((x − x̄)² − m2), centred.
 */
export function excessKurtosisDelta(sample: readonly number[] | Float64Array): Estimate {
  const xs = Array.from(sample);
  const { value, n } = excessKurtosisWithSE(xs);
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let m2 = 0,
    m3 = 0,
    m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  ((m2 /= n), (m3 /= n), (m4 /= n));
  const inf = xs.map((x) => {
    const d = x - mean;
    return (d ** 4 - m4) / (m2 * m2) - (4 * m3 * d) / (m2 * m2) - (2 * m4 * (d * d - m2)) / (m2 * m2 * m2);
  });
  let s2 = 0;
  for (const v of inf) s2 += v * v;
  return { value, se: Math.sqrt(s2 / (n - 1) / n), n };
}

/**
 * The total variance across networks of a vector quantity (e.g. the per-network NTK over its
 * entries), tr Cov = Σ_i Var(θ_i), with its SE: the mean of d_k = ‖θ_k − θ̄‖²·n/(n−1) and the
 * spread of the d_k / √n.
 */
export function totalVariance(rows: readonly (Float64Array | readonly number[])[]): Estimate {
  const n = rows.length;
  if (n < 3) throw new RangeError('totalVariance needs at least three rows');
  const dim = rows[0].length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i] += r[i] / n;
  const d = rows.map((r) => {
    let s = 0;
    for (let i = 0; i < dim; i++) s += (r[i] - mean[i]) ** 2;
    return (s * n) / (n - 1);
  });
  const value = d.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - value) ** 2, 0) / (n - 1));
  return { value, se: sd / Math.sqrt(n), n };
}

/**
 * Summaries of a sharded ensemble (one grid point of a sweep), with standard errors that do not
 * assume normality.
 *
 * The ensemble of one grid point is run in B independent shards (disjoint network indices), each
 * with its own moment accumulator. A statistic that is a mean over networks gets its standard error
 * from the spread of its shard values (batch means); a smooth non-linear statistic (kurtosis) from
 * the delete-a-shard jackknife. Both hold for heavy-tailed per-network values, which is exactly the
 * regime the reports are about (sqrt attention at one head).
 */
import { sampleKurtosis, sampleSkewness } from 'simple-statistics';
import type { MomentAccumulator } from './accumulator.ts';
import type { Estimate, KernelSpread } from '../results/schema.ts';

function sumSquares(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/** Mean and standard error of the mean of equally weighted batch values. */
export function batchMean(values: readonly number[]): Estimate {
  const B = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / B;
  if (B < 2) return { value: mean, se: NaN };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (B - 1);
  return { value: mean, se: Math.sqrt(v / B) };
}

/**
 * How far single networks' kernels are from the analytic one, from shard accumulators.
 *
 * Per shard b with n_b networks: (1/n_b) Σ_k ‖K̂_k − K‖² = Σ_i m2_b[i]/n_b + ‖mean_b − K‖² exactly
 * (the parallel-axis identity), so no per-network matrix needs keeping. The RMS error is the square
 * root of the shard average; its SE follows by the delta method, SE(√x) = SE(x)/(2√x).
 */
export function kernelSpread(shards: readonly MomentAccumulator[], merged: MomentAccumulator, analytic: ArrayLike<number>): KernelSpread {
  const norm2 = sumSquares(analytic);
  const sq: number[] = [];
  const rv: number[] = [];
  for (const acc of shards) {
    let m2 = 0;
    let bias = 0;
    for (let i = 0; i < acc.dim; i++) {
      m2 += acc.m2[i];
      bias += (acc.mean[i] - analytic[i]) ** 2;
    }
    sq.push((m2 / acc.count + bias) / norm2);
    rv.push(m2 / (acc.count - 1) / norm2);
  }
  const e2 = batchMean(sq);
  const e = Math.sqrt(e2.value);
  let gap = 0;
  let noise = 0;
  const v = merged.variance();
  for (let i = 0; i < merged.dim; i++) {
    gap += (merged.mean[i] - analytic[i]) ** 2;
    noise += v[i] / merged.count;
  }
  return {
    perNetworkError: { value: e, se: e > 0 ? e2.se / (2 * e) : NaN },
    relativeVariance: batchMean(rv),
    meanError: Math.sqrt(gap / norm2),
    noiseFloor: Math.sqrt(noise / norm2),
  };
}

/**
 * Delete-a-group jackknife (Quenouille–Tukey): θ on all groups, its SE from the B leave-one-out
 * values, SE² = (B−1)/B · Σ (θ₋b − θ̄)². Groups are independent (shards); what is inside a group
 * may be correlated.
 */
export function jackknife<G>(groups: readonly G[], stat: (groups: readonly G[]) => number): Estimate {
  const value = stat(groups);
  const B = groups.length;
  if (B < 2) return { value, se: NaN };
  const loo = groups.map((_, b) => stat(groups.filter((__, c) => c !== b)));
  const mean = loo.reduce((a, x) => a + x, 0) / B;
  const se = Math.sqrt(((B - 1) / B) * loo.reduce((a, x) => a + (x - mean) ** 2, 0));
  return { value, se };
}

export const excessKurtosis = (x: readonly number[]): number => sampleKurtosis(x as number[]);
export const skewness = (x: readonly number[]): number => sampleSkewness(x as number[]);

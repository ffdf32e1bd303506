/**
 * Whether two estimators of the same kernel, computed on the same networks, have the same mean:
 * the check that a variance reduction keeps an estimator unbiased. Per network the difference of
 * the two kernels; over networks its mean and covariance; the statistic max_i |z_i| over the
 * unique entries, referred to the verdict engine's joint null of correlated z-scores
 * (src/verdicts/maxAbsGaussian.ts). Also the per-entry variances of each estimator, for the
 * variance ratio the reduction buys.
 */
import { MomentAccumulator } from '../estimators/accumulator.ts';
import { MaxAbsGaussian } from '../verdicts/maxAbsGaussian.ts';

export interface PairedComparison {
  /** Networks compared. */
  readonly networks: number;
  /** The entries compared (indices into the P² kernel): the upper triangle of the valid rows. */
  readonly entries: readonly number[];
  /** z of the mean difference per compared entry. */
  readonly z: Float64Array;
  readonly maxAbsZ: number;
  /** P(max|Z| ≥ maxAbsZ) under the null of equal means, with the z-scores' estimated correlation. */
  readonly pValue: number;
  /** Per-network variance of each estimator per compared entry. */
  readonly varianceA: Float64Array;
  readonly varianceB: Float64Array;
}

/**
 * Collects per-network kernels of two estimators on the same networks (`addA`, `addB` in any
 * order, matched by network index) and compares them. `valid` marks the P rows that count (padded
 * positions do not).
 */
export class PairedKernels {
  private readonly a = new Map<number, Float64Array>();
  private readonly b = new Map<number, Float64Array>();
  constructor(
    private readonly P: number,
    private readonly valid: ArrayLike<number> = new Float64Array(P).fill(1),
  ) {}

  addA(network: number, values: ArrayLike<number>): void {
    this.a.set(network, Float64Array.from(values));
  }

  addB(network: number, values: ArrayLike<number>): void {
    this.b.set(network, Float64Array.from(values));
  }

  compare(draws = 4000): PairedComparison {
    const { P, valid } = this;
    const entries: number[] = [];
    for (let i = 0; i < P; i++) for (let j = i; j < P; j++) if (valid[i] && valid[j]) entries.push(i * P + j);
    const m = entries.length;
    const diff = new MomentAccumulator(m, true);
    const accA = new MomentAccumulator(m);
    const accB = new MomentAccumulator(m);
    const pick = (v: Float64Array) => Float64Array.from(entries, (e) => v[e]);
    for (const [k, va] of this.a) {
      const vb = this.b.get(k);
      if (!vb) throw new Error(`PairedKernels: network ${k} has a kernel from the first estimator only`);
      const xa = pick(va);
      const xb = pick(vb);
      diff.add(xa.map((x, i) => x - xb[i]));
      accA.add(xa);
      accB.add(xb);
    }
    if (diff.count !== this.b.size) throw new Error('PairedKernels: some networks have a kernel from the second estimator only');
    const n = diff.count;
    if (n < 3) throw new Error(`PairedKernels: needs at least 3 networks, got ${n}`);
    const se = diff.standardError();
    const z = Float64Array.from(diff.mean, (d, i) => (se[i] > 0 ? d / se[i] : 0));
    const cov = diff.cov!;
    const corr = new Float64Array(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        const d = Math.sqrt(cov[i * m + i] * cov[j * m + j]);
        corr[i * m + j] = i === j ? 1 : d > 0 ? cov[i * m + j] / d : 0;
      }
    const maxAbsZ = Math.max(...Array.from(z, Math.abs));
    const pValue = new MaxAbsGaussian(corr, m, { draws, seed: 'estimators/paired' }).tail(maxAbsZ).p;
    const variance = (acc: MomentAccumulator) => Float64Array.from(acc.m2, (v) => v / (n - 1));
    return { networks: n, entries, z, maxAbsZ, pValue, varianceA: variance(accA), varianceB: variance(accB) };
  }
}

/**
 * The same question for two independent ensembles (different draws): the difference of their
 * means over the unique valid entries, with covariance cov_A/n_A + cov_B/n_B (both accumulators
 * must track covariances), referred to the same joint null.
 */
export function compareIndependent(a: MomentAccumulator, b: MomentAccumulator, P: number, valid: ArrayLike<number> = new Float64Array(P).fill(1), draws = 4000): { maxAbsZ: number; pValue: number } {
  if (!a.cov || !b.cov) throw new Error('compareIndependent: both accumulators must track covariances');
  const entries: number[] = [];
  for (let i = 0; i < P; i++) for (let j = i; j < P; j++) if (valid[i] && valid[j]) entries.push(i * P + j);
  const m = entries.length;
  const D = P * P;
  const cov = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const e = entries[i] * D + entries[j];
      cov[i * m + j] = a.cov[e] / ((a.count - 1) * a.count) + b.cov[e] / ((b.count - 1) * b.count);
    }
  const z = entries.map((e, i) => (cov[i * m + i] > 0 ? (a.mean[e] - b.mean[e]) / Math.sqrt(cov[i * m + i]) : 0));
  const corr = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const d = Math.sqrt(cov[i * m + i] * cov[j * m + j]);
      corr[i * m + j] = i === j ? 1 : d > 0 ? cov[i * m + j] / d : 0;
    }
  const maxAbsZ = Math.max(...z.map(Math.abs));
  return { maxAbsZ, pValue: new MaxAbsGaussian(corr, m, { draws, seed: 'estimators/independent' }).tail(maxAbsZ).p };
}

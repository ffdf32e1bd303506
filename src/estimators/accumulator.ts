/**
 * Streaming, mergeable moments of a vector of estimates, one vector per network: means, second
 * central sums (and co-moments across coordinates when asked), and the third and fourth central
 * sums per coordinate. Updates are Welford's (1962) and, for the higher sums, Pébay's (2008,
 * "Formulas for robust, one-pass parallel computation of covariances and arbitrary-order
 * statistical moments", Sandia SAND2008-6212, eqs. 1.5 and 2.1–2.3); merges are Chan, Golub &
 * LeVeque's (1979) pairwise formula and its higher-order form in Pébay (2008), so shards combine
 * into the statistics of the whole sample. Float64 throughout.
 *
 * The higher sums give each coordinate's skewness and kurtosis across networks: the verdict engine
 * needs them to know whether the normal approximation of a Studentized mean holds in the tail it
 * decides in (src/verdicts/tails.ts).
 */

export interface AccumulatorJSON {
  readonly dim: number;
  readonly count: number;
  readonly mean: number[];
  readonly m2: number[];
  readonly cov: number[] | null;
  /** Third and fourth central sums (absent in files written before they were tracked). */
  readonly m3?: number[];
  readonly m4?: number[];
}

export class MomentAccumulator {
  count = 0;
  readonly mean: Float64Array;
  /** Σ (x − mean)² per coordinate. */
  readonly m2: Float64Array;
  /** Σ (x − mean)³ and Σ (x − mean)⁴ per coordinate; NaN once merged with a sum that lacks them. */
  readonly m3: Float64Array;
  readonly m4: Float64Array;
  /** Σ (x − mean)(x − mean)ᵀ, row-major dim², when tracked. */
  readonly cov: Float64Array | null;
  private readonly delta: Float64Array;

  constructor(
    readonly dim: number,
    trackCovariance = false,
  ) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
    this.m3 = new Float64Array(dim);
    this.m4 = new Float64Array(dim);
    this.cov = trackCovariance ? new Float64Array(dim * dim) : null;
    this.delta = new Float64Array(dim);
  }

  add(x: ArrayLike<number>): void {
    if (x.length !== this.dim) throw new Error(`MomentAccumulator.add: expected ${this.dim} values, got ${x.length}`);
    this.count++;
    const n = this.count;
    const { mean, m2, m3, m4, cov, delta } = this;
    for (let i = 0; i < this.dim; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) throw new Error(`MomentAccumulator.add: value ${i} is ${v}; a network produced a non-finite output`);
      const d = v - mean[i];
      delta[i] = d;
      const dn = d / n;
      const dn2 = dn * dn;
      const t = d * dn * (n - 1);
      // Pébay (2008) eq. 2.1–2.3: each sum updated from the old lower ones, highest first.
      m4[i] += t * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * m2[i] - 4 * dn * m3[i];
      m3[i] += t * dn * (n - 2) - 3 * dn * m2[i];
      mean[i] += dn;
      m2[i] += t;
    }
    if (cov) {
      // Welford's update for the co-moment: (x − old mean)(x − new mean)ᵀ.
      for (let i = 0; i < this.dim; i++) {
        const di = delta[i];
        const row = i * this.dim;
        for (let j = 0; j < this.dim; j++) cov[row + j] += di * (x[j] - mean[j]);
      }
    }
  }

  merge(other: MomentAccumulator): void {
    if (other.dim !== this.dim) throw new Error(`MomentAccumulator.merge: dimensions differ (${this.dim} vs ${other.dim})`);
    if (other.count === 0) return;
    const na = this.count;
    const nb = other.count;
    const n = na + nb;
    const d = this.delta;
    for (let i = 0; i < this.dim; i++) d[i] = other.mean[i] - this.mean[i];
    const f = (na * nb) / n;
    for (let i = 0; i < this.dim; i++) {
      const di = d[i];
      const [a2, b2, a3, b3] = [this.m2[i], other.m2[i], this.m3[i], other.m3[i]];
      // Pébay (2008) eq. 1.5 (p = 3, 4), with the old second and third sums of both halves.
      this.m4[i] +=
        other.m4[i] +
        di ** 4 * f * ((na * na - na * nb + nb * nb) / (n * n)) +
        (6 * di * di * (na * na * b2 + nb * nb * a2)) / (n * n) +
        (4 * di * (na * b3 - nb * a3)) / n;
      this.m3[i] += b3 + di ** 3 * f * ((na - nb) / n) + (3 * di * (na * b2 - nb * a2)) / n;
      this.m2[i] += b2 + di * di * f;
      this.mean[i] += (di * nb) / n;
    }
    if (this.cov) {
      if (!other.cov) throw new Error('MomentAccumulator.merge: the other accumulator does not track covariance');
      for (let i = 0; i < this.dim; i++)
        for (let j = 0; j < this.dim; j++) this.cov[i * this.dim + j] += other.cov[i * this.dim + j] + d[i] * d[j] * f;
    }
    this.count = n;
  }

  /** Unbiased sample variance per coordinate. */
  variance(): Float64Array {
    return this.m2.map((v) => (this.count > 1 ? v / (this.count - 1) : NaN));
  }

  /** Standard error of the mean per coordinate. */
  standardError(): Float64Array {
    return this.variance().map((v) => Math.sqrt(v / this.count));
  }

  /**
   * Unbiased estimates of the third and fourth cumulants per coordinate (Fisher's k-statistics
   * k3, k4; e.g. Kendall & Stuart, The Advanced Theory of Statistics, vol. 1, §12.8), NaN below
   * four networks or where the higher sums are missing.
   */
  cumulants(): { readonly k3: Float64Array; readonly k4: Float64Array } {
    const n = this.count;
    const k3 = new Float64Array(this.dim).fill(NaN);
    const k4 = new Float64Array(this.dim).fill(NaN);
    if (n < 4) return { k3, k4 };
    for (let i = 0; i < this.dim; i++) {
      const [s2, s3, s4] = [this.m2[i], this.m3[i], this.m4[i]];
      k3[i] = (n * s3) / ((n - 1) * (n - 2));
      k4[i] = (n * ((n + 1) * s4 - (3 * (n - 1) * s2 * s2) / n)) / ((n - 1) * (n - 2) * (n - 3));
    }
    return { k3, k4 };
  }

  toJSON(): AccumulatorJSON {
    return {
      dim: this.dim,
      count: this.count,
      mean: Array.from(this.mean),
      m2: Array.from(this.m2),
      m3: Array.from(this.m3),
      m4: Array.from(this.m4),
      cov: this.cov ? Array.from(this.cov) : null,
    };
  }

  static fromJSON(j: AccumulatorJSON): MomentAccumulator {
    const a = new MomentAccumulator(j.dim, j.cov !== null);
    a.count = j.count;
    a.mean.set(j.mean);
    a.m2.set(j.m2);
    if (j.m3 && j.m4) {
      a.m3.set(j.m3);
      a.m4.set(j.m4);
    } else {
      a.m3.fill(NaN);
      a.m4.fill(NaN);
    }
    if (j.cov && a.cov) a.cov.set(j.cov);
    return a;
  }
}

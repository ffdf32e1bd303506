/**
 * Streaming, mergeable first and second moments of a vector of estimates, one vector per network.
 * Updates are Welford's (1962); merges are Chan, Golub & LeVeque's (1979) pairwise formula, so
 * shards combine into the statistics of the whole sample. Float64 throughout.
 */

export interface AccumulatorJSON {
  readonly dim: number;
  readonly count: number;
  readonly mean: number[];
  readonly m2: number[];
  readonly cov: number[] | null;
}

export class MomentAccumulator {
  count = 0;
  readonly mean: Float64Array;
  /** Σ (x − mean)² per coordinate. */
  readonly m2: Float64Array;
  /** Σ (x − mean)(x − mean)ᵀ, row-major dim², when tracked. */
  readonly cov: Float64Array | null;
  private readonly delta: Float64Array;

  constructor(
    readonly dim: number,
    trackCovariance = false,
  ) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
    this.cov = trackCovariance ? new Float64Array(dim * dim) : null;
    this.delta = new Float64Array(dim);
  }

  add(x: ArrayLike<number>): void {
    if (x.length !== this.dim) throw new Error(`MomentAccumulator.add: expected ${this.dim} values, got ${x.length}`);
    this.count++;
    const n = this.count;
    const { mean, m2, cov, delta } = this;
    for (let i = 0; i < this.dim; i++) {
      const v = x[i];
      if (!Number.isFinite(v)) throw new Error(`MomentAccumulator.add: value ${i} is ${v}; a network produced a non-finite output`);
      delta[i] = v - mean[i];
      mean[i] += delta[i] / n;
      m2[i] += delta[i] * (v - mean[i]);
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
      this.m2[i] += other.m2[i] + d[i] * d[i] * f;
      this.mean[i] += (d[i] * nb) / n;
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

  toJSON(): AccumulatorJSON {
    return {
      dim: this.dim,
      count: this.count,
      mean: Array.from(this.mean),
      m2: Array.from(this.m2),
      cov: this.cov ? Array.from(this.cov) : null,
    };
  }

  static fromJSON(j: AccumulatorJSON): MomentAccumulator {
    const a = new MomentAccumulator(j.dim, j.cov !== null);
    a.count = j.count;
    a.mean.set(j.mean);
    a.m2.set(j.m2);
    if (j.cov && a.cov) a.cov.set(j.cov);
    return a;
  }
}

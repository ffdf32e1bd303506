/**
 * Control variates for the per-network kernels: quantities of each network whose expectation is
 * known exactly at every width, subtracted with coefficients fitted on pilot networks drawn with an
 * independent seed. The coefficients do not depend on the networks of the run, so those stay
 * i.i.d. and the estimator stays unbiased; only its variance changes (docs/estimators.md).
 *
 * Features. At a site y = s x W whose weight W ~ N(0, 1) (n × m) is used there alone (passed
 * `deferred`), W is independent of the site's input x, so E[y yᵀ | x] = s² m x xᵀ whatever the layers
 * before it do, and c = y yᵀ/m − s² x xᵀ has expectation exactly zero. It is the site's own
 * sampling noise at its width: what the finite network adds there to the kernel its input carries.
 * c is mapped to the kernel's layout the way the output sees the rows: summed over the positions of
 * each input when the output is pooled, c̄ = Π c Πᵀ = (1/m) Ȳ Ȳᵀ − s² X̄ X̄ᵀ with Ȳ = Π y, X̄ = Π x
 * (any fixed Π keeps E[c̄] = 0); as is otherwise. Only Gaussian identities
 * of the weights enter, never a layer's kernel map, so a check built on the estimate stays
 * non-circular. The same features serve the NTK (its value at x is a function of the same draws).
 *
 * Estimator. Per unique entry e of the kernel, K_cv[e] = K[e] − Σ_s β_{e,s} c̄_s[e], with β_e the
 * least-squares coefficients of K[e] on the features of that entry over the pilot networks.
 */
import * as tf from '@tensorflow/tfjs';
import type { SiteObserver } from '../layers/sites.ts';

/** Coefficients fitted on a pilot, per kernel: β[e·S + s] for entry e and site s, sites by key. */
export interface ControlVariateFit {
  readonly sites: readonly string[];
  readonly P: number;
  readonly beta: Float64Array;
  /** Pilot networks the coefficients come from. */
  readonly pilot: number;
}

/** Collects the sites of one pass over a chunk of n networks and turns them into features. */
export class SiteFeatures implements SiteObserver {
  prefix = '';
  readonly keys: string[] = [];
  private readonly sites: { scale: number; x: tf.Tensor3D; y: tf.Tensor3D }[] = [];

  /** M inputs of T positions; `P` is the kernel's side (M pooled, M·T otherwise); `only` the sites to keep. */
  constructor(
    private readonly M: number,
    private readonly T: number,
    private readonly P: number,
    private readonly only?: ReadonlySet<string>,
  ) {}

  observe(param: string, scale: number, x: tf.Tensor3D, y: tf.Tensor3D): void {
    const key = `${this.prefix}|${param}`;
    if (this.only && !this.only.has(key)) return;
    this.keys.push(key);
    this.sites.push({ scale, x, y });
  }

  /** Per network of the chunk, the features: site s's P × P map at [s·P² …]. Call inside the pass's tidy. */
  features(n: number): Float64Array[] {
    const { M, P } = this;
    const S = this.sites.length;
    const out = Array.from({ length: n }, () => new Float64Array(S * P * P));
    if (P === M) {
      const pooled = this.pooledRows(n);
      this.sites.forEach(({ scale, x, y }, i) => {
        const X = pooled.get(dataOf(x))!;
        const Y = pooled.get(dataOf(y))!;
        const nx = x.shape[2];
        const m = y.shape[2];
        for (let k = 0; k < n; k++) {
          const f = out[k];
          for (let a = 0; a < M; a++)
            for (let b = a; b < M; b++) {
              let yy = 0;
              let xx = 0;
              const xa = (k * M + a) * nx;
              const xb = (k * M + b) * nx;
              for (let j = 0; j < nx; j++) xx += X[xa + j] * X[xb + j];
              const ya = (k * M + a) * m;
              const yb = (k * M + b) * m;
              for (let j = 0; j < m; j++) yy += Y[ya + j] * Y[yb + j];
              const c = yy / m - scale * scale * xx;
              f[i * P * P + a * P + b] = c;
              f[i * P * P + b * P + a] = c;
            }
        }
      });
      return out;
    }
    // Unpooled output: every site has the kernel's P = M·T rows; the Grams by tensor products.
    this.sites.forEach(({ scale, x, y }, i) => {
      const m = y.shape[2];
      const g = tf.sub(tf.matMul(y, y.transpose([0, 2, 1])).mul(1 / m), tf.matMul(x, x.transpose([0, 2, 1])).mul(scale * scale)).dataSync() as Float32Array;
      for (let k = 0; k < n; k++) out[k].set(g.subarray(k * P * P, (k + 1) * P * P), i * P * P);
    });
    return out;
  }

  /**
   * Each distinct site tensor summed over the positions of each input, [n, M, c] row-major, by its
   * data. Tensors of one shape are stacked and summed in one op. Padded positions count too where a
   * site's rows are not zero there (attention's heads): any fixed linear map of the rows keeps
   * E[c̄] = 0, so the feature stays a valid control variate, only a slightly less correlated one.
   */
  private pooledRows(n: number): Map<unknown, Float32Array> {
    const { M, T } = this;
    const distinct = new Map<unknown, tf.Tensor3D>();
    for (const { x, y } of this.sites) for (const t of [x, y]) distinct.set(dataOf(t), t);
    const byShape = new Map<string, [unknown, tf.Tensor3D][]>();
    for (const [id, t] of distinct) {
      const key = t.shape.join('x');
      byShape.set(key, [...(byShape.get(key) ?? []), [id, t]]);
    }
    const rows = new Map<unknown, Float32Array>();
    for (const group of byShape.values()) {
      const [, R, c] = group[0][1].shape;
      const g = group.length;
      const all = g === 1 ? group[0][1] : (tf.stack(group.map(([, t]) => t)) as tf.Tensor);
      const summed = R === M ? all : all.reshape([g * n, M, T, c]).sum(2);
      const v = summed.dataSync() as Float32Array;
      group.forEach(([id], j) => rows.set(id, v.subarray(j * n * M * c, (j + 1) * n * M * c)));
    }
    return rows;
  }
}

const dataOf = (t: tf.Tensor) => (t as unknown as { dataId: unknown }).dataId;

/** Unique entries of a P × P kernel with both rows valid (upper triangle). */
function uniqueEntries(P: number, valid: ArrayLike<number>): number[] {
  const e: number[] = [];
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) if (valid[a] && valid[b]) e.push(a * P + b);
  return e;
}

/** Least squares of K[e] on the chosen sites' features over the pilot: coefficients, LOO error, plain error. */
function entryFit(K: readonly ArrayLike<number>[], F: readonly Float64Array[], P: number, e: number, chosen: readonly number[]): { x: Float64Array; press: number; plain: number } {
  const n = K.length;
  const S = chosen.length;
  const fm = new Float64Array(S);
  let km = 0;
  for (let k = 0; k < n; k++) {
    km += K[k][e] / n;
    for (let s = 0; s < S; s++) fm[s] += F[k][chosen[s] * P * P + e] / n;
  }
  const A = new Float64Array(S * S);
  const b = new Float64Array(S);
  let plain = 0;
  for (let k = 0; k < n; k++) {
    const dk = K[k][e] - km;
    plain += dk * dk;
    for (let s = 0; s < S; s++) {
      const ds = F[k][chosen[s] * P * P + e] - fm[s];
      b[s] += ds * dk;
      for (let t = 0; t <= s; t++) A[s * S + t] += ds * (F[k][chosen[t] * P * P + e] - fm[t]);
    }
  }
  // The plain estimator's leave-one-out error: K_k − mean of the others = n/(n − 1) (K_k − mean).
  plain *= (n / (n - 1)) ** 2;
  if (S === 0) return { x: new Float64Array(0), press: plain, plain };
  let trace = 0;
  for (let s = 0; s < S; s++) trace += A[s * S + s];
  const ridge = 1e-10 * (trace / S || 1);
  for (let s = 0; s < S; s++) {
    A[s * S + s] += ridge;
    for (let t = 0; t < s; t++) A[t * S + s] = A[s * S + t];
  }
  const L = cholesky(A, S);
  const x = solveCholesky(L, b, S);
  // Leave-one-out residuals of least squares are r_k / (1 − h_kk) (the PRESS statistic): how well
  // the coefficients predict networks they were not fitted on, from the pilot alone.
  let press = 0;
  const d = new Float64Array(S);
  const y = new Float64Array(S);
  for (let k = 0; k < n; k++) {
    let r = K[k][e] - km;
    for (let s = 0; s < S; s++) {
      d[s] = F[k][chosen[s] * P * P + e] - fm[s];
      r -= x[s] * d[s];
    }
    // h_kk = 1/n + dᵀ A⁻¹ d = 1/n + |L⁻¹ d|².
    let q = 0;
    for (let i = 0; i < S; i++) {
      let t = d[i];
      for (let j = 0; j < i; j++) t -= L[i * S + j] * y[j];
      y[i] = t / L[i * S + i];
      q += y[i] * y[i];
    }
    press += (r / (1 - 1 / n - q)) ** 2;
  }
  return { x, press, plain };
}

/**
 * Coefficients from pilot kernels K[k] (P²) and features F[k] (S·P², sites in `sites` order).
 * Sites are chosen greedily: each step adds the one that most lowers the pilot's leave-one-out
 * error summed over entries (each relative to the plain estimator's), while that falls by at least
 * 2 %: a site that adds little costs its feature on every network and adds noise to the fit. Per
 * entry, least squares on the chosen sites (with an intercept, not applied: the features' mean is
 * known to be zero), or no correction where the leave-one-out error says it would not help. A tiny
 * ridge (1e-10 of the features' variance) keeps an identically zero feature harmless.
 */
export function fitControlVariates(K: readonly ArrayLike<number>[], F: readonly Float64Array[], sites: readonly string[], P: number, valid: ArrayLike<number>): ControlVariateFit {
  const n = K.length;
  const entries = uniqueEntries(P, valid);
  const score = (chosen: readonly number[]) => {
    let total = 0;
    for (const e of entries) {
      const f = entryFit(K, F, P, e, chosen);
      total += f.plain > 0 ? Math.min(f.press, f.plain) / f.plain : 1;
    }
    return total;
  };
  const chosen: number[] = [];
  let best = score(chosen);
  for (;;) {
    if (n <= chosen.length + 4) break;
    let pick = -1;
    let pickScore = best;
    for (let s = 0; s < sites.length; s++) {
      if (chosen.includes(s)) continue;
      const v = score([...chosen, s]);
      if (v < pickScore) {
        pickScore = v;
        pick = s;
      }
    }
    if (pick < 0 || pickScore > best * 0.98) break;
    chosen.push(pick);
    best = pickScore;
  }
  chosen.sort((a, b) => a - b);
  const S = chosen.length;
  const beta = new Float64Array(P * P * S);
  for (const e of entries) {
    const f = entryFit(K, F, P, e, chosen);
    if (!(f.press < f.plain)) continue;
    const [a, c] = [Math.floor(e / P), e % P];
    for (let s = 0; s < S; s++) {
      beta[(a * P + c) * S + s] = f.x[s];
      beta[(c * P + a) * S + s] = f.x[s];
    }
  }
  return { sites: chosen.map((s) => sites[s]), P, beta, pilot: n };
}

/** Lower Cholesky factor of a symmetric positive definite S × S matrix (row-major), float64. */
function cholesky(A: Float64Array, S: number): Float64Array {
  const L = new Float64Array(S * S);
  for (let j = 0; j < S; j++) {
    let d = A[j * S + j];
    for (let k = 0; k < j; k++) d -= L[j * S + k] ** 2;
    if (!(d > 0)) throw new Error('control variates: the features of an entry are linearly dependent on the pilot; use a larger pilot');
    const ljj = Math.sqrt(d);
    L[j * S + j] = ljj;
    for (let i = j + 1; i < S; i++) {
      let s = A[i * S + j];
      for (let k = 0; k < j; k++) s -= L[i * S + k] * L[j * S + k];
      L[i * S + j] = s / ljj;
    }
  }
  return L;
}

/** x with L Lᵀ x = b. */
function solveCholesky(L: Float64Array, b: Float64Array, S: number): Float64Array {
  const y = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * S + k] * y[k];
    y[i] = s / L[i * S + i];
  }
  const x = new Float64Array(S);
  for (let i = S - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < S; k++) s -= L[k * S + i] * x[k];
    x[i] = s / L[i * S + i];
  }
  return x;
}

/** K − Σ_s β_s c̄_s per entry (P² values). */
export function applyControlVariates(K: ArrayLike<number>, features: Float64Array, fit: ControlVariateFit): Float64Array {
  const { P, beta } = fit;
  const S = fit.sites.length;
  const out = Float64Array.from(K);
  for (let e = 0; e < P * P; e++) {
    let d = 0;
    for (let s = 0; s < S; s++) d += beta[e * S + s] * features[s * P * P + e];
    out[e] -= d;
  }
  return out;
}

/**
 * Sqrt softmax attention by randomised quasi-Monte Carlo over logit ROWS (docs/attention-ntk.md,
 * (D.13)). Every expectation of (D.11) at the entry (x_a, y_c) depends on two logit rows only:
 * g = G(x)_{a·} and h = G(y)_{c·}, since A(x)_{a·} = softmax(g) and the softmax Jacobian of row a
 * involves row a alone (D.9). By (D.3) (g, h) is centred Gaussian with covariance
 *   c² [[Kq_aa Kq(x,x), Kq_ac Kq(x,y)], [Kq_ac Kq(y,x), Kq_cc Kq(y,y)]],
 * and softmax ignores a shift of a row, so only the row-centred logits matter: each entry is a
 * Gaussian integral in at most t_x + t_y − 2 dimensions. Low-dimensional smooth integrals are where
 * quasi-random points beat independent draws.
 *
 * Points: the Halton sequence (bases 2, 3, 5, …), mapped by Φ⁻¹ to normals, in the coordinates of
 * a pivoted Cholesky factor of each entry's centred covariance (largest variance first, on the best
 * Halton coordinates). Randomisation: a uniform shift modulo 1 (Cranley & Patterson 1976, SIAM J.
 * Numer. Anal. 13:904–914) drawn from a keyed stream; each shifted point is exactly uniform, so a
 * randomisation's mean is unbiased, and independent shifts give independent replicas whose spread
 * is the standard error (L'Ecuyer & Lemieux 2002, "Recent advances in randomized quasi-Monte Carlo
 * methods"). One shift and one point set serve every entry, so entries stay jointly consistent.
 */
import { pivotedCholesky } from '../../linalg/pivotedCholesky.ts';
import { uniformStream } from '../../random/normals.ts';
import { normalQuantile } from '../../stats/normalQuantile.ts';

/**
 * The four expectations of (D.11) for each input pair, tx × ty blocks over valid rows, in the order
 * of Prepared.pairs:
 *   value   E[A Kv A'ᵀ] (D.5),   thv  E[A Θv A'ᵀ] (D.6),   cKq  E[C(Kq)],   cThq  E[C(Θq)] (D.8).
 * Every sqrt-scaled kernel, closed-form or sampled, is assembled from them (kernel.ts, `assembleSqrt`).
 */
export interface SqrtExpectations {
  readonly value: Float64Array[];
  readonly thv: Float64Array[];
  readonly cKq: Float64Array[];
  readonly cThq: Float64Array[];
}

/** One input pair's blocks over valid rows (tx × ty, row-major), as kernel.ts prepares them. */
export interface RowPair {
  readonly x: number;
  readonly y: number;
  readonly kq: Float64Array;
  readonly thq: Float64Array;
  readonly kv: Float64Array;
  readonly thv: Float64Array;
}

/** The first `n` primes: the Halton bases. */
function primes(n: number): number[] {
  const out: number[] = [];
  for (let k = 2; out.length < n; k++) if (out.every((p) => k % p !== 0)) out.push(k);
  return out;
}

/**
 * One coordinate of a randomised Halton sequence: the radical inverse of k in base b with its digits
 * scrambled by a random lower-triangular matrix with non-zero diagonal and shifted digit by digit
 * (Matoušek 1998, "On the L2-discrepancy for anchored boxes", J. Complexity 14:527–556: random
 * linear scrambling with a digital shift). The digital shift makes every point uniform on [0, 1)
 * (to the b^−K grid of its K digits, below float64 resolution), so each randomisation's mean is
 * unbiased; the scrambling also breaks the correlation between Halton coordinates of nearby bases.
 */
class ScrambledRadicalInverse {
  private readonly K: number;
  private readonly L: Int32Array;
  private readonly e: Int32Array;
  private readonly digits: Int32Array;

  constructor(
    private readonly b: number,
    rng: () => number,
  ) {
    const K = Math.ceil(53 / Math.log2(b));
    this.K = K;
    this.L = new Int32Array(K * K);
    this.e = new Int32Array(K);
    const digit = (lo: number) => lo + Math.floor(rng() * (b - lo));
    for (let i = 0; i < K; i++) {
      for (let m = 0; m < i; m++) this.L[i * K + m] = digit(0);
      this.L[i * K + i] = digit(1);
      this.e[i] = digit(0);
    }
    this.digits = new Int32Array(K);
  }

  at(k: number): number {
    const { b, K, L, e, digits } = this;
    let len = 0;
    for (; k > 0 && len < K; len++) {
      digits[len] = k % b;
      k = Math.floor(k / b);
    }
    let x = 0;
    let f = 1 / b;
    for (let i = 0; i < K; i++) {
      let y = e[i];
      const hi = Math.min(i + 1, len);
      for (let m = 0; m < hi; m++) y += L[i * K + m] * digits[m];
      x += (y % b) * f;
      f /= b;
    }
    return x;
  }
}

interface EntryFactor {
  readonly pair: number;
  /** Index a·ty + c in the pair's block. */
  readonly at: number;
  /** Index c·tx + a of the same integral with the roles of the rows exchanged (x = y, a < c), else −1. */
  readonly mirror: number;
  readonly a: number;
  readonly c: number;
  /** (tx + ty) × rank factor of the centred covariance of (g, h). */
  readonly F: Float64Array;
  readonly rank: number;
  readonly tx: number;
  readonly ty: number;
}

export class SoftmaxRowIntegrator {
  private readonly entries: EntryFactor[] = [];
  /** Largest rank over entries: the dimension of the point set. */
  private readonly dim: number;
  private readonly bases: number[];
  /** Kv∘Kq and Kv∘Θq per pair. */
  private readonly kvq: Float64Array[];
  private readonly kvthq: Float64Array[];

  constructor(
    private readonly pairs: readonly RowPair[],
    private readonly sizes: readonly number[],
    c: number,
    private readonly hasThv: boolean,
    private readonly hasThq: boolean,
  ) {
    const diag = new Map<number, RowPair>();
    for (const pb of pairs) if (pb.x === pb.y) diag.set(pb.x, pb);
    let dim = 0;
    pairs.forEach((pb, pi) => {
      const [tx, ty] = [sizes[pb.x], sizes[pb.y]];
      const kxx = diag.get(pb.x)!.kq;
      const kyy = diag.get(pb.y)!.kq;
      const n = tx + ty;
      for (let a = 0; a < tx; a++)
        for (let cc = pb.x === pb.y ? a : 0; cc < ty; cc++) {
          // Covariance of (g, h), then centred row by row: Π S Π with Π = blockdiag(I − 11ᵀ/tx, I − 11ᵀ/ty).
          const S = new Float64Array(n * n);
          const [qaa, qcc, qac] = [kxx[a * tx + a], kyy[cc * ty + cc], pb.kq[a * ty + cc]];
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              const ix = i < tx;
              const jx = j < tx;
              let v: number;
              if (ix && jx) v = qaa * kxx[i * tx + j];
              else if (!ix && !jx) v = qcc * kyy[(i - tx) * ty + (j - tx)];
              else if (ix) v = qac * pb.kq[i * ty + (j - tx)];
              else v = qac * pb.kq[j * ty + (i - tx)];
              S[i * n + j] = c * c * v;
            }
          centre(S, n, tx);
          const chol = pivotedCholesky(S, n);
          this.entries.push({ pair: pi, at: a * ty + cc, mirror: pb.x === pb.y && cc > a ? cc * tx + a : -1, a, c: cc, F: chol.L, rank: chol.rank, tx, ty });
          dim = Math.max(dim, chol.rank);
        }
    });
    this.dim = dim;
    this.bases = primes(Math.max(dim, 1));
    this.kvq = pairs.map((pb) => pb.kv.map((v, i) => v * pb.kq[i]));
    this.kvthq = pairs.map((pb) => pb.kv.map((v, i) => v * pb.thq[i]));
  }

  /**
   * Sums over the first `count` points of the sequence under the shift keyed `key` (one
   * randomisation), of A Kv A'ᵀ, A Θv A'ᵀ, C(Kq), C(Θq) entry by entry, into `acc`.
   */
  addSums(key: string, count: number, acc: SqrtExpectations): void {
    const { dim, bases, entries, pairs, sizes } = this;
    const rng = uniformStream(`rows/${key}`);
    const coords = bases.slice(0, dim).map((b) => new ScrambledRadicalInverse(b, rng));
    const z = new Float64Array(dim);
    const tmax = Math.max(...sizes);
    const v = new Float64Array(2 * tmax);
    const al = new Float64Array(tmax);
    const be = new Float64Array(tmax);
    const kvb = new Float64Array(tmax);
    const kva = new Float64Array(tmax);
    // Per entry: sums of A Kv A'ᵀ, A Θv A'ᵀ, C(Kq), C(Θq).
    const sums = new Float64Array(4 * entries.length);
    for (let k = 0; k < count; k++) {
      for (let j = 0; j < dim; j++) {
        // u = 0 has probability b^−K under the shift; clamp it (and rounding up to 1) to keep Φ⁻¹ finite.
        const u = coords[j].at(k);
        z[j] = normalQuantile(Math.min(Math.max(u, 1e-300), 1 - 1e-16));
      }
      for (let ei = 0; ei < entries.length; ei++) {
        const e = entries[ei];
        const pb = pairs[e.pair];
        const { tx, ty, rank, F } = e;
        const n = tx + ty;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let q = 0; q < rank; q++) s += F[i * rank + q] * z[q];
          v[i] = s;
        }
        softmaxInto(v, 0, tx, al);
        softmaxInto(v, tx, ty, be);
        // α Kv βᵀ, α Θv βᵀ (D.5, D.6) and the row form of (D.9) for Q ∈ {Kq, Θq}.
        let akvb = 0;
        for (let b = 0; b < tx; b++) {
          let s = 0;
          for (let d = 0; d < ty; d++) s += pb.kv[b * ty + d] * be[d];
          kvb[b] = s;
          akvb += al[b] * s;
        }
        for (let d = 0; d < ty; d++) {
          let s = 0;
          for (let b = 0; b < tx; b++) s += al[b] * pb.kv[b * ty + d];
          kva[d] = s;
        }
        const o = 4 * ei;
        sums[o] += akvb;
        if (this.hasThv) sums[o + 1] += bilinear(al, pb.thv, be, tx, ty);
        sums[o + 2] += rowContraction(al, be, pb.kq, this.kvq[e.pair], kvb, kva, akvb, tx, ty);
        if (this.hasThq) sums[o + 3] += rowContraction(al, be, pb.thq, this.kvthq[e.pair], kvb, kva, akvb, tx, ty);
      }
    }
    // Within one input the blocks are symmetric, so (c, a) is the same integral as (a, c).
    entries.forEach((e, ei) => {
      const blocks = [acc.value, acc.thv, acc.cKq, acc.cThq];
      for (let k = 0; k < 4; k++) {
        const into = blocks[k][e.pair];
        into[e.at] += sums[4 * ei + k];
        if (e.mirror >= 0) into[e.mirror] += sums[4 * ei + k];
      }
    });
  }
}

/** Π S Π in place, Π centring the first tx and the last n − tx coordinates separately. */
function centre(S: Float64Array, n: number, tx: number): void {
  const blocks = [
    [0, tx],
    [tx, n],
  ];
  // S ← S Π (each row, within each column block), then S ← Π S (each column, within each row block).
  for (const transposed of [false, true]) {
    const at = (i: number, j: number) => (transposed ? j * n + i : i * n + j);
    for (let i = 0; i < n; i++)
      for (const [lo, hi] of blocks) {
        if (hi <= lo) continue;
        let m = 0;
        for (let j = lo; j < hi; j++) m += S[at(i, j)];
        m /= hi - lo;
        for (let j = lo; j < hi; j++) S[at(i, j)] -= m;
      }
  }
}

/** softmax of v[off .. off + t) into out. */
function softmaxInto(v: Float64Array, off: number, t: number, out: Float64Array): void {
  let mx = -Infinity;
  for (let i = 0; i < t; i++) if (v[off + i] > mx) mx = v[off + i];
  let z = 0;
  for (let i = 0; i < t; i++) z += out[i] = Math.exp(v[off + i] - mx);
  for (let i = 0; i < t; i++) out[i] /= z;
}

function bilinear(al: Float64Array, M: Float64Array, be: Float64Array, tx: number, ty: number): number {
  let s = 0;
  for (let b = 0; b < tx; b++) {
    let r = 0;
    for (let d = 0; d < ty; d++) r += M[b * ty + d] * be[d];
    s += al[b] * r;
  }
  return s;
}

/**
 * One entry of C(Q) (D.9) from its two attention rows α (query a of x), β (query c of y):
 *   Σ_bd α_b β_d Kv_bd [Q_bd − (Qβ)_b − (Qᵀα)_d + αᵀQβ]
 *   = α(Kv∘Q)βᵀ − Σ_b α_b (Qβ)_b (Kvβ)_b − Σ_d β_d (Qᵀα)_d (Kvᵀα)_d + (αQβᵀ)(αKvβᵀ).
 * `kvb` = Kv β, `kva` = Kvᵀ α, `akvb` = α Kv βᵀ.
 */
export function rowContraction(al: Float64Array, be: Float64Array, Q: Float64Array, kvQ: Float64Array, kvb: Float64Array, kva: Float64Array, akvb: number, tx: number, ty: number): number {
  let first = 0;
  let second = 0;
  let aqb = 0;
  for (let b = 0; b < tx; b++) {
    let qb = 0;
    let kq = 0;
    for (let d = 0; d < ty; d++) {
      qb += Q[b * ty + d] * be[d];
      kq += kvQ[b * ty + d] * be[d];
    }
    first += al[b] * kq;
    second += al[b] * qb * kvb[b];
    aqb += al[b] * qb;
  }
  let third = 0;
  for (let d = 0; d < ty; d++) {
    let qa = 0;
    for (let b = 0; b < tx; b++) qa += Q[b * ty + d] * al[b];
    third += be[d] * qa * kva[d];
  }
  return first - second - third + aqb * akvb;
}

/**
 * Weights drawn given their site's input, for the contraction NTK's reverse pass (one pass: the
 * network's output has one position).
 *
 * A site y = s x W with W ~ N(0, 1) (n × m) used nowhere else (passed `deferred`), whose input rows
 * x (R × n) span r < n dimensions: with B (n × r) an orthonormal basis of that row space,
 * W = B Z + W⊥ where Z = Bᵀ W is an r × m standard normal matrix and W⊥ = (I − BBᵀ) W is independent
 * of Z. The forward pass sees only Z: y = s (xB) Z = s F Z, F = xB a factor of x xᵀ (the draw the
 * NNGP's pre-activation sampler makes, from the same stream). The reverse pass needs
 *   ∂f/∂x = s dy Wᵀ = s (dy Zᵀ) Bᵀ + s dy W⊥ᵀ,
 * and W⊥ is independent of everything the forward and reverse passes have seen (dy depends on this
 * weight only through Z), so given dy the last term is Gaussian with row covariance s² dy dyᵀ and
 * column covariance I − BBᵀ: it is drawn as s L Ξ (I − BBᵀ) with L Lᵀ = dy dyᵀ (L: R × q) and Ξ a
 * q × n standard normal matrix. Every quantity the estimator reads (the sites' inputs and signals)
 * then has its joint law under the full weights, so the per-network NTK keeps its law, mean and
 * variance alike (not a variance reduction), for r·m + q·n normals instead of n·m and products of
 * R·r·m and R·q·n multiply-adds instead of R·n·m. Sites reading one input (attention's W^Q, W^K,
 * W^V) reverse together (sites.ts, backTogether): their W⊥ are independent, so Σ_i s_i dy_i W_i⊥ᵀ
 * is one Gaussian with row covariance Σ_i s_i² dy_i dy_iᵀ, drawn once.
 *
 * B comes from the pivoted factor: the pivot rows of F form a lower-triangular T (r × r) with
 * T Tᵀ = x_p x_pᵀ (x_p the pivot rows of x), so Bᵀ = T⁻¹ x_p has orthonormal rows and x B = F.
 * Several reverse passes (unpooled outputs) would need one joint draw of W⊥ for all of them; the
 * sampler is used for single-pass networks only (ntkContraction.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { fillNormals, parameterKey } from '../random/normals.ts';
import type { SignalTape, SiteResult, SharedReverse } from '../layers/sites.ts';
import { rowFactors, rowGram } from './preactivations.ts';
import { pivotedRowFactor } from '../linalg/pivotedCholesky.ts';

/** Streams: Z as the pre-activation sampler keys it (the same forward draw), Ξ apart. */
const givenInputKey = (runSeed: number, network: number, site: string) => parameterKey(runSeed, network, `${site}#given-input`);
const complementKey = (runSeed: number, network: number, site: string) => parameterKey(runSeed, network, `${site}#complement`);

/** One input's factorisation, shared by the sites that read it. */
interface InputBasis {
  /** [N, R, rMax]: x = F Bᵀ. */
  readonly F: tf.Tensor3D;
  /** [N, rMax, n] and [N, n, rMax]. */
  readonly Bt: tf.Tensor3D;
  readonly B: tf.Tensor3D;
  readonly ranks: readonly number[];
  readonly rMax: number;
  /** x xᵀ, [N, R, R]: the contraction's row Gram of these sites. */
  readonly gram: tf.Tensor3D;
}

interface SiteShare extends SharedReverse {
  readonly basis: InputBasis;
  readonly key: string;
  /** s Zᵀ, [N, m, rMax]. */
  readonly Zt: tf.Tensor3D;
  readonly scale: number;
  readonly report: (dy: tf.Tensor3D) => void;
}

/**
 * Flop-equivalent cost of one site by each route: multiply-adds × 2, a normal ≈ 100 (≈ 300 million
 * per second against ≈ 30 GFLOP/s), a tensor op ≈ 3·10⁵ (10 µs of engine time), a JS flop ≈ 10.
 */
function conditionalPays(R: number, n: number, m: number, r: number): boolean {
  const q = Math.min(R, m);
  const weights = 4 * R * n * m + 100 * n * m + 3 * 3e5;
  const conditional = 2 * R * r * n + 4 * R * r * m + 2 * q * n * r + 2 * R * q * r + 2 * R * r * n + 2 * R * q * n + 100 * (r * m + q * n) + 12 * 3e5 + 10 * R * (r * r + q * q);
  return conditional < weights;
}

/** Inverts the lower-triangular pivot rows of F: S (rMax × R) with S x = Bᵀ. */
function basisMap(F: Float32Array, R: number, rMax: number, rank: number, pivots: Int32Array, out: Float32Array, offset: number, fOffset: number): void {
  // Tinv by forward substitution, column by column of the identity, in float64.
  const T = new Float64Array(rank * rank);
  for (let a = 0; a < rank; a++) for (let b = 0; b <= a; b++) T[a * rank + b] = F[fOffset + pivots[a] * rMax + b];
  const inv = new Float64Array(rank * rank);
  for (let c = 0; c < rank; c++)
    for (let a = c; a < rank; a++) {
      let s = a === c ? 1 : 0;
      for (let b = c; b < a; b++) s -= T[a * rank + b] * inv[b * rank + c];
      inv[a * rank + c] = s / T[a * rank + a];
    }
  for (let a = 0; a < rank; a++) for (let c = 0; c <= a; c++) out[offset + a * R + pivots[c]] = inv[a * rank + c];
}

export class ConditionalSites {
  private readonly bases = new Map<unknown, InputBasis | null>();

  /**
   * For networks [first, first + N) of a run, in one forward and one reverse pass (one tf.tidy).
   * `always` skips the cost rule (tests: small networks never pay).
   */
  constructor(
    private readonly runSeed: number,
    private readonly first: number,
    private readonly signals: SignalTape,
    private readonly always = false,
  ) {}

  /** The site drawn given its input, or null when drawing W is cheaper (or x is not finite). */
  site(param: string, x: tf.Tensor3D, m: number, scale: number): SiteResult | null {
    const [N, R, n] = x.shape;
    if (R >= n || (!this.always && !conditionalPays(R, n, m, 1))) return null;
    const dataId = (x as unknown as { dataId: unknown }).dataId;
    let basis = this.bases.get(dataId);
    if (basis === undefined) {
      basis = this.basis(x, N, R, n);
      this.bases.set(dataId, basis);
    }
    if (basis === null || (!this.always && !conditionalPays(R, n, m, basis.rMax))) return null;
    const { rMax, ranks } = basis;
    const key = `${this.signals.prefix}|${param}`;
    // s Z, [N, rMax, m], and s Zᵀ for the reverse pass, from the pre-activation sampler's stream.
    const z = new Float32Array(N * rMax * m);
    for (let k = 0; k < N; k++) fillNormals(z, k * rMax * m, ranks[k] * m, givenInputKey(this.runSeed, this.first + k, key));
    if (scale !== 1) for (let i = 0; i < z.length; i++) z[i] *= scale;
    const zt = new Float32Array(N * m * rMax);
    for (let k = 0; k < N; k++)
      for (let a = 0; a < rMax; a++) for (let c = 0; c < m; c++) zt[(k * m + c) * rMax + a] = z[(k * rMax + a) * m + c];
    const y = tf.matMul(basis.F, tf.tensor3d(z, [N, rMax, m])) as tf.Tensor3D;
    const id = this.signals.site({ param, kind: 'right', scale, trainable: true, input: x, output: y, gram: basis.gram, shape: y.shape });
    const report = (dy: tf.Tensor3D) => this.signals.signal(id, dy);
    const share: SiteShare = { group: basis, basis, key, Zt: tf.tensor3d(zt, [N, m, rMax]), scale, report, backTogether: (parts, needInput) => this.back(parts as readonly (readonly [SiteShare, tf.Tensor3D])[], needInput) };
    return { y, back: (dy, needInput) => this.back([[share, dy]], needInput), shared: share };
  }

  private basis(x: tf.Tensor3D, N: number, R: number, n: number): InputBasis | null {
    const gram = rowGram(x);
    const f = rowFactors(gram.dataSync() as Float32Array, N, R, n);
    if (!f) {
      gram.dispose();
      return null;
    }
    const S = new Float32Array(N * f.rMax * R);
    for (let k = 0; k < N; k++) basisMap(f.F, R, f.rMax, f.ranks[k], f.pivots[k], S, k * f.rMax * R, k * R * f.rMax);
    const Bt = tf.matMul(tf.tensor3d(S, [N, f.rMax, R]), x) as tf.Tensor3D;
    return { F: tf.tensor3d(f.F, [N, R, f.rMax]), Bt, B: Bt.transpose([0, 2, 1]), ranks: f.ranks, rMax: f.rMax, gram };
  }

  /**
   * Σ_i s_i dy_i W_iᵀ for sites reading one input: (Σ_i dy_i (s_i Z_i)ᵀ) Bᵀ + L Ξ (I − BBᵀ) with
   * L Lᵀ = Σ_i s_i² dy_i dy_iᵀ, written as L Ξ + (P − L (Ξ B)) Bᵀ with P = Σ_i dy_i (s_i Z_i)ᵀ.
   */
  private back(parts: readonly (readonly [SiteShare, tf.Tensor3D])[], needInput: boolean): tf.Tensor3D | null {
    for (const [s, dy] of parts) s.report(dy);
    if (!needInput) return null;
    const { basis } = parts[0][0];
    const [N, R] = basis.F.shape;
    const n = basis.Bt.shape[2];
    const cat = <T extends tf.Tensor>(ts: T[], axis: number): T => (ts.length === 1 ? ts[0] : (tf.concat(ts, axis) as T));
    const dys = parts.map(([, dy]) => dy);
    const P = tf.matMul(cat(dys, 2), cat(parts.map(([s]) => s.Zt), 1));
    const scaled = cat(parts.map(([s, dy]) => (s.scale === 1 ? dy : (dy.mul(s.scale) as tf.Tensor3D))), 2);
    const m = scaled.shape[2];
    const g = rowGram(scaled).dataSync() as Float32Array;
    // L per network at the numerical rank of the signals' Gram (products of length m).
    const L = new Float32Array(N * R * R);
    const qs: number[] = [];
    for (let k = 0; k < N; k++) qs.push(pivotedRowFactor(g, k * R * R, R, m * 2 ** -23, L, k * R * R, R));
    const qMax = Math.max(1, ...qs);
    const Lp = new Float32Array(N * R * qMax);
    for (let k = 0; k < N; k++) for (let i = 0; i < R; i++) Lp.set(L.subarray((k * R + i) * R, (k * R + i) * R + qMax), (k * R + i) * qMax);
    const xi = new Float32Array(N * qMax * n);
    for (let k = 0; k < N; k++) fillNormals(xi, k * qMax * n, qs[k] * n, complementKey(this.runSeed, this.first + k, parts[0][0].key));
    const Lt = tf.tensor3d(Lp, [N, R, qMax]);
    const Xi = tf.tensor3d(xi, [N, qMax, n]);
    const inner = P.sub(tf.matMul(Lt, tf.matMul(Xi, basis.B)));
    return tf.matMul(inner, basis.Bt).add(tf.matMul(Lt, Xi)) as tf.Tensor3D;
  }
}

/**
 * Pre-activation sampling for the NNGP: a `linear` site y = s · x W whose weight W ~ N(0, 1)
 * (n × m) enters the network nowhere else is drawn from its law given x. The columns of y are then
 * independent N(0, s² x xᵀ) over the R rows, so y = s · F Z with F Fᵀ = x xᵀ and Z standard normal
 * (rank(x) × m) has exactly the law of the network's own y: the estimate keeps its mean and its
 * variance and costs rank(x)·m normals and an R × rank × m product instead of n·m and R × n × m.
 * It pays when R < n (docs/estimators.md, "Pre-activation sampling"), which for M·T = 64 rows is
 * every hidden layer of 128 channels or more.
 */
import * as tf from '@tensorflow/tfjs';
import type { PreactivationSampler } from '../layers/types.ts';
import { pivotedRowFactor } from '../linalg/pivotedCholesky.ts';
import { fillNormals, parameterKey } from '../random/normals.ts';

/** x xᵀ per network, [N, R, R]. An explicit transpose keeps WASM on its XNNPACK GEMM (a transposed operand takes a scalar loop). */
export function rowGram(x: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => tf.matMul(x, x.transpose([0, 2, 1])));
}

/** Row factors of N Gram matrices, packed to the largest rank (zero columns beyond each network's own). */
export interface RowFactors {
  /** [N, R, rMax] row-major: network k's F (F Fᵀ = G_k) in its first ranks[k] columns. */
  readonly F: Float32Array;
  readonly ranks: readonly number[];
  readonly rMax: number;
  /** Per network, the row taken at each step of the pivoted factorisation (pivotedRowFactor). */
  readonly pivots: readonly Int32Array[];
}

/**
 * Factors N Gram matrices g ([N, R, R], float32 products of length-n rows) at their numerical rank:
 * a row whose squared sine to the span of the rows taken is at most n·2⁻²³ is within the rounding of
 * a float32 length-n dot product, so every entry of G − F Fᵀ is below G's own rounding at the scale
 * of its rows (src/linalg/pivotedCholesky.ts). Null when g is not finite (the caller then lets the plain
 * product carry the NaN to the output rather than hide it).
 */
export function rowFactors(g: Float32Array, N: number, R: number, n: number): RowFactors | null {
  for (let i = 0; i < g.length; i++) if (g[i] - g[i] !== 0) return null;
  const relTol = n * 2 ** -23;
  // Factors go into an R-column buffer, then are packed to the largest rank found.
  const full = new Float32Array(N * R * R);
  const ranks: number[] = [];
  const pivots: Int32Array[] = [];
  for (let k = 0; k < N; k++) {
    const p = new Int32Array(R);
    ranks.push(pivotedRowFactor(g, k * R * R, R, relTol, full, k * R * R, R, p));
    pivots.push(p);
  }
  const rMax = Math.max(1, ...ranks);
  if (rMax === R) return { F: full, ranks, rMax, pivots };
  const F = new Float32Array(N * R * rMax);
  for (let k = 0; k < N; k++)
    for (let i = 0; i < R; i++) F.set(full.subarray((k * R + i) * R, (k * R + i) * R + rMax), (k * R + i) * rMax);
  return { F, ranks, rMax, pivots };
}

interface Factor {
  /** [N, R, rMax], network k's factor in its first ranks[k] columns. */
  readonly F: tf.Tensor3D;
  readonly ranks: readonly number[];
}

/** Streams are keyed apart from the weights': Z is not W. */
const preactivationKey = (runSeed: number, network: number, site: string) => parameterKey(runSeed, network, `${site}#given-input`);

export class ConditionalPreactivations implements PreactivationSampler {
  prefix = '';
  /** Factors by the input's data (Q, K and V read one input through different views). */
  private readonly factors = new Map<unknown, Factor | null>();
  private readonly used = new Set<string>();

  /** For networks [first, first + N) of a run: use within one pass (one tf.tidy) only. */
  constructor(
    private readonly runSeed: number,
    private readonly first: number,
  ) {}

  sample(param: string, x: tf.Tensor3D, outWidth: number, scale: number): tf.Tensor3D | null {
    const [N, R, n] = x.shape;
    if (R >= n) return null;
    const site = `${this.prefix}|${param}`;
    if (this.used.has(site))
      throw new Error(`${site}: a deferred weight was applied twice in one pass; pass the tensor itself to linear() when a weight is used at more than one site`);
    this.used.add(site);
    const dataId = (x as unknown as { dataId: unknown }).dataId;
    let f = this.factors.get(dataId);
    if (f === undefined) {
      f = this.factor(x, N, R, n);
      this.factors.set(dataId, f);
    }
    if (f === null) return null;
    const rMax = f.F.shape[2];
    const z = new Float32Array(N * rMax * outWidth);
    for (let k = 0; k < N; k++) {
      fillNormals(z, k * rMax * outWidth, f.ranks[k] * outWidth, preactivationKey(this.runSeed, this.first + k, site));
    }
    // No gradient flows here (the NNGP pass has no tape), so tfjs's plain product; the scale s is
    // applied to the normals in JS rather than as one more tensor op.
    if (scale !== 1) for (let i = 0; i < z.length; i++) z[i] *= scale;
    return tf.matMul(f.F, tf.tensor3d(z, [N, rMax, outWidth]));
  }

  private factor(x: tf.Tensor3D, N: number, R: number, n: number): Factor | null {
    const gram = rowGram(x);
    const f = rowFactors(gram.dataSync() as Float32Array, N, R, n);
    gram.dispose();
    return f && { F: tf.tensor3d(f.F, [N, R, f.rMax]), ranks: f.ranks };
  }
}

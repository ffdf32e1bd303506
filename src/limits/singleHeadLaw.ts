/**
 * The limit law of a multi-head self-attention layer's output at a FIXED number of heads, as the
 * widths (n, d_k, d_v) grow (docs/kernels.md §6, Gaussianity; Hron et al. 2020
 * §3; Sakai, Karakida & Imaizumi 2025, arXiv 2506.00846).
 *
 * Under sqrt scaling the logits of head h converge to G_h = c·L Z_h Lᵀ (L Lᵀ = K_q over the valid
 * rows of all inputs, Z_h i.i.d. standard normal, c = σQσK; docs/attention-ntk.md (D.3)–(D.4)), and
 * conditional on all logits an output channel is exactly Gaussian (it is linear in the independent
 * value and output weights):
 *
 *   f | G ~ N(0, C(G)),   C(G) = s/H · Σ_h ζ(G_h) K_v ζ(G_h)ᵀ + β·11ᵀ,   s = σO²σV², β = σb²,
 *
 * with ζ applied row-wise per input over its valid keys and the bias shared by every (input,
 * position). Unconditionally f is a scale mixture of Gaussians, not a Gaussian, however wide the
 * layer: its excess kurtosis is 3·Var(v)/E[v]² for a scalar projection wᵀf with conditional
 * variance v = wᵀC(G)w, and it falls like 1/H (the heads are i.i.d. given the input). Under linear
 * scaling ζ(G) → ζ(c·K_q) is deterministic and the law is the Gaussian N(0, NNGP).
 *
 * The pieces are the kernel's own (src/layers/attention/): the embedded kernels K_q, K_v (posEmb.ts),
 * the pivoted Cholesky factor, the products, and ζ (kernel.ts's applyMechanism), so this law and the
 * kernel describe the same limit. Float64 throughout.
 */
import type { AttentionSpec } from '../spec/types.ts';
import type { KernelState } from '../kernels/state.ts';
import { embeddedKernels } from '../layers/attention/posEmb.ts';
import { applyMechanism } from '../layers/attention/kernel.ts';
import { gather, matmul, matmulT } from '../linalg/dense.ts';
import { pivotedCholesky } from '../linalg/pivotedCholesky.ts';
import { NormalStream } from '../random/ziggurat.ts';

export interface AttentionLawOptions {
  /**
   * The scalar projection: weights over the layer's (input, position) rows, length M·T (padded
   * rows are ignored: their output is zero). E.g. a one-hot vector picks one output.
   */
  readonly projection: Float64Array | readonly number[];
  /** Heads of the layer; default the spec's. */
  readonly heads?: number;
  /** Key of the random stream; the draws are a deterministic function of it. */
  readonly seed: string | number;
}

/**
 * Samples of the limit law of one attention layer's output channel, projected on `projection`.
 * `state` is the kernel state entering the layer (its NNGP is what the keys, queries and values
 * see before embeddings; `state.width` is the layer's input width, used by concat embeddings).
 */
export class AttentionOutputLaw {
  /** Valid rows (global indices) of each input. */
  private readonly idx: Int32Array[];
  /** Offset of each input's rows in the valid-row ordering. */
  private readonly off: Int32Array;
  private readonly Pv: number;
  private readonly L: Float64Array;
  private readonly r: number;
  /** K_v over the valid rows (Pv × Pv). */
  private readonly kv: Float64Array;
  /** The projection restricted to valid rows, per input. */
  private readonly w: Float64Array[];
  private readonly wSum: number;
  private readonly c: number;
  private readonly s: number;
  private readonly beta: number;
  private readonly H: number;
  /** ζ(c·K_q(x, x)) per input under linear scaling (deterministic), else null. */
  private readonly fixed: Float64Array[] | null;
  private readonly stream: NormalStream;

  constructor(
    state: KernelState,
    private readonly spec: AttentionSpec,
    opts: AttentionLawOptions,
  ) {
    const { M, T, mask } = state;
    const P = M * T;
    if (opts.projection.length !== P) throw new RangeError(`projection has ${opts.projection.length} weights, the layer has ${P} (input, position) rows`);
    this.H = opts.heads ?? spec.heads;
    if (!(Number.isInteger(this.H) && this.H >= 1)) throw new RangeError(`heads must be a whole number ≥ 1, got ${this.H}`);
    const k = embeddedKernels(state, spec.posEmb, state.width);
    this.idx = [];
    for (let x = 0; x < M; x++) {
      const rows: number[] = [];
      for (let a = 0; a < T; a++) if (mask[x * T + a] !== 0) rows.push(x * T + a);
      this.idx.push(Int32Array.from(rows));
    }
    this.off = new Int32Array(M);
    for (let x = 1; x < M; x++) this.off[x] = this.off[x - 1] + this.idx[x - 1].length;
    const valid = Int32Array.from(this.idx.flatMap((r) => Array.from(r)));
    this.Pv = valid.length;
    const chol = pivotedCholesky(gather(k.Kq, P, valid, valid), this.Pv);
    this.L = chol.L;
    this.r = chol.rank;
    this.kv = gather(k.Kv, P, valid, valid);
    this.w = this.idx.map((rows) => Float64Array.from(rows, (i) => opts.projection[i]));
    this.wSum = this.w.reduce((acc, wx) => acc + wx.reduce((a, b) => a + b, 0), 0);
    this.c = spec.wQStd * spec.wKStd;
    this.s = spec.wOStd ** 2 * spec.wVStd ** 2;
    this.beta = spec.bStd ** 2;
    this.fixed =
      spec.scaling === 'linear'
        ? this.idx.map((rows) => {
            const t = rows.length;
            const a = new Float64Array(t * t);
            applyMechanism(spec.mechanism, gather(k.Kq, P, rows, rows).map((v) => this.c * v), t, t, a);
            return a;
          })
        : null;
    this.stream = new NormalStream(`singleHeadLaw/${opts.seed}`);
  }

  /** uᵀ K_v u with u the stacked ζ(G(x))ᵀ w_x: one head's conditional variance, before s. */
  private headVariance(): number {
    const { idx, off, Pv, L, r, w } = this;
    let A = this.fixed;
    if (A === null) {
      const Z = new Float64Array(r * r);
      for (let i = 0; i < Z.length; i++) Z[i] = this.stream.normal();
      const Y = matmul(L, Z, Pv, r, r); // L Z over all valid rows: the logits' joint law (D.4)
      A = idx.map((rows, x) => {
        const t = rows.length;
        const Yx = Y.subarray(off[x] * r, (off[x] + t) * r);
        const Lx = L.subarray(off[x] * r, (off[x] + t) * r);
        const G = matmulT(Yx, Lx, t, r, t).map((g) => this.c * g);
        const a = new Float64Array(t * t);
        applyMechanism(this.spec.mechanism, G, t, t, a);
        return a;
      });
    }
    const u = new Float64Array(Pv);
    idx.forEach((rows, x) => u.set(matmul(w[x], A![x], 1, rows.length, rows.length), off[x]));
    const Ku = matmul(this.kv, u, Pv, Pv, 1);
    let v = 0;
    for (let i = 0; i < Pv; i++) v += u[i] * Ku[i];
    return v;
  }

  /** The next draw of the conditional variance v = wᵀ C(G) w. */
  conditionalVariance(): number {
    let v = 0;
    for (let h = 0; h < this.H; h++) v += this.headVariance();
    return (this.s * v) / this.H + this.beta * this.wSum * this.wSum;
  }

  /** `count` draws of the conditional variance. */
  conditionalVariances(count: number): Float64Array {
    return Float64Array.from({ length: count }, () => this.conditionalVariance());
  }

  /** `count` draws of wᵀf from the limit law: √v · N(0, 1) with v a fresh conditional variance. */
  sample(count: number): Float64Array {
    return Float64Array.from({ length: count }, () => Math.sqrt(this.conditionalVariance()) * this.stream.normal());
  }
}

/**
 * The moments of the law from conditional-variance draws v_k: its variance E[v] (the NNGP of the
 * projection) and its excess kurtosis 3·Var(v)/E[v]², each with a delta-method standard error.
 */
export function mixtureMoments(v: ArrayLike<number>): { variance: number; varianceSE: number; excessKurtosis: number; excessKurtosisSE: number } {
  const n = v.length;
  if (n < 2) throw new RangeError('mixtureMoments needs at least two draws');
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= n;
  let q = 0;
  for (let i = 0; i < n; i++) q += (v[i] - m) ** 2;
  q /= n - 1;
  const kappa = (3 * q) / (m * m);
  // κ = 3(E v² − m²)/m² = 3E[v²]/m² − 3; influence of one draw: 3(v² − E v²)/m² − 6E[v²](v − m)/m³.
  const ev2 = q + m * m;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const inf = (3 * (v[i] * v[i] - ev2)) / (m * m) - (6 * ev2 * (v[i] - m)) / (m * m * m);
    s2 += inf * inf;
  }
  return { variance: m, varianceSE: Math.sqrt(q / n), excessKurtosis: kappa, excessKurtosisSE: Math.sqrt(s2 / (n - 1) / n) };
}

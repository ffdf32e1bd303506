/**
 * The infinite-width map of multi-head self-attention (docs/kernels.md §5;
 * the derivation of every formula here is in docs/attention-ntk.md, cited as (D.n)).
 *
 * Notation per pair of inputs (x, y), restricted to their valid positions:
 *   Kq, Θq  the kernels keys/queries see (posEmb.ts), Kv, Θv those values see,
 *   c = σQσK (logit scale), s = σO²σV² (output scale), β = σb².
 * Padded positions are dropped before any computation and come back as zero rows and columns
 * (bias included: the finite network zeroes them after the layer).
 */
import seedrandom from 'seedrandom';
import type { AttentionMechanism, AttentionSpec } from '../../spec/types.ts';
import { KernelError, type KernelState } from '../../kernels/state.ts';
import type { KernelContext } from '../types.ts';
import { embeddedKernels, type EmbeddedKernels } from './posEmb.ts';
import { allZero, gather, matmul, matmulT, pivotedCholesky } from './linalg.ts';

/** Whether the kernel of this spec is a Monte-Carlo estimate (sqrt scaling, no closed form). */
export function isSampled(spec: Pick<AttentionSpec, 'scaling' | 'mechanism'>): boolean {
  return spec.scaling === 'sqrt' && spec.mechanism !== 'identity';
}

interface Scales {
  readonly c: number;
  readonly s: number;
  readonly beta: number;
}

function scales(spec: AttentionSpec): Scales {
  return { c: spec.wQStd * spec.wKStd, s: spec.wOStd ** 2 * spec.wVStd ** 2, beta: spec.bStd ** 2 };
}

/** The blocks of one input pair x ≤ y, valid positions only. */
interface PairBlocks {
  readonly x: number;
  readonly y: number;
  readonly kq: Float64Array;
  readonly thq: Float64Array;
  readonly kv: Float64Array;
  readonly thv: Float64Array;
}

interface Prepared {
  readonly M: number;
  readonly T: number;
  readonly P: number;
  readonly mask: Float64Array;
  /** Global row indices of each input's valid positions. */
  readonly idx: Int32Array[];
  readonly pairs: PairBlocks[];
  readonly kernels: EmbeddedKernels;
}

function prepare(s: KernelState, spec: AttentionSpec, n: number): Prepared {
  const { M, T, mask } = s;
  const P = M * T;
  const kernels = embeddedKernels(s, spec.posEmb, n);
  const idx: Int32Array[] = [];
  for (let x = 0; x < M; x++) {
    const rows: number[] = [];
    for (let a = 0; a < T; a++) if (mask[x * T + a] !== 0) rows.push(x * T + a);
    idx.push(Int32Array.from(rows));
  }
  const pairs: PairBlocks[] = [];
  for (let x = 0; x < M; x++) {
    for (let y = x; y < M; y++) {
      const [r, q] = [idx[x], idx[y]];
      pairs.push({
        x,
        y,
        kq: gather(kernels.Kq, P, r, q),
        thq: gather(kernels.Thq, P, r, q),
        kv: gather(kernels.Kv, P, r, q),
        thv: gather(kernels.Thv, P, r, q),
      });
    }
  }
  return { M, T, P, mask, idx, pairs, kernels };
}

/** Writes a pair's block (valid rows of x × valid rows of y) and its transpose into a P × P matrix. */
function scatter(out: Float64Array, P: number, rows: Int32Array, cols: Int32Array, block: Float64Array): void {
  const nc = cols.length;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < nc; j++) {
      const v = block[i * nc + j];
      out[rows[i] * P + cols[j]] = v;
      out[cols[j] * P + rows[i]] = v;
    }
  }
}

/** ζ applied row-wise in place to a (rows × cols) logit block whose keys are all valid. */
export function applyMechanism(mech: AttentionMechanism, G: Float64Array, rows: number, cols: number, out: Float64Array): void {
  switch (mech) {
    case 'softmax':
      for (let i = 0; i < rows; i++) {
        const o = i * cols;
        let mx = -Infinity;
        for (let j = 0; j < cols; j++) if (G[o + j] > mx) mx = G[o + j];
        let z = 0;
        for (let j = 0; j < cols; j++) z += out[o + j] = Math.exp(G[o + j] - mx);
        for (let j = 0; j < cols; j++) out[o + j] /= z;
      }
      return;
    case 'identity':
      out.set(G.subarray(0, rows * cols));
      return;
    case 'relu':
      for (let i = 0; i < rows * cols; i++) out[i] = G[i] > 0 ? G[i] : 0;
      return;
    case 'abs':
      for (let i = 0; i < rows * cols; i++) out[i] = Math.abs(G[i]);
      return;
  }
}

/** ζ' elementwise for the elementwise mechanisms (their Jacobian is diagonal, (D.9)). */
function mechanismDerivative(mech: AttentionMechanism, G: Float64Array, len: number, out: Float64Array): void {
  switch (mech) {
    case 'identity':
      out.fill(1, 0, len);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) out[i] = G[i] > 0 ? 1 : 0;
      return;
    case 'abs':
      for (let i = 0; i < len; i++) out[i] = G[i] > 0 ? 1 : G[i] < 0 ? -1 : 0;
      return;
    case 'softmax':
      throw new Error('softmax has a non-diagonal Jacobian');
  }
}

function outputState(s: KernelState, nngp: Float64Array, ntk: Float64Array, outWidth: number): KernelState {
  return { M: s.M, T: s.T, mask: s.mask, nngp, ntk, width: outWidth, dist: 'gaussian', features: null, mean: null };
}

/**
 * Linear scaling, W^Q = W^K (D.2): A(x) = ζ(c·Kq(x,x)) is deterministic;
 * NNGP s·A(x) Kv A(y)ᵀ + β, NTK s·A(x)[Θv + 2Kv]A(y)ᵀ + β.
 */
function linearKernel(pr: Prepared, sc: Scales, mech: AttentionMechanism): { nngp: Float64Array; ntk: Float64Array } {
  const { P, idx } = pr;
  const A: Float64Array[] = [];
  for (let x = 0; x < pr.M; x++) {
    const t = idx[x].length;
    const G = gather(pr.kernels.Kq, P, idx[x], idx[x]).map((k) => sc.c * k);
    const a = new Float64Array(t * t);
    applyMechanism(mech, G, t, t, a);
    A.push(a);
  }
  const nngp = new Float64Array(P * P);
  const ntk = new Float64Array(P * P);
  for (const pb of pr.pairs) {
    const [tx, ty] = [idx[pb.x].length, idx[pb.y].length];
    const mid = pb.kv.map((k, i) => pb.thv[i] + 2 * k);
    const n1 = matmulT(matmul(A[pb.x], pb.kv, tx, tx, ty), A[pb.y], tx, ty, ty);
    const n2 = matmulT(matmul(A[pb.x], mid, tx, tx, ty), A[pb.y], tx, ty, ty);
    scatter(nngp, P, idx[pb.x], idx[pb.y], n1.map((v) => sc.s * v + sc.beta));
    scatter(ntk, P, idx[pb.x], idx[pb.y], n2.map((v) => sc.s * v + sc.beta));
  }
  return { nngp, ntk };
}

/**
 * Sqrt scaling, ζ = identity, closed form (D.10): with ⟨U,V⟩ = Σ_{b,d valid} U_bd V_bd over the
 * (x, y) block,
 *   NNGP_ac = s c² Kq_ac ⟨Kq, Kv⟩ + β
 *   NTK_ac  = s c² ( Kq_ac ⟨Kq, Θv + 2Kv⟩ + (Kq+Θq)_ac ⟨Kv, Kq⟩ + Kq_ac ⟨Kv, Kq+Θq⟩ ) + β.
 */
function sqrtIdentityKernel(pr: Prepared, sc: Scales): { nngp: Float64Array; ntk: Float64Array } {
  const { P, idx } = pr;
  const nngp = new Float64Array(P * P);
  const ntk = new Float64Array(P * P);
  const sc2 = sc.s * sc.c * sc.c;
  for (const pb of pr.pairs) {
    let qv = 0;
    let qthv = 0;
    let vthq = 0;
    for (let i = 0; i < pb.kq.length; i++) {
      qv += pb.kq[i] * pb.kv[i];
      qthv += pb.kq[i] * pb.thv[i];
      vthq += pb.kv[i] * pb.thq[i];
    }
    const n1 = pb.kq.map((k) => sc2 * k * qv + sc.beta);
    const n2 = pb.kq.map((k, i) => sc2 * (k * (qthv + 2 * qv) + (k + pb.thq[i]) * qv + k * (qv + vthq)) + sc.beta);
    scatter(nngp, P, idx[pb.x], idx[pb.y], n1);
    scatter(ntk, P, idx[pb.x], idx[pb.y], n2);
  }
  return { nngp, ntk };
}

/** Normal deviates by Box–Muller from one alea stream; 1 - u ∈ (0, 1] keeps the log finite. */
function fillNormals(rng: seedrandom.PRNG, out: Float64Array): void {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    const rad = Math.sqrt(-2 * Math.log(1 - rng()));
    const th = 2 * Math.PI * rng();
    out[i] = rad * Math.cos(th);
    if (i + 1 < n) out[i + 1] = rad * Math.sin(th);
  }
}

/** A sample's estimate of the layer's kernels, scaled, biased and masked like the final answer. */
export interface AttentionKernelEstimate {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
  /** Samples averaged. */
  readonly count: number;
}

/**
 * Sqrt-scaled attention by Monte Carlo over the infinite-width logits (D.5–D.9).
 *
 * Prepared once per kernel state (embedded kernels, a pivoted Cholesky L Lᵀ = Kq over the valid rows
 * of all inputs jointly, the per-pair blocks); `pass` then averages samples
 * [first, first + count), each from its own alea stream keyed `${seed}/${path}/${index}`, so disjoint
 * ranges are independent replicas and a replica's result does not depend on how ranges are split.
 *
 * Cost per sample (Pv valid rows in all, r = rank Kq ≤ Pv, t positions per input): r² normals,
 * ≈ Pv·r²/2 for Y = L Z (L is triangular in pivot order), Σ_x t²·r for the diagonal blocks
 * G(x) = c·Y_x L_xᵀ (the off-diagonal blocks of L Z Lᵀ are never formed), then O(M²/2 · t³) for the
 * expectations (about 20 t×t products per input pair for softmax, 6 for the elementwise ζ).
 */
export class SqrtAttentionSampler {
  private readonly pr: Prepared;
  private readonly sc: Scales;
  private readonly mech: AttentionMechanism;
  private readonly L: Float64Array;
  private readonly lens: Int32Array;
  private readonly r: number;
  /** Offset of each input's first valid row in the valid-row ordering. */
  private readonly off: Int32Array;
  private readonly hasThv: boolean;
  private readonly hasThq: boolean;
  /** kv ∘ kq and kv ∘ Θq per pair, fixed across samples. */
  private readonly kvq: Float64Array[];
  private readonly kvthq: Float64Array[];

  constructor(s: KernelState, spec: AttentionSpec, n: number) {
    this.pr = prepare(s, spec, n);
    this.sc = scales(spec);
    this.mech = spec.mechanism;
    const { idx, P } = this.pr;
    const valid = Int32Array.from(idx.flatMap((r) => Array.from(r)));
    this.off = new Int32Array(this.pr.M);
    for (let x = 1; x < this.pr.M; x++) this.off[x] = this.off[x - 1] + idx[x - 1].length;
    const chol = pivotedCholesky(gather(this.pr.kernels.Kq, P, valid, valid), valid.length);
    this.L = chol.L;
    this.lens = chol.lens;
    this.r = chol.rank;
    this.hasThv = !allZero(this.pr.kernels.Thv);
    this.hasThq = !allZero(this.pr.kernels.Thq);
    this.kvq = this.pr.pairs.map((pb) => pb.kv.map((v, i) => v * pb.kq[i]));
    this.kvthq = this.pr.pairs.map((pb) => pb.kv.map((v, i) => v * pb.thq[i]));
  }

  /** The estimate from samples [first, first + count). */
  pass(seed: number, path: string, first: number, count: number): AttentionKernelEstimate {
    if (!(count >= 1) || !Number.isInteger(count) || !Number.isInteger(first) || first < 0) {
      throw new Error(`sample range [${first}, ${first}+${count}) is not a non-empty range of whole numbers`);
    }
    const { pr, r, L, lens, off, mech } = this;
    const { idx, pairs, M } = pr;
    const tmax = Math.max(...idx.map((i) => i.length));
    const Pv = off[M - 1] + idx[M - 1].length;
    const softmax = mech === 'softmax';

    const Z = new Float64Array(r * r);
    const Y = new Float64Array(Pv * r);
    const G = new Float64Array(tmax * tmax);
    const A = idx.map((i) => new Float64Array(i.length * i.length));
    const D = softmax ? [] : idx.map((i) => new Float64Array(i.length * i.length));
    // Accumulators per pair: E[A Kv Aᵀ], E[A Θv Aᵀ], E[C(Kq)], E[C(Θq)] (D.5, D.6, D.8).
    const acc = pairs.map((pb) => {
      const sz = pb.kq.length;
      return { n1: new Float64Array(sz), n2: new Float64Array(sz), cq: new Float64Array(sz), ct: new Float64Array(sz) };
    });
    const t1 = new Float64Array(tmax * tmax);
    const t2 = new Float64Array(tmax * tmax);
    const t3 = new Float64Array(tmax * tmax);
    const t4 = new Float64Array(tmax * tmax);
    const akv = new Float64Array(tmax * tmax);
    const kva = new Float64Array(tmax * tmax);
    const n1 = new Float64Array(tmax * tmax);

    for (let k = first; k < first + count; k++) {
      const rng = seedrandom.alea(`${seed}/${path}/${k}`);
      fillNormals(rng, Z);
      // Y = L Z over the valid rows; row i of L vanishes beyond lens[i].
      Y.fill(0);
      for (let i = 0; i < Pv; i++) {
        const li = i * r;
        const yi = i * r;
        for (let p = 0; p < lens[i]; p++) {
          const l = L[li + p];
          const zp = p * r;
          for (let q = 0; q < r; q++) Y[yi + q] += l * Z[zp + q];
        }
      }
      // G(x) = c · Y_x L_xᵀ (D.4): only the diagonal blocks of L Z Lᵀ.
      for (let x = 0; x < M; x++) {
        const t = idx[x].length;
        const o = off[x];
        for (let a = 0; a < t; a++) {
          const ya = (o + a) * r;
          for (let b = 0; b < t; b++) {
            const lb = (o + b) * r;
            const len = lens[o + b];
            let sum = 0;
            for (let q = 0; q < len; q++) sum += Y[ya + q] * L[lb + q];
            G[a * t + b] = this.sc.c * sum;
          }
        }
        applyMechanism(mech, G, t, t, A[x]);
        if (!softmax) mechanismDerivative(mech, G, t * t, D[x]);
      }
      for (let pi = 0; pi < pairs.length; pi++) {
        const pb = pairs[pi];
        const ac = acc[pi];
        const [tx, ty] = [idx[pb.x].length, idx[pb.y].length];
        const [Ax, Ay] = [A[pb.x], A[pb.y]];
        const sz = tx * ty;
        // Value and output weights, and earlier parameters through the values (D.5, D.6).
        matmul(Ax, pb.kv, tx, tx, ty, akv);
        matmulT(akv, Ay, tx, ty, ty, n1);
        for (let i = 0; i < sz; i++) ac.n1[i] += n1[i];
        if (this.hasThv) {
          matmulT(matmul(Ax, pb.thv, tx, tx, ty, t1), Ay, tx, ty, ty, t2);
          for (let i = 0; i < sz; i++) ac.n2[i] += t2[i];
        }
        // Logit path (D.8): C(Q)_ac = Σ J(x)_{a;b,b'} J(y)_{c;d,d'} Kv_bd Q_b'd'.
        if (softmax) {
          matmulT(pb.kv, Ay, tx, ty, ty, kva); // Kv A(y)ᵀ
          addSoftmaxContraction(Ax, Ay, pb.kq, this.kvq[pi], akv, kva, n1, tx, ty, ac.cq, t1, t2, t3, t4);
          if (this.hasThq) addSoftmaxContraction(Ax, Ay, pb.thq, this.kvthq[pi], akv, kva, n1, tx, ty, ac.ct, t1, t2, t3, t4);
        } else {
          const [Dx, Dy] = [D[pb.x], D[pb.y]];
          matmulT(matmul(Dx, this.kvq[pi], tx, tx, ty, t1), Dy, tx, ty, ty, t2);
          for (let i = 0; i < sz; i++) ac.cq[i] += t2[i];
          if (this.hasThq) {
            matmulT(matmul(Dx, this.kvthq[pi], tx, tx, ty, t1), Dy, tx, ty, ty, t2);
            for (let i = 0; i < sz; i++) ac.ct[i] += t2[i];
          }
        }
      }
    }

    const { P } = pr;
    const { s, c, beta } = this.sc;
    const nngp = new Float64Array(P * P);
    const ntk = new Float64Array(P * P);
    const c2 = c * c;
    for (let pi = 0; pi < pairs.length; pi++) {
      const pb = pairs[pi];
      const ac = acc[pi];
      const sz = pb.kq.length;
      const bn = new Float64Array(sz);
      const bt = new Float64Array(sz);
      for (let i = 0; i < sz; i++) {
        const [e1, e2, eq, et] = [ac.n1[i] / count, ac.n2[i] / count, ac.cq[i] / count, ac.ct[i] / count];
        const S = pb.kq[i] + pb.thq[i];
        // (D.11): value/output weights 2E[A Kv Aᵀ], earlier parameters E[A Θv Aᵀ], logit path.
        const logit = c2 * (S * eq + pb.kq[i] * (eq + et));
        bn[i] = s * e1 + beta;
        bt[i] = s * (e2 + 2 * e1 + logit) + beta;
      }
      scatter(nngp, P, idx[pb.x], idx[pb.y], bn);
      scatter(ntk, P, idx[pb.x], idx[pb.y], bt);
    }
    return { nngp, ntk, count };
  }
}

/**
 * Softmax logit-path contraction (D.9): with J_{a;b,b'} = A_ab(δ_bb' − A_ab'),
 *   C(Q) = A (Kv∘Q) A'ᵀ − A[(Q A'ᵀ)∘(Kv A'ᵀ)] − [(A Q)∘(A Kv)] A'ᵀ + (A Q A'ᵀ)∘(A Kv A'ᵀ),
 * added into `into` (tx × ty). `kvQ` = Kv∘Q, `akv` = A Kv, `kva` = Kv A'ᵀ, `n1` = A Kv A'ᵀ for this
 * sample; t1…t4 are workspaces of at least tx·ty.
 */
function addSoftmaxContraction(
  Ax: Float64Array,
  Ay: Float64Array,
  Q: Float64Array,
  kvQ: Float64Array,
  akv: Float64Array,
  kva: Float64Array,
  n1: Float64Array,
  tx: number,
  ty: number,
  into: Float64Array,
  t1: Float64Array,
  t2: Float64Array,
  t3: Float64Array,
  t4: Float64Array,
): void {
  const sz = tx * ty;
  // + A (Kv∘Q) A'ᵀ
  matmulT(matmul(Ax, kvQ, tx, tx, ty, t1), Ay, tx, ty, ty, t2);
  for (let i = 0; i < sz; i++) into[i] += t2[i];
  // − A[(Q A'ᵀ)∘(Kv A'ᵀ)]
  matmulT(Q, Ay, tx, ty, ty, t1);
  for (let i = 0; i < sz; i++) t1[i] *= kva[i];
  matmul(Ax, t1, tx, tx, ty, t2);
  for (let i = 0; i < sz; i++) into[i] -= t2[i];
  // − [(A Q)∘(A Kv)] A'ᵀ, and + (A Q A'ᵀ)∘(A Kv A'ᵀ)
  matmul(Ax, Q, tx, tx, ty, t1);
  matmulT(t1, Ay, tx, ty, ty, t4);
  for (let i = 0; i < sz; i++) t1[i] *= akv[i];
  matmulT(t1, Ay, tx, ty, ty, t3);
  for (let i = 0; i < sz; i++) into[i] += t4[i] * n1[i] - t3[i];
}

/**
 * C(Q)_ac = Σ_{b,b',d,d'} J(x)_{a;b,b'} J(y)_{c;d,d'} Kv_bd Q_b'd' for softmax attention weights
 * Ax (tx × tx), Ay (ty × ty) and tx × ty blocks Q, Kv: the logit-path contraction of (D.8), allocating.
 */
export function softmaxLogitContraction(Ax: Float64Array, Ay: Float64Array, Q: Float64Array, Kv: Float64Array, tx: number, ty: number): Float64Array {
  const sz = tx * ty;
  const akv = matmul(Ax, Kv, tx, tx, ty);
  const kva = matmulT(Kv, Ay, tx, ty, ty);
  const n1 = matmulT(akv, Ay, tx, ty, ty);
  const out = new Float64Array(sz);
  const ws = () => new Float64Array(sz);
  addSoftmaxContraction(Ax, Ay, Q, Kv.map((v, i) => v * Q[i]), akv, kva, n1, tx, ty, out, ws(), ws(), ws(), ws());
  return out;
}

/**
 * The layer's kernel map. `n` is the input channel count (state.width); the output is a centred
 * Gaussian process per channel in the limit (sqrt scaling: as H → ∞; at fixed H the NNGP is still
 * the covariance but the law is a scale mixture, docs/kernels.md §6).
 */
export function attentionKernel(s: KernelState, spec: AttentionSpec, ctx: KernelContext): KernelState {
  if (s.T < 1 || s.M < 1) throw new KernelError(ctx.path, 'attention needs at least one input and one position');
  const n = s.width;
  let out: { nngp: Float64Array; ntk: Float64Array };
  try {
    if (spec.scaling === 'linear') {
      out = linearKernel(prepare(s, spec, n), scales(spec), spec.mechanism);
    } else if (spec.mechanism === 'identity') {
      out = sqrtIdentityKernel(prepare(s, spec, n), scales(spec));
    } else {
      if (!(ctx.sampleCount >= 1)) throw new Error('sqrt attention with softmax/relu/abs is a Monte-Carlo estimate: sampleCount must be at least 1');
      out = new SqrtAttentionSampler(s, spec, n).pass(ctx.seed, ctx.path, ctx.firstSample, ctx.sampleCount);
    }
  } catch (e) {
    if (e instanceof KernelError) throw e;
    throw new KernelError(ctx.path, (e as Error).message);
  }
  return outputState(s, out.nngp, out.ntk, spec.outWidth);
}

/** One replica of a sampled attention kernel: samples [firstSample, firstSample + sampleCount). */
export function attentionKernelPass(s: KernelState, spec: AttentionSpec, ctx: KernelContext): AttentionKernelEstimate {
  return new SqrtAttentionSampler(s, spec, s.width).pass(ctx.seed, ctx.path, ctx.firstSample, ctx.sampleCount);
}

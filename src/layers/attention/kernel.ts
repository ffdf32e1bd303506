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
import type { AttentionMechanism, AttentionSpec } from '../../spec/types.ts';
import { KernelError, type KernelState } from '../../kernels/state.ts';
import type { KernelContext, SamplingMethod } from '../types.ts';
import { SoftmaxRowIntegrator, type RowPair, type SqrtExpectations } from './softmaxRows.ts';

export type { SqrtExpectations } from './softmaxRows.ts';
import { embeddedKernels, type EmbeddedKernels } from './posEmb.ts';
import { allZero, gather, matmul, matmulT } from '../../linalg/dense.ts';
import { pivotedCholesky } from '../../linalg/pivotedCholesky.ts';
import { fillNormals } from '../../random/normals.ts';
import { relu } from '../../kernels/activations/relu.ts';
import { abs } from '../../kernels/activations/abs.ts';
import type { ActivationMath } from '../../kernels/activations/types.ts';

/**
 * Whether the kernel of this spec is a Monte-Carlo estimate: sqrt scaling with softmax, whose row
 * normalisation couples every logit of a row. Identity, relu and abs act elementwise and have
 * closed forms (D.10, D.12).
 */
export function isSampled(spec: Pick<AttentionSpec, 'scaling' | 'mechanism'>): boolean {
  return spec.scaling === 'sqrt' && spec.mechanism === 'softmax';
}

/** The bivariate Gaussian moments E[ζζ], E[ζ'ζ'] of an elementwise mechanism: the MLP activations' own. */
const elementwiseMoments: Partial<Record<AttentionMechanism, ActivationMath>> = { relu, abs };

interface Scales {
  readonly c: number;
  readonly s: number;
  readonly beta: number;
}

function scales(spec: AttentionSpec): Scales {
  return { c: spec.wQStd * spec.wKStd, s: spec.wOStd ** 2 * spec.wVStd ** 2, beta: spec.bStd ** 2 };
}

interface Prepared {
  readonly M: number;
  readonly T: number;
  readonly P: number;
  readonly mask: Float64Array;
  /** Global row indices of each input's valid positions. */
  readonly idx: Int32Array[];
  readonly pairs: RowPair[];
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
  const pairs: RowPair[] = [];
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
 * (D.11): NNGP = s·E[A Kv A'ᵀ] + β, NTK = s·(E[A Θv A'ᵀ] + 2E[A Kv A'ᵀ] + c²(S_q∘E[C(Kq)] + Kq∘(E[C(Kq)] + E[C(Θq)]))) + β,
 * S_q = Kq + Θq: the output and value weights, earlier parameters through the values, and the logit
 * path of W^Q, W^K and of earlier parameters through the query slot (S_q∘E[C(Kq)]) and the key slot.
 */
function assembleSqrt(pr: Prepared, sc: Scales, ex: SqrtExpectations): { nngp: Float64Array; ntk: Float64Array } {
  const { P, idx, pairs } = pr;
  const { s, c, beta } = sc;
  const c2 = c * c;
  const nngp = new Float64Array(P * P);
  const ntk = new Float64Array(P * P);
  for (let pi = 0; pi < pairs.length; pi++) {
    const pb = pairs[pi];
    const [e1, e2, eq, et] = [ex.value[pi], ex.thv[pi], ex.cKq[pi], ex.cThq[pi]];
    const sz = pb.kq.length;
    const bn = new Float64Array(sz);
    const bt = new Float64Array(sz);
    for (let i = 0; i < sz; i++) {
      const S = pb.kq[i] + pb.thq[i];
      bn[i] = s * e1[i] + beta;
      bt[i] = s * (e2[i] + 2 * e1[i] + c2 * (S * eq[i] + pb.kq[i] * (eq[i] + et[i]))) + beta;
    }
    scatter(nngp, P, idx[pb.x], idx[pb.y], bn);
    scatter(ntk, P, idx[pb.x], idx[pb.y], bt);
  }
  return { nngp, ntk };
}

/**
 * ζ = identity (D.10): A = G and J = I, so with ⟨U,V⟩ = Σ_{b,d valid} U_bd V_bd over the (x, y) block,
 *   E[A Kv A'ᵀ]_ac = c² Kq_ac ⟨Kq, Kv⟩,  E[A Θv A'ᵀ]_ac = c² Kq_ac ⟨Kq, Θv⟩,  E[C(Q)]_ac = ⟨Kv, Q⟩.
 */
function identityExpectations(pr: Prepared, sc: Scales): SqrtExpectations {
  const c2 = sc.c * sc.c;
  const ex: SqrtExpectations = { value: [], thv: [], cKq: [], cThq: [] };
  for (const pb of pr.pairs) {
    let qv = 0;
    let qthv = 0;
    let vthq = 0;
    for (let i = 0; i < pb.kq.length; i++) {
      qv += pb.kq[i] * pb.kv[i];
      qthv += pb.kq[i] * pb.thv[i];
      vthq += pb.kv[i] * pb.thq[i];
    }
    ex.value.push(pb.kq.map((k) => c2 * k * qv));
    ex.thv.push(pb.kq.map((k) => c2 * k * qthv));
    ex.cKq.push(new Float64Array(pb.kq.length).fill(qv));
    ex.cThq.push(new Float64Array(pb.kq.length).fill(vthq));
  }
  return ex;
}

/**
 * Elementwise ζ (relu, abs) in closed form (D.12). The logits G(x)_ab and G(y)_cd are jointly centred
 * Gaussian with variances c²Kq_aa Kq_bb, c²Kq_cc Kq_dd and covariance c²Kq_ac Kq_bd (D.3), and the
 * Jacobian is diagonal, so every expectation is a sum over keys of a bivariate Gaussian moment:
 *   E[A Kv A'ᵀ]_ac = Σ_bd Kv_bd E[ζ(G_ab) ζ(G'_cd)],   E[C(Q)]_ac = Σ_bd Kv_bd Q_bd E[ζ'(G_ab) ζ'(G'_cd)].
 * The moments are the MLP activations' own (relu.ts, abs.ts). A zero variance (a query or key whose
 * Kq vanishes: its logits are exactly 0 in the finite network) gives 0, as ζ(0) = 0; the ζ'(0) = 0
 * it also implies is multiplied by Kq_ac or S_q,ac, which vanish with it (Cauchy–Schwarz), so the
 * finite network's own ζ'(0) cannot matter.
 */
function elementwiseExpectations(pr: Prepared, sc: Scales, math: ActivationMath): SqrtExpectations {
  const { P, idx } = pr;
  const c2 = sc.c * sc.c;
  const diag = idx.map((rows) => Float64Array.from(rows, (i) => pr.kernels.Kq[i * P + i]));
  const ex: SqrtExpectations = { value: [], thv: [], cKq: [], cThq: [] };
  for (const pb of pr.pairs) {
    const [dx, dy] = [diag[pb.x], diag[pb.y]];
    const [tx, ty] = [dx.length, dy.length];
    const [e1, e2, eq, et] = [0, 0, 0, 0].map(() => new Float64Array(tx * ty));
    for (let a = 0; a < tx; a++) {
      for (let c = 0; c < ty; c++) {
        const ac = a * ty + c;
        const kqAc = pb.kq[ac];
        for (let b = 0; b < tx; b++) {
          // Same operation order as k12 below, so that a diagonal pair (x = y, a = c, b = d) gets ρ = 1 exactly.
          const k11 = c2 * (dx[a] * dx[b]);
          for (let d = 0; d < ty; d++) {
            const bd = b * ty + d;
            const m = math.pair(k11, c2 * (kqAc * pb.kq[bd]), c2 * (dy[c] * dy[d]));
            const kv = pb.kv[bd];
            e1[ac] += kv * m.phiPhi;
            e2[ac] += pb.thv[bd] * m.phiPhi;
            eq[ac] += kv * pb.kq[bd] * m.dphiDphi;
            et[ac] += kv * pb.thq[bd] * m.dphiDphi;
          }
        }
      }
    }
    ex.value.push(e1);
    ex.thv.push(e2);
    ex.cKq.push(eq);
    ex.cThq.push(et);
  }
  return ex;
}

/** A sample's estimate of the layer's kernels, scaled, biased and masked like the final answer. */
export interface AttentionKernelEstimate {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
  /** Logit draws averaged (each an antithetic pair when the sampler uses them). */
  readonly count: number;
}

export interface SamplerOptions {
  /**
   * 'rows' (the default for softmax): randomised QMC over each entry's two logit rows
   * (softmaxRows.ts, (D.13)). 'antithetic' (the default otherwise): every draw Z evaluated at Z and
   * −Z; G(−Z) = −G(Z) has the same law, so the pair's mean is unbiased, and the part of each
   * estimate that is odd in G cancels exactly (for softmax, all of the first-order term).
   * 'plain': independent draws. Each range [first, first + count) is then one randomisation of
   * the first `count` points, keyed by `first`.
   */
  readonly sampling?: SamplingMethod;
}

/**
 * Sqrt-scaled attention by Monte Carlo over the infinite-width logits (D.5–D.9).
 *
 * Prepared once per kernel state (embedded kernels, a pivoted Cholesky L Lᵀ = Kq over the valid rows
 * of all inputs jointly, the per-pair blocks); `pass` then averages draws [first, first + count),
 * each from its own keyed normal stream (src/random/normals.ts) `logits/${seed}/${path}/${index}`, so
 * disjoint ranges are independent replicas and a replica's result does not depend on how ranges
 * are split. The layer's kernel uses it for softmax only; for the elementwise mechanisms it is the
 * independent check of their closed forms.
 *
 * Cost per draw (Pv valid rows in all, r = rank Kq ≤ Pv, t positions per input): r² normals,
 * ≈ Pv·r²/2 for Y = L Z (L is triangular in pivot order), Σ_x t²·r for the diagonal blocks
 * G(x) = c·Y_x L_xᵀ (the off-diagonal blocks of L Z Lᵀ are never formed), then O(M²/2 · t³) for the
 * expectations (about 20 t×t products per input pair for softmax, 6 for the elementwise ζ), twice
 * with antithetic pairs.
 */
export class SqrtAttentionSampler {
  private readonly pr: Prepared;
  private readonly sc: Scales;
  private readonly mech: AttentionMechanism;
  private readonly method: SamplingMethod;
  private rows: SoftmaxRowIntegrator | null = null;
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
  /** Identifies what the draws are evaluated on (the range cache's key). */
  private readonly fingerprint: string;

  constructor(s: KernelState, spec: AttentionSpec, n: number, opts: SamplerOptions = {}) {
    this.pr = prepare(s, spec, n);
    this.sc = scales(spec);
    this.mech = spec.mechanism;
    this.method = opts.sampling === 'rows' && spec.mechanism !== 'softmax' ? 'antithetic' : (opts.sampling ?? (spec.mechanism === 'softmax' ? 'rows' : 'antithetic'));
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
    this.fingerprint = fingerprint([s.nngp, s.ntk, s.mask], JSON.stringify([spec, n, s.M, s.T, this.method]));
  }

  /** The estimate from draws [first, first + count). */
  pass(seed: number, path: string, first: number, count: number): AttentionKernelEstimate {
    return { ...assembleSqrt(this.pr, this.sc, this.expectations(seed, path, first, count)), count };
  }

  /**
   * The averages of the four expectations of (D.11) over draws [first, first + count). Sums over
   * ranges already computed for the same state, seed and path are reused (rangeCache): computeKernel
   * asks for R replica ranges and then for their union, which then costs nothing.
   */
  expectations(seed: number, path: string, first: number, count: number): SqrtExpectations {
    if (!(count >= 1) || !Number.isInteger(count) || !Number.isInteger(first) || first < 0) {
      throw new Error(`sample range [${first}, ${first}+${count}) is not a non-empty range of whole numbers`);
    }
    const key = `${this.fingerprint}|${seed}|${path}`;
    const total = this.zeroSums();
    const end = first + count;
    for (let pos = first; pos < end; ) {
      let part = rangeCache.get(key, pos, end);
      if (part === null) {
        part = { count: end - pos, sums: this.sums(seed, path, pos, end - pos) };
        rangeCache.put(key, pos, part);
      }
      addSums(total, part.sums);
      pos += part.count;
    }
    const evaluations = count * (this.method === 'antithetic' ? 2 : 1);
    for (const blocks of [total.value, total.thv, total.cKq, total.cThq]) for (const b of blocks) for (let i = 0; i < b.length; i++) b[i] /= evaluations;
    return total;
  }

  private zeroSums(): SqrtExpectations {
    const z = () => this.pr.pairs.map((pb) => new Float64Array(pb.kq.length));
    return { value: z(), thv: z(), cKq: z(), cThq: z() };
  }

  /** The sums (not averages) of the four quantities over draws [first, first + count). */
  private sums(seed: number, path: string, first: number, count: number): SqrtExpectations {
    if (this.method === 'rows') {
      const { pairs, idx } = this.pr;
      this.rows ??= new SoftmaxRowIntegrator(pairs, idx.map((i) => i.length), this.sc.c, this.hasThv, this.hasThq);
      const acc = this.zeroSums();
      this.rows.addSums(`${seed}/${path}/${first}`, count, acc);
      return acc;
    }
    const { pr, r, L, lens, off, mech } = this;
    const { idx, pairs, M } = pr;
    const tmax = Math.max(...idx.map((i) => i.length));
    const Pv = off[M - 1] + idx[M - 1].length;
    const softmax = mech === 'softmax';

    const Z = new Float64Array(r * r);
    const Y = new Float64Array(Pv * r);
    const G = idx.map((i) => new Float64Array(i.length * i.length));
    const Gneg = new Float64Array(tmax * tmax);
    const A = idx.map((i) => new Float64Array(i.length * i.length));
    const D = softmax ? [] : idx.map((i) => new Float64Array(i.length * i.length));
    // Sums per pair of A Kv Aᵀ, A Θv Aᵀ, C(Kq), C(Θq) (D.5, D.6, D.8).
    const acc = this.zeroSums();
    const t1 = new Float64Array(tmax * tmax);
    const t2 = new Float64Array(tmax * tmax);
    const t3 = new Float64Array(tmax * tmax);
    const t4 = new Float64Array(tmax * tmax);
    const akv = new Float64Array(tmax * tmax);
    const kva = new Float64Array(tmax * tmax);
    const n1 = new Float64Array(tmax * tmax);
    const signs = this.method === 'antithetic' ? [1, -1] : [1];

    for (let k = first; k < first + count; k++) {
      fillNormals(Z, 0, r * r, `logits/${seed}/${path}/${k}`);
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
        const Gx = G[x];
        for (let a = 0; a < t; a++) {
          const ya = (o + a) * r;
          for (let b = 0; b < t; b++) {
            const lb = (o + b) * r;
            const len = lens[o + b];
            let sum = 0;
            for (let q = 0; q < len; q++) sum += Y[ya + q] * L[lb + q];
            Gx[a * t + b] = this.sc.c * sum;
          }
        }
      }
      for (const sign of signs) {
        for (let x = 0; x < M; x++) {
          const t = idx[x].length;
          let Gx = G[x];
          if (sign < 0) {
            for (let i = 0; i < t * t; i++) Gneg[i] = -Gx[i];
            Gx = Gneg;
          }
          applyMechanism(mech, Gx, t, t, A[x]);
          if (!softmax) mechanismDerivative(mech, Gx, t * t, D[x]);
        }
        for (let pi = 0; pi < pairs.length; pi++) {
          const pb = pairs[pi];
          const [tx, ty] = [idx[pb.x].length, idx[pb.y].length];
          const [Ax, Ay] = [A[pb.x], A[pb.y]];
          const sz = tx * ty;
          // Value and output weights, and earlier parameters through the values (D.5, D.6).
          matmul(Ax, pb.kv, tx, tx, ty, akv);
          matmulT(akv, Ay, tx, ty, ty, n1);
          const value = acc.value[pi];
          for (let i = 0; i < sz; i++) value[i] += n1[i];
          if (this.hasThv) {
            matmulT(matmul(Ax, pb.thv, tx, tx, ty, t1), Ay, tx, ty, ty, t2);
            const thv = acc.thv[pi];
            for (let i = 0; i < sz; i++) thv[i] += t2[i];
          }
          // Logit path (D.8): C(Q)_ac = Σ J(x)_{a;b,b'} J(y)_{c;d,d'} Kv_bd Q_b'd'.
          if (softmax) {
            matmulT(pb.kv, Ay, tx, ty, ty, kva); // Kv A(y)ᵀ
            addSoftmaxContraction(Ax, Ay, pb.kq, this.kvq[pi], akv, kva, n1, tx, ty, acc.cKq[pi], t1, t2, t3, t4);
            if (this.hasThq) addSoftmaxContraction(Ax, Ay, pb.thq, this.kvthq[pi], akv, kva, n1, tx, ty, acc.cThq[pi], t1, t2, t3, t4);
          } else {
            const [Dx, Dy] = [D[pb.x], D[pb.y]];
            matmulT(matmul(Dx, this.kvq[pi], tx, tx, ty, t1), Dy, tx, ty, ty, t2);
            const cq = acc.cKq[pi];
            for (let i = 0; i < sz; i++) cq[i] += t2[i];
            if (this.hasThq) {
              matmulT(matmul(Dx, this.kvthq[pi], tx, tx, ty, t1), Dy, tx, ty, ty, t2);
              const ct = acc.cThq[pi];
              for (let i = 0; i < sz; i++) ct[i] += t2[i];
            }
          }
        }
      }
    }
    return acc;
  }
}

function addSums(into: SqrtExpectations, from: SqrtExpectations): void {
  for (const k of ['value', 'thv', 'cKq', 'cThq'] as const)
    for (let p = 0; p < into[k].length; p++) {
      const [a, b] = [into[k][p], from[k][p]];
      for (let i = 0; i < a.length; i++) a[i] += b[i];
    }
}

/** FNV-1a over the bytes of some float64 arrays and a string: identifies a sampler's inputs. */
function fingerprint(arrays: readonly Float64Array[], text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (const a of arrays) {
    const w = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
    for (let i = 0; i < w.length; i++) {
      h1 = Math.imul(h1 ^ w[i], 0x01000193);
      h2 = Math.imul(h2 ^ w[i], 0x5bd1e995) ^ (h2 >>> 15);
    }
  }
  for (let i = 0; i < text.length; i++) h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}:${text}`;
}

/**
 * Sums of recent sample ranges per sampler identity (state, spec, seed, path): a bounded cache, so
 * that the union of R replica ranges is assembled from them instead of being sampled again.
 */
const rangeCache = {
  entries: new Map<string, { count: number; sums: SqrtExpectations }>(),
  limit: 64,
  get(key: string, start: number, end: number): { count: number; sums: SqrtExpectations } | null {
    const hit = this.entries.get(`${key}@${start}`);
    return hit && start + hit.count <= end ? hit : null;
  },
  put(key: string, start: number, value: { count: number; sums: SqrtExpectations }): void {
    this.entries.set(`${key}@${start}`, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  },
};

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
 * Sqrt-scaled attention as its four expectations (closed-form for identity, relu and abs; sampled
 * over ctx's draws for softmax) and the assembly (D.11) that turns them into the layer's output
 * state. Separate so that a test, or a deliberately broken fixture, can recombine the terms.
 */
export function sqrtAttentionTerms(s: KernelState, spec: AttentionSpec, ctx: KernelContext): { expectations: SqrtExpectations; assemble(ex: SqrtExpectations): KernelState } {
  if (spec.scaling !== 'sqrt') throw new KernelError(ctx.path, 'sqrtAttentionTerms needs sqrt scaling');
  const n = s.width;
  const pr = prepare(s, spec, n);
  const sc = scales(spec);
  let expectations: SqrtExpectations;
  const math = elementwiseMoments[spec.mechanism];
  if (spec.mechanism === 'identity') expectations = identityExpectations(pr, sc);
  else if (math) expectations = elementwiseExpectations(pr, sc, math);
  else {
    if (!(ctx.sampleCount >= 1)) throw new KernelError(ctx.path, 'sqrt attention with softmax is a Monte-Carlo estimate: sampleCount must be at least 1');
    expectations = new SqrtAttentionSampler(s, spec, n, { sampling: ctx.sampling }).expectations(ctx.seed, ctx.path, ctx.firstSample, ctx.sampleCount);
  }
  return {
    expectations,
    assemble: (ex) => {
      const out = assembleSqrt(pr, sc, ex);
      return outputState(s, out.nngp, out.ntk, spec.outWidth);
    },
  };
}

/**
 * The layer's kernel map. `n` is the input channel count (state.width); the output is a centred
 * Gaussian process per channel in the limit (sqrt scaling: as H → ∞; at fixed H the NNGP is still
 * the covariance but the law is a scale mixture, docs/kernels.md §6).
 */
export function attentionKernel(s: KernelState, spec: AttentionSpec, ctx: KernelContext): KernelState {
  if (s.T < 1 || s.M < 1) throw new KernelError(ctx.path, 'attention needs at least one input and one position');
  try {
    if (spec.scaling === 'linear') {
      const out = linearKernel(prepare(s, spec, s.width), scales(spec), spec.mechanism);
      return outputState(s, out.nngp, out.ntk, spec.outWidth);
    }
    const terms = sqrtAttentionTerms(s, spec, ctx);
    return terms.assemble(terms.expectations);
  } catch (e) {
    if (e instanceof KernelError) throw e;
    throw new KernelError(ctx.path, (e as Error).message);
  }
}

/** One replica of a sampled attention kernel: draws [firstSample, firstSample + sampleCount). */
export function attentionKernelPass(s: KernelState, spec: AttentionSpec, ctx: KernelContext): AttentionKernelEstimate {
  return new SqrtAttentionSampler(s, spec, s.width, { sampling: ctx.sampling }).pass(ctx.seed, ctx.path, ctx.firstSample, ctx.sampleCount);
}

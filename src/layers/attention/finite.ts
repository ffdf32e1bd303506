/**
 * The finite multi-head self-attention layer on N networks at once (docs/kernels.md §5), NTK
 * parameterisation: every weight N(0,1), every scale in the forward pass.
 *
 *   Q_h = U W^Q_h, K_h = U W^K_h, V_h = X_v W^V_h
 *   G_h = σQσK · Q_h K_hᵀ / (n_qk · d_k^s)          s = 1 (linear, W^K = W^Q), s = 1/2 (sqrt)
 *   A_h = ζ(G_h) row-wise over valid keys
 *   out = σOσV / √(n_v · d_v · H) · [A_1V_1, …, A_HV_H] W^O + σb b
 *
 * U is what keys/queries see (X, X + σpe P or [X, σpe P]), X_v what values see (X, or U with
 * `posEmb.values`); n_qk, n_v their channel counts.
 *
 * Parameter layout (per network; the sampler stacks N in front):
 *   WQ, WK: [n_qk, H·d_k], columns h·d_k … (h+1)·d_k − 1 are head h (WK absent under linear scaling);
 *   WV: [n_v, H·d_v]; WO: [H·d_v, n_out], rows grouped by head the same way; b: [n_out] (σb > 0);
 *   Zpe: [T, n_pe], the embedding's standard-normal source, P = L_R Zpe.
 *
 * Layout of the computation: one batched matMul per projection ([N, M·T, n] × [N, n, H·d]); heads are
 * moved next to the network axis with a rank-4 transpose ([N, M·T, H, d] → [N, H, M·T, d]), so the
 * logits and A·V are batched matMuls over N·H·M sequences with no rank-5 transpose, slice or split.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttentionSpec } from '../../spec/types.ts';
import type { FiniteContext, ForwardBack, ParamDecl, ParamMap } from '../types.ts';
import { backTogether, biasSite, deferred, leftSharedSite, linearSite, type SiteResult } from '../sites.ts';
import { matMul } from '../../tensors/matMul.ts';

/** Channel counts and shapes fixed by the spec and the layer's site. */
export interface AttentionGeometry {
  /** Input channels n. */
  readonly n: number;
  readonly T: number;
  readonly H: number;
  readonly dk: number;
  readonly dv: number;
  readonly nOut: number;
  /** Channels keys/queries see (n, or n + n_pe under concat). */
  readonly qk: number;
  /** Channels values see. */
  readonly v: number;
  /** Embedding channels (n under sum), 0 without an embedding. */
  readonly nPe: number;
}

export function attentionParams(spec: AttentionSpec, g: AttentionGeometry): ParamDecl[] {
  const params: ParamDecl[] = [{ name: 'WQ', shape: [g.qk, g.H * g.dk], trainable: true }];
  if (spec.scaling === 'sqrt') params.push({ name: 'WK', shape: [g.qk, g.H * g.dk], trainable: true });
  params.push({ name: 'WV', shape: [g.v, g.H * g.dv], trainable: true });
  params.push({ name: 'WO', shape: [g.H * g.dv, g.nOut], trainable: true });
  if (spec.bStd > 0) params.push({ name: 'b', shape: [g.nOut], trainable: true });
  if (spec.posEmb !== null) params.push({ name: 'Zpe', shape: [g.T, g.nPe], trainable: spec.posEmb.trainable });
  return params;
}

/** [N, M·T, H·d] → [N·H·M, T, d] (head-major sequences); with one head the transpose moves nothing. */
function toHeads(y: tf.Tensor3D, N: number, M: number, T: number, H: number, d: number): tf.Tensor3D {
  if (H === 1) return y.reshape([N * M, T, d]);
  return y.reshape([N, M * T, H, d]).transpose([0, 2, 1, 3]).reshape([N * H * M, T, d]);
}

/** The inverse of toHeads: [N·H·M, T, d] → [N, M·T, H·d]. */
function fromHeads(y: tf.Tensor3D, N: number, M: number, T: number, H: number, d: number): tf.Tensor3D {
  if (H === 1) return y.reshape([N, M * T, d]);
  return y.reshape([N, H, M * T, d]).transpose([0, 2, 1, 3]).reshape([N, M * T, H * d]);
}

/**
 * [N, M·T, n] × [N, n, H·d] → [N·H·M, T, d]. A parameter site (sites.ts), so the contraction NTK
 * sees the projection; under linear scaling the one tied site feeds both Q and K and its
 * back-propagated signal carries both paths.
 */
function project(ctx: FiniteContext, name: string, u: tf.Tensor3D, p: ParamMap, N: number, M: number, T: number, H: number, d: number, scale: number): { h: tf.Tensor3D; site: SiteResult } {
  const site = linearSite(ctx, name, u, deferred(p, name, H * d), scale);
  return { h: toHeads(site.y, N, M, T, H, d), site };
}

/**
 * R_tt′ · mask_r · mask_r′ over the M·T rows: the row Gram of the embedding's site (sites.ts). Built
 * in JS (one small readback of the mask): as tensor ops it took a Tile, WASM's slowest small op.
 */
function embeddingRowGram(LR: Float64Array | null, mask: tf.Tensor4D, M: number, T: number): tf.Tensor2D {
  const R = new Float64Array(T * T);
  for (let a = 0; a < T; a++)
    for (let b = 0; b < T; b++) {
      if (LR === null) R[a * T + b] = a === b ? 1 : 0;
      else for (let c = 0; c < T; c++) R[a * T + b] += LR[a * T + c] * LR[b * T + c];
    }
  const m = mask.dataSync();
  const P = M * T;
  const G = new Float32Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) G[i * P + j] = R[(i % T) * T + (j % T)] * m[i] * m[j];
  return tf.tensor2d(G, [P, P]);
}

/**
 * The forward pass and its reverse step (Layer.forwardBack). `LR` is the float64 T × T factor of R
 * (null for R = I). x: [N, M, T, n]; returns [N, M, T, n_out], zero at padded positions.
 *
 * Reverse step, per head (G = Q Kᵀ the logits, the scale in Q; A = ζ(G), O = A V):
 *   dA = dO Vᵀ, dV = Aᵀ dO; softmax: dG = A ⊙ (dA − rowsum(dA ⊙ A)); identity: dG = dA;
 *   relu: dG = dA ⊙ 1[G > 0]; abs: dG = dA ⊙ sign G (each ⊙ the key mask when masked);
 *   dQ = dG K, dK = dGᵀ Q (tied: the one site gets dQ + dK).
 */
export function attentionForward(
  spec: AttentionSpec,
  g: AttentionGeometry,
  LR: Float64Array | null,
  x: tf.Tensor4D,
  p: ParamMap,
  ctx: FiniteContext,
): ForwardBack {
  const [N, M, T, n] = x.shape;
  if (n !== g.n) throw new Error(`attention: input has ${n} channels, the layer was built for ${g.n}`);
  const { H, dk, dv, nOut } = g;
  const mask = ctx.mask;

  // Keys/queries input U and values input Xv (docs/kernels.md §5.4).
  let u: tf.Tensor4D = x;
  let xv: tf.Tensor4D = x;
  let pe: SiteResult | null = null;
  if (spec.posEmb !== null) {
    const emb = spec.posEmb;
    const Z = p.Zpe as tf.Tensor3D; // [N, T, n_pe]
    if (Z.shape[1] !== T) throw new Error(`attention: the embedding was built for T = ${Z.shape[1]}, the input has T = ${T}`);
    let P: tf.Tensor3D = Z;
    if (LR !== null) {
      // P = L_R Z for every network as one 2-D product: [T, T] × [T, N·n_pe].
      const zt = Z.transpose([1, 0, 2]).reshape([T, N * g.nPe]);
      P = matMul(tf.tensor2d(Float32Array.from(LR), [T, T]), zt).reshape([T, N, g.nPe]).transpose([1, 0, 2]);
    }
    // One draw per network, shared by the M inputs; zero at padded positions (see posEmb.ts).
    let Pm = P.mul(emb.std).reshape([N, 1, T, g.nPe]).add(tf.zeros([1, M, 1, 1])) as tf.Tensor4D;
    if (ctx.masked) Pm = Pm.mul(mask);
    pe = leftSharedSite(ctx, 'Zpe', Pm.reshape([N, M * T, g.nPe]) as tf.Tensor3D, () => embeddingRowGram(LR, mask, M, T), emb.std, emb.trainable);
    Pm = pe.y.reshape([N, M, T, g.nPe]) as tf.Tensor4D;
    u = emb.type === 'sum' ? x.add(Pm) : tf.concat([x, Pm], 3);
    if (emb.values) xv = u;
  }

  const uFlat = u.reshape([N, M * T, g.qk]) as tf.Tensor3D;
  // The logit scale c lives in the query site's scale (√c in the one tied site under linear
  // scaling): no multiplication of the logits, and the contraction's s² A ⊙ δδᵀ is unchanged.
  const c = (spec.wQStd * spec.wKStd) / (g.qk * (spec.scaling === 'linear' ? dk : Math.sqrt(dk)));
  const q = project(ctx, 'WQ', uFlat, p, N, M, T, H, dk, spec.scaling === 'linear' ? Math.sqrt(c) : c);
  const k = spec.scaling === 'linear' ? null : project(ctx, 'WK', uFlat, p, N, M, T, H, dk, 1);
  const Qh = q.h;
  const Kh = k ? k.h : Qh;
  // Logits [N·H, M, T(query), T(key)]: a rank-4 view whose M axis lines up with the mask. Batched
  // products take WASM's scalar loop either way, which reads a transposed operand in place.
  const G = (Qh.shape[0] > 1 ? tf.matMul(Qh, Kh, false, true) : matMul(Qh, Kh, true)).reshape([N * H, M, T, T]) as tf.Tensor4D;
  const keyMask = mask.reshape([1, M, 1, T]);
  let A: tf.Tensor4D;
  switch (spec.mechanism) {
    case 'softmax':
      // Padded keys get weight exactly 0: exp underflows at −1e9 below the row's valid logits.
      A = tf.softmax(ctx.masked ? G.add(keyMask.sub(1).mul(1e9)) : G) as tf.Tensor4D;
      break;
    case 'identity':
      A = ctx.masked ? G.mul(keyMask) : G;
      break;
    case 'relu':
      A = ctx.masked ? tf.relu(G).mul(keyMask) : tf.relu(G);
      break;
    case 'abs':
      A = ctx.masked ? tf.abs(G).mul(keyMask) : tf.abs(G);
      break;
  }

  const v = project(ctx, 'WV', xv.reshape([N, M * T, g.v]) as tf.Tensor3D, p, N, M, T, H, dv, 1);
  const A3 = A.reshape([N * H * M, T, T]) as tf.Tensor3D;
  const AV = matMul(A3, v.h); // [N·H·M, T, d_v]
  const heads = fromHeads(AV, N, M, T, H, dv);
  const o = linearSite(ctx, 'WO', heads, deferred(p, 'WO', nOut), (spec.wOStd * spec.wVStd) / Math.sqrt(g.v * dv * H));
  const b = spec.bStd > 0 ? biasSite(ctx, 'b', o.y, p.b as tf.Tensor2D, spec.bStd) : null;
  let out = (b ? b.y : o.y).reshape([N, M, T, nOut]) as tf.Tensor4D;
  if (ctx.masked) out = out.mul(mask);

  const back = (dy: tf.Tensor4D, needInput: boolean): tf.Tensor4D | null => {
    const dOut = (ctx.masked ? dy.mul(mask) : dy).reshape([N, M * T, nOut]) as tf.Tensor3D;
    b?.back(dOut, false);
    const dAV = toHeads(o.back(dOut, true)!, N, M, T, H, dv);
    // Per-head products: batched matMuls, whose transposed operands cost nothing extra.
    const dA = tf.matMul(dAV, v.h, false, true).reshape([N * H, M, T, T]) as tf.Tensor4D;
    const dVh = tf.matMul(A3, dAV, true, false) as tf.Tensor3D;
    let dG: tf.Tensor4D;
    switch (spec.mechanism) {
      case 'softmax':
        dG = A.mul(dA.sub(dA.mul(A).sum(-1, true)));
        break;
      case 'identity':
        dG = ctx.masked ? dA.mul(keyMask) : dA;
        break;
      case 'relu':
        dG = dA.mul(ctx.masked ? tf.step(G).mul(keyMask) : tf.step(G));
        break;
      case 'abs':
        dG = dA.mul(ctx.masked ? tf.sign(G).mul(keyMask) : tf.sign(G));
        break;
    }
    const dG3 = dG.reshape([N * H * M, T, T]) as tf.Tensor3D;
    const dQh = tf.matMul(dG3, Kh) as tf.Tensor3D;
    const dKh = tf.matMul(dG3, Qh, true, false) as tf.Tensor3D;
    // Which inputs need their signal: the embedding's site reads dU, the layer's input reads dU and dXv.
    const embSignal = spec.posEmb !== null && spec.posEmb.trainable;
    const needU = needInput || embSignal;
    const dV = fromHeads(dVh, N, M, T, H, dv);
    // Sites that read U reverse together (sites.ts, backTogether); values join them when Xv = U.
    const parts: [SiteResult, tf.Tensor3D][] =
      k === null ? [[q.site, fromHeads(dQh.add(dKh) as tf.Tensor3D, N, M, T, H, dk)]] : [[q.site, fromHeads(dQh, N, M, T, H, dk)], [k.site, fromHeads(dKh, N, M, T, H, dk)]];
    if (xv === u) parts.push([v.site, dV]);
    const dU = backTogether(parts, needU);
    const dXv = xv === u ? null : v.site.back(dV, needInput);
    // Null when neither the input nor a trainable embedding needs it. Without an embedding U = Xv = X.
    if (!dU) return null;
    if (pe === null) return dU.reshape([N, M, T, n]) as tf.Tensor4D;
    const dU4 = dU.reshape([N, M, T, g.qk]) as tf.Tensor4D;
    const sum = spec.posEmb!.type === 'sum';
    // The embedding's signal: ∂f/∂(masked Pm), i.e. dU on its channels.
    const dPm = sum ? dU4 : dU4.slice([0, 0, 0, n], [N, M, T, g.nPe]);
    pe.back(dPm.reshape([N, M * T, g.nPe]) as tf.Tensor3D, false);
    if (!needInput) return null;
    let dx = sum ? dU4 : dU4.slice([0, 0, 0, 0], [N, M, T, n]);
    if (xv === x && dXv) dx = dx.add(dXv.reshape([N, M, T, n]));
    return dx as tf.Tensor4D;
  };
  return { y: out, ctx, back };
}

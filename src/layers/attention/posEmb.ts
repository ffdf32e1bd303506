/**
 * Random positional embeddings (docs/kernels.md §5.4): P = L_R Z with Z ~ N(0,1)
 * [T × n_pe], L_R L_Rᵀ = R, R_ab = decay(|a-b|^p), scaled by σpe, one draw per network shared by
 * every input of the batch.
 *
 * Padded positions: the finite network multiplies the embedding by the mask, so a padded position's
 * key/query (and, with `values`, value) input is exactly zero, as in the kernel, whose padded rows and
 * columns are zero. Nothing observable depends on this choice: padded keys get zero attention weight
 * and padded queries' outputs are zeroed, so a padded position never reaches a valid output.
 */
import type { DecaySpec, PosEmbSpec } from '../../spec/types.ts';
import type { KernelState } from '../../kernels/state.ts';
import { psdSquareFactor } from '../../linalg/pivotedCholesky.ts';

/** R (T × T, row-major): R_ab = decay(|a-b|^p); R = I without a decay function. */
export function decayMatrix(T: number, decay: DecaySpec | null, p: number): Float64Array {
  const R = new Float64Array(T * T);
  for (let a = 0; a < T; a++) {
    for (let b = 0; b < T; b++) {
      if (decay === null) {
        R[a * T + b] = a === b ? 1 : 0;
        continue;
      }
      const D = Math.pow(Math.abs(a - b), p);
      switch (decay.kind) {
        case 'exp':
          R[a * T + b] = Math.exp(-decay.scale * D);
          break;
        case 'inverse':
          R[a * T + b] = 1 / (1 + decay.scale * D);
          break;
        case 'power':
          R[a * T + b] = Math.pow(1 + D, -decay.exponent);
          break;
      }
    }
  }
  return R;
}

/**
 * L_R (T × T, row-major, float64) with L_R L_Rᵀ = R. Pivoted, so a singular R works; an R that is
 * not PSD (possible for some decays with p > 2, or slowly decaying power laws) throws: no embedding
 * P = L_R Z has that covariance.
 */
export function decayFactor(T: number, decay: DecaySpec | null, p: number): Float64Array {
  const R = decayMatrix(T, decay, p);
  return psdSquareFactor(R, T, `positional correlation R (decay ${decay ? decay.kind : 'none'}, p = ${p}, T = ${T})`);
}

/** Channel counts of what keys/queries and values see (n_pe only widens them under concat). */
export function embeddingWidths(posEmb: PosEmbSpec | null, n: number): { nPe: number; qk: number; v: number } {
  if (posEmb === null) return { nPe: 0, qk: n, v: n };
  if (posEmb.type === 'sum') return { nPe: n, qk: n, v: n };
  const nPe = posEmb.channels ?? 0;
  if (!(nPe >= 1)) throw new Error('posEmb.channels (n_pe) is required with type "concat"');
  return { nPe, qk: n + nPe, v: posEmb.values ? n + nPe : n };
}

/** The (P × P) kernels keys/queries (`q`) and values (`v`) see; padded rows and columns are zero. */
export interface EmbeddedKernels {
  readonly Kq: Float64Array;
  readonly Thq: Float64Array;
  readonly Kv: Float64Array;
  readonly Thv: Float64Array;
}

/**
 * sum:    K_qk = K + σpe² R,                              Θ_qk = Θ + σpe² R (trainable)
 * concat: K_qk = n/(n+n_pe) K + n_pe/(n+n_pe) σpe² R,     Θ_qk = n/(n+n_pe) Θ + n_pe/(n+n_pe) σpe² R
 * with R_{ab} added on EVERY pair of rows (x,a),(y,b), cross-input blocks included: the embedding is
 * one draw shared by all inputs. Θ gets the R term only for a trainable embedding (its gradient with
 * respect to Z is σpe L_R per channel, whose Gram is σpe² R). Values see the same kernels when
 * `values` is set, the raw K, Θ otherwise. `n` is the input's channel count (state.width).
 */
export function embeddedKernels(s: KernelState, posEmb: PosEmbSpec | null, n: number): EmbeddedKernels {
  const { M, T, mask } = s;
  const P = M * T;
  let wK = 1;
  let wR = 0;
  if (posEmb !== null) {
    const { nPe, qk } = embeddingWidths(posEmb, n);
    const s2 = posEmb.std * posEmb.std;
    if (posEmb.type === 'sum') wR = s2;
    else ((wK = n / qk), (wR = (nPe / qk) * s2));
  }
  const R = posEmb === null ? null : decayMatrix(T, posEmb.decay, posEmb.p);
  const trainable = posEmb !== null && posEmb.trainable;
  const Kq = new Float64Array(P * P);
  const Thq = new Float64Array(P * P);
  const Kraw = new Float64Array(P * P);
  const Thraw = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    if (mask[i] === 0) continue;
    const ti = i % T;
    for (let j = 0; j < P; j++) {
      if (mask[j] === 0) continue;
      const ij = i * P + j;
      const r = R === null ? 0 : wR * R[ti * T + (j % T)];
      Kraw[ij] = s.nngp[ij];
      Thraw[ij] = s.ntk[ij];
      Kq[ij] = wK * s.nngp[ij] + r;
      Thq[ij] = wK * s.ntk[ij] + (trainable ? r : 0);
    }
  }
  const values = posEmb !== null && posEmb.values;
  return { Kq, Thq, Kv: values ? Kq : Kraw, Thv: values ? Thq : Thraw };
}

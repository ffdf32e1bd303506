import { describe, expect, it } from 'vitest';
import { decayFactor, decayMatrix, embeddedKernels, embeddingWidths } from './posEmb.ts';
import { pivotedCholesky } from '../../linalg/pivotedCholesky.ts';
import type { KernelState } from '../../kernels/state.ts';
import type { PosEmbSpec } from '../../spec/types.ts';

const pe = (o: Partial<PosEmbSpec> & Pick<PosEmbSpec, 'type'>): PosEmbSpec => ({
  std: 1,
  decay: null,
  p: 1,
  values: false,
  trainable: true,
  ...o,
});

function state(M: number, T: number, width: number, mask?: number[]): KernelState {
  const P = M * T;
  const nngp = new Float64Array(P * P);
  const ntk = new Float64Array(P * P);
  for (let i = 0; i < P; i++)
    for (let j = 0; j < P; j++) {
      nngp[i * P + j] = 1 / (1 + Math.abs(i - j)) + (i === j ? 1 : 0);
      ntk[i * P + j] = 0.5 * nngp[i * P + j];
    }
  return {
    M,
    T,
    mask: Float64Array.from(mask ?? new Array(P).fill(1)),
    nngp,
    ntk,
    width,
    dist: 'gaussian',
    features: null,
    mean: null,
  };
}

describe('decayMatrix', () => {
  it('is the identity without a decay function', () => {
    expect(Array.from(decayMatrix(3, null, 1))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('applies exp, inverse and power decays to D = |a-b|^p', () => {
    const T = 4;
    const exp = decayMatrix(T, { kind: 'exp', scale: 0.5 }, 2);
    expect(exp[0 * T + 3]).toBeCloseTo(Math.exp(-0.5 * 9), 14);
    expect(exp[2 * T + 1]).toBeCloseTo(Math.exp(-0.5), 14);
    const inv = decayMatrix(T, { kind: 'inverse', scale: 2 }, 1.5);
    expect(inv[1 * T + 3]).toBeCloseTo(1 / (1 + 2 * Math.pow(2, 1.5)), 14);
    const pow = decayMatrix(T, { kind: 'power', exponent: 0.7 }, 1);
    expect(pow[3 * T + 0]).toBeCloseTo(Math.pow(4, -0.7), 14);
    for (const R of [exp, inv, pow]) {
      for (let a = 0; a < T; a++) {
        expect(R[a * T + a]).toBe(1);
        for (let b = 0; b < T; b++) expect(R[a * T + b]).toBe(R[b * T + a]);
      }
    }
  });

  it('factors R as L_R L_Rᵀ, also when R is numerically singular', () => {
    const T = 9;
    for (const [decay, p] of [
      [{ kind: 'exp', scale: 0.3 }, 1],
      [{ kind: 'exp', scale: 0.05 }, 2],
      [{ kind: 'inverse', scale: 1 }, 1],
      [{ kind: 'power', exponent: 1.5 }, 1],
      [null, 1],
    ] as const) {
      const R = decayMatrix(T, decay, p);
      const F = decayFactor(T, decay, p);
      for (let a = 0; a < T; a++)
        for (let b = 0; b < T; b++) {
          let s = 0;
          for (let k = 0; k < T; k++) s += F[a * T + k] * F[b * T + k];
          expect(s).toBeCloseTo(R[a * T + b], 10);
        }
    }
  });

  it('refuses a decay whose R is not positive semi-definite', () => {
    expect(() => decayFactor(10, { kind: 'exp', scale: 0.5 }, 4)).toThrow(/not positive semi-definite/);
  });
});

describe('pivotedCholesky', () => {
  it('reports the rank of a rank-deficient matrix and reproduces it', () => {
    // Rows 0 and 2 identical (identical inputs), row 3 zero (a masked position).
    const v = [
      [1, 2],
      [0.5, -1],
      [1, 2],
      [0, 0],
    ];
    const n = 4;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = v[i][0] * v[j][0] + v[i][1] * v[j][1];
    const { L, rank } = pivotedCholesky(A, n);
    expect(rank).toBe(2);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < rank; k++) s += L[i * rank + k] * L[j * rank + k];
        expect(s).toBeCloseTo(A[i * n + j], 12);
      }
  });
});

describe('embeddedKernels', () => {
  const M = 2;
  const T = 3;
  const P = M * T;
  const R = decayMatrix(T, { kind: 'exp', scale: 0.7 }, 1);

  it('sum: adds σpe² R on every pair of rows, cross-input blocks included', () => {
    const s = state(M, T, 5);
    const e = embeddedKernels(s, pe({ type: 'sum', std: 0.6, decay: { kind: 'exp', scale: 0.7 } }), 5);
    for (let i = 0; i < P; i++)
      for (let j = 0; j < P; j++) {
        const r = 0.36 * R[(i % T) * T + (j % T)];
        expect(e.Kq[i * P + j]).toBeCloseTo(s.nngp[i * P + j] + r, 14);
        expect(e.Thq[i * P + j]).toBeCloseTo(s.ntk[i * P + j] + r, 14);
        expect(e.Kv[i * P + j]).toBe(s.nngp[i * P + j]);
        expect(e.Thv[i * P + j]).toBe(s.ntk[i * P + j]);
      }
  });

  it('a fixed embedding adds to the NNGP only; values see it with `values`', () => {
    const s = state(M, T, 5);
    const e = embeddedKernels(s, pe({ type: 'sum', std: 0.6, trainable: false, values: true }), 5);
    for (let i = 0; i < P; i++)
      for (let j = 0; j < P; j++) {
        const r = (i % T) === (j % T) ? 0.36 : 0;
        expect(e.Kq[i * P + j]).toBeCloseTo(s.nngp[i * P + j] + r, 14);
        expect(e.Thq[i * P + j]).toBe(s.ntk[i * P + j]);
        expect(e.Kv[i * P + j]).toBe(e.Kq[i * P + j]);
        expect(e.Thv[i * P + j]).toBe(e.Thq[i * P + j]);
      }
  });

  it('concat: n/(n+n_pe) K + n_pe/(n+n_pe) σpe² R, and the widths grow by n_pe', () => {
    const s = state(M, T, 6);
    const spec = pe({ type: 'concat', channels: 2, std: 1.5, decay: { kind: 'exp', scale: 0.7 }, values: true });
    expect(embeddingWidths(spec, 6)).toEqual({ nPe: 2, qk: 8, v: 8 });
    expect(embeddingWidths({ ...spec, values: false }, 6)).toEqual({ nPe: 2, qk: 8, v: 6 });
    const e = embeddedKernels(s, spec, 6);
    for (let i = 0; i < P; i++)
      for (let j = 0; j < P; j++) {
        const r = (2 / 8) * 2.25 * R[(i % T) * T + (j % T)];
        expect(e.Kq[i * P + j]).toBeCloseTo((6 / 8) * s.nngp[i * P + j] + r, 14);
        expect(e.Thq[i * P + j]).toBeCloseTo((6 / 8) * s.ntk[i * P + j] + r, 14);
        expect(e.Kv[i * P + j]).toBe(e.Kq[i * P + j]);
      }
  });

  it('zeroes the rows and columns of padded positions', () => {
    const s = state(M, T, 5, [1, 1, 0, 1, 0, 0]);
    const e = embeddedKernels(s, pe({ type: 'sum', decay: { kind: 'inverse', scale: 1 }, values: true }), 5);
    for (const K of [e.Kq, e.Thq, e.Kv, e.Thv])
      for (let i = 0; i < P; i++)
        for (let j = 0; j < P; j++) if (s.mask[i] === 0 || s.mask[j] === 0) expect(K[i * P + j]).toBe(0);
    expect(e.Kq[0 * P + 3]).toBeCloseTo(s.nngp[3] + 1, 14);
  });
});

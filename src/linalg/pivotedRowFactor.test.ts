import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pivotedRowFactor } from './pivotedCholesky.ts';

/** G = X Xᵀ, optionally rounded to float32 entry by entry as the sampler's Gram is. */
function gram(X: number[][], f32 = false): Float64Array {
  const R = X.length;
  const G = new Float64Array(R * R);
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) {
      const v = X[i].reduce((s, a, k) => s + a * X[j][k], 0);
      G[i * R + j] = f32 ? Math.fround(v) : v;
    }
  return G;
}

function factor(G: Float64Array, R: number, relTol: number) {
  const F = new Float64Array(R * R);
  const rank = pivotedRowFactor(G, 0, R, relTol, F, 0, R);
  let maxDiag = 0;
  for (let i = 0; i < R; i++) maxDiag = Math.max(maxDiag, G[i * R + i]);
  // err: the largest |G − F Fᵀ|_ij / √(G_ii G_jj) (0/0 counts as 0); maxF: the largest |F_ik| / √G_ii.
  let err = 0;
  let maxF = 0;
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) {
      let s = G[i * R + j];
      for (let c = 0; c < rank; c++) s -= F[i * R + c] * F[j * R + c];
      const norm = Math.sqrt(G[i * R + i] * G[j * R + j]);
      if (s !== 0) err = Math.max(err, Math.abs(s) / norm);
      if (F[i * R + j] !== 0) maxF = Math.max(maxF, Math.abs(F[i * R + j]) / Math.sqrt(G[i * R + i]));
    }
  return { rank, F, err, maxDiag, maxF };
}

// Small integers: every non-zero row has norm ≥ 1, so rank decisions are not at the mercy of rounding.
const rows = (R: number, c: number) => fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: c, maxLength: c }), { minLength: R, maxLength: R });

describe('pivotedRowFactor', () => {
  it('factors a full-rank Gram exactly', () => {
    const { rank, err } = factor(gram([[1, 0.5, -1], [0.2, 2, 0.1], [-1, 0.3, 0.7]]), 3, 1e-12);
    expect(rank).toBe(3);
    expect(err).toBeLessThan(1e-12);
  });

  it('stops at the rank of X Xᵀ, zero rows included, with every entry of G − F Fᵀ within the tolerance of its rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), rows(7, 6), fc.nat({ max: 6 }), fc.nat({ max: 6 }), (c, X, zeroRow, smallRow) => {
        // One row scaled down 10⁴: its own entries must keep their relative accuracy.
        const Xc = X.map((r, i) => (i === zeroRow ? r.slice(0, c).map(() => 0) : r.slice(0, c).map((v) => (i === smallRow ? v * 1e-4 : v))));
        const G = gram(Xc);
        const { rank, err, F } = factor(G, 7, 1e-10);
        expect(rank).toBeLessThanOrEqual(c);
        expect(err).toBeLessThanOrEqual(1e-10 + 1e-12);
        for (let q = 0; q < 7; q++) expect(F[zeroRow * 7 + q]).toBe(0);
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('stays accurate on a float32 Gram of 64 rows spanning 16 dimensions (the case an unpivoted factor got wrong)', () => {
    // x = A B rounded to float32, and its Gram accumulated in float32, as the sampler's are: the
    // input of an attention layer after a linear first layer on 16 channels (benchmark R3). A row-
    // order factor with a per-row tolerance kept rounding-level pivots here and erred by up to 3e-3
    // of the largest diagonal (100× on one benchmark network); pivoting keeps the error at G's rounding.
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const [R, n, r] = [64, 128, 16];
    const relTol = n * 2 ** -23;
    for (let trial = 0; trial < 20; trial++) {
      const A = Array.from({ length: R }, () => Array.from({ length: r }, rand));
      const B = Array.from({ length: r }, () => Array.from({ length: n }, rand));
      const x = A.map((a) => Array.from({ length: n }, (_, k) => Math.fround(a.reduce((s, v, q) => Math.fround(s + Math.fround(v * B[q][k])), 0))));
      const G = new Float64Array(R * R);
      for (let i = 0; i < R; i++)
        for (let j = 0; j < R; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s = Math.fround(s + Math.fround(x[i][k] * x[j][k]));
          G[i * R + j] = s;
        }
      const { rank, err, maxF } = factor(G, R, relTol);
      expect(rank).toBe(r);
      expect(err).toBeLessThan(3 * relTol);
      expect(maxF).toBeLessThanOrEqual(1 + 1e-9);
    }
  });
});

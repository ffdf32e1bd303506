import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inOrderCholesky } from './inOrderCholesky.ts';

/** G = X Xᵀ for X (R × c) row-major. */
function gram(X: number[][]): Float64Array {
  const R = X.length;
  const G = new Float64Array(R * R);
  for (let i = 0; i < R; i++) for (let j = 0; j < R; j++) G[i * R + j] = X[i].reduce((s, v, k) => s + v * X[j][k], 0);
  return G;
}

function factor(G: Float64Array, R: number, relTol: number) {
  const F = new Float64Array(R * R);
  const rank = inOrderCholesky(G, 0, R, relTol, F, 0, R);
  const E = new Float64Array(R * R);
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) {
      let s = G[i * R + j];
      for (let c = 0; c < rank; c++) s -= F[i * R + c] * F[j * R + c];
      E[i * R + j] = s;
    }
  return { rank, F, E };
}

// Small integers: every non-zero row has norm ≥ 1, so rank decisions are not at the mercy of rounding.
const rows = (R: number, c: number) => fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: c, maxLength: c }), { minLength: R, maxLength: R });

describe('inOrderCholesky', () => {
  it('factors a full-rank Gram exactly, lower-triangular in row order', () => {
    const X = [[1, 0.5, -1], [0.2, 2, 0.1], [-1, 0.3, 0.7]];
    const { rank, F, E } = factor(gram(X), 3, 1e-12);
    expect(rank).toBe(3);
    E.forEach((e) => expect(Math.abs(e)).toBeLessThan(1e-12));
    expect(F[0 * 3 + 1]).toBe(0);
    expect(F[1 * 3 + 2]).toBe(0);
  });

  it('finds the rank of X Xᵀ when the rows span fewer dimensions, and skips zero rows', () => {
    fc.assert(
      fc.property(rows(3, 5), fc.array(fc.nat({ max: 3 }), { minLength: 9, maxLength: 9 }), (basis, pick) => {
        // Rows: combinations of 3 basis vectors, one of them zero (a padded position).
        const X = pick.map((p, i) => (p === 3 ? [0, 0, 0, 0, 0] : basis[p].map((v) => v * (1 + i / 10))));
        const G = gram(X);
        const { rank, E } = factor(G, 9, 1e-10);
        const span = new Set(pick.filter((p) => p !== 3 && basis[p].some((v) => v !== 0)));
        expect(rank).toBeLessThanOrEqual(span.size);
        // The residual is PSD with diagonal ≤ relTol·G_kk: every entry ≤ relTol·√(G_ii G_jj).
        for (let i = 0; i < 9; i++)
          for (let j = 0; j < 9; j++) expect(Math.abs(E[i * 9 + j])).toBeLessThanOrEqual(1e-10 * Math.sqrt(G[i * 10] * G[j * 10]) + 1e-12);
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  it('matches G within the tolerance for random PSD matrices of every rank', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), rows(6, 6), (c, X) => {
        const Xc = X.map((r) => r.slice(0, c));
        const G = gram(Xc);
        const { rank, E } = factor(G, 6, 1e-9);
        expect(rank).toBeLessThanOrEqual(c);
        for (let i = 0; i < 6; i++)
          for (let j = 0; j < 6; j++) expect(Math.abs(E[i * 6 + j])).toBeLessThanOrEqual(1e-9 * Math.sqrt(G[i * 7] * G[j * 7]) + 1e-12);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

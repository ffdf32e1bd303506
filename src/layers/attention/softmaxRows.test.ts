/**
 * The quasi-random row integrator of sqrt softmax attention (softmaxRows.ts, (D.13)): its per-entry
 * contraction is the matrix form (D.9) entry by entry, and its estimate agrees with independent
 * draws of all logits (the draw sampler, a separate code path) within their joint standard error.
 *
 * Statistical test: R = 24 replicas of each estimator; per entry (rows − draws)/√(SE_rows² + SE_draws²)
 * is compared with the Student t critical value at R − 1 dof (conservative: Welch's dof are at least
 * R − 1), Bonferroni over every unique valid entry of the NNGP and NTK of both cases at α = 1e-3.
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { SqrtAttentionSampler, softmaxLogitContraction } from './kernel.ts';
import { rowContraction } from './softmaxRows.ts';
import { attention as attentionSpec, type AttentionOptions } from '../builder.ts';
import { featureGram, type KernelState } from '../../kernels/state.ts';
import { studentTQuantile } from '../../stats/studentTQuantile.ts';

const softmaxRows = (rng: () => number, rows: number, cols: number) => {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const e = Array.from({ length: cols }, () => Math.exp(4 * rng() - 2));
    const z = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (out[i * cols + j] = v / z));
  }
  return out;
};

describe('row contraction', () => {
  it('equals the matrix form (D.9) entry by entry', () => {
    const rng = seedrandom.alea('rows-contraction');
    const [tx, ty] = [3, 4];
    const Ax = softmaxRows(rng, tx, tx);
    const Ay = softmaxRows(rng, ty, ty);
    const Q = Float64Array.from({ length: tx * ty }, () => rng() - 0.3);
    const Kv = Float64Array.from({ length: tx * ty }, () => rng() - 0.3);
    const C = softmaxLogitContraction(Ax, Ay, Q, Kv, tx, ty);
    const kvQ = Kv.map((v, i) => v * Q[i]);
    for (let a = 0; a < tx; a++)
      for (let c = 0; c < ty; c++) {
        const al = Ax.subarray(a * tx, (a + 1) * tx);
        const be = Ay.subarray(c * ty, (c + 1) * ty);
        const kvb = Float64Array.from({ length: tx }, (_, b) => be.reduce((s, v, d) => s + Kv[b * ty + d] * v, 0));
        const kva = Float64Array.from({ length: ty }, (_, d) => al.reduce((s, v, b) => s + Kv[b * ty + d] * v, 0));
        const akvb = al.reduce((s, v, b) => s + v * kvb[b], 0);
        expect(rowContraction(al, be, Q, kvQ, kvb, kva, akvb, tx, ty)).toBeCloseTo(C[a * ty + c], 13);
      }
  });
});

function state(M: number, T: number, d: number, key: string, mask: number[]): KernelState {
  const rng = seedrandom.alea(key);
  const P = M * T;
  const feats = (scale: number) => Float64Array.from({ length: P * d }, (_, i) => (mask[Math.floor(i / d)] ? scale * (2 * rng() - 1) * Math.sqrt(3) : 0));
  return { M, T, mask: Float64Array.from(mask), nngp: featureGram(feats(1), P, d), ntk: featureGram(feats(0.8), P, d), width: d, dist: 'gaussian', features: null, mean: null };
}

describe('quasi-random rows against independent draws', () => {
  const R = 24;
  const cases: [string, KernelState, AttentionOptions][] = [
    ['masked, trainable sum embedding seen by the values', state(3, 3, 4, 'rows-a', [1, 1, 1, 1, 1, 0, 1, 0, 0]), { heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 3, wQStd: 1.6, wKStd: 1.2, bStd: 0.2, posEmb: { type: 'sum', std: 0.6, decay: { kind: 'exp', scale: 0.7 }, values: true } }],
    ['concat embedding, large logits', state(2, 4, 3, 'rows-b', [1, 1, 1, 1, 1, 1, 1, 0]), { heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 3, wQStd: 2.5, wKStd: 1.5, posEmb: { type: 'concat', channels: 2, std: 0.8 } }],
  ];
  const entries = cases.reduce((n, [, s]) => {
    const v = s.mask.reduce((a, b) => a + b, 0);
    return n + v * (v + 1);
  }, 0);
  const critical = -studentTQuantile(1e-3 / entries / 2, R - 1);
  for (const [name, s, o] of cases) {
    it(name, () => {
      const sp = attentionSpec(o);
      const P = s.M * s.T;
      const run = (sampling: 'rows' | 'antithetic', n: number) => {
        const smp = new SqrtAttentionSampler(s, sp, s.width, { sampling });
        return Array.from({ length: R }, (_, r) => smp.pass(3, `rows-test-${sampling}`, r * n, n));
      };
      const rows = run('rows', 256);
      const draws = run('antithetic', 400);
      let worst = 0;
      for (const kind of ['nngp', 'ntk'] as const)
        for (let i = 0; i < P; i++)
          for (let j = i; j < P; j++) {
            if (!s.mask[i] || !s.mask[j]) continue;
            const stats = (reps: typeof rows) => {
              const v = reps.map((e) => e[kind][i * P + j]);
              const m = v.reduce((a, b) => a + b, 0) / R;
              return { m, se2: v.reduce((a, b) => a + (b - m) ** 2, 0) / (R - 1) / R };
            };
            const [a, b] = [stats(rows), stats(draws)];
            const se = Math.sqrt(a.se2 + b.se2);
            const tol = 1e-10 * (1 + Math.abs(a.m));
            // An entry fixed by the mask (an input with one valid position: its row of A is [1]) has no
            // sampling error at all: both must give the same number up to rounding.
            if (se < tol) expect(Math.abs(a.m - b.m)).toBeLessThanOrEqual(tol);
            else worst = Math.max(worst, Math.abs(a.m - b.m) / se);
          }
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(critical);
    });
  }
});

import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { attentionKernel, SqrtAttentionSampler, softmaxLogitContraction } from './kernel.ts';
import { pivotedCholesky } from '../../linalg/pivotedCholesky.ts';
import { attention as attentionSpec, type AttentionOptions } from '../builder.ts';
import type { KernelState } from '../../kernels/state.ts';
import type { KernelContext } from '../types.ts';

const ctx = (sampleCount = 2000, firstSample = 0): KernelContext => ({ path: 'layers[0]', seed: 17, firstSample, sampleCount });

const spec = (o: Partial<AttentionOptions> = {}) =>
  attentionSpec({ heads: 1, keyWidth: 8, valueWidth: 8, outWidth: 4, ...o });

/** A state from random features (NNGP = their Gram / d) and NTK = θ·NNGP. */
function randomState(M: number, T: number, d: number, seed: string, mask?: number[], theta = 0.7): KernelState {
  const rng = seedrandom.alea(seed);
  const P = M * T;
  const f = Array.from({ length: P }, () => Array.from({ length: d }, () => 2 * rng() - 1));
  const nngp = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) nngp[i * P + j] = f[i].reduce((s, v, k) => s + v * f[j][k], 0) / d;
  return {
    M,
    T,
    mask: Float64Array.from(mask ?? new Array(P).fill(1)),
    nngp,
    ntk: nngp.map((v) => theta * v),
    width: d,
    dist: 'gaussian',
    features: null,
    mean: null,
  };
}

function expectSymmetricPsd(K: Float64Array, P: number): void {
  let scale = 0;
  for (let i = 0; i < P; i++) scale = Math.max(scale, K[i * P + i]);
  for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) expect(Math.abs(K[i * P + j] - K[j * P + i])).toBeLessThanOrEqual(1e-12 * scale);
  // A PSD matrix factors with a negligible residual; an indefinite one leaves a large one.
  const { L, rank } = pivotedCholesky(K, P, 1e-13);
  let worst = 0;
  for (let i = 0; i < P; i++)
    for (let j = 0; j < P; j++) {
      let s = K[i * P + j];
      for (let k = 0; k < rank; k++) s -= L[i * rank + k] * L[j * rank + k];
      worst = Math.max(worst, Math.abs(s));
    }
  expect(worst).toBeLessThanOrEqual(1e-9 * scale);
}

const softmaxRow = (g: number[]) => {
  const e = g.map(Math.exp);
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

describe('linear scaling', () => {
  it('softmax: s·A K A^T + β and s·A(Θ + 2K)A^T + β by hand (M = 1, T = 2)', () => {
    const K = [
      [1, 0.5],
      [0.5, 2],
    ];
    const s: KernelState = {
      M: 1,
      T: 2,
      mask: new Float64Array([1, 1]),
      nngp: new Float64Array(K.flat()),
      ntk: new Float64Array([0.3, 0.1, 0.1, 0.4]),
      width: 3,
      dist: 'deterministic',
      features: null,
      mean: null,
    };
    const sp = spec({ scaling: 'linear', wQStd: 1.5, wKStd: 0.8, wVStd: 1.2, wOStd: 0.5, bStd: 0.3 });
    const out = attentionKernel(s, sp, ctx());
    const c = 1.2;
    const A = [softmaxRow([c * 1, c * 0.5]), softmaxRow([c * 0.5, c * 2])];
    const sc = 0.5 ** 2 * 1.2 ** 2;
    const Th = [
      [0.3 + 2 * 1, 0.1 + 2 * 0.5],
      [0.1 + 2 * 0.5, 0.4 + 2 * 2],
    ];
    for (let a = 0; a < 2; a++)
      for (let c2 = 0; c2 < 2; c2++) {
        let n = 0;
        let t = 0;
        for (let b = 0; b < 2; b++)
          for (let d = 0; d < 2; d++) {
            n += A[a][b] * K[b][d] * A[c2][d];
            t += A[a][b] * Th[b][d] * A[c2][d];
          }
        expect(out.nngp[a * 2 + c2]).toBeCloseTo(sc * n + 0.09, 13);
        expect(out.ntk[a * 2 + c2]).toBeCloseTo(sc * t + 0.09, 13);
      }
    expect(out).toMatchObject({ dist: 'gaussian', features: null, mean: null, width: 4, M: 1, T: 2 });
  });

  it('softmax over valid keys only; padded rows are zero and padded entries of K are ignored', () => {
    const s = randomState(2, 3, 4, 'lin-mask', [1, 1, 0, 1, 1, 1]);
    const sp = spec({ scaling: 'linear', bStd: 0.5 });
    const out = attentionKernel(s, sp, ctx());
    // Same as the unpadded problem on the first two positions of input 0.
    const P = 6;
    const garbled = { ...s, nngp: s.nngp.map((v, k) => (Math.floor(k / P) === 2 || k % P === 2 ? 123 : v)) };
    const out2 = attentionKernel(garbled, sp, ctx());
    expect(Array.from(out2.nngp)).toEqual(Array.from(out.nngp));
    for (let i = 0; i < P; i++) {
      expect(out.nngp[2 * P + i]).toBe(0);
      expect(out.ntk[i * P + 2]).toBe(0);
    }
    const K = [
      [s.nngp[0], s.nngp[1]],
      [s.nngp[P], s.nngp[P + 1]],
    ];
    const A = [softmaxRow([K[0][0], K[0][1]]), softmaxRow([K[1][0], K[1][1]])];
    let n01 = 0;
    for (let b = 0; b < 2; b++) for (let d = 0; d < 2; d++) n01 += A[0][b] * K[b][d] * A[1][d];
    expect(out.nngp[1]).toBeCloseTo(n01 + 0.25, 13);
  });

  it('relu/abs/identity weight padded keys by 0', () => {
    for (const mechanism of ['relu', 'abs', 'identity'] as const) {
      const s = randomState(1, 3, 5, 'lin-elem', [1, 0, 1]);
      const out = attentionKernel(s, spec({ scaling: 'linear', mechanism }), ctx());
      const z = (v: number) => (mechanism === 'relu' ? Math.max(v, 0) : mechanism === 'abs' ? Math.abs(v) : v);
      const K = (i: number, j: number) => s.nngp[i * 3 + j];
      const A = (a: number, b: number) => z(K(a, b));
      let n = 0;
      for (const b of [0, 2]) for (const d of [0, 2]) n += A(0, b) * K(b, d) * A(2, d);
      expect(out.nngp[2]).toBeCloseTo(n, 13);
    }
  });
});

describe('kernels are symmetric PSD', () => {
  const cases: Partial<AttentionOptions>[] = [
    { scaling: 'linear', mechanism: 'softmax' },
    { scaling: 'linear', mechanism: 'relu', posEmb: { type: 'sum', decay: { kind: 'exp', scale: 0.5 }, trainable: false } },
    { scaling: 'sqrt', mechanism: 'identity', posEmb: { type: 'concat', channels: 3, values: true } },
    { scaling: 'sqrt', mechanism: 'softmax', wQStd: 2, posEmb: { type: 'sum', decay: { kind: 'power', exponent: 1 }, values: true } },
    { scaling: 'sqrt', mechanism: 'relu' },
    { scaling: 'sqrt', mechanism: 'abs', bStd: 0.2, posEmb: { type: 'sum', std: 0.5 } },
  ];
  for (const c of cases) {
    it(`${c.scaling} ${c.mechanism}${c.posEmb ? ` + ${c.posEmb.type} embedding` : ''}, with padding`, () => {
      const s = randomState(3, 4, 6, 'psd', [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0]);
      const out = attentionKernel(s, spec(c), ctx(300));
      expectSymmetricPsd(out.nngp, 12);
      expectSymmetricPsd(out.ntk, 12);
      for (let i = 0; i < 12; i++) if (s.mask[i] === 0) for (let j = 0; j < 12; j++) expect(out.nngp[i * 12 + j]).toBe(0);
    });
  }
});

describe('sqrt scaling, Monte Carlo', () => {
  it('with ζ = identity matches the closed form within its standard error (NNGP and NTK, every term)', () => {
    // Θ ≠ 0, a trainable embedding seen by values, padding: every term of (D.10)/(D.11) is non-zero.
    const s = randomState(3, 3, 5, 'id', [1, 1, 1, 1, 0, 1, 1, 1, 0]);
    const sp = spec({
      mechanism: 'identity',
      wQStd: 1.3,
      wKStd: 0.9,
      wVStd: 1.1,
      wOStd: 0.8,
      bStd: 0.2,
      posEmb: { type: 'sum', std: 0.7, decay: { kind: 'exp', scale: 1 }, values: true },
    });
    const exact = attentionKernel(s, sp, ctx());
    const sampler = new SqrtAttentionSampler(s, sp, s.width);
    const reps = 24;
    const runs = Array.from({ length: reps }, (_, r) => sampler.pass(5, 'id', r * 400, 400));
    const P = 9;
    for (const key of ['nngp', 'ntk'] as const) {
      let chi2 = 0;
      let dof = 0;
      for (let i = 0; i < P * P; i++) {
        if (exact.mask[Math.floor(i / P)] === 0 || exact.mask[i % P] === 0) continue;
        const v = runs.map((r) => r[key][i]);
        const m = v.reduce((a, b) => a + b, 0) / reps;
        const se = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (reps - 1) / reps);
        const z = (m - exact[key][i]) / se;
        expect(Math.abs(z)).toBeLessThan(4.5);
        chi2 += z * z;
        dof++;
      }
      // Entries are correlated, so only a loose check on the typical size of the deviations.
      expect(chi2 / dof).toBeLessThan(3);
    }
  });

  it('softmax: T = 2, K = I reduces to one-dimensional Gaussian integrals', () => {
    // Kq = Kv = I: G_ab = c Z_ab i.i.d.; row a puts σ(D) on key 0 with D = G_a0 − G_a1 ~ N(0, 2c²).
    // NNGP_aa = s E[σ² + (1−σ)²], NNGP_01 = s/2; logit path (D.9) on the diagonal: 2c² E‖J_a‖²_F = 8c² E[σ²(1−σ)²].
    const c = 1.7;
    const s: KernelState = {
      M: 1,
      T: 2,
      mask: new Float64Array([1, 1]),
      nngp: new Float64Array([1, 0, 0, 1]),
      ntk: new Float64Array(4),
      width: 2,
      dist: 'deterministic',
      features: null,
      mean: null,
    };
    const sp = spec({ wQStd: c, wKStd: 1, wVStd: 1, wOStd: 1 });
    const est = new SqrtAttentionSampler(s, sp, 2).pass(3, 'p', 0, 40000);
    const sd = Math.SQRT2 * c;
    let e2 = 0;
    let e4 = 0;
    let w = 0;
    for (let u = -10; u <= 10; u += 1e-3) {
      const phi = Math.exp(-u * u / 2);
      const sg = 1 / (1 + Math.exp(-sd * u));
      e2 += phi * (sg * sg + (1 - sg) ** 2);
      e4 += phi * sg * sg * (1 - sg) ** 2;
      w += phi;
    }
    e2 /= w;
    e4 /= w;
    expect(est.nngp[0]).toBeCloseTo(e2, 2);
    expect(est.nngp[3]).toBeCloseTo(e2, 2);
    expect(est.nngp[1]).toBeCloseTo(0.5, 2);
    // ±0.01 is about 4 standard errors of the 40000-sample logit term.
    expect(Math.abs(est.ntk[0] - (2 * e2 + 8 * c * c * e4))).toBeLessThan(0.01);
    expect(est.ntk[1]).toBeCloseTo(1, 2);
  });

  it('the softmax contraction equals the explicit Jacobian sum', () => {
    const rng = seedrandom.alea('J');
    const [tx, ty] = [3, 4];
    const rows = (t: number) => Array.from({ length: t }, () => softmaxRow(Array.from({ length: t }, () => 3 * rng() - 1.5)));
    const Ax = rows(tx);
    const Ay = rows(ty);
    const Q = Float64Array.from({ length: tx * ty }, () => rng() - 0.3);
    const Kv = Float64Array.from({ length: tx * ty }, () => rng() - 0.3);
    const C = softmaxLogitContraction(Float64Array.from(Ax.flat()), Float64Array.from(Ay.flat()), Q, Kv, tx, ty);
    const J = (A: number[][], a: number, b: number, b2: number) => A[a][b] * ((b === b2 ? 1 : 0) - A[a][b2]);
    for (let a = 0; a < tx; a++)
      for (let c = 0; c < ty; c++) {
        let s = 0;
        for (let b = 0; b < tx; b++)
          for (let b2 = 0; b2 < tx; b2++)
            for (let d = 0; d < ty; d++)
              for (let d2 = 0; d2 < ty; d2++) s += J(Ax, a, b, b2) * J(Ay, c, d, d2) * Kv[b * ty + d] * Q[b2 * ty + d2];
        expect(C[a * ty + c]).toBeCloseTo(s, 13);
      }
  });

  it('at vanishing logit scale equals linear scaling (uniform attention, no logit path)', () => {
    const s = randomState(2, 3, 4, 'small-c', [1, 1, 1, 1, 1, 0]);
    for (const mechanism of ['softmax'] as const) {
      const sq = attentionKernel(s, spec({ mechanism, wQStd: 1e-4, wKStd: 1e-4 }), ctx(50));
      const lin = attentionKernel(s, spec({ mechanism, scaling: 'linear', wQStd: 1e-4, wKStd: 1e-4 }), ctx());
      for (let i = 0; i < 36; i++) {
        expect(sq.nngp[i]).toBeCloseTo(lin.nngp[i], 6);
        expect(sq.ntk[i]).toBeCloseTo(lin.ntk[i], 6);
      }
    }
  });

  it('replicas: a range is reproducible and splits into independent sub-ranges', () => {
    const s = randomState(2, 3, 4, 'rep');
    const smp = new SqrtAttentionSampler(s, spec({ mechanism: 'relu' }), 4);
    const all = smp.pass(9, 'a', 10, 30);
    const again = smp.pass(9, 'a', 10, 30);
    const lo = smp.pass(9, 'a', 10, 10);
    const hi = smp.pass(9, 'a', 20, 20);
    expect(Array.from(again.ntk)).toEqual(Array.from(all.ntk));
    for (let i = 0; i < 36; i++) expect((lo.nngp[i] * 10 + hi.nngp[i] * 20) / 30).toBeCloseTo(all.nngp[i], 12);
    const other = smp.pass(9, 'b', 10, 30);
    expect(other.nngp[0]).not.toBe(all.nngp[0]);
    // The layer's kernel() samples softmax over ctx's range and key.
    const soft = new SqrtAttentionSampler(s, spec(), 4).pass(9, 'a', 10, 30);
    const k = attentionKernel(s, spec(), { path: 'a', seed: 9, firstSample: 10, sampleCount: 30 });
    expect(Array.from(k.nngp)).toEqual(Array.from(soft.nngp));
  });

  it('identical inputs (a rank-deficient Kq) factor without trouble', () => {
    const s = randomState(2, 3, 4, 'dup');
    const P = 6;
    const nngp = s.nngp.map((_, k) => s.nngp[(Math.floor(k / P) % 3) * P + (k % P) % 3]);
    const twin = { ...s, nngp, ntk: nngp.map((v) => 0.5 * v) };
    const out = attentionKernel(twin, spec({ wQStd: 2 }), ctx(200));
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(out.nngp[(a + 3) * P + b + 3]).toBeCloseTo(out.nngp[a * P + b], 12);
    expect(Number.isFinite(out.ntk[7])).toBe(true);
  });

  it('needs at least one sample', () => {
    const s = randomState(1, 2, 3, 'none');
    expect(() => attentionKernel(s, spec(), ctx(0))).toThrow(/layers\[0\].*sampleCount/);
  });
});

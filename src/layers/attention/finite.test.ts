import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { attention } from './index.ts';
import { decayFactor, embeddingWidths } from './posEmb.ts';
import { batchInputs, finiteContext, sampleParams } from './testHelpers.ts';
import { attention as attentionSpec, type AttentionOptions } from '../builder.ts';
import type { AttentionSpec } from '../../spec/types.ts';

tf.env().set('IS_TEST', true);
afterAll(() => tf.disposeVariables());

/**
 * The layer written out per network, per input and per head in float64, straight from docs/kernels.md §5
 * (a different layout from finite.ts: any mix-up of heads, scales or embeddings shows).
 */
function reference(spec: AttentionSpec, n: number, T: number, x: Float64Array, M: number, mask: Float64Array, p: Record<string, number[]>, k: number): Float64Array {
  const { heads: H, keyWidth: dk, valueWidth: dv, outWidth: nOut } = spec;
  const w = embeddingWidths(spec.posEmb, n);
  const get = (name: string, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return p[name].slice(k * size, (k + 1) * size);
  };
  const WQ = get('WQ', [w.qk, H * dk]);
  const WK = spec.scaling === 'linear' ? WQ : get('WK', [w.qk, H * dk]);
  const WV = get('WV', [w.v, H * dv]);
  const WO = get('WO', [H * dv, nOut]);
  const b = spec.bStd > 0 ? get('b', [nOut]) : null;
  let Pe: number[][] | null = null;
  if (spec.posEmb) {
    const Z = get('Zpe', [T, w.nPe]);
    const F = spec.posEmb.decay ? decayFactor(T, spec.posEmb.decay, spec.posEmb.p) : null;
    Pe = Array.from({ length: T }, (_, t) =>
      Array.from({ length: w.nPe }, (_, c) => {
        let s = 0;
        for (let e = 0; e < T; e++) s += (F ? F[t * T + e] : t === e ? 1 : 0) * Z[e * w.nPe + c];
        return spec.posEmb!.std * s;
      }),
    );
  }
  const out = new Float64Array(M * T * nOut);
  for (let m = 0; m < M; m++) {
    const valid = (t: number) => mask[m * T + t] !== 0;
    const X = Array.from({ length: T }, (_, t) => Array.from(x.subarray((m * T + t) * n, (m * T + t + 1) * n)));
    const emb = (t: number, c: number) => (Pe && valid(t) ? Pe[t][c] : 0);
    const U = X.map((row, t) => (spec.posEmb?.type === 'concat' ? [...row, ...Pe![t].map((_, c) => emb(t, c))] : spec.posEmb ? row.map((v, c) => v + emb(t, c)) : row));
    const Xv = spec.posEmb?.values ? U : X;
    const heads: number[][] = Array.from({ length: T }, () => []);
    for (let h = 0; h < H; h++) {
      const proj = (In: number[][], W: number[], width: number, d: number) =>
        In.map((row) => Array.from({ length: d }, (_, j) => row.reduce((s, v, i) => s + v * W[i * H * d + h * d + j], 0)));
      const Q = proj(U, WQ, w.qk, dk);
      const K = proj(U, WK, w.qk, dk);
      const V = proj(Xv, WV, w.v, dv);
      const scale = (spec.wQStd * spec.wKStd) / (w.qk * (spec.scaling === 'linear' ? dk : Math.sqrt(dk)));
      for (let a = 0; a < T; a++) {
        const g = K.map((kb) => scale * Q[a].reduce((s, v, j) => s + v * kb[j], 0));
        let A: number[];
        if (spec.mechanism === 'softmax') {
          const mx = Math.max(...g.filter((_, bb) => valid(bb)));
          const e = g.map((v, bb) => (valid(bb) ? Math.exp(v - mx) : 0));
          const z = e.reduce((s, v) => s + v, 0);
          A = e.map((v) => v / z);
        } else {
          const f = spec.mechanism === 'relu' ? (v: number) => Math.max(v, 0) : spec.mechanism === 'abs' ? Math.abs : (v: number) => v;
          A = g.map((v, bb) => (valid(bb) ? f(v) : 0));
        }
        for (let j = 0; j < dv; j++) heads[a].push(A.reduce((s, v, bb) => s + v * V[bb][j], 0));
      }
    }
    for (let a = 0; a < T; a++) {
      if (!valid(a)) continue;
      for (let c = 0; c < nOut; c++) {
        let s = 0;
        for (let r = 0; r < H * dv; r++) s += heads[a][r] * WO[r * nOut + c];
        s *= (spec.wOStd * spec.wVStd) / Math.sqrt(w.v * dv * H);
        if (b) s += spec.bStd * b[c];
        out[(m * T + a) * nOut + c] = s;
      }
    }
  }
  return out;
}

const base: AttentionOptions = { heads: 2, keyWidth: 3, valueWidth: 2, outWidth: 3, wQStd: 1.3, wKStd: 0.7, wVStd: 1.1, wOStd: 0.9, bStd: 0.4 };

describe('finite forward pass', () => {
  const N = 2;
  const M = 2;
  const T = 3;
  const n = 4;
  const rng = seedrandom.alea('finite');
  const x = Float64Array.from({ length: M * T * n }, () => 2 * rng() - 1);
  const cases: Partial<AttentionOptions>[] = [
    { scaling: 'sqrt', mechanism: 'softmax' },
    { scaling: 'sqrt', mechanism: 'relu', posEmb: { type: 'sum', decay: { kind: 'exp', scale: 0.5 }, std: 0.8 } },
    { scaling: 'sqrt', mechanism: 'abs', posEmb: { type: 'concat', channels: 3, values: true, decay: { kind: 'inverse', scale: 1 } } },
    { scaling: 'sqrt', mechanism: 'identity', posEmb: { type: 'sum', values: true, trainable: false } },
    { scaling: 'linear', mechanism: 'softmax', posEmb: { type: 'concat', channels: 2 } },
    { scaling: 'linear', mechanism: 'relu' },
  ];
  for (const c of cases)
    for (const padded of [false, true]) {
      it(`${c.scaling} ${c.mechanism}${c.posEmb ? ` + ${c.posEmb.type}` : ''}${padded ? ', padded' : ''} matches the per-head float64 reference`, () => {
        const spec = attentionSpec({ ...base, ...c });
        const layer = attention(spec, { path: 'att', inWidth: n, T });
        const mask = Float64Array.from(padded ? [1, 1, 0, 1, 0, 1] : [1, 1, 1, 1, 1, 1]);
        const xm = x.map((v, i) => (mask[Math.floor(i / n)] ? v : 0));
        const ctx = finiteContext(N, M, T, mask);
        const params = sampleParams(layer.params, N, 3);
        const y = tf.tidy(() => layer.forward(batchInputs(xm, N, M, T, n), params, ctx).y);
        expect(y.shape).toEqual([N, M, T, spec.outWidth]);
        const got = y.dataSync();
        const flat = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, Array.from(t.dataSync())]));
        for (let k = 0; k < N; k++) {
          const want = reference(spec, n, T, xm, M, mask, flat, k);
          const size = want.length;
          for (let i = 0; i < size; i++) expect(got[k * size + i]).toBeCloseTo(want[i], 4);
        }
        tf.dispose([y, ctx.mask, ...Object.values(params)]);
      });
    }

  it('declares the parameters: tied W^Q = W^K under linear scaling, the embedding with its trainable flag', () => {
    const names = (o: Partial<AttentionOptions>) =>
      attention(attentionSpec({ ...base, ...o }), { path: 'a', inWidth: 5, T: 7 }).params.map((p) => `${p.name}[${p.shape}]${p.trainable ? '' : '(fixed)'}`);
    expect(names({ scaling: 'sqrt' })).toEqual(['WQ[5,6]', 'WK[5,6]', 'WV[5,4]', 'WO[4,3]', 'b[3]']);
    expect(names({ scaling: 'linear', bStd: 0 })).toEqual(['WQ[5,6]', 'WV[5,4]', 'WO[4,3]']);
    expect(names({ posEmb: { type: 'concat', channels: 2, values: true, trainable: false } })).toEqual([
      'WQ[7,6]',
      'WK[7,6]',
      'WV[7,4]',
      'WO[4,3]',
      'b[3]',
      'Zpe[7,2](fixed)',
    ]);
    const layer = attention(attentionSpec({ ...base, mechanism: 'softmax' }), { path: 'a', inWidth: 5, T: 7 });
    expect(layer).toMatchObject({ type: 'attention', inWidth: 5, outWidth: 3, sampled: true });
    // Only sqrt softmax is sampled: identity, relu and abs have closed forms (D.10, D.12).
    for (const mechanism of ['identity', 'relu', 'abs'] as const) expect(attention(attentionSpec({ ...base, mechanism }), { path: 'a', inWidth: 5, T: 7 }).sampled).toBe(false);
    expect(attention(attentionSpec({ ...base, scaling: 'linear' }), { path: 'a', inWidth: 5, T: 7 }).sampled).toBe(false);
  });

  it('padded positions: output zero there, and a padded input does not reach any valid output', () => {
    for (const mechanism of ['softmax', 'relu', 'abs', 'identity'] as const) {
      const spec = attentionSpec({ ...base, mechanism, posEmb: { type: 'sum', values: true } });
      const layer = attention(spec, { path: 'att', inWidth: n, T });
      const mask = Float64Array.from([1, 0, 1, 1, 1, 0]);
      const ctx = finiteContext(N, M, T, mask);
      const params = sampleParams(layer.params, N, 4);
      const run = (xx: Float64Array) => tf.tidy(() => layer.forward(batchInputs(xx, N, M, T, n), params, ctx).y.dataSync());
      const y1 = run(x.map((v, i) => (mask[Math.floor(i / n)] ? v : 0)));
      const y2 = run(x.map((v, i) => (mask[Math.floor(i / n)] ? v : 50 + v)));
      expect(Array.from(y2, (v) => v + 0)).toEqual(Array.from(y1, (v) => v + 0)); // +0 folds -0
      for (let k = 0; k < N; k++)
        for (let i = 0; i < M * T; i++) if (!mask[i]) for (let c = 0; c < 3; c++) expect(Math.abs(y1[(k * M * T + i) * 3 + c])).toBe(0);
      tf.dispose([ctx.mask, ...Object.values(params)]);
    }
  });
});

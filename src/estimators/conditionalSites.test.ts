/**
 * Weights drawn given their site's input (conditionalSites.ts) must give the forward output and
 * the reverse signal the joint law they have under a full Gaussian weight: checked on one site
 * through its moments, and on a network through its NTK (mean and per-network spread) against the
 * estimator that draws every weight.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ConditionalSites } from './conditionalSites.ts';
import { ntkByContraction } from './ntkContraction.ts';
import { drawParams } from './params.ts';
import { MomentAccumulator } from './accumulator.ts';
import { compareIndependent } from '../validation/pairedTest.ts';
import { initBackend } from '../backend.ts';
import { attention, dense, globalAvgPool, network, relu } from '../layers/builder.ts';
import { parseInputs } from '../spec/schema.ts';
import { buildNetwork } from '../network.ts';
import type { SignalTape, SiteRecord } from '../layers/sites.ts';
import { fillNormals } from '../random/normals.ts';
import { normalsDrawn } from '../random/ziggurat.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

class Tape implements SignalTape {
  prefix = 'layers[1]';
  readonly sites: SiteRecord[] = [];
  readonly signals: tf.Tensor3D[] = [];
  site(s: SiteRecord): number {
    this.sites.push(s);
    return this.sites.length - 1;
  }
  signal(id: number, d: tf.Tensor3D): void {
    this.signals[id] = d;
  }
}

/** K copies of x = A B: R rows of n channels spanning `rank` dimensions, row 0 zero (a padded position). */
function lowRank(K: number, R: number, n: number, rank: number): tf.Tensor3D {
  const a = new Float32Array(R * rank);
  const b = new Float32Array(rank * n);
  fillNormals(a, 0, a.length, 'test/cond/A');
  fillNormals(b, 0, b.length, 'test/cond/B');
  a.fill(0, 0, rank);
  return tf.tile(tf.matMul(tf.tensor2d(a, [R, rank]), tf.tensor2d(b, [rank, n])).reshape([1, R, n]), [K, 1, 1]) as tf.Tensor3D;
}

/** max over entries of |mean − expected| / SE, SE from the K samples (rows of `samples`). */
function worstZ(samples: Float32Array, K: number, expected: Float64Array): number {
  const E = expected.length;
  let worst = 0;
  for (let e = 0; e < E; e++) {
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < K; k++) {
      const v = samples[k * E + e];
      s1 += v;
      s2 += v * v;
    }
    const mean = s1 / K;
    const se = Math.sqrt(Math.max(0, s2 / K - mean * mean) / (K - 1));
    if (se > 0) worst = Math.max(worst, Math.abs(mean - expected[e]) / se);
    else expect(mean).toBeCloseTo(expected[e], 6);
  }
  return worst;
}

describe('one site: y = s x W and ∂f/∂x = s dy Wᵀ have the moments of a Gaussian W', () => {
  it('E[y yᵀ] = s² m x xᵀ, E[dx dxᵀ] = s² n dy dyᵀ, E[yᵀ dx] = s² dyᵀ x, from r·m + q·n normals', () => {
    const K = 4000;
    const R = 6;
    const n = 10;
    const m = 5;
    const r = 3;
    const s = 0.7;
    const x = lowRank(K, R, n, r);
    // A fixed signal (independent of y), R × m, rank min(R, m) = 5, its row 0 zero too.
    const d = new Float32Array(R * m);
    fillNormals(d, 0, d.length, 'test/cond/dy');
    d.fill(0, 0, m);
    const dy = tf.tile(tf.tensor3d(d, [1, R, m]), [K, 1, 1]) as tf.Tensor3D;
    const tape = new Tape();
    const sites = new ConditionalSites(5, 0, tape, true);
    const before = normalsDrawn();
    const site = sites.site('W', x, m, s)!;
    expect(site).not.toBeNull();
    const dx = site.back(dy, true)!;
    // q = rank(dy dyᵀ) = 5 rows carry signal.
    expect(normalsDrawn() - before).toBe(K * (r * m + (R - 1) * n));
    expect(tape.signals[0]).toBe(dy);
    const X = x.slice([0, 0, 0], [1, R, n]).reshape([R, n]).arraySync() as number[][];
    const D = d;
    const yyT = tf.matMul(site.y, site.y, false, true).dataSync() as Float32Array;
    const dxdxT = tf.matMul(dx, dx, false, true).dataSync() as Float32Array;
    const yTdx = tf.matMul(site.y, dx, true, false).dataSync() as Float32Array;
    const expYY = new Float64Array(R * R);
    const expDD = new Float64Array(R * R);
    const expYD = new Float64Array(m * n);
    for (let i = 0; i < R; i++)
      for (let j = 0; j < R; j++) {
        for (let c = 0; c < n; c++) expYY[i * R + j] += s * s * m * X[i][c] * X[j][c];
        for (let c = 0; c < m; c++) expDD[i * R + j] += s * s * n * D[i * m + c] * D[j * m + c];
      }
    for (let c = 0; c < m; c++) for (let i = 0; i < n; i++) for (let t = 0; t < R; t++) expYD[c * n + i] += s * s * D[t * m + c] * X[t][i];
    // 36 + 36 + 50 entries: P(max |z| > 4.5) < 122 · 7e-6 ≈ 1e-3 per check under the claim.
    expect(worstZ(yyT, K, expYY)).toBeLessThan(4.5);
    expect(worstZ(dxdxT, K, expDD)).toBeLessThan(4.5);
    expect(worstZ(yTdx, K, expYD)).toBeLessThan(4.5);
  });

  it('leaves the product to the weights when x has as many rows as channels, or is not finite', () => {
    const sites = new ConditionalSites(5, 0, new Tape(), true);
    expect(sites.site('W', tf.ones([1, 8, 8]) as tf.Tensor3D, 4, 1)).toBeNull();
    expect(sites.site('V', tf.ones([1, 4, 8]).mul(tf.scalar(NaN)) as tf.Tensor3D, 4, 1)).toBeNull();
  });
});

describe('the NTK with conditional weights estimates the same kernel as with weights', () => {
  it('attention network, masked, pooled: means agree (max-|z| test), same per-network spread', () => {
    const batch = parseInputs({
      inputs: [
        [[0.5, -1, 0.25], [1, 0.5, -0.5], [0.2, 0.1, -0.3]],
        [[-0.3, 0.8, 1.1], [0.2, 0.1, 0.4], [0.9, -0.4, 0.2]],
      ],
      mask: [[1, 1, 1], [1, 1, 0]],
    });
    // 6 rows: every site after the first has fewer rows than channels; Q, K, V read a rank-3 input.
    const spec = network(dense(24), attention({ scaling: 'sqrt', heads: 2, keyWidth: 12, valueWidth: 12, outWidth: 24 }), relu(), dense(24), relu(), globalAvgPool(), dense(1));
    const stack = buildNetwork(spec, batch);
    const P = batch.M;
    const mask = tf.tensor4d(Float32Array.from(batch.mask), [1, batch.M, batch.T, 1]);
    const x = tf.tensor4d(Float32Array.from(batch.x), [1, batch.M, batch.T, batch.d]).mul(mask) as tf.Tensor4D;
    const run = (seed: number, conditional: boolean) => {
      const acc = new MomentAccumulator(P * P, true);
      const chunk = 50;
      for (let first = 0; first < 2000; first += chunk) {
        const params = drawParams(stack.params, seed, first, chunk);
        const xs = tf.tile(x, [chunk, 1, 1, 1]) as tf.Tensor4D;
        const { theta } = ntkByContraction(stack, batch, params, chunk, () => ({ x: xs, ctx: { N: chunk, M: batch.M, T: batch.T, mask, masked: true } }), conditional ? { conditional: { seed, first, always: true } } : {});
        const v = theta.dataSync() as Float32Array;
        for (let k = 0; k < chunk; k++) acc.add(v.subarray(k * P * P, (k + 1) * P * P));
        tf.dispose([theta, xs, ...Object.values(params)]);
      }
      return acc;
    };
    const weights = run(41, false);
    const drawn = run(42, true);
    const c = compareIndependent(weights, drawn, P);
    expect(c.pValue).toBeGreaterThan(1e-3);
    // Same law, so the same spread per network: not a variance reduction, not an inflation.
    const spread = (a: MomentAccumulator) => Math.max(...a.variance());
    const ratio = Math.sqrt(spread(drawn) / spread(weights));
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });
});

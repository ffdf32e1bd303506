import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ConditionalPreactivations } from './preactivations.ts';
import { estimate } from './ensemble.ts';
import { initBackend } from '../backend.ts';
import { attention, dense, globalAvgPool, network, relu } from '../layers/builder.ts';
import { parseInputs } from '../spec/schema.ts';
import { deferred, linear } from '../layers/sites.ts';
import type { FiniteContext } from '../layers/types.ts';
import { fillNormals } from '../random/normals.ts';
import { normalsDrawn } from '../random/ziggurat.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** x = A B: R rows of n channels spanning `rank` dimensions, one row zero (a padded position). */
function lowRankInput(R: number, n: number, rank: number): tf.Tensor3D {
  const a = new Float32Array(R * rank);
  const b = new Float32Array(rank * n);
  fillNormals(a, 0, a.length, 'test/A');
  fillNormals(b, 0, b.length, 'test/B');
  a.fill(0, 0, rank);
  return tf.matMul(tf.tensor2d(a, [R, rank]), tf.tensor2d(b, [rank, n])).reshape([1, R, n]);
}

describe('pre-activation sampling (y = s · F Z with F Fᵀ = x xᵀ)', () => {
  it('draws rank(x)·m normals, and y y ᵀ/m matches s² x xᵀ within its sampling error', () => {
    const R = 12;
    const n = 64;
    const m = 4000;
    const s = 0.7;
    const x = lowRankInput(R, n, 5);
    const sampler = new ConditionalPreactivations(3, 0);
    sampler.prefix = 'layers[1]';
    const before = normalsDrawn();
    const y = sampler.sample('W', x, m, s)!;
    expect(y.shape).toEqual([1, R, m]);
    expect(normalsDrawn() - before).toBe(5 * m);
    const emp = tf.matMul(y.reshape([R, m]), y.reshape([R, m]), false, true).div(m).arraySync() as number[][];
    const G = tf.matMul(x.reshape([R, n]), x.reshape([R, n]), false, true).mul(s * s).arraySync() as number[][];
    // Entry (i, j) of the mean of m products of N(0, G) pairs has variance (G_ii G_jj + G_ij²)/m.
    let worst = 0;
    for (let i = 0; i < R; i++)
      for (let j = 0; j < R; j++) {
        const sd = Math.sqrt((G[i][i] * G[j][j] + G[i][j] ** 2) / m);
        if (sd > 0) worst = Math.max(worst, Math.abs(emp[i][j] - G[i][j]) / sd);
        else expect(emp[i][j]).toBe(0);
      }
    // 144 entries; P(max |z| > 4.5) < 144 · 7e-6 ≈ 1e-3 under the claim, and the seed is fixed.
    expect(worst).toBeLessThan(4.5);
    expect(worst).toBeGreaterThan(0.5);
  });

  it('leaves the product to the weights when x has as many rows as channels, or is not finite', () => {
    const sampler = new ConditionalPreactivations(3, 0);
    expect(sampler.sample('W', tf.ones([1, 8, 8]) as tf.Tensor3D, 4, 1)).toBeNull();
    const bad = tf.ones([1, 4, 8]).mul(tf.scalar(NaN)) as tf.Tensor3D;
    expect(sampler.sample('W', bad, 4, 1)).toBeNull();
  });

  it('refuses a deferred weight applied at two sites, which would untie it', () => {
    const sampler = new ConditionalPreactivations(3, 0);
    const ctx = { N: 1, M: 1, T: 4, mask: tf.ones([1, 1, 4, 1]), masked: false, preactivations: sampler } as unknown as FiniteContext;
    const W = { W: tf.zeros([1, 8, 3]) as tf.Tensor3D };
    const x = lowRankInput(4, 8, 2);
    linear(ctx, 'W', x, deferred(W, 'W', 3), 1);
    expect(() => linear(ctx, 'W', x, deferred(W, 'W', 3), 1)).toThrow(/applied twice/);
    // The tensor itself keeps the plain product, as often as a layer needs.
    expect(linear(ctx, 'W', x, W.W, 1).shape).toEqual([1, 4, 3]);
  });
});

describe('the NNGP with pre-activation sampling estimates the same kernel as with weights', () => {
  it('attention network: the two estimates agree within their standard errors', async () => {
    const batch = parseInputs({
      inputs: [
        [[0.5, -1, 0.25], [1, 0.5, -0.5], [0.2, 0.1, -0.3]],
        [[-0.3, 0.8, 1.1], [0.2, 0.1, 0.4], [0.9, -0.4, 0.2]],
      ],
      mask: [[1, 1, 1], [1, 1, 0]],
    });
    const spec = network(
      dense(48),
      attention({ scaling: 'sqrt', heads: 4, keyWidth: 12, valueWidth: 12, outWidth: 48 }),
      relu(),
      dense(48),
      relu(),
      globalAvgPool(),
      dense(4),
    );
    const opts = { networks: 1500, ntk: false, backend: 'wasm' as const };
    const weights = await estimate(spec, batch, { ...opts, seed: 21, preactivations: false });
    const sampled = await estimate(spec, batch, { ...opts, seed: 22 });
    let worst = 0;
    weights.nngp!.forEach((v, i) => {
      const se = Math.hypot(weights.nngpSE![i], sampled.nngpSE![i]);
      if (se > 0) worst = Math.max(worst, Math.abs(v - sampled.nngp![i]) / se);
    });
    // 36 entries (independent runs): a 4.5σ bound is a < 3e-4 test even without the correlations.
    expect(worst).toBeLessThan(4.5);
    // Same law, so the same spread per network (ratio of SEs near 1, not a variance-reduced or inflated one).
    const ratio = sampled.nngpSE![0] / weights.nngpSE![0];
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });

  it('one sharp head on a rank-16 input (benchmark R3): same per-network spread, no outlying networks', async () => {
    // 64 rows in a 16-dimensional span, float32 Grams: an unpivoted factor once turned rounding into
    // rare networks 5–10× too large here, and the spread per network grew from 0.42 to 0.67–1.0.
    const z = new Float64Array(8 * 8 * 16);
    fillNormals(z, 0, z.length, 'test/R3-inputs');
    const inputs = Array.from({ length: 8 }, (_, i) => Array.from({ length: 8 }, (_, t) => Array.from(z.subarray((i * 8 + t) * 16, (i * 8 + t + 1) * 16))));
    const batch = parseInputs({ inputs });
    const spec = network(dense(128), attention({ scaling: 'sqrt', heads: 1, keyWidth: 128, valueWidth: 128, outWidth: 128 }), relu(), globalAvgPool(), dense(128));
    const opts = { networks: 1024, ntk: false, backend: 'wasm' as const, seed: 31 };
    const weights = await estimate(spec, batch, { ...opts, preactivations: false });
    const sampled = await estimate(spec, batch, opts);
    let worst = 0;
    weights.nngp!.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - sampled.nngp![i]) / Math.hypot(weights.nngpSE![i], sampled.nngpSE![i]))));
    expect(worst).toBeLessThan(4.5);
    const spread = (r: typeof weights) => Math.max(...r.nngpSE!) / Math.max(...r.nngp!);
    const ratio = spread(sampled) / spread(weights);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });
});

import { describe, expect, it } from 'vitest';
import { normalStream } from '../random/normals.ts';
import { expectAgrees } from '../verdicts/testSupport.ts';
import { MomentAccumulator } from './accumulator.ts';
import { batchMean, jackknife, kernelSpread } from './shardStats.ts';
import { relativeDistance } from '../reports/metrics.ts';

const normal = normalStream('metrics');

describe('kernelSpread', () => {
  it('equals the direct per-network computation (parallel-axis identity)', () => {
    const dim = 9;
    const K = Float64Array.from({ length: dim }, (_, i) => 1 + i / 3);
    const shards: MomentAccumulator[] = [];
    const nets: Float64Array[][] = [];
    for (let b = 0; b < 4; b++) {
      const acc = new MomentAccumulator(dim);
      const list: Float64Array[] = [];
      for (let k = 0; k < 25; k++) {
        const x = K.map((v) => v * (1 + 0.3 * normal()) + 0.1);
        acc.add(x);
        list.push(x);
      }
      shards.push(acc);
      nets.push(list);
    }
    const merged = new MomentAccumulator(dim);
    shards.forEach((s) => merged.merge(s));
    const s = kernelSpread(shards, merged, K);
    const norm2 = K.reduce((a, v) => a + v * v, 0);
    const perShard = nets.map((list) => list.reduce((a, x) => a + x.reduce((t, v, i) => t + (v - K[i]) ** 2, 0), 0) / list.length / norm2);
    const e2 = batchMean(perShard);
    expect(s.perNetworkError.value).toBeCloseTo(Math.sqrt(e2.value), 12);
    expect(s.perNetworkError.se).toBeCloseTo(e2.se / (2 * Math.sqrt(e2.value)), 12);
    const all = nets.flat();
    const mean = K.map((_, i) => all.reduce((a, x) => a + x[i], 0) / all.length);
    expect(s.meanError).toBeCloseTo(relativeDistance(mean, K), 12);
    const varSum = K.reduce((a, _, i) => a + all.reduce((t, x) => t + (x[i] - mean[i]) ** 2, 0) / (all.length - 1), 0);
    expect(s.noiseFloor).toBeCloseTo(Math.sqrt(varSum / all.length / norm2), 12);
    // The relative variance averages the shards' unbiased variances (exactly) ...
    const perShardVariance = nets.map((list) => {
      const m = K.map((_, i) => list.reduce((a, x) => a + x[i], 0) / list.length);
      return K.reduce((a, _, i) => a + list.reduce((t, x) => t + (x[i] - m[i]) ** 2, 0) / (list.length - 1), 0) / norm2;
    });
    expect(s.relativeVariance.value).toBeCloseTo(batchMean(perShardVariance).value, 12);
    expect(s.relativeVariance.se).toBeCloseTo(batchMean(perShardVariance).se, 12);
    // ... and so estimates the true one: x_i = K_i (1 + 0.3 z) + 0.1 has Var x_i = (0.3 K_i)², so
    // Σ Var x_i / ‖K‖² = 0.09 (its SE from the 4 shards, 3 dof; level DEFAULT_ALPHA).
    expectAgrees({ mean: [s.relativeVariance.value], se: [s.relativeVariance.se], samples: shards.length }, { value: [0.09] }, { label: 'relative variance' });
  });
});

describe('jackknife', () => {
  it('gives the batch-means standard error for a mean of equal groups', () => {
    const groups = Array.from({ length: 8 }, () => Array.from({ length: 16 }, normal));
    const mean = (gs: readonly number[][]) => {
      const all = gs.flat();
      return all.reduce((a, b) => a + b, 0) / all.length;
    };
    const j = jackknife(groups, mean);
    const b = batchMean(groups.map((g) => g.reduce((a, x) => a + x, 0) / g.length));
    expect(j.value).toBeCloseTo(b.value, 12);
    expect(j.se).toBeCloseTo(b.se, 12);
  });
});

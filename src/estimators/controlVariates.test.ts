/**
 * Control variates (controlVariates.ts): the features have mean zero at any width, so on the same
 * networks the adjusted estimator must agree with the plain one (a paired max-|z| test against the
 * verdict engine's joint null), with less variance; the fit must come from the pilot alone, and
 * shards and worker threads must give the single-threaded result bit for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { estimate, fitControlVariatesOnPilot } from './ensemble.ts';
import { fitControlVariates, SiteFeatures } from './controlVariates.ts';
import { PairedKernels } from '../validation/pairedTest.ts';
import { mergeShards, parseShard, runShard } from './shards.ts';
import { initBackend } from '../backend.ts';
import { attention, dense, globalAvgPool, network, relu } from '../layers/builder.ts';
import { parseInputs } from '../spec/schema.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const batch = parseInputs({
  inputs: [
    [[0.5, -1, 0.25], [1, 0.5, -0.5], [0.2, 0.1, -0.3]],
    [[-0.3, 0.8, 1.1], [0.2, 0.1, 0.4], [0.9, -0.4, 0.2]],
    [[0.7, 0.3, -0.9], [-0.6, 0.2, 0.5], [0.1, -1.2, 0.3]],
  ],
  mask: [[1, 1, 1], [1, 1, 0], [1, 1, 1]],
});
const spec = network(dense(16), attention({ scaling: 'sqrt', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16 }), relu(), globalAvgPool(), dense(4));

describe('site features', () => {
  it('c̄ = (1/m) Ȳ Ȳᵀ − s² X̄ X̄ᵀ of the position sums, per network of a chunk', () => {
    const M = 2;
    const T = 3;
    const f = new SiteFeatures(M, T, M);
    const x = tf.tensor3d([1, 2, 0, 1, 3, -1, 2, 2, 1, -1, 0, 1], [1, 6, 2]);
    const y = tf.tensor3d([1, 0, 2, 1, -1, 1, 0, 3, 2, 2, 1, 0], [1, 6, 2]);
    f.observe('W', 0.5, x, y);
    const c = f.features(1)[0];
    // Position sums: X̄ = [[4, 2], [3, 2]], Ȳ = [[2, 2], [3, 5]]; s² = 0.25, m = 2.
    const expect2 = (a: number, b: number, yy: number, xx: number) => expect(c[a * 2 + b]).toBeCloseTo(yy / 2 - 0.25 * xx, 5);
    expect2(0, 0, 8, 20);
    expect2(0, 1, 16, 16);
    expect2(1, 0, 16, 16);
    expect2(1, 1, 34, 13);
  });
});

describe('the fit', () => {
  it('recovers known coefficients, keeps the sites that help and drops those that do not', () => {
    const P = 2;
    const n = 200;
    const K: Float64Array[] = [];
    const F: Float64Array[] = [];
    let u = 1;
    const rand = () => ((u = (u * 16807) % 2147483647) / 2147483647) - 0.5;
    for (let k = 0; k < n; k++) {
      const f = Float64Array.from({ length: 2 * P * P }, rand);
      F.push(f);
      // Site 0 explains the kernel; site 1 is noise.
      K.push(Float64Array.from({ length: P * P }, (_, e) => 1 + 2 * f[e] + 0.05 * rand()));
    }
    const fit = fitControlVariates(K, F, ['a', 'b'], P, [1, 1]);
    expect(fit.sites).toEqual(['a']);
    for (const e of [0, 1, 3]) expect(fit.beta[e]).toBeCloseTo(2, 1);
  });
});

describe('control variates keep the estimator unbiased', () => {
  it('NNGP and NTK: paired test against the plain estimator on the same networks; less variance', async () => {
    const pairs = { nngp: new PairedKernels(3), ntk: new PairedKernels(3) };
    const planted = new PairedKernels(3);
    const r = await estimate(spec, batch, {
      networks: 1500,
      seed: 5,
      backend: 'wasm',
      controlVariates: { pilot: 96 },
      perNetwork: (k, kind, plain, adjusted) => {
        pairs[kind].addA(k, plain);
        pairs[kind].addB(k, adjusted!);
        // A feature with a non-zero mean would shift the adjusted estimate: the test must see a
        // shift of 3 % of the kernel.
        if (kind === 'nngp') {
          planted.addA(k, plain);
          planted.addB(
            k,
            adjusted!.map((v, i) => v + 0.03 * plain[i]),
          );
        }
      },
    });
    const fits = r.controlVariates!.fits;
    expect(fits.nngp!.sites.length).toBeGreaterThan(0);
    for (const kind of ['nngp', 'ntk'] as const) {
      const c = pairs[kind].compare();
      expect(c.networks).toBe(1500);
      expect(c.pValue, `${kind}: max|z| ${c.maxAbsZ.toFixed(2)}`).toBeGreaterThan(1e-3);
      const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
      // The NNGP's variance falls by a third or more here (measured 0.5); the NTK's not beyond the plain one.
      if (kind === 'nngp') expect(sum(c.varianceB) / sum(c.varianceA)).toBeLessThan(0.7);
      else expect(sum(c.varianceB) / sum(c.varianceA)).toBeLessThan(1);
    }
    expect(planted.compare().pValue).toBeLessThan(1e-3);
  });
});

describe('control variates across shards and worker threads', () => {
  it('merged shards and two workers are bit-identical to one thread', async () => {
    const networks = 130;
    const opts = { networks, seed: 9, backend: 'wasm' as const, controlVariates: { pilot: 40 } };
    const whole = await estimate(spec, batch, opts);
    const shards = await Promise.all([1, 2].map((i) => runShard(spec, batch, { ...opts, shard: parseShard(`${i}/2`) })));
    const merged = mergeShards(shards.map((s) => JSON.parse(JSON.stringify(s))));
    expect(Array.from(merged.nngp!.mean)).toEqual(Array.from(whole.nngp!));
    expect(Array.from(merged.ntk!.mean)).toEqual(Array.from(whole.ntk!));
    const { estimateParallel } = await import('./parallel.ts');
    const two = await estimateParallel(spec, batch, { ...opts, workers: 2 });
    expect(Array.from(two.nngp!.mean)).toEqual(Array.from(whole.nngp!));
    expect(Array.from(two.ntk!.standardError())).toEqual(Array.from(whole.ntkSE!));
    // The fit is a function of the pilot alone (its own seed, derived from the run's).
    const again = await fitControlVariatesOnPilot(spec, batch, { ...opts, seed: 9 }, 40);
    expect(Array.from(again.nngp!.beta)).toEqual(Array.from(whole.controlVariates!.fits.nngp!.beta));
  });
});

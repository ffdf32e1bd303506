import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { convergenceSteps, trainEnsemble, TrainingDivergedError, trainingStack } from './trainer.ts';
import { mergeTrainingShards, runTrainingShard, trainParallel } from './shards.ts';
import { closeWorkerPools } from '../estimators/parallel.ts';
import { parseInputs } from '../spec/schema.ts';
import { parseNetworkSpec } from '../layers/parse.ts';
import { drawParams } from '../estimators/params.ts';
import { ntkByAutodiff } from '../estimators/ntkAutodiff.ts';
import { jointBatch, type TrainingTask } from './task.ts';
import { splitReadout } from '../estimators/ensemble.ts';

const task: TrainingTask = {
  train: parseInputs({ inputs: [[[0.5, -1], [1, 0.5]], [[-0.3, 0.8], [0.2, 0.1]], [[1.2, 0.3], [0, 0]]], mask: [[1, 1], [1, 1], [1, 0]] }),
  test: parseInputs({ inputs: [[[0.1, 0.9], [-0.7, 0.2]]] }),
  targets: Float64Array.from([0.5, -0.8, 1.1]),
  testTargets: Float64Array.from([0.3]),
};
const mlp = parseNetworkSpec({ layers: [{ type: 'dense', width: 12, bStd: 0.2 }, { type: 'relu' }, { type: 'globalAvgPool' }, { type: 'dense', width: 1, bStd: 0.1 }] });
const attention = parseNetworkSpec({
  layers: [
    { type: 'dense', width: 8 },
    { type: 'attention', heads: 2, keyWidth: 4, valueWidth: 4, outWidth: 8, scaling: 'sqrt', posEmb: { type: 'sum', std: 0.5 } },
    { type: 'globalAvgPool' },
    { type: 'dense', width: 1 },
  ],
});
const Q = 4;

/** Channel-0 output and autodiff NTK of network k of a run, over the joint batch (float64 copies). */
async function networkAt(spec: typeof mlp, seed: number, k: number) {
  const joint = jointBatch(task);
  const stack = trainingStack(spec, task);
  const params = drawParams(stack.params, seed, k, 1);
  const inputs = () => {
    const mask = tf.tensor4d(Float32Array.from(joint.mask), [1, joint.M, joint.T, 1]);
    return { x: tf.tensor4d(Float32Array.from(joint.x), [1, joint.M, joint.T, joint.d]).mul(mask) as tf.Tensor4D, ctx: { N: 1, M: joint.M, T: joint.T, mask, masked: joint.masked } };
  };
  const { theta: ntk } = ntkByAutodiff(stack, joint, params, 1, inputs);
  const theta = Float64Array.from(await ntk.data());
  const y = tf.tidy(() => {
    const { x, ctx } = inputs();
    return stack.forward(x, params, ctx).y.reshape([joint.M]);
  });
  const f0 = Float64Array.from(await y.data());
  tf.dispose([ntk, y, ...Object.values(params)]);
  return { theta, f0 };
}

describe('trainEnsemble, every parameter', () => {
  it.each([
    ['MLP', mlp],
    ['sqrt attention with a trainable embedding', attention],
  ] as const)('%s: one small step moves f by −η Θ̂ (f₀(X) − Y), the network\'s own NTK (autodiff)', async (_name, spec) => {
    const lr = 1e-3;
    const r = await trainEnsemble(spec, task, { networks: 1, keepBlocks: true, seed: 7, mode: 'all', lr, steps: [0, 1], backend: 'wasm' });
    const f0 = r.accumulators[0].outputs.mean;
    const f1 = r.accumulators[1].outputs.mean;
    const { theta, f0: ref } = await networkAt(spec, 7, 0);
    for (let z = 0; z < Q; z++) expect(f0[z]).toBeCloseTo(ref[z], 5);
    for (let z = 0; z < Q; z++) {
      let predicted = 0;
      for (let i = 0; i < 3; i++) predicted -= lr * theta[z * Q + i] * (f0[i] - task.targets[i]);
      // First order in η: the O(η²) remainder and float32 rounding stay below 2 % of the step.
      expect(Math.abs(f1[z] - f0[z] - predicted)).toBeLessThan(0.02 * Math.abs(predicted) + 2e-6);
    }
  });

  it('is repeatable, does not depend on the chunk, keeps the tensor count flat, and records errors', async () => {
    const opts = { networks: 10, seed: 3, mode: 'all', lr: 0.2, steps: [0, 5], backend: 'wasm' } as const;
    const a = await trainEnsemble(mlp, task, { ...opts, chunk: 4 });
    const b = await trainEnsemble(mlp, task, { ...opts, chunk: 4 });
    const c = await trainEnsemble(mlp, task, { ...opts, chunk: 10 });
    expect(Array.from(a.accumulators[1].moments.mean)).toEqual(Array.from(b.accumulators[1].moments.mean));
    a.accumulators[1].outputs.mean.forEach((v, i) => expect(c.accumulators[1].outputs.mean[i]).toBeCloseTo(v, 5));
    expect(a.memory.end.numTensors).toBe(a.memory.start.numTensors);
    expect(a.accumulators[1].errors.dim).toBe(2);
    // Training lowers the mean training error.
    expect(a.accumulators[1].errors.mean[0]).toBeLessThan(a.accumulators[0].errors.mean[0]);
  });

  it('stops with a clear error when a network diverges', async () => {
    await expect(trainEnsemble(mlp, task, { networks: 2, seed: 1, mode: 'all', lr: 400, steps: [0, 200], backend: 'wasm' })).rejects.toThrow(TrainingDivergedError);
  });
});

describe('trainEnsemble, readout only', () => {
  it('equals plain gradient descent on the readout, run step by step in float64 on the network\'s own features', async () => {
    const lr = 0.3;
    const r = await trainEnsemble(mlp, task, { networks: 1, keepBlocks: true, seed: 5, mode: 'readout', lr, steps: [0, 3, Infinity], backend: 'wasm' });
    // The features and readout weights of network 0, read the way the sampler draws them.
    const joint = jointBatch(task);
    const split = splitReadout(mlp, joint)!;
    const full = trainingStack(mlp, task);
    const params = drawParams(full.params, 5, 0, 1);
    const Zt = tf.tidy(() => {
      const mask = tf.tensor4d(Float32Array.from(joint.mask), [1, joint.M, joint.T, 1]);
      const x = tf.tensor4d(Float32Array.from(joint.x), [1, joint.M, joint.T, joint.d]).mul(mask) as tf.Tensor4D;
      return split.body.forward(x, params, { N: 1, M: joint.M, T: joint.T, mask, masked: joint.masked }).y.reshape([Q, 12]);
    });
    const Z = Float64Array.from(await Zt.data());
    const w = Float64Array.from(await params['layers[3]|W'].data());
    const b = (await params['layers[3]|b'].data())[0];
    tf.dispose([Zt, ...Object.values(params)]);
    // φ = [σw/√m z, σb], parameters [W; b], f = φ · θ.
    const phi = (z: number) => [...Array.from(Z.subarray(z * 12, (z + 1) * 12), (v) => v / Math.sqrt(12)), 0.1];
    const theta = [...w, b];
    const f = () => Array.from({ length: Q }, (_, z) => phi(z).reduce((s, v, c) => s + v * theta[c], 0));
    expect(r.accumulators[0].outputs.mean[0]).toBeCloseTo(f()[0], 5);
    for (let t = 0; t < 3; t++) {
      const ft = f();
      const g = new Array(13).fill(0);
      for (let i = 0; i < 3; i++) phi(i).forEach((v, c) => (g[c] += v * (ft[i] - task.targets[i])));
      g.forEach((v, c) => (theta[c] -= lr * v));
    }
    f().forEach((v, z) => expect(r.accumulators[1].outputs.mean[z]).toBeCloseTo(v, 5));
    // t = ∞: the training points are interpolated (the readout kernel of 13 features on 3 points is full rank).
    for (let i = 0; i < 3; i++) expect(r.accumulators[2].outputs.mean[i]).toBeCloseTo(task.targets[i], 5);
  });

  it('refuses a network without a dense readout, and outputs that are not pooled', async () => {
    const noReadout = parseNetworkSpec({ layers: [{ type: 'dense', width: 4 }, { type: 'relu' }, { type: 'globalAvgPool' }] });
    await expect(trainEnsemble(noReadout, task, { networks: 2, seed: 1, mode: 'readout', lr: 0.1, steps: [0, 1] })).rejects.toThrow(/ends in a dense readout/);
    const unpooled = parseNetworkSpec({ layers: [{ type: 'dense', width: 4 }, { type: 'relu' }, { type: 'dense', width: 1 }] });
    await expect(trainEnsemble(unpooled, task, { networks: 2, seed: 1, mode: 'all', lr: 0.1, steps: [0, 1] })).rejects.toThrow(/one output per input, but the network's output has 2 positions per input/);
  });
});

describe('input checks', () => {
  it('refuses targets that do not match the inputs, steps that do not increase, and η ≤ 0', async () => {
    const o = { networks: 2, seed: 1, mode: 'all', lr: 0.1, steps: [0, 1] } as const;
    await expect(trainEnsemble(mlp, { ...task, targets: Float64Array.from([1, 2]) }, o)).rejects.toThrow(/2 targets for 3 training inputs/);
    await expect(trainEnsemble(mlp, task, { ...o, steps: [0, 5, 5] })).rejects.toThrow(/steps must increase \(5 then 5\)/);
    await expect(trainEnsemble(mlp, task, { ...o, lr: 0 })).rejects.toThrow(/learning rate must be positive/);
  });

  it('convergenceSteps: enough steps for the slowest direction, ignoring the null space; refuses an unreachable ∞', () => {
    const t = convergenceSteps([2, 0.5, 1e-14], 0.4, 1e-6);
    expect((1 - 0.4 * 0.5) ** t).toBeLessThanOrEqual(1e-6);
    expect((1 - 0.4 * 0.5) ** (t - 1)).toBeGreaterThan(1e-6);
    expect(() => convergenceSteps([1, 1e-9], 0.5, 1e-6, 1000)).toThrow(/takes \d+ gradient steps/);
  });
});

describe('shards and workers', () => {
  // Three blocks of 64 network indices, the last one partial; readout mode keeps it cheap.
  const opts = { networks: 150, seed: 9, mode: 'readout', lr: 0.5, steps: [0, 2, Infinity], backend: 'wasm' } as const;

  it('merged shards are bit-identical to the unsharded run, through JSON', async () => {
    const whole = await trainEnsemble(mlp, task, opts);
    const shards = await Promise.all([0, 1].map((index) => runTrainingShard(mlp, task, { ...opts, shard: { index, count: 2 } })));
    const merged = mergeTrainingShards(shards.map((s) => JSON.parse(JSON.stringify(s))));
    expect(merged.steps).toEqual(opts.steps);
    for (let k = 0; k < 3; k++) {
      expect(Array.from(merged.accumulators[k].moments.mean)).toEqual(Array.from(whole.accumulators[k].moments.mean));
      expect(Array.from(merged.accumulators[k].moments.cov!)).toEqual(Array.from(whole.accumulators[k].moments.cov!));
      expect(Array.from(merged.accumulators[k].errors.m2)).toEqual(Array.from(whole.accumulators[k].errors.m2));
    }
    expect(() => mergeTrainingShards([shards[0]])).toThrow(/block 1 is missing/);
    expect(() => mergeTrainingShards([shards[0], shards[0]])).toThrow(/duplicated/);
  });

  it('two worker threads give the single-thread result bit for bit', async () => {
    try {
      const whole = await trainEnsemble(mlp, task, { ...opts, networks: 130 });
      const par = await trainParallel(mlp, task, { ...opts, networks: 130, workers: 2 });
      expect(Array.from(par.accumulators[1].moments.mean)).toEqual(Array.from(whole.accumulators[1].moments.mean));
      expect(par.networks).toBe(130);
    } finally {
      await closeWorkerPools();
    }
  });
});

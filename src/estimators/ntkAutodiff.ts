/** The per-network empirical NTK by plain autodiff: the reference the contraction estimator is tested against. */
import * as tf from '@tensorflow/tfjs';
import type { InputBatch } from '../spec/types.ts';
import type { Stack } from '../layers/sequential.ts';
import type { FiniteContext, ParamMap } from '../layers/types.ts';
import type { ContractionOptions, ContractionResult } from './ntkContraction.ts';

/**
 * Per-network NTK matrices [n, P, P] of a chunk: one reverse pass per output position p gives every
 * network's gradient of f_0 at p at once (networks share no parameters), then per parameter tensor
 * the Gram of the stacked gradients over p.
 */
export function ntkByAutodiff(
  stack: Stack,
  batch: InputBatch,
  params: ParamMap,
  n: number,
  input: () => { x: tf.Tensor4D; ctx: FiniteContext },
  opts: ContractionOptions = {},
): ContractionResult {
  const trainable = stack.params.filter((d) => d.trainable).map((d) => d.name);
  const fixed: Record<string, tf.Tensor> = {};
  for (const d of stack.params) if (!d.trainable) fixed[d.name] = params[d.name];
  const [theta, part] = tf.tidy(() => {
    const { x, ctx } = input();
    const P = batch.M * stack.T;
    const readout = (ps: tf.Tensor[]): tf.Tensor2D => {
      const map: Record<string, tf.Tensor> = { ...fixed };
      trainable.forEach((name, i) => (map[name] = ps[i]));
      const { y } = stack.forward(x, map, ctx);
      return y.slice([0, 0, 0, 0], [n, y.shape[1], y.shape[2], 1]).reshape([n, P]);
    };
    const perP: tf.Tensor[][] = [];
    for (let p = 0; p < P; p++) {
      const onehot = tf.oneHot([p], P).reshape([1, P]);
      const g = tf.grads((...ps: tf.Tensor[]) => readout(ps).mul(onehot).sum())(trainable.map((name) => params[name]));
      perP.push(g.map((t) => t.reshape([n, -1])));
    }
    // Per part (0: the rest, 1: parameters under opts.split), Σ over parameters of J Jᵀ.
    const sums: tf.Tensor3D[] = [tf.zeros([n, P, P]), tf.zeros([n, P, P])];
    trainable.forEach((name, i) => {
      const J = tf.stack(perP.map((g) => g[i]), 1) as tf.Tensor3D; // [n, P, E]
      const k = opts.split !== undefined && name.startsWith(opts.split) ? 1 : 0;
      sums[k] = sums[k].add(tf.matMul(J, J, false, true));
    });
    return opts.split === undefined ? [sums[0]] : [sums[0].add(sums[1]) as tf.Tensor3D, sums[1]];
  });
  return { theta, part: part ?? null };
}

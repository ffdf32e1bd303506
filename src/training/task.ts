/**
 * A training problem: training inputs with their targets, test inputs (with targets, optionally,
 * for the test error), and the joint batch both halves of the comparison run on. The joint batch
 * holds the n training inputs first, then the test inputs, padded to one length with a mask, so
 * that every kernel, every network and every prediction indexes points the same way.
 */
import type { InputBatch } from '../spec/types.ts';
import { SpecError } from '../spec/schema.ts';

export interface TrainingTask {
  readonly train: InputBatch;
  readonly test: InputBatch;
  /** One target per training input. */
  readonly targets: Float64Array;
  /** One target per test input, when known (the test error needs them). */
  readonly testTargets: Float64Array | null;
}

/** The n training inputs then the test inputs, padded to the longer T (padding masked). */
export function jointBatch(task: Pick<TrainingTask, 'train' | 'test'>): InputBatch {
  const { train, test } = task;
  if (train.d !== test.d) throw new SpecError(`test inputs have ${test.d} channels per position, training inputs ${train.d}`);
  const T = Math.max(train.T, test.T);
  const d = train.d;
  const M = train.M + test.M;
  const x = new Float64Array(M * T * d);
  const mask = new Float64Array(M * T);
  let m = 0;
  for (const b of [train, test])
    for (let i = 0; i < b.M; i++, m++)
      for (let t = 0; t < b.T; t++) {
        x.set(b.x.subarray((i * b.T + t) * d, (i * b.T + t + 1) * d), (m * T + t) * d);
        mask[m * T + t] = b.mask[i * b.T + t];
      }
  return { M, T, d, x, mask, masked: mask.some((v) => v === 0) };
}

/** The first `count` inputs of a batch (same T and d). */
export function headOfBatch(b: InputBatch, count: number): InputBatch {
  const mask = b.mask.slice(0, count * b.T);
  return { M: count, T: b.T, d: b.d, x: b.x.slice(0, count * b.T * b.d), mask, masked: mask.some((v) => v === 0) };
}

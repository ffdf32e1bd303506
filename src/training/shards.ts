/**
 * Training ensembles split across machines or threads, exactly as `estimate`'s (src/estimators/
 * shards.ts): block b of BLOCK network indices goes to shard b mod n, each shard writes its
 * blocks' accumulators, and the merge folds every block in index order, repeating the arithmetic
 * of the unsharded run, so the merged result is bit-identical to it. `trainParallel` does the
 * same over the pooled worker threads of src/estimators/parallel.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { MomentAccumulator, type AccumulatorJSON } from '../estimators/accumulator.ts';
import { BLOCK } from '../estimators/ensemble.ts';
import { shardBlocks, type ShardSpec } from '../estimators/shards.ts';
import { runOnWorkers } from '../estimators/parallel.ts';
import type { TrainingTask } from './task.ts';
import type { Step } from './predict.ts';
import { trainEnsemble, type StepAccumulators, type TrainOptions, type TrainResult } from './trainer.ts';

export const TRAIN_SHARD_FORMAT = 'infinite-attention/train-shard@1';

type StepJSON = number | 'inf';
const stepToJSON = (t: Step): StepJSON => (t === Infinity ? 'inf' : t);
const stepFromJSON = (t: StepJSON): Step => (t === 'inf' ? Infinity : t);

export interface TrainShardFile {
  readonly format: typeof TRAIN_SHARD_FORMAT;
  readonly seed: number;
  readonly networks: number;
  readonly shard: ShardSpec;
  /** What must agree for shards to merge: spec, task and training options (JSON). */
  readonly run: string;
  readonly Q: number;
  readonly n: number;
  readonly probe: readonly number[];
  readonly steps: readonly StepJSON[];
  readonly infinityStep: number | null;
  readonly backend: string;
  readonly unstable: number;
  readonly blocks: readonly { readonly index: number; readonly steps: readonly { readonly outputs: AccumulatorJSON; readonly errors: AccumulatorJSON; readonly moments: AccumulatorJSON }[] }[];
}

type ShardableOptions = Omit<TrainOptions, 'firstNetwork' | 'keepBlocks' | 'onProgress' | 'signal'>;

const plainBatch = (b: InputBatch) => ({ ...b, x: Array.from(b.x), mask: Array.from(b.mask) });
const batchFrom = (b: ReturnType<typeof plainBatch>): InputBatch => ({ ...b, x: Float64Array.from(b.x), mask: Float64Array.from(b.mask) });

function plainTask(t: TrainingTask) {
  return { train: plainBatch(t.train), test: plainBatch(t.test), targets: Array.from(t.targets), testTargets: t.testTargets ? Array.from(t.testTargets) : null };
}

function taskFrom(t: ReturnType<typeof plainTask>): TrainingTask {
  return { train: batchFrom(t.train), test: batchFrom(t.test), targets: Float64Array.from(t.targets), testTargets: t.testTargets ? Float64Array.from(t.testTargets) : null };
}

/** The run's identity: shards of different specs, tasks or options refuse to merge. */
export function trainRunKey(spec: NetworkSpec, task: TrainingTask, opts: ShardableOptions): string {
  const o = opts as ShardableOptions & { shard?: unknown; onProgress?: unknown; workers?: unknown };
  // What changes the numbers: not the backend, the chunking, the shard or the progress callback.
  const training = { mode: o.mode, lr: o.lr, ridge: o.ridge ?? 0, steps: o.steps.map(stepToJSON), infinityStep: o.infinityStep ?? null, probe: o.probe ?? null };
  return JSON.stringify({ spec, task: plainTask(task), training });
}

export async function runTrainingShard(
  spec: NetworkSpec,
  task: TrainingTask,
  opts: ShardableOptions & { readonly shard: ShardSpec; readonly onProgress?: (done: number) => void },
): Promise<TrainShardFile> {
  const blocks: TrainShardFile['blocks'][number][] = [];
  let head: TrainResult | null = null;
  let unstable = 0;
  let done = 0;
  for (const b of shardBlocks(opts.networks, opts.shard)) {
    const { shard: _s, onProgress, ...rest } = opts;
    const r = await trainEnsemble(spec, task, { ...rest, firstNetwork: b.first, networks: b.count, keepBlocks: true, onProgress: (d) => onProgress?.(done + d) });
    done += b.count;
    head = r;
    unstable += r.unstable;
    for (const k of r.blocks ?? []) blocks.push({ index: k.index, steps: k.steps.map((s) => ({ outputs: s.outputs.toJSON(), errors: s.errors.toJSON(), moments: s.moments.toJSON() })) });
  }
  return {
    format: TRAIN_SHARD_FORMAT,
    seed: opts.seed,
    networks: opts.networks,
    shard: opts.shard,
    run: trainRunKey(spec, task, opts),
    Q: head?.Q ?? task.train.M + task.test.M,
    n: task.train.M,
    probe: head?.probe ?? opts.probe ?? [],
    steps: opts.steps.map(stepToJSON),
    infinityStep: head?.infinityStep ?? null,
    backend: head?.backend ?? '',
    unstable,
    blocks,
  };
}

/** Folds the blocks of every shard in index order; refuses missing, duplicate or foreign blocks. */
export function mergeTrainingShards(files: readonly TrainShardFile[], seconds = 0): TrainResult {
  if (files.length === 0) throw new Error('merge: no shard files');
  const head = files[0];
  for (const f of files) {
    if (f.format !== TRAIN_SHARD_FORMAT) throw new Error(`merge: not a training shard file (format ${JSON.stringify(f.format)})`);
    if (f.seed !== head.seed || f.networks !== head.networks || f.run !== head.run)
      throw new Error('merge: the shards come from different training runs (seed, network count, spec, task or options differ)');
  }
  const blocks = files.flatMap((f) => f.blocks).sort((a, b) => a.index - b.index);
  const expected = Math.ceil(head.networks / BLOCK);
  blocks.forEach((b, i) => {
    if (b.index !== i) throw new Error(`merge: block ${i} is ${b.index < i ? 'duplicated' : 'missing'}; expected blocks 0..${expected - 1} once each`);
  });
  if (blocks.length !== expected) throw new Error(`merge: ${blocks.length} blocks, expected ${expected}: a shard is missing`);
  const steps = head.steps.map(stepFromJSON);
  const accumulators: StepAccumulators[] = steps.map((step, k) => {
    const fold = (pick: 'outputs' | 'errors' | 'moments') => {
      const first = blocks[0].steps[k][pick];
      const acc = new MomentAccumulator(first.dim, first.cov !== null);
      for (const b of blocks) acc.merge(MomentAccumulator.fromJSON(b.steps[k][pick]));
      return acc;
    };
    return { step, outputs: fold('outputs'), errors: fold('errors'), moments: fold('moments') };
  });
  const memory = { numTensors: tf.memory().numTensors, rssMB: process.memoryUsage().rss / 2 ** 20 };
  return {
    Q: head.Q,
    n: head.n,
    probe: head.probe,
    steps,
    infinityStep: head.infinityStep,
    accumulators,
    networks: head.networks,
    backend: [...new Set(files.map((f) => f.backend))].join('+'),
    seconds,
    memory: { start: memory, end: memory },
    unstable: files.reduce((s, f) => s + f.unstable, 0),
    blocks: null,
  };
}

interface TrainJobPayload {
  readonly spec: NetworkSpec;
  readonly task: ReturnType<typeof plainTask>;
  readonly opts: Omit<ShardableOptions, 'steps'> & { readonly steps: readonly StepJSON[]; readonly shard: ShardSpec };
}

/** Worker-thread entry (src/estimators/shardWorker.ts imports this module and calls it). */
export async function runWorkerJob(payload: TrainJobPayload, onProgress: (done: number) => void): Promise<TrainShardFile> {
  return runTrainingShard(payload.spec, taskFrom(payload.task), { ...payload.opts, steps: payload.opts.steps.map(stepFromJSON), onProgress });
}

/** `--workers k`: the blocks over k pooled worker threads, merged bit-identically to one thread. */
export async function trainParallel(
  spec: NetworkSpec,
  task: TrainingTask,
  opts: ShardableOptions & { readonly workers: number; readonly onProgress?: (done: number, total: number) => void },
): Promise<TrainResult> {
  const start = performance.now();
  const { workers, onProgress, ...rest } = opts;
  const files = await runOnWorkers<TrainShardFile>(
    workers,
    (w) => ({ kind: 'module', module: import.meta.url, payload: { spec, task: plainTask(task), opts: { ...rest, steps: rest.steps.map(stepToJSON), shard: { index: w, count: workers } } } satisfies TrainJobPayload }),
    (d) => onProgress?.(d, opts.networks),
  );
  return mergeTrainingShards(files, (performance.now() - start) / 1000);
}

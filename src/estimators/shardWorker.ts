/**
 * Worker-thread entry: runs shards of ensembles on its own tfjs backend, one job per message, and
 * posts each shard file back. The thread stays up between jobs (parallel.ts keeps a pool), so the
 * backend start and V8's compilation of the hot loops are paid once per process, not per run.
 */
import { parentPort } from 'node:worker_threads';
import { runShard } from './shards.ts';
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import type { EstimateOptions } from './ensemble.ts';
import type { ShardSpec } from './shards.ts';

export interface ShardJob {
  readonly id: number;
  readonly spec: NetworkSpec;
  readonly batch: Omit<InputBatch, 'x' | 'mask'> & { x: number[]; mask: number[] };
  readonly opts: Omit<EstimateOptions, 'onProgress' | 'firstNetwork' | 'keepBlocks'> & { shard: ShardSpec };
}

/** A job of another kind than `estimate`: `module` is imported and its `runWorkerJob(payload, progress)` called. */
export interface WorkerJob {
  readonly id: number;
  readonly kind: 'module';
  /** A file URL of a module exporting `runWorkerJob(payload, onProgress): Promise<result>`. */
  readonly module: string;
  readonly payload: unknown;
}

parentPort!.on('message', (job: ShardJob | WorkerJob) => {
  const progress = (done: number) => parentPort!.postMessage({ type: 'progress', id: job.id, done });
  if ('kind' in job && job.kind === 'module') {
    import(job.module)
      .then((m: { runWorkerJob: (payload: unknown, onProgress: (done: number) => void) => Promise<unknown> }) => m.runWorkerJob(job.payload, progress))
      .then(
        (file) => parentPort!.postMessage({ type: 'done', id: job.id, file }),
        (e: unknown) => parentPort!.postMessage({ type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) }),
      );
    return;
  }
  const shardJob = job as ShardJob;
  const batch: InputBatch = { ...shardJob.batch, x: Float64Array.from(shardJob.batch.x), mask: Float64Array.from(shardJob.batch.mask) };
  runShard(shardJob.spec, batch, { ...shardJob.opts, onProgress: progress }).then(
    (file) => parentPort!.postMessage({ type: 'done', id: job.id, file }),
    (e: unknown) => parentPort!.postMessage({ type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) }),
  );
});

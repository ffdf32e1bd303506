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

parentPort!.on('message', (job: ShardJob) => {
  const batch: InputBatch = { ...job.batch, x: Float64Array.from(job.batch.x), mask: Float64Array.from(job.batch.mask) };
  runShard(job.spec, batch, { ...job.opts, onProgress: (done) => parentPort!.postMessage({ type: 'progress', id: job.id, done }) }).then(
    (file) => parentPort!.postMessage({ type: 'done', id: job.id, file }),
    (e: unknown) => parentPort!.postMessage({ type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) }),
  );
});

/** Worker-thread entry: runs one shard of an ensemble on its own tfjs backend and posts the shard file. */
import { parentPort, workerData } from 'node:worker_threads';
import { runShard } from './shards.ts';
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import type { EstimateOptions } from './ensemble.ts';
import type { ShardSpec } from './shards.ts';

interface Job {
  spec: NetworkSpec;
  batch: Omit<InputBatch, 'x' | 'mask'> & { x: number[]; mask: number[] };
  opts: Omit<EstimateOptions, 'onProgress' | 'firstNetwork' | 'keepBlocks'> & { shard: ShardSpec };
}

const job = workerData as Job;
const batch: InputBatch = { ...job.batch, x: Float64Array.from(job.batch.x), mask: Float64Array.from(job.batch.mask) };
const file = await runShard(job.spec, batch, {
  ...job.opts,
  onProgress: (done) => parentPort!.postMessage({ type: 'progress', done }),
});
parentPort!.postMessage({ type: 'done', file });

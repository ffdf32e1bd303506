/**
 * `--workers k`: the blocks of a run spread over k worker threads (one single-threaded tfjs backend
 * each, the route STACK.md recommends over WASM's own threads), merged as shards are: the result is
 * bit-identical to the single-threaded run with the same seed.
 */
import { Worker } from 'node:worker_threads';
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import type { EstimateOptions } from './ensemble.ts';
import { mergeShards, type MergedEstimate, type ShardFile } from './shards.ts';

export async function estimateParallel(
  spec: NetworkSpec,
  batch: InputBatch,
  opts: Omit<EstimateOptions, 'firstNetwork' | 'keepBlocks'> & { readonly workers: number },
): Promise<MergedEstimate & { seconds: number }> {
  const start = performance.now();
  const { onProgress, workers, ...rest } = opts;
  const done = new Array<number>(workers).fill(0);
  const files = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const worker = new Worker(new URL('./shardWorkerBoot.mjs', import.meta.url), {
        workerData: {
          spec,
          batch: { ...batch, x: Array.from(batch.x), mask: Array.from(batch.mask) },
          opts: { ...rest, shard: { index: w, count: workers } },
        },
      });
      return new Promise<ShardFile>((resolve, reject) => {
        worker.on('message', (m: { type: string; done?: number; file?: ShardFile }) => {
          if (m.type === 'progress') {
            done[w] = m.done ?? 0;
            onProgress?.(done.reduce((a, b) => a + b, 0), opts.networks);
          } else if (m.type === 'done') {
            resolve(m.file as ShardFile);
            void worker.terminate();
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => code !== 0 && code !== 1 && reject(new Error(`worker ${w} exited with code ${code}`)));
      });
    }),
  );
  return { ...mergeShards(files), seconds: (performance.now() - start) / 1000 };
}

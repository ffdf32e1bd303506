/**
 * `--workers k`: the blocks of a run spread over k worker threads (one single-threaded tfjs backend
 * each: networks need no communication, so parallelism goes across them rather than inside each
 * small product), merged as shards are: the result is
 * bit-identical to the single-threaded run with the same seed.
 *
 * The threads are kept in a pool per k for the life of the process: starting one (tsx, the WASM
 * backend) takes about 0.4 s and its first networks run before V8 has compiled the hot loops, which
 * made a 1024-network run on two fresh threads slower than on one. Idle threads do not keep the
 * process alive; `closeWorkerPools` ends them.
 */
import { Worker } from 'node:worker_threads';
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { fitControlVariatesOnPilot, type EstimateOptions } from './ensemble.ts';
import { mergeShards, type MergedEstimate, type ShardFile } from './shards.ts';
import type { ShardJob, WorkerJob } from './shardWorker.ts';

type Message = { type: 'progress'; id: number; done: number } | { type: 'done'; id: number; file: unknown } | { type: 'error'; id: number; message: string };

interface Pending {
  readonly resolve: (f: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly progress: (done: number) => void;
}

// Worker threads do not inherit the parent's module hooks: run from the TypeScript sources (tsx,
// vitest), a worker boots through shardWorkerBoot.mjs, which registers tsx; the compiled package
// starts the compiled shardWorker.js directly.
const workerEntry = import.meta.url.endsWith('.ts') ? new URL('./shardWorkerBoot.mjs', import.meta.url) : new URL('./shardWorker.js', import.meta.url);

class WorkerPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  broken: Error | null = null;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, (_, w) => {
      const worker = new Worker(workerEntry);
      worker.unref();
      worker.on('message', (m: Message) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        if (m.type === 'progress') p.progress(m.done);
        else {
          this.pending.delete(m.id);
          this.settle();
          if (m.type === 'done') p.resolve(m.file);
          else p.reject(new Error(m.message));
        }
      });
      const fail = (e: Error) => {
        this.broken = e;
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`worker ${w} exited with code ${code}`)));
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** A job for worker w; while any job is out, the threads keep the process alive. */
  run<R = ShardFile>(w: number, job: Omit<ShardJob, 'id'> | Omit<WorkerJob, 'id'>, progress: (done: number) => void): Promise<R> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (f: unknown) => void, reject, progress });
      this.settle();
      this.workers[w].postMessage({ ...job, id });
    });
  }

  private settle(): void {
    for (const w of this.workers) this.pending.size > 0 ? w.ref() : w.unref();
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const pools = new Map<number, WorkerPool>();

function pool(size: number): WorkerPool {
  let p = pools.get(size);
  if (!p || p.broken) {
    p = new WorkerPool(size);
    pools.set(size, p);
  }
  return p;
}

/** Ends every pooled worker thread (tests, or a host that wants its threads back). */
export async function closeWorkerPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

/**
 * Runs one job per worker thread of the pool of size `workers` (a job kind other than `estimate`,
 * e.g. training shards: shardWorker.ts dispatches on `kind`) and returns their results in worker
 * order; `onProgress` gets the summed progress.
 */
export async function runOnWorkers<R>(workers: number, jobFor: (w: number) => Omit<WorkerJob, 'id'>, onProgress?: (done: number) => void): Promise<R[]> {
  const p = pool(workers);
  const done = new Array<number>(workers).fill(0);
  return Promise.all(
    Array.from({ length: workers }, (_, w) =>
      p.run<R>(w, jobFor(w), (d) => {
        done[w] = d;
        onProgress?.(done.reduce((a, b) => a + b, 0));
      }),
    ),
  );
}

export async function estimateParallel(
  spec: NetworkSpec,
  batch: InputBatch,
  opts: Omit<EstimateOptions, 'firstNetwork' | 'keepBlocks' | 'perNetwork'> & { readonly workers: number },
): Promise<MergedEstimate & { seconds: number }> {
  const start = performance.now();
  const { onProgress, workers, ...options } = opts;
  // Control variates: one pilot here, its coefficients to every worker (identical fits, so the
  // merged result is the single-threaded one).
  const cv = options.controlVariates;
  const rest =
    cv && !(typeof cv === 'object' && cv.fits)
      ? { ...options, controlVariates: { fits: await fitControlVariatesOnPilot(spec, batch, options, typeof cv === 'object' ? cv.pilot : undefined) } }
      : options;
  const p = pool(workers);
  const done = new Array<number>(workers).fill(0);
  const plainBatch = { ...batch, x: Array.from(batch.x), mask: Array.from(batch.mask) };
  const files = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      p.run(w, { spec, batch: plainBatch, opts: { ...rest, shard: { index: w, count: workers } } }, (d) => {
        done[w] = d;
        onProgress?.(done.reduce((a, b) => a + b, 0), opts.networks);
      }),
    ),
  );
  return { ...mergeShards(files), seconds: (performance.now() - start) / 1000 };
}

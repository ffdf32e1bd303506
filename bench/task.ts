/**
 * One (config, task) measurement of our sampler, run in a process of its own by bench/run.ts so
 * that its peak RSS and tensor counts are its own (the WASM heap only grows, and maxRSS is a
 * process-wide high-water mark). Prints one JSON object on stdout.
 *
 *   tsx bench/task.ts '{"config":"R1","task":"ntk","networks":64}'
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { estimate } from '../src/estimators/ensemble.ts';
import { estimateParallel } from '../src/estimators/parallel.ts';
import { relativePrecision } from '../src/kernels/compute.ts';
import { normalsDrawn } from '../src/random/ziggurat.ts';
import type { BackendChoice } from '../src/backend.ts';
import { configByName, inputBatch, SEED, taskFlops, taskSpec, type Task } from './configs.ts';

export interface TaskRequest {
  readonly config: string;
  readonly task: Task;
  readonly networks: number;
  readonly chunk?: number;
  readonly backend?: BackendChoice;
  /** Networks of the untimed warm-up run (first-call allocations, XNNPACK set-up). */
  readonly warmup?: number;
  /** Write a V8 CPU profile of the timed run (and nothing else) to this .cpuprofile file. */
  readonly cpuProfile?: string;
  /** After the timed run, rerun it under tf.profile and report time per kernel. */
  readonly kernelProfile?: boolean;
  /** Worker threads (`estimate --workers k`); the warm-up starts them. 1 runs on this thread. */
  readonly workers?: number;
}

export interface KernelTime {
  readonly name: string;
  readonly shapes?: string;
  readonly ms: number;
  readonly calls: number;
}

/** Time per tfjs kernel over a rerun of the timed networks; the rest of the wall time is JS. */
export interface KernelProfile {
  readonly wallMs: number;
  readonly kernelMs: number;
  /**
   * The matrix products the run executed, from the kernels' input shapes: FLOPs actually done
   * (2 per multiply-add, not the nominal count of configs.ts) and time inside the kernels, for
   * unbatched (one network's 2-D GEMM) and batched products apart.
   */
  readonly matmul: { readonly unbatched: MatmulTime; readonly batched: MatmulTime };
  readonly byKernel: KernelTime[];
  readonly byKernelAndShape: KernelTime[];
}

export interface TaskResult {
  readonly config: string;
  readonly task: Task;
  readonly backend: string;
  readonly networks: number;
  readonly seconds: number;
  readonly networksPerSecond: number;
  /** Nominal FLOPs of one network (configs.ts, taskFlops). */
  readonly flopsPerNetwork: number;
  readonly gflops: number;
  /** Peak resident set of this process, bytes. */
  readonly peakRssBytes: number;
  readonly numTensorsBefore: number;
  readonly numTensorsAfter: number;
  /** Standard normals drawn per network in the timed run (weights, or pre-activations); null when worker threads drew them. */
  readonly normalsPerNetwork: number | null;
  /** Worker threads that ran the networks (1: this thread). */
  readonly workers: number;
  /** max SE / mean |diagonal| of this run (compute.ts, relativePrecision). */
  readonly precision: number;
  /** The same for a single network: precision · √networks. */
  readonly perNetworkRelStd: number;
  /** Networks for a precision of 1 %: (perNetworkRelStd / 0.01)². */
  readonly networksTo1pct: number;
  readonly secondsTo1pct: number;
  readonly meanDiagonal: number;
  readonly kernelProfile?: KernelProfile;
}

export interface MatmulTime {
  readonly calls: number;
  readonly flops: number;
  readonly ms: number;
}

/** 2·B·M·K·N for a BatchMatMul on [B, M, K] × [B, K, N]; transposed operands are told by the shapes. */
function matmulFlops(a: readonly number[], b: readonly number[]): number {
  const batch = Math.max(a.slice(0, -2).reduce((x, y) => x * y, 1), b.slice(0, -2).reduce((x, y) => x * y, 1));
  const [a1, a2] = a.slice(-2);
  const [b1, b2] = b.slice(-2);
  // Shared dimension K: a's columns against b's rows unless a transpose flag made it otherwise.
  const [m, k, n] = a2 === b1 ? [a1, a2, b2] : a2 === b2 ? [a1, a2, b1] : a1 === b1 ? [a2, a1, b2] : [a2, a1, b1];
  return 2 * batch * m * k * n;
}

async function profileKernels(run: () => Promise<unknown>): Promise<KernelProfile> {
  // tfjs downloads every kernel output to look for NaNs while profiling unless told not to.
  const check = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await run();
    return [];
  });
  const wallMs = performance.now() - t0;
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', check);
  const by = (key: (k: (typeof info.kernels)[number]) => string) => {
    const m = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const e = m.get(key(k)) ?? { ms: 0, calls: 0 };
      e.ms += ms;
      e.calls++;
      m.set(key(k), e);
    }
    return [...m].map(([k, v]) => ({ key: k, ...v })).sort((a, b) => b.ms - a.ms);
  };
  // tf.customGrad's forward functions are profiled like kernels ("unnamed scope", "forward") but
  // contain the kernels they call: only registered kernels count, or time is counted twice.
  const backend = tf.getBackend();
  info.kernels = info.kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined);
  const byKernel = by((k) => k.name).map(({ key, ms, calls }) => ({ name: key, ms, calls }));
  const byKernelAndShape = by((k) => `${k.name} ${k.inputShapes.map((s) => `[${s?.join(',') ?? ''}]`).join(' ')}`)
    .slice(0, 20)
    .map(({ key, ms, calls }) => ({ name: key.split(' ')[0], shapes: key.slice(key.indexOf(' ') + 1), ms, calls }));
  const matmul = { unbatched: { calls: 0, flops: 0, ms: 0 }, batched: { calls: 0, flops: 0, ms: 0 } };
  for (const k of info.kernels) {
    if (k.name !== 'BatchMatMul' && k.name !== '_FusedMatMul') continue;
    const [a, b] = k.inputShapes as number[][];
    const part = a.slice(0, -2).reduce((x, y) => x * y, 1) === 1 ? matmul.unbatched : matmul.batched;
    part.calls++;
    part.flops += matmulFlops(a, b);
    part.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  }
  return { wallMs, kernelMs: byKernel.reduce((a, k) => a + k.ms, 0), matmul, byKernel, byKernelAndShape };
}

export async function runTask(req: TaskRequest): Promise<TaskResult> {
  const c = configByName(req.config);
  const spec = taskSpec(c, req.task);
  const batch = inputBatch(c.masked);
  const common = {
    nngp: req.task === 'nngp',
    ntk: req.task === 'ntk',
    backend: req.backend ?? 'wasm',
    ...(req.chunk ? { chunk: req.chunk } : {}),
  } as const;
  const workers = req.workers ?? 1;
  if (workers > 1 && (req.cpuProfile || req.kernelProfile)) throw new Error('profiles need one thread: drop --workers or --profile');
  const run = async (networks: number, seed: number) => {
    if (workers === 1) return estimate(spec, batch, { ...common, networks, seed });
    const m = await estimateParallel(spec, batch, { ...common, networks, seed, workers });
    const acc = (req.task === 'nngp' ? m.nngp : m.ntk)!;
    const mean = new Float64Array(acc.mean);
    const se = acc.standardError();
    return { M: m.M, T: m.T, networks: m.networks, seconds: m.seconds, backend: m.backends.join('+'), nngp: mean, nngpSE: se, ntk: mean, ntkSE: se };
  };
  // Warm-up on other networks (another seed), so the timed run starts from a settled backend (and,
  // with worker threads, from started threads: the pool keeps them).
  await run(Math.max(workers * 2, req.warmup ?? Math.min(64 * workers, req.networks)), SEED + 1);
  const before = tf.memory().numTensors;
  let session: Session | null = null;
  if (req.cpuProfile) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const drawnBefore = normalsDrawn();
  const r = await run(req.networks, SEED);
  const normalsPerNetwork = workers === 1 ? Math.round((normalsDrawn() - drawnBefore) / req.networks) : null;
  if (session && req.cpuProfile) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(req.cpuProfile, JSON.stringify(profile));
    session.disconnect();
  }
  const after = tf.memory().numTensors;
  const kernelProfile = req.kernelProfile
    ? await profileKernels(() => estimate(spec, batch, { ...common, networks: req.networks, seed: SEED }))
    : undefined;
  const P = r.M * r.T;
  const mean = (req.task === 'nngp' ? r.nngp : r.ntk) as Float64Array;
  const se = (req.task === 'nngp' ? r.nngpSE : r.ntkSE) as Float64Array;
  const precision = relativePrecision(se, mean, P);
  const perNetworkRelStd = precision * Math.sqrt(r.networks);
  const networksTo1pct = Math.max(2, Math.ceil((perNetworkRelStd / 0.01) ** 2));
  let diag = 0;
  for (let a = 0; a < P; a++) diag += Math.abs(mean[a * P + a]);
  const flopsPerNetwork = taskFlops(spec, req.task, batch);
  const nps = r.networks / r.seconds;
  return {
    config: c.name,
    task: req.task,
    backend: r.backend,
    networks: r.networks,
    seconds: r.seconds,
    networksPerSecond: nps,
    flopsPerNetwork,
    gflops: (flopsPerNetwork * nps) / 1e9,
    // Node reports maxRSS in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    numTensorsBefore: before,
    numTensorsAfter: after,
    normalsPerNetwork,
    workers,
    precision,
    perNetworkRelStd,
    networksTo1pct,
    secondsTo1pct: networksTo1pct / nps,
    meanDiagonal: diag / P,
    ...(kernelProfile ? { kernelProfile } : {}),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const req = JSON.parse(process.argv[2] ?? '') as TaskRequest;
  const result = await runTask(req);
  process.stdout.write(JSON.stringify(result) + '\n');
}

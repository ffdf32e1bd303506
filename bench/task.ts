/**
 * Our sampler on one (config, task), in a process of its own started by bench/run.ts (so that its
 * peak RSS and tensor counts are its own: the WASM heap only grows, and maxRSS is a process-wide
 * high-water mark). It warms up once, fits the control variates once (their pilot, timed), then
 * answers one timed round per line of stdin, `{"round": r}` (networks of seed SEED + r), with one
 * JSON TaskResult per line on stdout, until stdin ends: bench/run.ts alternates these rounds with
 * the peer's so that both see the same load.
 *
 *   echo '{"round":0}' | tsx bench/task.ts '{"config":"R1","task":"ntk","networks":64}'
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';
import { estimate, fitControlVariatesOnPilot, type ControlVariateFits } from '../src/estimators/ensemble.ts';
import { closeWorkerPools, estimateParallel } from '../src/estimators/parallel.ts';
import { relativePrecision } from '../src/pipeline/kernel.ts';
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
  /** Control variates' pilot networks (estimate's controlVariates); 0 for none. */
  readonly pilot?: number;
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
  /** The round (seed SEED + round). */
  readonly round: number;
  /**
   * With control variates: the plain estimator on the same networks (null with worker threads,
   * whose merged shards keep the adjusted accumulators only), and the pilot's networks and
   * seconds (spent once per process; time to 1 % adds them).
   */
  readonly plain: { readonly perNetworkRelStd: number; readonly networksTo1pct: number } | null;
  readonly pilot: { readonly networks: number; readonly seconds: number; readonly sites: readonly string[] } | null;
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

/** Set up once (warm-up, control-variate fit); then `round(r)` times networks of seed SEED + r. */
export async function taskServer(req: TaskRequest): Promise<{ round: (r: number) => Promise<TaskResult> }> {
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
  let fits: ControlVariateFits | null = null;
  const cv = () => (fits ? { controlVariates: { fits } } : {});
  const run = async (networks: number, seed: number) => {
    if (workers === 1) {
      const r = await estimate(spec, batch, { ...common, ...cv(), networks, seed });
      const plain = r.controlVariates?.plain[req.task] ?? null;
      return { ...r, plain: plain ? { mean: plain.mean, se: plain.standardError() } : null };
    }
    const m = await estimateParallel(spec, batch, { ...common, ...cv(), networks, seed, workers });
    const acc = (req.task === 'nngp' ? m.nngp : m.ntk)!;
    const mean = new Float64Array(acc.mean);
    const se = acc.standardError();
    return { M: m.M, T: m.T, networks: m.networks, seconds: m.seconds, backend: m.backends.join('+'), nngp: mean, nngpSE: se, ntk: mean, ntkSE: se, plain: null };
  };
  // Warm-up on other networks (another seed), so the timed runs start from a settled backend (and,
  // with worker threads, from started threads: the pool keeps them).
  await run(Math.max(workers * 2, req.warmup ?? Math.min(64 * workers, req.networks)), SEED + 1000);
  // The pilot (its own seed, derived from the run's); once per process, timed, added to time to 1 %.
  let pilot: TaskResult['pilot'] = null;
  if (req.pilot) {
    const t0 = performance.now();
    fits = await fitControlVariatesOnPilot(spec, batch, { ...common, networks: 2, seed: SEED }, req.pilot);
    const fit = fits[req.task];
    pilot = { networks: req.pilot, seconds: (performance.now() - t0) / 1000, sites: fit ? fit.sites : [] };
  }
  const round = async (roundIndex: number): Promise<TaskResult> => {
    const seed = SEED + roundIndex;
    const before = tf.memory().numTensors;
    let session: Session | null = null;
    if (req.cpuProfile) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const drawnBefore = normalsDrawn();
    const r = await run(req.networks, seed);
    const normalsPerNetwork = workers === 1 ? Math.round((normalsDrawn() - drawnBefore) / req.networks) : null;
    if (session && req.cpuProfile) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(req.cpuProfile, JSON.stringify(profile));
      session.disconnect();
    }
    const after = tf.memory().numTensors;
    const kernelProfile = req.kernelProfile ? await profileKernels(() => estimate(spec, batch, { ...common, ...cv(), networks: req.networks, seed })) : undefined;
    const P = r.M * r.T;
    const mean = (req.task === 'nngp' ? r.nngp : r.ntk) as Float64Array;
    const se = (req.task === 'nngp' ? r.nngpSE : r.ntkSE) as Float64Array;
    const to1pct = (rel: number) => Math.max(2, Math.ceil((rel / 0.01) ** 2));
    const precision = relativePrecision(se, mean, P);
    const perNetworkRelStd = precision * Math.sqrt(r.networks);
    const networksTo1pct = to1pct(perNetworkRelStd);
    const plainRel = r.plain ? relativePrecision(r.plain.se, r.plain.mean, P) * Math.sqrt(r.networks) : null;
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
      secondsTo1pct: networksTo1pct / nps + (pilot?.seconds ?? 0),
      meanDiagonal: diag / P,
      round: roundIndex,
      plain: plainRel === null ? null : { perNetworkRelStd: plainRel, networksTo1pct: to1pct(plainRel) },
      pilot,
      ...(kernelProfile ? { kernelProfile } : {}),
    };
  };
  return { round };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const req = JSON.parse(process.argv[2] ?? '') as TaskRequest;
  const server = await taskServer(req);
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const { round } = JSON.parse(line) as { round: number };
    process.stdout.write(JSON.stringify(await server.round(round)) + '\n');
  }
  // Idle worker threads do not keep the process alive, but end them so it exits at once.
  await closeWorkerPools();
}

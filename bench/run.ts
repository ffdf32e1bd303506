/**
 * `npm run bench`: throughput and time-to-precision of the Monte-Carlo sampler on the reference
 * configurations (bench/configs.ts), the WASM matmul ceiling measured in the same run, and the
 * PyTorch peer (bench/peers/torch_peer.py) run after ours in the same invocation when python3-torch
 * is installed. Writes bench/results/latest.json and prints tables (bench/README.md).
 *
 * Benchmarks report; nothing here fails on time.
 */
import * as tf from '@tensorflow/tfjs';
import { lineReader } from './lines.ts';
import { Command, InvalidArgumentError } from 'commander';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendChoice } from '../src/backend.ts';
import { DEFAULT_PILOT } from '../src/estimators/ensemble.ts';
import { configByName, configs, D, M, SEED, T, taskFlops, taskSpec, tasks, type Task } from './configs.ts';
import type { TaskRequest, TaskResult } from './task.ts';
import { summarise } from './profile.ts';
import { PeerServer, peerJob, peerUnavailable, type PeerHeader, type PeerResult } from './peer.ts';

const here = dirname(fileURLToPath(import.meta.url));
const REFERENCE_NETWORKS = 1024;

// ---------------------------------------------------------------------------------------------
// The WASM matmul ceiling

export interface Ceiling {
  readonly shape: string;
  readonly gflops: number;
  readonly bestSeconds: number;
  readonly reps: number;
  /** Every candidate shape's best, GFLOP/s. */
  readonly candidates: Record<string, number>;
}

/**
 * The fastest thing the backend does: a plain 2-D matMul (XNNPACK's GEMM). For each of a few large
 * shapes the best of `reps` timed runs, taken round-robin across the shapes so that a busy moment
 * on a shared machine does not fall on one shape only; the ceiling is the best shape. One shape
 * alone proved fragile: under load 4096×512 @ 512×512, which streams 17 MB through caches other
 * processes also use, ran at a third of a smaller product's speed.
 */
async function matmulCeiling(backend: BackendChoice, reps = 7): Promise<Ceiling> {
  await initBackend(backend);
  const shapes = [
    [4096, 512, 512],
    [1024, 512, 512],
    [512, 512, 512],
    [64, 256, 4096],
  ];
  const ops = shapes.map(([m, k, n], i) => ({
    shape: `${m}x${k} @ ${k}x${n}`,
    flops: 2 * m * k * n,
    a: tf.randomNormal([m, k], 0, 1, 'float32', 1 + 2 * i),
    b: tf.randomNormal([k, n], 0, 1, 'float32', 2 + 2 * i),
    best: Infinity,
  }));
  for (let r = 0; r < reps + 2; r++)
    for (const op of ops) {
      const t0 = performance.now();
      const c = tf.matMul(op.a, op.b);
      await c.data(); // the product is only done once it is read
      const dt = (performance.now() - t0) / 1000;
      c.dispose();
      if (r >= 2) op.best = Math.min(op.best, dt); // the first two warm the heap and XNNPACK's packing
    }
  const candidates: Record<string, number> = {};
  let top = ops[0];
  for (const op of ops) {
    op.a.dispose();
    op.b.dispose();
    candidates[op.shape] = op.flops / op.best / 1e9;
    if (op.flops / op.best > top.flops / top.best) top = op;
  }
  return { shape: top.shape, gflops: top.flops / top.best / 1e9, bestSeconds: top.best, reps, candidates };
}

export interface MatmulProbe {
  readonly name: string;
  readonly gflops: number;
  readonly fractionOfCeiling: number;
}

/**
 * The shapes the sampler actually multiplies, against the ceiling: a 64-row GEMM (one network's
 * projection, M·T = 64 rows), the same with a transposed operand (what autodiff's backward emits),
 * and the same work as one 3-D batched matMul. They show which forms run near the ceiling.
 */
async function matmulProbes(ceiling: Ceiling, reps = 7): Promise<MatmulProbe[]> {
  // fresh: a new right operand on every call, as every network brings new weights (XNNPACK
  // packs the weights of each new operand; a repeated one may hit its cache).
  const probe = async (name: string, a: number[], b: number[], tA: boolean, tB: boolean, flops: number, fresh = false) => {
    const x = tf.randomNormal(a, 0, 1, 'float32', 3);
    const ys = Array.from({ length: fresh ? reps + 2 : 1 }, (_, i) => tf.randomNormal(b, 0, 1, 'float32', 4 + i));
    await Promise.all(ys.map((y) => y.data()));
    let best = Infinity;
    for (let r = 0; r < reps + 2; r++) {
      const t0 = performance.now();
      const c = tf.matMul(x as tf.Tensor3D, ys[fresh ? r : 0] as tf.Tensor3D, tA, tB);
      await c.data();
      if (r >= 2) best = Math.min(best, (performance.now() - t0) / 1000);
      c.dispose();
    }
    x.dispose();
    ys.forEach((y) => y.dispose());
    const gflops = flops / best / 1e9;
    return { name, gflops, fractionOfCeiling: gflops / ceiling.gflops };
  };
  const f = 2 * 64 * 256 * 256;
  return [
    await probe('64x256 @ 256x256', [64, 256], [256, 256], false, false, f),
    await probe('64x256 @ 256x256, new weights each call', [64, 256], [256, 256], false, false, f, true),
    await probe('[1,64,256] @ [1,256,256], new weights each call', [1, 64, 256], [1, 256, 256], false, false, f, true),
    await probe('64x256 @ (256x256)^T', [64, 256], [256, 256], false, true, f),
    await probe('(256x64)^T @ 256x256', [256, 64], [256, 256], true, false, f),
    await probe('[16,64,256] @ [16,256,256] (3-D)', [16, 64, 256], [16, 256, 256], false, false, 16 * f),
  ];
}

// ---------------------------------------------------------------------------------------------
// Ours: one child process per (config, task), answering rounds on request (bench/task.ts)

class OursServer {
  private readonly next: () => Promise<string>;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    what: string,
  ) {
    this.next = lineReader(child.stdout, () => new Error(`${what} exited early`));
  }

  /** Starts bench/task.ts for `req` and waits for its warm-up (and control-variate pilot). */
  static async start(req: TaskRequest): Promise<OursServer> {
    // process.execArgv carries tsx's loader, so the child runs TypeScript exactly as this process does.
    const child = spawn(process.execPath, [...process.execArgv, join(here, 'task.ts'), JSON.stringify(req)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const server = new OursServer(child, `bench/task.ts ${req.config} ${req.task}`);
    await server.next();
    return server;
  }

  async round(round: number): Promise<TaskResult> {
    this.child.stdin.write(JSON.stringify({ round }) + '\n');
    return JSON.parse(await this.next()) as TaskResult;
  }

  close(): void {
    this.child.stdin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison and tables

interface Comparison {
  readonly config: string;
  readonly task: Task;
  readonly peerVariant: string;
  /** Rounds compared (ours and the peer alternating, each ratio within one round). */
  readonly rounds: number;
  /** ours / peer, median over rounds: above 1 we draw networks faster. */
  readonly networksPerSecondRatio: number;
  /** ours / peer, median over rounds: below 1 we reach 1 % sooner. */
  readonly timeTo1pctRatio: number;
  /** The factors of timeTo1pctRatio (medians): seconds per network, networks to 1 %, and ours' pilot (1 + pilot / rest). */
  readonly perNetworkTimeRatio: number;
  readonly networksTo1pctRatio: number;
  readonly pilotFactor: number;
  /** Every round's time-to-1 % ratio. */
  readonly timeTo1pctRatios: number[];
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

function compare(ours: readonly TaskResult[], peer: readonly PeerResult[]): Comparison[] {
  const out: Comparison[] = [];
  const keys = [...new Set(ours.map((o) => `${o.config}/${o.task}`))];
  for (const key of keys) {
    const os = ours.filter((o) => `${o.config}/${o.task}` === key);
    const ps = peer.filter((p) => `${p.config}/${p.task}` === key);
    const variants = [...new Set(ps.map((p) => p.variant))];
    const rows: { variant: string; pairs: [TaskResult, PeerResult][] }[] = variants.map((v) => ({
      variant: v,
      pairs: os.flatMap((o) => ps.filter((p) => p.variant === v && (p.round ?? 0) === o.round).map((p) => [o, p] as [TaskResult, PeerResult])),
    }));
    // The issue's target is against the fastest variant to 1 %, round by round.
    if (variants.length > 1)
      rows.push({
        variant: 'fastest',
        pairs: os.flatMap((o) => {
          const same = ps.filter((p) => (p.round ?? 0) === o.round);
          if (same.length === 0) return [];
          return [[o, same.reduce((a, b) => (b.secondsTo1pct < a.secondsTo1pct ? b : a))] as [TaskResult, PeerResult]];
        }),
      });
    for (const { variant, pairs } of rows) {
      if (pairs.length === 0) continue;
      const [config, task] = key.split('/') as [string, Task];
      const ratios = pairs.map(([o, p]) => o.secondsTo1pct / p.secondsTo1pct);
      out.push({
        config,
        task,
        peerVariant: variant === 'fastest' ? `fastest (${[...new Set(pairs.map(([, p]) => p.variant))].join('/')})` : variant,
        rounds: pairs.length,
        networksPerSecondRatio: median(pairs.map(([o, p]) => o.networksPerSecond / p.networksPerSecond)),
        timeTo1pctRatio: median(ratios),
        perNetworkTimeRatio: median(pairs.map(([o, p]) => p.networksPerSecond / o.networksPerSecond)),
        networksTo1pctRatio: median(pairs.map(([o, p]) => o.networksTo1pct / p.networksTo1pct)),
        pilotFactor: median(pairs.map(([o]) => o.secondsTo1pct / (o.networksTo1pct / o.networksPerSecond))),
        timeTo1pctRatios: ratios,
      });
    }
  }
  return out;
}

function table(head: string[], rows: (string | number)[][], left = 2): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < left ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(cells[0]), w.map((x) => '-'.repeat(x)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const sig = (x: number, digits = 3) => (Number.isFinite(x) ? (Math.abs(x) >= 10 ** digits ? x.toFixed(0) : x.toPrecision(digits)) : String(x));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
function duration(s: number): string {
  if (s < 120) return `${sig(s)} s`;
  if (s < 7200) return `${sig(s / 60)} min`;
  return `${sig(s / 3600)} h`;
}

/** Per timed run: the kernels that took the time (tf.profile rerun) and the CPU profile by area. */
function printProfiles(ours: readonly TaskResult[], dir: string, ceilingGflops: number, p: (s?: string) => void): void {
  for (const r of ours) {
    const k = r.kernelProfile;
    if (!k) continue;
    p(`Profile ${r.config} ${r.task} (${r.networks} networks): wall ${k.wallMs.toFixed(0)} ms, in tfjs kernels ${k.kernelMs.toFixed(0)} ms (${pct(k.kernelMs / k.wallMs)}), the rest JS outside kernels`);
    p(
      table(
        ['kernel', 'calls', 'ms', '% wall'],
        k.byKernel.slice(0, 12).map((x) => [x.name, x.calls, x.ms.toFixed(0), pct(x.ms / k.wallMs)]),
        1,
      ),
    );
    for (const [label, m] of [
      ['unbatched (2-D GEMM)', k.matmul.unbatched],
      ['batched', k.matmul.batched],
    ] as const)
      if (m.calls > 0 && m.ms > 0)
        p(
          `matmul kernels, ${label}: ${m.calls} calls, ${(m.flops / 1e9).toFixed(2)} GFLOP executed in ${m.ms.toFixed(0)} ms = ${(m.flops / m.ms / 1e6).toFixed(1)} GFLOP/s, ${pct(m.flops / m.ms / 1e6 / ceilingGflops)} of the ceiling`,
        );
    p('top kernels by input shapes:');
    for (const x of k.byKernelAndShape.slice(0, 8)) p(`  ${pct(x.ms / k.wallMs).padStart(6)}  ${x.calls} × ${x.name} ${x.shapes}`);
    const cpu = resolve(dir, `${r.config}-${r.task}.cpuprofile`);
    p(summarise(cpu, 8).split('\n').slice(1).join('\n'));
    p();
  }
}

// ---------------------------------------------------------------------------------------------

const wholeAtLeast = (min: number) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
  return n;
};

function parseList<T extends string>(all: readonly T[], what: string) {
  return (v: string): T[] => {
    const items = v.split(',').map((s) => s.trim()) as T[];
    for (const i of items) if (!all.includes(i)) throw new InvalidArgumentError(`unknown ${what} ${JSON.stringify(i)}; expected ${all.join(', ')}`);
    return items;
  };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .description('Throughput and time to 1 % of the sampler on R1–R4, with the WASM ceiling and the PyTorch peer')
    .option('--networks <n>', `networks per run (the reference is ${REFERENCE_NETWORKS}; standard errors need 2)`, wholeAtLeast(2), REFERENCE_NETWORKS)
    .option('--configs <list>', 'configurations, e.g. R1,R3', parseList(configs.map((c) => c.name), 'config'), configs.map((c) => c.name))
    .option('--tasks <list>', 'nngp,ntk', parseList(tasks, 'task'), [...tasks])
    .option('--chunk <n>', 'networks per tensor batch for our sampler (default: its own choice)', wholeAtLeast(1))
    .option('--workers <k>', 'worker threads for our sampler (estimate --workers k; started during the warm-up); compare with --peer-threads k', wholeAtLeast(1), 1)
    .option('--backend <name>', 'tfjs backend', 'wasm')
    .option('--no-peer', 'skip the PyTorch peer')
    .option('--python <path>', 'the Python that has torch', '/usr/bin/python3')
    .option('--peer-threads <k>', "torch threads (default: torch's own)", wholeAtLeast(1))
    .option('--jacrev-networks <n>', "cap on the peer's vmap(jacrev) run, the slow one", wholeAtLeast(2))
    .option('--rounds <r>', 'timed rounds per configuration and task, ours and the peer alternating (ratios are medians over rounds)', wholeAtLeast(1), 3)
    .option('--pilot <n>', "control variates' pilot networks for our sampler (0: none; estimate's controlVariates)", wholeAtLeast(0), DEFAULT_PILOT)
    .option('--out <file>', 'JSON results', join(here, 'results', 'latest.json'))
    .option('--profile <dir>', 'also write a CPU profile of each timed run to <dir> and time every tfjs kernel (a rerun)')
    .option('--check-peer', 'only check the peer against our estimator on tiny networks (bench/peers/check.ts)');
  program.parse(argv);
  const o = program.opts<{
    networks: number;
    configs: string[];
    tasks: Task[];
    chunk?: number;
    workers: number;
    backend: BackendChoice;
    peer: boolean;
    python: string;
    peerThreads?: number;
    jacrevNetworks?: number;
    rounds: number;
    pilot: number;
    out: string;
    checkPeer?: boolean;
    profile?: string;
  }>();
  if (o.checkPeer) {
    const { checkPeer } = await import('./peers/check.ts');
    process.exitCode = (await checkPeer({ python: o.python })) ? 0 : 1;
    return;
  }

  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  if (o.profile) mkdirSync(o.profile, { recursive: true });
  log(`WASM matmul ceiling (${o.backend})…`);
  const first = await matmulCeiling(o.backend);
  let ceiling = first;
  log(`ceiling ${ceiling.gflops.toFixed(1)} GFLOP/s (${ceiling.shape}, best of ${ceiling.reps} per shape)`);
  const probes = await matmulProbes(ceiling);

  // Rounds alternate ours and the peer on the same configuration and task, so that both see the
  // same load on this shared machine; the ratios are medians over rounds.
  const rounds = o.profile ? 1 : o.rounds;
  let peerWhy: string | null = o.peer ? peerUnavailable(o.python) : 'skipped (--no-peer)';
  let peer: PeerServer | null = null;
  let peerHeader: PeerHeader | null = null;
  if (peerWhy === null) {
    const extra = [...(o.peerThreads ? ['--threads', String(o.peerThreads)] : []), ...(o.jacrevNetworks ? ['--jacrev-networks', String(o.jacrevNetworks)] : [])];
    try {
      peer = new PeerServer(o.python, peerJob(o.configs, o.tasks, o.networks), extra);
      peerHeader = await peer.header();
    } catch (e) {
      peerWhy = `failed: ${(e as Error).message}`;
      peer = null;
    }
  }
  const ours: TaskResult[] = [];
  const peerResults: PeerResult[] = [];
  const loads: { config: string; task: Task; round: number; load1: number }[] = [];
  for (const name of o.configs)
    for (const task of o.tasks) {
      log(`ours ${name} ${task}: warm-up${o.pilot ? `, control-variate pilot of ${o.pilot} networks` : ''}…`);
      const prof = o.profile ? { cpuProfile: resolve(o.profile, `${name}-${task}.cpuprofile`), kernelProfile: true } : {};
      const server = await OursServer.start({
        config: name,
        task,
        networks: o.networks,
        backend: o.backend,
        workers: o.workers,
        pilot: o.pilot,
        ...(o.chunk ? { chunk: o.chunk } : {}),
        ...prof,
      });
      try {
        for (let r = 0; r < rounds; r++) {
          const load1 = loadavg()[0];
          loads.push({ config: name, task, round: r, load1 });
          const mine = await server.round(r);
          ours.push(mine);
          let theirs = '';
          if (peer) {
            try {
              // vmap(jacrev) is the slow variant: one round of it is enough to place it.
              const res = await peer.round(name, task, r, r === 0);
              peerResults.push(...res);
              theirs = `; peer ${res.map((x) => `${x.variant} ${sig(x.networksPerSecond)}/s`).join(', ')}`;
            } catch (e) {
              peerWhy = `failed: ${(e as Error).message}`;
              peer = null;
            }
          }
          log(`  round ${r + 1}/${rounds} (load ${load1.toFixed(1)}): ours ${sig(mine.networksPerSecond)} networks/s, time to 1 % ${duration(mine.secondsTo1pct)}${theirs}`);
        }
      } finally {
        server.close();
      }
    }
  peer?.close();

  // Load from other processes can only slow the ceiling down: measure it again after our runs and
  // keep the better of the two, so that a busy moment at the start does not flatter every fraction.
  const again = await matmulCeiling(o.backend);
  log(`ceiling again ${again.gflops.toFixed(1)} GFLOP/s`);
  if (again.gflops > ceiling.gflops) ceiling = again;
  const ceilingRuns = [first.gflops, again.gflops];
  for (const x of probes) (x as { fractionOfCeiling: number }).fractionOfCeiling = x.gflops / ceiling.gflops;
  const comparisons = peerResults.length ? compare(ours, peerResults) : [];

  const flopsOf = (config: string, task: Task) => taskFlops(taskSpec(configByName(config), task), task, { M, T, d: D });
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, tfjs: tf.version.tfjs },
    options: {
      networks: o.networks,
      configs: o.configs,
      tasks: o.tasks,
      seed: SEED,
      M,
      T,
      d: D,
      backend: o.backend,
      workers: o.workers,
      peerThreads: o.peerThreads ?? null,
      rounds,
      pilot: o.pilot,
    },
    load: { atStart: loadavg(), perRound: loads },
    ceiling: { ...ceiling, runs: ceilingRuns },
    matmulProbes: probes,
    ours: ours.map((r) => ({
      ...r,
      fractionOfCeiling: r.gflops / ceiling.gflops,
      secondsFor1024: REFERENCE_NETWORKS / r.networksPerSecond,
      secondsFor1024Measured: r.networks === REFERENCE_NETWORKS,
    })),
    peer: peerHeader
      ? {
          ...peerHeader,
          peakRssBytes: peer?.peakRssBytes ?? null,
          ...(peerWhy ? { failed: peerWhy } : {}),
          results: peerResults.map((x) => {
            const gflops = (flopsOf(x.config, x.task) * x.networksPerSecond) / 1e9;
            return { ...x, gflops, fractionOfWasmCeiling: gflops / ceiling.gflops, fractionOfTorchCeiling: gflops / peerHeader!.matmulCeilingGflops };
          }),
        }
      : { unavailable: peerWhy },
    comparisons,
  };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');

  const p = (s = '') => process.stdout.write(s + '\n');
  p();
  p(
    `WASM matmul ceiling: ${ceiling.gflops.toFixed(1)} GFLOP/s (${ceiling.shape}; best of ${ceiling.reps} per shape, at the start and at the end: ${ceilingRuns.map((g) => g.toFixed(1)).join(', ')}); ${report.machine.cpus} × ${report.machine.cpuModel}`,
  );
  p(`  candidates at the start: ${Object.entries(first.candidates).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  p('Matmul probes (GFLOP/s, fraction of the ceiling):');
  p(`  ${probes.map((x) => `${x.name}: ${sig(x.gflops)} (${pct(x.fractionOfCeiling)})`).join('\n  ')}`);
  const l1 = loads.map((x) => x.load1);
  p(
    `M = ${M} inputs, T = ${T}, d = ${D}, seed ${SEED} + round, ${o.networks} networks per round, ${rounds} round(s); backend ${ours[0]?.backend ?? o.backend}; ours on ${o.workers === 1 ? 'one thread' : `${o.workers} worker threads`}; control variates ${o.pilot ? `with a ${o.pilot}-network pilot` : 'off'}`,
  );
  p(`Load average (1 min) at the rounds' starts: median ${median(l1).toFixed(1)}, range ${Math.min(...l1).toFixed(1)}–${Math.max(...l1).toFixed(1)} on ${report.machine.cpus} CPUs`);
  p();
  // Per configuration and task: the median over rounds of each figure.
  const groups = <R extends TaskResult>(xs: readonly R[]) => [...new Set(xs.map((r) => `${r.config}/${r.task}`))].map((k) => xs.filter((r) => `${r.config}/${r.task}` === k));
  const med = <R extends TaskResult>(rs: readonly R[], f: (r: R) => number) => median(rs.map(f));
  p('Ours (medians over rounds; "plain" is the estimator without control variates on the same networks)');
  p(
    table(
      ['config', 'task', 'networks/s', `s/${REFERENCE_NETWORKS}`, 'GFLOP/s', '% ceiling', 'normals/net', 'peak RSS MB', 'tensors', 'rel.sd/net plain→cv', 'nets to 1% plain→cv', 'pilot', 'time to 1%', 'load'],
      groups(report.ours).map((rs) => {
        const r = rs[0];
        const nps = med(rs, (x) => x.networksPerSecond);
        const plain = r.plain ? `${sig(med(rs, (x) => x.plain!.perNetworkRelStd))}→` : '';
        const plainN = r.plain ? `${Math.round(med(rs, (x) => x.plain!.networksTo1pct))}→` : '';
        return [
          r.config,
          r.task,
          sig(nps),
          (r.secondsFor1024Measured ? '' : '~') + sig(REFERENCE_NETWORKS / nps),
          sig(med(rs, (x) => x.gflops)),
          pct(med(rs, (x) => x.fractionOfCeiling)),
          r.normalsPerNetwork ?? '—',
          mb(Math.max(...rs.map((x) => x.peakRssBytes))),
          `${r.numTensorsBefore}→${rs[rs.length - 1].numTensorsAfter}`,
          plain + sig(med(rs, (x) => x.perNetworkRelStd)),
          plainN + Math.round(med(rs, (x) => x.networksTo1pct)),
          r.pilot ? `${r.pilot.networks} in ${sig(r.pilot.seconds)} s, ${r.pilot.sites.length} sites` : '—',
          duration(med(rs, (x) => x.secondsTo1pct)),
          median(loads.filter((x) => x.config === r.config && x.task === r.task).map((x) => x.load1)).toFixed(1),
        ];
      }),
    ),
  );
  if (o.networks !== REFERENCE_NETWORKS) p(`(~: extrapolated from ${o.networks} networks)`);
  p();
  if (o.profile) printProfiles(ours, o.profile, ceiling.gflops, p);
  if (!peerHeader || peerResults.length === 0) {
    p(`PyTorch peer: UNAVAILABLE, ${peerWhy}. No ratios to the peer in this run.`);
    return;
  }
  const pr = report.peer as { results: (PeerResult & { gflops: number; fractionOfWasmCeiling: number; fractionOfTorchCeiling: number })[] };
  p(
    `PyTorch peer: torch ${peerHeader.torch}, ${peerHeader.threads} thread(s), BLAS ${peerHeader.blas ?? 'unknown'}, torch matmul ceiling ${peerHeader.matmulCeilingGflops.toFixed(1)} GFLOP/s, peak RSS ${mb(peer?.peakRssBytes ?? 0)} MB${peerWhy ? `; ${peerWhy}` : ''}`,
  );
  const peerGroups = [...new Set(pr.results.map((r) => `${r.config}/${r.task}/${r.variant}`))].map((k) => pr.results.filter((r) => `${r.config}/${r.task}/${r.variant}` === k));
  p(
    table(
      ['config', 'task', 'variant', 'rounds', 'networks', 'networks/s', 'GFLOP/s', '% WASM ceil.', '% torch ceil.', 'drawing', 'rel.sd/net', 'nets to 1%', 'time to 1%'],
      peerGroups.map((rs) => {
        const r = rs[0];
        const m = (f: (x: (typeof rs)[number]) => number) => median(rs.map(f));
        return [
          r.config,
          r.task,
          r.variant,
          rs.length,
          r.networks,
          sig(m((x) => x.networksPerSecond)),
          sig(m((x) => x.gflops)),
          pct(m((x) => x.fractionOfWasmCeiling)),
          pct(m((x) => x.fractionOfTorchCeiling)),
          pct(m((x) => x.drawFraction)),
          sig(m((x) => x.perNetworkRelStd)),
          Math.round(m((x) => x.networksTo1pct)),
          duration(m((x) => x.secondsTo1pct)),
        ];
      }),
      3,
    ),
  );
  p();
  p('Ours ÷ peer, medians over rounds (networks/s: above 1 we are faster; time to 1 %: below 1 we are faster).');
  p('time to 1 % = (s per network) × (networks to 1 %) × (pilot factor): the last three columns are those factors.');
  p(
    table(
      ['config', 'task', 'peer variant', 'rounds', 'networks/s ratio', 'time-to-1% ratio', 'per-round', 's/net ratio', 'nets ratio', 'pilot factor'],
      comparisons.map((c) => [
        c.config,
        c.task,
        c.peerVariant,
        c.rounds,
        sig(c.networksPerSecondRatio),
        sig(c.timeTo1pctRatio),
        c.timeTo1pctRatios.map((x) => sig(x, 2)).join(' '),
        sig(c.perNetworkTimeRatio),
        sig(c.networksTo1pctRatio),
        sig(c.pilotFactor),
      ]),
      3,
    ),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(process.argv);
}

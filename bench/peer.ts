/**
 * Running the PyTorch peer (bench/peers/torch_peer.py) from Node: whether it can run here, the job
 * it reads (the very specs and inputs our sampler runs), and its two modes, `bench` and `verify`.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { lineReader } from './lines.ts';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configByName, inputsJson, SEED, taskSpec, type Task } from './configs.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface PeerResult {
  readonly config: string;
  readonly task: Task;
  readonly variant: 'plain' | 'gram' | 'jacrev';
  readonly networks: number;
  readonly seconds: number;
  readonly networksPerSecond: number;
  readonly chunk: number;
  readonly precision: number;
  readonly perNetworkRelStd: number;
  readonly networksTo1pct: number;
  readonly secondsTo1pct: number;
  readonly meanDiagonal: number;
  /** Share of the wall time spent drawing weights (torch.randn). */
  readonly drawFraction: number;
  /** The round (networks of seed + round) in serve mode. */
  readonly round?: number;
  readonly mean?: number[];
  readonly se?: number[];
}

export interface PeerOutput {
  readonly peer: 'torch';
  readonly torch: string;
  readonly threads: number;
  readonly matmulCeilingGflops: number;
  /** The BLAS library torch loaded (the reference libblas makes it 5–30× slower than OpenBLAS). */
  readonly blas?: string;
  readonly peakRssBytes: number;
  readonly results: PeerResult[];
}

export const PEER_SCRIPT = join(here, 'peers', 'torch_peer.py');

/** Why the peer cannot run here, or null when it can. */
export function peerUnavailable(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torch, functorch'], { encoding: 'utf8' });
  if (r.error) return `${python} not found (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`;
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
    return `${python} cannot import torch and functorch (${why}); install Debian's python3-torch (apt-get install -y python3-torch)`;
  }
  return null;
}

/** The JSON the peer reads: the very specs and inputs our sampler runs. */
export function peerJob(names: readonly string[], taskList: readonly Task[], networks: number) {
  return {
    seed: SEED,
    networks,
    configs: names.map((name) => {
      const c = configByName(name);
      return {
        name,
        tasks: taskList,
        specs: Object.fromEntries(taskList.map((t) => [t, taskSpec(c, t)])),
        inputs: inputsJson(c.masked),
      };
    }),
  };
}

/** Runs the peer in `mode` on a job written to a temporary file; resolves its JSON. */
export function runPeerMode<R>(python: string, mode: 'bench' | 'verify', job: object, extra: string[] = []): Promise<R> {
  const dir = mkdtempSync(join(tmpdir(), 'ia-bench-'));
  const file = join(dir, 'job.json');
  writeFileSync(file, JSON.stringify(job));
  const child = spawn(python, [PEER_SCRIPT, mode, '--input', file, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`the torch peer (${mode}) exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as R);
    });
  });
}


/** The peer's header in serve mode: what `PeerOutput` has besides results. */
export type PeerHeader = Omit<PeerOutput, 'results' | 'peakRssBytes'>;

/**
 * The peer as a server (torch_peer.py serve): one process, started once, answering one round of
 * one (config, task) per request, so that bench/run.ts can alternate its rounds with ours.
 */
export class PeerServer {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly dir: string;
  private readonly next: () => Promise<string>;
  private exitCode: number | null = null;
  peakRssBytes = 0;

  constructor(python: string, job: object, extra: string[] = []) {
    this.dir = mkdtempSync(join(tmpdir(), 'ia-bench-'));
    const file = join(this.dir, 'job.json');
    writeFileSync(file, JSON.stringify(job));
    this.child = spawn(python, [PEER_SCRIPT, 'serve', '--input', file, ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.on('exit', (code) => (this.exitCode = code));
    this.next = lineReader(this.child.stdout, () => new Error(`the torch peer (serve) exited${this.exitCode === null ? '' : ` with ${this.exitCode}`}`));
  }

  /** Torch's version, threads and matmul ceiling (the first line the server writes). */
  async header(): Promise<PeerHeader> {
    return JSON.parse(await this.next()) as PeerHeader;
  }

  async round(config: string, task: Task, round: number, jacrev: boolean): Promise<PeerResult[]> {
    this.child.stdin.write(JSON.stringify({ config, task, round, jacrev }) + '\n');
    const r = JSON.parse(await this.next()) as { results: PeerResult[]; peakRssBytes: number };
    this.peakRssBytes = Math.max(this.peakRssBytes, r.peakRssBytes);
    return r.results;
  }

  close(): void {
    this.child.stdin.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

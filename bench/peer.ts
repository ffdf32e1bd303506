/**
 * Running the PyTorch peer (bench/peers/torch_peer.py) from Node: whether it can run here, the job
 * it reads (the very specs and inputs our sampler runs), and its two modes, `bench` and `verify`.
 */
import { spawn, spawnSync } from 'node:child_process';
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
  readonly mean?: number[];
  readonly se?: number[];
}

export interface PeerOutput {
  readonly peer: 'torch';
  readonly torch: string;
  readonly threads: number;
  readonly matmulCeilingGflops: number;
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

export const runPeer = (python: string, job: object, extra: string[]) => runPeerMode<PeerOutput>(python, 'bench', job, extra);

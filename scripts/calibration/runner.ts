/**
 * Resumable, parallel execution of calibration jobs. Every finished job is one JSON line appended to
 * a results file as soon as it arrives, so an interrupted run loses at most the jobs in flight; a
 * rerun with the same file skips the jobs already there. Jobs spread over `workers` child processes
 * (one single-threaded tfjs WASM backend each); each asks for the next pending job when it is free.
 * A fixed share (every `workers`-th job) put a family's architectures, which cycle with the seed,
 * on fixed workers: attention-linear's identity and abs cases (abs about 60 s a run) all on one of
 * two, whose last 100 runs then ran on one core while the other sat idle.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface JobLike {
  /** Unique key of the job in the results file. */
  readonly id: string;
}

/** The lines of a results file (JSON objects with an `id`), the last one winning per id. */
export function readResults<R extends JobLike>(file: string): Map<string, R> {
  const out = new Map<string, R>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const r = JSON.parse(line) as R;
      out.set(r.id, r);
    } catch {
      // A line cut short by an interrupted write: that job reruns.
    }
  }
  return out;
}

export interface RunJobsOptions<J extends JobLike> {
  readonly jobs: readonly J[];
  readonly workers: number;
  /** The results file (JSON lines); created if absent. */
  readonly file: string;
  /** The script a worker runs, and the arguments that make it a worker for `--jobs-file F --worker i/n`. */
  readonly script: string;
  readonly workerArgs: readonly string[];
  readonly cwd: string;
  readonly log?: (message: string) => void;
}

/** Runs the jobs not yet in the file; returns every result in the file for the given jobs. */
export async function runJobs<J extends JobLike, R extends JobLike>(o: RunJobsOptions<J>): Promise<R[]> {
  mkdirSync(dirname(resolve(o.file)), { recursive: true });
  const done = readResults<R>(o.file);
  const pending = o.jobs.filter((j) => !done.has(j.id));
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  log(`${o.jobs.length - pending.length}/${o.jobs.length} jobs already in ${o.file}; running ${pending.length} on ${o.workers} worker(s)`);
  if (pending.length) {
    const jobsFile = `${resolve(o.file)}.pending.json`;
    writeFileSync(jobsFile, JSON.stringify(pending));
    const start = performance.now();
    let finished = 0;
    let next = 0;
    const workers = Math.max(1, Math.min(o.workers, pending.length));
    await Promise.all(
      Array.from({ length: workers }, (_, i) => {
        // The IPC channel is only a lifeline: it closes when this process ends, however it ends,
        // and the worker then stops (workerLoop) instead of running on unattended.
        const child = spawn(process.execPath, ['--import', 'tsx', o.script, ...o.workerArgs, '--jobs-file', jobsFile, '--worker', `${i}/${workers}`], {
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
          cwd: o.cwd,
        });
        // A worker asks for the next job each time it is free; −1 when none is left.
        child.on('message', (m) => {
          if (m === 'next' && child.connected) child.send(next < pending.length ? next++ : -1);
        });
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (!line.startsWith('{')) return;
          appendFileSync(o.file, `${line}\n`);
          const r = JSON.parse(line) as R;
          done.set(r.id, r);
          finished++;
          if (finished % 10 === 0 || finished === pending.length)
            log(`${finished}/${pending.length} jobs, ${((performance.now() - start) / 1000).toFixed(0)} s`);
        });
        return new Promise<void>((res, rej) => child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`worker ${i} exited with ${code}`)))));
      }),
    );
  }
  return o.jobs.map((j) => done.get(j.id)).filter((r): r is R => r !== undefined);
}

/** In a worker: the jobs of this worker (`--jobs-file F --worker i/n`), each run and printed as a JSON line. */
export async function workerLoop<J extends JobLike>(jobsFile: string, worker: string, run: (job: J) => Promise<JobLike>): Promise<void> {
  // Started by runJobs with an IPC channel: when the parent is gone (killed, interrupted), so is the job.
  const orphaned = () => process.exit(130);
  if (process.send) process.on('disconnect', orphaned);
  const [i, n] = worker.split('/').map(Number);
  const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as J[];
  // From runJobs: the parent hands out the jobs one at a time. Started by hand (no channel): every n-th job from the i-th.
  const send = process.send?.bind(process);
  let own = i;
  const take = send
    ? () =>
        new Promise<number>((res) => {
          process.once('message', (m) => res(Number(m)));
          send('next');
        })
    : async () => (own < jobs.length ? (own += n) - n : -1);
  for (let k = await take(); k >= 0; k = await take()) {
    process.stdout.write(`${JSON.stringify(await run(jobs[k]))}\n`);
    // A synchronous job never lets the event loop see the channel close: look between jobs.
    await new Promise((r) => setImmediate(r));
  }
  // An open IPC channel keeps a process alive: let go of it once the jobs are done.
  process.off('disconnect', orphaned);
  process.disconnect?.();
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJobs } from './runner.ts';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A worker whose job `wait` finishes only once every other job's result is in the results file:
// it can end only if the other jobs run on another worker while it waits.
const worker = join(dir, 'worker.mts');
writeFileSync(
  worker,
  `import { readFileSync } from 'node:fs';
import { workerLoop } from ${JSON.stringify(resolve(import.meta.dirname, 'runner.ts'))};
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
await workerLoop<{ id: string; results?: string; others?: string[] }>(arg('--jobs-file'), arg('--worker'), async (job) => {
  const start = Date.now();
  while (job.others && !job.others.every((o) => readFileSync(job.results!, 'utf8').includes(\`"\${o}"\`))) {
    if (Date.now() - start > 20_000) throw new Error('the other jobs did not run while this one waited');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { id: job.id, pid: process.pid };
});
`,
);

const others = ['a1', 'a2', 'a3', 'a4', 'a5'];

describe('runJobs', () => {
  it('hands each job to whichever worker is free, so one long job does not hold back the jobs that a fixed share would give its worker', async () => {
    const results = join(dir, 'results.jsonl');
    writeFileSync(results, '');
    const jobs = [{ id: 'wait', results, others }, ...others.map((id) => ({ id }))];
    const out = await runJobs<{ id: string }, { id: string; pid: number }>({ jobs, workers: 2, file: results, script: worker, workerArgs: [], cwd: root, log: () => {} });
    expect(out.map((r) => r.id)).toEqual(['wait', ...others]);
    expect(readFileSync(results, 'utf8').trim().split('\n')).toHaveLength(jobs.length);
    // Every other job ran on the worker that did not take `wait` (a fixed share would have given
    // the `wait` worker a2 and a4, and it would never have finished).
    const waiter = out[0].pid;
    for (const r of out.slice(1)) expect(r.pid).not.toBe(waiter);
  }, 60_000);

  it('skips the jobs already in the results file', async () => {
    const results = join(dir, 'resume.jsonl');
    writeFileSync(results, `${JSON.stringify({ id: 'a1', pid: -1 })}\n`);
    const out = await runJobs<{ id: string }, { id: string; pid: number }>({ jobs: others.map((id) => ({ id })), workers: 2, file: results, script: worker, workerArgs: [], cwd: root, log: () => {} });
    expect(out.map((r) => r.id)).toEqual(others);
    expect(out[0].pid).toBe(-1);
    expect(out.slice(1).every((r) => r.pid > 0)).toBe(true);
  }, 60_000);
});

describe('workerLoop started by hand (no parent channel)', () => {
  it('runs every n-th job from the i-th', () => {
    const jobsFile = join(dir, 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify(others.map((id) => ({ id }))));
    const r = spawnSync(process.execPath, ['--import', 'tsx', worker, '--jobs-file', jobsFile, '--worker', '1/2'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(['a2', 'a4']);
  }, 60_000);
});

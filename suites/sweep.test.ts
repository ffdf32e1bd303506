/**
 * Sweeps and reports, end to end and cheaply: a small sweep written as a report directory (the
 * four files, a self-contained HTML page with inline SVG plots, a results file of the current
 * schema, JUnit that matches the checks), and the CLI stopped by Ctrl-C (SIGINT) mid-run: it exits
 * 130 and leaves a partial report saying what was done.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInputs } from '../src/io.ts';
import type { NetworkSpec } from '../src/spec/types.ts';
import { runSweep } from '../src/pipeline/sweep.ts';
import { sweepClaims } from '../src/reports/claims.ts';
import { makeResults } from '../src/reports/results.ts';
import { readResults, writeReport } from '../src/reports/write.ts';
import { RESULTS_VERSION } from '../src/results/schema.ts';

const root = resolve(import.meta.dirname, '..');
const inputs = readInputs(join(root, 'reports/paper/inputs.json'));
const spec: NetworkSpec = {
  layers: [
    { type: 'attention', heads: 1, keyWidth: 4, valueWidth: 4, outWidth: 4, scaling: 'linear', mechanism: 'softmax', wQStd: 1, wKStd: 1, wVStd: 1, wOStd: 1, bStd: 0, posEmb: null },
    { type: 'dense', width: 1, wStd: 1, bStd: 0 },
  ],
};

describe('sweep reports', () => {
  it('writes report.md, a self-contained report.html, results.json and junit.xml', async () => {
    const run = await runSweep({ spec, inputs, heads: [1, 2], widths: [1, 2], scalings: ['linear', 'sqrt'], networks: 16, shards: 2, seed: 3, precision: 0.05 });
    expect(run.complete).toBe(true);
    // Two scalings × (heads 1, 2 at ×2; widths 1, 2 at H=1, sharing H=1 ×2).
    expect(run.section.points.map((p) => `${p.scaling} ${p.heads} ${p.width}`)).toEqual(['linear 1 1', 'linear 1 2', 'linear 2 2', 'sqrt 1 1', 'sqrt 1 2', 'sqrt 2 2']);
    const checks = sweepClaims(run.section);
    const results = makeResults({ kind: 'sweep', title: 'test', command: 'infinite-attention sweep …', backend: run.backend, complete: true, seconds: 1, checks, sweep: run.section });
    const dir = mkdtempSync(join(tmpdir(), 'ia-report-'));
    await writeReport(dir, results);

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|src="http/i);
    for (const plot of ['error-vs-heads', 'error-vs-width', 'kurtosis-vs-heads', 'ntk-variance-vs-heads', 'output-histograms', 'output-qq', 'heatmap-sqrt-ntk'])
      expect(html, plot).toMatch(new RegExp(`<figure id="plot-${plot}"><svg`));
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('![Single-network kernel error against heads (width ×2)](plots/error-vs-heads.svg)');
    expect(existsSync(join(dir, 'plots/error-vs-heads.svg'))).toBe(true);

    const back = readResults(join(dir, 'results.json'));
    expect(back.version).toBe(RESULTS_VERSION);
    expect(back.sweep!.points[0].outputs.samples).toHaveLength(16);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain(`tests="${checks.length}" failures="${checks.filter((c) => c.status === 'failed').length}"`);
  });
});

describe('sweep on the command line', () => {
  it('stops cleanly on Ctrl-C, exits 130 and leaves a partial report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ia-sigint-'));
    const child = spawn(
      process.execPath,
      ['bin/infinite-attention.js', 'sweep', '--spec', 'reports/paper/spec.json', '--inputs', 'reports/paper/inputs.json', '--heads', '1,2,4,8', '--widths', '1,2,4', '--scalings', 'linear', '--networks', '2048', '--shards', '16', '--out', dir],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Interrupt at the first progress line (stderr is not a TTY: plain lines, the first at once). The
    // sweep is sized to run for minutes, so the signal always arrives mid-run, however fast the machine.
    const interrupted = new Promise<void>((res) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/point 1\//.test(stderr) && !child.killed) {
          child.kill('SIGINT');
          res();
        }
      }),
    );
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    await interrupted;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupt: finishing the current shard');
    expect(stdout).toMatch(/interrupted after \d+ of \d+ grid points/);
    const r = readResults(join(dir, 'results.json'));
    expect(r.complete).toBe(false);
    expect(r.sweep!.pending.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('Interrupted:');
  });
});

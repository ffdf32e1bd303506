import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';

const dir = mkdtempSync(join(tmpdir(), 'train-cli-'));
const put = (name: string, value: unknown) => {
  writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return join(dir, name);
};
const spec = put('spec.json', { layers: [{ type: 'dense', width: 8, bStd: 0.2 }, { type: 'relu' }, { type: 'globalAvgPool' }, { type: 'dense', width: 1, bStd: 0.1 }] });
const inputs = put('x.json', { inputs: [[[1, 0]], [[0, 1]], [[1, 1]]] });
const targets = put('y.json', [0.5, -0.5, 0.2]);
const test = put('t.json', { inputs: [[[0.5, -1]], [[-1, 0.3]]], targets: [0.1, -0.3] });

/** Runs the CLI in this process; returns the exit status and what it printed. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await main(['node', 'infinite-attention', ...args]);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
    process.exitCode = 0;
  }
}

const base = ['train', '--spec', spec, '--inputs', inputs, '--targets', targets, '--test', test, '--quiet'];

afterEach(() => {
  process.exitCode = 0;
});

describe('infinite-attention train: bad input exits 2 with a message that says what and where', () => {
  it.each([
    ['targets whose count does not match the inputs', [put('y2.json', [1, 2])], /targets: 2 targets for 3 inputs/],
    ['non-finite targets', [put('ynan.json', '[1, "NaN", 2]')], /targets\[1\]: must be a finite number/],
  ])('%s', async (_name, [file], message) => {
    const r = await run('train', '--spec', spec, '--inputs', inputs, '--targets', file, '--test', test, '--lr', '0.1', '--networks', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it.each([
    ['η ≤ 0', ['--lr', '0'], /lr: the learning rate η must be > 0/],
    ['η not a number', ['--lr', 'fast'], /got "fast"/],
    ['steps not increasing', ['--lr', '0.1', '--steps', '0,10,10'], /steps\[2\]: steps must increase \(10 then 10\)/],
    ['η at the stability limit', ['--lr', '50'], /at or above the stability limit 2\/λ_max\(Θ\) = [\d.]+/],
    ['too few widths', ['--lr', '0.1', '--widths', '1,2', '--networks', '4'], /--widths: .*at least three width factors/],
    ['gradient flow with networks', ['--lr', '0.1', '--time', 'flow', '--networks', '4'], /--time: gradient flow is a prediction only/],
  ])('%s', async (_name, extra, message) => {
    const r = await run(...base, ...(extra as string[]), ...((extra as string[]).includes('--networks') ? [] : ['--networks', '0']));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('infinite-attention train', () => {
  it('--networks 0 prints the prediction alone, with the stability limit and the condition number', async () => {
    const r = await run(...base, '--lr', '0.2', '--steps', '0,5,inf', '--networks', '0');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stability limit 2\/λ_max = [\d.]+ \(η is [\d.]+ of it\)/);
    expect(r.out).toMatch(/condition number/);
    expect(r.out).toMatch(/t=∞\s+train 0\s+0\.500\s+0\.500 ± 0\.000/);
  });

  it('trains, decides, and writes the four report files', async () => {
    const report = join(dir, 'report');
    const r = await run(...base, '--readout-only', '--lr', '0.3', '--steps', '0,3,inf', '--networks', '16', '--widths', '2,4,8', '--json', '--report', report);
    const results = JSON.parse(r.out);
    expect(results.kind).toBe('train');
    expect(results.train.configs).toHaveLength(1);
    expect(results.train.configs[0].verdicts.map((v: { step: unknown }) => v.step)).toEqual([0, 3, 'inf']);
    expect(results.train.configs[0].ensembles.map((e: { networks: number }) => e.networks)).toEqual([16, 16, 16]);
    expect(readdirSync(report).sort()).toEqual(['junit.xml', 'plots', 'report.html', 'report.md', 'results.json']);
    expect(readdirSync(join(report, 'plots')).some((f) => f.startsWith('trajectory-'))).toBe(true);
    expect(readFileSync(join(report, 'junit.xml'), 'utf8')).toMatch(/f_t at t=∞/);
    expect(r.code).toBe(results.checks.some((c: { status: string }) => c.status === 'failed') ? 1 : 0);
  });
});

describe('infinite-attention task sequence', () => {
  it('writes training inputs, targets and a test file with its targets', async () => {
    const out = join(dir, 'task');
    const r = await run('task', 'sequence', '--seed', '3', '--train', '5', '--test', '2', '--max-length', '4', '--channels', '2', '--out', out);
    expect(r.code).toBe(0);
    const t = JSON.parse(readFileSync(join(out, 'test.json'), 'utf8'));
    expect(t.targets).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, 'targets.json'), 'utf8')).targets).toHaveLength(5);
    expect((await run('task', 'tokens', '--out', out)).code).toBe(2);
  });
});

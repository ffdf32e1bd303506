/**
 * Variance reduction of the sampled sqrt softmax kernel, measured on the suites' cases (issue 17):
 * the same number of logit draws (or quasi-random points) by each sampling method against plain
 * independent draws, the ratio of the
 * per-entry variances (median over entries, and at the entry with the largest SE, which sets the
 * precision), and the ratio of CPU times. Their product is the factor on the time needed for a
 * given precision. A measurement for the record, not a test.
 *
 *   npx tsx scripts/softmax-variance.ts [--draws 256] [--replicas 64] [suite.json …]
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSuite } from '../src/validation/suite.ts';
import { computeKernel, type KernelOptions, type KernelResult } from '../src/pipeline/kernel.ts';
import type { LayerSpec } from '../src/spec/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { draws: { type: 'string', default: '256' }, replicas: { type: 'string', default: '64' }, json: { type: 'boolean', default: false } },
});
const files = positionals.length
  ? positionals
  : ['attention.json', 'attention-full.json', 'attention-encoder.json', 'attention-encoder-full.json'].map((f) => resolve(root, 'fixtures/suites', f));
const draws = Number(values.draws);
const R = Number(values.replicas);

function hasSqrtSoftmax(layers: readonly LayerSpec[]): boolean {
  return layers.some((l) => (l.type === 'attention' && l.scaling === 'sqrt' && l.mechanism === 'softmax') || (l.type === 'residual' && hasSqrtSoftmax(l.block)));
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Per-entry SE² ratio b/a over entries with a non-zero SE in a, and the ratio at a's largest SE. */
function ratios(a: Float64Array, b: Float64Array): { median: number; atWorst: number; worst: number } {
  const r: number[] = [];
  let worstI = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > 0) r.push((b[i] / a[i]) ** 2);
    if (a[i] > a[worstI]) worstI = i;
  }
  return { median: median(r), atWorst: (b[worstI] / a[worstI]) ** 2, worst: (Math.max(...b) / Math.max(...a)) ** 2 };
}

const rows: unknown[] = [];
if (!values.json) console.log(`${draws} draws per replica, ${R} replicas; ratios are (with reduction)/(plain) at equal draws`);
for (const file of files) {
  for (const c of loadSuite(file)) {
    if (!hasSqrtSoftmax(c.spec.layers)) continue;
    // CPU seconds of this process: on a shared machine less noisy than the wall time.
    const run = (o: KernelOptions): KernelResult & { cpu: number } => {
      const cpu0 = process.cpuUsage();
      const k = computeKernel(c.spec, c.inputs, { samples: draws, replicas: R, maxSamples: draws * R, timeBudget: Infinity, ...o });
      const cpu = process.cpuUsage(cpu0);
      return { ...k, cpu: (cpu.user + cpu.system) / 1e6 };
    };
    // Warm-up: the first run of each method in a process includes compiling it.
    if (rows.length === 0) for (const sampling of ['plain', 'antithetic', 'rows'] as const) computeKernel(c.spec, c.inputs, { samples: 8, replicas: 2, maxSamples: 16, timeBudget: Infinity, sampling });
    const plain = run({ sampling: 'plain' });
    for (const sampling of ['antithetic', 'rows'] as const) {
      const k = run({ sampling });
      const n = ratios(plain.nngpSE!, k.nngpSE!);
      const t = ratios(plain.ntkSE!, k.ntkSE!);
      const time = k.cpu / plain.cpu;
      const precisionRatio = (k.precision / plain.precision) ** 2;
      const row = { case: c.name, sampling, nngp: n, ntk: t, precisionVarianceRatio: precisionRatio, timeRatio: time, timeToPrecisionRatio: precisionRatio * time };
      rows.push(row);
      if (!values.json)
        console.log(
          `${c.name.padEnd(42)} ${sampling.padEnd(10)} var ratio NNGP median ${n.median.toExponential(1)} max-SE ${n.worst.toExponential(1)} | NTK median ${t.median.toExponential(1)} max-SE ${t.worst.toExponential(1)} | precision² ${precisionRatio.toExponential(1)} | time ×${time.toFixed(2)} | time to a precision ×${(precisionRatio * time).toExponential(1)}`,
        );
    }
  }
}
if (values.json) console.log(JSON.stringify(rows));

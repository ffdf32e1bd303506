/**
 * Evidence that the verdicts are calibrated (issue 4, §2): `npm run calibrate`.
 *
 * 1. False positives: the kernel verdicts of src/verdicts/ on CORRECT layers over many seeds (each
 *    seed: one of a rotation of small MLP architectures covering every MLP layer type, fresh random
 *    inputs, fresh networks). Under the null each verdict's p-value is uniform, so the observed
 *    rate of p ≤ α must match α; it is reported with its Clopper–Pearson interval at α = 0.05 and
 *    0.01 (where a few hundred runs see events) and at the default 1e-3 (where they see ~0), with
 *    a Kolmogorov–Smirnov test of the whole p-value distribution against U(0, 1).
 * 2. Detection: every broken fixture (fixtures/broken/: the MLP ones and the attention ones) swapped
 *    in on a small architecture that uses the layer where the bug matters, over its own seeds; the detection rate is the fraction of runs whose Holm family
 *    (NNGP and NTK of the run) rejects at α = 1e-3, with its interval: the power the issue asks to
 *    be ≥ 0.9.
 *
 * Writes docs/calibration.md (or --out) and prints the same table. Runs shard the seeds over
 * --workers child processes (each a single-threaded tfjs WASM backend).
 *
 *   npm run calibrate                      # 400 null seeds, 50 per broken MLP fixture, 20 per attention one, 2 workers (~10 min)
 *   npm run calibrate -- --seeds 800 --broken-seeds 100 --workers 2
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import seedrandom from 'seedrandom';
import { parseInputs, parseNetworkSpec } from '../src/spec/schema.ts';
import type { InputBatch, NetworkSpec } from '../src/spec/types.ts';
import { runCase } from '../src/validation/case.ts';
import { overrideLayer } from '../src/layers/registry.ts';
import * as brokenFixtures from '../fixtures/broken/index.ts';
import type { BrokenLayer } from '../fixtures/broken/index.ts';
import { binomialInterval } from '../src/stats/binomialInterval.ts';
import { holm } from '../src/stats/holm.ts';
import { ksOneSample } from '../src/stats/ksOneSample.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALPHAS = [0.05, 0.01, 1e-3] as const;
const DETECTION_ALPHA = 1e-3;
const SCALES = [1, 2, 4];
const NETWORKS = 128;

/**
 * Small architectures (base width 16, widths 16/32/64, unless noted). The null rotation (`nullRotation`) uses
 * every MLP layer type; the attention ones only expose the broken attention fixtures.
 */
const architectures: Record<string, { layers: unknown[]; T: number; masked: boolean; scaleHeads?: boolean; networks?: number }> = {
  'relu-erf': {
    layers: [{ type: 'dense', width: 16, wStd: 1.5, bStd: 0.3 }, { type: 'relu' }, { type: 'dense', width: 16, wStd: 1.2 }, { type: 'erf' }, { type: 'dense', width: 2 }],
    T: 2,
    masked: false,
  },
  'relu-layernorm-masked': {
    layers: [{ type: 'dense', width: 16, bStd: 0.4 }, { type: 'relu' }, { type: 'layerNorm' }, { type: 'dense', width: 2 }],
    T: 3,
    masked: true,
  },
  'residual-gelu-pool-masked': {
    layers: [
      { type: 'dense', width: 16, wStd: 1.2 },
      { type: 'residual', block: [{ type: 'relu' }, { type: 'dense', width: 16, wStd: 0.8, bStd: 0.2 }] },
      { type: 'gelu' },
      { type: 'globalAvgPool' },
      { type: 'dense', width: 2, bStd: 0.1 },
    ],
    T: 3,
    masked: true,
  },
  'abs-tanh': {
    layers: [{ type: 'dense', width: 16, wStd: 1.3, bStd: 0.2 }, { type: 'abs' }, { type: 'dense', width: 16 }, { type: 'tanh' }, { type: 'dense', width: 2 }],
    T: 2,
    masked: false,
  },
  'attention-linear-softmax-masked': {
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      { type: 'attention', heads: 1, keyWidth: 16, valueWidth: 8, outWidth: 16, scaling: 'linear', mechanism: 'softmax', wQStd: 1.2, wKStd: 1.2, bStd: 0.2 },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: true,
  },
  'attention-linear-relu-concat-fixed': {
    layers: [
      // A dense bias of 1 keeps the deterministic linear-attention logits off relu's kink.
      { type: 'dense', width: 16, bStd: 1 },
      { type: 'attention', heads: 1, keyWidth: 16, valueWidth: 8, outWidth: 16, scaling: 'linear', mechanism: 'relu', posEmb: { type: 'concat', std: 1, channels: 4, trainable: false } },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: false,
  },
  'attention-linear-identity-sum-values-masked': {
    // Base width 32 with d_k = 64 and 256 networks: the embedding's NTK term is a ~10 % share of the
    // NTK, which the per-network fluctuations of linear attention (they fall like 1/√d_k) hide in
    // a width-16 ensemble of 128 (detected in 17 of 20 runs there).
    layers: [
      { type: 'dense', width: 32, bStd: 0.2 },
      {
        type: 'attention',
        heads: 2,
        keyWidth: 64,
        valueWidth: 16,
        outWidth: 32,
        scaling: 'linear',
        mechanism: 'identity',
        posEmb: { type: 'sum', std: 1, decay: { kind: 'exp', scale: 0.5 }, values: true },
      },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: true,
    networks: 256,
  },
  'attention-sqrt-softmax-sum': {
    // Unmasked (an input with one valid position has no logit path at all) and 256 networks: at
    // 2–8 heads the per-network NTK fluctuates like 1/H, and with masks and 128 networks the
    // logit-path bug was caught in 12 of 20 runs.
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      {
        type: 'attention',
        heads: 2,
        keyWidth: 8,
        valueWidth: 8,
        outWidth: 16,
        scaling: 'sqrt',
        mechanism: 'softmax',
        wQStd: 1.5,
        wKStd: 1.5,
        posEmb: { type: 'sum', std: 0.6, decay: { kind: 'inverse', scale: 1 } },
      },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: false,
    scaleHeads: true,
    networks: 256,
  },
};
const nullRotation = ['relu-erf', 'relu-layernorm-masked', 'residual-gelu-pool-masked', 'abs-tanh'];
/** Every broken fixture exported by fixtures/broken (the attention ones where that module has them). */
const brokenLayers: readonly BrokenLayer[] = [
  ...brokenFixtures.brokenMlpLayers,
  ...(((brokenFixtures as Record<string, unknown>).brokenAttentionLayers as readonly BrokenLayer[] | undefined) ?? []),
];
/** Where each broken layer matters (a fixture missing here is reported as not run). */
const exposing: Record<string, string> = {
  'dense-ntk-without-K': 'relu-erf',
  'relu-half-scale': 'relu-erf',
  'layernorm-uncentred': 'relu-layernorm-masked',
  'attention-ntk-without-2K': 'attention-linear-softmax-masked',
  'attention-concat-weights-swapped': 'attention-linear-relu-concat-fixed',
  'attention-softmax-mask-ignored': 'attention-linear-softmax-masked',
  'attention-embedding-missing-from-ntk': 'attention-linear-identity-sum-values-masked',
  'attention-ntk-without-query-key-weights': 'attention-sqrt-softmax-sum',
};
const isAttention = (b: BrokenLayer) => b.type === 'attention';

interface Job {
  readonly kind: 'null' | 'broken';
  readonly arch: string;
  readonly broken: string | null;
  readonly seed: number;
}

interface Outcome {
  readonly job: Job;
  readonly p: { readonly nngp: number; readonly ntk: number };
  readonly gof: { readonly nngp: number; readonly ntk: number };
  /** Smallest relative kernel error caught with probability 0.9: uniform over the kernel / one entry (median). */
  readonly detects: { readonly nngp: readonly [number, number]; readonly ntk: readonly [number, number] };
  readonly seconds: number;
}

/** Random inputs of a seed: M = 3 sequences of T positions, d = 4, N(0, 1) entries; masks keep ≥ 1 position. */
function inputsFor(seed: number, T: number, masked: boolean): InputBatch {
  const u = seedrandom.alea(`calibrate/inputs/${seed}`);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const M = 3;
  const inputs = Array.from({ length: M }, () => Array.from({ length: T }, () => Array.from({ length: 4 }, normal)));
  const mask = masked ? Array.from({ length: M }, (_, i) => Array.from({ length: T }, (_, t) => (t < T - (i % T) ? 1 : 0))) : undefined;
  return parseInputs(mask ? { inputs, mask } : { inputs });
}

async function runJob(job: Job): Promise<Outcome> {
  const a = architectures[job.arch];
  const spec: NetworkSpec = parseNetworkSpec({ layers: a.layers });
  const inputs = inputsFor(job.seed, a.T, a.masked);
  const broken = job.broken ? brokenLayers.find((b) => b.name === job.broken)! : null;
  const restore = broken ? overrideLayer(broken.type, broken.factory) : () => {};
  try {
    const r = await runCase(
      { name: job.arch, spec, inputs, scales: SCALES, networks: a.networks ?? NETWORKS, seed: job.seed, scaleHeads: a.scaleHeads ?? false },
      { alpha: DETECTION_ALPHA },
    );
    const v = r.verdicts;
    return {
      job,
      p: { nngp: v.nngp!.pValue, ntk: v.ntk!.pValue },
      gof: { nngp: v.nngp!.biasModel.goodness.pValue, ntk: v.ntk!.biasModel.goodness.pValue },
      detects: {
        nngp: [v.nngp!.detectableRelativeError, v.nngp!.detectableRelativeErrorMedian],
        ntk: [v.ntk!.detectableRelativeError, v.ntk!.detectableRelativeErrorMedian],
      },
      seconds: r.seconds,
    };
  } finally {
    restore();
  }
}

interface Counts {
  readonly seeds: number;
  readonly brokenSeeds: number;
  /** Per attention fixture: its runs cost several times an MLP run. */
  readonly attentionBrokenSeeds: number;
}

function jobs(n: Counts): Job[] {
  const out: Job[] = [];
  for (let s = 1; s <= n.seeds; s++) out.push({ kind: 'null', arch: nullRotation[(s - 1) % nullRotation.length], broken: null, seed: 1000 + s });
  for (const b of brokenLayers) {
    if (!exposing[b.name]) continue;
    const count = isAttention(b) ? n.attentionBrokenSeeds : n.brokenSeeds;
    for (let s = 1; s <= count; s++) out.push({ kind: 'broken', arch: exposing[b.name], broken: b.name, seed: 500_000 + s });
  }
  return out;
}

async function worker(shard: number, of: number, n: Counts): Promise<void> {
  const all = jobs(n);
  for (let i = shard; i < all.length; i += of) process.stdout.write(`${JSON.stringify(await runJob(all[i]))}\n`);
}

/** A relative error as a percentage; "<0.1 %" where entries known to float32 precision make it tiny. */
const pct = (x: number) => (!Number.isFinite(x) ? '—' : x < 1e-3 ? '<0.1 %' : `${(100 * x).toFixed(1)} %`);
const fmtP = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
const interval = (k: number, n: number) => {
  const ci = binomialInterval(k, n, 0.95);
  return { rate: k / n, lo: ci.lower, hi: ci.upper, text: `${k}/${n} = ${fmtP(k / n)} [${fmtP(ci.lower)}, ${fmtP(ci.upper)}]` };
};

function report(outcomes: Outcome[], opts: Counts & { workers: number; seconds: number }): string {
  const nulls = outcomes.filter((o) => o.job.kind === 'null');
  const lines: string[] = [];
  lines.push('# Calibration of the verdict engine');
  lines.push('');
  lines.push(
    `Generated by \`npm run calibrate\` (scripts/calibrate.ts): ${opts.seeds} seeds on correct layers, ${opts.brokenSeeds} seeds per broken MLP fixture ` +
      `and ${opts.attentionBrokenSeeds} per broken attention fixture, ` +
      `${opts.workers} worker(s), ${(opts.seconds / 60).toFixed(1)} min. Each run: ensembles of ${NETWORKS} networks (256 where an architecture says so) at width factors ${SCALES.join(', ')} ` +
      `(widths 16, 32, 64, or 32, 64, 128 where an architecture says so; heads too under sqrt attention), fresh random inputs (3 sequences, d = 4), the NNGP and NTK verdicts of ` +
      `src/verdicts/ (docs/verdicts.md). ` +
      `Architectures rotate over: ${nullRotation.map((a) => `\`${a}\``).join(', ')}. Intervals are Clopper–Pearson 95 %.`,
  );
  lines.push('');
  lines.push('## False-positive rate on correct layers');
  lines.push('');
  lines.push('A verdict is a false positive when its p-value is ≤ α. "family" is the Holm decision over the NNGP and NTK verdicts of one run.');
  lines.push('');
  lines.push('| α | NNGP | NTK | family (Holm, per run) | α inside the interval |');
  lines.push('| --- | --- | --- | --- | --- |');
  let allInside = true;
  for (const alpha of ALPHAS) {
    const n = nulls.length;
    const kN = nulls.filter((o) => o.p.nngp <= alpha).length;
    const kT = nulls.filter((o) => o.p.ntk <= alpha).length;
    const kF = nulls.filter((o) => holm([o.p.nngp, o.p.ntk], alpha).rejected.some((r) => r)).length;
    const cells = [interval(kN, n), interval(kT, n), interval(kF, n)];
    // For the family, Holm guarantees ≤ α (it is conservative), so only the upper side is checked.
    const inside = cells.slice(0, 2).every((c) => c.lo <= alpha && alpha <= c.hi) && cells[2].lo <= alpha;
    allInside &&= inside;
    lines.push(`| ${alpha} | ${cells[0].text} | ${cells[1].text} | ${cells[2].text} | ${inside ? 'yes' : '**no**'} |`);
  }
  lines.push('');
  const uniform = (x: number) => Math.min(1, Math.max(0, x));
  const ksN = ksOneSample(nulls.map((o) => o.p.nngp), uniform, 0.01);
  const ksT = ksOneSample(nulls.map((o) => o.p.ntk), uniform, 0.01);
  lines.push(
    `Whole p-value distribution against U(0, 1) (Kolmogorov–Smirnov): NNGP D = ${ksN.statistic.toFixed(3)}, p = ${fmtP(ksN.pValue)}; ` +
      `NTK D = ${ksT.statistic.toFixed(3)}, p = ${fmtP(ksT.pValue)}.`,
  );
  lines.push('');
  lines.push('Per architecture (α = 0.05, NNGP and NTK verdicts pooled):');
  lines.push('');
  lines.push(
    '| architecture | runs | false positives at α = 0.05 | bias model rejected at 0.05 (NNGP / NTK) | detectable error at α = 1e-3, median over runs: uniform / one entry (NNGP; NTK) |',
  );
  lines.push('| --- | --- | --- | --- | --- |');
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  for (const arch of nullRotation) {
    const os = nulls.filter((o) => o.job.arch === arch);
    if (!os.length) continue;
    const k = os.filter((o) => o.p.nngp <= 0.05).length + os.filter((o) => o.p.ntk <= 0.05).length;
    const gN = os.filter((o) => o.gof.nngp <= 0.05).length;
    const gT = os.filter((o) => o.gof.ntk <= 0.05).length;
    lines.push(
      `| \`${arch}\` | ${os.length} | ${interval(k, 2 * os.length).text} | ${gN}/${os.length} / ${gT}/${os.length} | ` +
        `${pct(med(os.map((o) => o.detects.nngp[0])))} / ${pct(med(os.map((o) => o.detects.nngp[1])))}; ` +
        `${pct(med(os.map((o) => o.detects.ntk[0])))} / ${pct(med(os.map((o) => o.detects.ntk[1])))} |`,
    );
  }
  lines.push('');
  lines.push('## Detection of the broken fixtures');
  lines.push('');
  lines.push(`Detected: the run's Holm family (NNGP and NTK) rejects at α = ${DETECTION_ALPHA}. Required: detection rate ≥ 0.9.`);
  lines.push('');
  lines.push('| broken fixture | bug | architecture | detected | NNGP rejects | NTK rejects | ≥ 0.9 |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- |');
  let allDetected = true;
  for (const b of brokenLayers) {
    const os = outcomes.filter((o) => o.job.broken === b.name);
    if (!os.length) {
      lines.push(`| \`${b.name}\` | ${b.bug} | — | not run (no exposing architecture in scripts/calibrate.ts) | | | **no** |`);
      allDetected = false;
      continue;
    }
    const k = os.filter((o) => holm([o.p.nngp, o.p.ntk], DETECTION_ALPHA).rejected.some((r) => r)).length;
    const c = interval(k, os.length);
    const ok = c.rate >= 0.9;
    allDetected &&= ok;
    lines.push(
      `| \`${b.name}\` | ${b.bug} | \`${exposing[b.name]}\` | ${c.text} | ${os.filter((o) => o.p.nngp <= DETECTION_ALPHA).length}/${os.length} | ` +
        `${os.filter((o) => o.p.ntk <= DETECTION_ALPHA).length}/${os.length} | ${ok ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');
  lines.push(
    `Summary: false-positive rates ${allInside ? 'consistent with α at every level' : '**not** consistent with α at every level'}; ` +
      `broken fixtures ${allDetected ? 'all detected with rate ≥ 0.9' : '**not** all detected with rate ≥ 0.9'}.`,
  );
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '400' },
      'broken-seeds': { type: 'string', default: '50' },
      'attention-broken-seeds': { type: 'string', default: '20' },
      workers: { type: 'string', default: process.env.CALIBRATE_WORKERS ?? '2' },
      out: { type: 'string', default: resolve(root, 'docs/calibration.md') },
      worker: { type: 'string' },
    },
  });
  const counts: Counts = {
    seeds: Number(values.seeds),
    brokenSeeds: Number(values['broken-seeds']),
    attentionBrokenSeeds: Number(values['attention-broken-seeds']),
  };
  if (values.worker) {
    const [i, n] = values.worker.split('/').map(Number);
    return worker(i, n, counts);
  }
  const workers = Math.max(1, Number(values.workers));
  const total = jobs(counts).length;
  const start = performance.now();
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(import.meta.url),
          ...['--worker', `${i}/${workers}`, '--seeds', String(counts.seeds), '--broken-seeds', String(counts.brokenSeeds)],
          ...['--attention-broken-seeds', String(counts.attentionBrokenSeeds)],
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], cwd: root },
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith('{')) return;
        outcomes.push(JSON.parse(line) as Outcome);
        if (outcomes.length % 10 === 0 || outcomes.length === total)
          process.stderr.write(`${outcomes.length}/${total} runs, ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
      });
      return new Promise<void>((res, rej) => child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`worker ${i} exited with ${code}`)))));
    }),
  );
  outcomes.sort((a, b) => a.job.seed - b.job.seed || String(a.job.broken).localeCompare(String(b.job.broken)));
  const md = report(outcomes, { ...counts, workers, seconds: (performance.now() - start) / 1000 });
  writeFileSync(values.out!, md);
  console.log(md);
}

await main();

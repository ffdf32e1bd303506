/**
 * Null runs of chosen architectures over fresh seeds, kept for re-analysis: each run stores the
 * analytic kernel (and its standard error where sampled), optionally a second, independent estimate
 * of a sampled kernel, and every network's NNGP and NTK at every width factor, so that verdicts can
 * be recomputed offline at any network count up to the sampled one (network k's weights depend only
 * on (seed, k): the first n networks of a run ARE the run with n networks) and with any version of
 * the engine, without sampling again.
 *
 *   tsx scripts/null-study.ts run --arch sqrt-relu-h2-fixed --seeds 1-400 --networks 512 --store tmp/study --workers 2
 *   tsx scripts/null-study.ts analyse --arch sqrt-relu-h2-fixed --store tmp/study --networks 128
 *
 * `run` is resumable (the store's runs.jsonl lists finished runs; a rerun skips them) and writes
 * each run's networks to raw/<arch>-<seed>-<networks>.f32: float32, [kernel (NNGP, NTK)][width][network][P²].
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { architectures, DEFAULT_SCALES, inputsFor, specOf } from './calibration/architectures.ts';
import { readResults, runJobs, workerLoop } from './calibration/runner.ts';
import { runCase } from '../src/validation/case.ts';
import { computeKernel } from '../src/pipeline/kernel.ts';
import type { KernelAgreement } from '../src/verdicts/kernelAgreement.ts';

const root = resolve(fileURLToPath(import.meta.url), '../..');

export interface StudyJob {
  readonly id: string;
  readonly arch: string;
  readonly seed: number;
  readonly networks: number;
  readonly second: boolean;
}

export interface VerdictSummary {
  readonly p: number;
  readonly statistic: number;
  readonly gof: number;
  readonly detect: readonly [number, number];
  readonly inconclusive: readonly string[];
}

export interface StudyRecord {
  readonly id: string;
  readonly arch: string;
  readonly seed: number;
  readonly networks: number;
  readonly scales: readonly number[];
  readonly scaleHeads: boolean;
  readonly P: number;
  readonly mask: number[];
  readonly analytic: { readonly nngp: number[]; readonly ntk: number[] };
  readonly analyticSE: { readonly nngp: number[]; readonly ntk: number[] } | null;
  readonly kernelSamples: number;
  readonly kernelPrecision: number;
  /** A second estimate of a sampled kernel from an independent seed, with its SE. */
  readonly second: { readonly nngp: number[]; readonly ntk: number[]; readonly nngpSE: number[]; readonly ntkSE: number[] } | null;
  readonly raw: string;
  /** The verdicts of the engine at sampling time, on all the networks. */
  readonly verdicts: { readonly nngp: VerdictSummary; readonly ntk: VerdictSummary };
  readonly seconds: number;
}

export function summarise(v: KernelAgreement): VerdictSummary {
  return {
    p: v.pValue,
    statistic: v.statistic,
    gof: v.biasModel.goodness.pValue,
    detect: [v.detectableRelativeError, v.detectableRelativeErrorMedian],
    inconclusive: (v.inconclusive ?? []).map((i) => i.code),
  };
}

async function runStudyJob(job: StudyJob, store: string): Promise<StudyRecord> {
  const a = architectures[job.arch];
  if (!a) throw new Error(`unknown architecture ${job.arch}`);
  const spec = specOf(a);
  const inputs = inputsFor(job.seed, a.T, a.masked);
  const scales = a.scales ?? DEFAULT_SCALES;
  const r = await runCase(
    { name: job.arch, spec, inputs, scales, networks: job.networks, seed: job.seed, scaleHeads: a.scaleHeads ?? false },
    { keepNetworks: true },
  );
  const P = r.kernel.M * r.kernel.T;
  const F = scales.length;
  const raw = new Float32Array(2 * F * job.networks * P * P);
  r.estimates.forEach((e, f) => {
    raw.set(e.kernels!.nngp!, (0 * F + f) * job.networks * P * P);
    raw.set(e.kernels!.ntk!, (1 * F + f) * job.networks * P * P);
  });
  const rawName = `raw/${job.arch}-${job.seed}-${job.networks}.f32`;
  mkdirSync(resolve(store, 'raw'), { recursive: true });
  writeFileSync(resolve(store, rawName), raw);
  let second: StudyRecord['second'] = null;
  if (job.second && r.kernel.nngpSE) {
    const k2 = computeKernel(spec, inputs, { seed: 2 });
    second = { nngp: Array.from(k2.nngp), ntk: Array.from(k2.ntk), nngpSE: Array.from(k2.nngpSE!), ntkSE: Array.from(k2.ntkSE!) };
  }
  const mask = r.kernel.T === inputs.T ? Array.from(inputs.mask) : new Array<number>(P).fill(1);
  return {
    id: job.id,
    arch: job.arch,
    seed: job.seed,
    networks: job.networks,
    scales: [...scales],
    scaleHeads: a.scaleHeads ?? false,
    P,
    mask,
    analytic: { nngp: Array.from(r.kernel.nngp), ntk: Array.from(r.kernel.ntk) },
    analyticSE: r.kernel.nngpSE ? { nngp: Array.from(r.kernel.nngpSE), ntk: Array.from(r.kernel.ntkSE!) } : null,
    kernelSamples: r.kernel.samples,
    kernelPrecision: r.kernel.precision,
    second,
    raw: rawName,
    verdicts: { nngp: summarise(r.verdicts.nngp!), ntk: summarise(r.verdicts.ntk!) },
    seconds: r.seconds,
  };
}

function parseSeeds(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let k = a; k <= (b ?? a); k++) out.push(k);
  }
  return out;
}

/** The study's records for one architecture. */
export function loadStudy(store: string, arch: string): StudyRecord[] {
  return [...readResults<StudyRecord>(resolve(store, 'runs.jsonl')).values()].filter((r) => r.arch === arch).sort((a, b) => a.seed - b.seed);
}

/** A run's networks: [kernel][width] → Float32Array [networks × P²]. */
export function loadRaw(store: string, r: StudyRecord): Float32Array[][] {
  const buf = readFileSync(resolve(store, r.raw));
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const F = r.scales.length;
  const size = r.networks * r.P * r.P;
  if (all.length !== 2 * F * size) throw new Error(`${r.raw}: ${all.length} values, expected ${2 * F * size} for run ${r.id}`);
  return [0, 1].map((k) => Array.from({ length: F }, (_, f) => all.subarray((k * F + f) * size, (k * F + f + 1) * size)));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      arch: { type: 'string' },
      seeds: { type: 'string', default: '1-400' },
      networks: { type: 'string', default: '512' },
      store: { type: 'string', default: resolve(root, 'tmp/study') },
      workers: { type: 'string', default: '2' },
      second: { type: 'boolean', default: false },
      'jobs-file': { type: 'string' },
      worker: { type: 'string' },
    },
  });
  const store = resolve(values.store!);
  if (values.worker) return workerLoop<StudyJob>(values['jobs-file']!, values.worker, (j) => runStudyJob(j, store));
  if (positionals[0] !== 'run') throw new Error('usage: null-study.ts run --arch A --seeds 1-400 --networks 512 --store DIR [--workers k] [--second]');
  const archs = (values.arch ?? '').split(',').filter(Boolean);
  for (const a of archs) if (!architectures[a]) throw new Error(`--arch: unknown architecture ${a}; known: ${Object.keys(architectures).join(', ')}`);
  const networks = Number(values.networks);
  const jobs: StudyJob[] = parseSeeds(values.seeds!).flatMap((seed) =>
    archs.map((arch) => ({ id: `${arch}/${seed}/${networks}`, arch, seed, networks, second: values.second! })),
  );
  if (!existsSync(store)) mkdirSync(store, { recursive: true });
  await runJobs<StudyJob, StudyRecord>({
    jobs,
    workers: Number(values.workers),
    file: resolve(store, 'runs.jsonl'),
    script: fileURLToPath(import.meta.url),
    workerArgs: ['--store', store],
    cwd: root,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

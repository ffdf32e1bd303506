/**
 * A convergence sweep: one spec run over a grid of head counts and width factors (per attention
 * scaling), with everything a report shows: how far single networks' kernels are from the analytic
 * kernel, how the outputs are distributed, and the ensemble means.
 *
 * The grid per scaling is two series through a shared corner: heads H ∈ `heads` at width factor
 * `baseWidth`, and width factors w ∈ `widths` at `baseHeads` heads. A full H × w grid would cost the
 * product and show nothing more: theory predicts separate 1/H and 1/width terms.
 */
import type { AttentionScaling, InputBatch, LayerSpec, NetworkSpec } from '../spec/types.ts';
import { describeWidths, scaleSpec } from '../layers/scale.ts';
import { everyLayer, mapLayers } from '../layers/walk.ts';
import { computeKernel } from './kernel.ts';
import { estimate } from '../estimators/ensemble.ts';
import { MomentAccumulator } from '../estimators/accumulator.ts';
import type { BackendChoice } from '../backend.ts';
import { predictedOutputKurtosis } from '../limits/outputKurtosis.ts';
import { excessKurtosis, jackknife, kernelSpread, skewness } from '../estimators/shardStats.ts';
import { toNested, toNestedOrNull, type AnalyticKernel, type SweepPoint, type SweepSection } from '../results/schema.ts';

export interface SweepOptions {
  readonly spec: NetworkSpec;
  readonly inputs: InputBatch;
  readonly inputsFile?: string | null;
  /** Head counts (absolute: every attention layer gets this many). */
  readonly heads: readonly number[];
  /** Width factors (every hidden width; the readout is kept). */
  readonly widths: readonly number[];
  /** Attention scalings to run; default: the spec's own. */
  readonly scalings?: readonly AttentionScaling[];
  readonly baseWidth?: number;
  readonly baseHeads?: number;
  readonly networks: number;
  /** Independent shards per grid point, for standard errors that do not assume normality (≥ 2). */
  readonly shards?: number;
  readonly seed: number;
  /** Target relative precision of sampled analytic kernels. */
  readonly precision?: number;
  readonly backend?: BackendChoice;
  /** Networks per tensor batch (default: the estimator's choice). */
  readonly chunk?: number;
  /** Aborting stops at the next shard boundary; the finished points are returned. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
}

export interface SweepProgress {
  /** Work done, in units of network·(relative cost), and the total. */
  readonly done: number;
  readonly total: number;
  readonly pointsDone: number;
  readonly points: number;
  /** What is running, e.g. `sqrt H=4 ×2`. */
  readonly label: string;
}

export interface SweepRun {
  readonly section: SweepSection;
  readonly complete: boolean;
  readonly backend: string;
}

type Scaling = AttentionScaling | 'none';

/** A sweep that cannot run as asked (bad grid, nothing to vary): a usage error, not a bug. */
export class SweepConfigError extends Error {}

function mapAttention(layers: readonly LayerSpec[], f: (l: Extract<LayerSpec, { type: 'attention' }>) => LayerSpec): LayerSpec[] {
  return mapLayers(layers, (l) => (l.type === 'attention' ? f(l) : l));
}

function attentionScalings(layers: readonly LayerSpec[]): AttentionScaling[] {
  return everyLayer(layers).flatMap((l) => (l.type === 'attention' ? [l.scaling] : []));
}

/** The spec at one grid point: heads and scaling set on every attention layer, then widths scaled. */
export function specAt(spec: NetworkSpec, scaling: Scaling, heads: number, width: number): NetworkSpec {
  const layers = scaling === 'none' ? spec.layers : mapAttention(spec.layers, (l) => ({ ...l, heads, scaling }));
  return scaleSpec({ layers }, { width });
}

interface GridPoint {
  readonly scaling: Scaling;
  readonly heads: number;
  readonly width: number;
  readonly series: ('heads' | 'width')[];
}

export function sweepGrid(o: Pick<SweepOptions, 'heads' | 'widths' | 'baseWidth' | 'baseHeads'>, scalings: readonly Scaling[]): GridPoint[] {
  const baseWidth = o.baseWidth ?? Math.max(...o.widths);
  const baseHeads = o.baseHeads ?? Math.min(...o.heads);
  const points: GridPoint[] = [];
  const add = (scaling: Scaling, heads: number, width: number, series: 'heads' | 'width') => {
    const same = points.find((p) => p.scaling === scaling && p.heads === heads && p.width === width);
    if (same) {
      if (!same.series.includes(series)) same.series.push(series);
    } else points.push({ scaling, heads, width, series: [series] });
  };
  for (const s of scalings) {
    for (const h of o.heads) add(s, h, baseWidth, 'heads');
    for (const w of o.widths) add(s, baseHeads, w, 'width');
  }
  // Cheapest first: an interrupted sweep then holds as many points as it can, across every series.
  return points.sort((a, b) => a.heads * a.width - b.heads * b.width || String(a.scaling).localeCompare(String(b.scaling)));
}

function checkGrid(o: SweepOptions): void {
  const ints = (name: string, v: readonly number[], integer: boolean) => {
    if (v.length === 0) throw new SweepConfigError(`${name}: give at least one value`);
    for (const x of v)
      if (!(x > 0) || (integer && !Number.isInteger(x))) throw new SweepConfigError(`${name}: ${x} is not a positive ${integer ? 'whole number' : 'number'}`);
  };
  ints('heads', o.heads, true);
  ints('widths', o.widths, false);
  if ((o.shards ?? 8) < 2) throw new SweepConfigError('shards must be at least 2 (standard errors come from their spread)');
  if (o.networks < 4 * (o.shards ?? 8)) throw new SweepConfigError(`networks (${o.networks}) must be at least 4 per shard (${o.shards ?? 8} shards)`);
}

function analytic(spec: NetworkSpec, inputs: InputBatch, precision: number, seed: number): AnalyticKernel & { flat: { nngp: Float64Array; ntk: Float64Array } } {
  const k = computeKernel(spec, inputs, { precision, seed, maxSamples: 1 << 18 });
  const P = k.M * k.T;
  return {
    M: k.M,
    T: k.T,
    nngp: toNested(k.nngp, P),
    ntk: toNested(k.ntk, P),
    nngpSE: toNestedOrNull(k.nngpSE, P),
    ntkSE: toNestedOrNull(k.ntkSE, P),
    samples: k.samples,
    flat: { nngp: k.nngp, ntk: k.ntk },
  };
}

export async function runSweep(o: SweepOptions): Promise<SweepRun> {
  checkGrid(o);
  const found = [...new Set(attentionScalings(o.spec.layers))];
  if (found.length === 0 && o.heads.length > 1) throw new SweepConfigError('the spec has no attention layer, so --heads has nothing to vary');
  const scalings: Scaling[] = found.length === 0 ? ['none'] : o.scalings?.length ? [...o.scalings] : found;
  const shards = o.shards ?? 8;
  const precision = o.precision ?? 0.01;
  const grid = sweepGrid(o, scalings);
  // Every grid point's spec is built before anything runs: a width factor that would change the kernel is refused now.
  for (const p of grid) specAt(o.spec, p.scaling, p.heads, p.width);
  const cost = (p: GridPoint) => o.networks * (1 + p.heads * p.width);
  const total = grid.reduce((s, p) => s + cost(p), 0);
  let done = 0;
  let backend = 'none';

  const kernels = new Map<Scaling, ReturnType<typeof analytic>>();
  const points: SweepPoint[] = [];
  let interrupted = false;
  for (const [index, p] of grid.entries()) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const label = `${p.scaling === 'none' ? '' : `${p.scaling} `}H=${p.heads} ×${p.width}`;
    let K = kernels.get(p.scaling);
    if (!K) {
      o.onProgress?.({ done, total, pointsDone: index, points: grid.length, label: `${p.scaling} analytic kernel` });
      K = analytic(specAt(o.spec, p.scaling, p.heads, 1), o.inputs, precision, o.seed);
      kernels.set(p.scaling, K);
    }
    const spec = specAt(o.spec, p.scaling, p.heads, p.width);
    const start = performance.now();
    const accN: MomentAccumulator[] = [];
    const accT: MomentAccumulator[] = [];
    const outputs: Float64Array[] = [];
    let M = 0;
    let T = 0;
    for (let b = 0; b < shards; b++) {
      // The estimator never yields to the event loop (its tensor reads resolve as microtasks);
      // turning it here lets a Ctrl-C (SIGINT handler) run between shards.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (o.signal?.aborted) {
        interrupted = true;
        break;
      }
      // Equal shards (the first ones take the remainder) over disjoint network indices.
      const first = Math.floor((b * o.networks) / shards);
      const n = Math.floor(((b + 1) * o.networks) / shards) - first;
      const r = await estimate(spec, o.inputs, { networks: n, seed: o.seed, firstNetwork: first, collectOutputs: true, backend: o.backend, chunk: o.chunk });
      backend = r.backend;
      M = r.M;
      T = r.T;
      accN.push(r.accumulators.nngp!);
      accT.push(r.accumulators.ntk!);
      outputs.push(r.outputs!);
      done += (cost(p) * n) / o.networks;
      o.onProgress?.({ done, total, pointsDone: index, points: grid.length, label: `${label}: ${first + n}/${o.networks} networks` });
    }
    // An interrupted point keeps what it has if that is enough for standard errors (two shards).
    if (!interrupted || accN.length >= 2)
      points.push({
        ...summarise(p, spec, K.flat, accN, accT, outputs, M, T, o.inputs, accN.length, (performance.now() - start) / 1000),
        ...(interrupted ? { partial: true } : {}),
      });
    if (interrupted) break;
  }

  // What the claims' power is judged against: the limit law's kurtosis at one head (sqrt only).
  const kurtosis = scalings.includes('sqrt') ? predictedOutputKurtosis(specAt(o.spec, 'sqrt', 1, 1), o.inputs) : null;
  const pending = grid
    .filter((g) => !points.some((p) => !p.partial && p.scaling === g.scaling && p.heads === g.heads && p.width === g.width))
    .map((p) => ({ scaling: p.scaling, heads: p.heads, width: p.width }));
  const section: SweepSection = {
    spec: o.spec,
    inputs: { file: o.inputsFile ?? null, M: o.inputs.M, T: o.inputs.T, d: o.inputs.d, masked: o.inputs.masked },
    config: {
      heads: [...o.heads],
      widths: [...o.widths],
      scalings,
      baseWidth: o.baseWidth ?? Math.max(...o.widths),
      baseHeads: o.baseHeads ?? Math.min(...o.heads),
      networks: o.networks,
      shards,
      seed: o.seed,
      precision,
    },
    kernels: [...kernels.entries()].map(([scaling, { flat: _flat, ...k }]) => ({ scaling, ...k })),
    predictions: { sqrtExcessKurtosisAtOneHead: kurtosis?.atOneHead ?? null, sqrtExcessKurtosisSE: kurtosis?.se ?? null },
    // Reports read points in grid order (scaling, then heads and width ascending), not run order.
    points: [...points].sort((a, b) => a.scaling.localeCompare(b.scaling) || a.heads - b.heads || a.width - b.width),
    pending,
  };
  return { section, complete: !interrupted && pending.length === 0, backend };
}

function merge(accs: readonly MomentAccumulator[]): MomentAccumulator {
  const m = new MomentAccumulator(accs[0].dim);
  for (const a of accs) m.merge(a);
  return m;
}

function summarise(
  p: GridPoint,
  spec: NetworkSpec,
  K: { nngp: Float64Array; ntk: Float64Array },
  accN: MomentAccumulator[],
  accT: MomentAccumulator[],
  outputs: Float64Array[],
  M: number,
  T: number,
  inputs: InputBatch,
  shards: number,
  seconds: number,
): SweepPoint {
  const P = M * T;
  const mergedN = merge(accN);
  const mergedT = merge(accT);
  // Valid output rows: every row after pooling, else the unpadded positions.
  const valid = Array.from({ length: P }, (_, a) => a).filter((a) => T !== inputs.T || inputs.mask[a] !== 0);
  const column = (out: Float64Array, a: number) => Array.from({ length: out.length / P }, (_, k) => out[k * P + a]);
  const entry = valid[0];
  const groups = outputs.map((o) => column(o, entry));
  // Mean kurtosis over rows, jackknifed over shards as one statistic (rows are correlated).
  const rowGroups = outputs.map((o) => valid.map((a) => column(o, a)));
  const meanKurtosis = jackknife(rowGroups, (gs) => {
    let s = 0;
    for (let r = 0; r < valid.length; r++) s += excessKurtosis(gs.flatMap((g) => g[r]));
    return s / valid.length;
  });
  const flatStat = (f: (x: readonly number[]) => number) => (gs: readonly number[][]) => f(gs.flat());
  return {
    scaling: p.scaling,
    heads: p.heads,
    width: p.width,
    series: p.series,
    widths: describeWidths(spec),
    networks: mergedN.count,
    shards,
    seconds,
    nngp: kernelSpread(accN, mergedN, K.nngp),
    ntk: kernelSpread(accT, mergedT, K.ntk),
    outputs: {
      entry,
      excessKurtosis: jackknife(groups, flatStat(excessKurtosis)),
      skewness: jackknife(groups, flatStat(skewness)),
      meanExcessKurtosis: meanKurtosis,
      samples: groups.flat(),
    },
    empirical: { nngp: toNested(mergedN.mean, P), ntk: toNested(mergedT.mean, P) },
  };
}

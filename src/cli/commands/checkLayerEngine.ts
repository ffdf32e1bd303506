/**
 * `check-layer`: a layer module (layerModule.ts) validated alone and composed with built-in layers,
 * through the same path every built-in layer takes: the factory is registered in the layer
 * registry, a spec names it, and `runCase` (src/validation/case.ts) samples finite ensembles at
 * three width factors and returns the suite's verdicts, which are read generically (`rejected`).
 *
 * Three stages:
 * 1. A fixed table of compositions: the layer alone on raw inputs, and before and after dense,
 *    relu, attention and layerNorm (each behind a dense lead-in so that it sees a Gaussian input),
 *    plus one on masked inputs. A composition whose kernel map throws a KernelError is "refused":
 *    the contract allows a layer (or its neighbour) to decline an input it cannot map, with a reason.
 * 2. Random compositions with fast-check: layers before and after (0–2 each), the width, the network
 *    seed and masking drawn at random; on a failure fast-check shrinks to a smallest failing
 *    composition and reports it with its seed and the replay path.
 * 3. For a layer with trainable parameters: the NTK by per-layer contractions (the sampler's
 *    default, which sees parameters only through the site helpers of src/layers/sites.ts) against
 *    the NTK by plain autodiff, on the same networks. They must agree to float32 precision.
 *
 * Calibration: every verdict runs at α / (number of verdicts planned), so a correct layer fails the
 * whole check with probability at most α (Bonferroni), whatever the verdicts' dependence.
 *
 * A zero-variance estimate (a parameter-free layer on raw inputs followed by the readout, whose
 * weights the NNGP estimator averages out exactly) carries no Monte-Carlo error to test against;
 * there the check compares the ensemble mean with the kernel at float32 precision instead.
 */
import fc from 'fast-check';
import type { InputBatch, LayerSpec, NetworkSpec } from '../../spec/types.ts';
import { overrideLayer } from '../../layers/registry.ts';
import { runCase, type CaseResult } from '../../validation/case.ts';
import { KernelError } from '../../kernels/state.ts';
import { precisionNote } from '../../kernels/compute.ts';
import { estimate } from '../../estimators/ensemble.ts';
import type { BackendChoice } from '../../backend.ts';
import { needsHeadScaling } from '../../spec/heads.ts';
import type { LayerModule } from './layerModule.ts';

export type Neighbour = 'dense' | 'relu' | 'attention' | 'layerNorm';
export const NEIGHBOURS: readonly Neighbour[] = ['dense', 'relu', 'attention', 'layerNorm'];

/** A composition: built-in neighbours before and after the layer, then a dense readout. */
export interface Composition {
  readonly before: readonly Neighbour[];
  readonly after: readonly Neighbour[];
  readonly width: number;
  readonly seed: number;
  readonly masked: boolean;
}

/** `inconclusive`: no verdict rejected, but one could not decide (e.g. below --max-detectable's power). */
export type RowStatus = 'pass' | 'fail' | 'refused' | 'error' | 'inconclusive';

export interface VerdictSummary {
  readonly kernel: string;
  readonly rejected: boolean;
  /** How it was decided: the verdict engine's method, or the float32 comparison. */
  readonly method: string;
  readonly statistic: number | null;
  readonly pValue: number | null;
  /** Why the verdict could not decide (src/verdicts/types.ts), empty when it decided. */
  readonly inconclusive?: readonly string[];
}

export interface CompositionRow {
  readonly name: string;
  readonly composition: Composition;
  /** e.g. `dense(32) → swish → layerNorm → dense(1)`. */
  readonly layers: string;
  readonly status: RowStatus;
  readonly verdicts: readonly VerdictSummary[];
  /** Why it was refused or errored, or the failing verdict in one line. */
  readonly message: string;
  readonly seconds: number;
}

export interface PropertyOutcome {
  readonly runs: number;
  readonly skipped: number;
  readonly failed: boolean;
  readonly interrupted: boolean;
  readonly fcSeed: number;
  readonly counterexample: CompositionRow | null;
  readonly counterexamplePath: string | null;
  readonly shrinks: number;
  readonly rows: readonly CompositionRow[];
}

export interface SiteCheck {
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly message: string;
  readonly relativeDifference: number | null;
}

export interface CheckLayerReport {
  readonly type: string;
  readonly variant: string | null;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly alpha: number;
  readonly alphaPerVerdict: number;
  readonly table: readonly CompositionRow[];
  readonly property: PropertyOutcome | null;
  readonly sites: SiteCheck;
  readonly passed: boolean;
  readonly interrupted: boolean;
}

export interface CheckLayerOptions {
  readonly inputs: InputBatch;
  /** Inputs with padded positions (the masked compositions). */
  readonly maskedInputs: InputBatch;
  /** Hidden width at factor 1 (default 32). */
  readonly width?: number;
  readonly scales?: readonly number[];
  readonly networks?: number;
  /** Family-wise false-failure rate of the whole check (default 1e-3). */
  readonly alpha?: number;
  /** Random compositions (0 skips stage 2; default 8). */
  readonly runs?: number;
  /** fast-check seed (default 1) and a replay path from an earlier failure. */
  readonly fcSeed?: number;
  readonly fcPath?: string;
  /** Most shrink candidates fast-check tries after a failure (each is a full case; default 24). */
  readonly maxShrinks?: number;
  /** Run only the table rows with these names. */
  readonly only?: readonly string[];
  readonly seed?: number;
  /** Check a broken variant of the module by name. */
  readonly variant?: string;
  readonly backend?: BackendChoice;
  /** A verdict that cannot catch a uniform relative error this large is inconclusive (src/validation/power.ts). */
  readonly maxDetectable?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, label: string) => void;
  readonly onRow?: (row: CompositionRow) => void;
}

function neighbourSpec(n: Neighbour, width: number): LayerSpec {
  switch (n) {
    case 'dense':
      return { type: 'dense', width, wStd: 1.2, bStd: 0.2 };
    case 'relu':
      return { type: 'relu' };
    case 'layerNorm':
      return { type: 'layerNorm', eps: 1e-6 };
    case 'attention':
      // Linear scaling: a closed-form kernel and a GP at one head, so the verdict needs no sampled kernel.
      return {
        type: 'attention',
        heads: 1,
        keyWidth: width,
        valueWidth: width,
        outWidth: width,
        scaling: 'linear',
        mechanism: 'softmax',
        wQStd: 1,
        wKStd: 1,
        wVStd: 1,
        wOStd: 1,
        bStd: 0,
        posEmb: null,
      };
  }
}

export function compositionSpec(c: Composition, layer: Readonly<Record<string, unknown>>): NetworkSpec {
  return {
    layers: [
      ...c.before.map((n) => neighbourSpec(n, c.width)),
      layer as unknown as LayerSpec,
      ...c.after.map((n) => neighbourSpec(n, c.width)),
      { type: 'dense', width: 1, wStd: 1, bStd: 0.1 },
    ],
  };
}

export function describeComposition(c: Composition, type: string): string {
  const n = (x: Neighbour) => (x === 'dense' ? `dense(${c.width})` : x === 'attention' ? `attention(linear, ${c.width})` : x);
  return [...c.before.map(n), type, ...c.after.map(n), 'dense(1)'].join(' → ') + (c.masked ? ' [masked inputs]' : '');
}

/** The fixed table: alone, then before/after each built-in neighbour, then masked. */
export function tableCompositions(width: number, seed: number): { name: string; composition: Composition }[] {
  const row = (name: string, before: Neighbour[], after: Neighbour[], masked = false) => ({ name, composition: { before, after, width, seed, masked } });
  return [
    row('alone', [], []),
    row('after dense', ['dense'], []),
    row('before dense', ['dense'], ['dense']),
    row('after relu', ['dense', 'relu'], []),
    row('before relu', ['dense'], ['relu']),
    row('after attention', ['dense', 'attention'], []),
    row('before attention', ['dense'], ['attention']),
    row('after layerNorm', ['dense', 'layerNorm'], []),
    row('before layerNorm', ['dense'], ['layerNorm']),
    row('before attention, masked', ['dense'], ['attention'], true),
  ];
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** Largest |SE| relative to the kernel scale over every width factor of a case's estimates. */
function zeroVariance(r: CaseResult, kernel: 'nngp' | 'ntk'): boolean {
  const scale = Math.max(1e-300, ...Array.from(r.kernel[kernel], Math.abs));
  return r.estimates.every((e) => {
    const se = e.result[`${kernel}SE`];
    return !se || se.every((s) => s <= 1e-9 * scale);
  });
}

/** The float32 comparison of a zero-variance estimate: max |mean − K| ≤ 1e-4 · max|K| at every width. */
function float32Verdict(r: CaseResult, kernel: 'nngp' | 'ntk'): VerdictSummary {
  const K = r.kernel[kernel];
  const scale = Math.max(1e-300, ...Array.from(K, Math.abs));
  let worst = 0;
  for (const e of r.estimates) {
    const m = e.result[kernel]!;
    for (let i = 0; i < K.length; i++) worst = Math.max(worst, Math.abs(m[i] - K[i]) / scale);
  }
  return { kernel, rejected: worst > 1e-4, method: 'zero-variance estimate: float32 comparison (tolerance 1e-4 of max|K|)', statistic: worst, pValue: null };
}

export class CheckLayerError extends Error {}

interface Runner {
  run(name: string, c: Composition): Promise<CompositionRow>;
}

function makeRunner(mod: LayerModule, spec: Readonly<Record<string, unknown>>, o: CheckLayerOptions, alphaPerVerdict: number): Runner {
  const scales = o.scales ?? [1, 2, 4];
  const networks = o.networks ?? 256;
  return {
    async run(name, c) {
      const start = performance.now();
      const layers = describeComposition(c, mod.type);
      const done = (status: RowStatus, verdicts: VerdictSummary[], message: string): CompositionRow => ({
        name,
        composition: c,
        layers,
        status,
        verdicts,
        message,
        seconds: (performance.now() - start) / 1000,
      });
      let r: CaseResult;
      try {
        const net = compositionSpec(c, spec);
        // Sqrt attention before a non-linearity has the H → ∞ kernel: heads grow with the width (src/spec/heads.ts).
        r = await runCase(
          { name, spec: net, inputs: c.masked ? o.maskedInputs : o.inputs, scales, networks, seed: c.seed, scaleHeads: needsHeadScaling(net) },
          { alpha: alphaPerVerdict, backend: o.backend, maxDetectable: o.maxDetectable },
        );
      } catch (e) {
        if (e instanceof KernelError) return done('refused', [], e.message);
        return done('error', [], `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`);
      }
      const verdicts: VerdictSummary[] = [];
      for (const [kernel, v] of Object.entries(r.verdicts) as ['nngp' | 'ntk', unknown][]) {
        if (!v) continue;
        if (zeroVariance(r, kernel)) {
          verdicts.push(float32Verdict(r, kernel));
          continue;
        }
        const f = v as Record<string, unknown>;
        const why = Array.isArray(f.inconclusive) ? (f.inconclusive as { code: string; reason: string }[]).map((i) => `${i.code}: ${i.reason}`) : [];
        verdicts.push({
          kernel,
          // An inconclusive verdict decides nothing, as in a suite's family (src/validation/family.ts).
          rejected: why.length === 0 && (f.rejected === true || f.passed === false),
          method: typeof f.method === 'string' ? f.method : 'verdict',
          statistic: num(f.statistic),
          pValue: num(f.pValue),
          inconclusive: why,
        });
      }
      const bad = verdicts.filter((v) => v.rejected);
      const undecided = verdicts.filter((v) => (v.inconclusive?.length ?? 0) > 0);
      const fmt = (x: number | null) => (x === null ? '–' : x.toPrecision(3));
      // A sampled kernel that stopped short of its precision says so (its SE is in the verdict).
      const kernelNote = r.kernel.reached ? '' : `; analytic kernel: ${precisionNote(r.kernel)}`;
      return bad.length
        ? done('fail', verdicts, bad.map((v) => `${v.kernel.toUpperCase()} rejected (statistic ${fmt(v.statistic)}, p ${fmt(v.pValue)})`).join('; ') + kernelNote)
        : undecided.length
          ? done('inconclusive', verdicts, undecided.map((v) => `${v.kernel.toUpperCase()} inconclusive (${v.inconclusive!.join('; ')})`).join('; ') + kernelNote)
          : done('pass', verdicts, verdicts.map((v) => `${v.kernel.toUpperCase()} ${fmt(v.statistic)}`).join(', ') + kernelNote);
    },
  };
}

/** Stage 3: contraction NTK against autodiff NTK on the same few networks. */
async function siteCheck(mod: LayerModule, spec: Readonly<Record<string, unknown>>, o: CheckLayerOptions): Promise<SiteCheck> {
  const c: Composition = { before: ['dense'], after: [], width: o.width ?? 32, seed: o.seed ?? 1, masked: false };
  const net = compositionSpec(c, spec);
  let trainable = false;
  try {
    const { buildNetwork } = await import('../../network.ts');
    const stack = buildNetwork(net, o.inputs);
    trainable = stack.layers[1].params.some((p) => p.trainable);
  } catch (e) {
    return { status: 'skipped', message: `could not build "dense → layer": ${(e as Error).message}`, relativeDifference: null };
  }
  if (!trainable) return { status: 'skipped', message: 'no trainable parameters: nothing for the NTK contraction to miss', relativeDifference: null };
  const run = (ntkMethod: 'contraction' | 'autodiff') => estimate(net, o.inputs, { networks: 4, seed: c.seed, nngp: false, ntkMethod, preactivations: false, backend: o.backend });
  const [a, b] = [await run('contraction'), await run('autodiff')];
  const A = a.ntk!;
  const B = b.ntk!;
  let num2 = 0;
  let den = 0;
  for (let i = 0; i < A.length; i++) {
    num2 += (A[i] - B[i]) ** 2;
    den += B[i] ** 2;
  }
  const rel = Math.sqrt(num2 / Math.max(den, 1e-300));
  return rel <= 1e-3
    ? { status: 'pass', message: `contraction and autodiff NTKs agree on 4 networks (relative difference ${rel.toExponential(1)})`, relativeDifference: rel }
    : {
        status: 'fail',
        message: `contraction and autodiff NTKs differ by ${(100 * rel).toFixed(1)} % on the same networks: the layer applies a trainable parameter outside the site helpers of src/layers/sites.ts (linear, addBias, leftShared), so the sampler's NTK misses it`,
        relativeDifference: rel,
      };
}

export async function checkLayer(mod: LayerModule, o: CheckLayerOptions): Promise<CheckLayerReport> {
  const variant = o.variant ?? null;
  let factory = mod.factory;
  if (variant !== null) {
    const v = mod.broken?.[variant];
    if (!v) throw new CheckLayerError(`no broken variant ${JSON.stringify(variant)}; the module has: ${Object.keys(mod.broken ?? {}).join(', ') || '(none)'}`);
    factory = v.factory;
  }
  const spec: Readonly<Record<string, unknown>> = mod.sample ?? { type: mod.type };
  const width = o.width ?? 32;
  const seed = o.seed ?? 1;
  const alpha = o.alpha ?? 1e-3;
  const runs = o.runs ?? 8;
  let rows = tableCompositions(width, seed);
  if (o.only?.length) {
    const unknown = o.only.filter((n) => !rows.some((r) => r.name === n));
    if (unknown.length) throw new CheckLayerError(`unknown composition(s) ${unknown.join(', ')}; the table has: ${rows.map((r) => r.name).join(', ')}`);
    rows = rows.filter((r) => o.only!.includes(r.name));
  }
  // Two verdicts (NNGP, NTK) per composition, planned before anything runs.
  const alphaPerVerdict = alpha / (2 * (rows.length + runs));
  const total = rows.length + runs + 1;
  let step = 0;
  const tick = (label: string) => o.onProgress?.(step / total, label);

  // Registered exactly as a built-in layer is: through the registry, restored afterwards.
  const restore = overrideLayer(mod.type, factory as never);
  try {
    const runner = makeRunner(mod, spec, o, alphaPerVerdict);
    const table: CompositionRow[] = [];
    let interrupted = false;
    for (const r of rows) {
      // Let a pending Ctrl-C run (the samplers never yield to the event loop on their own).
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (o.signal?.aborted) {
        interrupted = true;
        break;
      }
      tick(`${r.name}: ${describeComposition(r.composition, mod.type)}`);
      const row = await runner.run(r.name, r.composition);
      table.push(row);
      o.onRow?.(row);
      step++;
    }

    let property: PropertyOutcome | null = null;
    if (runs > 0 && !interrupted && !o.signal?.aborted) {
      const fcSeed = o.fcSeed ?? 1;
      const propertyRows: CompositionRow[] = [];
      let last: CompositionRow | null = null;
      const neighbours = fc.array(fc.constantFrom(...NEIGHBOURS), { maxLength: 2 });
      // Mostly behind a dense lead-in (a Gaussian input, which most layers need), sometimes not;
      // shrinking goes towards no lead-in, fewer neighbours, dense first, the smallest width,
      // seed 1 and unmasked inputs: the simplest composition that still fails.
      const composition = fc
        .record({
          pre: neighbours,
          leadIn: fc.oneof({ arbitrary: fc.constant(false), weight: 1 }, { arbitrary: fc.constant(true), weight: 3 }),
          after: neighbours,
          width: fc.integer({ min: 0, max: 2 }).map((k) => Math.max(4, Math.round(width / 2)) * 2 ** k),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          masked: fc.boolean(),
        })
        .map(({ pre, leadIn, after, width: w, seed: s, masked }): Composition => ({ before: leadIn ? [...pre, 'dense'] : pre, after, width: w, seed: s, masked }));
      let index = 0;
      const prop = fc.asyncProperty(fc.limitShrink(composition, o.maxShrinks ?? 24), async (c) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (o.signal?.aborted) return true;
        // fast-check draws no new composition after the first failure: every later call is a shrink.
        const shrinking = last !== null;
        index++;
        if (!shrinking) tick(`random composition ${propertyRows.length + 1}/${runs}: ${describeComposition(c, mod.type)}`);
        else o.onProgress?.(step / total, `shrinking: ${describeComposition(c, mod.type)}`);
        const row = await runner.run(shrinking ? `shrink ${index}` : `random ${propertyRows.length + 1}`, c);
        if (!shrinking) {
          propertyRows.push(row);
          o.onRow?.(row);
          step++;
        }
        if (row.status === 'refused') fc.pre(false);
        if (row.status === 'fail' || row.status === 'error') {
          last = row;
          return false;
        }
        return true;
      });
      const details = await fc.check(prop, { numRuns: runs, seed: fcSeed, path: o.fcPath, maxSkipsPerRun: 1000 });
      const ce = details.counterexample?.[0];
      // The counterexample row: the last failing run is the one fast-check settled on.
      const ceRow: CompositionRow | null = details.failed && ce ? (last as CompositionRow | null) : null;
      property = {
        runs: details.numRuns,
        skipped: details.numSkips,
        failed: details.failed && !!ce,
        interrupted: details.interrupted || Boolean(o.signal?.aborted),
        fcSeed: details.seed,
        counterexample: ceRow && ce ? { ...ceRow, composition: ce, layers: describeComposition(ce, mod.type) } : null,
        counterexamplePath: details.counterexamplePath,
        shrinks: details.numShrinks,
        rows: propertyRows,
      };
      if (o.signal?.aborted) interrupted = true;
    }
    step = total - 1;
    tick('NTK sites');
    const sites = interrupted ? { status: 'skipped' as const, message: 'interrupted', relativeDifference: null } : await siteCheck(mod, spec, o);
    step = total;
    tick('done');
    const failed =
      table.some((r) => r.status === 'fail' || r.status === 'error') ||
      (property?.failed ?? false) ||
      sites.status === 'fail' ||
      (table.length > 0 && table.every((r) => r.status === 'refused'));
    return { type: mod.type, variant, spec, alpha, alphaPerVerdict, table, property, sites, passed: !failed, interrupted };
  } finally {
    restore();
  }
}

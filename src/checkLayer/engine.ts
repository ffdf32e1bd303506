/**
 * check-layer: a layer module (src/layers/module.ts) validated in composition with built-in layers,
 * through the path every built-in layer takes: the factory builds the layer from its spec, the
 * kernel driver and the sampler run it, and `runCase` (src/validation/case.ts) returns the engine's
 * verdicts for the NNGP and the NTK, each with the smallest error it would have caught.
 *
 * Three stages:
 * 1. The table of compositions (compositions.ts; docs/check-layer.md): one per kind of input state
 *    the layer contract allows, and one per kind of layer that reads the output. A composition
 *    whose kernel map throws a KernelError is "refused": the contract lets a layer (or a
 *    neighbour) decline an input it cannot map, with a reason.
 * 2. Random compositions: built-in layers before and after the layer drawn from the architectures'
 *    arbitrary (src/spec/arbitraries.ts), with the network seed and the mask; a failure is shrunk
 *    by fast-check to a smallest failing composition, reported with its seed and replay path.
 * 3. For a layer with trainable parameters: the sampler's NTK by per-layer contractions (which
 *    sees parameters only through the site helpers of src/layers/sites.ts) against plain autodiff
 *    on the same networks; they must agree to float32 rounding.
 *
 * The layer under test sits only where a composition puts it: its type is dispatched by layer path,
 * so when it has a built-in's name the neighbours, the dense lead-in and the readout stay the
 * built-ins, and a wrapper that builds the built-in it wraps (through `builtInLayers` or the
 * registry) gets the original. Widths scale by the module's `scale` hook (else the built-in rule
 * for a built-in name, else not at all), and heads grow with the width wherever the composition's
 * kernel is the many-heads limit (src/layers/heads.ts, with the module's `headLimit` hook).
 *
 * Calibration: every verdict runs at α / (number of verdicts planned), so a correct layer fails the
 * whole check with probability at most α (Bonferroni), whatever the verdicts' dependence.
 */
import fc from 'fast-check';
import type { InputBatch, LayerSpec, NetworkSpec } from '../spec/types.ts';
import { parseWith, SpecError } from '../spec/schema.ts';
import { networkSpecFrom } from '../layers/parse.ts';
import { surroundingsArb } from '../spec/arbitraries.ts';
import { needsHeadScaling } from '../layers/heads.ts';
import type { ScaleOptions } from '../layers/scale.ts';
import { builtInLayerTypes, builtInLayers, layerTypeOf, overrideLayer, registerLayer, unregisterLayer } from '../layers/registry.ts';
import type { LayerFactory, LayerSite } from '../layers/types.ts';
import type { LayerModule } from '../layers/module.ts';
import { buildNetwork } from '../network.ts';
import { runCase, type CaseResult, type KernelKind } from '../validation/case.ts';
import { KernelError } from '../kernels/state.ts';
import { precisionNote } from '../pipeline/kernel.ts';
import { estimate } from '../estimators/ensemble.ts';
import { FLOAT32_FLOOR, type KernelAgreement } from '../verdicts/kernelAgreement.ts';
import { isInconclusive } from '../verdicts/types.ts';
import type { BackendChoice } from '../backend.ts';
import { compositionLayers, describeComposition, rowDesign, slotPath, tableRows, type Composition } from './compositions.ts';

/** An input error found before anything is sampled (a usage error, exit 2): an unknown row or variant, an unusable sample spec. */
export class CheckLayerError extends Error {
  override name = 'CheckLayerError';
}

/** `inconclusive`: no verdict rejected, but one could not decide (e.g. below --max-detectable's power). */
export type RowStatus = 'pass' | 'fail' | 'refused' | 'error' | 'inconclusive';

export interface VerdictSummary {
  readonly kernel: KernelKind;
  /** Rejected by a conclusive verdict (an inconclusive one decides nothing, as in a suite's family). */
  readonly rejected: boolean;
  readonly method: string;
  /** max |z| over the kernel's entries, and the critical value it is compared with at the row's level. */
  readonly statistic: number;
  readonly criticalValue: number;
  readonly pValue: number;
  /**
   * The smallest relative kernel error this verdict catches with probability 0.9 at its level:
   * spread uniformly over the kernel (K → (1 ± δ)K), and confined to one typical entry (the median
   * over entries). src/verdicts/kernelAgreement.ts.
   */
  readonly detectable: { readonly uniform: number; readonly entry: number };
  /** Why the verdict could not decide (src/verdicts/types.ts), empty when it decided. */
  readonly inconclusive: readonly string[];
  readonly notes: readonly string[];
}

export interface CompositionRow {
  readonly name: string;
  /** What the row exercises (table rows; empty for random ones). */
  readonly exercises: string;
  readonly composition: Composition;
  /** e.g. `dense(32) → swish → layerNorm → dense(1)`. */
  readonly layers: string;
  /** Whether the heads grew with the width factor (the composition's kernel is the many-heads limit). */
  readonly headsScaled: boolean;
  /** Networks per width factor. */
  readonly networks: number;
  /** Width factors the row ran at (a table row's: compositions.ts `rowDesign`). */
  readonly scales: readonly number[];
  readonly status: RowStatus;
  readonly verdicts: readonly VerdictSummary[];
  /** Why it was refused or errored, or the verdicts in one line. */
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
  /** Shrink candidates run after the first failure, and their budget (`maxShrinks`): a counterexample that spent the budget may shrink further. */
  readonly shrinkCandidates: number;
  readonly maxShrinks: number;
  readonly rows: readonly CompositionRow[];
}

export interface SiteCheck {
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly message: string;
  readonly relativeDifference: number | null;
}

/** The weakest power of the run: the largest detectable error over every decided verdict. */
export interface WeakestPower {
  readonly uniform: { readonly row: string; readonly kernel: KernelKind; readonly value: number };
  readonly entry: { readonly row: string; readonly kernel: KernelKind; readonly value: number };
}

export interface CheckLayerReport {
  readonly type: string;
  readonly variant: string | null;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly settings: CheckSettings & { readonly profile: ProfileName };
  readonly alpha: number;
  readonly alphaPerVerdict: number;
  readonly table: readonly CompositionRow[];
  readonly property: PropertyOutcome | null;
  readonly sites: SiteCheck;
  /** The weakest power of the table's rows and of the random compositions' (null: no verdict decided). */
  readonly weakest: { readonly table: WeakestPower | null; readonly random: WeakestPower | null };
  readonly passed: boolean;
  /** Whether any composition passed; a run with none (all inconclusive or refused) does not pass. */
  readonly decided: boolean;
  readonly interrupted: boolean;
}

/** What a run's size is made of: its cost and its power (docs/check-layer.md, "Speed and power"). */
export interface CheckSettings {
  /** Hidden width at width factor 1. */
  readonly width: number;
  /** Width factors (at least three, for the 1/width bias model). */
  readonly scales: readonly number[];
  /** Networks per width factor. */
  readonly networks: number;
  /** Random compositions (0: the table only). */
  readonly runs: number;
}

export type ProfileName = 'default' | 'quick';

/**
 * `default`: what `check-layer FILE` runs; `quick` (`--quick`): a first look, every table row with a
 * quarter of the networks and no random compositions. Chosen by measured power per CPU-second
 * (docs/check-layer.md, "Speed and power"): a wider network costs little more per network at these
 * sizes and its ensembles vary less, so width 64 beats more networks at width 32.
 */
export const checkProfiles: Readonly<Record<ProfileName, CheckSettings>> = {
  default: { width: 64, scales: [1, 2, 4], networks: 256, runs: 4 },
  quick: { width: 64, scales: [1, 2, 4], networks: 64, runs: 0 },
};

export interface CheckLayerOptions extends Partial<CheckSettings> {
  readonly inputs: InputBatch;
  /** Inputs with padded positions (the masked compositions). */
  readonly maskedInputs: InputBatch;
  /** Settings not given come from this profile (default 'default'). */
  readonly profile?: ProfileName;
  /** Family-wise false-failure rate of the whole check (default 1e-3). */
  readonly alpha?: number;
  /** fast-check seed (default 1) and a replay path from an earlier failure. */
  readonly fcSeed?: number;
  readonly fcPath?: string;
  /** Most shrink candidates fast-check tries after a failure (each is a full case; default 24). */
  readonly maxShrinks?: number;
  /** Run only the table rows with these names. */
  readonly only?: readonly string[];
  /** Network seed of the table rows (default 1). */
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

/** The table's row names, for `--only` and its error message. */
export function tableRowNames(): string[] {
  return tableRows(1, 1).map((r) => r.name);
}

/**
 * The spec a module is checked with, validated before anything is sampled: a built-in name's spec
 * through the built-in's schema (defaults filled in), any spec through the factory itself at the
 * sites the table puts it, so a factory that cannot read its spec is one clear error, not an error
 * on every row.
 */
export function checkedSample(mod: LayerModule, factory: LayerFactory<never>, inputs: InputBatch, width: number): Readonly<Record<string, unknown>> {
  const given = mod.sample !== undefined;
  const raw: Readonly<Record<string, unknown>> = mod.sample ?? { type: mod.type };
  const where = given ? `its "sample" spec ${JSON.stringify(raw)}` : `{ type: ${JSON.stringify(mod.type)} } (the module has no "sample"; give one with the keys the factory reads)`;
  let spec = raw;
  // A built-in name's spec is a built-in spec; a new type's is read by its own schema, if it has one.
  const schema = mod.type in builtInLayerTypes ? builtInLayerTypes[mod.type].schema : mod.schema;
  if (schema) {
    try {
      spec = parseWith(schema, raw, 'sample') as Record<string, unknown>;
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      const issues = e.issues.map((l) => `sample.${l.replace(/^\(root\)(: )?/, '')}`).join('; ');
      throw new CheckLayerError(
        mod.type in builtInLayerTypes
          ? `the layer has the built-in name "${mod.type}", so its spec is a built-in ${mod.type} spec, but ${where} is not: ${issues} (a layer with keys of its own needs a name of its own)`
          : `${where} does not pass the module's schema: ${issues}`,
      );
    }
  }
  // Paths no composition uses, so a factory that reads its site's path cannot mistake a probe for a slot.
  const sites: LayerSite[] = [
    { path: 'sample(raw inputs)', inWidth: inputs.d, T: inputs.T, rawWidth: true },
    { path: 'sample(after dense)', inWidth: width, T: inputs.T, rawWidth: false },
    { path: 'sample(pooled)', inWidth: width, T: 1, rawWidth: false },
  ];
  // A spec that does not fit one slot (a SpecError: a residual block must keep its input width, and
  // the raw inputs and the dense lead-in differ) leaves the rows of that slot refused; any other
  // error, or a spec that fits no slot, is the module's fault and stops the check here.
  const misfits: string[] = [];
  for (const site of sites) {
    const at = `${site.rawWidth ? 'on the raw inputs' : `after a dense layer (${site.inWidth} channels, T = ${site.T})`}`;
    try {
      factory(spec as never, site);
    } catch (e) {
      if (e instanceof SpecError) {
        misfits.push(`${at}: ${e.message.split('\n')[0]}`);
        continue;
      }
      throw new CheckLayerError(`the factory cannot build a layer from ${where} ${at}: ${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (misfits.length === sites.length) throw new CheckLayerError(`the factory cannot build a layer from ${where} in any slot: ${misfits.join('; ')}`);
  return spec;
}

/**
 * Puts the module in the registry for the layer at the current slot path only: every other layer of
 * its type (and a build of the same type from inside the factory: a wrapper calling the registry)
 * gets the factory that was there before. A new type joins with its whole entry (schema, positions,
 * zero-mean, …); a built-in name keeps the built-in's entry but for the factory. Returns the slot
 * setter and the restorer.
 */
function placeAtSlot(mod: LayerModule, factory: LayerFactory<never>): { setSlot: (path: string) => void; restore: () => void } {
  const type = mod.type;
  const reference = layerTypeOf(type)?.factory;
  let slot: string | null = null;
  let building = false;
  const dispatch: LayerFactory<never> = (spec, site) => {
    if (site.path === slot && !building) {
      building = true;
      try {
        return factory(spec, site);
      } finally {
        building = false;
      }
    }
    if (!reference) throw new SpecError(`${site.path}: layer type ${JSON.stringify(type)} is only the layer under test, at ${slot}`);
    return reference(spec, site);
  };
  let restore: () => void;
  if (reference) restore = overrideLayer(type, dispatch);
  else {
    const { sample: _s, broken: _b, ...entry } = mod;
    registerLayer({ ...entry, factory: dispatch as LayerFactory<{ readonly type: string }> });
    restore = () => unregisterLayer(type);
  }
  return { setSlot: (p) => (slot = p), restore };
}

function summarise(kernel: KernelKind, v: KernelAgreement): VerdictSummary {
  const why = (v.inconclusive ?? []).map((i) => `${i.code}: ${i.reason}`);
  return {
    kernel,
    rejected: !isInconclusive(v) && v.rejected,
    method: v.method,
    statistic: v.statistic,
    criticalValue: v.criticalValue,
    pValue: v.pValue,
    detectable: { uniform: v.detectableRelativeError, entry: v.detectableRelativeErrorMedian },
    inconclusive: why,
    notes: v.notes,
  };
}

const fmt = (x: number) => x.toPrecision(3);
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toPrecision(2)} %` : '∞');

interface RunContext {
  readonly mod: LayerModule;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly settings: CheckSettings;
  readonly alphaPerVerdict: number;
  readonly setSlot: (path: string) => void;
  readonly o: CheckLayerOptions;
}

async function runComposition(
  x: RunContext,
  name: string,
  exercises: string,
  c: Composition,
  { networks, scales, curvatureFactor }: { networks: number; scales: readonly number[]; curvatureFactor?: number } = x.settings,
): Promise<CompositionRow> {
  const start = performance.now();
  const { mod, o } = x;
  const layers = describeComposition(c, mod.type);
  const slot = slotPath(c);
  let headsScaled = false;
  const done = (status: RowStatus, verdicts: VerdictSummary[], message: string): CompositionRow => ({
    name,
    exercises,
    composition: c,
    layers,
    headsScaled,
    networks,
    scales,
    status,
    verdicts,
    message,
    seconds: (performance.now() - start) / 1000,
  });
  let r: CaseResult;
  try {
    x.setSlot(slot);
    const net: NetworkSpec = networkSpecFrom({ layers: compositionLayers(c, x.spec) });
    const builtIn = mod.type in builtInLayers;
    headsScaled = needsHeadScaling(net, (l, path) => (path !== slot ? undefined : mod.headLimit ? mod.headLimit(l as never) : builtIn ? undefined : false));
    const scaleLayer: ScaleOptions['layer'] = mod.scale ? (l, ctx) => (ctx.path === slot ? (mod.scale!(l as never, ctx) as unknown as LayerSpec) : undefined) : undefined;
    r = await runCase(
      { name, spec: net, inputs: c.masked ? o.maskedInputs : o.inputs, scales, networks, seed: c.seed, scaleHeads: headsScaled, scaleLayer, curvatureFactor },
      { alpha: x.alphaPerVerdict, backend: o.backend, maxDetectable: o.maxDetectable },
    );
  } catch (e) {
    // A kernel map or a factory declining its input or its site, with a reason (the contract allows it).
    if (e instanceof KernelError || e instanceof SpecError) return done('refused', [], e.message);
    return done('error', [], `${(e as Error).name}: ${(e as Error).message.split('\n')[0]}`);
  }
  const verdicts: VerdictSummary[] = [];
  for (const kernel of ['nngp', 'ntk'] as const) {
    const v = r.verdicts[kernel];
    if (v) verdicts.push(summarise(kernel, v));
  }
  const bad = verdicts.filter((v) => v.rejected);
  const undecided = verdicts.filter((v) => v.inconclusive.length > 0);
  // A sampled kernel that stopped short of its precision says so (its SE is in the verdict).
  const kernelNote = r.kernel.reached ? '' : `; analytic kernel: ${precisionNote(r.kernel)}`;
  const K = (v: VerdictSummary) => v.kernel.toUpperCase();
  // A failing verdict's notes (e.g. a bias model that does not fit the widths) say how far to trust it.
  const notes = (v: VerdictSummary) => (v.notes.length ? `: ${v.notes.join('; ')}` : '');
  if (bad.length) return done('fail', verdicts, bad.map((v) => `${K(v)} rejected (max|z| ${fmt(v.statistic)} > ${fmt(v.criticalValue)}, p ${v.pValue.toExponential(2)})${notes(v)}`).join('; ') + kernelNote);
  if (undecided.length) return done('inconclusive', verdicts, undecided.map((v) => `${K(v)} inconclusive (${v.inconclusive.join('; ')})`).join('; ') + kernelNote);
  return done('pass', verdicts, verdicts.map((v) => `${K(v)} max|z| ${fmt(v.statistic)} ≤ ${fmt(v.criticalValue)}, detects ${pct(v.detectable.uniform)} uniform / ${pct(v.detectable.entry)} one entry`).join('; ') + kernelNote);
}

/**
 * How far the contraction NTK may be from the autodiff NTK on the same networks: both are float32
 * sums of the same products in another order, so they agree to the sampler's rounding, the float32
 * floor the verdicts add to every entry (src/verdicts/kernelAgreement.ts), relative to max |Θ|.
 * A parameter that bypasses the site helpers moves the NTK by its whole contribution instead.
 */
export const SITE_TOLERANCE = FLOAT32_FLOOR;

/** Stage 3: contraction NTK against autodiff NTK on the same few networks. */
async function siteCheck(x: RunContext): Promise<SiteCheck> {
  const { o } = x;
  const c: Composition = { before: [{ type: 'dense', width: x.settings.width, wStd: 1.2, bStd: 0.2 }], after: [{ type: 'dense', width: 1, wStd: 1, bStd: 0.1 }], seed: o.seed ?? 1, masked: false };
  x.setSlot(slotPath(c));
  let net: NetworkSpec;
  let trainable = false;
  try {
    net = networkSpecFrom({ layers: compositionLayers(c, x.spec) });
    const stack = buildNetwork(net, o.inputs);
    trainable = stack.layers[1].params.some((p) => p.trainable);
  } catch (e) {
    return { status: 'skipped', message: `could not build "dense → layer → dense(1)": ${(e as Error).message}`, relativeDifference: null };
  }
  if (!trainable) return { status: 'skipped', message: 'no trainable parameters: nothing for the NTK contraction to miss', relativeDifference: null };
  const networks = 4;
  const run = (ntkMethod: 'contraction' | 'autodiff') => estimate(net, o.inputs, { networks, seed: c.seed, nngp: false, ntkMethod, preactivations: false, backend: o.backend });
  let B: Float64Array;
  try {
    B = (await run('autodiff')).ntk!;
  } catch (e) {
    return { status: 'fail', message: `the autodiff NTK of "dense → layer → dense(1)" fails: ${(e as Error).message.split('\n')[0]}`, relativeDifference: null };
  }
  let A: Float64Array;
  try {
    A = (await run('contraction')).ntk!;
  } catch (e) {
    // The contraction counts the parameters it saw at sites against those declared, and says so.
    return { status: 'fail', message: `the contraction NTK cannot run on the layer: ${(e as Error).message.split('\n')[0]}`, relativeDifference: null };
  }
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < B.length; i++) {
    scale = Math.max(scale, Math.abs(B[i]));
    worst = Math.max(worst, Math.abs(A[i] - B[i]));
  }
  const rel = worst / Math.max(scale, 1e-300);
  return rel <= SITE_TOLERANCE
    ? {
        status: 'pass',
        message: `contraction and autodiff NTKs agree on ${networks} networks (largest difference ${rel.toExponential(1)} of max|Θ|, float32 tolerance ${SITE_TOLERANCE.toExponential(0)})`,
        relativeDifference: rel,
      }
    : {
        status: 'fail',
        message: `contraction and autodiff NTKs differ by ${rel.toExponential(2)} of max|Θ| on the same networks (float32 tolerance ${SITE_TOLERANCE.toExponential(0)}): the layer applies a trainable parameter outside the site helpers of src/layers/sites.ts (linear, addBias, leftShared), so the sampler's NTK misses it`,
        relativeDifference: rel,
      };
}

/** The largest detectable errors over the decided verdicts of `rows` (the run's weakest power). */
export function weakestPower(rows: readonly CompositionRow[]): WeakestPower | null {
  let out: { uniform: WeakestPower['uniform']; entry: WeakestPower['entry'] } | null = null;
  for (const r of rows)
    for (const v of r.verdicts) {
      if (v.inconclusive.length) continue;
      const u = { row: r.name, kernel: v.kernel, value: v.detectable.uniform };
      const e = { row: r.name, kernel: v.kernel, value: v.detectable.entry };
      if (!out) out = { uniform: u, entry: e };
      else {
        if (!(u.value <= out.uniform.value)) out.uniform = u;
        if (!(e.value <= out.entry.value)) out.entry = e;
      }
    }
  return out;
}

export async function checkLayer(mod: LayerModule, o: CheckLayerOptions): Promise<CheckLayerReport> {
  const profile = o.profile ?? 'default';
  const base = checkProfiles[profile];
  const settings: CheckSettings = { width: o.width ?? base.width, scales: o.scales ?? base.scales, networks: o.networks ?? base.networks, runs: o.runs ?? base.runs };
  const variant = o.variant ?? null;
  if (variant !== null) {
    const v = mod.broken?.[variant];
    if (!v) throw new CheckLayerError(`no broken variant ${JSON.stringify(variant)}; the module has: ${Object.keys(mod.broken ?? {}).join(', ') || '(none)'}`);
    mod = { ...mod, factory: v.factory, scale: v.scale ?? mod.scale, headLimit: v.headLimit ?? mod.headLimit };
  }
  const factory = mod.factory as LayerFactory<never>;
  const seed = o.seed ?? 1;
  const alpha = o.alpha ?? 1e-3;
  const runs = settings.runs;
  let rows = tableRows(settings.width, seed);
  if (o.only?.length) {
    const unknown = o.only.filter((n) => !rows.some((r) => r.name === n));
    if (unknown.length) throw new CheckLayerError(`unknown composition(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')}; the table has: ${rows.map((r) => r.name).join(', ')}`);
    rows = rows.filter((r) => o.only!.includes(r.name));
  }
  const spec = checkedSample(mod, factory, o.inputs, settings.width);
  // Two verdicts (NNGP, NTK) per composition, planned before anything runs.
  const alphaPerVerdict = alpha / (2 * (rows.length + runs));
  const total = rows.length + runs + 1;
  let step = 0;
  const tick = (label: string) => o.onProgress?.(step / total, label);

  const { setSlot, restore } = placeAtSlot(mod, factory);
  const x: RunContext = { mod, spec, settings, alphaPerVerdict, setSlot, o };
  try {
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
      const row = await runComposition(x, r.name, r.exercises, r.composition, rowDesign(settings, r));
      table.push(row);
      o.onRow?.(row);
      step++;
    }

    let property: PropertyOutcome | null = null;
    if (runs > 0 && !interrupted && !o.signal?.aborted) {
      const fcSeed = o.fcSeed ?? 1;
      const propertyRows: CompositionRow[] = [];
      let last: CompositionRow | null = null;
      const w = settings.width;
      // Shrinking goes towards fewer layers, seed 1 and unmasked inputs: the simplest composition that still fails.
      const composition = fc
        .record({
          around: surroundingsArb({
            inputWidth: o.inputs.d,
            widths: [Math.max(4, Math.round(w / 2)), w],
            activations: ['relu', 'erf', 'gelu'],
            attention: true,
            mechanisms: ['softmax'],
            maxBefore: 2,
            maxAfter: 1,
          }),
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          masked: fc.boolean(),
        })
        .map(({ around, seed: s, masked }): Composition => ({ before: around.before, after: around.after, seed: s, masked }));
      let index = 0;
      let shrinkCandidates = 0;
      const maxShrinks = o.maxShrinks ?? 24;
      const prop = fc.asyncProperty(fc.limitShrink(composition, maxShrinks), async (c) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (o.signal?.aborted) return true;
        // fast-check draws no new composition after the first failure: every later call is a shrink.
        const shrinking = last !== null;
        index++;
        if (shrinking) shrinkCandidates++;
        // A refused composition is redrawn (fc.pre), so progress counts the decided ones: at most `runs`.
        const refused = propertyRows.filter((r) => r.status === 'refused').length;
        const decided = propertyRows.length - refused;
        if (!shrinking) tick(`random composition ${decided + 1}/${runs}${refused ? ` (${refused} refused and redrawn)` : ''}: ${describeComposition(c, mod.type)}`);
        else o.onProgress?.(step / total, `shrinking: ${describeComposition(c, mod.type)}`);
        const row = await runComposition(x, shrinking ? `shrink ${index}` : `random ${propertyRows.length + 1}`, '', c);
        if (!shrinking) {
          propertyRows.push(row);
          o.onRow?.(row);
          if (row.status !== 'refused') step++;
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
        shrinkCandidates,
        maxShrinks,
        rows: propertyRows,
      };
      if (o.signal?.aborted) interrupted = true;
    }
    step = total - 1;
    tick('NTK sites');
    const sites = interrupted ? { status: 'skipped' as const, message: 'interrupted', relativeDifference: null } : await siteCheck(x);
    step = total;
    tick('done');
    const all = [...table, ...(property?.rows ?? [])];
    const failed =
      all.some((r) => r.status === 'fail' || r.status === 'error') ||
      (property?.failed ?? false) ||
      sites.status === 'fail' ||
      (table.length > 0 && table.every((r) => r.status === 'refused'));
    // Nothing passes on nothing: a run in which no composition passed is not a pass.
    const decided = all.some((r) => r.status === 'pass');
    return {
      type: mod.type,
      variant,
      spec,
      settings: { ...settings, profile },
      alpha,
      alphaPerVerdict,
      table,
      property,
      sites,
      weakest: { table: weakestPower(table), random: weakestPower(property?.rows ?? []) },
      passed: !failed && decided,
      decided,
      interrupted,
    };
  } finally {
    restore();
  }
}

/**
 * Monte-Carlo estimates over an ensemble of independent finite networks: the empirical NNGP
 * (per network, the mean over output channels of f_c(x) f_c(y)) and the empirical NTK (per network,
 * Σ_p ∂f_0(x)/∂θ_p ∂f_0(y)/∂θ_p for the scalar readout of channel 0, by tfjs autodiff).
 * Networks are batched inside every tensor op; network k's weights depend only on (seed, k).
 */
import * as tf from '@tensorflow/tfjs';
import type { InputBatch, InputsSpec, LayerSpec, NetworkSpec } from '../spec/types.ts';
import { buildNetwork } from '../network.ts';
import { inputBatchFrom } from '../spec/schema.ts';
import { networkSpecFrom } from '../layers/parse.ts';
import type { Stack } from '../layers/sequential.ts';
import { layerTypeOf } from '../layers/table.ts';
import { renameParams, type FiniteContext, type ParamDecl, type ParamMap, type PreactivationSampler } from '../layers/types.ts';
import { activeBackend, initBackend, type BackendChoice } from '../backend.ts';
import { MomentAccumulator } from './accumulator.ts';
import { lazyParams } from './params.ts';
import { ConditionalPreactivations } from './preactivations.ts';
import { ntkByAutodiff } from './ntkAutodiff.ts';
import { ntkByContraction, type ContractionOptions } from './ntkContraction.ts';
import { applyControlVariates, fitControlVariates, SiteFeatures, type ControlVariateFit } from './controlVariates.ts';
import { seed32 } from '../random/normals.ts';

export interface EstimateOptions {
  readonly networks: number;
  readonly seed: number;
  /** Index of the first network (shards start elsewhere); default 0. */
  readonly firstNetwork?: number;
  /** Networks per tensor batch; default chosen from the parameter count. */
  readonly chunk?: number;
  readonly nngp?: boolean;
  readonly ntk?: boolean;
  readonly backend?: BackendChoice;
  /**
   * How the per-network NTK is computed: 'contraction' (default; per-layer Grams of activations and
   * back-propagated signals, T_out reverse passes) or 'autodiff' (one reverse pass per output and
   * the Gram of the full parameter gradients: the plain reference the other is tested against).
   */
  readonly ntkMethod?: 'contraction' | 'autodiff';
  /**
   * Average a final dense readout out exactly (default true): for the NNGP its weights and bias
   * (nngpChunk), for the NTK the norm of its weights (ntkChunk); false gives the plain estimators.
   */
  readonly averageReadout?: boolean;
  /**
   * Draw what a site's input lets the network see of its weight, given that input, where that is
   * cheaper than drawing the weight (default true, on the wasm, cpu and tensorflow backends): the
   * NNGP's hidden pre-activations (preactivations.ts), and for a single-output-position NTK the
   * component of the weight in the input's row space and the rest given the back-propagated
   * signals (conditionalSites.ts). The same law, so the same mean and variance; false draws every
   * weight. A network's NNGP and NTK share the pre-activation draws where both use them and differ
   * elsewhere (nothing pairs them).
   */
  readonly preactivations?: boolean;
  /** Track the covariance across all P² entries (accumulators' `cov`, O(P⁴) per network); default false. */
  readonly covariance?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Also return each network's output channel 0 at every (input, position): `outputs`, row-major
   * [networks, M·T'] (float64 copies of the float32 forward pass). For reports: histograms and
   * kurtosis of the finite network's law, which the kernels alone do not show. Default false.
   */
  readonly collectOutputs?: boolean;
  /** Keep each block's accumulators in the result (`blocks`), for shard files and workers. */
  readonly keepBlocks?: boolean;
  /**
   * Called with each network's kernel (P² values, row-major, float32) before it is accumulated, and
   * with control variates the adjusted kernel the estimate accumulates: for paired comparisons of
   * estimators on the same networks. The arrays may be reused after the call; copy what you keep.
   */
  readonly perNetwork?: (network: number, kernel: 'nngp' | 'ntk', values: Float32Array, adjusted?: Float64Array) => void;
  /**
   * Subtract control variates (controlVariates.ts): per site the Gram innovation y yᵀ/m − s² x xᵀ,
   * whose mean is exactly zero, with coefficients fitted on `pilot` networks (DEFAULT_PILOT) of an
   * independent seed, or given (`fits`, e.g. by the parent of worker threads). The networks of the
   * run stay i.i.d. and the estimator unbiased; the result's `controlVariates` holds the plain
   * estimator's accumulators on the same networks and the pilot's cost. Default off.
   */
  readonly controlVariates?: boolean | { readonly pilot?: number; readonly fits?: ControlVariateFits };
}

/** Fitted control-variate coefficients per kernel. */
export interface ControlVariateFits {
  readonly nngp: ControlVariateFit | null;
  readonly ntk: ControlVariateFit | null;
  /** Seconds the pilot took (0 when the fits came from elsewhere). */
  readonly pilotSeconds: number;
}

/** With `controlVariates`: what they cost and what the plain estimator gives on the same networks. */
export interface ControlVariateReport {
  readonly fits: ControlVariateFits;
  /** The plain per-network kernels' accumulators, same networks (null for a kernel not estimated). */
  readonly plain: { readonly nngp: MomentAccumulator | null; readonly ntk: MomentAccumulator | null };
}

/**
 * Networks are accumulated in blocks of BLOCK consecutive indices, each block by Welford's update in
 * index order, and blocks fold into the total in index order. Shards and workers split the work
 * along block boundaries, so merging their blocks repeats exactly the unsharded arithmetic.
 */
export const BLOCK = 64;

export interface BlockAccumulators {
  readonly index: number;
  readonly nngp: MomentAccumulator | null;
  readonly ntk: MomentAccumulator | null;
}

export interface MemoryReading {
  readonly numTensors: number;
  readonly rssMB: number;
}

export interface EstimateResult {
  readonly M: number;
  /** Positions per input at the output (1 once pooled); matrices are (M·T)². */
  readonly T: number;
  readonly nngp: Float64Array | null;
  readonly nngpSE: Float64Array | null;
  readonly ntk: Float64Array | null;
  readonly ntkSE: Float64Array | null;
  readonly backend: string;
  readonly networks: number;
  readonly seconds: number;
  readonly accumulators: { readonly nngp: MomentAccumulator | null; readonly ntk: MomentAccumulator | null };
  /** tfjs tensor count and resident memory at the start and the end: flat over a long run. */
  readonly memory: { readonly start: MemoryReading; readonly end: MemoryReading };
  /** With `keepBlocks`: the accumulators of each block of BLOCK networks, for shards and workers. */
  readonly blocks: BlockAccumulators[] | null;
  /** With `collectOutputs`: [networks, M·T] row-major, channel 0 of each network's output; else null. */
  readonly outputs: Float64Array | null;
  /** With `controlVariates`: their fits and the plain estimator on the same networks; else null. */
  readonly controlVariates: ControlVariateReport | null;
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 1 || seed > 2 ** 32 - 1)
    throw new Error(`seed must be a whole number in [1, 2^32 - 1], got ${seed} (0 means "no seed" to tfjs and would not repeat)`);
}

type InputTensors = { x: tf.Tensor4D; ctx: FiniteContext };

/**
 * The inputs broadcast to n networks, made once per chunk size and kept for the whole run (the
 * same tensors serve every chunk): with one network per pass, rebuilding them cost four tensor ops
 * per network. `dispose` frees them.
 */
function inputCache(batch: InputBatch): { get: (n: number) => InputTensors; dispose: () => void } {
  const made = new Map<number, InputTensors>();
  const get = (n: number) => {
    let entry = made.get(n);
    if (!entry) {
      entry = tf.tidy(() => {
        const mask = tf.tensor4d(Float32Array.from(batch.mask), [1, batch.M, batch.T, 1]);
        const x1 = tf.tensor4d(Float32Array.from(batch.x), [1, batch.M, batch.T, batch.d]).mul(mask);
        const x = tf.keep(tf.broadcastTo(x1, [n, batch.M, batch.T, batch.d]) as tf.Tensor4D);
        return { x, ctx: { N: n, M: batch.M, T: batch.T, mask: tf.keep(mask), masked: batch.masked } };
      });
      made.set(n, entry);
    }
    return entry;
  };
  return { get, dispose: () => made.forEach((e) => tf.dispose([e.x, e.ctx.mask])) };
}

/**
 * Per-network NNGP matrices [n, P, P] of a chunk.
 *
 * When the network ends in a dense readout y = σw/√m · z W + σb b, its weights are averaged out
 * exactly: E_W,b[y_c(x) y_c(y) | z] = σw² <z(x), z(y)>/m + σb², the conditional expectation of the
 * plain estimator given the penultimate features (Rao–Blackwell), so the estimate keeps its mean
 * and loses the variance of a finite readout (docs/estimators.md; tested in ensemble.test.ts).
 */
function nngpChunk(
  stack: Stack,
  head: ReadoutSplit | null,
  inputs: InputTensors,
  params: ParamMap,
  n: number,
  preactivations: PreactivationSampler | undefined,
  observer: SiteFeatures | undefined,
): { kernel: tf.Tensor3D; features: Float64Array[] | null } {
  let features: Float64Array[] | null = null;
  const kernel = tf.tidy(() => {
    const { x, ctx } = inputs;
    const { y, ctx: out } = (head ? head.body : stack).forward(x, params, { ...ctx, preactivations, ...(observer ? { observer } : {}) });
    if (observer) features = observer.features(n);
    const [, M, T, C] = y.shape;
    const flat = y.reshape([n, M * T, C]);
    // An explicit transpose keeps WASM on its XNNPACK GEMM (a transposed operand takes a scalar loop).
    const product = tf.matMul(flat, flat.transpose([0, 2, 1]));
    if (!head) return product.div(C) as tf.Tensor3D;
    // Each step only where it changes something: on one network per pass every tensor op costs
    // about as much as the arithmetic of these 64 × 64 matrices.
    let gram = product.mul((head.wStd * head.wStd) / C);
    if (head.bStd === 0) return gram as tf.Tensor3D;
    gram = gram.add(head.bStd * head.bStd);
    if (!out.masked) return gram as tf.Tensor3D;
    const valid = out.mask.reshape([1, M * T, 1]);
    return gram.mul(valid).mul(valid.reshape([1, 1, M * T])) as tf.Tensor3D;
  });
  return { kernel, features };
}

/** The spec with its last layer narrowed to one output channel (the scalar readout of the NTK). */
export function scalarReadout(spec: NetworkSpec): NetworkSpec {
  const last = spec.layers[spec.layers.length - 1];
  const out = layerTypeOf(last.type)?.outWidth;
  const one = out ? (out.set(last as never, 1) as LayerSpec) : last;
  return { layers: [...spec.layers.slice(0, -1), one] };
}

/** A network split into its body and a final dense readout, for the exact readout average. */
export interface ReadoutSplit {
  readonly body: Stack;
  readonly wStd: number;
  readonly bStd: number;
}

export function splitReadout(spec: NetworkSpec, batch: InputBatch): ReadoutSplit | null {
  const last = spec.layers[spec.layers.length - 1];
  if (last.type !== 'dense' || spec.layers.length < 2) return null;
  // Same paths (`layers[i]`) as the full network, so the parameters drawn for it fit the body.
  return { body: buildNetwork({ layers: spec.layers.slice(0, -1) }, batch), wStd: last.wStd, bStd: last.bStd };
}

/** The scalar readout's site prefix, weight key and input width (its weights' count per network). */
interface ReadoutWeights {
  readonly prefix: string;
  readonly weight: string;
  readonly width: number;
}

function readoutOf(stack: Stack): ReadoutWeights {
  const last = stack.layers[stack.layers.length - 1];
  return { prefix: `${last.path}|`, weight: `${last.path}|W`, width: last.inWidth };
}

/**
 * Per-network NTK matrices [n, P, P] of a chunk (scalar readout f = s·z w + σb b, w ∈ R^m).
 *
 * With `readout`, the scale of the readout weights w is averaged out exactly. Every signal the
 * reverse pass carries is linear in w, so Θ = Θ_ro + |w|²·Θ₁(w/|w|), where Θ_ro, the readout's own
 * terms (s² z zᵀ and the bias), and the unit-vector part Θ₁ do not depend on |w|; and for Gaussian w
 * the norm |w|² ~ χ²_m is independent of the direction w/|w|. So
 *   E[Θ | z, w/|w|] = Θ_ro + m · Θ₁ = Θ_ro + (m/|w|²)(Θ − Θ_ro),
 * the conditional expectation of the plain estimator given everything but |w|: the same mean, and
 * (Rao–Blackwell) no more variance (docs/estimators.md).
 */
function ntkChunk(
  stack: Stack,
  readout: ReadoutWeights | null,
  batch: InputBatch,
  params: ParamMap,
  n: number,
  input: () => InputTensors,
  method: 'contraction' | 'autodiff',
  conditional: ContractionOptions['conditional'],
  observer: SiteFeatures | undefined,
): { kernel: tf.Tensor3D; features: Float64Array[] | null } {
  const opts: ContractionOptions = { ...(readout ? { split: readout.prefix } : {}), ...(conditional ? { conditional } : {}) };
  // The features come from the pass that computes Θ when it runs the reverse pass by hand (its
  // forward draws are the estimator's); otherwise from a plain forward over the same weights.
  const inPass = method === 'contraction' && stack.forwardBack !== undefined;
  const { theta, part, features: passFeatures } = (method === 'autodiff' ? ntkByAutodiff : ntkByContraction)(stack, batch, params, n, input, {
    ...opts,
    ...(observer && inPass ? { observer } : {}),
  });
  let features = passFeatures ?? null;
  if (observer && !inPass)
    tf.tidy(() => {
      const { x, ctx } = input();
      stack.forward(x, params, { ...ctx, observer });
      features = observer.features(n);
    });
  if (!readout || !part) return { kernel: theta, features };
  const kernel = tf.tidy(() => {
    const w = params[readout.weight];
    const factor = tf.div(readout.width, w.square().sum(w.shape.slice(1).map((_, i) => i + 1))).reshape([n, 1, 1]);
    const out = part.add(theta.sub(part).mul(factor)) as tf.Tensor3D;
    theta.dispose();
    part.dispose();
    return out;
  });
  return { kernel, features };
}

/** Channel 0 of the full network's output for a chunk: [n, P] (the per-network scalar readout the NTK differentiates). */
function outputChunk(stack: Stack, batch: InputBatch, inputs: InputTensors, params: ParamMap, n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const { x, ctx } = inputs;
    const { y } = stack.forward(x, params, ctx);
    return y.slice([0, 0, 0, 0], [n, y.shape[1], y.shape[2], 1]).reshape([n, batch.M * stack.T]) as tf.Tensor2D;
  });
}

/**
 * Networks per tensor batch. WASM runs a GEMM on XNNPACK only when its batch dimension is 1; a
 * batched matMul takes a scalar loop at 1–3 GFLOP/s against 30–40 for a 2-D one
 * (docs/performance.md), and splitting a batch copies the whole tensor per piece. So on WASM one
 * network per pass measured fastest (e.g. dense(256)-relu-dense(256)-relu-pool-dense, M = T = 8:
 * NNGP 719 networks/s at 1 against 75 at 16; NTK 153 against 71). Batched backends take many.
 */
function defaultChunk(stack: Stack, P: number, backend: string): number {
  if (backend === 'wasm') return 1;
  const perNetwork = stack.params.reduce((s, d) => s + d.shape.reduce((a, b) => a * b, 1), 0);
  return Math.max(1, Math.min(256, Math.floor(2 ** 24 / Math.max(1, perNetwork * (P + 1)))));
}

const PREACTIVATION_BACKENDS = new Set(['wasm', 'cpu', 'tensorflow']);

/** `spec` and `batch` may also be raw JSON: they are validated (SpecError) before anything runs. */
export async function estimate(specOrJson: NetworkSpec, batchOrJson: InputBatch | InputsSpec, opts: EstimateOptions): Promise<EstimateResult> {
  const spec = networkSpecFrom(specOrJson);
  const batch = inputBatchFrom(batchOrJson);
  checkSeed(opts.seed);
  if (!Number.isInteger(opts.networks) || opts.networks < (opts.keepBlocks ? 1 : 2))
    throw new Error(`networks must be a whole number ≥ 2 (standard errors need two), got ${opts.networks}`);
  await initBackend(opts.backend ?? 'auto');
  const cv = opts.controlVariates;
  if (!cv) return run(spec, batch, opts, null);
  const fits = typeof cv === 'object' && cv.fits ? cv.fits : await fitControlVariatesOnPilot(spec, batch, opts, typeof cv === 'object' ? cv.pilot : undefined);
  return run(spec, batch, opts, { fits });
}

/** Pilot networks of the control variates unless told otherwise. */
export const DEFAULT_PILOT = 64;

/** The pilot's seed: its own streams, apart from the run's. */
export const pilotSeed = (seed: number) => seed32(`control-variates/pilot/${seed}`);

/**
 * Fits the control variates' coefficients on `pilot` networks of an independent seed (pilotSeed):
 * the same for every shard and worker of a run, so merged results stay bit-identical.
 */
export async function fitControlVariatesOnPilot(spec: NetworkSpec, batch: InputBatch, opts: EstimateOptions, pilot = DEFAULT_PILOT): Promise<ControlVariateFits> {
  if (!Number.isInteger(pilot) || pilot < 8) throw new Error(`controlVariates.pilot must be a whole number ≥ 8, got ${pilot}`);
  await initBackend(opts.backend ?? 'auto');
  const start = performance.now();
  const sink: CollectSink = { nngp: { K: [], F: [], sites: [] }, ntk: { K: [], F: [], sites: [] } };
  const { onProgress: _p, perNetwork: _n, keepBlocks: _k, firstNetwork: _f, collectOutputs: _o, ...rest } = opts;
  const r = await run(spec, batch, { ...rest, networks: pilot, seed: pilotSeed(opts.seed) }, { collect: sink });
  const P = r.M * r.T;
  const valid = r.T === batch.T ? batch.mask : new Float64Array(P).fill(1);
  const fit = (c: CollectSink["nngp"]) => (c.K.length > 0 ? fitControlVariates(c.K, c.F, c.sites, P, valid) : null);
  return { nngp: fit(sink.nngp), ntk: fit(sink.ntk), pilotSeconds: (performance.now() - start) / 1000 };
}

interface CollectSink {
  readonly nngp: { K: Float64Array[]; F: Float64Array[]; sites: string[] };
  readonly ntk: { K: Float64Array[]; F: Float64Array[]; sites: string[] };
}

type ControlVariateMode = { readonly collect: CollectSink } | { readonly fits: ControlVariateFits };

async function run(spec: NetworkSpec, batch: InputBatch, opts: EstimateOptions, cv: ControlVariateMode | null): Promise<EstimateResult> {
  const stack = buildNetwork(spec, batch);
  const P = batch.M * stack.T;
  const doNngp = opts.nngp ?? true;
  const doNtk = opts.ntk ?? true;
  const accN = doNngp ? new MomentAccumulator(P * P, opts.covariance ?? false) : null;
  const accT = doNtk ? new MomentAccumulator(P * P, opts.covariance ?? false) : null;
  const chunk = opts.chunk ?? defaultChunk(stack, P, activeBackend());
  const first = opts.firstNetwork ?? 0;
  const head = opts.averageReadout === false ? null : splitReadout(spec, batch);
  // The factorisation reads the Gram back synchronously and runs per network in JS: CPU-side
  // backends only (webgpu has no synchronous read in Node, and a GPU wants whole batches).
  const preactivations = opts.preactivations !== false && PREACTIVATION_BACKENDS.has(activeBackend());
  // The NNGP needs no readout weights when they are averaged out; the NTK and the outputs read one
  // channel, so their network's readout has width 1 (channel 0 of any width has the same law).
  const nngpStack = head ? head.body : stack;
  const scalarStack = buildNetwork(scalarReadout(spec), batch);
  const ntkReadout = head ? readoutOf(scalarStack) : null;
  const outputs = opts.collectOutputs ? new Float64Array(opts.networks * P) : null;
  const needed = new Map<string, ParamDecl>();
  const declKey = (d: ParamDecl) => `${d.name}#${d.shape.join('x')}`;
  if (doNngp) for (const d of nngpStack.params) needed.set(declKey(d), d);
  if (doNtk || outputs) for (const d of scalarStack.params) needed.set(declKey(d), d);
  const paramsFor = (s: Stack, drawn: ParamMap): ParamMap => renameParams(drawn, s.params.map((d) => [d.name, declKey(d)]));
  const start = performance.now();
  const memoryStart = { numTensors: tf.memory().numTensors, rssMB: process.memoryUsage().rss / 2 ** 20 };
  const blocks: BlockAccumulators[] = [];
  let lastYield = performance.now();
  let blockN: MomentAccumulator | null = null;
  let blockT: MomentAccumulator | null = null;
  const closeBlock = (index: number) => {
    // Blocks fold into the totals in index order: the same operations in the same order as any
    // sharded or multi-worker run merged by mergeBlocks, hence bit-identical results.
    if (blockN) accN!.merge(blockN);
    if (blockT) accT!.merge(blockT);
    if (opts.keepBlocks) blocks.push({ index, nngp: blockN, ntk: blockT });
    blockN = blockT = null;
  };
  const inputs = inputCache(batch);
  const fits = cv && 'fits' in cv ? cv.fits : null;
  const plainN = fits?.nngp ? new MomentAccumulator(P * P, opts.covariance ?? false) : null;
  const plainT = fits?.ntk ? new MomentAccumulator(P * P, opts.covariance ?? false) : null;
  try {
    for (let done = 0; done < opts.networks; ) {
      const global = first + done;
      if (global % BLOCK === 0 || done === 0) {
        blockN = doNngp ? new MomentAccumulator(P * P, opts.covariance ?? false) : null;
        blockT = doNtk ? new MomentAccumulator(P * P, opts.covariance ?? false) : null;
      }
      // A chunk never straddles a block, so every run partitions a block's networks the same way.
      const n = Math.min(chunk, opts.networks - done, BLOCK - (global % BLOCK));
      const lazy = lazyParams([...needed.entries()].map(([key, d]) => ({ ...d, key })), opts.seed, global, n);
      const drawn = lazy.map;
      try {
        const scalarParams = paramsFor(scalarStack, drawn);
        const sampler = preactivations ? new ConditionalPreactivations(opts.seed, global) : undefined;
        for (const [acc, kind, pass] of [
          [blockN, 'nngp', (o?: SiteFeatures) => nngpChunk(nngpStack, head, inputs.get(n), paramsFor(nngpStack, drawn), n, sampler, o)],
          [
            blockT,
            'ntk',
            (o?: SiteFeatures) =>
              ntkChunk(scalarStack, ntkReadout, batch, scalarParams, n, () => inputs.get(n), opts.ntkMethod ?? 'contraction', preactivations ? { seed: opts.seed, first: global } : undefined, o),
          ],
        ] as const) {
          if (!acc) continue;
          const fit = fits ? fits[kind] : null;
          const observer = cv && 'collect' in cv ? new SiteFeatures(batch.M, batch.T, P) : fit && fit.sites.length > 0 ? new SiteFeatures(batch.M, batch.T, P, new Set(fit.sites)) : undefined;
          const { kernel, features } = pass(observer);
          const data = (await kernel.data()) as Float32Array;
          kernel.dispose();
          for (let k = 0; k < n; k++) {
            const values = data.subarray(k * P * P, (k + 1) * P * P);
            if (cv && 'collect' in cv) {
              const sink = cv.collect[kind];
              sink.sites.splice(0, sink.sites.length, ...observer!.keys);
              sink.K.push(Float64Array.from(values));
              sink.F.push(features![k]);
            }
            if (fit && observer) {
              if (observer.keys.join() !== fit.sites.join())
                throw new Error(`control variates: the pass saw sites [${observer.keys.join(', ')}], the fit has [${fit.sites.join(', ')}]`);
              (kind === 'nngp' ? plainN : plainT)!.add(values);
              const adjusted = applyControlVariates(values, features![k], fit);
              opts.perNetwork?.(global + k, kind, values, adjusted);
              acc.add(adjusted);
            } else {
              // No site earned its cost on the pilot: the plain estimator, recorded as such too.
              if (fit) (kind === 'nngp' ? plainN : plainT)!.add(values);
              opts.perNetwork?.(global + k, kind, values, fit ? Float64Array.from(values) : undefined);
              acc.add(values);
            }
          }
        }
        if (outputs) {
          const t = outputChunk(scalarStack, batch, inputs.get(n), scalarParams, n);
          outputs.set(await t.data(), done * P);
          t.dispose();
        }
      } finally {
        lazy.dispose();
      }
      done += n;
      if (performance.now() - lastYield > 100) {
        // Let signal handlers and progress output run: tfjs work never returns to the event loop.
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if ((first + done) % BLOCK === 0 || done === opts.networks) closeBlock(Math.floor((first + done - 1) / BLOCK));
      opts.onProgress?.(done, opts.networks);
    }
  } finally {
    inputs.dispose();
  }
  return {
    M: batch.M,
    T: stack.T,
    nngp: accN ? new Float64Array(accN.mean) : null,
    nngpSE: accN ? accN.standardError() : null,
    ntk: accT ? new Float64Array(accT.mean) : null,
    ntkSE: accT ? accT.standardError() : null,
    backend: activeBackend(),
    networks: opts.networks,
    seconds: (performance.now() - start) / 1000,
    accumulators: { nngp: accN, ntk: accT },
    outputs,
    controlVariates: fits ? { fits, plain: { nngp: plainN, ntk: plainT } } : null,
    blocks: opts.keepBlocks ? blocks : null,
    memory: { start: memoryStart, end: { numTensors: tf.memory().numTensors, rssMB: process.memoryUsage().rss / 2 ** 20 } },
  };
}

/**
 * Monte-Carlo estimates over an ensemble of independent finite networks: the empirical NNGP
 * (per network, the mean over output channels of f_c(x) f_c(y)) and the empirical NTK (per network,
 * Σ_p ∂f_0(x)/∂θ_p ∂f_0(y)/∂θ_p for the scalar readout of channel 0, by tfjs autodiff).
 * Networks are batched inside every tensor op; network k's weights depend only on (seed, k).
 */
import * as tf from '@tensorflow/tfjs';
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { buildNetwork } from '../network.ts';
import type { Stack } from '../layers/sequential.ts';
import type { FiniteContext, ParamMap } from '../layers/types.ts';
import { activeBackend, initBackend, type BackendChoice } from '../backend.ts';
import { MomentAccumulator } from './accumulator.ts';
import { disposeParams, drawParams } from './params.ts';

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
  /** Average a final dense readout out of the NNGP exactly (default true); false gives the plain estimator. */
  readonly averageReadout?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
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
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 1 || seed > 2 ** 32 - 1)
    throw new Error(`seed must be a whole number in [1, 2^32 - 1], got ${seed} (0 means "no seed" to tfjs and would not repeat)`);
}

function inputTensors(batch: InputBatch, n: number): { x: tf.Tensor4D; ctx: FiniteContext } {
  const mask = tf.tensor4d(Float32Array.from(batch.mask), [1, batch.M, batch.T, 1]);
  const x1 = tf.tensor4d(Float32Array.from(batch.x), [1, batch.M, batch.T, batch.d]).mul(mask);
  const x = tf.broadcastTo(x1, [n, batch.M, batch.T, batch.d]) as tf.Tensor4D;
  return { x, ctx: { N: n, M: batch.M, T: batch.T, mask, masked: batch.masked } };
}

/**
 * Per-network NNGP matrices [n, P, P] of a chunk.
 *
 * When the network ends in a dense readout y = σw/√m · z W + σb b, its weights are averaged out
 * exactly: E_W,b[y_c(x) y_c(y) | z] = σw² <z(x), z(y)>/m + σb², the conditional expectation of the
 * plain estimator given the penultimate features (Rao–Blackwell), so the estimate keeps its mean
 * and loses the variance of a finite readout (docs/estimators.md; tested in ensemble.test.ts).
 */
function nngpChunk(stack: Stack, head: ReadoutSplit | null, batch: InputBatch, params: ParamMap, n: number): tf.Tensor3D {
  return tf.tidy(() => {
    const { x, ctx } = inputTensors(batch, n);
    const { y, ctx: out } = (head ? head.body : stack).forward(x, params, ctx);
    const [, M, T, C] = y.shape;
    const flat = y.reshape([n, M * T, C]);
    const gram = tf.matMul(flat, flat, false, true).div(C);
    if (!head) return gram as tf.Tensor3D;
    const valid = out.mask.reshape([1, M * T, 1]);
    return gram
      .mul(head.wStd * head.wStd)
      .add(head.bStd * head.bStd)
      .mul(valid)
      .mul(valid.reshape([1, 1, M * T])) as tf.Tensor3D;
  });
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

/**
 * Per-network NTK matrices [n, P, P] of a chunk: one reverse pass per output position p gives every
 * network's gradient of f_0 at p at once (networks share no parameters), then per parameter tensor
 * the Gram of the stacked gradients over p.
 */
function ntkChunk(stack: Stack, batch: InputBatch, params: ParamMap, n: number): tf.Tensor3D {
  const trainable = stack.params.filter((d) => d.trainable).map((d) => d.name);
  const fixed: Record<string, tf.Tensor> = {};
  for (const d of stack.params) if (!d.trainable) fixed[d.name] = params[d.name];
  return tf.tidy(() => {
    const { x, ctx } = inputTensors(batch, n);
    const P = batch.M * stack.T;
    const readout = (ps: tf.Tensor[]): tf.Tensor2D => {
      const map: Record<string, tf.Tensor> = { ...fixed };
      trainable.forEach((name, i) => (map[name] = ps[i]));
      const { y } = stack.forward(x, map, ctx);
      return y.slice([0, 0, 0, 0], [n, y.shape[1], y.shape[2], 1]).reshape([n, P]);
    };
    const perP: tf.Tensor[][] = [];
    for (let p = 0; p < P; p++) {
      const onehot = tf.oneHot([p], P).reshape([1, P]);
      const g = tf.grads((...ps: tf.Tensor[]) => readout(ps).mul(onehot).sum())(trainable.map((name) => params[name]));
      perP.push(g.map((t) => t.reshape([n, -1])));
    }
    let theta: tf.Tensor3D = tf.zeros([n, P, P]);
    trainable.forEach((_, i) => {
      const J = tf.stack(perP.map((g) => g[i]), 1) as tf.Tensor3D; // [n, P, E]
      theta = theta.add(tf.matMul(J, J, false, true));
    });
    return theta;
  });
}

function defaultChunk(stack: Stack, P: number): number {
  const perNetwork = stack.params.reduce((s, d) => s + d.shape.reduce((a, b) => a * b, 1), 0);
  // The NTK holds P gradients of every parameter per network; keep a chunk near 2^24 floats.
  return Math.max(1, Math.min(256, Math.floor(2 ** 24 / Math.max(1, perNetwork * (P + 1)))));
}

export async function estimate(spec: NetworkSpec, batch: InputBatch, opts: EstimateOptions): Promise<EstimateResult> {
  checkSeed(opts.seed);
  if (!Number.isInteger(opts.networks) || opts.networks < 2)
    throw new Error(`networks must be a whole number ≥ 2 (standard errors need two), got ${opts.networks}`);
  await initBackend(opts.backend ?? 'auto');
  const stack = buildNetwork(spec, batch);
  const P = batch.M * stack.T;
  const doNngp = opts.nngp ?? true;
  const doNtk = opts.ntk ?? true;
  const accN = doNngp ? new MomentAccumulator(P * P) : null;
  const accT = doNtk ? new MomentAccumulator(P * P) : null;
  const chunk = opts.chunk ?? defaultChunk(stack, P);
  const first = opts.firstNetwork ?? 0;
  const head = opts.averageReadout === false ? null : splitReadout(spec, batch);
  const start = performance.now();
  for (let done = 0; done < opts.networks; ) {
    const n = Math.min(chunk, opts.networks - done);
    const params = drawParams(stack.params, opts.seed, first + done, n);
    try {
      for (const [acc, run] of [
        [accN, () => nngpChunk(stack, head, batch, params, n)],
        [accT, () => ntkChunk(stack, batch, params, n)],
      ] as const) {
        if (!acc) continue;
        const t = run();
        const data = await t.data();
        t.dispose();
        for (let k = 0; k < n; k++) acc.add(data.subarray(k * P * P, (k + 1) * P * P));
      }
    } finally {
      disposeParams(params);
    }
    done += n;
    opts.onProgress?.(done, opts.networks);
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
  };
}

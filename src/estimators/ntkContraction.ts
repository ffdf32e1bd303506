/**
 * The per-network empirical NTK by per-layer contractions (the sites of src/layers/sites.ts).
 *
 * For outputs o, o′ (output positions; one when the network pools) and two networks' worth of
 * parameter sites i, j of the same parameter:
 *   Θ[(x,o),(y,o′)] = Σ_params Σ_{i,j} s_i s_j Σ_{t∈x, t′∈y} A_ij[t, t′] · <δ^o_i[t], δ^o′_j[t′]>
 * where δ^o_i = ∂(Σ_x f_0(x, o))/∂y_i comes from ONE reverse pass per output position o for every
 * input and network at once: inputs interact only within their own sequence, so the gradient of
 * the sum over inputs, restricted to input x's rows, is input x's own. The autodiff estimator
 * (ntkAutodiff.ts) needs one pass per (input, position) and materialises every gradient; this one
 * needs T_out passes and Grams of activations and signals only.
 */
import * as tf from '@tensorflow/tfjs';
import type { InputBatch } from '../spec/types.ts';
import type { Stack } from '../layers/sequential.ts';
import type { FiniteContext, ParamMap } from '../layers/types.ts';
import type { SignalTape, SiteRecord, SiteTape } from '../layers/sites.ts';
import { ConditionalSites } from './conditionalSites.ts';
import type { SiteFeatures } from './controlVariates.ts';

interface Recorded extends SiteRecord {
  readonly key: string;
}

class ProbeTape implements SiteTape {
  prefix = '';
  readonly sites: Recorded[] = [];
  private next = 0;
  constructor(private readonly probes: readonly tf.Tensor3D[] | null) {}

  observe(site: SiteRecord, y: tf.Tensor3D): tf.Tensor3D {
    if (!site.trainable) return y;
    const rec: Recorded = { ...site, key: `${this.prefix}|${site.param}` };
    if (this.probes === null) {
      this.sites.push({ ...rec, input: undefined, rowGram: undefined });
      return y;
    }
    // Kept past tf.grads' own scope: the contraction needs the activations after the reverse pass.
    if (rec.input) tf.keep(rec.input);
    if (rec.rowGram) tf.keep(rec.rowGram);
    this.sites.push(rec);
    return y.add(this.probes[this.next++]) as tf.Tensor3D;
  }
}


interface SiteLayout {
  readonly shapes: readonly (readonly number[])[];
  readonly Tout: number;
}

/**
 * The sites' output shapes depend only on the network and the chunk size, so the forward pass that
 * discovers them (and checks that every trainable parameter goes through a site) runs once per
 * network and chunk size, not once per chunk: at one network per pass it would cost a third of the NTK.
 */
const layouts = new WeakMap<Stack, Map<number, SiteLayout>>();

function siteLayout(stack: Stack, n: number, discover: () => { tape: ProbeTape; Tout: number }): SiteLayout {
  let byN = layouts.get(stack);
  if (!byN) layouts.set(stack, (byN = new Map()));
  const known = byN.get(n);
  if (known) return known;
  const { tape, Tout } = discover();
  const trainable = stack.params.filter((d) => d.trainable).length;
  const observed = new Set(tape.sites.map((s) => s.key)).size;
  if (observed !== trainable)
    throw new Error(
      `the contraction NTK saw ${observed} trainable parameter(s) at sites but the network declares ${trainable}: a layer applies a parameter outside the helpers of src/layers/sites.ts; use ntkMethod 'autodiff' for it (check-layer reports which)`,
    );
  const layout = { shapes: tape.sites.map((s) => s.shape), Tout };
  byN.set(n, layout);
  return layout;
}

function blockSum(prod: tf.Tensor3D, n: number, M: number, T: number): tf.Tensor3D {
  if (T === 1) return prod;
  return prod.reshape([n, M, T, M, T]).sum([2, 4]) as tf.Tensor3D;
}

/** Options of the contraction. */
export interface ContractionOptions {
  /**
   * Also return, apart, the terms of the sites whose key starts with this prefix (a layer path plus
   * '|'): `part` is their share of Θ, so that Θ − part is the rest.
   */
  readonly split?: string;
  /**
   * Draw the weights of sites whose input has low rank given that input (conditionalSites.ts), for
   * networks [first, first + n) of a run with this seed; single-pass networks only.
   */
  readonly conditional?: { readonly seed: number; readonly first: number; readonly always?: boolean };
  /** Sees the forward pass's sites; its features are returned (controlVariates.ts). Written-out reverse passes only. */
  readonly observer?: SiteFeatures;
}

/** Θ per network, [n, M·T_out, M·T_out], and with `split` the share of the split sites. */
export interface ContractionResult {
  readonly theta: tf.Tensor3D;
  readonly part: tf.Tensor3D | null;
  /** With an observer: each network's control-variate features. */
  readonly features?: Float64Array[] | null;
}

const dataOf = (t: tf.Tensor) => (t as unknown as { dataId: unknown }).dataId;

/**
 * Θ from the sites and their signals, deltas[o][site] for output position o:
 *   Θ[(x,o),(y,q)] = Σ_params Σ_{i,j ∈ sites of the parameter} s_i s_j Σ_{t∈x, t′∈y} A_ij[t,t′] <δ^o_i[t], δ^q_j[t′]>.
 * A parameter with one site (every built-in one; tied attention weights are one site too) gives
 * s² A ⊙ (δ^o δ^qᵀ). Sites that share A (W^Q, W^K, W^V read one input) have their signals
 * concatenated along channels and contracted in one product, and terms are summed before one
 * block sum per row count: at one network per pass every tensor op costs engine time.
 */
function contract(sites: readonly Recorded[], deltas: readonly (readonly tf.Tensor3D[])[], n: number, M: number, Tout: number, opts: ContractionOptions): ContractionResult {
  // a bᵀ per network; with one column (a scalar readout's signal) an outer product by broadcasting.
  const gram = (a: tf.Tensor3D, b: tf.Tensor3D) =>
    (a.shape[2] === 1 ? a.mul(b.reshape([b.shape[0], 1, b.shape[1]])) : tf.matMul(a, b.transpose([0, 2, 1]))) as tf.Tensor3D;
  const members = new Map<string, number[]>();
  sites.forEach((s, i) => members.set(s.key, [...(members.get(s.key) ?? []), i]));
  const partOf = (s: Recorded) => (opts.split !== undefined && s.key.startsWith(opts.split) ? 1 : 0);
  // Per part (0: the rest, 1: the split sites) and rows per input Ts: the [o][q] sums of A ⊙ D.
  const sums: Map<number, (tf.Tensor3D | null)[][]>[] = [new Map(), new Map()];
  const add = (part: number, Ts: number, o: number, q: number, t: tf.Tensor3D) => {
    let byT = sums[part].get(Ts);
    if (!byT) sums[part].set(Ts, (byT = Array.from({ length: Tout }, () => new Array<tf.Tensor3D | null>(Tout).fill(null))));
    const cur = byT[o][q];
    byT[o][q] = cur ? (cur.add(t) as tf.Tensor3D) : t;
  };
  const rowsPerInput = (s: Recorded) => s.shape[1] / M;

  // Single-site parameters, grouped by what multiplies their signal Gram (the input's Gram, 1 for a
  // bias, the row Gram of a left site), their part and their row count.
  const groups = new Map<unknown, Map<string, number[]>>();
  for (const idx of members.values()) {
    if (idx.length > 1) continue;
    const s = sites[idx[0]];
    const a = s.kind === 'right' ? dataOf(s.input!) : s.kind === 'bias' ? 'bias' : s.key;
    let inner = groups.get(a);
    if (!inner) groups.set(a, (inner = new Map()));
    const k = `${partOf(s)}/${rowsPerInput(s)}`;
    inner.set(k, [...(inner.get(k) ?? []), idx[0]]);
  }
  for (const inner of groups.values())
    for (const idx of inner.values()) {
      const first = sites[idx[0]];
      const uniform = idx.every((i) => sites[i].scale === first.scale);
      // The signals of the group side by side, each times its scale unless one scale serves all.
      const signals = deltas.map((row) => {
        const ds = idx.map((i) => (uniform || sites[i].scale === 1 ? row[i] : (row[i].mul(sites[i].scale) as tf.Tensor3D)));
        return ds.length === 1 ? ds[0] : (tf.concat(ds, 2) as tf.Tensor3D);
      });
      const s2 = uniform ? first.scale * first.scale : 1;
      let A: tf.Tensor | null =
        first.kind === 'right'
          ? (idx.map((i) => sites[i].gram).find((g) => g) ?? gram(first.input!, first.input!))
          : first.kind === 'left'
            ? (first.rowGram as tf.Tensor2D).reshape([1, first.shape[1], first.shape[1]])
            : null;
      if (s2 !== 1) A = A ? A.mul(s2) : tf.scalar(s2);
      for (let o = 0; o < Tout; o++)
        for (let q = 0; q < Tout; q++) {
          const D = gram(signals[o], signals[q]);
          add(partOf(first), rowsPerInput(first), o, q, (A ? A.mul(D) : D) as tf.Tensor3D);
        }
    }

  // Parameters applied at several sites (a user's layer may tie a weight across two): every pair.
  for (const idx of members.values()) {
    if (idx.length === 1) continue;
    for (const i of idx)
      for (const j of idx) {
        const a = sites[i];
        const b = sites[j];
        if (a.kind !== b.kind) throw new Error(`parameter ${a.key} is used through different kinds of site (${a.kind}, ${b.kind})`);
        const A =
          a.kind === 'bias' ? null : a.kind === 'left' ? (a.rowGram as tf.Tensor2D).reshape([1, a.shape[1], a.shape[1]]) : gram(a.input as tf.Tensor3D, b.input as tf.Tensor3D);
        const ss = a.scale * b.scale;
        for (let o = 0; o < Tout; o++)
          for (let q = 0; q < Tout; q++) {
            const D = gram(deltas[o][i], deltas[q][j]);
            add(partOf(a), rowsPerInput(a), o, q, (A ? A.mul(D).mul(ss) : D.mul(ss)) as tf.Tensor3D);
          }
      }
  }

  const assemble = (part: number): tf.Tensor3D | null => {
    if (sums[part].size === 0) return null;
    const blocks: tf.Tensor3D[][] = Array.from({ length: Tout }, (_, o) =>
      Array.from({ length: Tout }, (_, q) => {
        let acc: tf.Tensor3D | null = null;
        for (const [Ts, byT] of sums[part]) {
          const t = byT[o][q];
          if (!t) continue;
          const b = blockSum(t, n, M, Ts);
          acc = acc ? (acc.add(b) as tf.Tensor3D) : b;
        }
        return acc ?? (tf.zeros([n, M, M]) as tf.Tensor3D);
      }),
    );
    if (Tout === 1) return blocks[0][0];
    // Θ[(x,o),(y,q)] from the [o][q] blocks of [n, M, M].
    const theta = tf.stack(blocks.map((row) => tf.stack(row, 3)), 2); // [n, M, Tout, M, Tout]
    return theta.reshape([n, M * Tout, M * Tout]) as tf.Tensor3D;
  };
  const rest = assemble(0) ?? (tf.zeros([n, M * Tout, M * Tout]) as tf.Tensor3D);
  const part = assemble(1);
  return { theta: part ? (rest.add(part) as tf.Tensor3D) : rest, part: opts.split === undefined ? null : (part ?? (tf.zeros(rest.shape) as tf.Tensor3D)) };
}

/** Records the sites of a forward pass whose reverse pass is written out, and their signals per pass. */
class SignalRecorder implements SignalTape {
  prefix = '';
  readonly sites: Recorded[] = [];
  /** The signals of the current reverse pass, by site id. */
  current: tf.Tensor3D[] = [];

  site(site: SiteRecord): number {
    this.sites.push({ ...site, key: `${this.prefix}|${site.param}` });
    return this.sites.length - 1;
  }

  signal(id: number, delta: tf.Tensor3D): void {
    this.current[id] = delta;
  }
}

/**
 * [n, M·T_out, M·T_out] per-network NTK of output channel 0: by the reverse pass the layers write
 * out (Layer.forwardBack) when every layer has one, one forward pass and T_out reverse passes;
 * otherwise by tfjs autodiff against zero probes at the sites.
 */
export function ntkByContraction(
  stack: Stack,
  batch: InputBatch,
  params: ParamMap,
  n: number,
  input: () => { x: tf.Tensor4D; ctx: FiniteContext },
  opts: ContractionOptions = {},
): ContractionResult {
  return stack.forwardBack ? ntkByReverse(stack, batch, params, n, input, opts) : ntkByProbes(stack, batch, params, n, input, opts);
}

function ntkByReverse(stack: Stack, batch: InputBatch, params: ParamMap, n: number, input: () => { x: tf.Tensor4D; ctx: FiniteContext }, opts: ContractionOptions): ContractionResult {
  const { M } = batch;
  let features: Float64Array[] | null = null;
  const [theta, part] = tf.tidy(() => {
    const { x, ctx } = input();
    const tape = new SignalRecorder();
    const conditional = opts.conditional && stack.T === 1 ? new ConditionalSites(opts.conditional.seed, opts.conditional.first, tape, opts.conditional.always) : undefined;
    const { y, back } = stack.forwardBack!(x, params, { ...ctx, signals: tape, ...(conditional ? { conditional } : {}), ...(opts.observer ? { observer: opts.observer } : {}) });
    if (opts.observer) features = opts.observer.features(n);
    const [, , Tout, C] = y.shape;
    const deltas: tf.Tensor3D[][] = [];
    for (let o = 0; o < Tout; o++) {
      // ∂(Σ_x f_0(x, o))/∂y: 1 at channel 0 and position o of every input.
      const seed = new Float32Array(n * M * Tout * C);
      for (let r = 0; r < n * M; r++) seed[(r * Tout + o) * C] = 1;
      const dy = tf.tensor4d(seed, [n, M, Tout, C]);
      tape.current = new Array<tf.Tensor3D>(tape.sites.length);
      back(dy as tf.Tensor4D, false);
      const missing = tape.sites.findIndex((_, i) => !tape.current[i]);
      if (missing >= 0) throw new Error(`the reverse pass reported no signal for the site ${tape.sites[missing].key}`);
      deltas.push(tape.current);
    }
    const trainable = stack.params.filter((d) => d.trainable).length;
    const observed = new Set(tape.sites.map((s) => s.key)).size;
    if (observed !== trainable)
      throw new Error(
        `the contraction NTK saw ${observed} trainable parameter(s) at sites but the network declares ${trainable}: a layer applies a parameter outside the helpers of src/layers/sites.ts; use ntkMethod 'autodiff' for it (check-layer reports which)`,
      );
    const r = contract(tape.sites, deltas, n, M, Tout, opts);
    return r.part ? [r.theta, r.part] : [r.theta];
  });
  return { theta, part: part ?? null, features };
}

/** The contraction with signals from tfjs autodiff: zero probes added at the sites, T_out reverse passes. */
function ntkByProbes(stack: Stack, batch: InputBatch, params: ParamMap, n: number, input: () => { x: tf.Tensor4D; ctx: FiniteContext }, opts: ContractionOptions): ContractionResult {
  const { M } = batch;
  const run = (tape: SiteTape): { f: tf.Tensor3D; Tout: number } => {
    const { x, ctx } = input();
    const { y } = stack.forward(x, params, { ...ctx, tape });
    const Tout = y.shape[2];
    return { f: y.slice([0, 0, 0, 0], [n, M, Tout, 1]).reshape([n, M, Tout]) as tf.Tensor3D, Tout };
  };
  const [theta, part] = tf.tidy(() => {
    const { shapes, Tout } = siteLayout(stack, n, () => {
      const discovery = new ProbeTape(null);
      return { tape: discovery, Tout: run(discovery).Tout };
    });
    const kept: tf.Tensor[] = [];
    const deltas: tf.Tensor3D[][] = []; // [o][site]
    let sites: Recorded[] = [];
    for (let o = 0; o < Tout; o++) {
      const probes = shapes.map((s) => tf.zeros([...s]) as unknown as tf.Tensor3D);
      const tape = new ProbeTape(probes);
      const pick = Tout === 1 ? null : tf.oneHot([o], Tout).reshape([1, 1, Tout]);
      const g = tf.grads((..._ps: tf.Tensor[]) => {
        const { f } = run(tape);
        return (pick ? f.mul(pick) : f).sum();
      })(probes);
      deltas.push(g as tf.Tensor3D[]);
      if (o === 0) sites = tape.sites;
      for (const s of tape.sites) {
        if (s.input) kept.push(s.input);
        if (s.rowGram) kept.push(s.rowGram);
      }
    }
    const r = contract(sites, deltas, n, M, Tout, opts);
    // The contraction's inputs were kept past tf.grads' scope; this tidy returns only its results.
    kept.forEach((t) => t.dispose());
    return r.part ? [r.theta, r.part] : [r.theta];
  });
  return { theta, part: part ?? null };
}

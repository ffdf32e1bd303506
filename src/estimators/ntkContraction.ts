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
import type { SiteRecord, SiteTape } from '../layers/sites.ts';

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
  return prod.reshape([n, M, T, M, T]).sum([2, 4]) as tf.Tensor3D;
}

/** [n, M·T_out, M·T_out] per-network NTK of output channel 0. */
export function ntkByContraction(stack: Stack, batch: InputBatch, params: ParamMap, n: number, input: () => { x: tf.Tensor4D; ctx: FiniteContext }): tf.Tensor3D {
  const { M } = batch;
  const run = (tape: SiteTape): { f: tf.Tensor3D; Tout: number } => {
    const { x, ctx } = input();
    const { y } = stack.forward(x, params, { ...ctx, tape });
    const Tout = y.shape[2];
    return { f: y.slice([0, 0, 0, 0], [n, M, Tout, 1]).reshape([n, M, Tout]) as tf.Tensor3D, Tout };
  };
  return tf.tidy(() => {
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
    // Row Grams A_ij per pair of sites of one parameter (tied weights give cross pairs).
    const groups = new Map<string, number[]>();
    sites.forEach((s, i) => groups.set(s.key, [...(groups.get(s.key) ?? []), i]));
    // Sites that read one input (attention's W^Q, W^K, W^V) share its Gram: keyed by the data.
    const inputGrams = new Map<unknown, Map<unknown, tf.Tensor>>();
    const dataOf = (t: tf.Tensor) => (t as unknown as { dataId: unknown }).dataId;
    const rowGram = (i: number, j: number): tf.Tensor => {
      const a = sites[i];
      const b = sites[j];
      if (a.kind !== b.kind) throw new Error(`parameter ${a.key} is used through different kinds of site (${a.kind}, ${b.kind})`);
      if (a.kind === 'bias') return tf.scalar(1);
      if (a.kind === 'left') return (a.rowGram as tf.Tensor2D).reshape([1, a.shape[1], a.shape[1]]);
      const [x, y] = [a.input as tf.Tensor3D, b.input as tf.Tensor3D];
      let row = inputGrams.get(dataOf(x));
      if (!row) inputGrams.set(dataOf(x), (row = new Map()));
      let g = row.get(dataOf(y));
      if (!g) row.set(dataOf(y), (g = tf.matMul(x, y.transpose([0, 2, 1]))));
      return g;
    };
    const blocks: tf.Tensor3D[][] = Array.from({ length: Tout }, () => Array.from({ length: Tout }, () => tf.zeros([n, M, M]) as tf.Tensor3D));
    for (const members of groups.values())
      for (const i of members)
        for (const j of members) {
          const A = rowGram(i, j).mul(sites[i].scale * sites[j].scale);
          // Rows per input at this site: T before pooling, 1 after.
          const Ts = sites[i].shape[1] / M;
          for (let o = 0; o < Tout; o++)
            for (let q = 0; q < Tout; q++) {
              const D = tf.matMul(deltas[o][i], deltas[q][j].transpose([0, 2, 1]));
              blocks[o][q] = blocks[o][q].add(blockSum(A.mul(D) as tf.Tensor3D, n, M, Ts));
            }
        }
    kept.forEach((t) => t.dispose());
    // Θ[(x,o),(y,q)] from the [o][q] blocks of [n, M, M].
    const theta = tf.stack(blocks.map((row) => tf.stack(row, 3)), 2) as tf.Tensor; // [n, M, Tout, M, Tout]
    return theta.reshape([n, M * Tout, M * Tout]) as tf.Tensor3D;
  });
}

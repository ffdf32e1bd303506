/**
 * The excess kurtosis of a network's outputs that the fixed-H limit law predicts (singleHeadLaw.ts):
 * the size of the non-Gaussianity a sweep's claims look for, so that a claim can say whether its
 * test had the power to see it (src/reports/claims.ts).
 *
 * Covered: one sqrt attention layer at the top level, closed-form layers before it, and only linear
 * layers after it (dense, globalAvgPool, identity). Given the logits G, the attention output is
 * Gaussian with covariance C(G), and every linear layer after it keeps it conditionally Gaussian
 * as the widths grow: a dense layer maps the conditional variance v to σw²·v + σb², pooling averages
 * C(G) over an input's valid positions. So the output at a row is a scale mixture with variance v,
 * and its excess kurtosis is 3·Var(v)/E[v]², which falls like 1/H exactly (v averages H i.i.d.
 * heads plus constants). Anything else (a non-linearity after the attention, several attention
 * layers) has no prediction here: null.
 */
import type { AttentionSpec, InputBatch, LayerSpec, NetworkSpec } from '../spec/types.ts';
import { buildStack } from '../layers/sequential.ts';
// Enters the built-in layers into the factory table that buildStack reads.
import '../layers/registry.ts';
import { inputState } from '../kernels/state.ts';
import { AttentionOutputLaw, mixtureMoments } from './singleHeadLaw.ts';

export interface KurtosisPrediction {
  /** Mean over the valid output rows of the predicted excess kurtosis at one head (divide by H). */
  readonly atOneHead: number;
  /** Monte-Carlo standard error of `atOneHead`. */
  readonly se: number;
  readonly draws: number;
}

const linearAfter = new Set(['dense', 'globalAvgPool', 'identity']);

/**
 * The predicted mean excess kurtosis of the outputs at one head, or null where the law above does
 * not cover the spec (then no claim can be said to lack power against it).
 */
export function predictedOutputKurtosis(spec: NetworkSpec, batch: InputBatch, o: { readonly draws?: number; readonly seed?: string } = {}): KurtosisPrediction | null {
  const at = spec.layers.findIndex((l) => l.type === 'attention');
  if (at < 0) return null;
  const att = spec.layers[at] as AttentionSpec;
  const before = spec.layers.slice(0, at);
  const after = spec.layers.slice(at + 1);
  const nested = (ls: readonly LayerSpec[]): boolean => ls.some((l) => l.type === 'attention' || (l.type === 'residual' && nested(l.block)));
  if (att.scaling !== 'sqrt' || nested(before) || nested(after) || !after.every((l) => linearAfter.has(l.type))) return null;
  const stack = buildStack(before, { path: '', inWidth: batch.d, T: batch.T, rawWidth: true }, (i) => `layers[${i}]`);
  const state = stack.kernel(inputState(batch), { seed: 1, firstSample: 0, sampleCount: 0 });
  const pooled = after.some((l) => l.type === 'globalAvgPool');
  // v → a·v + b through the dense layers after the attention.
  let a = 1;
  let b = 0;
  for (const l of after)
    if (l.type === 'dense') {
      a *= l.wStd ** 2;
      b = l.wStd ** 2 * b + l.bStd ** 2;
    }
  const { M, T, mask } = state;
  const draws = o.draws ?? 4096;
  const rows: Float64Array[] = [];
  for (let x = 0; x < M; x++) {
    const valid = Array.from({ length: T }, (_, t) => x * T + t).filter((r) => mask[r] !== 0);
    if (pooled) rows.push(Float64Array.from({ length: M * T }, (_, r) => (valid.includes(r) ? 1 / valid.length : 0)));
    else for (const r of valid) rows.push(Float64Array.from({ length: M * T }, (_, q) => (q === r ? 1 : 0)));
  }
  let sum = 0;
  let var2 = 0;
  for (const [k, projection] of rows.entries()) {
    const law = new AttentionOutputLaw(state, { ...att, heads: 1 }, { projection, seed: `${o.seed ?? 'claims'}/row${k}` });
    const v = law.conditionalVariances(draws).map((x) => a * x + b);
    const m = mixtureMoments(v);
    sum += m.excessKurtosis;
    // Rows are drawn independently, so their errors add.
    var2 += m.excessKurtosisSE ** 2;
  }
  return { atOneHead: sum / rows.length, se: Math.sqrt(var2) / rows.length, draws };
}

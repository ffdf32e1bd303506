/**
 * Gaussianity of a finite network's outputs, through the engine's verdicts
 * (src/verdicts/gaussianity.ts): per valid output row (input, position), the univariate verdicts
 * against the limit law N(0, K(x, x)) from the analytic NNGP, and Mardia's test over the rows jointly.
 * At finite width the law is not exactly Gaussian (fourth cumulant O(1/width)); under sqrt attention
 * with fixed heads it never becomes Gaussian (docs/kernels.md §6): use enough width, or
 * expect rejections where the theory predicts them.
 */
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { computeKernel } from '../pipeline/kernel.ts';
import { estimate } from '../estimators/ensemble.ts';
import { mardiaVerdict, univariateGaussianity, type GaussianityReport } from '../verdicts/gaussianity.ts';
import type { Verdict } from '../verdicts/types.ts';
import { DEFAULT_ALPHA } from '../verdicts/types.ts';
import type { BackendChoice } from '../backend.ts';

export interface OutputGaussianity {
  /** Per valid output row: its (input, position) and the univariate verdicts. */
  readonly rows: readonly { readonly row: number; readonly variance: number; readonly report: GaussianityReport }[];
  /** Mardia over all valid rows jointly (null with one row, or too few networks: n ≤ rows). */
  readonly joint: Verdict | null;
  readonly networks: number;
}

export async function outputGaussianity(
  spec: NetworkSpec,
  inputs: InputBatch,
  opts: { readonly networks: number; readonly seed: number; readonly alpha?: number; readonly backend?: BackendChoice },
): Promise<OutputGaussianity> {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const kernel = computeKernel(spec, inputs);
  const r = await estimate(spec, inputs, { networks: opts.networks, seed: opts.seed, nngp: false, ntk: false, collectOutputs: true, backend: opts.backend });
  const P = r.M * r.T;
  const valid = Array.from({ length: P }, (_, a) => a).filter((a) => (r.T === inputs.T ? inputs.mask[a] !== 0 : true));
  const column = (a: number) => Array.from({ length: r.networks }, (_, k) => r.outputs![k * P + a]);
  const rows = valid.map((a) => {
    const variance = kernel.nngp[a * P + a];
    return { row: a, variance, report: univariateGaussianity(column(a), { alpha, variance: variance > 0 ? variance : undefined }) };
  });
  const joint = valid.length >= 2 && r.networks > valid.length ? mardiaVerdict(Array.from({ length: r.networks }, (_, k) => valid.map((a) => r.outputs![k * P + a])), alpha) : null;
  return { rows, joint, networks: r.networks };
}

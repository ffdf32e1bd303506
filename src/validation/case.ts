/**
 * One validation case: a spec and inputs, the analytic kernel, finite ensembles at several width
 * factors, and the agreement verdicts for the NNGP and the NTK.
 */
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { scaleSpec } from '../spec/scale.ts';
import { computeKernel, type KernelResult } from '../kernels/compute.ts';
import { estimate, type EstimateResult } from '../estimators/ensemble.ts';
import { kernelAgreement, type KernelAgreement } from '../verdicts/kernelAgreement.ts';
import type { BackendChoice } from '../backend.ts';

export interface CaseDefinition {
  readonly name: string;
  readonly spec: NetworkSpec;
  readonly inputs: InputBatch;
  /** Width factors of the ensembles; at least two to model the finite-width bias. */
  readonly scales: readonly number[];
  /** Whether attention heads grow with the width factor too (needed after sqrt attention). */
  readonly scaleHeads?: boolean;
  readonly networks: number;
  readonly seed: number;
  readonly checks?: readonly ('nngp' | 'ntk')[];
}

export interface CaseResult {
  readonly name: string;
  readonly kernel: KernelResult;
  readonly estimates: readonly { readonly scale: number; readonly result: EstimateResult }[];
  readonly verdicts: { readonly nngp?: KernelAgreement; readonly ntk?: KernelAgreement };
  readonly backend: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly alpha: number;
  readonly backend?: BackendChoice;
  readonly onProgress?: (message: string) => void;
}

export async function runCase(c: CaseDefinition, opts: RunOptions): Promise<CaseResult> {
  const start = performance.now();
  const checks = c.checks ?? ['nngp', 'ntk'];
  const kernel = computeKernel(c.spec, c.inputs);
  const estimates: { scale: number; result: EstimateResult }[] = [];
  for (const scale of c.scales) {
    const spec = scaleSpec(c.spec, { width: scale, heads: c.scaleHeads ? scale : 1 });
    const result = await estimate(spec, c.inputs, {
      networks: c.networks,
      seed: c.seed,
      nngp: checks.includes('nngp'),
      ntk: checks.includes('ntk'),
      backend: opts.backend,
      onProgress: (done, total) => opts.onProgress?.(`${c.name} ×${scale}: ${done}/${total} networks`),
    });
    estimates.push({ scale, result });
  }
  const mask = new Float64Array(kernel.M * kernel.T);
  // After pooling every row is valid; before it, padded positions are excluded.
  if (kernel.T === c.inputs.T) mask.set(c.inputs.mask);
  else mask.fill(1);
  const verdict = (which: 'nngp' | 'ntk') =>
    kernelAgreement({
      analytic: kernel[which],
      analyticSE: which === 'nngp' ? kernel.nngpSE : kernel.ntkSE,
      mask,
      alpha: opts.alpha,
      estimates: estimates.map((e) => ({
        scale: e.scale,
        mean: e.result[which] as Float64Array,
        se: e.result[`${which}SE`] as Float64Array,
        networks: e.result.networks,
      })),
    });
  return {
    name: c.name,
    kernel,
    estimates,
    verdicts: {
      nngp: checks.includes('nngp') ? verdict('nngp') : undefined,
      ntk: checks.includes('ntk') ? verdict('ntk') : undefined,
    },
    backend: estimates[0].result.backend,
    seconds: (performance.now() - start) / 1000,
  };
}

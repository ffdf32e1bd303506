/**
 * What the engine is given for one stored run and kernel, as calibrate's analysis ("after") gives
 * it: the kernel as the code computes it now, with runCase's kernel seed; its standard error and
 * degrees of freedom where it is sampled; the layers' declarations (curvature, bias series, slow
 * bias); and the stored networks' per-width estimates. The diagnostics that re-run the verdict on a
 * store (bootstrap-null.ts, heavy-rule.ts) share it. scripts/calibrate.ts builds the same inputs
 * itself: it sits under the analysis cache's hash, which a move would invalidate.
 */
import { inputsFor, specOf, type Architecture } from './architectures.ts';
import { KINDS, storedEstimates, type Kind, type RunRecord } from './store.ts';
import { computeKernel } from '../../src/pipeline/kernel.ts';
import { caseKernelOptions, engineDeclarations } from '../../src/validation/case.ts';
import type { AgreementInput } from '../../src/verdicts/kernelAgreement.ts';

/** Per kernel, the verdict's input less its level (`alpha`). */
export function storedVerdictInputs(store: string, r: RunRecord, architectures: Record<string, Architecture>): Record<Kind, AgreementInput & { readonly analyticSE: Float64Array | null }> {
  const a = architectures[r.arch];
  if (!a) throw new Error(`${r.id}: unknown architecture ${r.arch}`);
  const kernel = computeKernel(specOf(a), inputsFor(r.seed, a.T, a.masked), caseKernelOptions(r.seed));
  const engine = { analyticDof: kernel.seDof ?? Infinity, ...engineDeclarations(specOf(a), a.scaleHeads ?? false, a.curvatureFactor) };
  const mask = Float64Array.from(r.mask);
  const of = (kind: Kind) => ({
    analytic: kind === 'nngp' ? kernel.nngp : kernel.ntk,
    analyticSE: kernel.nngpSE ? (kind === 'nngp' ? kernel.nngpSE : kernel.ntkSE!) : null,
    mask,
    estimates: storedEstimates(store, r, kind),
    ...engine,
  });
  return Object.fromEntries(KINDS.map((kind) => [kind, of(kind)])) as Record<Kind, ReturnType<typeof of>>;
}

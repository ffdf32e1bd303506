/**
 * The analytic kernel of a whole network on a batch of inputs, in float64.
 *
 * Most layers are closed-form. Sqrt-scaled softmax/relu/abs attention is a Gaussian expectation
 * over the infinite-width logits, estimated by sampling; then the whole network is evaluated on R
 * disjoint replicas of the samples and once on all of them: the estimate is the full pass, its
 * standard error the spread of the replicas / √R (batch means). Downstream layers are smooth maps
 * of the estimate, so the replica spread carries the sampling error through them.
 */
import type { InputBatch, NetworkSpec } from '../spec/types.ts';
import { buildNetwork } from '../network.ts';
import { inputState } from './state.ts';

export interface KernelOptions {
  /** Seed of the kernel's own sampling (sqrt attention); default 1. */
  readonly seed?: number;
  /** Logit samples per replica to start with; default 256. */
  readonly samples?: number;
  /** Replicas for the standard error; default 16. */
  readonly replicas?: number;
  /**
   * Target precision: the largest standard error over entries divided by the mean diagonal entry.
   * Samples double until it is met or `maxSamples` is reached. Default 0.01.
   */
  readonly precision?: number;
  readonly maxSamples?: number;
  readonly onProgress?: (samples: number, precision: number) => void;
  /**
   * Also return the R replica kernels behind a sampled estimate (`replicas`), so that a function
   * of the kernel (a training prediction, src/training/) gets its standard error from the same
   * replicas: the spread of the function over them / √R.
   */
  readonly keepReplicas?: boolean;
}

export interface KernelResult {
  readonly M: number;
  /** Positions per input at the output (1 once pooled); matrices are (M·T)², row-major. */
  readonly T: number;
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
  /** Monte-Carlo standard errors; null when every layer is closed-form. */
  readonly nngpSE: Float64Array | null;
  readonly ntkSE: Float64Array | null;
  /** Logit samples in the estimate (0 when closed-form). */
  readonly samples: number;
  /** Achieved relative precision (max SE / mean diagonal), 0 when closed-form. */
  readonly precision: number;
  /** With `keepReplicas` on a sampled kernel: the replica estimates (each from 1/R of the samples); else absent. */
  readonly replicas?: readonly { readonly nngp: Float64Array; readonly ntk: Float64Array }[];
}

/** Largest standard error over entries relative to the mean diagonal entry (the precision measure). */
export function relativePrecision(se: Float64Array, K: Float64Array, P: number): number {
  let diag = 0;
  for (let a = 0; a < P; a++) diag += Math.abs(K[a * P + a]);
  diag /= P;
  let worst = 0;
  for (const s of se) worst = Math.max(worst, s);
  return diag > 0 ? worst / diag : worst;
}

export function computeKernel(spec: NetworkSpec, batch: InputBatch, opts: KernelOptions = {}): KernelResult {
  const stack = buildNetwork(spec, batch);
  const s0 = inputState(batch);
  const seed = opts.seed ?? 1;
  if (!stack.sampled) {
    const s = stack.kernel(s0, { seed, firstSample: 0, sampleCount: 0 });
    return { M: s.M, T: s.T, nngp: s.nngp, ntk: s.ntk, nngpSE: null, ntkSE: null, samples: 0, precision: 0 };
  }
  const R = opts.replicas ?? 16;
  const target = opts.precision ?? 0.01;
  const maxSamples = opts.maxSamples ?? 1 << 16;
  let perReplica = opts.samples ?? 256;
  for (;;) {
    const reps = Array.from({ length: R }, (_, r) =>
      stack.kernel(s0, { seed, firstSample: r * perReplica, sampleCount: perReplica }),
    );
    const full = stack.kernel(s0, { seed, firstSample: 0, sampleCount: R * perReplica });
    const P = full.M * full.T;
    const se = (pick: (s: typeof full) => Float64Array) => {
      const out = new Float64Array(P * P);
      for (let i = 0; i < P * P; i++) {
        let m = 0;
        for (const r of reps) m += pick(r)[i];
        m /= R;
        let v = 0;
        for (const r of reps) v += (pick(r)[i] - m) ** 2;
        // Each replica holds 1/R of the samples: Var(full) ≈ Var(replica)/R.
        out[i] = Math.sqrt(v / (R - 1) / R);
      }
      return out;
    };
    const nngpSE = se((s) => s.nngp);
    const ntkSE = se((s) => s.ntk);
    const precision = Math.max(relativePrecision(nngpSE, full.nngp, P), relativePrecision(ntkSE, full.ntk, P));
    const samples = R * perReplica;
    opts.onProgress?.(samples, precision);
    if (precision <= target || samples * 2 > maxSamples)
      return {
        M: full.M,
        T: full.T,
        nngp: full.nngp,
        ntk: full.ntk,
        nngpSE,
        ntkSE,
        samples,
        precision,
        ...(opts.keepReplicas ? { replicas: reps.map((r) => ({ nngp: r.nngp, ntk: r.ntk })) } : {}),
      };
    perReplica *= 2;
  }
}

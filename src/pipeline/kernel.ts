/**
 * The analytic kernel of a whole network on a batch of inputs, in float64.
 *
 * Most layers are closed-form. Sqrt-scaled softmax attention is a Gaussian expectation over the
 * infinite-width logits, estimated by sampling; then the whole network is evaluated on R disjoint
 * replicas of the draws and once on all of them: the estimate is the full pass, its standard error
 * the spread of the replicas / √R (batch means, R − 1 degrees of freedom). Downstream layers are
 * smooth maps of the estimate, so the replica spread carries the sampling error through them.
 *
 * How many draws: a pilot round, then rounds sized from the last one (the SE falls like 1/√draws)
 * to reach the requested precision, within a time budget and an optional cap on draws. Each round
 * uses fresh draws, so the pilot's outcome does not select the final estimate's draws. Where the
 * precision is not reached the result says so (`reached`, `limitedBy`) and carries its real SE.
 */
import type { InputBatch, InputsSpec, NetworkSpec } from '../spec/types.ts';
import { inputBatchFrom } from '../spec/schema.ts';
import { networkSpecFrom } from '../layers/parse.ts';
import { buildNetwork } from '../network.ts';
import { inputState } from '../kernels/state.ts';
import type { SamplingMethod } from '../layers/types.ts';

export interface KernelOptions {
  /** Seed of the kernel's own sampling (sqrt softmax attention); default 1. */
  readonly seed?: number;
  /** Points (logit draws) per replica in the pilot round; default 16. */
  readonly samples?: number;
  /** Replicas for the standard error; default 16. */
  readonly replicas?: number;
  /**
   * Target precision: the largest standard error over entries divided by the mean diagonal entry.
   * Default 0.01.
   */
  readonly precision?: number;
  /**
   * Wall-clock seconds the sampling may take (default 120). Rounds are sized to fit: the draws stop
   * at what the budget allows, and the result then reports that the precision was not reached.
   * Timing only ever lowers the number of draws, so a run that reaches its precision is reproducible.
   */
  readonly timeBudget?: number;
  /** A hard cap on the logit draws over all replicas; default none (the precision and time decide). */
  readonly maxSamples?: number;
  /** How sampled layers integrate over the logits: 'rows' (default), 'antithetic' or 'plain' (SamplingMethod). */
  readonly sampling?: SamplingMethod;
  readonly onProgress?: (samples: number, precision: number) => void;
  /**
   * Also return the R replica kernels behind a sampled estimate (`replicas`), so that a function
   * of the kernel (a training prediction, src/training/) gets its standard error from the same
   * replicas: the spread of the function over them / √R.
   */
  readonly keepReplicas?: boolean;
}

/** Why sampling stopped: the precision was reached, or the time budget or the draw cap ran out. */
export type SamplingLimit = 'precision' | 'time' | 'maxSamples';

export interface KernelResult {
  readonly M: number;
  /** Positions per input at the output (1 once pooled); matrices are (M·T)², row-major. */
  readonly T: number;
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
  /** Monte-Carlo standard errors; null when every layer is closed-form. */
  readonly nngpSE: Float64Array | null;
  readonly ntkSE: Float64Array | null;
  /** Degrees of freedom of the standard errors (replicas − 1); null when closed-form. */
  readonly seDof: number | null;
  /** Logit draws (or quasi-random points) in the estimate, over all replicas; 0 when closed-form. */
  readonly samples: number;
  /** Achieved relative precision (max SE / mean diagonal), 0 when closed-form. */
  readonly precision: number;
  /** The precision asked for (0 when closed-form). */
  readonly targetPrecision: number;
  /** Whether `precision ≤ targetPrecision` (always true when closed-form). */
  readonly reached: boolean;
  /** What ended the sampling; null when closed-form. */
  readonly limitedBy: SamplingLimit | null;
  /** Seconds spent computing the kernel. */
  readonly seconds: number;
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

/** A one-line account of a sampled kernel's precision, for people; empty when closed-form. */
export function precisionNote(k: KernelResult): string {
  if (k.limitedBy === null) return '';
  const got = `relative SE ${k.precision.toExponential(2)} from ${k.samples} logit draws`;
  if (k.reached) return `${got} (target ${k.targetPrecision})`;
  const why = k.limitedBy === 'time' ? 'the time budget ran out (timeBudget, --time-budget)' : 'the draw cap was reached (maxSamples, --max-samples)';
  return `precision NOT reached: ${got}, target ${k.targetPrecision}; ${why}`;
}

/** Safety factor on the draws predicted from a round: its SE has only replicas − 1 degrees of freedom. */
const ROUND_MARGIN = 1.2;
/** Largest growth of the points from one round to the next. */
const MAX_GROWTH = 4;

/** `spec` and `batch` may also be raw JSON: they are validated (SpecError) before anything runs. */
export function computeKernel(specOrJson: NetworkSpec, batchOrJson: InputBatch | InputsSpec, opts: KernelOptions = {}): KernelResult {
  const spec = networkSpecFrom(specOrJson);
  const batch = inputBatchFrom(batchOrJson);
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  const stack = buildNetwork(spec, batch);
  const s0 = inputState(batch);
  const seed = opts.seed ?? 1;
  if (!stack.sampled) {
    const s = stack.kernel(s0, { seed, firstSample: 0, sampleCount: 0 });
    return { M: s.M, T: s.T, nngp: s.nngp, ntk: s.ntk, nngpSE: null, ntkSE: null, seDof: null, samples: 0, precision: 0, targetPrecision: 0, reached: true, limitedBy: null, seconds: elapsed() };
  }
  const R = opts.replicas ?? 16;
  const target = opts.precision ?? 0.01;
  const budget = opts.timeBudget ?? 120;
  const maxPerReplica = opts.maxSamples === undefined ? Infinity : Math.max(1, Math.floor(opts.maxSamples / R));
  const sampling = opts.sampling ?? 'rows';
  if (!(R >= 2) || !Number.isInteger(R)) throw new Error(`replicas must be a whole number ≥ 2, got ${R}`);
  if (!(target > 0)) throw new Error(`precision must be positive, got ${target}`);
  if (!(budget > 0)) throw new Error(`timeBudget must be positive, got ${budget}`);
  // Rounds use disjoint draws: round k starts where round k − 1 ended.
  let base = 0;
  const round = (perReplica: number): Omit<KernelResult, 'limitedBy' | 'seconds'> & { roundSeconds: number } => {
    const t0 = performance.now();
    const reps = Array.from({ length: R }, (_, r) => stack.kernel(s0, { seed, firstSample: base + r * perReplica, sampleCount: perReplica, sampling }));
    const full = stack.kernel(s0, { seed, firstSample: base, sampleCount: R * perReplica, sampling });
    const roundSeconds = (performance.now() - t0) / 1000;
    base += R * perReplica;
    const P = full.M * full.T;
    const se = (pick: (s: typeof full) => Float64Array) => {
      const out = new Float64Array(P * P);
      for (let i = 0; i < P * P; i++) {
        let m = 0;
        for (const r of reps) m += pick(r)[i];
        m /= R;
        let v = 0;
        for (const r of reps) v += (pick(r)[i] - m) ** 2;
        // Each replica holds 1/R of the draws: Var(full) ≈ Var(replica)/R.
        out[i] = Math.sqrt(v / (R - 1) / R);
      }
      return out;
    };
    const nngpSE = se((s) => s.nngp);
    const ntkSE = se((s) => s.ntk);
    const precision = Math.max(relativePrecision(nngpSE, full.nngp, P), relativePrecision(ntkSE, full.ntk, P));
    opts.onProgress?.(R * perReplica, precision);
    return {
      M: full.M,
      T: full.T,
      nngp: full.nngp,
      ntk: full.ntk,
      nngpSE,
      ntkSE,
      seDof: R - 1,
      samples: R * perReplica,
      precision,
      targetPrecision: target,
      reached: precision <= target,
      roundSeconds,
      ...(opts.keepReplicas ? { replicas: reps.map((r) => ({ nngp: r.nngp, ntk: r.ntk })) } : {}),
    };
  };
  const done = (r: ReturnType<typeof round>, limitedBy: SamplingLimit): KernelResult => {
    const { roundSeconds: _, ...rest } = r;
    return { ...rest, limitedBy: rest.reached ? 'precision' : limitedBy, seconds: elapsed() };
  };

  let perReplica = Math.min(opts.samples ?? 16, maxPerReplica);
  let limit: SamplingLimit | null = perReplica >= maxPerReplica ? 'maxSamples' : null;
  for (;;) {
    const r = round(perReplica);
    if (r.reached || limit !== null) return done(r, limit ?? 'precision');
    // Size the next round for an SE falling like 1/√points, with a margin for the noise of an
    // (R − 1)-dof SE; at least 1.25× this one so that the loop progresses, at most MAX_GROWTH× so
    // that quasi-random points, whose SE falls faster, are not overshot by much.
    const wanted = perReplica * ROUND_MARGIN * (r.precision / target) ** 2;
    let next = Math.ceil(Math.min(MAX_GROWTH * perReplica, Math.max(1.25 * perReplica, wanted)));
    if (next >= maxPerReplica) ((next = maxPerReplica), (limit = 'maxSamples'));
    // A round's time is linear in its draws: fit the next one in what is left of the budget.
    const affordable = Math.floor(((budget - elapsed()) / r.roundSeconds) * perReplica);
    if (affordable < next) {
      // A round no larger than this one cannot do better than it.
      if (affordable <= perReplica) return done(r, 'time');
      next = affordable;
      limit = 'time';
    }
    perReplica = next;
  }
}

/**
 * Sequential validation (`validate --target-error e [--budget t]`, issue 12 §3): a case keeps
 * doubling its networks per width factor until every verdict can see a uniform relative kernel
 * error of e, one of its verdicts is certain to fail, the looks run out, or the next look would
 * not fit in the time left.
 *
 * The level of the repeated looks is spent, not ignored. Look k (k = 1, 2, …) tests at
 * α_k = α·2^(−k), and the verdict's p-value is the Bonferroni combination over its looks,
 * p = min_k 2^k·p_k (capped at 1): under the null P(∃k: p_k ≤ α·2^(−k)) ≤ Σ_k α·2^(−k) < α
 * whatever the dependence between the looks and whatever made the run stop, so p is a valid
 * p-value and the verdict joins the suite's Holm family like any other. (A group-sequential
 * boundary would spend less by using the looks' correlation, but needs the number of looks in
 * advance, which a time budget does not give.) A look at which the verdict was inconclusive
 * spends its share without using it: its p-value is not trusted.
 *
 * Power is stated at the last look's share: a verdict that rejects there (p_K ≤ α_K) rejects the
 * combination, so its detectable error at α_K is a bound the sequential verdict achieves.
 *
 * Look k holds networks [0, n·2^(k−1)) of each width factor's seed (case.ts, sampleWidths): the
 * ensembles a plain run with that many networks would draw, extended rather than redrawn.
 */
import { computeKernel } from '../pipeline/kernel.ts';
import { DEFAULT_ALPHA, isInconclusive, type Inconclusive } from '../verdicts/types.ts';
import { pct } from '../format.ts';
import { networksToDetect } from './power.ts';
import type { KernelAgreement } from '../verdicts/kernelAgreement.ts';
import { caseKernelOptions, checkScales, judgeCase, sampleWidths, type CaseDefinition, type CaseResult, type KernelKind, type RunOptions, type WidthEnsemble } from './case.ts';

export interface SequentialOptions extends Omit<RunOptions, 'maxDetectable' | 'keepNetworks'> {
  /** The uniform relative kernel error every verdict should detect (with the verdict's stated power). */
  readonly targetError: number;
  /** Wall-clock seconds this case may take; no limit when absent. */
  readonly budgetSeconds?: number;
  /** Most looks (the last holds networks·2^(maxLooks−1) per width factor); default 8. */
  readonly maxLooks?: number;
}

export interface Look {
  /** Networks per width factor at this look. */
  readonly networks: number;
  /** The level this look spends: α·2^(−look). */
  readonly alpha: number;
  /** Each verdict's p-value at this look (NaN where inconclusive) and its detectable error. */
  readonly verdicts: Partial<Record<KernelKind, { readonly pValue: number; readonly detectable: number; readonly inconclusive: boolean }>>;
  /** Seconds since the case started, at the end of this look. */
  readonly seconds: number;
}

export interface SequentialCaseResult extends CaseResult {
  readonly looks: readonly Look[];
  /** Why sampling stopped. */
  readonly stopped: 'target' | 'rejected' | 'budget' | 'looks';
}

export function isSequential(r: CaseResult): r is SequentialCaseResult {
  return 'looks' in r && 'stopped' in r;
}

/** α's share at look k (1-based). */
export function lookLevel(alpha: number, look: number): number {
  return alpha * 2 ** -look;
}

/** The Bonferroni combination min_k 2^k·p_k over the conclusive looks (1 when there is none). */
export function combinedPValue(pValues: readonly number[]): number {
  let p = 1;
  pValues.forEach((pk, i) => {
    if (Number.isFinite(pk)) p = Math.min(p, pk * 2 ** (i + 1));
  });
  return Math.min(1, p);
}

/** Each width's ensemble with the networks of `more` added: merged moments, and means and SEs read from them. */
function extend(into: readonly WidthEnsemble[], more: readonly WidthEnsemble[]): WidthEnsemble[] {
  return into.map((e, k) => {
    const add = more[k].result;
    const acc = e.result.accumulators;
    if (acc.nngp && add.accumulators.nngp) acc.nngp.merge(add.accumulators.nngp);
    if (acc.ntk && add.accumulators.ntk) acc.ntk.merge(add.accumulators.ntk);
    const networks = (acc.nngp ?? acc.ntk)!.count;
    return {
      ...e,
      result: {
        ...e.result,
        networks,
        seconds: e.result.seconds + add.seconds,
        nngp: acc.nngp ? new Float64Array(acc.nngp.mean) : null,
        nngpSE: acc.nngp ? acc.nngp.standardError() : null,
        ntk: acc.ntk ? new Float64Array(acc.ntk.mean) : null,
        ntkSE: acc.ntk ? acc.ntk.standardError() : null,
        memory: { start: e.result.memory.start, end: add.memory.end },
      },
    };
  });
}

export async function runCaseSequential(c: CaseDefinition, opts: SequentialOptions): Promise<SequentialCaseResult> {
  const start = performance.now();
  const elapsed = () => (performance.now() - start) / 1000;
  checkScales(c.scales);
  if (!(opts.targetError > 0)) throw new Error(`runCaseSequential: targetError must be positive, got ${opts.targetError}`);
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const maxLooks = opts.maxLooks ?? 8;
  const checks = c.checks ?? ['nngp', 'ntk'];
  const kernel = computeKernel(c.spec, c.inputs, caseKernelOptions(c.seed, opts.kernel));
  const looks: Look[] = [];
  const pValues: Record<KernelKind, number[]> = { nngp: [], ntk: [] };
  let estimates: WidthEnsemble[] = [];
  let judged: Pick<CaseResult, 'verdicts' | 'rates'> = { verdicts: {}, rates: {} };
  let stopped: SequentialCaseResult['stopped'] = 'looks';
  let networks = 0;
  let samplingSeconds = 0;
  for (let look = 1; look <= maxLooks; look++) {
    const add = look === 1 ? c.networks : networks;
    const t0 = performance.now();
    const more = await sampleWidths(c, add, { ...opts, firstNetwork: networks, label: `${c.name} look ${look}` });
    samplingSeconds += (performance.now() - t0) / 1000;
    estimates = look === 1 ? more : extend(estimates, more);
    networks += add;
    const level = lookLevel(alpha, look);
    judged = judgeCase(c, kernel, estimates, level, { draws: opts.draws });
    const record: Look['verdicts'] = {};
    for (const kind of checks) {
      const v = judged.verdicts[kind]!;
      const inconclusive = isInconclusive(v);
      pValues[kind].push(inconclusive ? NaN : v.pValue);
      record[kind] = { pValue: inconclusive ? NaN : v.pValue, detectable: v.detectableRelativeError, inconclusive };
    }
    looks.push({ networks, alpha: level, verdicts: record, seconds: elapsed() });
    const combined = checks.map((kind) => combinedPValue(pValues[kind]));
    if (combined.some((p) => p <= alpha)) {
      stopped = 'rejected';
      break;
    }
    if (checks.every((kind) => !record[kind]!.inconclusive && record[kind]!.detectable <= opts.targetError)) {
      stopped = 'target';
      break;
    }
    // The next look draws as many networks as all looks so far: about as long as their sampling.
    if (opts.budgetSeconds !== undefined && elapsed() + samplingSeconds > opts.budgetSeconds) {
      stopped = 'budget';
      break;
    }
  }
  const verdicts: { nngp?: KernelAgreement; ntk?: KernelAgreement } = {};
  for (const kind of checks) {
    const last = judged.verdicts[kind]!;
    const p = combinedPValue(pValues[kind]);
    const method = `${last.method}; sequential over ${looks.length} look(s), look k at α·2^(−k), p = min_k 2^k·p_k`;
    const reached = last.detectableRelativeError <= opts.targetError;
    const why: Inconclusive[] = [...(last.inconclusive ?? [])];
    // A verdict that failed needs no power; one that passed must have reached the target.
    if (!reached && !(p <= alpha))
      why.push({
        code: 'target',
        reason: `after ${looks.length} look(s) (${networks} networks per width factor, ${elapsed().toFixed(0)} s) it catches a uniform relative kernel error of ${pct(last.detectableRelativeError)}, not the target ${pct(opts.targetError)} (${stopped === 'budget' ? 'the budget ended' : stopped === 'looks' ? `the ${maxLooks} looks ran out` : 'sampling stopped'})`,
        remedy: `about ${networksToDetect(last.detectableRelativeError, opts.targetError, networks)} networks per width factor (the detectable error falls like 1/√networks): a larger --budget, or a larger --target-error`,
      });
    verdicts[kind] = {
      ...last,
      method,
      pValue: p,
      alpha,
      rejected: p <= alpha,
      ...(why.length ? { inconclusive: why } : {}),
      notes: [...last.notes, `sequential: ${looks.length} look(s), ${networks} networks per width factor; the detectable error is stated at the last look's level ${lookLevel(alpha, looks.length).toExponential(1)}`],
    };
  }
  return {
    name: c.name,
    kernel,
    estimates,
    verdicts,
    rates: judged.rates,
    backend: estimates[0].result.backend,
    seconds: elapsed(),
    looks,
    stopped,
  };
}

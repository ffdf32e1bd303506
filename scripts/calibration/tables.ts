/**
 * The records a calibration analysis writes (STORE/analysis-HASH.jsonl, one per null run and
 * detection job) and the checks its tables make of them: each level's false-positive rate with its
 * Clopper–Pearson interval, KS uniformity of the p-values, the family-wise view of all those checks,
 * and the stated power reached at ±δ. Shared by scripts/calibrate.ts (one store's report) and
 * scripts/calibration/summary.ts (every store's sets in one table).
 */
import { binomialInterval } from '../../src/stats/binomialInterval.ts';
import { holm } from '../../src/stats/holm.ts';
import { ksOneSample } from '../../src/stats/ksOneSample.ts';
import { regularizedBeta } from '../../src/stats/regularizedBeta.ts';
import { KINDS, type Kind } from './store.ts';

export const ALPHAS = [0.05, 0.01, 1e-3] as const;
/** The level every verdict is run at (its inconclusive rules and stated power refer to it). */
export const VERDICT_ALPHA = 1e-3;

export interface VerdictRecord {
  readonly p: number;
  readonly inconclusive: readonly string[];
  /**
   * The inconclusive codes of the same verdict run at each of ALPHAS (the rules depend on α: a
   * rejection at 0.05 may be inconclusive where the same p-value passes at 1e-3). Absent: those at
   * VERDICT_ALPHA stand for every α.
   */
  readonly inconclusiveAt?: readonly (readonly string[])[];
  /** Stated detectable relative error: uniform, one entry (median). */
  readonly detect: readonly [number, number];
  readonly gof: number;
  readonly excess: number;
  /** Rejected at VERDICT_ALPHA against the kernel scaled by 1 + ε, ε in GRADED (null when inconclusive). */
  readonly graded: readonly (boolean | null)[];
  /**
   * After-engine only: per PATTERNS key, whether the verdict against the perturbed kernel fails
   * conclusively (false: passes or is inconclusive; null: the run's own verdict is inconclusive).
   */
  readonly patterns?: Readonly<Record<string, boolean | null>>;
  /**
   * After-engine only: whether the verdict fails conclusively against the kernel scaled by 1 + δ and
   * by 1 − δ, δ the run's own stated uniform detectable error (null where its verdict is inconclusive
   * or δ is not finite). A stated power of 0.9 that is achieved detects each about 90 % of the time.
   */
  readonly atStated?: readonly [boolean | null, boolean | null];
}

export interface AnalysisJob {
  readonly id: string;
  readonly run: string;
  readonly broken: string | null;
}

export interface AnalysisRecord extends AnalysisJob {
  readonly family: string;
  readonly arch: string;
  readonly seed: number;
  readonly before: Record<Kind, VerdictRecord>;
  readonly after: Record<Kind, VerdictRecord>;
  /** Detection jobs: the broken kernel's error, ‖K_broken − K‖_F/‖K‖_F over the valid entries, per kernel. */
  readonly errorSize?: Record<Kind, number>;
}

export const pct = (x: number) => (!Number.isFinite(x) ? '—' : x < 1e-3 ? '<0.1 %' : `${(100 * x).toFixed(1)} %`);
export const fmtP = (x: number) => (x === 0 ? '0' : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));
export const interval = (k: number, n: number) => {
  if (n === 0) return { rate: NaN, lo: 0, hi: 1, text: '0/0' };
  const ci = binomialInterval(k, n, 0.95);
  return { rate: k / n, lo: ci.lower, hi: ci.upper, text: `${k}/${n} = ${fmtP(k / n)} [${fmtP(ci.lower)}, ${fmtP(ci.upper)}]` };
};
export const median = (v: number[]) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};
export const conclusive = (v: VerdictRecord) => v.inconclusive.length === 0;
export const uniformCdf = (x: number) => Math.min(1, Math.max(0, x));

export interface LevelCheck {
  readonly text: string;
  readonly inside: boolean;
}

/** Conclusive at the j-th of ALPHAS (the verdict run at that level). */
export const conclusiveAt = (v: VerdictRecord, j: number) => (v.inconclusiveAt ? v.inconclusiveAt[j].length === 0 : conclusive(v));

/** Whether rate a lies inside the Clopper–Pearson interval of k in n (always, for n = 0). */
export const intervalHolds = (k: number, n: number, a: number) => {
  const i = interval(k, n);
  return i.lo <= a && a <= i.hi;
};

/** FPR among the verdicts conclusive at each α, each with its interval, and whether α lies inside. */
export function levels(vs: VerdictRecord[]): LevelCheck[] {
  return ALPHAS.map((a, j) => {
    const c = vs.filter((v) => conclusiveAt(v, j));
    const k = c.filter((v) => v.p <= a).length;
    return { text: interval(k, c.length).text, inside: intervalHolds(k, c.length, a) };
  });
}

export function ks(vs: VerdictRecord[]): { text: string; uniform: boolean } {
  const p = vs.filter(conclusive).map((v) => v.p);
  if (p.length < 2) return { text: '—', uniform: true };
  const r = ksOneSample(p, uniformCdf, 0.01);
  return { text: `D = ${r.statistic.toFixed(3)}, p = ${fmtP(r.pValue)}`, uniform: r.pValue > 0.01 };
}

/** P(X ≤ k) for X ~ Binomial(n, a): 1 − I_a(k + 1, n − k). */
export function binomialCdf(k: number, n: number, a: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return 1 - regularizedBeta(a, k + 1, n - k);
}

/** Exact two-sided binomial p-value of k in n against rate a: twice the smaller tail, P(X ≥ k) = I_a(k, n − k + 1). */
export function binomialPValue(k: number, n: number, a: number): number {
  if (n === 0) return 1;
  const upper = k === 0 ? 1 : regularizedBeta(a, k, n - k + 1);
  return Math.min(1, 2 * Math.min(upper, binomialCdf(k, n, a)));
}

/**
 * The table's checks as one family: every cell's exact binomial test of FPR = α and every KS test,
 * Holm at 0.05. A table of C cells whose engine is exactly calibrated still shows about 0.05·C
 * intervals that miss α; this says which misses are more than that multiplicity explains.
 */
export function familyWise(byFamily: readonly { name: string; recs: AnalysisRecord[] }[], mode: 'before' | 'after'): string {
  const tests: { label: string; p: number }[] = [];
  for (const { name, recs } of byFamily)
    for (const kind of KINDS) {
      const vs = recs.map((r) => r[mode][kind]);
      const c = vs.filter(conclusive);
      if (c.length < 2) continue;
      ALPHAS.forEach((a, j) => {
        const cj = vs.filter((v) => conclusiveAt(v, j));
        tests.push({ label: `${name} ${kind.toUpperCase()} at α = ${a}`, p: binomialPValue(cj.filter((v) => v.p <= a).length, cj.length, a) });
      });
      tests.push({ label: `${name} ${kind.toUpperCase()} KS`, p: ksOneSample(c.map((v) => v.p), uniformCdf, 0.01).pValue });
    }
  if (tests.length === 0) return 'Family-wise: no cell has two or more conclusive verdicts, so there is nothing to test.';
  const h = holm(tests.map((t) => t.p), 0.05);
  const rejected = tests.filter((_, i) => h.rejected[i]);
  const misses = tests.filter((t) => t.p <= 0.05).length;
  return (
    `Family-wise (${tests.length} checks: each cell's exact binomial test of FPR = α and each KS test, Holm at 0.05): ${misses} check(s) with p ≤ 0.05 where about ${(0.05 * tests.length).toFixed(1)} are expected by chance; ` +
    (rejected.length ? `beyond chance: ${rejected.map((t) => `${t.label} (p = ${fmtP(t.p)})`).join(', ')}.` : 'none beyond what chance explains.')
  );
}

export function familyRows(name: string, recs: AnalysisRecord[], mode: 'before' | 'after'): { rows: string[]; ok: boolean; declined: string[] } {
  const rows: string[] = [];
  const declined: string[] = [];
  let ok = true;
  for (const kind of KINDS) {
    const vs = recs.map((r) => r[mode][kind]);
    const lv = levels(vs);
    const k = ks(vs);
    const inc = vs.filter((v) => !conclusive(v)).length;
    const fine = lv.every((l) => l.inside) && k.uniform;
    ok &&= fine;
    // Every verdict inconclusive: the cell holds vacuously, which the summary must not call a level held.
    if (inc === vs.length) declined.push(`${name} ${kind.toUpperCase()}`);
    rows.push(
      `| \`${name}\` | ${kind.toUpperCase()} | ${recs.length} | ${inc ? `${inc} (${pct(inc / vs.length)})` : '0'} | ${lv.map((l) => l.text + (l.inside ? '' : ' **✗**')).join(' | ')} | ${k.text}${k.uniform ? '' : ' **✗**'} |`,
    );
  }
  return { rows, ok, declined };
}

/**
 * How often the conclusive verdicts of `recs` fail against their analytic kernel scaled by 1 + δ and
 * by 1 − δ, δ each run's own stated uniform detectable error at probability 0.9: a stated power that
 * is achieved puts 0.9 inside or below each interval.
 */
export function atStatedPower(recs: readonly AnalysisRecord[], kind: Kind): [string, string] {
  const own = ([0, 1] as const).map((i) => {
    const hits = recs.map((r) => r.after[kind].atStated?.[i]).filter((h): h is boolean => h !== null && h !== undefined);
    return interval(hits.filter((h) => h).length, hits.length).text;
  });
  return [own[0], own[1]];
}

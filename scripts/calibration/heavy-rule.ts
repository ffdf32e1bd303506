/**
 * Where do a heavy-tailed family's false positives at α = 0.05 come from? The heavy-side rule
 * (kernelAgreement's maxRejectionTailExcess, off by default since the fifteenth session) reads the
 * tail excess R at the verdict's own critical value, and R grows like λ²x⁶ (tails.ts): at 0.05 the
 * critical value is low, R is several times smaller than at 1e-3, and the rule rarely applies. This
 * script puts, per stored run, kernel and level, the engine's verdict beside the same verdict with
 * the rule applied whatever R (`maxRejectionTailExcess: 0`: a rejection stands only on an entry on
 * the light side or with every width factor left out). From the two, every rule "apply where R > T", with R read at the verdict's
 * level or at 1e-3, is emulated exactly for T ≤ the engine's threshold.
 *
 *   npx tsx scripts/calibration/heavy-rule.ts --store STORE --families F [--json FILE]
 *   npx tsx scripts/calibration/heavy-rule.ts --read FILE[,FILE…]
 *
 * Prints, per kernel: the false-positive rate at each level; the rate at 0.05 by quartile of R at
 * 0.05, of the fitted relative bias at the narrowest width, and of how far the widths' terms
 * c_f³k₃_f/N_f² of the deciding entry's skewness term λ cancel (tails.ts; `agreement` =
 * |Σ_f t_f|/Σ_f |t_f|, 1 where they share a sign); and the rates under the emulated rules.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allArchitectures } from './architectures.ts';
import { KINDS, type Kind, type RunRecord } from './store.ts';
import { readResults } from './runner.ts';
import { ALPHAS, interval, intervalHolds } from './tables.ts';
import { storedVerdictInputs } from './verdictInputs.ts';
import { DEFAULT_MAX_REJECTION_TAIL_EXCESS, float32Floors, kernelAgreement, uniqueEntries, widthSamples, type AgreementInput, type KernelAgreement } from '../../src/verdicts/kernelAgreement.ts';
import { fitBiasModel } from '../../src/verdicts/biasModel.ts';

/** One verdict's view at one level: as the engine runs it, and with the heavy-side rule applied whatever R. */
export interface LevelRecord {
  readonly p: number;
  /** Tail excess R at this level's critical value. */
  readonly excess: number;
  readonly inconclusive: readonly string[];
  readonly inconclusiveAlways: readonly string[];
  /** Raw z of the deciding entry. */
  readonly z: number;
  /** Largest fitted relative bias at the narrowest width (biasRegime.maxRelativeBias). */
  readonly relativeBias: number;
  /** |Σ_f t_f| / Σ_f |t_f| of the deciding entry's skewness terms t_f = c_f³k₃_f/N_f² (1: no cancellation). */
  readonly agreement: number;
}

/**
 * How far the widths' terms of the deciding entry's λ cancel: the line refitted as the verdict fits
 * it (the same variances with the float32 floor, the verdict's kind of weights), its intercept
 * weights c_f, and the per-network third cumulants of that entry.
 */
export function termAgreement(input: AgreementInput, v: KernelAgreement): number {
  const { idx, rows, cols } = uniqueEntries(input.mask);
  const a = rows.findIndex((r, k) => r === v.worst.row && cols[k] === v.worst.col);
  const samples = widthSamples(input.estimates, idx, float32Floors(input.analytic, input.mask), input.mask.length ** 2);
  const weights = v.biasModel.weights;
  const fit = fitBiasModel(samples, weights.kind === 'law' ? { varianceExponent: weights.exponent } : {});
  const m = idx.length;
  return agreementOf(input.estimates.map((e, f) => (fit.interceptWeights[f * m + a] ** 3 * (e.thirdCumulant?.[idx[a]] ?? 0)) / e.networks ** 2));
}

/** |Σ t_f| / Σ |t_f| of the widths' terms of λ: 1 where they share a sign, near 0 where they cancel. */
export function agreementOf(terms: readonly number[]): number {
  const absolute = terms.reduce((s, t) => s + Math.abs(t), 0);
  return absolute > 0 ? Math.abs(terms.reduce((s, t) => s + t, 0)) / absolute : 1;
}
export type RunView = { readonly id: string } & Record<Kind, readonly LevelRecord[]>;

function measure(store: string, families: Set<string>): RunView[] {
  const architectures = allArchitectures(resolve(import.meta.dirname, '../..'));
  const runs = [...readResults<RunRecord>(resolve(store, 'runs.jsonl')).values()].filter((r) => families.has(r.family)).sort((a, b) => a.seed - b.seed);
  if (runs.length === 0) throw new Error(`${store}: no stored runs of ${[...families].join(', ')}`);
  return runs.map((r, n) => {
    const inputs = storedVerdictInputs(store, r, architectures);
    const view = { id: r.id } as { id: string } & Record<Kind, LevelRecord[]>;
    for (const kind of KINDS) {
      const base = inputs[kind];
      // The deciding entry and the line's kind of weights do not depend on α (the weights are chosen
      // at 1e-3 whatever α), so neither does the agreement.
      let agreement: number | undefined;
      view[kind] = ALPHAS.map((alpha) => {
        const v = kernelAgreement({ ...base, alpha });
        const always = kernelAgreement({ ...base, alpha, maxRejectionTailExcess: 0 });
        const codes = (x: typeof v) => (x.inconclusive ?? []).map((i) => i.code);
        return {
          p: v.pValue,
          excess: v.tails.excess,
          inconclusive: codes(v),
          inconclusiveAlways: codes(always),
          z: v.worst.z,
          relativeBias: v.biasRegime.maxRelativeBias,
          agreement: (agreement ??= termAgreement(base, v)),
        };
      });
    }
    if ((n + 1) % 50 === 0) process.stderr.write(`${n + 1}/${runs.length} runs\n`);
    return view;
  });
}

/** Rejections / conclusive verdicts at level j under a rule that says, per run, whether the heavy-side rule applies. */
export function rate(views: readonly RunView[], kind: Kind, j: number, applies?: (v: RunView) => boolean): string {
  let k = 0;
  let n = 0;
  for (const v of views) {
    const l = v[kind][j];
    // Where an emulated rule does not apply, R at this level is at most the engine's threshold, so the
    // engine's own verdict had the rule off too.
    const codes = applies?.(v) ? l.inconclusiveAlways : l.inconclusive;
    if (codes.length) continue;
    n++;
    if (l.p <= ALPHAS[j]) k++;
  }
  const i = interval(k, n);
  return `${i.text}${intervalHolds(k, n, ALPHAS[j]) ? '' : ' ✗'}`;
}

function quartiles(views: readonly RunView[], kind: Kind, of: (l: LevelRecord) => number): string {
  const conclusive = views.map((v) => v[kind][0]).filter((l) => !l.inconclusive.length);
  const sorted = conclusive.map(of).sort((a, b) => a - b);
  const cut = [0, 0.25, 0.5, 0.75].map((q) => sorted[Math.floor(q * sorted.length)]).concat(Infinity);
  return [0, 1, 2, 3]
    .map((q) => {
      const inQ = conclusive.filter((l) => of(l) >= cut[q] && of(l) < cut[q + 1]);
      return `[${cut[q].toPrecision(2)}, ${q === 3 ? sorted[sorted.length - 1].toPrecision(2) : cut[q + 1].toPrecision(2)}]: ${inQ.filter((l) => l.p <= ALPHAS[0]).length}/${inQ.length}`;
    })
    .join(' · ');
}

function report(views: readonly RunView[]): void {
  // The engine's threshold (off by default since the fifteenth session); the fixed rows read R at 5,
  // the threshold the rule had before.
  const T0 = DEFAULT_MAX_REJECTION_TAIL_EXCESS;
  const T5 = Number.isFinite(T0) ? T0 : 5;
  console.log(`${views.length} runs. Rejected / conclusive at α = ${ALPHAS.join(' · ')}; the rule's emulations hold everything else as the engine has it.`);
  for (const kind of KINDS) {
    const row = (label: string, applies?: (v: RunView, j: number) => boolean) =>
      console.log(`| ${kind.toUpperCase()} | ${label} | ${ALPHAS.map((_, j) => rate(views, kind, j, applies && ((v) => applies(v, j)))).join(' | ')} |`);
    console.log(`\n| kernel | heavy-side rule | ${ALPHAS.map((a) => `α = ${a}`).join(' | ')} |\n| --- | --- | ${ALPHAS.map(() => '---').join(' | ')} |`);
    row(Number.isFinite(T0) ? `the engine's (R at α > ${T0})` : "the engine's (rule off)");
    for (const T of [3, 2, 1]) row(`R at α > ${T}`, (v, j) => v[kind][j].excess > T);
    if (!Number.isFinite(T0)) row(`R at α > ${T5}`, (v, j) => v[kind][j].excess > T5);
    row(`R at 1e-3 > ${T5}`, (v) => v[kind][ALPHAS.length - 1].excess > T5);
    row('always', () => true);
    const rejected = views.map((v) => v[kind][0]).filter((l) => !l.inconclusive.length && l.p <= ALPHAS[0]);
    console.log(`\n${kind.toUpperCase()} at 0.05: ${rejected.length} rejections, ${rejected.filter((l) => l.excess > T5).length} with R > ${T5}, ${rejected.filter((l) => l.z < 0).length} below the kernel.`);
    console.log(`  by quartile of R at 0.05: ${quartiles(views, kind, (l) => l.excess)}`);
    console.log(`  by quartile of the relative bias at the narrowest width: ${quartiles(views, kind, (l) => l.relativeBias)}`);
    console.log(`  by quartile of the deciding entry's skewness-term agreement (low: the widths' terms cancel): ${quartiles(views, kind, (l) => l.agreement)}`);
  }
}

function main(): void {
  const { values } = parseArgs({
    options: { store: { type: 'string' }, families: { type: 'string' }, json: { type: 'string' }, read: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help || !(values.read || (values.store && values.families))) {
    console.log('usage: npx tsx scripts/calibration/heavy-rule.ts --store STORE --families F[,G…] [--json FILE]\n       npx tsx scripts/calibration/heavy-rule.ts --read FILE[,FILE…]');
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const views = values.read
    ? values.read.split(',').flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as RunView[])
    : measure(resolve(values.store!), new Set(values.families!.split(',')));
  if (values.json) writeFileSync(values.json, JSON.stringify(views));
  report(views);
}

if (import.meta.url === `file://${process.argv[1]}`) main();

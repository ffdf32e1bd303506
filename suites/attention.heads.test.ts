/**
 * Heads and the law of finite attention networks (docs/kernels.md §7, "What finite networks must
 * show", items 2 and 3; issue 3 §4): what the kernels alone do not show.
 *
 * The network is one attention layer on the raw inputs, read at output channel 0. Its heads are then
 * i.i.d. given the inputs (no layer below them is shared), so a single network's NTK is an average
 * of H i.i.d. per-head NTKs and its output a sum of H i.i.d. symmetric per-head outputs / √H:
 * the variance of single-network NTKs and the excess kurtosis of outputs fall EXACTLY like 1/H at
 * any width. The question is what the per-head terms do as the width grows:
 *
 * 1. sqrt scaling, heads sweep: NTK variance and output kurtosis against H, each fitted to c·H^e
 *    with a 95 % interval (src/verdicts/convergenceRate.ts): e must be consistent with −1 and the
 *    interval must exclude 0. At H = 1 the kurtosis stays positive at two widths (a one-sided
 *    normality test per width), and the NTK variance does not fall with width: sqrt attention
 *    concentrates only as H grows.
 * 2. linear scaling: the NTK variance falls with width (exponent ≈ −1, interval below 0) at H = 1
 *    and at H > 1: it concentrates at any H.
 * 3. the single-head limit law: at H = 1 the output is, in the limit, the conditional-Gaussian
 *    mixture of src/limits/singleHeadLaw.ts. A two-sample KS test does not tell the finite outputs
 *    from draws of the mixture, and does tell them from a Gaussian of the same (kernel) variance.
 *
 * Everything runs on fixed seeds. The measured exponents go to the console and, with
 * UPDATE_REPORTS=1, to reports/attention-sweep.json. The quick profile runs small widths and H ≤ 8; the full profile
 * (SUITES_PROFILE=full) runs H up to 64 and larger samples.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { estimate } from '../src/estimators/ensemble.ts';
import { readInputs } from '../src/io.ts';
import { attention, network } from '../src/layers/builder.ts';
import type { AttentionSpec, NetworkSpec } from '../src/spec/types.ts';
import { computeKernel } from '../src/pipeline/kernel.ts';
import { inputState } from '../src/kernels/state.ts';
import { convergenceRate, type ConvergenceRate } from '../src/verdicts/convergenceRate.ts';
import { kurtosisVerdict } from '../src/verdicts/gaussianity.ts';
import { ksTwoSample } from '../src/stats/ksTwoSample.ts';
import { AttentionOutputLaw, mixtureMoments } from '../src/limits/singleHeadLaw.ts';
import { excessKurtosisDelta, totalVariance, type Estimate } from '../src/limits/sampleMoments.ts';
import { seed32 } from '../src/random/normals.ts';
import { NormalStream } from '../src/random/ziggurat.ts';
import { suiteProfile } from './profile.ts';

const profile = suiteProfile();
const full = profile.name === 'full';
const alpha = 1e-3;
const settings = full
  ? { heads: [1, 2, 4, 8, 16, 32, 64], ntkNetworks: 512, outputNetworks: 65_536, width: 16, lawWidth: 64, lawNetworks: 32_768, linearWidths: [8, 16, 32, 64], linearHeads: [1, 4, 16] }
  : { heads: [1, 2, 4, 8], ntkNetworks: 192, outputNetworks: 16_384, width: 16, lawWidth: 64, lawNetworks: 16_384, linearWidths: [8, 16, 32], linearHeads: [1, 4] };

const inputs = readInputs(resolve(import.meta.dirname, '../fixtures/inputs/seq3x4x6.json'));
/** The scalar projection read off: output channel 0 at input 1, position 0. */
const position = 1 * inputs.T + 0;

function layer(scaling: 'sqrt' | 'linear', heads: number, width: number): AttentionSpec {
  return attention({ heads, keyWidth: width, valueWidth: width, outWidth: 1, scaling, mechanism: 'softmax' });
}

/**
 * Per-network NTKs (every entry) of `networks` networks, one sampler call per network (a block of
 * one, `keepBlocks`): network k's weights depend only on (seed, k), so these are the networks one
 * call of `networks` would draw, each kept instead of folded into a mean.
 */
async function perNetworkNtk(spec: NetworkSpec, networks: number, seed: number): Promise<Float64Array[]> {
  const rows: Float64Array[] = [];
  for (let k = 0; k < networks; k++) {
    const r = await estimate(spec, inputs, { networks: 1, firstNetwork: k, keepBlocks: true, seed, nngp: false, ntk: true });
    rows.push(r.ntk!);
  }
  return rows;
}

/** Output channel 0 at `position` of `networks` networks. */
async function outputs(spec: NetworkSpec, networks: number, seed: number): Promise<Float64Array> {
  const r = await estimate(spec, inputs, { networks, seed, nngp: false, ntk: false, collectOutputs: true, chunk: 64 });
  const P = inputs.M * r.T;
  return Float64Array.from({ length: networks }, (_, k) => r.outputs![k * P + position]);
}

const seedOf = (what: string) => seed32(`attention-heads/${what}`);
const fmt = (e: Estimate) => `${e.value.toPrecision(4)} ± ${e.se.toPrecision(2)}`;
const fmtRate = (r: ConvergenceRate) =>
  r.resolved ? `${r.exponent.toFixed(3)} (95% CI [${r.interval[0].toFixed(3)}, ${r.interval[1].toFixed(3)}], ${r.points} points)` : 'unresolved';
/** The wider of the two intervals (the scaled one accounts for scatter beyond the stated SEs). */
const widest = (r: ConvergenceRate): [number, number] =>
  r.intervalScaled ? [Math.min(r.interval[0], r.intervalScaled[0]), Math.max(r.interval[1], r.intervalScaled[1])] : [r.interval[0], r.interval[1]];

const report: Record<string, unknown> = {
  profile: profile.name,
  description:
    'Measured by suites/attention.heads.test.ts (per profile: quick = npm test, full = npm run suites:full): one attention layer (softmax) on fixtures/inputs/seq3x4x6.json, output channel 0 at input 1, position 0; per-network NTK variance = trace of its covariance across networks; exponents e of c·x^e by src/verdicts/convergenceRate.ts with 95 % intervals (pValueOfMinusOne: the z-test of e = −1).',
};
const lines: string[] = [];

const rateJson = (r: ConvergenceRate) => ({
  exponent: r.exponent,
  se: r.exponentSE,
  interval95: r.interval,
  interval95Scaled: r.intervalScaled,
  points: r.points,
  pValueOfMinusOne: r.pValue,
  notes: r.notes,
});

describe(`attention heads (${profile.name} profile)`, () => {
  // H = 1 at the sweep's width is shared by the first two tests: computed once by whichever runs
  // first (same seeds either way), so each test also runs alone (vitest -t).
  const single = new Map<string, Promise<unknown>>();
  const once = <T,>(key: string, f: () => Promise<T>): Promise<T> => {
    if (!single.has(key)) single.set(key, f());
    return single.get(key) as Promise<T>;
  };
  const singleHeadNtk = () =>
    once('ntk', async () => totalVariance(await perNetworkNtk(network(layer('sqrt', 1, settings.width)), settings.ntkNetworks, seedOf('sqrt-ntk/1'))));
  const singleHeadOutputs = () => once('out', () => outputs(network(layer('sqrt', 1, settings.width)), settings.outputNetworks, seedOf('sqrt-out/1')));

  it(
    'sqrt scaling: NTK variance and output kurtosis fall like 1/H',
    async () => {
      const sqrtNtk = new Map<number, Estimate>();
      const sqrtKurtosis = new Map<number, Estimate>();
      for (const H of settings.heads) {
        const spec = network(layer('sqrt', H, settings.width));
        sqrtNtk.set(H, H === 1 ? await singleHeadNtk() : totalVariance(await perNetworkNtk(spec, settings.ntkNetworks, seedOf(`sqrt-ntk/${H}`))));
        const sample = H === 1 ? await singleHeadOutputs() : await outputs(spec, settings.outputNetworks, seedOf(`sqrt-out/${H}`));
        sqrtKurtosis.set(H, excessKurtosisDelta(sample));
      }
      const fit = (m: Map<number, Estimate>) =>
        convergenceRate({ x: settings.heads, error: settings.heads.map((H) => m.get(H)!.value), se: settings.heads.map((H) => m.get(H)!.se), expected: -1, alpha });
      const ntkRate = fit(sqrtNtk);
      const kurtRate = fit(sqrtKurtosis);
      report.sqrtHeads = {
        width: settings.width,
        heads: settings.heads,
        ntkVariance: settings.heads.map((H) => ({ H, ...sqrtNtk.get(H)! })),
        excessKurtosis: settings.heads.map((H) => ({ H, ...sqrtKurtosis.get(H)! })),
        ntkVarianceExponent: rateJson(ntkRate),
        kurtosisExponent: rateJson(kurtRate),
      };
      lines.push(
        `sqrt, width ${settings.width}: per-network NTK variance ∝ H^${fmtRate(ntkRate)}`,
        `  ${settings.heads.map((H) => `H=${H}: ${fmt(sqrtNtk.get(H)!)}`).join(', ')}`,
        `sqrt, width ${settings.width}: output excess kurtosis ∝ H^${fmtRate(kurtRate)}`,
        `  ${settings.heads.map((H) => `H=${H}: ${fmt(sqrtKurtosis.get(H)!)}`).join(', ')}`,
      );
      for (const r of [ntkRate, kurtRate]) {
        expect(r.resolved).toBe(true);
        // −1 inside the interval (the z-test of e = −1 does not reject), 0 outside it.
        expect(r.rejected, `exponent ${fmtRate(r)}: ${r.notes.join('; ')}`).toBe(false);
        expect(widest(r)[1]).toBeLessThan(0);
      }
    },
    profile.timeout,
  );

  it(
    'sqrt scaling at H = 1: kurtosis stays positive and the NTK variance does not fall as the width grows',
    async () => {
      const H1 = new Map<number, { kurtosis: Estimate; pGreater: number; ntk: Estimate }>();
      for (const w of [settings.width, settings.lawWidth]) {
        const spec = network(layer('sqrt', 1, w));
        // The first width is the heads sweep's H = 1 point (the same samples).
        const first = w === settings.width;
        const sample = first ? await singleHeadOutputs() : await outputs(spec, settings.outputNetworks, seedOf(`sqrt-out-w/${w}`));
        const positive = kurtosisVerdict(Array.from(sample), alpha, 'greater');
        const kurtosis = excessKurtosisDelta(sample);
        const ntk = first ? await singleHeadNtk() : totalVariance(await perNetworkNtk(spec, settings.ntkNetworks, seedOf(`sqrt-ntk-w/${w}`)));
        H1.set(w, { kurtosis, pGreater: positive.pValue, ntk });
        expect(positive.rejected, `H = 1, width ${w}: excess kurtosis ${fmt(kurtosis)} is not significantly positive`).toBe(true);
      }
      const widths = [...H1.keys()];
      const widthRate = convergenceRate({ x: widths, error: widths.map((w) => H1.get(w)!.ntk.value), se: widths.map((w) => H1.get(w)!.ntk.se), expected: -1, alpha });
      report.sqrtSingleHead = {
        widths: widths.map((w) => ({ width: w, excessKurtosis: H1.get(w)!.kurtosis, pKurtosisPositive: H1.get(w)!.pGreater, ntkVariance: H1.get(w)!.ntk })),
        ntkVarianceWidthExponent: rateJson(widthRate),
      };
      lines.push(
        `sqrt, H = 1: excess kurtosis ${widths.map((w) => `width ${w}: ${fmt(H1.get(w)!.kurtosis)} (one-sided p ${H1.get(w)!.pGreater.toExponential(1)})`).join(', ')}`,
        `sqrt, H = 1: NTK variance against width ∝ w^${fmtRate(widthRate)} (${widths.map((w) => `width ${w}: ${fmt(H1.get(w)!.ntk)}`).join(', ')})`,
      );
      // Concentration with width would be e = −1: rejected. The variance stays of the same order.
      expect(widthRate.resolved).toBe(true);
      expect(widthRate.rejected, `sqrt, H = 1: NTK variance ∝ w^${fmtRate(widthRate)}`).toBe(true);
      expect(widthRate.exponent).toBeGreaterThan(-0.5);
    },
    profile.timeout,
  );

  it(
    'linear scaling: the NTK of single networks concentrates as the width grows, at every H',
    async () => {
      const out: Record<string, unknown>[] = [];
      for (const H of settings.linearHeads) {
        const v: Estimate[] = [];
        for (const w of settings.linearWidths) v.push(totalVariance(await perNetworkNtk(network(layer('linear', H, w)), settings.ntkNetworks, seedOf(`linear-ntk/${H}/${w}`))));
        const rate = convergenceRate({ x: settings.linearWidths, error: v.map((e) => e.value), se: v.map((e) => e.se), expected: -1, alpha });
        out.push({ H, widths: settings.linearWidths, ntkVariance: v, widthExponent: rateJson(rate) });
        lines.push(`linear, H = ${H}: NTK variance ∝ w^${fmtRate(rate)} (${settings.linearWidths.map((w, i) => `${w}: ${fmt(v[i])}`).join(', ')})`);
        expect(rate.resolved).toBe(true);
        expect(widest(rate)[1], `linear, H = ${H}: the NTK variance does not fall with width`).toBeLessThan(0);
        expect(rate.rejected, `linear, H = ${H}: NTK variance ∝ w^${fmtRate(rate)}, not 1/w`).toBe(false);
      }
      report.linearWidths = out;
    },
    profile.timeout,
  );

  it(
    'the single-head limit law: finite outputs match the conditional-Gaussian mixture, not a Gaussian',
    async () => {
      const spec = network(layer('sqrt', 1, settings.lawWidth));
      const finite = await outputs(spec, settings.lawNetworks, seedOf('law/finite'));
      const projection = new Float64Array(inputs.M * inputs.T);
      projection[position] = 1;
      const law = new AttentionOutputLaw(inputState(inputs), spec.layers[0] as AttentionSpec, { projection, seed: seedOf('law/mixture') });
      const mixture = law.sample(4 * settings.lawNetworks);
      const limit = mixtureMoments(law.conditionalVariances(4 * settings.lawNetworks));
      // The Gaussian of the same variance: the kernel's NNGP at that output.
      const kernel = computeKernel(spec, inputs);
      const variance = kernel.nngp[position * inputs.M * inputs.T + position];
      const gauss = new NormalStream('attention-heads/law/gaussian');
      const gaussian = Array.from({ length: 4 * settings.lawNetworks }, () => Math.sqrt(variance) * gauss.normal());
      const vsMixture = ksTwoSample(Array.from(finite), Array.from(mixture), alpha);
      const vsGaussian = ksTwoSample(Array.from(finite), gaussian, alpha);
      const finiteKurtosis = excessKurtosisDelta(finite);
      report.singleHeadLaw = {
        width: settings.lawWidth,
        networks: settings.lawNetworks,
        mixtureDraws: mixture.length,
        kernelVariance: variance,
        mixtureVariance: { value: limit.variance, se: limit.varianceSE },
        finiteExcessKurtosis: finiteKurtosis,
        mixtureExcessKurtosis: { value: limit.excessKurtosis, se: limit.excessKurtosisSE },
        ksVsMixture: { D: vsMixture.statistic, p: vsMixture.pValue },
        ksVsGaussian: { D: vsGaussian.statistic, p: vsGaussian.pValue },
      };
      lines.push(
        `single-head law (sqrt, H = 1, width ${settings.lawWidth}, ${settings.lawNetworks} networks): KS vs mixture D = ${vsMixture.statistic.toFixed(4)}, p = ${vsMixture.pValue.toExponential(2)}; KS vs Gaussian of the kernel variance D = ${vsGaussian.statistic.toFixed(4)}, p = ${vsGaussian.pValue.toExponential(2)}`,
        `  excess kurtosis: finite ${fmt(finiteKurtosis)}, mixture ${limit.excessKurtosis.toFixed(4)} ± ${limit.excessKurtosisSE.toPrecision(2)}; variance: kernel ${variance.toFixed(4)}, mixture ${limit.variance.toFixed(4)} ± ${limit.varianceSE.toPrecision(2)}`,
      );
      expect(vsMixture.rejected, `the finite outputs differ from the mixture: D = ${vsMixture.statistic}, p = ${vsMixture.pValue}`).toBe(false);
      expect(vsGaussian.rejected, `the finite outputs are not told from a Gaussian: D = ${vsGaussian.statistic}, p = ${vsGaussian.pValue}`).toBe(true);
    },
    profile.timeout,
  );
});

afterAll(() => {
  if (lines.length) console.log(`attention heads (${profile.name}):\n${lines.join('\n')}`);
  // Only on request (UPDATE_REPORTS=1, set by `npm run suites:full` and `npm run report:sweep`), so that
  // `npm test` leaves the committed report untouched.
  if (Object.keys(report).length > 2 && process.env.UPDATE_REPORTS === '1') {
    // One entry per profile: a quick run keeps the last full run's numbers.
    const dir = resolve(import.meta.dirname, '../reports');
    const file = resolve(dir, 'attention-sweep.json');
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      previous = {};
    }
    const { description, ...measured } = report;
    const profiles = { ...((previous.profiles as Record<string, unknown> | undefined) ?? {}), [profile.name]: { ...measured, date: new Date().toISOString() } };
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ description, profiles }, null, 2)}\n`);
  }
});

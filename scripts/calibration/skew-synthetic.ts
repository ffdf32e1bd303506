/**
 * Does the engine's tail for a Studentized, 1/width-extrapolated mean hold where the per-network
 * kernels are heavy-tailed, and which of its estimates is at fault where it does not? A synthetic
 * check built from the engine's own pieces (biasModel.ts's line, tails.ts's skewness term and tail),
 * on per-network values whose law is known: standardized lognormal, whose skewness
 * (e^{σ²} + 2)√(e^{σ²} − 1) is 3.7 at σ = 0.8 — the size the plug-in reads on issue 16's fixed-heads
 * relu attention (median 2–4 per width at 128 networks, where the sample skewness of such a law is
 * biased low).
 *
 * Each replicate draws N values at each width factor 1, 2, 4 (x = 1, ½, ¼), with SD x^{p/2} (p the
 * variance exponent: 0 where the per-network variance does not fall with the width, 1 where it falls
 * like 1/width), skewness γ·x^q (q = 0: the same law at every width; on issue 16's relu attention
 * the plug-in skewness falls about like x^{0.25}) and a 1/width bias, fits the line as the engine
 * does (estimated weights 1/Var(ȳ_f), or the variance law's), and compares the simulated two-sided
 * tail P(|z| ≥ x) of the extrapolated mean's z with the engine's `studentizedTail` at that z's
 * degrees of freedom and skewness term λ, taken four ways: the engine's (the larger of the widths'
 * terms' signed sum and root sum of squares, tails.ts), the signed sum alone (the engine before the
 * fifteenth session), each width's skewness replaced by the largest over the widths, and the true
 * skewness.
 *
 *   npx tsx scripts/calibration/skew-synthetic.ts [--replicates 100000] [--networks 128] [--sigma 0.8] [--skew-exponent 0] [--seed 1]
 *
 * It also splits the replicates by how much the widths' plug-in terms c_f³k₃_f/N_f² of λ cancel
 * (|Σ_f t_f| / Σ_f |t_f|, low = cancelling): on the stored calibration runs the false rejections of
 * the signed sum sat where that ratio is low (docs/calibration.md, fourteenth session).
 */
import { parseArgs } from 'node:util';
import { fitBiasModel, type WidthSample } from '../../src/verdicts/biasModel.ts';
import { extrapolatedSkewness, studentizedTail } from '../../src/verdicts/tails.ts';
import { normalStream } from '../../src/random/normals.ts';
import { MomentAccumulator } from '../../src/estimators/accumulator.ts';
import { widthEstimate } from '../../src/validation/case.ts';
import { agreementOf } from './heavy-rule.ts';

const XS = [1, 0.5, 0.25] as const;
const LEVELS = [2.5, 3, 3.5] as const;
const LAMBDAS = ['plugIn', 'signed', 'widest', 'truth'] as const;
export type LambdaKind = (typeof LAMBDAS)[number];

/** Skewness of lognormal(0, σ²). */
const lognormalSkewness = (sigma: number): number => (Math.exp(sigma * sigma) + 2) * Math.sqrt(Math.exp(sigma * sigma) - 1);

/** The σ whose lognormal has skewness γ (bisection; the skewness rises with σ). */
function lognormalSigma(gamma: number): number {
  let lo = 0;
  let hi = 3;
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (lognormalSkewness(mid) < gamma) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Replicate {
  readonly z: number;
  readonly dof: number;
  /** λ: the engine's plug-in, the plug-in signed sum, largest width skewness at every width, true. */
  readonly lambda: Readonly<Record<LambdaKind, number>>;
  /** |Σ t_f| / Σ |t_f| of the plug-in terms (1 = no cancellation). */
  readonly agreement: number;
}

export function simulate(options: {
  replicates: number;
  networks: number;
  sigma: number;
  power: number;
  law: boolean;
  seed: number;
  /** Skewness ∝ x^q over the widths (default 0: the same law at every width). */
  skewExponent?: number;
}): Replicate[] {
  const { replicates, networks: N, sigma, power, law } = options;
  const q = options.skewExponent ?? 0;
  const sigmas = XS.map((x) => (q === 0 ? sigma : lognormalSigma(lognormalSkewness(sigma) * x ** q)));
  const laws = sigmas.map((s) => ({ s, shift: Math.exp((s * s) / 2), scale: Math.sqrt((Math.exp(s * s) - 1) * Math.exp(s * s)), gamma: lognormalSkewness(s) }));
  const normal = normalStream(`skew-synthetic/${options.seed}/${sigma}/${power}/${N}${q === 0 ? '' : `/${q}`}`);
  const K = 1;
  const a = 0.3;
  const sd = XS.map((x) => x ** (power / 2));
  const out: Replicate[] = [];
  const v = new Float64Array(1);
  for (let r = 0; r < replicates; r++) {
    const samples: WidthSample[] = [];
    const k3: Float64Array[] = [];
    for (let f = 0; f < XS.length; f++) {
      const { s, shift, scale } = laws[f];
      // The engine's own path from networks to a width's estimate (mean, SE, third cumulant).
      const acc = new MomentAccumulator(1);
      for (let i = 0; i < N; i++) {
        v[0] = K + a * XS[f] + (sd[f] * (Math.exp(s * normal()) - shift)) / scale;
        acc.add(v);
      }
      const estimate = widthEstimate(1 / XS[f], acc);
      samples.push({ x: XS[f], mean: estimate.mean, variance: Float64Array.of(estimate.se[0] ** 2), covariance: null, networks: N });
      k3.push(Float64Array.of(estimate.thirdCumulant![0]));
    }
    const fit = fitBiasModel(samples, law ? { varianceExponent: power } : {});
    const V = Float64Array.of(fit.interceptCovariance[0]);
    const networks = XS.map(() => N);
    const perNetworkSd = samples.map((s) => Math.sqrt(s.variance[0] * N));
    const skew = k3.map((k, f) => k[0] / perNetworkSd[f] ** 3);
    const largest = Math.max(...skew.map(Math.abs)) * (skew.reduce((s, g) => s + g, 0) < 0 ? -1 : 1);
    out.push({
      z: (fit.intercept[0] - K) / Math.sqrt(V[0]),
      dof: fit.interceptDof[0],
      lambda: {
        plugIn: extrapolatedSkewness(fit.interceptWeights, k3, networks, V)[0],
        signed: extrapolatedSkewness(fit.interceptWeights, k3, networks, V, 'signed')[0],
        widest: extrapolatedSkewness(fit.interceptWeights, perNetworkSd.map((s) => Float64Array.of(largest * s ** 3)), networks, V)[0],
        truth: extrapolatedSkewness(fit.interceptWeights, sd.map((s, f) => Float64Array.of(laws[f].gamma * s ** 3)), networks, V)[0],
      },
      agreement: agreementOf(k3.map((k, f) => (fit.interceptWeights[f] ** 3 * k[0]) / (N * N))),
    });
  }
  return out;
}

/** Simulated P(|z| ≥ x) and the engine's predicted tail, averaged over the replicates, per λ. */
export function tails(reps: readonly Replicate[], x: number): { simulated: number } & Record<LambdaKind, number> {
  let hits = 0;
  const sum: Record<LambdaKind, number> = { plugIn: 0, signed: 0, widest: 0, truth: 0 };
  for (const r of reps) {
    if (Math.abs(r.z) >= x) hits++;
    for (const k of LAMBDAS) sum[k] += studentizedTail(x, r.dof, r.lambda[k]);
  }
  const n = reps.length;
  return { simulated: hits / n, plugIn: sum.plugIn / n, signed: sum.signed / n, widest: sum.widest / n, truth: sum.truth / n };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      replicates: { type: 'string', default: '100000' },
      networks: { type: 'string', default: '128' },
      sigma: { type: 'string', default: '0.8' },
      'skew-exponent': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npx tsx scripts/calibration/skew-synthetic.ts [--replicates 100000] [--networks 128] [--sigma 0.8] [--skew-exponent 0] [--seed 1]');
    return;
  }
  const replicates = Number(values.replicates);
  const networks = Number(values.networks);
  const sigma = Number(values.sigma);
  const seed = Number(values.seed);
  const skewExponent = Number(values['skew-exponent']);
  for (const [name, v] of Object.entries({ replicates, networks, sigma, seed }))
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`--${name} must be a positive number, got ${String(v)}`);
  if (!(Number.isFinite(skewExponent) && skewExponent >= 0)) throw new Error(`--skew-exponent must be a number ≥ 0, got ${String(values['skew-exponent'])}`);
  const gammas = XS.map((x) => (lognormalSkewness(sigma) * x ** skewExponent).toFixed(2));
  console.log(
    `Lognormal per-network values, skewness ${gammas.join(', ')} at width factors 1, 2, 4 (σ = ${sigma}, --skew-exponent ${skewExponent}), ${networks} networks per factor, ${replicates} replicates. ` +
      'Simulated two-sided tail P(|z| ≥ x), and simulated ÷ the engine\'s studentizedTail with λ taken four ways: the engine\'s plug-in (the larger of the widths\' terms\' signed sum and root sum of squares) · the signed sum alone (before the fifteenth session) · the largest width skewness at every width · the true skewness. Above 1: the prediction is too thin.\n',
  );
  const levels = [...LEVELS, 4];
  console.log(`| variance exponent p | line weights | ${levels.map((x) => `x = ${x}`).join(' | ')} | at x = 3 by thirds of the plug-in terms' agreement, cancelling first: engine (signed) |`);
  console.log(`| --- | --- | ${levels.map(() => '---').join(' | ')} | --- |`);
  const ratios = (t: ReturnType<typeof tails>) => LAMBDAS.map((k) => (t.simulated / t[k]).toFixed(2)).join(' · ');
  for (const power of [0, 1])
    for (const law of [false, true]) {
      const reps = simulate({ replicates, networks, sigma, power, law, seed, skewExponent });
      const cells = levels.map((x) => {
        const t = tails(reps, x);
        return `${t.simulated.toExponential(2)}: ${ratios(t)}`;
      });
      const sorted = [...reps].sort((a, b) => a.agreement - b.agreement);
      const thirds = [0, 1, 2].map((k) => {
        const part = sorted.slice(Math.floor((k * sorted.length) / 3), Math.floor(((k + 1) * sorted.length) / 3));
        const t = tails(part, 3);
        return `${(t.simulated / t.plugIn).toFixed(2)} (${(t.simulated / t.signed).toFixed(2)})`;
      });
      console.log(`| ${power} | ${law ? "the law's" : 'estimated'} | ${cells.join(' | ')} | ${thirds.join(' · ')} |`);
    }
}

if (import.meta.url === `file://${process.argv[1]}`) main();

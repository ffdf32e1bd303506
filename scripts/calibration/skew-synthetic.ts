/**
 * Does the engine's tail for a Studentized, 1/width-extrapolated mean hold where the per-network
 * kernels are heavy-tailed, and which of its estimates is at fault where it does not? A synthetic
 * check built from the engine's own pieces (biasModel.ts's line, tails.ts's skewness term and tail),
 * on per-network values whose law is known: standardized lognormal(0, σ²), whose skewness
 * (e^{σ²} + 2)√(e^{σ²} − 1) is 3.7 at σ = 0.8 — the size the plug-in reads on issue 16's fixed-heads
 * relu attention (median 2–4 per width at 128 networks, where the sample skewness of such a law is
 * biased low).
 *
 * Each replicate draws N values at each width factor 1, 2, 4 (x = 1, ½, ¼), with SD x^{p/2} (p the
 * variance exponent: 0 where the per-network variance does not fall with the width, 1 where it falls
 * like 1/width) and a 1/width bias, fits the line as the engine does (estimated weights 1/Var(ȳ_f),
 * or the variance law's), and compares the simulated two-sided tail P(|z| ≥ x) of the extrapolated
 * mean's z with the engine's `studentizedTail` at that z's degrees of freedom and skewness term λ,
 * taken three ways: the plug-in λ (the engine's), λ with each width's skewness replaced by the
 * largest over the widths, and λ from the true skewness.
 *
 *   npx tsx scripts/calibration/skew-synthetic.ts [--replicates 100000] [--networks 128] [--sigma 0.8] [--seed 1]
 *
 * It also splits the replicates by how much the widths' plug-in terms c_f³k₃_f/N_f² of λ cancel
 * (|Σ_f t_f| / Σ_f |t_f|, low = cancelling): on the stored calibration runs the false rejections sit
 * where that ratio is low (docs/calibration.md, fourteenth session).
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

export interface Replicate {
  readonly z: number;
  readonly dof: number;
  /** λ: plug-in, largest width skewness at every width, true. */
  readonly lambda: { readonly plugIn: number; readonly widest: number; readonly truth: number };
  /** |Σ t_f| / Σ |t_f| of the plug-in terms (1 = no cancellation). */
  readonly agreement: number;
}

export function simulate(options: { replicates: number; networks: number; sigma: number; power: number; law: boolean; seed: number }): Replicate[] {
  const { replicates, networks: N, sigma, power, law } = options;
  const e = Math.exp(sigma * sigma);
  const shift = Math.exp((sigma * sigma) / 2);
  const scale = Math.sqrt((e - 1) * e);
  const gamma = (e + 2) * Math.sqrt(e - 1);
  const normal = normalStream(`skew-synthetic/${options.seed}/${sigma}/${power}/${N}`);
  const K = 1;
  const a = 0.3;
  const sd = XS.map((x) => x ** (power / 2));
  const out: Replicate[] = [];
  const v = new Float64Array(1);
  for (let r = 0; r < replicates; r++) {
    const samples: WidthSample[] = [];
    const k3: Float64Array[] = [];
    for (let f = 0; f < XS.length; f++) {
      // The engine's own path from networks to a width's estimate (mean, SE, third cumulant).
      const acc = new MomentAccumulator(1);
      for (let i = 0; i < N; i++) {
        v[0] = K + a * XS[f] + (sd[f] * (Math.exp(sigma * normal()) - shift)) / scale;
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
        widest: extrapolatedSkewness(fit.interceptWeights, perNetworkSd.map((s) => Float64Array.of(largest * s ** 3)), networks, V)[0],
        truth: extrapolatedSkewness(fit.interceptWeights, sd.map((s) => Float64Array.of(gamma * s ** 3)), networks, V)[0],
      },
      agreement: agreementOf(k3.map((k, f) => (fit.interceptWeights[f] ** 3 * k[0]) / (N * N))),
    });
  }
  return out;
}

/** Simulated P(|z| ≥ x) and the engine's predicted tail, averaged over the replicates, per λ. */
export function tails(reps: readonly Replicate[], x: number): { simulated: number; plugIn: number; widest: number; truth: number } {
  let hits = 0;
  const sum = { plugIn: 0, widest: 0, truth: 0 };
  for (const r of reps) {
    if (Math.abs(r.z) >= x) hits++;
    for (const k of ['plugIn', 'widest', 'truth'] as const) sum[k] += studentizedTail(x, r.dof, r.lambda[k]);
  }
  const n = reps.length;
  return { simulated: hits / n, plugIn: sum.plugIn / n, widest: sum.widest / n, truth: sum.truth / n };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      replicates: { type: 'string', default: '100000' },
      networks: { type: 'string', default: '128' },
      sigma: { type: 'string', default: '0.8' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npx tsx scripts/calibration/skew-synthetic.ts [--replicates 100000] [--networks 128] [--sigma 0.8] [--seed 1]');
    return;
  }
  const replicates = Number(values.replicates);
  const networks = Number(values.networks);
  const sigma = Number(values.sigma);
  const seed = Number(values.seed);
  for (const [name, v] of Object.entries({ replicates, networks, sigma, seed }))
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`--${name} must be a positive number, got ${String(v)}`);
  const e = Math.exp(sigma * sigma);
  console.log(
    `lognormal(0, ${sigma}²) per-network values (skewness ${((e + 2) * Math.sqrt(e - 1)).toFixed(2)}), ${networks} networks per width factor 1, 2, 4, ${replicates} replicates. ` +
      'Two-sided tail P(|z| ≥ x): simulated / the engine\'s studentizedTail with λ plug-in · largest width skewness · true.\n',
  );
  console.log(`| variance exponent p | line weights | ${LEVELS.map((x) => `x = ${x}`).join(' | ')} | simulated ÷ predicted at x = 3, plug-in (largest, true), by thirds of the plug-in terms' agreement, cancelling first |`);
  console.log(`| --- | --- | ${LEVELS.map(() => '---').join(' | ')} | --- |`);
  for (const power of [0, 1])
    for (const law of [false, true]) {
      const reps = simulate({ replicates, networks, sigma, power, law, seed });
      const cells = LEVELS.map((x) => {
        const t = tails(reps, x);
        return `${t.simulated.toFixed(5)} / ${t.plugIn.toFixed(5)} · ${t.widest.toFixed(5)} · ${t.truth.toFixed(5)}`;
      });
      const sorted = [...reps].sort((a, b) => a.agreement - b.agreement);
      const thirds = [0, 1, 2].map((k) => {
        const part = sorted.slice(Math.floor((k * sorted.length) / 3), Math.floor(((k + 1) * sorted.length) / 3));
        const t = tails(part, 3);
        return `${(t.simulated / t.plugIn).toFixed(2)} (${(t.simulated / t.widest).toFixed(2)}, ${(t.simulated / t.truth).toFixed(2)})`;
      });
      console.log(`| ${power} | ${law ? "the law's" : 'estimated'} | ${cells.join(' | ')} | ${thirds.join(' · ')} |`);
    }
}

if (import.meta.url === `file://${process.argv[1]}`) main();

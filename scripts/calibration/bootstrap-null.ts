/**
 * Does a resampling null change the verdicts? Issue 16 asks that the joint test's null be right for
 * heavy-tailed per-network kernels ("a resampling null, a correction with a measured effect, or a
 * minimum sample size derived from the tails"). The engine's null is parametric: Studentized
 * entries with Welch–Satterthwaite t tails, a second-order skewness correction (tails.ts) and the
 * maximum of a Gaussian vector with the estimated correlation (maxAbsGaussian.ts). This script puts
 * a nonparametric one beside it on the same stored networks: the bootstrap-t of the same maximum
 * (Efron & Tibshirani 1993, An Introduction to the Bootstrap, §12.5; Hall 1992, The Bootstrap and
 * Edgeworth Expansion, §3.5: second-order accurate for a Studentized mean of skewed data, which
 * the normal approximation is not).
 *
 * Per run and kernel: K∞_i = Σ_f c_fi ȳ_fi with the engine's intercept weights c (biasModel.ts),
 * T = max_i |K∞_i − K_i| / SE_i. Each replicate draws every width's networks with replacement,
 * recomputes K∞* and SE* with the same weights, adds a normal draw of the sampled kernel's own
 * error where the kernel is sampled, and takes T* = max_i |K∞*_i − K∞_i + ε_i| / SE*_i; the p-value
 * is (1 + #{T* ≥ T}) / (B + 1). As in the engine, each width's variance of the mean carries the
 * entry's float32 floor, and entries fixed in every network (the diagonal after LayerNorm: rounding
 * only) are left out of the maximum; the engine tests those by their shift alone.
 *
 *   npx tsx scripts/calibration/bootstrap-null.ts --store STORE --families attention-sqrt-scaled [--replicates 2000] [--json FILE]
 *
 * Prints, per family and kernel, the false-positive rates of the engine's verdicts and of the
 * bootstrap at α = 0.05 and 0.01 on the same runs, with how often the two decide differently.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allArchitectures } from './architectures.ts';
import { KINDS, storedNetworks, type Kind, type RunRecord } from './store.ts';
import { readResults } from './runner.ts';
import { storedVerdictInputs } from './verdictInputs.ts';
import { fixedEntry, float32Floors, kernelAgreement, uniqueEntries } from '../../src/verdicts/kernelAgreement.ts';
import { fitBiasModel } from '../../src/verdicts/biasModel.ts';
import { normalStream, uniformStream } from '../../src/random/normals.ts';
import { binomialInterval } from '../../src/stats/binomialInterval.ts';
import { ksOneSample } from '../../src/stats/ksOneSample.ts';

const LEVELS = [0.05, 0.01] as const;

interface KindRecord {
  /** The engine's verdict at each of LEVELS: 'reject', 'pass' or 'inconclusive'. */
  readonly engine: readonly string[];
  readonly engineP: number;
  readonly bootstrapP: number;
  readonly statistic: number;
  readonly entries: number;
  readonly fixedEntries: number;
}

/** The bootstrap-t p-value of max_i |K∞_i − K_i|/SE_i for one run and kernel. */
export function bootstrapMaxT(
  networks: readonly Float32Array[],
  scales: readonly number[],
  P: number,
  mask: Float64Array,
  analytic: Float64Array,
  analyticSE: Float64Array | null,
  replicates: number,
  key: string,
): { p: number; statistic: number; entries: number; fixed: number } {
  const F = scales.length;
  const N = networks[0].length / (P * P);
  const { idx } = uniqueEntries(mask);
  // Per width: the values of the kept entries, [N × m].
  const stats = (data: Float64Array[], m: number, pick: Int32Array[] | null, floor2: Float64Array) => {
    const mean = new Float64Array(F * m);
    const variance = new Float64Array(F * m);
    for (let f = 0; f < F; f++) {
      const d = data[f];
      for (let t = 0; t < N; t++) {
        const row = (pick ? pick[f][t] : t) * m;
        for (let a = 0; a < m; a++) mean[f * m + a] += d[row + a];
      }
      for (let a = 0; a < m; a++) mean[f * m + a] /= N;
      for (let t = 0; t < N; t++) {
        const row = (pick ? pick[f][t] : t) * m;
        for (let a = 0; a < m; a++) variance[f * m + a] += (d[row + a] - mean[f * m + a]) ** 2;
      }
      // Variance of the mean, with the float32 floor of the entry.
      for (let a = 0; a < m; a++) variance[f * m + a] = variance[f * m + a] / ((N - 1) * N) + floor2[a];
    }
    return { mean, variance };
  };
  const all = networks.map((nets) => {
    const d = new Float64Array(N * idx.length);
    for (let t = 0; t < N; t++) for (let a = 0; a < idx.length; a++) d[t * idx.length + a] = nets[t * P * P + idx[a]];
    return d;
  });
  const full = stats(all, idx.length, null, new Float64Array(idx.length));
  // As the engine: every width's variance of the mean carries the entry's float32 floor, and an
  // entry fixed in every network (rounding only) is no draw of the null.
  const floor = float32Floors(analytic, mask);
  const keep: number[] = [];
  for (let a = 0; a < idx.length; a++) {
    const perNetworkSd = scales.map((_, f) => Math.sqrt(full.variance[f * idx.length + a] * N));
    if (!fixedEntry(floor[a], perNetworkSd, analyticSE ? analyticSE[idx[a]] : 0)) keep.push(a);
  }
  const m = keep.length;
  if (m === 0) return { p: NaN, statistic: NaN, entries: 0, fixed: idx.length };
  const data = all.map((d) => {
    const out = new Float64Array(N * m);
    for (let t = 0; t < N; t++) for (let b = 0; b < m; b++) out[t * m + b] = d[t * idx.length + keep[b]];
    return out;
  });
  const keptFloor2 = Float64Array.from(keep, (a) => floor[a] ** 2);
  // The observed moments of the kept entries are those already computed, with the floor added.
  const pickKept = (v: Float64Array, add: Float64Array | null) => Float64Array.from({ length: F * m }, (_, i) => v[Math.floor(i / m) * idx.length + keep[i % m]] + (add ? add[i % m] : 0));
  const o = { mean: pickKept(full.mean, null), variance: pickKept(full.variance, keptFloor2) };
  const fit = fitBiasModel(
    scales.map((s, f) => ({ x: 1 / s, mean: o.mean.subarray(f * m, (f + 1) * m), variance: o.variance.subarray(f * m, (f + 1) * m), covariance: null, networks: N })),
  );
  const c = fit.interceptWeights;
  const an = Float64Array.from(keep, (a) => (analyticSE ? analyticSE[idx[a]] ** 2 : 0));
  const extrapolate = (s: { mean: Float64Array; variance: Float64Array }, b: number) => {
    let k = 0;
    let v = an[b];
    for (let f = 0; f < F; f++) {
      k += c[f * m + b] * s.mean[f * m + b];
      v += c[f * m + b] ** 2 * s.variance[f * m + b];
    }
    return { k, se: Math.sqrt(v) };
  };
  const observed = Array.from({ length: m }, (_, b) => extrapolate(o, b));
  let T = 0;
  for (let b = 0; b < m; b++) T = Math.max(T, Math.abs(observed[b].k - analytic[idx[keep[b]]]) / observed[b].se);
  const uniform = uniformStream(`${key}/picks`);
  const normal = normalStream(`${key}/kernel-error`);
  const pick = scales.map(() => new Int32Array(N));
  let exceed = 0;
  for (let r = 0; r < replicates; r++) {
    for (let f = 0; f < F; f++) for (let t = 0; t < N; t++) pick[f][t] = Math.min(N - 1, Math.floor(uniform() * N));
    const s = stats(data, m, pick, keptFloor2);
    let Tr = 0;
    for (let b = 0; b < m; b++) {
      const e = extrapolate(s, b);
      const kernelError = an[b] > 0 ? Math.sqrt(an[b]) * normal() : 0;
      Tr = Math.max(Tr, Math.abs(e.k - observed[b].k + kernelError) / e.se);
    }
    if (Tr >= T) exceed++;
  }
  return { p: (1 + exceed) / (1 + replicates), statistic: T, entries: m, fixed: idx.length - m };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      store: { type: 'string' },
      families: { type: 'string' },
      replicates: { type: 'string', default: '2000' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.store || !values.families) {
    console.log('usage: npx tsx scripts/calibration/bootstrap-null.ts --store STORE --families F[,G…] [--replicates 2000] [--json FILE]');
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const store = resolve(values.store);
  const replicates = Number(values.replicates);
  if (!Number.isInteger(replicates) || replicates < 100) throw new Error(`--replicates: expected an integer ≥ 100, got ${values.replicates}`);
  const wanted = new Set(values.families.split(','));
  const architectures = allArchitectures(resolve(import.meta.dirname, '../..'));
  const runs = [...readResults<RunRecord>(resolve(store, 'runs.jsonl')).values()].filter((r) => wanted.has(r.family)).sort((a, b) => a.seed - b.seed);
  if (runs.length === 0) throw new Error(`${store}: no stored runs of ${[...wanted].join(', ')}`);
  const records: (RunRecord & Record<Kind, KindRecord>)[] = [];
  for (const r of runs) {
    // As calibrate's analysis runs the engine ("after"): the layers' declarations, the sampled kernel's dof.
    const inputs = storedVerdictInputs(store, r, architectures);
    const out = {} as Record<Kind, KindRecord>;
    for (const kind of KINDS) {
      const input = inputs[kind];
      const verdicts = LEVELS.map((alpha) => kernelAgreement({ ...input, alpha }));
      const b = bootstrapMaxT(storedNetworks(store, r, kind), r.scales, r.P, input.mask, input.analytic, input.analyticSE, replicates, `bootstrap-null/${r.id}/${kind}`);
      out[kind] = {
        engine: verdicts.map((v) => ((v.inconclusive ?? []).length ? 'inconclusive' : v.rejected ? 'reject' : 'pass')),
        engineP: verdicts[0].pValue,
        bootstrapP: b.p,
        statistic: b.statistic,
        entries: b.entries,
        fixedEntries: b.fixed,
      };
    }
    records.push({ ...r, ...out });
    if (records.length % 50 === 0) process.stderr.write(`${records.length}/${runs.length} runs\n`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(records.map(({ id, arch, seed, nngp, ntk }) => ({ id, arch, seed, nngp, ntk }))));
  const ci = (k: number, n: number) => {
    const b = binomialInterval(k, n, 0.95);
    return `${k}/${n} = ${b.estimate.toPrecision(2)} [${b.lower.toPrecision(2)}, ${b.upper.toPrecision(2)}]`;
  };
  console.log(`| family | kernel | α | engine: rejected / conclusive | bootstrap-t: rejected / runs | engine only / bootstrap only | bootstrap p, KS |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const family of wanted)
    for (const kind of KINDS) {
      const rs = records.filter((r) => r.family === family && Number.isFinite(r[kind].bootstrapP));
      const ps = rs.map((r) => r[kind].bootstrapP);
      const ks = ksOneSample(ps, (x) => Math.min(1, Math.max(0, x)));
      LEVELS.forEach((alpha, j) => {
        const conclusive = rs.filter((r) => r[kind].engine[j] !== 'inconclusive');
        const engineRejects = conclusive.filter((r) => r[kind].engine[j] === 'reject');
        const bootRejects = rs.filter((r) => r[kind].bootstrapP <= alpha);
        const engineOnly = engineRejects.filter((r) => r[kind].bootstrapP > alpha).length;
        const bootOnly = bootRejects.filter((r) => r[kind].engine[j] === 'pass').length;
        console.log(`| ${family} | ${kind.toUpperCase()} | ${alpha} | ${ci(engineRejects.length, conclusive.length)} | ${ci(bootRejects.length, rs.length)} | ${engineOnly} / ${bootOnly} | ${j === 0 ? `p = ${ks.pValue.toPrecision(2)}` : ''} |`);
      });
    }
}

if (import.meta.url === `file://${process.argv[1]}`) main();

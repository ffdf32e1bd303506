/**
 * How far the verdict's extrapolation K∞ sits from the analytic kernel on correct code, in units of
 * the standard error the verdict has at the architecture's own network count.
 *
 * The verdict fits K(w) = K∞ + a/w over the architecture's width factors and tests K∞ = K with
 * max|z|. A 1/w² term the line does not model leaves an offset b in K∞ that does not shrink with
 * more networks; an understated standard error does not either, but it scales with the SE. Run the
 * same inputs with N networks per width instead of n₀: the per-entry z_N = (K∞ − K)/SE_N has
 * E z_N² = s² + (N/n₀)·E b₀², with s² the SE's own miscalibration and b₀ the offset in units of
 * the n₀-network SE. Two network counts separate the two; the offset's effect on the level at n₀
 * is that of a shift of b₀ SE on each entry.
 *
 *   npx tsx scripts/calibration/extrapolation-offset.ts --arch suite:sqrt-relu-masked \
 *     --seeds 630001,630002 --networks 2048 [--precision 0.002] [--json FILE]
 *   npx tsx scripts/calibration/extrapolation-offset.ts --read FILE
 *
 * --read pools the records of a --json file per architecture and kernel (and over every
 * architecture whose name starts with `suite:sqrt`, the attention-sqrt-scaled family): E z_N², E z₀²
 * (first subset) and E z² over every subset, E b₀² = (E z_N² − E z²_n₀)/(N/n₀ − 1) with its standard
 * error clustered by run, the share of
 * |z_N| above 2 and 3, the subsets' false-positive rates with intervals clustered by run (the
 * subsets of one run share its inputs), and each subset's critical value at 0.05 against the one the
 * engine would use if it knew the entries' correlation as well as N networks tell it (the N-network
 * estimates with their SE and covariance scaled to n₀), with the max |score| of the subsets that
 * reach each (before the inconclusive rules).
 *
 * Prints per seed and kernel the mean of z_N² over the unique valid entries, the RMS offset
 * b₀ = √(max(0, E z_N² − 1)·n₀/N) it implies, the level the bias-regime rule expects under a 1/w²
 * term of natural size (kernelAgreement's biasRegime.curvatureLevel at α = 0.05, on the first n₀
 * networks), and how often the N networks, cut into N/n₀ disjoint ensembles of n₀, are rejected
 * when each is judged as a calibration run is (conclusive and p ≤ α, α = 0.05 and 0.01 each its own
 * verdict, the kernel at its default precision): a false-positive rate at the calibration's network
 * count on inputs whose offset the same run measures. --json appends one record per seed and
 * kernel, with every entry's z_N and z₀ and each width's N-network means, for the reading in
 * docs/calibration.md.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allArchitectures, DEFAULT_NETWORKS, DEFAULT_SCALES, inputsFor, specOf } from './architectures.ts';
import { KINDS } from './store.ts';
import { MomentAccumulator } from '../../src/estimators/accumulator.ts';
import { computeKernel } from '../../src/pipeline/kernel.ts';
import { engineDeclarations, sampleWidths, widthEstimate } from '../../src/validation/case.ts';
import { kernelAgreement, uniqueEntries } from '../../src/verdicts/kernelAgreement.ts';
import { textTable } from '../../src/format.ts';

const { values } = parseArgs({
  options: {
    arch: { type: 'string' },
    seeds: { type: 'string' },
    networks: { type: 'string', default: '2048' },
    precision: { type: 'string', default: '0.002' },
    json: { type: 'string' },
    read: { type: 'string' },
  },
});
/** The level of the offset and critical-value figures, and the levels at which each n₀-network subset is judged. */
const ALPHA = 0.05;
const LEVELS = [0.05, 0.01] as const;
function fail(message: string): never {
  console.error(`extrapolation-offset: ${message}`);
  process.exit(2);
}
interface OffsetRecord {
  readonly arch: string;
  readonly seed: number;
  readonly kind: string;
  readonly networks: number;
  readonly n0: number;
  readonly z: number[];
  readonly z0: number[];
  readonly pN: number;
  readonly levels?: readonly number[];
  readonly subsetVerdicts?: readonly (readonly (boolean | null)[])[];
  readonly subsetZ?: readonly (readonly number[])[];
  readonly subsetStatistic?: readonly number[];
  readonly subsetCritical?: readonly number[];
  readonly preciseCritical?: number;
}

/** A ratio Σy/Σx over clusters with its cluster-robust standard error (each cluster one run). */
function clusteredRatio(ys: readonly number[], xs: readonly number[]): { value: number; se: number } {
  const X = xs.reduce((s, x) => s + x, 0);
  const value = ys.reduce((s, y) => s + y, 0) / X;
  const G = ys.length;
  const ss = ys.reduce((s, y, g) => s + (y - value * xs[g]) ** 2, 0);
  return { value, se: G > 1 ? Math.sqrt((G / (G - 1)) * ss) / X : NaN };
}

function read(file: string): void {
  if (!existsSync(file)) fail(`--read ${file}: no such file`);
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => {
      try {
        return JSON.parse(l) as OffsetRecord;
      } catch {
        return fail(`--read ${file}: line ${i + 1} is not a JSON record this script wrote`);
      }
    });
  if (records.length === 0) fail(`--read ${file}: no records`);
  const groups = new Map<string, OffsetRecord[]>();
  for (const r of records) {
    for (const name of [r.arch, ...(r.arch.startsWith('suite:sqrt') ? ['attention-sqrt-scaled (all five)'] : [])]) {
      const key = `${name}\t${r.kind}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
  }
  const sq = (v: readonly number[]) => v.reduce((s, x) => s + x * x, 0);
  const out: string[][] = [];
  for (const [key, rs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [name, kind] = key.split('\t');
    const n = rs.map((r) => r.z.length);
    const eN = clusteredRatio(rs.map((r) => sq(r.z)), n);
    const e0 = clusteredRatio(rs.map((r) => sq(r.z0)), n);
    // The n₀-network dispersion from every subset where the record has them, else from the first.
    const small = (r: OffsetRecord) => (r.subsetZ ? r.subsetZ.reduce((s, z) => s + sq(z), 0) / r.subsetZ.length : sq(r.z0));
    const b2 = clusteredRatio(rs.map((r) => (sq(r.z) - small(r)) / (r.networks / r.n0 - 1)), n);
    const tail = (t: number) => rs.reduce((s, r) => s + r.z.filter((z) => Math.abs(z) > t).length, 0) / n.reduce((s, x) => s + x, 0);
    const withSubsets = rs.filter((r) => r.subsetVerdicts);
    const rates = LEVELS.map((_, l) => {
      if (!withSubsets.length) return '—';
      const k = withSubsets.map((r) => r.subsetVerdicts!.filter((v) => v[l] === true).length);
      const m = withSubsets.map((r) => r.subsetVerdicts!.filter((v) => v[l] !== null).length);
      const { value, se } = clusteredRatio(k, m);
      const total = (v: number[]) => v.reduce((s, x) => s + x, 0);
      return `${total(k)}/${total(m)} = ${value.toFixed(3)} [${Math.max(0, value - 1.96 * se).toFixed(3)}, ${(value + 1.96 * se).toFixed(3)}]`;
    });
    const pm = (e: { value: number; se: number }) => (Number.isFinite(e.value) ? `${e.value.toFixed(2)} ± ${e.se.toFixed(2)}` : '—');
    const withZ = rs.filter((r) => r.subsetZ);
    const eSub = clusteredRatio(
      withZ.map((r) => r.subsetZ!.reduce((s, z) => s + sq(z), 0)),
      withZ.map((r) => r.subsetZ!.reduce((s, z) => s + z.length, 0)),
    );
    const atN = `${rs.filter((r) => r.pN <= 0.05).length}/${rs.length}`;
    // Each subset's critical value against the one from N networks' correlation, and the max |score|
    // over each (rejections before the inconclusive rules).
    const withCrit = rs.filter((r) => r.subsetCritical && r.preciseCritical !== undefined);
    const critGap = clusteredRatio(
      withCrit.map((r) => r.subsetCritical!.reduce((s, c) => s + c - r.preciseCritical!, 0)),
      withCrit.map((r) => r.subsetCritical!.length),
    );
    const over = (pick: (r: OffsetRecord, j: number) => number) =>
      `${withCrit.reduce((s, r) => s + r.subsetStatistic!.filter((t, j) => t >= pick(r, j)).length, 0)}/${withCrit.reduce((s, r) => s + r.subsetStatistic!.length, 0)}`;
    const crit = withCrit.length
      ? `${critGap.value >= 0 ? '+' : ''}${critGap.value.toFixed(3)} ± ${critGap.se.toFixed(3)}; ${over((r, j) => r.subsetCritical![j])} / ${over((r) => r.preciseCritical!)}`
      : '—';
    out.push([name, kind.toUpperCase(), String(rs.length), pm(eN), pm(e0), pm(eSub), `${b2.value >= 0 ? '+' : ''}${b2.value.toFixed(3)} ± ${b2.se.toFixed(3)}`, tail(2).toFixed(3), tail(3).toFixed(4), atN, ...rates, crit]);
  }
  console.log(`${file}: ${records.length} records. Expected under no offset and a calibrated SE: E z² = 1, P(|z| > 2) = 0.046, P(|z| > 3) = 0.0027.`);
  console.log(textTable(['architecture', 'kernel', 'runs', 'E z_N²', 'E z₀²', 'E z² (every subset)', 'E b₀² ± SE', 'P(|z_N| > 2)', 'P(|z_N| > 3)', 'N networks: p ≤ 0.05', ...LEVELS.map((l, i) => (i === 0 ? `subsets rejected at ${l}` : `at ${l}`)), 'critical value: subset − from N networks; max|score| ≥ it / ≥ the N-network one'], out).join('\n'));
}

if (values.read) {
  read(values.read);
  process.exit(0);
}

const architectures = allArchitectures(resolve(import.meta.dirname, '../..'));
const a = values.arch ? architectures[values.arch] : undefined;
if (!a) fail(`--arch must be one of: ${Object.keys(architectures).join(', ')}`);
const seeds = (values.seeds ?? '').split(',').filter(Boolean).map(Number);
if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) fail('--seeds must be a comma-separated list of integers');
const n0 = a.networks ?? DEFAULT_NETWORKS;
const N = Number(values.networks);
if (!Number.isInteger(N) || N <= n0) fail(`--networks must be an integer above the architecture's own ${n0}`);
const precision = Number(values.precision);
if (!(precision > 0)) fail('--precision must be a positive number');
const scales = a.scales ?? DEFAULT_SCALES;

const rows: string[][] = [];
for (const seed of seeds) {
  const inputs = inputsFor(seed, a.T, a.masked);
  const spec = specOf(a);
  // A sampled kernel to well below the N-network SE, so that the offset is the networks' and not
  // the kernel's (its SE still enters the verdict's).
  const kernel = computeKernel(spec, inputs, { precision, timeBudget: 600 });
  // The kernel as a calibration run computes it, for the verdicts at n₀ networks.
  const plain = computeKernel(spec, inputs);
  const c = { name: values.arch!, spec, inputs, scales, networks: n0, scaleHeads: a.scaleHeads ?? false, seed };
  // The first n₀ networks of each width are those a calibration run of this seed draws (sampleWidths).
  const large = await sampleWidths(c, N, { keepNetworks: true });
  const mask = Float64Array.from({ length: kernel.M * kernel.T }, (_, i) => (kernel.T === inputs.T ? inputs.mask[i] : 1));
  const { idx } = uniqueEntries(mask);
  const P2 = mask.length * mask.length;
  for (const kind of KINDS) {
    const declared = engineDeclarations(spec, c.scaleHeads, a.curvatureFactor);
    const engineOn = (k: typeof kernel, alpha: number) => ({ analytic: k[kind], analyticSE: kind === 'nngp' ? k.nngpSE : k.ntkSE, analyticDof: k.seDof, mask, alpha, ...declared });
    const estimatesN = large.map((e) => widthEstimate(e.scale, e.result.accumulators[kind]!));
    const vN = kernelAgreement({ ...engineOn(kernel, ALPHA), estimates: estimatesN });
    // The N networks of each width as N/n₀ disjoint ensembles of n₀, each judged as a calibration run is.
    const subsets = Array.from({ length: Math.floor(N / n0) }, (_, j) =>
      large.map((e) => {
        const acc = new MomentAccumulator(P2, true);
        const nets = e.kernels![kind]!;
        for (let n = j * n0; n < (j + 1) * n0; n++) acc.add(nets.subarray(n * P2, (n + 1) * P2));
        return widthEstimate(e.scale, acc);
      }),
    );
    // Each subset against the precise kernel: its z (and the first subset's verdict, z₀).
    const precise = subsets.map((e) => kernelAgreement({ ...engineOn(kernel, ALPHA), estimates: e }));
    const v0 = precise[0];
    // Conclusive and p ≤ α, each α its own verdict (the inconclusive rules depend on α), as the calibration counts.
    const verdictAt = (estimates: (typeof subsets)[number], alpha: number) => kernelAgreement({ ...engineOn(plain, alpha), estimates });
    const rejects = (v: ReturnType<typeof verdictAt>, alpha: number): boolean | null => ((v.inconclusive ?? []).length ? null : v.pValue <= alpha);
    const judged = subsets.map((e) => LEVELS.map((alpha) => ({ alpha, v: verdictAt(e, alpha) })));
    const subsetVerdicts = judged.map((js) => js.map(({ alpha, v }) => rejects(v, alpha)));
    // The critical value the engine would use at n₀ networks if it knew the entries' correlation as
    // well as N networks tell it: the N-network estimates with their SE and covariance scaled to n₀.
    const scaledToN0 = estimatesN.map((e) => ({ ...e, se: e.se.map((x) => x * Math.sqrt(N / n0)), covariance: e.covariance ? e.covariance.map((x) => (x * N) / n0) : null, networks: n0 }));
    const preciseCritical = verdictAt(scaledToN0, ALPHA).criticalValue;
    const zOf = (v: typeof vN) => Array.from(idx, (i) => (v.extrapolated[i] - kernel[kind][i]) / v.extrapolatedSE[i]).filter(Number.isFinite);
    const z = zOf(vN);
    const meanZ2 = z.reduce((s, x) => s + x * x, 0) / z.length;
    const offset = Math.sqrt((Math.max(0, meanZ2 - 1) * n0) / N);
    const record = {
      arch: values.arch,
      seed,
      kind,
      networks: N,
      n0,
      samples: kernel.samples,
      z,
      z0: zOf(v0),
      meanZ2,
      offset,
      pN: vN.pValue,
      p0: v0.pValue,
      curvatureLevel0: v0.biasRegime.curvatureLevel,
      levels: LEVELS,
      subsetVerdicts,
      // At α = 0.05: each subset's max |score| and critical value, and the critical value from N networks' correlation.
      subsetStatistic: judged.map((js) => js[0].v.statistic),
      subsetCritical: judged.map((js) => js[0].v.criticalValue),
      preciseCritical,
      // Every subset's z against the precise kernel (its SE the subset's networks' and that kernel's).
      subsetZ: precise.map(zOf),
    };
    if (values.json) appendFileSync(values.json, JSON.stringify(record) + '\n');
    const rejected = LEVELS.map((_, l) => `${subsetVerdicts.filter((v) => v[l] === true).length}/${subsetVerdicts.filter((v) => v[l] !== null).length}`);
    rows.push([String(seed), kind, String(z.length), meanZ2.toFixed(2), offset.toFixed(2), vN.pValue.toPrecision(2), (v0.biasRegime.curvatureLevel / ALPHA).toFixed(2), ...rejected]);
  }
}
console.log(`${values.arch}: K∞ from ${N} networks per width factor (${scales.join(', ')}) against the kernel; offsets in units of the ${n0}-network SE`);
console.log(textTable(['seed', 'kernel', 'entries', 'mean z²', 'RMS offset b₀', `p (${N})`, `level under natural 1/w² (× α)`, ...LEVELS.map((l) => `rejected at ${l} (${n0}-network subsets)`)], rows).join('\n'));

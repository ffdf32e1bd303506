/**
 * Hand-written special functions (BASE: the tree before they were replaced, WT: the current one)
 * against the single-function @stdlib packages and jstat, installed in LIBS (see README.md):
 * accuracy on src/stats/reference.json and time per call on the hot paths' argument mixes.
 */
import { createRequire } from 'node:module';

const { LIBS, BASE, WT } = process.env;
if (!LIBS || !BASE || !WT) throw new Error('compare.mts: set LIBS, BASE and WT (see README.md)');
const lib = createRequire(`${LIBS}/package.json`);
const ref = createRequire(`${WT}/package.json`)(`${WT}/src/stats/reference.json`);
const base = await import(`${BASE}/src/stats/index.ts`);
const work = await import(`${WT}/src/stats/index.ts`);
const baseInverse = (await import(`${BASE}/src/stats/incompleteBetaInverse.ts`)).incompleteBetaInverse;
const baseTable = await import(`${BASE}/src/numerics/erf.ts`);
const { jStat } = lib('jstat');
const sl = (name: string) => lib(`@stdlib/${name}`);
const erf = sl('math-base-special-erf'), erfc = sl('math-base-special-erfc'), erfcx = sl('math-base-special-erfcx');
const erfcinv = sl('math-base-special-erfcinv'), gammaln = sl('math-base-special-gammaln');
const gammainc = sl('math-base-special-gammainc'), betainc = sl('math-base-special-betainc');
const betaincinv = sl('math-base-special-betaincinv');
const tCdf = sl('stats-base-dists-t-cdf'), tQuantile = sl('stats-base-dists-t-quantile');
const chiCdf = sl('stats-base-dists-chisquare-cdf'), fCdf = sl('stats-base-dists-f-cdf');
const nCdf = sl('stats-base-dists-normal-cdf'), nPdf = sl('stats-base-dists-normal-pdf');
const nQuantile = sl('stats-base-dists-normal-quantile'), bQuantile = sl('stats-base-dists-beta-quantile');
const H = Math.SQRT1_2;

type Row = Record<string, number>;
type Impl = (r: Row) => number;
const rel = (a: number, e: number) => (a === e ? 0 : e === 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e));

const part = process.argv[2] ?? 'all';
if (!['all', 'accuracy', 'speed'].includes(part)) throw new Error('compare.mts [accuracy|speed]');

// ---------------------------------------------------------------- accuracy
const columns = ['base', 'work', '@stdlib', 'jstat'] as const;
const table: string[][] = [['function', 'test tol', ...columns]];
function accuracy(name: string, tol: number, rows: Row[], key: string, label: (r: Row) => string, impls: Partial<Record<(typeof columns)[number], Impl>>) {
  if (part === 'speed') return; // keep the timed functions free of the accuracy calls' type feedback
  const cells = [name, tol.toExponential(1)];
  for (const c of columns) {
    const f = impls[c];
    if (!f) {
      cells.push('—');
      continue;
    }
    let worst = 0;
    let at = '';
    for (const r of rows) {
      let v: number;
      try {
        v = f(r);
      } catch {
        v = Number.NaN;
      }
      const e = Number.isNaN(v) ? Infinity : rel(v, r[key]);
      if (e > worst) [worst, at] = [e, label(r)];
    }
    cells.push(`${worst.toExponential(1)}${worst > tol ? ' ✗' : ''}${worst > 0 ? ` (${at})` : ''}`);
  }
  table.push(cells);
}
const normal = [...ref.normalCdf, ...ref.normalGrid];
const x = (r: Row) => `x=${r.x}`;
accuracy('normalCdf', 1e-15, normal, 'cdf', x, { base: (r) => base.normalCdf(r.x), work: (r) => work.normalCdf(r.x), '@stdlib': (r) => nCdf(r.x, 0, 1), jstat: (r) => jStat.normal.cdf(r.x, 0, 1) });
accuracy('normalSurvival', 1e-15, normal, 'sf', x, { base: (r) => base.normalSurvival(r.x), work: (r) => work.normalSurvival(r.x), '@stdlib': (r) => 0.5 * erfc(r.x * H), jstat: (r) => 0.5 * jStat.erfc(r.x * H) });
accuracy('  Q via @stdlib erfcx', 1e-15, normal, 'sf', x, { '@stdlib': (r) => (r.x >= 0 ? 0.5 * erfcx(r.x * H) * Math.exp(-0.5 * r.x * r.x) : 1 - 0.5 * erfcx(-r.x * H) * Math.exp(-0.5 * r.x * r.x)) });
accuracy('normalPdf', 5e-16, ref.normalPdf, 'value', x, { base: (r) => base.normalPdf(r.x), work: (r) => work.normalPdf(r.x), '@stdlib': (r) => nPdf(r.x, 0, 1), jstat: (r) => jStat.normal.pdf(r.x, 0, 1) });
const p = (r: Row) => `p=${r.p}`;
accuracy('normalQuantile', 1e-15, ref.normalQuantile, 'q', p, { base: (r) => base.normalQuantile(r.p), work: (r) => work.normalQuantile(r.p), '@stdlib': (r) => nQuantile(r.p, 0, 1), jstat: (r) => jStat.normal.inv(r.p, 0, 1) });
accuracy('  −√2·erfcinv(2p)', 1e-15, ref.normalQuantile, 'q', p, { '@stdlib': (r) => (r.p <= 0.5 ? -Math.SQRT2 * erfcinv(2 * r.p) : Math.SQRT2 * erfcinv(2 * (1 - r.p))) });
accuracy('logGamma', 4e-16, ref.logGamma, 'value', x, { base: (r) => base.logGamma(r.x), work: (r) => work.logGamma(r.x), '@stdlib': (r) => gammaln(r.x), jstat: (r) => jStat.gammaln(r.x) });
const ax = (r: Row) => `a=${r.a}, x=${r.x}`;
accuracy('regularizedGammaP', 1.5e-14, ref.regularizedGamma, 'p', ax, { base: (r) => base.regularizedGammaP(r.a, r.x), work: (r) => work.regularizedGammaP(r.a, r.x), '@stdlib': (r) => gammainc(r.x, r.a, true, false), jstat: (r) => jStat.lowRegGamma(r.a, r.x) });
accuracy('regularizedGammaQ', 1.5e-14, ref.regularizedGamma, 'q', ax, { base: (r) => base.regularizedGammaQ(r.a, r.x), work: (r) => work.regularizedGammaQ(r.a, r.x), '@stdlib': (r) => gammainc(r.x, r.a, true, true), jstat: (r) => 1 - jStat.lowRegGamma(r.a, r.x) });
const xab = (r: Row) => `x=${r.x}, a=${r.a}, b=${r.b}`;
accuracy('regularizedBeta', 1.5e-14, ref.regularizedBeta, 'value', xab, { base: (r) => base.regularizedBeta(r.x, r.a, r.b), work: (r) => work.regularizedBeta(r.x, r.a, r.b), '@stdlib': (r) => betainc(r.x, r.a, r.b, true, false), jstat: (r) => jStat.ibeta(r.x, r.a, r.b) });
const pab = (r: Row) => `p=${r.p}, a=${r.a}, b=${r.b}`;
accuracy('betaQuantile', 5e-15, ref.betaQuantile, 'value', pab, { base: (r) => base.betaQuantile(r.p, r.a, r.b), work: (r) => work.betaQuantile(r.p, r.a, r.b), '@stdlib': (r) => bQuantile(r.p, r.a, r.b), jstat: (r) => jStat.ibetainv(r.p, r.a, r.b) });
const tdf = (r: Row) => `t=${r.t}, df=${r.df}`;
accuracy('studentTCdf', 2e-14, ref.studentT, 'cdf', tdf, { base: (r) => base.studentTCdf(r.t, r.df), work: (r) => work.studentTCdf(r.t, r.df), '@stdlib': (r) => tCdf(r.t, r.df), jstat: (r) => jStat.studentt.cdf(r.t, r.df) });
const pdf = (r: Row) => `p=${r.p}, df=${r.df}`;
accuracy('studentTQuantile', 2e-15, ref.studentTQuantile, 'value', pdf, { base: (r) => base.studentTQuantile(r.p, r.df), work: (r) => work.studentTQuantile(r.p, r.df), '@stdlib': (r) => tQuantile(r.p, r.df), jstat: (r) => jStat.studentt.inv(r.p, r.df) });
const xk = (r: Row) => `x=${r.x}, k=${r.k}`;
accuracy('chiSquaredCdf', 1e-14, ref.chiSquared, 'cdf', xk, { base: (r) => base.chiSquaredCdf(r.x, r.k), work: (r) => work.chiSquaredCdf(r.x, r.k), '@stdlib': (r) => chiCdf(r.x, r.k), jstat: (r) => jStat.chisquare.cdf(r.x, r.k) });
accuracy('chiSquaredSurvival', 1e-14, ref.chiSquared, 'sf', xk, { base: (r) => base.chiSquaredSurvival(r.x, r.k), work: (r) => work.chiSquaredSurvival(r.x, r.k), '@stdlib': (r) => gammainc(r.x / 2, r.k / 2, true, true), jstat: (r) => 1 - jStat.chisquare.cdf(r.x, r.k) });
const xd = (r: Row) => `x=${r.x}, d=(${r.d1}, ${r.d2})`;
// The F survival function from @stdlib's betainc, always on the side with the small argument.
const fSurvivalS = (r: Row) => {
  const s = r.d2 + r.d1 * r.x;
  return (r.d1 * r.x) / s < 0.5 ? betainc((r.d1 * r.x) / s, r.d1 / 2, r.d2 / 2, true, true) : betainc(r.d2 / s, r.d2 / 2, r.d1 / 2, true, false);
};
accuracy('fCdf', 1e-14, ref.fDistribution, 'cdf', xd, { base: (r) => base.fCdf(r.x, r.d1, r.d2), work: (r) => work.fCdf(r.x, r.d1, r.d2), '@stdlib': (r) => fCdf(r.x, r.d1, r.d2), jstat: (r) => jStat.centralF.cdf(r.x, r.d1, r.d2) });
accuracy('fSurvival', 1e-14, ref.fDistribution, 'sf', xd, { base: (r) => base.fSurvival(r.x, r.d1, r.d2), work: (r) => work.fSurvival(r.x, r.d1, r.d2), '@stdlib': fSurvivalS, jstat: (r) => jStat.ibeta(r.d2 / (r.d2 + r.d1 * r.x), r.d2 / 2, r.d1 / 2) });
const kn = (r: Row) => `${r.successes}/${r.trials}`;
const half = (r: Row) => (1 - r.confidence) / 2;
accuracy('binomialInterval lower', 2e-15, ref.clopperPearson, 'lower', kn, {
  base: (r) => base.binomialInterval(r.successes, r.trials, r.confidence).lower,
  work: (r) => work.binomialInterval(r.successes, r.trials, r.confidence).lower,
  '@stdlib': (r) => (r.successes === 0 ? 0 : betaincinv(half(r), r.successes, r.trials - r.successes + 1)),
  jstat: (r) => (r.successes === 0 ? 0 : jStat.ibetainv(half(r), r.successes, r.trials - r.successes + 1)),
});
accuracy('binomialInterval upper', 2e-15, ref.clopperPearson, 'upper', kn, {
  base: (r) => base.binomialInterval(r.successes, r.trials, r.confidence).upper,
  work: (r) => work.binomialInterval(r.successes, r.trials, r.confidence).upper,
  '@stdlib': (r) => (r.successes === r.trials ? 1 : betaincinv(half(r), r.successes + 1, r.trials - r.successes, true)),
  jstat: (r) => (r.successes === r.trials ? 1 : 1 - jStat.ibetainv(half(r), r.trials - r.successes, r.successes + 1)),
});
accuracy('kolmogorovSurvival', 1e-15, ref.kolmogorov, 'sf', (r) => `λ=${r.lambda}`, { base: (r) => base.kolmogorovSurvival(r.lambda), work: (r) => work.kolmogorovSurvival(r.lambda) });
if (part !== 'speed') {
  console.log('Maximum relative error against src/stats/reference.json (✗: above the test tolerance)\n');
  const widths = table[0].map((_, i) => Math.max(...table.map((c) => c[i].length)));
  for (const c of table) console.log(c.map((v, i) => v.padEnd(widths[i])).join(' | '));
}
if (part === 'accuracy') process.exit(0);

// ---------------------------------------------------------------- speed
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const N = 20000;
const gauss: () => number = (await import(`${WT}/src/random/normals.ts`)).normalStream('compare/speed');
const z = Array.from({ length: N }, () => gauss());
const wide = Array.from({ length: N }, () => 16 * rnd() - 8);
const tail = Array.from({ length: N }, () => (1 - rnd()) * 1e-7);
const u = Array.from({ length: N }, () => 1 - rnd());
let sink = 0;
/** CPU time (user + system) in µs: on a shared machine, wall time mostly measures the neighbours. */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
function perCall(f: (i: number) => number): number {
  for (let i = 0; i < N; i++) sink += f(i);
  let best = Infinity;
  for (let rep = 0; rep < 7; rep++) {
    const t0 = cpu();
    for (let i = 0; i < N; i++) sink += f(i);
    best = Math.min(best, ((cpu() - t0) * 1e3) / N);
  }
  return best;
}
type Timed = Partial<Record<'base' | 'work' | '@stdlib' | 'jstat', (i: number) => number>>;
const speed: [string, Timed][] = [];
for (const df of [5, 30, 200, 1e4])
  speed.push([`studentTCdf(−|z|, ${df})`, { base: (i) => base.studentTCdf(-Math.abs(z[i]), df), work: (i) => work.studentTCdf(-Math.abs(z[i]), df), jstat: (i) => jStat.studentt.cdf(-Math.abs(z[i]), df) }]);
for (const df of [5, 200])
  speed.push([`studentTQuantile(u·1e-3, ${df})`, { base: (i) => base.studentTQuantile(u[i] * 1e-3, df), work: (i) => work.studentTQuantile(u[i] * 1e-3, df), jstat: (i) => jStat.studentt.inv(u[i] * 1e-3, df) }]);
speed.push(['betaQuantile(u, 3, 18)', { base: (i) => base.betaQuantile(u[i], 3, 18), work: (i) => work.betaQuantile(u[i], 3, 18), jstat: (i) => jStat.ibetainv(u[i], 3, 18) }]);
speed.push(['normalQuantile(u·1e-7)', { base: (i) => base.normalQuantile(tail[i]), work: (i) => work.normalQuantile(tail[i]), '@stdlib': (i) => -Math.SQRT2 * erfcinv(2 * tail[i]), jstat: (i) => jStat.normal.inv(tail[i], 0, 1) }]);
speed.push(['normalQuantile(u)', { base: (i) => base.normalQuantile(u[i]), work: (i) => work.normalQuantile(u[i]), '@stdlib': (i) => nQuantile(u[i], 0, 1), jstat: (i) => jStat.normal.inv(u[i], 0, 1) }]);
speed.push(['normalSurvival(|z|)', { base: (i) => base.normalSurvival(Math.abs(z[i])), work: (i) => work.normalSurvival(Math.abs(z[i])), '@stdlib': (i) => 0.5 * erfc(Math.abs(z[i]) * H), jstat: (i) => 0.5 * jStat.erfc(Math.abs(z[i]) * H) }]);
speed.push(['normalCdf(x), x ∈ [−8, 8]', { base: (i) => baseTable.normalCdf(wide[i]), work: (i) => work.normalCdf(wide[i]), '@stdlib': (i) => nCdf(wide[i], 0, 1), jstat: (i) => jStat.normal.cdf(wide[i], 0, 1) }]);
speed.push(['erf(x), x ∈ [−8, 8]', { base: (i) => baseTable.erf(wide[i]), work: (i) => work.erf(wide[i]), '@stdlib': (i) => erf(wide[i]), jstat: (i) => jStat.erf(wide[i]) }]);
speed.push(['erfcScaled(|z|)', { base: (i) => base.erfcScaled(Math.abs(z[i])), work: (i) => work.erfcScaled(Math.abs(z[i])), '@stdlib': (i) => erfcx(Math.abs(z[i])) }]);
console.log('\nCPU ns per call (min of 7 × 20 000 calls; base normalCdf/erf: the numerics/erf.ts table the GELU kernel used)\n');
for (const [name, impls] of speed)
  console.log(name.padEnd(30), (['base', 'work', '@stdlib', 'jstat'] as const).map((k) => `${k} ${impls[k] ? perCall(impls[k]!).toFixed(0) : '—'}`.padEnd(14)).join(''));

// ---------------------------------------------------------------- where it is used
const geluBase = (await import(`${BASE}/src/kernels/activations/gelu.ts`)).gelu;
const geluWork = (await import(`${WT}/src/kernels/activations/gelu.ts`)).gelu;
const agreeBase = (await import(`${BASE}/src/verdicts/kernelAgreement.ts`)).kernelAgreement;
const agreeWork = (await import(`${WT}/src/verdicts/kernelAgreement.ts`)).kernelAgreement;
const covs: [number, number, number][] = [[1, 0.5, 1], [1, 0.99, 1], [2, -0.3, 0.5], [10, 5, 10], [0.3, 0.1, 0.7]];
// One verdict: P = 16 inputs (136 unique entries), three widths, 256 networks each.
const P = 16;
const K = Float64Array.from({ length: P * P }, (_, k) => (Math.floor(k / P) === k % P ? 1 : 0.5 / (1 + Math.abs(Math.floor(k / P) - (k % P)))));
const estimates = [1, 2, 4].map((scale) => {
  const se = new Float64Array(P * P).fill(0.01 / Math.sqrt(scale));
  const mean = Float64Array.from(K, (k, i) => k + (0.3 * k) / (8 * scale) + se[i] * z[i]);
  for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) mean[i * P + j] = mean[j * P + i];
  return { scale, mean, se, networks: 256 };
});
const verdictInput = { analytic: K, mask: new Float64Array(P).fill(1), estimates, alpha: 1e-3, draws: 2000 };
const whole: Record<string, () => number> = {
  'gelu.pair base (µs)': () => covs.reduce((s, c) => s + geluBase.pair(...c).phiPhi, 0),
  'gelu.pair work (µs)': () => covs.reduce((s, c) => s + geluWork.pair(...c).phiPhi, 0),
  'kernelAgreement base (µs)': () => agreeBase(verdictInput).pValue,
  'kernelAgreement work (µs)': () => agreeWork(verdictInput).pValue,
};
const per: Record<string, number> = { 'gelu.pair base (µs)': covs.length, 'gelu.pair work (µs)': covs.length, 'kernelAgreement base (µs)': 1, 'kernelAgreement work (µs)': 1 };
const best: Record<string, number> = {};
const value: Record<string, number> = {};
for (const f of Object.values(whole)) f(); // warm-up
for (let round = 0; round < 8; round++)
  for (const [k, f] of Object.entries(whole)) {
    const t0 = cpu();
    value[k] = f();
    best[k] = Math.min(best[k] ?? Infinity, (cpu() - t0) / per[k]);
  }
console.log('\nWhere they are called: CPU µs per call (min of 8 alternating rounds)\n');
for (const k of Object.keys(whole)) console.log(k.padEnd(30), best[k].toFixed(0).padStart(8), '  value', value[k]);
if (sink === 0.5) console.log();

/**
 * The forward functions on the 40-digit grid of wide_grid_truth.py, base and work trees against
 * @stdlib (see README.md), split into values in [1e-12, 1] and below 1e-12; then the quantiles of
 * base and @stdlib on a grid, written for wide_grid_quantiles.py.
 * Usage: wide_grid.mts TRUTH.json QUANTILES_OUT.json
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';

const { LIBS, BASE, WT } = process.env;
const [truthFile, quantileFile] = process.argv.slice(2);
if (!LIBS || !BASE || !WT || !truthFile || !quantileFile) throw new Error('wide_grid.mts TRUTH.json QUANTILES.json, with LIBS, BASE and WT set');
const lib = createRequire(`${LIBS}/package.json`);
const base = await import(`${BASE}/src/stats/index.ts`);
const work = await import(`${WT}/src/stats/index.ts`);
const baseInverse = (await import(`${BASE}/src/stats/incompleteBetaInverse.ts`)).incompleteBetaInverse;
const truth = JSON.parse(readFileSync(truthFile, 'utf8'));
const betainc = lib('@stdlib/math-base-special-betainc');
const gammainc = lib('@stdlib/math-base-special-gammainc');
const betaincinv = lib('@stdlib/math-base-special-betaincinv');
const tCdf = lib('@stdlib/stats-base-dists-t-cdf');
const tQuantile = lib('@stdlib/stats-base-dists-t-quantile');

type Row = Record<string, number>;
const rel = (a: number, e: number) => (a === e ? 0 : e === 0 ? Math.abs(a) : Math.abs(a - e) / Math.abs(e));
function report(name: string, all: Row[], key: string, label: (r: Row) => string, impls: Record<string, (r: Row) => number>) {
  for (const [range, lo, hi] of [['[1e-12, 1]', 1e-12, 2], ['< 1e-12', 1e-300, 1e-12]] as const) {
    const rows = all.filter((r) => r[key] >= lo && r[key] < hi);
    const cells = Object.entries(impls).map(([k, f]) => {
      let worst = 0;
      let at = '';
      let over = 0;
      for (const r of rows) {
        const e = rel(f(r), r[key]);
        if (e > 1e-14) over++;
        if (!(e <= worst)) [worst, at] = [e, label(r)];
      }
      return `${k} ${worst.toExponential(1)} (${over} > 1e-14; ${at})`;
    });
    console.log(`${name} ${range}, ${rows.length} points`.padEnd(40), cells.join(' | '));
  }
}
const small = (r: Row) => { // F survival from @stdlib's betainc on the side with the small argument
  const s = r.d2 + r.d1 * r.x;
  return (r.d1 * r.x) / s < 0.5 ? betainc((r.d1 * r.x) / s, r.d1 / 2, r.d2 / 2, true, true) : betainc(r.d2 / s, r.d2 / 2, r.d1 / 2, true, false);
};
const smallCdf = (r: Row) => {
  const s = r.d2 + r.d1 * r.x;
  return (r.d1 * r.x) / s < 0.5 ? betainc((r.d1 * r.x) / s, r.d1 / 2, r.d2 / 2, true, false) : betainc(r.d2 / s, r.d2 / 2, r.d1 / 2, true, true);
};
report('studentTCdf', truth.t, 'cdf', (r) => `t=${r.t}, df=${r.df}`, { base: (r) => base.studentTCdf(r.t, r.df), '@stdlib': (r) => tCdf(r.t, r.df) });
report('fCdf', truth.f, 'cdf', (r) => `x=${r.x}, d=(${r.d1}, ${r.d2})`, { work: (r) => work.fCdf(r.x, r.d1, r.d2), '@stdlib': smallCdf });
report('fSurvival', truth.f, 'sf', (r) => `x=${r.x}, d=(${r.d1}, ${r.d2})`, { work: (r) => work.fSurvival(r.x, r.d1, r.d2), '@stdlib': small });
report('regularizedBeta', truth.beta, 'value', (r) => `x=${r.x}, a=${r.a}, b=${r.b}`, { work: (r) => work.regularizedBeta(r.x, r.a, r.b), '@stdlib': (r) => betainc(r.x, r.a, r.b) });
report('regularizedGammaP', truth.gamma, 'p', (r) => `a=${r.a}, x=${r.x.toFixed(1)}`, { work: (r) => work.regularizedGammaP(r.a, r.x), '@stdlib': (r) => gammainc(r.x, r.a, true, false) });
report('regularizedGammaQ', truth.gamma, 'q', (r) => `a=${r.a}, x=${r.x.toFixed(1)}`, { work: (r) => work.regularizedGammaQ(r.a, r.x), '@stdlib': (r) => gammainc(r.x, r.a, true, true) });

const ps = [1e-15, 1e-12, 1e-9, 1e-6, 1e-4, 0.01, 0.025, 0.1, 0.3, 0.7, 0.9, 0.975, 0.999, 1 - 1e-6, 1 - 1e-9];
const quantiles: Record<string, Row[]> = { t: [], beta: [], cp: [] };
for (const df of [0.5, 1, 2.5, 5, 10, 30, 100, 1000, 1e4, 1e6])
  for (const p of ps) quantiles.t.push({ p, df, base: base.studentTQuantile(p, df), stdlib: tQuantile(p, df) });
for (const a of [0.2, 0.5, 1, 2, 5, 20, 100, 1000])
  for (const b of [0.2, 0.5, 1, 2, 5, 20, 100, 1000])
    for (const p of ps) quantiles.beta.push({ p, q: 1 - p, a, b, base: base.betaQuantile(p, a, b), stdlib: p <= 0.5 ? betaincinv(p, a, b) : betaincinv(1 - p, a, b, true) });
for (const [k, n] of [[1, 10], [3, 20], [1, 1000], [10, 1000], [500, 1000], [999, 1000], [1, 1e6], [50, 1e6], [5e5, 1e6], [999999, 1e6], [2, 7], [40000, 50000]])
  for (const confidence of [0.683, 0.95, 0.99, 1 - 1e-6]) {
    const h = (1 - confidence) / 2;
    quantiles.cp.push({ a: k, b: n - k + 1, p: h, q: 1 - h, base: baseInverse(k, n - k + 1, h, 1 - h), stdlib: betaincinv(h, k, n - k + 1) });
    quantiles.cp.push({ a: k + 1, b: n - k, p: 1 - h, q: h, base: baseInverse(k + 1, n - k, 1 - h, h), stdlib: betaincinv(h, k + 1, n - k, true) });
  }
writeFileSync(quantileFile, JSON.stringify(quantiles));

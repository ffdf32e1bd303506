/**
 * What a calibration table as a whole says, beyond its cells one by one. A table of C cells whose
 * engine is exactly calibrated still has cells whose Clopper–Pearson interval misses α: each does
 * with probability P_out(n, α) (at most 0.05, less for small counts), so the table expects
 * Σ P_out of them and holds every cell with probability Π(1 − P_out). Three readings follow:
 *
 * 1. The cells outside their interval, against the number an exactly calibrated engine shows.
 * 2. The attention families' sets that chose nothing, pooled per kernel and level: the rate a user
 *    of the engine on attention meets, with its interval.
 * 3. Whether those sets share one rate α: X² = Σ (k − nα)²/(nα(1 − α)) over the sets, its p-value
 *    by simulating the table under exact calibration (binomial counts drawn by inverse CDF from a
 *    seeded stream), since the counts at 1e-3 are far too small for the χ² approximation.
 */
import { uniformStream } from '../../src/random/normals.ts';
import { ALPHAS, binomialCdf, fmtP, interval, intervalHolds } from './tables.ts';
import { KINDS, type Kind } from './store.ts';

/** One table row's counts: false positives k among n conclusive verdicts at each of ALPHAS. */
export interface CellCounts {
  readonly family: string;
  readonly role: string;
  readonly kind: Kind;
  readonly counts: readonly { readonly k: number; readonly n: number }[];
}

/**
 * The probability that an exactly calibrated cell of n verdicts at level a lies outside its
 * interval. The counts whose interval holds a form one run of k around n·a, so it is found by
 * walking out from there.
 */
export function probabilityOutside(n: number, a: number): number {
  if (n === 0) return 0;
  let lo = Math.round(n * a);
  while (lo > 0 && intervalHolds(lo - 1, n, a)) lo--;
  let hi = Math.round(n * a);
  while (hi < n && intervalHolds(hi + 1, n, a)) hi++;
  return 1 - (binomialCdf(hi, n, a) - binomialCdf(lo - 1, n, a));
}

/** X² of the counts against rate a. */
function dispersion(ks: readonly number[], ns: readonly number[], a: number): number {
  let x = 0;
  ks.forEach((k, i) => (x += ns[i] > 0 ? (k - ns[i] * a) ** 2 / (ns[i] * a * (1 - a)) : 0));
  return x;
}

/** Monte-Carlo p-value of X² under exact calibration: each set's count drawn from Binomial(n, a). */
export function homogeneityPValue(ks: readonly number[], ns: readonly number[], a: number, draws = 20_000, key = 'calibration/homogeneity'): number {
  const observed = dispersion(ks, ns, a);
  // Each set's CDF once; a draw is the first k whose CDF reaches a uniform.
  const cdfs = ns.map((n) => {
    const top = Math.min(n, Math.ceil(n * a + 12 * Math.sqrt(n * a * (1 - a)) + 12));
    return Float64Array.from({ length: top + 1 }, (_, k) => (k === top ? 1 : binomialCdf(k, n, a)));
  });
  const u = uniformStream(key);
  const draw = new Array<number>(ns.length);
  let atLeast = 0;
  for (let d = 0; d < draws; d++) {
    cdfs.forEach((cdf, i) => {
      const v = u();
      let k = 0;
      while (cdf[k] < v) k++;
      draw[i] = k;
    });
    if (dispersion(draw, ns, a) >= observed - 1e-12) atLeast++;
  }
  return (atLeast + 1) / (draws + 1);
}

/** The counts of the rows of a table summary.ts wrote: | `family` | KIND | seeds (role…) | runs | inconclusive | k/n = … | … |. */
export function countsFromTable(md: string): CellCounts[] {
  const cells: CellCounts[] = [];
  // The first table with this script's header, up to its last row.
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| family | kernel | seeds | runs |'));
  if (start < 0) throw new Error('summary: the file given to --from-table has no table summary.ts wrote (its header "| family | kernel | seeds | runs |")');
  let end = start;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  for (const line of lines.slice(start, end)) {
    const c = line.split('|').map((x) => x.trim());
    const family = /^`([^`]+)`$/.exec(c[1] ?? '')?.[1];
    const kind = c[2]?.toLowerCase();
    if (!family || (kind !== 'nngp' && kind !== 'ntk') || c.length < 10) continue;
    const role = /pooled/.test(c[3]) ? 'pooled' : (/\((development|pre-registered|first set|replication)/.exec(c[3])?.[1] ?? 'unknown');
    const counts = c.slice(6, 6 + ALPHAS.length).map((cell) => {
      const m = /^(\d+)\/(\d+)/.exec(cell);
      if (!m) throw new Error(`summary: a rate cell of ${family} ${kind} is not "k/n …": ${cell}`);
      return { k: Number(m[1]), n: Number(m[2]) };
    });
    cells.push({ family, role, kind, counts });
  }
  if (cells.length === 0) throw new Error('summary: no table rows found in the file given to --from-table');
  return cells;
}

/** The three readings as markdown lines. `isAttention` picks the families of reading 2 and 3. */
export function tableReading(cells: readonly CellCounts[], isAttention: (family: string) => boolean): string[] {
  const L: string[] = [];
  const sets = cells.filter((c) => !/^pooled/.test(c.role));
  let expected = 0;
  let allInside = 1;
  let observed = 0;
  const missed: string[] = [];
  for (const c of sets)
    c.counts.forEach(({ k, n }, j) => {
      const p = probabilityOutside(n, ALPHAS[j]);
      expected += p;
      allInside *= 1 - p;
      if (!intervalHolds(k, n, ALPHAS[j])) {
        observed++;
        missed.push(`${c.family} ${c.kind.toUpperCase()} at ${ALPHAS[j]}, ${k}/${n}`);
      }
    });
  const rateCells = sets.reduce((s, c) => s + c.counts.length, 0);
  L.push(
    `**Cells outside their interval against chance.** Of the ${rateCells} rate cells of the sets (pooled rows left out), an exactly calibrated engine would put about ${expected.toFixed(1)} outside their Clopper–Pearson interval, and all of them inside with probability ${fmtP(allInside)}; here ${observed} ${observed === 1 ? 'is' : 'are'} outside${missed.length ? ` (${missed.join('; ')})` : ''}.`,
  );
  const attention = sets.filter((c) => isAttention(c.family) && c.role !== 'development');
  if (attention.length === 0) return L;
  const fams = [...new Set(attention.map((c) => c.family))];
  L.push('');
  L.push(
    `**The attention families together** (${fams.length} ${fams.length === 1 ? 'family' : 'families'}, the sets that chose nothing: ${attention.length / KINDS.length} set${attention.length === KINDS.length ? '' : 's'}): the rate pooled over the sets, and whether the sets share the rate α (X² of the set counts against α, p-value from 20 000 simulated tables under exact calibration).`,
  );
  L.push('');
  L.push(`| kernel | ${ALPHAS.map((a) => `α = ${a}: pooled`).join(' | ')} | ${ALPHAS.map((a) => `α = ${a}: one rate α across sets`).join(' | ')} |`);
  L.push(`| --- | ${ALPHAS.map(() => '---').join(' | ')} | ${ALPHAS.map(() => '---').join(' | ')} |`);
  for (const kind of KINDS) {
    const own = attention.filter((c) => c.kind === kind);
    const pooled = ALPHAS.map((a, j) => {
      const k = own.reduce((s, c) => s + c.counts[j].k, 0);
      const n = own.reduce((s, c) => s + c.counts[j].n, 0);
      return interval(k, n).text + (intervalHolds(k, n, a) ? '' : ' **✗**');
    });
    const homogeneity = ALPHAS.map((a, j) => {
      const ks = own.map((c) => c.counts[j].k);
      const ns = own.map((c) => c.counts[j].n);
      return `X² = ${dispersion(ks, ns, a).toFixed(1)} over ${own.length} sets, p = ${fmtP(homogeneityPValue(ks, ns, a, 20_000, `calibration/homogeneity/${kind}/${a}`))}`;
    });
    L.push(`| ${kind.toUpperCase()} | ${pooled.join(' | ')} | ${homogeneity.join(' | ')} |`);
  }
  return L;
}

/**
 * docs/calibration.md's main table: every seed set of every family (sets.ts), as one engine analysed
 * it, one row per set and kernel, and a family's sets that chose nothing pooled. Each store must already hold the
 * analysis of that engine (`npm run calibrate -- … --store ROOT/STORE --analyse-only` writes
 * STORE/analysis-HASH.jsonl); the script reads those files and computes nothing about the networks.
 *
 *   npx tsx scripts/calibration/summary.ts --root ROOT --hash HASH [--fallback-hash H1,H2] [--out FILE]
 *   npx tsx scripts/calibration/summary.ts --from-table FILE
 *
 * The table is followed by its reading as a whole (tableReading.ts). --from-table prints that
 * reading alone, from the counts of a table this script generated earlier (docs/calibration.md),
 * for when its stores are no longer at hand.
 *
 * A set not analysed (in full) at HASH may stand on an earlier engine's analysis (--fallback-hash):
 * a fallback is accepted only where its records are identical, run by run, to an engine accepted
 * before it on every set analysed under both, and there is at least one such set; the row then
 * names that engine, and the output gives the comparison.
 * A set whose store or analysis file is missing is named in the output, never skipped silently.
 * A store whose runs of a set's family are not that one set (sets.ts's seedSetProblem) stops the
 * script with exit code 1 and no table.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readResults } from './runner.ts';
import { familyOffsetOf, SEED_SETS, seedSetProblem, seedText, type SeedSet } from './sets.ts';
import { KINDS, type RunRecord } from './store.ts';
import { ALPHAS, atStatedPower, conclusive, conclusiveAt, familyWise, ks, levels, median, pct, type AnalysisRecord } from './tables.ts';
import { countsFromTable, tableReading, type CellCounts } from './tableReading.ts';

const isAttention = (family: string) => family !== 'mlp';

/** The counts of one set's or pooled row's verdicts: false positives among the conclusive ones at each α. */
function countsOf(family: string, role: string, recs: readonly AnalysisRecord[]): CellCounts[] {
  return KINDS.map((kind) => ({
    family,
    role,
    kind,
    counts: ALPHAS.map((a, j) => {
      const c = recs.map((r) => r.after[kind]).filter((v) => conclusiveAt(v, j));
      return { k: c.filter((v) => v.p <= a).length, n: c.length };
    }),
  }));
}

const seedRange = (records: readonly AnalysisRecord[]) => {
  const seeds = records.map((r) => r.seed);
  return `${seedText(Math.min(...seeds))}–${seedText(Math.max(...seeds))}`;
};

function rows(label: string, role: string, recs: readonly AnalysisRecord[]): { lines: string[]; inside: boolean } {
  const lines: string[] = [];
  let inside = true;
  for (const kind of KINDS) {
    const vs = recs.map((r) => r.after[kind]);
    const lv = levels(vs);
    const k = ks(vs);
    inside &&= lv.every((l) => l.inside) && k.uniform;
    const inc = vs.filter((v) => !conclusive(v)).length;
    const decided = recs.filter((r) => conclusive(r.after[kind]));
    const [plus, minus] = atStatedPower(decided, kind);
    const delta = median(decided.map((r) => r.after[kind].detect[0]));
    lines.push(
      `| ${label} | ${kind.toUpperCase()} | ${role} | ${recs.length} | ${inc} | ${lv.map((l) => l.text + (l.inside ? '' : ' **✗**')).join(' | ')} | ${k.text}${k.uniform ? '' : ' **✗**'} | ${plus} / ${minus} at ${pct(delta)} |`,
    );
  }
  return { lines, inside };
}

function main(): void {
  const { values } = parseArgs({
    options: { root: { type: 'string' }, hash: { type: 'string' }, 'fallback-hash': { type: 'string', default: '' }, out: { type: 'string' }, 'from-table': { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values['from-table']) {
    const file = values['from-table'];
    if (!existsSync(file)) {
      console.error(`summary: --from-table ${file}: no such file`);
      process.exitCode = 2;
      return;
    }
    try {
      console.log(tableReading(countsFromTable(readFileSync(file, 'utf8')), isAttention).join('\n'));
    } catch (e) {
      console.error(`${(e as Error).message} (${file})`);
      process.exitCode = 2;
    }
    return;
  }
  if (values.help || !values.root || !values.hash) {
    console.log('usage: npx tsx scripts/calibration/summary.ts --root ROOT --hash HASH [--fallback-hash H1,H2] [--out FILE]\n       npx tsx scripts/calibration/summary.ts --from-table FILE');
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const root = resolve(values.root);
  const missing: string[] = [];
  const loaded: { set: SeedSet; recs: AnalysisRecord[]; hash: string }[] = [];
  const fallbacks = values['fallback-hash']!.split(',').filter(Boolean);
  const analysis = (set: SeedSet, hash: string) => resolve(root, set.store, `analysis-${hash}.jsonl`);
  // Several sets share a store: each analysis file is read once.
  const files = new Map<string, AnalysisRecord[]>();
  const read = (file: string) => files.get(file) ?? files.set(file, existsSync(file) ? [...readResults<AnalysisRecord>(file).values()] : []).get(file)!;
  const ofSet = (set: SeedSet, file: string) => read(file).filter((r) => r.broken === null && r.family === set.family && (!set.archPrefix || r.arch.startsWith(set.archPrefix)));
  // A fallback engine stands in for the main one only where its records were shown identical to
  // those of an engine already accepted (the main one, or a fallback accepted before it in the list):
  // on at least one set analysed under both, and not one record differs on any such set.
  const accepted = [values.hash!];
  const agreement = fallbacks.map((hash) => {
    let sets = 0;
    let records = 0;
    let differ = 0;
    const against = new Set<string>();
    for (const set of SEED_SETS) {
      const other = accepted.find((h) => ofSet(set, analysis(set, h)).length > 0);
      if (!other) continue;
      const main = new Map(ofSet(set, analysis(set, other)).map((r) => [r.id, JSON.stringify(r.after)]));
      const old = ofSet(set, analysis(set, hash)).filter((r) => main.has(r.id));
      if (old.length === 0) continue;
      sets++;
      records += old.length;
      differ += old.filter((r) => JSON.stringify(r.after) !== main.get(r.id)).length;
      against.add(other);
    }
    const usable = sets > 0 && differ === 0;
    if (usable) accepted.push(hash);
    const text = `${hash}: ${sets ? `${differ} of ${records} records differ from ${[...against].join(' and ')}'s on the ${sets} set(s) analysed under both` : 'no set analysed under it and an accepted engine'}${usable ? '' : ' (not used)'}`;
    return { hash, usable, text };
  });
  const offsets = new Map<string, number>();
  const notOneSet: string[] = [];
  for (const set of SEED_SETS) {
    const stored = [...readResults<RunRecord>(resolve(root, set.store, 'runs.jsonl')).values()].filter((r) => r.family === set.family && (!set.archPrefix || r.arch.startsWith(set.archPrefix)));
    const seeds = stored.map((r) => r.seed);
    const problem = seedSetProblem(set, seeds, offsets.get(set.family));
    if (problem) {
      notOneSet.push(problem);
      continue;
    }
    const offset = familyOffsetOf(set, seeds);
    if (offset !== undefined && !offsets.has(set.family)) offsets.set(set.family, offset);
    // The first engine whose analysis covers every stored run of the set (an analysis still running,
    // or stopped, covers part of it and would give a table of part of the set).
    const found = accepted.map((hash) => ({ hash, recs: ofSet(set, analysis(set, hash)) }));
    const whole = found.find((f) => f.recs.length > 0 && f.recs.length >= stored.length);
    if (!whole) {
      const parts = found.filter((f) => f.recs.length > 0).map((f) => `${f.hash} ${f.recs.length}`);
      missing.push(`${set.family} (--seed-base ${set.seedBase}): ${stored.length} stored runs in ${resolve(root, set.store)}, analysed ${parts.length ? `only in part (${parts.join(', ')})` : `by none of ${accepted.join(', ')}`}`);
      continue;
    }
    loaded.push({ set, recs: whole.recs.sort((a, b) => a.seed - b.seed), hash: whole.hash });
  }
  if (notOneSet.length) {
    console.error(`summary: the stores under ${root} do not match sets.ts:\n${notOneSet.map((p) => `  ${p}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  const L: string[] = [];
  L.push(`| family | kernel | seeds | runs | inconclusive | ${ALPHAS.map((a) => `α = ${a}`).join(' | ')} | KS against U(0, 1) | stated power reached at +δ / −δ, median δ |`);
  L.push(`| --- | --- | --- | --- | --- | ${ALPHAS.map(() => '---').join(' | ')} | --- | --- |`);
  const families = [...new Set(loaded.map((l) => l.set.family))];
  const outside: string[] = [];
  const cells: CellCounts[] = [];
  for (const family of families) {
    const sets = loaded.filter((l) => l.set.family === family);
    for (const { set, recs, hash } of sets) {
      const r = rows(`\`${family}\``, `${seedRange(recs)} (${set.role}${set.note ? `: ${set.note}` : ''}${hash === values.hash ? '' : `; engine ${hash}`})`, recs);
      L.push(...r.lines);
      cells.push(...countsOf(family, set.role, recs));
      if (!r.inside) outside.push(`${family}, ${seedRange(recs)}`);
    }
    // Pooled only over the sets that chose nothing: a development set's rates are partly its own choice.
    const confirming = sets.filter((s) => s.set.role !== 'development');
    if (confirming.length > 1) {
      const pooled = rows(`\`${family}\``, `**pooled: the ${confirming.length} sets not used for development**`, confirming.flatMap((s) => s.recs));
      L.push(...pooled.lines);
      if (!pooled.inside) outside.push(`${family}, pooled`);
    }
  }
  L.push('');
  const elsewhere = loaded.filter((l) => l.hash !== values.hash).length;
  L.push(
    `Engine ${values.hash}${elsewhere ? ` (${elsewhere} set(s) on the engine their row names)` : ''}; ${loaded.reduce((s, l) => s + l.recs.length, 0)} runs in ${loaded.length} sets. Rows with a ✗: ${outside.length ? outside.join('; ') : 'none'}.`,
  );
  if (agreement.length) L.push('', `Earlier engines against ${values.hash}: ${agreement.map((a) => a.text).join('; ')}.`);
  L.push('');
  // Every set's cells and KS tests as one family of checks (the sets are independent samples; the pooled rows repeat them).
  L.push(familyWise(loaded.map((l) => ({ name: `${l.set.family} ${seedRange(l.recs)}`, recs: l.recs })), 'after'));
  L.push('', ...tableReading(cells, isAttention));
  if (missing.length) L.push('', `Not in this table (missing here): ${missing.join('; ')}.`);
  const md = L.join('\n') + '\n';
  if (values.out) writeFileSync(values.out, md);
  console.log(md);
}

main();

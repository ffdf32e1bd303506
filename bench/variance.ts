/**
 * Variance ratios of the sampler's reductions on the bench configurations (docs/estimators.md),
 * each next to a check that the reduced estimator has the plain one's mean:
 *
 * - readout average (`averageReadout`): the NNGP's exact readout average and the NTK's readout-norm
 *   average against the plain estimators on the same networks (paired max-|z| test, src/validation/pairedTest.ts);
 * - weights drawn given their site's input (`preactivations`): the NTK with and without, on
 *   independent draws (the two routes read different streams), by compareIndependent. The same law,
 *   so the ratio should be 1 within its sampling error: it is reported to show that it is not a
 *   hidden inflation.
 *
 * Control variates' ratios come from `npm run bench` itself (`rel.sd/net plain→cv`).
 * The ratio is that of the worst entry's per-network variance, the quantity the bench's time to
 * 1 % uses (relativePrecision, src/pipeline/kernel.ts), and also of the summed variances.
 *
 *   tsx bench/variance.ts [--networks 512] [--configs R1,R2] [--out bench/results/variance.json]
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { estimate } from '../src/estimators/ensemble.ts';
import { compareIndependent, PairedKernels } from '../src/validation/pairedTest.ts';
import { configByName, configs, inputBatch, SEED, taskSpec, type Task } from './configs.ts';

interface Row {
  readonly config: string;
  readonly task: Task;
  readonly method: 'readout average' | 'conditional weights';
  readonly networks: number;
  /** Worst entry's per-network variance, reduced ÷ plain. */
  readonly worstVarianceRatio: number;
  /** Σ over entries of the per-network variances, reduced ÷ plain. */
  readonly totalVarianceRatio: number;
  /** The mean test's max |z| and p-value (paired on the same networks, or independent draws). */
  readonly maxAbsZ: number;
  readonly pValue: number;
  /** False when the two runs gave identical kernels: the route was not taken on this network (the cost rule kept the weights). */
  readonly applied: boolean;
}

const program = new Command()
  .option('--networks <n>', 'networks per estimator', (v) => Number.parseInt(v, 10), 512)
  .option('--configs <list>', 'configurations', configs.map((c) => c.name).join(','))
  .option('--out <file>', 'JSON output', 'bench/results/variance.json')
  .parse();
const o = program.opts<{ networks: number; configs: string; out: string }>();

const max = (v: ArrayLike<number>) => Math.max(...Array.from(v));
const sum = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0);

const rows: Row[] = [];
for (const name of o.configs.split(',')) {
  const c = configByName(name);
  const batch = inputBatch(c.masked);
  // Pooled outputs: P = M rows, all valid.
  const P = batch.M;
  for (const task of ['nngp', 'ntk'] as const) {
    const spec = taskSpec(c, task);
    const base = { networks: o.networks, seed: SEED, nngp: task === 'nngp', ntk: task === 'ntk', backend: 'wasm' as const };
    const paired = new PairedKernels(P);
    await estimate(spec, batch, { ...base, averageReadout: false, perNetwork: (k, _t, v) => paired.addA(k, v) });
    const reduced = await estimate(spec, batch, { ...base, covariance: true, perNetwork: (k, _t, v) => paired.addB(k, v) });
    const p = paired.compare();
    rows.push({
      config: name,
      task,
      method: 'readout average',
      networks: p.networks,
      worstVarianceRatio: max(p.varianceB) / max(p.varianceA),
      totalVarianceRatio: sum(p.varianceB) / sum(p.varianceA),
      maxAbsZ: p.maxAbsZ,
      pValue: p.pValue,
      applied: p.maxAbsZ > 0,
    });
    log(rows.at(-1)!);
    if (task === 'ntk') {
      const weights = await estimate(spec, batch, { ...base, covariance: true, preactivations: false });
      const a = weights.accumulators.ntk!;
      const b = reduced.accumulators.ntk!;
      const t = compareIndependent(a, b, P);
      rows.push({
        config: name,
        task,
        method: 'conditional weights',
        networks: o.networks,
        worstVarianceRatio: max(b.variance()) / max(a.variance()),
        totalVarianceRatio: sum(b.variance()) / sum(a.variance()),
        maxAbsZ: t.maxAbsZ,
        pValue: t.pValue,
        applied: t.maxAbsZ > 0,
      });
      log(rows.at(-1)!);
    }
  }
}
writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), networks: o.networks, seed: SEED, rows }, null, 2) + '\n');
console.log(`wrote ${o.out}`);

function log(r: Row): void {
  const f = (x: number) => x.toPrecision(3);
  if (!r.applied) return void console.log(`${r.config} ${r.task} ${r.method}: not applied here (identical kernels on the same networks)`);
  console.log(`${r.config} ${r.task} ${r.method}: worst-entry variance ×${f(r.worstVarianceRatio)}, total ×${f(r.totalVarianceRatio)}; means: max|z| ${f(r.maxAbsZ)}, p ${f(r.pValue)} (${r.networks} networks)`);
}
process.exit(0);

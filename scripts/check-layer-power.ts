/**
 * Power per CPU-second of check-layer's rows (docs/check-layer.md, "Speed and power"): runs the
 * table on a layer module at the given settings and prints, per row, the CPU seconds it took and
 * the smallest relative kernel error each verdict catches (uniform / one entry), and the settings'
 * efficiency 1/(detectable² · CPU s) — what doubling networks or widths buys per second spent.
 * CPU time (this process, user + system) rather than wall time: the sampler runs on one thread, so
 * on an idle machine the two agree, and on a shared one CPU time is what is comparable.
 *
 *   npx tsx scripts/check-layer-power.ts fixtures/layers/swish.ts --networks 256 --width 32 [--only raw,gaussian] [--variant NAME] [--alpha-plan 17]
 *
 * `--alpha-plan k` runs every verdict at 1e-3/(2k), the level of a default run of k compositions
 * (9 rows + 8 random ones), whatever `--only` selects.
 */
import { readInputs } from '../src/io.ts';
import { loadLayerModule } from '../src/checkLayer/load.ts';
import { checkLayer } from '../src/checkLayer/engine.ts';

const args = process.argv.slice(2);
const file = args[0];
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string) => (opt(name) === undefined ? undefined : Number(opt(name)));
const only = opt('--only')?.split(',');
const plan = num('--alpha-plan');
const rowsRun = only?.length ?? 9;
const alpha = plan ? (1e-3 * rowsRun) / plan : 1e-3;

const mod = await loadLayerModule(file);
const inputs = readInputs('fixtures/layers/inputs.json');
const maskedInputs = readInputs('fixtures/layers/inputs-masked.json');
let last = process.cpuUsage();
const cpu: Record<string, number> = {};
const start = process.cpuUsage();
const t0 = performance.now();
const report = await checkLayer(mod, {
  inputs,
  maskedInputs,
  networks: num('--networks'),
  width: num('--width'),
  runs: num('--runs') ?? 0,
  scales: opt('--scales')?.split(',').map(Number),
  only,
  variant: opt('--variant'),
  alpha: alpha,
  seed: num('--seed'),
  onRow: (r) => {
    const now = process.cpuUsage(last);
    last = process.cpuUsage();
    cpu[r.name] = (now.user + now.system) / 1e6;
  },
});
const total = process.cpuUsage(start);
const pct = (x: number) => `${(100 * x).toPrecision(2)}%`;
console.log(`${file}${report.variant ? ` --variant ${report.variant}` : ''}: width ${report.settings.width}, networks ${report.settings.networks}, scales ${report.settings.scales.join(',')}, α/verdict ${report.alphaPerVerdict.toExponential(2)}`);
console.log('row\tstatus\tcpu_s\twall_s\tNNGP uniform/entry\tNTK uniform/entry\tstatistics\tefficiency 1/(d²·s) NNGP,NTK');
for (const r of report.table) {
  const n = r.verdicts.find((v) => v.kernel === 'nngp');
  const t = r.verdicts.find((v) => v.kernel === 'ntk');
  const eff = (v: typeof n) => (v ? (1 / (v.detectable.uniform ** 2 * cpu[r.name])).toPrecision(3) : '–');
  console.log(
    [
      r.name,
      r.status,
      cpu[r.name].toFixed(1),
      r.seconds.toFixed(1),
      n ? `${pct(n.detectable.uniform)}/${pct(n.detectable.entry)}` : '–',
      t ? `${pct(t.detectable.uniform)}/${pct(t.detectable.entry)}` : '–',
      r.verdicts.map((v) => `${v.statistic.toPrecision(3)}/${v.criticalValue.toPrecision(3)}`).join(' '),
      `${eff(n)},${eff(t)}`,
      r.status === 'pass' ? '' : r.message.slice(0, 160),
    ].join('\t'),
  );
}
console.log(`sites: ${report.sites.status}: ${report.sites.message}`);
console.log(`total: ${((total.user + total.system) / 1e6).toFixed(1)} CPU s, ${((performance.now() - t0) / 1000).toFixed(1)} s wall; passed ${report.passed}`);

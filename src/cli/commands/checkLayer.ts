/** `infinite-attention check-layer path/to/layer.ts`: validate a user's layer (checkLayerEngine.ts). */
import { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInputs } from '../../io.ts';
import type { BackendChoice } from '../../backend.ts';
import { loadLayerModule } from './layerModule.ts';
import { checkLayer, type CheckLayerReport, type CompositionRow } from './checkLayerEngine.ts';
import { createProgress, interruptible } from './progress.ts';
import { backendOption, numberList, positiveInt, powerOptions, probability } from '../options.ts';
import { verdictExit } from '../errors.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatRows(rows: readonly CompositionRow[]): string {
  const head = ['composition', 'status', 'NNGP', 'NTK', 'layers / reason'];
  const cell = (r: CompositionRow, k: string) => {
    const v = r.verdicts.find((x) => x.kernel === k);
    if (!v) return '–';
    return `${v.rejected ? 'FAIL' : v.inconclusive?.length ? 'inconclusive' : 'ok'} ${v.statistic === null ? '' : v.statistic.toPrecision(3)}`.trim();
  };
  const lines = rows.map((r) => [r.name, r.status === 'pass' ? 'pass' : r.status.toUpperCase(), cell(r, 'nngp'), cell(r, 'ntk'), r.status === 'pass' ? r.layers : `${r.layers}: ${r.message}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (i < 4 ? l[i].length : 0))));
  return [head, ...lines].map((l) => l.map((c, i) => (i < 4 ? pad(c, widths[i]) : c)).join('  ')).join('\n');
}

export function formatReport(r: CheckLayerReport, file: string): string {
  const out: string[] = [];
  out.push(`check-layer ${file}: type "${r.type}"${r.variant ? `, broken variant "${r.variant}"` : ''}, spec ${JSON.stringify(r.spec)}`);
  out.push(`each verdict at α = ${r.alphaPerVerdict.toExponential(2)} (family-wise ${r.alpha}, Bonferroni); "refused" = a kernel map declined its input with a KernelError`);
  out.push('');
  out.push(formatRows(r.table));
  if (r.property) {
    const p = r.property;
    out.push('');
    out.push(`fast-check: ${p.runs} random compositions (${p.skipped} refused and redrawn), seed ${p.fcSeed}${p.interrupted ? ', interrupted' : ''}`);
    if (p.rows.length) out.push(formatRows(p.rows));
    if (p.failed && p.counterexample) {
      const c = p.counterexample;
      out.push('');
      out.push(`FAILING COMPOSITION (shrunk in ${p.shrinks} steps): ${c.layers}`);
      out.push(`  network seed ${c.composition.seed}, hidden width ${c.composition.width}: ${c.message}`);
      out.push(`  replay: infinite-attention check-layer ${file}${r.variant ? ` --variant ${r.variant}` : ''} --fc-seed ${p.fcSeed} --fc-path ${p.counterexamplePath} --runs 1`);
    }
  }
  out.push('');
  out.push(`NTK sites: ${r.sites.status}: ${r.sites.message}`);
  out.push('');
  const rows = [...r.table, ...(r.property?.rows ?? [])];
  const count = (s: string) => rows.filter((x) => x.status === s).length;
  out.push(
    `${r.passed ? 'PASSED' : 'FAILED'}: ${count('pass')} passed, ${count('fail') + count('error')} failed, ${count('refused')} refused${count('inconclusive') ? `, ${count('inconclusive')} inconclusive (neither pass nor fail; --require-power makes them fail)` : ''}${r.interrupted ? ' (interrupted: the rows above are what was done)' : ''}`,
  );
  return out.join('\n');
}

export function checkLayerCommand(): Command {
  return new Command('check-layer')
    .description('validate a layer module (default export { type, factory, sample?, broken? }) alone and composed with built-in layers; exit 1 on failure')
    .argument('<file>', 'the layer module, .ts or .js (README, "Adding a layer")')
    .option('--variant <name>', 'check one of the module\'s broken variants instead (it must fail)')
    .option('--inputs <file>', 'inputs JSON', resolve(root, 'fixtures/layers/inputs.json'))
    .option('--masked-inputs <file>', 'inputs JSON with padding, for the masked compositions', resolve(root, 'fixtures/layers/inputs-masked.json'))
    .option('--networks <N>', 'networks per width factor', positiveInt('--networks', 8), 256)
    .option('--width <n>', 'hidden width at width factor 1', positiveInt('--width', 2), 32)
    .option('--scales <list>', 'width factors (at least three)', numberList('--scales', false), [1, 2, 4])
    .option('--runs <n>', 'random compositions drawn by fast-check (0: table only)', positiveInt('--runs', 0), 8)
    .option('--max-shrinks <n>', 'most shrink candidates tried after a failure', positiveInt('--max-shrinks', 0), 24)
    .option('--fc-seed <s>', 'fast-check seed', positiveInt('--fc-seed', 0), 1)
    .option('--fc-path <path>', 'fast-check replay path (printed with a failing composition)')
    .option('--seed <s>', 'network seed of the table rows', positiveInt('--seed', 1), 1)
    .option('--alpha <a>', 'family-wise false-failure rate of the whole check', probability('--alpha'), 1e-3)
    .option('--only <names>', 'comma-separated table rows to run, e.g. "alone,before layerNorm"')
    .addOption(powerOptions()[0])
    .addOption(powerOptions()[1])
    .addOption(backendOption())
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress output')
    .action(async (file: string, o) => {
      const mod = await loadLayerModule(file);
      const inputs = readInputs(o.inputs);
      const maskedInputs = readInputs(o.maskedInputs);
      const progress = createProgress({ quiet: o.quiet, json: o.json, intervalMs: 5000 });
      const stop = interruptible(() => progress.log('interrupt: finishing the current composition, then reporting what was done (Ctrl-C again to quit at once)'));
      let report: CheckLayerReport;
      try {
        report = await checkLayer(mod, {
          inputs,
          maskedInputs,
          width: o.width,
          scales: o.scales,
          networks: o.networks,
          alpha: o.alpha,
          runs: o.runs,
          fcSeed: o.fcSeed,
          fcPath: o.fcPath,
          maxShrinks: o.maxShrinks,
          only: o.only ? String(o.only).split(',').map((s: string) => s.trim()) : undefined,
          seed: o.seed,
          variant: o.variant,
          backend: o.backend as BackendChoice,
          maxDetectable: o.maxDetectable,
          signal: stop.signal,
          onProgress: (f, label) => progress.update(f, label),
          onRow: (row) => {
            if (row.status !== 'pass') progress.log(`${row.name}: ${row.status}: ${row.message}`);
          },
        });
      } finally {
        progress.stop();
        stop.dispose();
      }
      if (o.json) console.log(JSON.stringify(report));
      else console.log(formatReport(report, file));
      const rows = [...report.table, ...(report.property?.rows ?? [])];
      const undecided = rows.filter((x) => x.status === 'inconclusive').length;
      process.exitCode = report.interrupted ? 130 : verdictExit(report.passed ? 0 : 1, undecided, Boolean(o.requirePower));
    });
}

/** `infinite-attention check-layer path/to/layer.ts`: parses, runs the engine (src/checkLayer/), prints. */
import { Command, Option } from 'commander';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInputs } from '../../io.ts';
import type { BackendChoice } from '../../backend.ts';
import { loadLayerModule } from '../../checkLayer/load.ts';
import { checkLayer, checkProfiles, tableRowNames, type CheckLayerReport, type CheckSettings, type CompositionRow, type VerdictSummary } from '../../checkLayer/engine.ts';
import { createProgress, interruptible } from './progress.ts';
import { backendOption, numberList, positiveInt, powerOptions, probability } from '../options.ts';
import { verdictExit } from '../errors.ts';
import { textTable } from '../../format.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toPrecision(2)}%` : '∞');

function verdictCell(v: VerdictSummary | undefined): string {
  if (!v) return '–';
  if (v.inconclusive.length) return 'inconclusive';
  return `${v.rejected ? 'FAIL' : 'ok'} ${v.statistic.toPrecision(3)}`;
}

const powerCell = (v: VerdictSummary | undefined) => (v ? `${pct(v.detectable.uniform)}/${pct(v.detectable.entry)}` : '–');

/** Where a row's size differs from the run's header (its network or width factor, src/checkLayer/compositions.ts). */
function sizeNote(r: CompositionRow, s: CheckSettings | undefined): string {
  if (!s) return '';
  const parts: string[] = [];
  if (r.scales.join() !== s.scales.join()) parts.push(`factors ${r.scales.join(', ')}`);
  if (r.networks !== s.networks) parts.push(`${r.networks} networks`);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

export function formatRows(rows: readonly CompositionRow[], settings?: CheckSettings): string {
  const head = ['row', 'status', 'NNGP', 'NTK', 'detects NNGP', 'detects NTK', 'layers / reason'];
  const lines = rows.map((r) => {
    const nngp = r.verdicts.find((x) => x.kernel === 'nngp');
    const ntk = r.verdicts.find((x) => x.kernel === 'ntk');
    const layers = r.layers + (r.headsScaled ? ' (heads × width factor)' : '') + sizeNote(r, settings);
    return [r.name, r.status === 'pass' ? 'pass' : r.status.toUpperCase(), verdictCell(nngp), verdictCell(ntk), powerCell(nngp), powerCell(ntk), r.status === 'pass' ? layers : `${layers}: ${r.message}`];
  });
  return textTable(head, lines, { rule: false, padLast: false }).join('\n');
}

export function formatReport(r: CheckLayerReport, file: string): string {
  const out: string[] = [];
  const s = r.settings;
  out.push(`check-layer ${file}: type "${r.type}"${r.variant ? `, broken variant "${r.variant}"` : ''}, spec ${JSON.stringify(r.spec)}`);
  out.push(
    `${s.profile === 'quick' ? 'quick look (--quick): ' : ''}width ${s.width} × factors ${s.scales.join(', ')}, ${s.networks} networks per factor; each verdict at α = ${r.alphaPerVerdict.toExponential(2)} (family-wise ${r.alpha}, Bonferroni)`,
  );
  out.push('NNGP/NTK: max|z| of the verdict; detects: the smallest relative kernel error it catches with probability 0.9 at its level, spread uniformly / in one entry');
  out.push('"refused": a kernel map or factory declined its input with a reason (docs/check-layer.md)');
  out.push('');
  out.push(formatRows(r.table, r.settings));
  if (r.property) {
    const p = r.property;
    out.push('');
    out.push(`fast-check: ${p.runs} random compositions (${p.skipped} refused and redrawn), seed ${p.fcSeed}${p.interrupted ? ', interrupted' : ''}`);
    if (p.rows.length) out.push(formatRows(p.rows));
    if (p.failed && p.counterexample) {
      const c = p.counterexample;
      out.push('');
      const spent = p.shrinkCandidates >= p.maxShrinks ? `; the budget of ${p.maxShrinks} shrink candidates is spent, a larger --max-shrinks may shrink it further` : '';
      out.push(`FAILING COMPOSITION (shrunk in ${p.shrinks} steps${spent}): ${c.layers}`);
      out.push(`  network seed ${c.composition.seed}: ${c.message}`);
      out.push(`  replay: infinite-attention check-layer ${file}${r.variant ? ` --variant ${r.variant}` : ''} --fc-seed ${p.fcSeed} --fc-path ${p.counterexamplePath} --runs 1`);
    }
  }
  out.push('');
  out.push(`NTK sites: ${r.sites.status}: ${r.sites.message}`);
  out.push('');
  const rows = [...r.table, ...(r.property?.rows ?? [])];
  const count = (st: string) => rows.filter((x) => x.status === st).length;
  const weakest = (w: CheckLayerReport['weakest']['table'], what: string) =>
    w
      ? `weakest power ${what}: ${w.uniform.kernel.toUpperCase()} of "${w.uniform.row}" detects ${pct(w.uniform.value)} uniform, ${w.entry.kernel.toUpperCase()} of "${w.entry.row}" ${pct(w.entry.value)} in one entry`
      : `no verdict decided ${what}`;
  const power = `; ${weakest(r.weakest.table, 'in the table')}${r.property ? `; ${weakest(r.weakest.random, 'in the random compositions')}` : ''}`;
  out.push(
    `${r.passed ? 'PASSED' : r.decided === false && !rows.some((x) => x.status === 'fail' || x.status === 'error') ? 'INCONCLUSIVE (no composition passed: nothing passes on nothing)' : 'FAILED'}: ${count('pass')} passed, ${count('fail') + count('error')} failed, ${count('refused')} refused${count('inconclusive') ? `, ${count('inconclusive')} inconclusive (neither pass nor fail; --require-power makes them fail)` : ''}${power}${r.interrupted ? ' (interrupted: the rows above are what was done)' : ''}`,
  );
  return out.join('\n');
}

export function checkLayerCommand(): Command {
  const d = checkProfiles.default;
  const q = checkProfiles.quick;
  return new Command('check-layer')
    .description(
      'validate a layer module (default export { type, factory, sample?, broken?, scale?, headLimit? }) in compositions that cover every input state of the layer contract (docs/check-layer.md); exit 1 on failure',
    )
    .argument('<file>', 'the layer module, .ts or .js (docs/check-layer.md)')
    .option('--variant <name>', "check one of the module's broken variants instead (it must fail)")
    .option('--quick', `a first look: width ${q.width}, ${q.networks} networks, no random compositions (each row states the power it has)`)
    .option('--inputs <file>', 'inputs JSON', resolve(root, 'fixtures/layers/inputs.json'))
    .option('--masked-inputs <file>', 'inputs JSON with padding, for the masked compositions', resolve(root, 'fixtures/layers/inputs-masked.json'))
    .option('--networks <N>', `networks per width factor (default ${d.networks}; --quick ${q.networks})`, positiveInt('--networks', 8))
    .option('--width <n>', `hidden width at width factor 1 (default ${d.width}; --quick ${q.width})`, positiveInt('--width', 2))
    .option('--scales <list>', `width factors, at least three (default ${d.scales.join(',')}; the sqrt-attention row runs at twice these)`, numberList('--scales', false))
    .option('--runs <n>', `random compositions drawn by fast-check, 0: table only (default ${d.runs}; --quick ${q.runs})`, positiveInt('--runs', 0))
    .option('--max-shrinks <n>', 'most shrink candidates tried after a failure', positiveInt('--max-shrinks', 0), 24)
    .option('--fc-seed <s>', 'fast-check seed', positiveInt('--fc-seed', 0), 1)
    .option('--fc-path <path>', 'fast-check replay path (printed with a failing composition)')
    .option('--seed <s>', 'network seed of the table rows', positiveInt('--seed', 1), 1)
    .option('--alpha <a>', 'family-wise false-failure rate of the whole check', probability('--alpha'), 1e-3)
    .addOption(new Option('--only <rows>', `comma-separated table rows to run; rows: ${tableRowNames().join(', ')}`))
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
          profile: o.quick ? 'quick' : 'default',
          width: o.width,
          scales: o.scales,
          networks: o.networks,
          runs: o.runs,
          alpha: o.alpha,
          fcSeed: o.fcSeed,
          fcPath: o.fcPath,
          maxShrinks: o.maxShrinks,
          // Row names contain no commas (src/checkLayer/compositions.ts).
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

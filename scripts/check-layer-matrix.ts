/**
 * Which table row catches which broken fixture (docs/check-layer.md, "Which row catches what"):
 * every layer module of fixtures/layers/ and each of its broken variants, on every row of the
 * table, at the default settings and at the level each verdict has in a default run (the random
 * compositions are left out, their share of α kept). Prints one line per module or variant with
 * each row's status (P pass, F fail, R refused, E error, I inconclusive) and the CPU seconds.
 *
 *   npx tsx scripts/check-layer-matrix.ts [fixtures/layers/swish.ts …]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readInputs } from '../src/io.ts';
import { loadLayerModule } from '../src/checkLayer/load.ts';
import { checkLayer, checkProfiles, tableRowNames } from '../src/checkLayer/engine.ts';

const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync('fixtures/layers').filter((f) => f.endsWith('.ts')).map((f) => join('fixtures/layers', f));
const inputs = readInputs('fixtures/layers/inputs.json');
const maskedInputs = readInputs('fixtures/layers/inputs-masked.json');
const rows = tableRowNames();
const d = checkProfiles.default;
const alpha = (1e-3 * rows.length) / (rows.length + d.runs);
const letter = { pass: 'P', fail: 'F', refused: 'R', error: 'E', inconclusive: 'I' } as const;
console.log(`default settings: width ${d.width}, ${d.networks} networks, factors ${d.scales.join(',')}; α per verdict ${(alpha / (2 * rows.length)).toExponential(2)}`);
console.log(['module', 'variant', ...rows, 'sites', 'cpu_s'].join('\t'));
for (const file of files) {
  const mod = await loadLayerModule(file);
  for (const variant of [undefined, ...Object.keys(mod.broken ?? {})]) {
    const start = process.cpuUsage();
    const r = await checkLayer(mod, { inputs, maskedInputs, runs: 0, alpha, variant });
    const cpu = process.cpuUsage(start);
    console.log([file.replace(/^.*\//, ''), variant ?? '(correct)', ...r.table.map((t) => letter[t.status]), r.sites.status, ((cpu.user + cpu.system) / 1e6).toFixed(1)].join('\t'));
    for (const t of r.table) if (t.status === 'error' || (t.status === 'fail' && !variant)) console.log(`  ${t.name}: ${t.message}`);
  }
}

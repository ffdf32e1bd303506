/**
 * Wall time of `computeKernel` (what `infinite-attention kernel` runs) on every suite case that has a
 * sqrt-scaled attention layer, with the logit draws it used and the precision it reached. A
 * measurement for the record (issue 17), not a test: nothing here asserts a time.
 *
 *   npx tsx scripts/kernel-timings.ts [--precision 0.01] [--json] [suite.json …]
 *
 * Without suite files it reads the attention suites of fixtures/suites/ (quick and full).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSuite } from '../src/validation/suite.ts';
import { computeKernel } from '../src/pipeline/kernel.ts';
import type { LayerSpec } from '../src/spec/types.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { precision: { type: 'string', default: '0.01' }, json: { type: 'boolean', default: false } },
});
const files = positionals.length
  ? positionals
  : ['attention.json', 'attention-full.json', 'attention-encoder.json', 'attention-encoder-full.json'].map((f) => resolve(root, 'fixtures/suites', f));

/** The mechanisms of the sqrt attention layers of a spec, nested blocks included. */
function sqrtMechanisms(layers: readonly LayerSpec[]): string[] {
  const out: string[] = [];
  for (const l of layers) {
    if (l.type === 'attention' && l.scaling === 'sqrt') out.push(l.mechanism);
    if (l.type === 'residual') out.push(...sqrtMechanisms(l.block));
  }
  return out;
}

const rows: { case: string; mechanisms: string; samples: number; precision: number; seconds: number; cpuSeconds: number }[] = [];
for (const file of files) {
  for (const c of loadSuite(file)) {
    const mech = sqrtMechanisms(c.spec.layers);
    if (mech.length === 0) continue;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const k = computeKernel(c.spec, c.inputs, { precision: Number(values.precision) });
    const seconds = (performance.now() - start) / 1000;
    // CPU time of this process: on a shared machine less noisy than the wall time.
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    rows.push({ case: c.name, mechanisms: mech.join('+'), samples: k.samples, precision: k.precision, seconds, cpuSeconds });
    if (!values.json)
      console.log(
        `${c.name.padEnd(44)} ${mech.join('+').padEnd(16)} ${String(k.samples).padStart(7)} ${k.samples ? k.precision.toExponential(2) : '—'.padEnd(8)} ${seconds.toFixed(2).padStart(8)} s wall ${cpuSeconds.toFixed(2).padStart(7)} s CPU`,
      );
  }
}
if (values.json) console.log(JSON.stringify(rows));

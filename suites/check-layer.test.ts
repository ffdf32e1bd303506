/**
 * `check-layer` on the example layer of fixtures/layers/: the good Swish passes and exits 0; a
 * broken variant fails and exits 1; fast-check shrinks a failure to its smallest composition; a
 * built-in layer goes through the same path. Small widths and few networks keep it cheap: the bugs
 * planted here are large, and the deterministic (raw-input) compositions need no sampling power.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readInputs } from '../src/io.ts';
import { loadLayerModule, type LayerModule } from '../src/cli/commands/layerModule.ts';
import { layerFactories } from '../src/layers/registry.ts';
import { checkLayer, type CheckLayerReport } from '../src/cli/commands/checkLayerEngine.ts';

const root = resolve(import.meta.dirname, '..');
const cheap = ['--networks', '64', '--width', '16', '--quiet', '--json'];

function cli(args: string[]): { code: number | null; report: CheckLayerReport; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/infinite-attention.js', 'check-layer', ...args, ...cheap], { cwd: root, encoding: 'utf8' });
  return { code: r.status, report: JSON.parse(r.stdout) as CheckLayerReport, stderr: r.stderr };
}

describe('check-layer on the command line', () => {
  it('passes the example Swish layer (exit 0)', () => {
    const { code, report, stderr } = cli(['fixtures/layers/swish.ts', '--only', 'alone,after dense,before layerNorm', '--runs', '1']);
    expect(code, stderr).toBe(0);
    expect(report.passed).toBe(true);
    expect(report.table.map((r) => [r.name, r.status])).toEqual([
      ['alone', 'pass'],
      ['after dense', 'pass'],
      ['before layerNorm', 'pass'],
    ]);
  });

  it('fails the variant that forgets the first moment, on the composition that needs it (exit 1)', () => {
    const { code, report } = cli(['fixtures/layers/swish.ts', '--variant', 'no-mean', '--only', 'after dense,before layerNorm', '--runs', '0']);
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    expect(report.table.map((r) => [r.name, r.status])).toEqual([
      ['after dense', 'pass'],
      ['before layerNorm', 'fail'],
    ]);
  });
});

describe('check-layer engine', () => {
  const inputs = readInputs(join(root, 'fixtures/layers/inputs.json'));
  const maskedInputs = readInputs(join(root, 'fixtures/layers/inputs-masked.json'));

  it('shrinks a failure to the smallest failing composition and reports its seed and replay path', async () => {
    const mod = await loadLayerModule(join(root, 'fixtures/layers/swish.ts'));
    // The bug only shows on raw inputs; the table row run here does not have them.
    const r = await checkLayer(mod, { inputs, maskedInputs, variant: 'gaussian-on-raw-inputs', only: ['after dense'], runs: 6, networks: 16, width: 8, fcSeed: 7 });
    expect(r.table[0].status).toBe('pass');
    expect(r.property?.failed).toBe(true);
    const ce = r.property!.counterexample!;
    expect(ce.layers).toBe('swish → dense(1)');
    expect(ce.composition.seed).toBe(1);
    expect(r.property!.counterexamplePath).toMatch(/^\d+(:\d+)*$/);
    expect(r.passed).toBe(false);
  });

  it('treats a built-in layer exactly like a user layer', async () => {
    const mod = await loadLayerModule(join(root, 'fixtures/layers/relu-builtin.ts'));
    const good = await checkLayer(mod, { inputs, maskedInputs, only: ['after dense'], runs: 0, networks: 64, width: 16 });
    expect(good.passed).toBe(true);
    const bad = await checkLayer(mod, { inputs, maskedInputs, variant: 'half-scale', only: ['after dense'], runs: 0, networks: 64, width: 16 });
    expect(bad.table[0].status).toBe('fail');
  });
});

/**
 * The built-in attention layer as a check-layer module, with every positional-embedding form
 * (issue 11, item 1). "alone" runs it on the raw inputs, whose width no factor changes: there the
 * embedding's Gram PPᵀ/n_pe never reaches the mean σpe²R the kernel uses, and a concat embedding's
 * n_pe was also scaled against an unscaled n, so a correct layer failed. The layer now declines
 * that input with its reason (a refused row, which the contract allows), and passes behind a
 * non-linearity of a Gaussian input.
 */
describe('check-layer on the built-in attention, every embedding form', () => {
  const inputs = readInputs(join(root, 'fixtures/layers/inputs.json'));
  const maskedInputs = readInputs(join(root, 'fixtures/layers/inputs-masked.json'));
  const base = { type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling: 'linear', mechanism: 'softmax', wQStd: 1, wKStd: 1, wVStd: 1, wOStd: 1, bStd: 0.1 };
  const pe = { std: 1, decay: null, p: 1, values: false, trainable: true };
  const forms: [string, Record<string, unknown>][] = [
    ['concat, trainable, seen by the values', { type: 'concat', channels: 8, ...pe, values: true }],
    ['concat, fixed, with decay', { type: 'concat', channels: 4, ...pe, trainable: false, decay: { kind: 'exp', scale: 0.5 } }],
    ['sum, trainable', { type: 'sum', ...pe }],
    ['sum, fixed, seen by the values', { type: 'sum', ...pe, trainable: false, values: true }],
  ];
  it.each(forms)('%s: "alone" is refused with its reason', async (_name, posEmb) => {
    const mod = { type: 'attention', factory: layerFactories.attention as LayerModule['factory'], sample: { ...base, posEmb } };
    const r = await checkLayer(mod, { inputs, maskedInputs, only: ['alone'], runs: 0, networks: 64, width: 16 });
    expect(r.table.map((row) => [row.name, row.status])).toEqual([['alone', 'refused']]);
    expect(r.table[0].message).toMatch(/positional embedding on the raw inputs has no infinite-width limit/);
    expect(r.passed).toBe(false); // every row refused: nothing was checked
  });

  it('the issue\'s form (concat, 8 channels, trainable, seen by the values) passes behind relu: the check passes', async () => {
    const mod = { type: 'attention', factory: layerFactories.attention as LayerModule['factory'], sample: { ...base, posEmb: forms[0][1] } };
    const r = await checkLayer(mod, { inputs, maskedInputs, only: ['alone', 'after relu'], runs: 0, networks: 64, width: 16 });
    expect(r.table.map((row) => [row.name, row.status])).toEqual([
      ['alone', 'refused'],
      ['after relu', 'pass'],
    ]);
    expect(r.passed).toBe(true);
  });
});

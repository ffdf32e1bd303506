/**
 * `check-layer` (src/checkLayer/, docs/check-layer.md): every broken fixture of fixtures/layers/ is
 * caught by the table row for the state its bug lives in, the correct layers pass, the layer under
 * test replaces only its own slot, and the command's exit codes and output follow the contract.
 *
 * Cheap settings (width 32, 64 networks, no random compositions, only the rows a test needs) keep
 * this inside npm test: the planted bugs are far larger than the power these settings print. Which
 * rows let each fixture pass — that it is caught ONLY there — is the matrix of docs/check-layer.md,
 * produced by scripts/check-layer-matrix.ts at the default settings. The full profile
 * (SUITES_PROFILE=full) runs the default check on every built-in wrapped as a user layer.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readInputs } from '../src/io.ts';
import { loadLayerModule } from '../src/checkLayer/load.ts';
import type { LayerModule } from '../src/layers/module.ts';
import { builtInLayers, layerTypes } from '../src/layers/registry.ts';
import type { LayerFactory } from '../src/layers/types.ts';
import { checkLayer, CheckLayerError, type CheckLayerOptions, type CheckLayerReport } from '../src/checkLayer/engine.ts';
import { suiteProfile } from './profile.ts';

const root = resolve(import.meta.dirname, '..');
const inputs = readInputs(join(root, 'fixtures/layers/inputs.json'));
const maskedInputs = readInputs(join(root, 'fixtures/layers/inputs-masked.json'));
const cheap: Partial<CheckLayerOptions> = { networks: 64, width: 32, runs: 0 };
const load = (name: string) => loadLayerModule(join(root, 'fixtures/layers', name));
const statuses = (r: CheckLayerReport) => r.table.map((row) => [row.name, row.status]);

function cli(args: string[]): { code: number | null; report: CheckLayerReport; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/infinite-attention.js', 'check-layer', ...args, '--quiet'], { cwd: root, encoding: 'utf8' });
  return { code: r.status, report: args.includes('--json') ? (JSON.parse(r.stdout) as CheckLayerReport) : (null as never), stdout: r.stdout, stderr: r.stderr };
}

describe('check-layer on the command line', () => {
  it('--quick passes the example Swish layer (exit 0) and states each row\'s power and the weakest', () => {
    const { code, stdout, stderr } = cli(['fixtures/layers/swish.ts', '--quick', '--only', 'raw,gaussian,before-relu']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^raw +pass +ok \S+ +ok \S+ +[\d.]+%\/[\d.]+% /m);
    expect(stdout).toMatch(/^gaussian +pass +ok \S+ +ok \S+ +[\d.]+%\/[\d.]+% +[\d.]+%\/[\d.]+% +dense\(64\) → swish → dense\(1\)$/m);
    expect(stdout).toMatch(/^before-relu +REFUSED .*relu needs a centred Gaussian input/m);
    expect(stdout).toMatch(/^PASSED: 2 passed, 0 failed, 1 refused; weakest power in the table: N(NGP|TK) of "gaussian" detects [\d.]+% uniform, N(NGP|TK) of "gaussian" [\d.]+% in one entry$/m);
  });

  it('fails the variant that forgets the first moment, on the row that reads it (exit 1)', () => {
    const { code, report } = cli(['fixtures/layers/swish.ts', '--variant', 'no-mean', '--only', 'gaussian,before-layerNorm', '--networks', '64', '--runs', '0', '--json']);
    expect(code).toBe(1);
    expect(statuses(report)).toEqual([
      ['gaussian', 'pass'],
      ['before-layerNorm', 'fail'],
    ]);
  });

  it('--max-detectable makes an underpowered pass inconclusive: exit 0 beside a passing row, 1 alone or with --require-power', () => {
    // "raw" (deterministic inputs, an exact kernel) sees far below 1 %; "gaussian" at --quick cannot.
    const args = ['fixtures/layers/swish.ts', '--quick', '--only', 'raw,gaussian', '--max-detectable', '0.01', '--json'];
    const plain = cli(args);
    expect(plain.code, plain.stderr).toBe(0);
    expect(statuses(plain.report)).toEqual([
      ['raw', 'pass'],
      ['gaussian', 'inconclusive'],
    ]);
    expect(plain.report.table[1].verdicts.every((v) => v.inconclusive.some((i) => i.startsWith('power: ')))).toBe(true);
    expect(cli([...args, '--require-power']).code).toBe(1);
    // Nothing passes on nothing: the underpowered row alone decides nothing.
    const alone = cli(['fixtures/layers/swish.ts', '--quick', '--only', 'gaussian', '--max-detectable', '0.01', '--json']);
    expect([alone.code, statuses(alone.report)]).toEqual([1, [['gaussian', 'inconclusive']]]);
  });
});

/** Each broken fixture, on the row for its state (docs/check-layer.md, "Which row catches what"). */
const broken: [file: string, variant: string, row: string, status?: 'fail' | 'error', networks?: number, width?: number][] = [
  ['swish.ts', 'gaussian-on-raw-inputs', 'raw'],
  ['swish.ts', 'ntk-without-derivative', 'gaussian'],
  ['centre.ts', 'zeros-as-padding', 'general'],
  ['centre.ts', 'general-keeps-mean', 'general'],
  ['centre.ts', 'mean-from-relu', 'residual'],
  ['mixMean.ts', 'one-position-shortcut', 'pooled'],
  ['mixMean.ts', 'ignores-mask', 'linear-attention'],
  ['mixMean.ts', 'unmasked-fast-path', 'gaussian'],
  ['swish.ts', 'ntk-reads-nngp', 'sqrt-attention'],
  ['swish.ts', 'claims-gaussian', 'before-relu'],
  ['swish.ts', 'no-mean', 'before-layerNorm'],
  ['multiHead.ts', 'heads-averaged', 'before-relu'],
  // The one-head law after a ReLU is a smaller effect, and its per-network kernels are heavily skewed:
  // at 128 and 256 networks its rejection (max|z| 4.41, 6.14) lies on the heavy side of the tail
  // (excess 40×) and does not hold with the widest width left out, which is what a correct layer's
  // tails accident looks like (issue 16): inconclusive. At 512 it holds at every width (8.12).
  ['multiHead.ts', 'fixed-heads', 'before-relu', 'fail', 512],
  // The contraction NTK counts the parameters it saw at sites against those declared: an error row.
  ['dense-wrapper.ts', 'bias-outside-sites', 'gaussian', 'error'],
  ['relu-builtin.ts', 'half-scale', 'gaussian'],
];

describe('every broken fixture fails the row of its state', () => {
  it.each(broken)('%s --variant %s fails "%s"', async (file, variant, row, status = 'fail', networks = cheap.networks, width = cheap.width) => {
    const r = await checkLayer(await load(file), { inputs, maskedInputs, ...cheap, networks, width, variant, only: [row] });
    expect(statuses(r)).toEqual([[row, status]]);
    expect(r.passed).toBe(false);
    if (file === 'dense-wrapper.ts') expect(r.sites).toMatchObject({ status: 'fail', message: expect.stringMatching(/outside the helpers of src\/layers\/sites\.ts/) });
  });
});

describe('the correct fixtures pass where their broken variants fail', () => {
  const rows = [...new Set(broken.map((b) => b[2]))];
  it.each([...new Set(broken.map((b) => b[0]))])('%s', async (file) => {
    const mine = broken.filter((b) => b[0] === file).map((b) => b[2]);
    const r = await checkLayer(await load(file), { inputs, maskedInputs, ...cheap, only: rows.filter((x) => mine.includes(x)) });
    expect(r.table.filter((row) => row.status !== 'pass' && row.status !== 'refused').map((row) => [row.name, row.message])).toEqual([]);
    expect(r.passed).toBe(true);
  });
});

describe('the layer under test, and only it', () => {
  it('a layer named like a built-in replaces only its slot: the lead-in, the neighbours and the readout stay the built-in', async () => {
    const built: string[] = [];
    const spy: LayerFactory<never> = (spec, site) => {
      built.push(site.path);
      return builtInLayers.dense(spec, site);
    };
    const mod: LayerModule = { type: 'dense', factory: spy as LayerModule['factory'], sample: { type: 'dense', width: 16, wStd: 1, bStd: 0.3 } as never };
    const r = await checkLayer(mod, { inputs, maskedInputs, ...cheap, networks: 16, only: ['gaussian', 'residual'] });
    expect(statuses(r)).toEqual([
      ['gaussian', 'pass'],
      ['residual', 'pass'],
    ]);
    // The probes of the sample, layers[1] in "gaussian" and the NTK site check, layers[3] in
    // "residual" (after dense, relu, residual(dense)); never the lead-in, the readout or the block's dense.
    expect(new Set(built)).toEqual(new Set(['sample(raw inputs)', 'sample(after dense)', 'sample(pooled)', 'layers[1]', 'layers[3]']));
    expect(layerTypes.dense.factory).toBe(builtInLayers.dense);
  });

  it('a wrapper that builds the built-in it wraps through the registry gets the original, not itself', async () => {
    const wrapper: LayerFactory<never> = (spec, site) => ({ ...layerTypes.relu.factory(spec, site), type: 'relu' });
    const mod: LayerModule = { type: 'relu', factory: wrapper as LayerModule['factory'] };
    const r = await checkLayer(mod, { inputs, maskedInputs, ...cheap, only: ['gaussian'] });
    expect(statuses(r)).toEqual([['gaussian', 'pass']]);
    expect(layerTypes.relu.factory).toBe(builtInLayers.relu);
  });

  it('an unusable sample is one error before anything is sampled', async () => {
    const mod: LayerModule = { type: 'layerNorm', factory: builtInLayers.layerNorm as LayerModule['factory'], sample: { type: 'layerNorm', eps: -1 } as never };
    await expect(checkLayer(mod, { inputs, maskedInputs, ...cheap })).rejects.toThrow(CheckLayerError);
    await expect(checkLayer(mod, { inputs, maskedInputs, ...cheap })).rejects.toThrow(/sample\.eps/);
  });
});

describe('the random compositions', () => {
  it('shrink a failure to the smallest failing composition and report its seed and replay path', async () => {
    // The bug only shows on raw inputs, which the table row run here does not have.
    const progress: [number, string][] = [];
    const r = await checkLayer(await load('swish.ts'), { inputs, maskedInputs, variant: 'gaussian-on-raw-inputs', only: ['gaussian'], runs: 6, networks: 16, width: 8, fcSeed: 4, onProgress: (f, label) => progress.push([f, label]) });
    // Progress stays within [0, 1] and never runs back, though refused compositions are redrawn
    // (this run has some: it once read "random composition 8/6" and passed 100 %).
    expect(r.property!.rows.some((row) => row.status === 'refused')).toBe(true);
    expect(progress.every(([f], i) => f >= 0 && f <= 1 && (i === 0 || f >= progress[i - 1][0]))).toBe(true);
    for (const [, label] of progress) {
      const k = /^random composition (\d+)\/6/.exec(label);
      if (k) expect(Number(k[1])).toBeLessThanOrEqual(6);
    }
    // The row must not fail. With 16 networks at the row's level its verdicts may be inconclusive,
    // and then only for heavy tails (src/verdicts/kernelAgreement.ts).
    expect(r.table[0].status).not.toBe('fail');
    if (r.table[0].status === 'inconclusive') expect(r.table[0].message).toMatch(/^NNGP inconclusive \(heavy-tails: /);
    expect(r.property?.failed).toBe(true);
    const ce = r.property!.counterexample!;
    expect(ce.layers).toBe('swish → dense(1)');
    expect(ce.composition.seed).toBe(1);
    expect(r.property!.counterexamplePath).toMatch(/^\d+(:\d+)*$/);
    expect(r.passed).toBe(false);
  });

  it('a failure whose shrink budget is spent still fails, with the composition shrunk so far and its replay path', async () => {
    const r = await checkLayer(await load('swish.ts'), { inputs, maskedInputs, variant: 'gaussian-on-raw-inputs', only: ['gaussian'], runs: 6, networks: 16, width: 8, fcSeed: 4, maxShrinks: 1 });
    const p = r.property!;
    expect(p.failed).toBe(true);
    expect(p.counterexample?.status).toBe('fail');
    // One candidate tried: the composition is the first failure or its first shrink, one step at most.
    expect([p.shrinkCandidates, p.maxShrinks]).toEqual([1, 1]);
    expect(p.shrinks).toBeLessThanOrEqual(1);
    expect(p.counterexamplePath).toMatch(/^\d+(:\d+)?$/);
    expect(r.passed).toBe(false);
  });
});

/**
 * The built-in attention as a check-layer module with every positional-embedding form (issue 11,
 * item 1): "raw" puts it on the raw inputs, whose width no factor changes, where an embedding has
 * no infinite-width limit; the layer declines that input with its reason (a refused row, which the
 * contract allows), and passes behind a non-linearity of a Gaussian input.
 */
describe('check-layer on the built-in attention, every embedding form', () => {
  const base = { type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 8, scaling: 'linear', mechanism: 'softmax', wQStd: 1, wKStd: 1, wVStd: 1, wOStd: 1, bStd: 0.1 };
  const pe = { std: 1, decay: null, p: 1, values: false, trainable: true };
  const forms: [string, Record<string, unknown>][] = [
    ['concat, trainable, seen by the values', { type: 'concat', channels: 8, ...pe, values: true }],
    ['concat, fixed, with decay', { type: 'concat', channels: 4, ...pe, trainable: false, decay: { kind: 'exp', scale: 0.5 } }],
    ['sum, trainable', { type: 'sum', ...pe }],
    ['sum, fixed, seen by the values', { type: 'sum', ...pe, trainable: false, values: true }],
  ];
  const module = (posEmb: Record<string, unknown>): LayerModule => ({ type: 'attention', factory: builtInLayers.attention as LayerModule['factory'], sample: { ...base, posEmb } as never });
  it.each(forms)('%s: "raw" is refused with its reason', async (_name, posEmb) => {
    const r = await checkLayer(module(posEmb), { inputs, maskedInputs, ...cheap, only: ['raw'] });
    expect(statuses(r)).toEqual([['raw', 'refused']]);
    expect(r.table[0].message).toMatch(/positional embedding on the raw inputs has no infinite-width limit/);
    expect(r.passed).toBe(false); // every row refused: nothing was checked
  });

  it('the issue\'s form (concat, 8 channels, trainable, seen by the values) passes after a ReLU', async () => {
    const r = await checkLayer(module(forms[0][1]), { inputs, maskedInputs, ...cheap, width: 16, only: ['raw', 'general'] });
    expect(statuses(r)).toEqual([
      ['raw', 'refused'],
      ['general', 'pass'],
    ]);
    expect(r.passed).toBe(true);
  });
});

/**
 * Every correct built-in, wrapped as a user layer (its own factory under its own name, or a
 * residual block around it), passes the default check: every row passes or is refused with a reason,
 * the random compositions pass, the NTK sites agree. Heavy (a default run each), so full profile only.
 */
describe.skipIf(suiteProfile().name !== 'full')('every correct built-in wrapped as a user layer passes the default check (full profile)', () => {
  const att = (o: Record<string, unknown>) => ({ type: 'attention', heads: 2, keyWidth: 16, valueWidth: 16, outWidth: 32, wQStd: 1, wKStd: 1, wVStd: 1, wOStd: 1, bStd: 0.1, posEmb: null, ...o });
  const pe = { std: 1, decay: { kind: 'exp', scale: 0.5 }, p: 1, values: true, trainable: true };
  const samples: [string, Record<string, unknown>][] = [
    ['dense', { type: 'dense', width: 32, wStd: 1.3, bStd: 0.4 }],
    ...(['relu', 'erf', 'abs', 'gelu', 'tanh', 'identity'] as const).map((a): [string, Record<string, unknown>] => [a, { type: a }]),
    ['layerNorm', { type: 'layerNorm', eps: 1e-5 }],
    ['globalAvgPool', { type: 'globalAvgPool' }],
    // A residual block keeps its input width: 64, the dense lead-in's (the raw-input rows are refused).
    ['residual(dense → relu → dense)', { type: 'residual', block: [{ type: 'dense', width: 32, wStd: 1.2, bStd: 0.2 }, { type: 'relu' }, { type: 'dense', width: 64, wStd: 1, bStd: 0.1 }] }],
    ['residual(attention)', { type: 'residual', block: [att({ scaling: 'linear', mechanism: 'softmax', outWidth: 64 })] }],
    ...(['linear', 'sqrt'] as const).flatMap((scaling) =>
      (['softmax', 'identity', 'relu', 'abs'] as const).map((mechanism): [string, Record<string, unknown>] => [`attention ${scaling} ${mechanism}`, att({ scaling, mechanism })]),
    ),
    ['attention linear softmax, sum embedding', att({ scaling: 'linear', mechanism: 'softmax', posEmb: { type: 'sum', ...pe } })],
    ['attention sqrt relu, concat embedding', att({ scaling: 'sqrt', mechanism: 'relu', posEmb: { type: 'concat', channels: 16, ...pe } })],
  ];
  it.each(samples)('%s', async (_name, sample) => {
    const type = sample.type as string;
    // A wrapper in the user's shape: the original built-in through the public API, under the built-in's name.
    const factory: LayerFactory<never> = (spec, site) => builtInLayers[type](spec, site);
    const r = await checkLayer({ type, factory: factory as LayerModule['factory'], sample: sample as never }, { inputs, maskedInputs });
    const bad = [...r.table, ...(r.property?.rows ?? [])].filter((row) => row.status === 'fail' || row.status === 'error');
    expect(bad.map((row) => `${row.name}: ${row.layers}: ${row.message}`)).toEqual([]);
    // "Passes" is the check's exit-0 contract: inconclusive rows are allowed beside passing ones. The
    // one known inconclusive row is linear abs attention on the raw inputs, whose finite-width bias
    // falls like width^(−0.55) (docs/check-layer.md): it may be undecided only for that reason.
    if (_name === 'attention linear abs') {
      const raw = r.table.find((row) => row.name === 'raw')!;
      expect(['pass', 'inconclusive']).toContain(raw.status);
      for (const v of raw.verdicts) if (v.inconclusive.length) expect(v.inconclusive.some((i) => i.startsWith('bias-rate: ')), raw.message).toBe(true);
    }
    expect(r.sites.status).not.toBe('fail');
    expect(r.passed).toBe(true);
  }, 3_600_000);
});

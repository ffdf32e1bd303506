/**
 * The architectures and null families that calibration runs sample (scripts/calibrate.ts,
 * scripts/null-study.ts): small networks on fresh random inputs per seed, at the widths, head
 * counts and network counts that the suites, `validate` and `check-layer` use.
 */
import { resolve } from 'node:path';
import { parseInputs } from '../../src/spec/schema.ts';
import { normalStream } from '../../src/random/normals.ts';
import { parseNetworkSpec } from '../../src/layers/parse.ts';
import type { InputBatch, NetworkSpec } from '../../src/spec/types.ts';
import { loadSuite } from '../../src/validation/suite.ts';
import type { CaseDefinition } from '../../src/validation/case.ts';
import { everyLayer } from '../../src/layers/walk.ts';
import { needsHeadScaling } from '../../src/layers/heads.ts';
import { checkProfiles } from '../../src/checkLayer/engine.ts';
import { compositionLayers, rowDesign, tableRows } from '../../src/checkLayer/compositions.ts';

export interface Architecture {
  readonly layers: readonly unknown[];
  /** Positions per input sequence (M = 3 sequences of d = 4 channels). */
  readonly T: number;
  readonly masked: boolean;
  /** Heads grow with the width factor (sqrt attention followed by more layers: the H → ∞ kernel). */
  readonly scaleHeads?: boolean;
  /** Networks per width factor; default 128. */
  readonly networks?: number;
  /** Width factors; default 1, 2, 4. */
  readonly scales?: readonly number[];
  /** The least 1/width² allowance for its verdicts (CaseDefinition.curvatureFactor); default 1. */
  readonly curvatureFactor?: number;
}

export const DEFAULT_NETWORKS = 128;
export const DEFAULT_SCALES = [1, 2, 4] as const;

export function specOf(a: Architecture): NetworkSpec {
  return parseNetworkSpec({ layers: a.layers });
}

/** Random inputs of a seed: M = 3 sequences of T positions, d = 4, N(0, 1) entries; masks keep ≥ 1 position. */
export function inputsFor(seed: number, T: number, masked: boolean): InputBatch {
  const normal = normalStream(`calibrate/inputs/${seed}`);
  const M = 3;
  const inputs = Array.from({ length: M }, () => Array.from({ length: T }, () => Array.from({ length: 4 }, normal)));
  const mask = masked ? Array.from({ length: M }, (_, i) => Array.from({ length: T }, (_, t) => (t < T - (i % T) ? 1 : 0))) : undefined;
  return parseInputs(mask ? { inputs, mask } : { inputs });
}

/** Issue 16's first architecture: two relu heads, sqrt scaling, heads fixed, readout right after attention. */
const issue16Relu: Architecture = {
  layers: [
    { type: 'dense', width: 16 },
    { type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16, scaling: 'sqrt', mechanism: 'relu' },
    { type: 'dense', width: 2 },
  ],
  T: 3,
  masked: false,
};

export const architectures: Record<string, Architecture> = {
  // MLPs (base width 16: widths 16, 32, 64).
  'relu-erf': {
    layers: [{ type: 'dense', width: 16, wStd: 1.5, bStd: 0.3 }, { type: 'relu' }, { type: 'dense', width: 16, wStd: 1.2 }, { type: 'erf' }, { type: 'dense', width: 2 }],
    T: 2,
    masked: false,
  },
  'relu-layernorm-masked': {
    layers: [{ type: 'dense', width: 16, bStd: 0.4 }, { type: 'relu' }, { type: 'layerNorm' }, { type: 'dense', width: 2 }],
    T: 3,
    masked: true,
  },
  'residual-gelu-pool-masked': {
    layers: [
      { type: 'dense', width: 16, wStd: 1.2 },
      { type: 'residual', block: [{ type: 'relu' }, { type: 'dense', width: 16, wStd: 0.8, bStd: 0.2 }] },
      { type: 'gelu' },
      { type: 'globalAvgPool' },
      { type: 'dense', width: 2, bStd: 0.1 },
    ],
    T: 3,
    masked: true,
  },
  'abs-tanh': {
    layers: [{ type: 'dense', width: 16, wStd: 1.3, bStd: 0.2 }, { type: 'abs' }, { type: 'dense', width: 16 }, { type: 'tanh' }, { type: 'dense', width: 2 }],
    T: 2,
    masked: false,
  },
  // Small attention networks where the broken attention fixtures matter (calibrate's detection runs).
  'attention-linear-softmax-masked': {
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      { type: 'attention', heads: 1, keyWidth: 16, valueWidth: 8, outWidth: 16, scaling: 'linear', mechanism: 'softmax', wQStd: 1.2, wKStd: 1.2, bStd: 0.2 },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: true,
  },
  'attention-linear-identity-sum-values-masked': {
    // Base width 32 with d_k = 64 and 256 networks: the embedding's NTK term is a ~10 % share of the
    // NTK, which the per-network fluctuations of linear attention (they fall like 1/√d_k) hide in
    // a width-16 ensemble of 128 (detected in 17 of 20 runs there).
    layers: [
      { type: 'dense', width: 32, bStd: 0.2 },
      {
        type: 'attention',
        heads: 2,
        keyWidth: 64,
        valueWidth: 16,
        outWidth: 32,
        scaling: 'linear',
        mechanism: 'identity',
        posEmb: { type: 'sum', std: 1, decay: { kind: 'exp', scale: 0.5 }, values: true },
      },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: true,
    networks: 256,
  },
  'attention-sqrt-softmax-sum': {
    // Unmasked (an input with one valid position has no logit path at all) and 256 networks: at
    // 2–8 heads the per-network NTK fluctuates like 1/H, and with masks and 128 networks the
    // logit-path bug was caught in 12 of 20 runs.
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      {
        type: 'attention',
        heads: 2,
        keyWidth: 8,
        valueWidth: 8,
        outWidth: 16,
        scaling: 'sqrt',
        mechanism: 'softmax',
        wQStd: 1.5,
        wKStd: 1.5,
        posEmb: { type: 'sum', std: 0.6, decay: { kind: 'inverse', scale: 1 } },
      },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: false,
    scaleHeads: true,
    networks: 256,
  },
  // The two architectures of issue 16 (3 sequences × 3 positions × 4 channels).
  'sqrt-relu-h2-fixed': issue16Relu,
  // The first at 16× the networks, where its tails no longer call for the heavy-side rule: does the
  // engine hold its level where it decides?
  'sqrt-relu-h2-fixed-n2048': { ...issue16Relu, networks: 2048 },
  'sqrt-softmax-h2-sum-relu-pool-masked-scaled': {
    layers: [
      { type: 'dense', width: 16 },
      { type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16, scaling: 'sqrt', mechanism: 'softmax', posEmb: { type: 'sum', std: 1 } },
      { type: 'relu' },
      { type: 'globalAvgPool' },
      { type: 'dense', width: 2 },
    ],
    T: 3,
    masked: true,
    scaleHeads: true,
  },
  // Sqrt attention with the heads FIXED across width factors: valid with the readout right after
  // attention, where the ensemble mean is the kernel at any head count (docs/attention-ntk.md).
  'sqrt-softmax-h2-sum-fixed-heads': {
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      { type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16, scaling: 'sqrt', mechanism: 'softmax', wQStd: 1.5, wKStd: 1.5, posEmb: { type: 'sum', std: 0.6, decay: { kind: 'inverse', scale: 1 } } },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: false,
  },
  'sqrt-identity-h2-masked-fixed-heads': {
    layers: [
      { type: 'dense', width: 16 },
      { type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16, scaling: 'sqrt', mechanism: 'identity' },
      { type: 'dense', width: 2 },
    ],
    T: 3,
    masked: true,
  },
  'sqrt-abs-h4-concat-masked-fixed-heads': {
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      { type: 'attention', heads: 4, keyWidth: 8, valueWidth: 8, outWidth: 16, scaling: 'sqrt', mechanism: 'abs', posEmb: { type: 'concat', std: 0.8, channels: 4 } },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: true,
  },
  'sqrt-relu-h8-fixed-heads': {
    layers: [
      { type: 'dense', width: 32, bStd: 0.2 },
      { type: 'attention', heads: 8, keyWidth: 16, valueWidth: 16, outWidth: 32, scaling: 'sqrt', mechanism: 'relu' },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: false,
  },
  // A one-block encoder: embedding, residual attention, LayerNorm, residual MLP, LayerNorm, pooling.
  'encoder-sqrt-softmax-sum-masked': {
    layers: [
      { type: 'dense', width: 16, bStd: 0.2 },
      { type: 'residual', block: [{ type: 'attention', heads: 2, keyWidth: 8, valueWidth: 8, outWidth: 16, scaling: 'sqrt', mechanism: 'softmax', posEmb: { type: 'sum', std: 0.6, decay: { kind: 'exp', scale: 0.5 } } }] },
      { type: 'layerNorm' },
      { type: 'residual', block: [{ type: 'dense', width: 32, bStd: 0.2 }, { type: 'relu' }, { type: 'dense', width: 16, bStd: 0.2 }] },
      { type: 'layerNorm' },
      { type: 'globalAvgPool' },
      { type: 'dense', width: 1 },
    ],
    T: 3,
    masked: true,
    scaleHeads: true,
  },
};


/**
 * The cases of a suite file (read by the suite loader, src/validation/suite.ts: spec files, inline
 * specs and the head-scaling rule as `validate` applies them) as calibration architectures, at the
 * suite's width factors, heads and network counts; inputs replaced by fresh ones of T = 3.
 * `keep` selects cases (default: all).
 */
export function suiteArchitectures(file: string, prefix = 'suite', keep: (c: CaseDefinition) => boolean = () => true): Record<string, Architecture> {
  const out: Record<string, Architecture> = {};
  for (const c of loadSuite(file).filter(keep))
    out[`${prefix}:${c.name}`] = { layers: c.spec.layers, T: 3, masked: c.inputs.masked, scaleHeads: c.scaleHeads ?? false, networks: c.networks, scales: c.scales };
  return out;
}

/** Whether a case has an attention layer (nested blocks included). */
export const hasAttention = (c: CaseDefinition): boolean => everyLayer(c.spec.layers).some((l) => l.type === 'attention');

/** The activations put in check-layer's slot by the `check-layer` family. */
export const CHECK_LAYER_ACTIVATIONS = ['tanh', 'gelu', 'erf', 'relu'] as const;

/**
 * check-layer's attention rows (src/checkLayer/compositions.ts: linear attention on masked inputs,
 * sqrt softmax attention with its heads scaled) with a built-in activation in the slot of the
 * layer under test, at check-layer's default settings and each row's own design (rowDesign: width 64,
 * factors 1, 2, 4 times the row's scale factor, 256 networks times its network factor), heads
 * scaled where check-layer scales them (the rule of src/layers/heads.ts). Named
 * `check-layer:ROW:ACTIVATION`.
 */
export function checkLayerArchitectures(): Record<string, Architecture> {
  const s = checkProfiles.default;
  const out: Record<string, Architecture> = {};
  for (const row of tableRows(s.width, 1).filter((r) => r.name.endsWith('-attention')))
    for (const type of CHECK_LAYER_ACTIVATIONS) {
      const layers = compositionLayers(row.composition, { type });
      out[`check-layer:${row.name}:${type}`] = {
        layers,
        T: 3,
        masked: row.composition.masked,
        scaleHeads: needsHeadScaling(parseNetworkSpec({ layers })),
        ...rowDesign(s, row),
      };
    }
  return out;
}

/**
 * Every architecture a calibration run can name: the fixed ones above, the attention suite's cases
 * (`suite:NAME`), `npm run validate`'s attention cases (`validate:NAME`) and check-layer's attention
 * rows (`check-layer:ROW:ACTIVATION`). `root` is the repository root.
 */
export function allArchitectures(root: string): Record<string, Architecture> {
  return {
    ...architectures,
    ...suiteArchitectures(resolve(root, 'fixtures/suites/attention.json')),
    ...suiteArchitectures(resolve(root, 'fixtures/suites/default.json'), 'validate', hasAttention),
    ...checkLayerArchitectures(),
  };
}
